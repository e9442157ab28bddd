#!/usr/bin/env python3
"""Writes tests/bad-input/: small hostile and broken inputs, each of which saml-doctor must refuse
with exit status 1 or 2 and a one-line reason, quickly and in bounded memory. The large ones
(2 GiB, 10 MB, 100,000 attributes) are made by the test itself in a temporary directory.

Run from the repository root: python3 scripts/make-bad-input.py
"""
import base64
import os

OUT = "tests/bad-input"
XML = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" IssueInstant="2024-05-14T09:31:07Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>'


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def main():
    os.makedirs(OUT, exist_ok=True)
    write("empty.txt", b"")
    write("empty.har", b"")
    write("whitespace-only.har", b" \n\t " * 1000)
    write("invalid-utf8.txt", b"PHNhbWxw\xc3\x28\xa0\xa1\xff\xfe\xfd" * 10)
    write("invalid-utf8-xml.txt", b"<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">\xc3\x28\xff</samlp:Response>")
    write("utf16-bom.txt", "\ufeff".encode("utf-16-le") + XML.encode("utf-16-le"))
    write("utf16-bom.har", b"\xff\xfe" + '{"log": {"entries": []}}'.encode("utf-16-le"))
    write("json-nested-100000.har", '{"log": {"version": "1.2", "entries": [' + "[" * 100_000 + "]" * 100_000 + "]}}")
    write("json-nested-100000-unclosed.har", '{"log": {"entries": [{"request": ' + '{"a": ' * 100_000)
    write("billion-laughs.xml", '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10))
          + ']>\n<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol9;</samlp:Response>\n')
    write("external-entity.xml", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&xxe;</samlp:Response>')
    good = base64.b64encode(XML.encode())
    write("base64-with-nul.txt", good[:40] + b"\x00" + good[40:])
    write("base64-truncated.txt", good[:-3])
    write("entries-a-string.har", '{"log": {"version": "1.2", "entries": "none"}}')
    write("entries-missing.har", '{"log": {"version": "1.2", "pages": []}}')
    write("json-array.har", '[{"log": {"entries": []}}]')
    write("garbage-after-entry.har", '{"log": {"entries": [{"request": {"method": "GET", "url": "https://a"}, "response": {"status": 200}}, @@@@')
    write("cut-in-a-string.har", '{"log": {"entries": [{"request": {"method": "POST", "url": "https://signin.aws.amazon.com/saml", "postData": {"text": "SAMLResponse=PHNhbWxwOlJl')
    write("binary.bin", bytes(range(256)) * 64)
    write("not-saml.xml", '<html><body>Sign in</body></html>')
    write("prefix-undeclared.xml", '<samlp:Response ID="_1"/>')
    print(f"wrote {OUT}/")


if __name__ == "__main__":
    main()

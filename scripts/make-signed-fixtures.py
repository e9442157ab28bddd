#!/usr/bin/env python3
"""Writes tests/fixtures/signed/: SAML responses signed by two independent XML-DSig
implementations (xmlsec1, from Debian's xmlsec1 package, and Python's signxml, from PyPI), the
IdP metadata to check them against, and the attacks a verifier must refuse.

Keys and certificates are made once (with the `cryptography` package signxml depends on) and
kept, so running this again re-signs reproducibly. Everything is judged at AT.

Needs: xmlsec1, `pip install signxml`. Run from the repository root:
    python3 scripts/make-signed-fixtures.py
"""
import copy
import datetime
import os
import re
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner, methods

OUT = "tests/fixtures/signed"
KEYS = os.path.join(OUT, "keys")
AT = "2026-11-20T10:00:02Z"
NS = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol", "saml": "urn:oasis:names:tc:SAML:2.0:assertion", "ds": "http://www.w3.org/2000/09/xmldsig#"}
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"


def key_and_cert(name, cn, not_before, not_after):
    """(key path, cert path); made once and kept."""
    key_path, cert_path = os.path.join(KEYS, f"{name}.key"), os.path.join(KEYS, f"{name}.crt")
    if not os.path.exists(key_path):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
                .sign(key, hashes.SHA256()))
        with open(key_path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        with open(cert_path, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def cert_b64(cert_path):
    pem = open(cert_path).read()
    return "".join(pem.split("-----")[2].split())


def metadata(entity_id, cert_paths):
    keys = "".join(f'<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{cert_b64(c)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>' for c in cert_paths)
    return (f'<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_md" entityID="{entity_id}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">'
            f'<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{keys}'
            '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/t/saml2"/>'
            '</IDPSSODescriptor></EntityDescriptor>\n')


ISSUER = "https://sts.windows.net/7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b/"


def response(sig_response=False, sig_assertion=False, sha1=False, name="jane.doe@contoso.com"):
    """An Azure-AD-shaped response (prefixed samlp, default-namespace Assertion) with signature
    templates where asked."""
    def template(ref):
        sig_alg = "http://www.w3.org/2000/09/xmldsig#rsa-sha1" if sha1 else "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        dig_alg = "http://www.w3.org/2000/09/xmldsig#sha1" if sha1 else "http://www.w3.org/2001/04/xmlenc#sha256"
        return (f'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{EXC}"/>'
                f'<ds:SignatureMethod Algorithm="{sig_alg}"/><ds:Reference URI="#{ref}"><ds:Transforms>'
                f'<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="{EXC}"/>'
                f'</ds:Transforms><ds:DigestMethod Algorithm="{dig_alg}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>'
                f'<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>')
    rid, aid = "_r-9f1c2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "_a-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    return (f'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="{rid}" Version="2.0" IssueInstant="2026-11-20T10:00:00.123Z" Destination="https://signin.aws.amazon.com/saml">'
            f'<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">{ISSUER}</Issuer>'
            + (template(rid) if sig_response else "") +
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f'<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="{aid}" IssueInstant="2026-11-20T10:00:00.123Z" Version="2.0">'
            f'<Issuer>{ISSUER}</Issuer>'
            + (template(aid) if sig_assertion else "") +
            f'<Subject><NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{name}</NameID>'
            '<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData NotOnOrAfter="2026-11-20T11:00:00.123Z" Recipient="https://signin.aws.amazon.com/saml"/></SubjectConfirmation></Subject>'
            '<Conditions NotBefore="2026-11-20T09:55:00.123Z" NotOnOrAfter="2026-11-20T11:00:00.123Z"><AudienceRestriction><Audience>https://signin.aws.amazon.com/saml</Audience></AudienceRestriction></Conditions>'
            '<AttributeStatement>'
            '<Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>arn:aws:iam::123456789012:role/AzureAD_Agent_Role,arn:aws:iam::123456789012:saml-provider/AzureAD_Connect_Agent</AttributeValue></Attribute>'
            f'<Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><AttributeValue>{name}</AttributeValue></Attribute>'
            '</AttributeStatement>'
            '<AuthnStatement AuthnInstant="2026-11-20T09:59:58.000Z" SessionIndex="_s1"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef></AuthnContext></AuthnStatement>'
            '</Assertion></samlp:Response>')


def xmlsec_sign(xml, key, cert, element):
    """Signs the first unsigned Signature template under `element` (Assertion or Response)."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.xml"), os.path.join(d, "out.xml")
        open(src, "w").write(xml)
        xpath = ("/*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Signature']" if element == "Assertion"
                 else "/*[local-name()='Response']/*[local-name()='Signature']")
        ns_id = f"urn:oasis:names:tc:SAML:2.0:{'assertion' if element == 'Assertion' else 'protocol'}:{element}"
        subprocess.run(["xmlsec1", "--sign", "--privkey-pem", f"{key},{cert}", "--id-attr:ID", ns_id,
                        "--node-xpath", xpath, "--output", dst, src], check=True, capture_output=True)
        return open(dst).read()


def signxml_sign(xml, key, cert, element, sha1=False):
    """Signs `element` (Assertion or Response) with signxml, the Signature placed after Issuer."""
    root = etree.fromstring(xml.encode())
    target = root if element == "Response" else root.find("saml:Assertion", NS)
    issuer = target.find("saml:Issuer", NS)
    placeholder = etree.Element("{http://www.w3.org/2000/09/xmldsig#}Signature", Id="placeholder", nsmap={"ds": NS["ds"]})
    issuer.addnext(placeholder)
    signer = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha1" if sha1 else "rsa-sha256",
                       digest_algorithm="sha1" if sha1 else "sha256", c14n_algorithm=EXC)
    signed = signer.sign(target, key=open(key, "rb").read(), cert=open(cert).read(), reference_uri=target.get("ID"))
    if element == "Response":
        root = signed
    else:
        root.replace(target, signed)
    return etree.tostring(root).decode()


def write(name, text):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def main():
    os.makedirs(KEYS, exist_ok=True)
    utc = datetime.timezone.utc
    b = key_and_cert("idp-current", "Microsoft Azure Federated SSO Certificate", datetime.datetime(2024, 1, 1, tzinfo=utc), datetime.datetime(2034, 1, 1, tzinfo=utc))
    c = key_and_cert("idp-rotated", "Microsoft Azure Federated SSO Certificate (2026)", datetime.datetime(2026, 6, 1, tzinfo=utc), datetime.datetime(2029, 6, 1, tzinfo=utc))
    e = key_and_cert("idp-expiring", "Okta expiring signing certificate", datetime.datetime(2023, 12, 5, tzinfo=utc), datetime.datetime(2026, 12, 5, tzinfo=utc))
    write("metadata-current.xml", metadata(ISSUER, [b[1]]))
    write("metadata-rotation.xml", metadata(ISSUER, [b[1], c[1]]))
    write("metadata-expiring.xml", metadata(ISSUER, [e[1]]))
    write("metadata-other-issuer.xml", metadata("https://sts.windows.net/00000000-0000-0000-0000-000000000000/", [b[1]]))

    # xmlsec1.
    write("xmlsec1-response-signed.xml", xmlsec_sign(response(sig_response=True), *b, "Response"))
    assertion_signed = xmlsec_sign(response(sig_assertion=True), *b, "Assertion")
    write("xmlsec1-assertion-signed.xml", assertion_signed)
    both = xmlsec_sign(response(sig_response=True, sig_assertion=True), *b, "Assertion")
    write("xmlsec1-both-signed.xml", xmlsec_sign(both, *b, "Response"))
    write("xmlsec1-sha1.xml", xmlsec_sign(response(sig_assertion=True, sha1=True), *b, "Assertion"))
    write("xmlsec1-signed-by-rotated-key.xml", xmlsec_sign(response(sig_assertion=True), *c, "Assertion"))
    write("xmlsec1-signed-by-expiring-key.xml", xmlsec_sign(response(sig_assertion=True), *e, "Assertion"))

    # signxml.
    plain = response()
    write("signxml-response-signed.xml", signxml_sign(plain, *b, "Response"))
    assertion_signed_2 = signxml_sign(plain, *b, "Assertion")
    write("signxml-assertion-signed.xml", assertion_signed_2)
    write("signxml-both-signed.xml", signxml_sign(assertion_signed_2, *b, "Response"))
    # (signxml refuses SHA-1 in its default configuration: the SHA-1 case is xmlsec1's.)
    write("signxml-signed-by-rotated-key.xml", signxml_sign(plain, *c, "Assertion"))

    # Attacks and damage, derived from the signed documents.
    write("tampered-nameid.xml", assertion_signed.replace(">jane.doe@contoso.com</NameID>", ">admin@contoso.com</NameID>"))
    write("tampered-attribute.xml", assertion_signed_2.replace(
        '<AttributeValue>jane.doe@contoso.com</AttributeValue>', '<AttributeValue>admin@contoso.com</AttributeValue>'))
    # Signature wrapping: the signed assertion is moved into Extensions, an unsigned copy with
    # another user takes its place.
    root = etree.fromstring(assertion_signed.encode())
    signed = root.find("saml:Assertion", NS)
    evil = copy.deepcopy(signed)
    evil.remove(evil.find("ds:Signature", NS))
    evil.set("ID", "_evil")
    evil.find("saml:Subject/saml:NameID", NS).text = "admin@contoso.com"
    ext = etree.Element("{urn:oasis:names:tc:SAML:2.0:protocol}Extensions")
    root.replace(signed, evil)
    ext.append(signed)
    root.find("samlp:Status", NS).addprevious(ext)
    write("wrapped-assertion.xml", etree.tostring(root).decode())
    # Duplicate IDs: an unsigned assertion with the signed one's ID, placed first.
    root = etree.fromstring(assertion_signed.encode())
    signed = root.find("saml:Assertion", NS)
    evil = copy.deepcopy(signed)
    evil.remove(evil.find("ds:Signature", NS))
    evil.find("saml:Subject/saml:NameID", NS).text = "admin@contoso.com"
    signed.addprevious(evil)
    write("duplicate-ids.xml", etree.tostring(root).decode())
    # A comment inside the signed NameID: the signature still verifies (exc-c14n drops
    # comments), and the NameID must be read whole, as signed.
    evil_name = "jane.doe@contoso.com.evil.example"
    commented = xmlsec_sign(response(sig_assertion=True, name=evil_name), *b, "Assertion")
    write("comment-in-nameid.xml", commented.replace(f">{evil_name}</NameID>", ">jane.doe@contoso.com<!---->.evil.example</NameID>"))
    print(f"wrote {OUT}/ (judge at {AT})")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Signature test vectors for saml-core's verifier unit tests (crates/saml-core/testdata/dsig/).

Each vector is a small SAML Response whose Assertion is signed by xmlsec1 (Debian's xmlsec1, the
reference C implementation) with one algorithm combination the verifier must implement: RSA
PKCS#1 v1.5 with SHA-384/512, ECDSA P-256/P-384 (r||s SignatureValue), inclusive and exclusive
C14N with comments, processing instructions, xml:* attributes inherited by inclusive C14N, a
512-bit RSA key. Keys are generated once with openssl and kept, so the RSA vectors are
reproducible (ECDSA signatures are randomized: those files change on every run, and still
verify). `expect` in the file name says what the verifier must answer.

Needs: xmlsec1, openssl. Run from the repository root: python3 scripts/make-dsig-vectors.py
"""
import os
import subprocess
import tempfile

OUT = "crates/saml-core/testdata/dsig"
KEYS = os.path.join(OUT, "keys")
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
INC = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
MORE = "http://www.w3.org/2001/04/xmldsig-more#"
DIGEST = {"sha1": "http://www.w3.org/2000/09/xmldsig#sha1", "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
          "sha384": MORE + "sha384", "sha512": "http://www.w3.org/2001/04/xmlenc#sha512"}
AID = "_a-7d1e"


def key(name, openssl_args):
    """(key path, cert path), made once with openssl and kept."""
    os.makedirs(KEYS, exist_ok=True)
    k, c = os.path.join(KEYS, f"{name}.key"), os.path.join(KEYS, f"{name}.crt")
    if not os.path.exists(k):
        subprocess.run(["openssl", "genpkey", "-out", k, *openssl_args], check=True, capture_output=True)
        subprocess.run(["openssl", "req", "-x509", "-new", "-key", k, "-out", c, "-days", "3650", "-subj", f"/CN=saml-doctor {name}",
                        "-set_serial", "1", "-sha256"], check=True, capture_output=True)
    return k, c


def response(sig_alg, digest, c14n, *, lang=False, comment=False, pi=False, aid=None, advice=""):
    """A response with an unsigned Signature template in its Assertion."""
    aid = aid or AID
    sig = (f'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{c14n}"/>'
           f'<ds:SignatureMethod Algorithm="{sig_alg}"/><ds:Reference URI="#{aid}"><ds:Transforms>'
           f'<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="{c14n}"/>'
           f'</ds:Transforms><ds:DigestMethod Algorithm="{DIGEST[digest]}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>'
           f'<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>')
    name = "jane.doe@contoso.com" if not comment else "jane.doe@contoso.com<!-- a comment the IdP wrote -->"
    return ('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_r-7d1e" Version="2.0"'
            + (' xml:lang="en-GB"' if lang else '') +
            ' IssueInstant="2026-11-20T10:00:00Z" Destination="https://signin.aws.amazon.com/saml">'
            '<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">https://idp.example.org/</Issuer>'
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f'<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{aid}" IssueInstant="2026-11-20T10:00:00Z" Version="2.0">'
            '<saml:Issuer>https://idp.example.org/</saml:Issuer>' + sig +
            f'<saml:Subject><saml:NameID>{name}</saml:NameID></saml:Subject>'
            + ('<?idp-note keep this?>' if pi else '')
            + (f'<saml:Advice>{advice}</saml:Advice>' if advice else '') +
            '<saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
            '<saml:AttributeValue xsi:type="xs:string" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">jane.doe@contoso.com</saml:AttributeValue>'
            '</saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>')


def sign(xml, k, c):
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.xml"), os.path.join(d, "out.xml")
        open(src, "w").write(xml)
        subprocess.run(["xmlsec1", "--sign", "--privkey-pem", f"{k},{c}", "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                        "--node-xpath", "(//*[local-name()='Assertion']/*[local-name()='Signature'])[1]", "--output", dst, src],
                       check=True, capture_output=True)
        return open(dst).read()


def xmlsec_verifies(xml, c):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.xml")
        open(src, "w").write(xml)
        r = subprocess.run(["xmlsec1", "--verify", "--pubkey-cert-pem", c, "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                            "--node-xpath", "(//*[local-name()='Assertion']/*[local-name()='Signature'])[1]", src], capture_output=True)
        return r.returncode == 0


def write(name, xml, cert, expect):
    """Writes the vector and checks xmlsec1 answers what the file name promises."""
    ok = xmlsec_verifies(xml, cert)
    assert ok == (expect in ("valid", "weak-key")), f"{name}: xmlsec1 says {'valid' if ok else 'invalid'}"
    with open(os.path.join(OUT, f"{name}.{expect}.xml"), "w") as f:
        f.write(xml if xml.endswith("\n") else xml + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    rsa = key("rsa-2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
    p256 = key("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
    p384 = key("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"])
    for alg, digest in [("rsa-sha384", "sha384"), ("rsa-sha512", "sha512")]:
        write(f"{alg}", sign(response(MORE + alg, digest, EXC), *rsa), rsa[1], "valid")
    for curve, keys, algs in [("p256", p256, ["sha256", "sha384", "sha512"]), ("p384", p384, ["sha256", "sha384", "sha512"])]:
        for h in algs:
            write(f"ecdsa-{curve}-{h}", sign(response(MORE + f"ecdsa-{h}", h, EXC), *keys), keys[1], "valid")
    # Comments are outside a same-document reference's node-set: #WithComments digests none.
    for c14n, label in [(EXC + "WithComments", "exc-with-comments"), (INC + "#WithComments", "inc-with-comments"), (INC, "inclusive")]:
        write(label, sign(response(MORE + "rsa-sha256", "sha256", c14n, comment=True), *rsa), rsa[1], "valid")
    # Inclusive C14N carries xml:lang in from the Response; the honest signature verifies, and the
    # attribute changed after signing does not.
    signed = sign(response(MORE + "rsa-sha256", "sha256", INC, lang=True), *rsa)
    write("inclusive-xml-lang", signed, rsa[1], "valid")
    write("inclusive-xml-lang-changed", signed.replace('xml:lang="en-GB"', 'xml:lang="fr"'), rsa[1], "invalid")
    # Processing instructions are canonicalized: one in the signed content verifies, one added
    # or changed after signing does not.
    signed = sign(response(MORE + "rsa-sha256", "sha256", EXC, pi=True), *rsa)
    write("pi-signed", signed, rsa[1], "valid")
    write("pi-changed", signed.replace("<?idp-note keep this?>", "<?idp-note changed?>"), rsa[1], "invalid")
    signed = sign(response(MORE + "rsa-sha256", "sha256", EXC), *rsa)
    # A 512-bit RSA key: the signature is mathematically valid (xmlsec1 accepts it), the key is
    # too weak to trust: the verifier must say so rather than call the content altered.
    rsa512 = key("rsa-512", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512"])
    write("rsa-512", sign(response(MORE + "rsa-sha256", "sha256", EXC), *rsa512), rsa512[1], "weak-key")
    # A signed assertion inside the Advice of the signed assertion that is read: both verify, and
    # that is not a wrapping attack.
    inner = sign(response(MORE + "rsa-sha256", "sha256", EXC, aid="_a-inner"), *rsa)
    inner = inner[inner.index("<saml:Assertion"):inner.index("</saml:Assertion>") + len("</saml:Assertion>")]
    write("advice-signed-assertion", sign(response(MORE + "rsa-sha256", "sha256", EXC, advice=inner), *rsa), rsa[1], "valid")
    write("pi-added", signed.replace("</saml:Subject>", "</saml:Subject><?evil?>"), rsa[1], "invalid")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes tests/hostile/: a corpus of hostile SAML responses, each signed with real keys (the IdP's
or a stranger's), and tests/hostile/manifest.json, which says for each case what the verifier must
conclude: `verified` or `rejected`, the finding code (any one of `codes` must be an error finding),
the exit status, and the facts the report must show (verified) or must not show as signed
(rejected). Every class of issue 13 has a case, as has every classic wrapping variant (XSW1-XSW8 of
Somorovsky et al., "On Breaking SAML: Be Whoever You Want to Be", 2012).

Signers: xmlsec1 (Debian's xmlsec1 package) signs wherever it can; RSA PKCS#1 v1.5 and HMAC are
deterministic, so running this again gives the same bytes. ECDSA is not (a random k): those
signatures are re-made over the same SignedInfo with RFC 6979 deterministic ECDSA (Python's
`cryptography`), and xmlsec1 then checks them. The bulk and deeply nested cases, which xmlsec1's
parser refuses or would take minutes to sign one by one, are signed by `py_sign` below (exclusive
C14N via lxml), and a sample is checked with xmlsec1. The manifest also records what
`xmlsec1 --verify` says about every signature of each file, which the differential test re-checks.

Keys are made once and kept in tests/fixtures/saml-keys/ (hostile-*). Everything is judged at AT.

Needs: xmlsec1, openssl, `pip install lxml cryptography`. From the repository root:
    python3 scripts/make-hostile-corpus.py
"""
import base64
import copy
import datetime
import hashlib
import hmac
import json
import os
import re
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.x509.oid import NameOID
from lxml import etree

OUT = "tests/hostile"
KEYS = "tests/fixtures/saml-keys"
AT = "2026-11-20T10:00:02Z"
ISSUER = "https://sts.windows.net/5d3b2a19-8c7e-4f6a-9b0c-1d2e3f4a5b6c/"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Connect_Agent,arn:aws:iam::{ACCOUNT}:saml-provider/AzureAD"
EVIL_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Admin,arn:aws:iam::{ACCOUNT}:saml-provider/AzureAD"
USER, EVIL = "jane.doe@contoso.com", "admin@contoso.com"

DS = "http://www.w3.org/2000/09/xmldsig#"
MORE = "http://www.w3.org/2001/04/xmldsig-more#"
SAMLP, SAML = "urn:oasis:names:tc:SAML:2.0:protocol", "urn:oasis:names:tc:SAML:2.0:assertion"
NS = {"samlp": SAMLP, "saml": SAML, "ds": DS}
SIG = {"rsa-sha1": DS + "rsa-sha1", "rsa-sha256": MORE + "rsa-sha256", "rsa-sha384": MORE + "rsa-sha384",
       "rsa-sha512": MORE + "rsa-sha512", "ecdsa-sha256": MORE + "ecdsa-sha256", "ecdsa-sha384": MORE + "ecdsa-sha384",
       "ecdsa-sha512": MORE + "ecdsa-sha512", "hmac-sha256": MORE + "hmac-sha256", "rsa-md5": MORE + "rsa-md5",
       "rsa-ripemd160": MORE + "rsa-ripemd160"}
DIG = {"sha1": DS + "sha1", "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
       "sha384": MORE + "sha384", "sha512": "http://www.w3.org/2001/04/xmlenc#sha512", "md5": MORE + "md5"}
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
INC = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N = {"exc": EXC, "exc-wc": EXC + "WithComments", "inc": INC, "inc-wc": INC + "#WithComments",
        "c14n11": "http://www.w3.org/2006/12/xml-c14n11"}
ENVELOPED = DS + "enveloped-signature"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"
HASH = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512, "md5": hashes.MD5}
ID_ATTRS = ["--id-attr:ID", f"{SAMLP}:Response", "--id-attr:ID", f"{SAML}:Assertion"]
SIG_XPATH = f"(//*[local-name()='Signature' and namespace-uri()='{DS}'])"


# ---------------------------------------------------------------- keys

def keypair(name, kind, cn):
    """(key path, cert path) of a test key, made once and kept."""
    key_path, cert_path = os.path.join(KEYS, f"{name}.key"), os.path.join(KEYS, f"{name}.crt")
    if not os.path.exists(key_path):
        utc = datetime.timezone.utc
        if kind == "rsa512":
            # `cryptography` refuses to make keys under 1024 bits: openssl does it.
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512", "-out", key_path],
                           check=True, capture_output=True)
            key = serialization.load_pem_private_key(open(key_path, "rb").read(), None, unsafe_skip_rsa_key_validation=True)
        elif kind == "rsa2048":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            key = ec.generate_private_key({"p256": ec.SECP256R1(), "p384": ec.SECP384R1()}[kind])
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(datetime.datetime(2024, 1, 1, tzinfo=utc))
                .not_valid_after(datetime.datetime(2034, 1, 1, tzinfo=utc)).sign(key, hashes.SHA256()))
        open(key_path, "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
        open(cert_path, "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def load_key(path):
    return serialization.load_pem_private_key(open(path, "rb").read(), None, unsafe_skip_rsa_key_validation=True)


def cert_b64(cert_path):
    return "".join(open(cert_path).read().split("-----")[2].split())


def cert_der(cert_path):
    return base64.b64decode(cert_b64(cert_path))


def metadata(cert_paths):
    keys = "".join('<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data>'
                   f'<X509Certificate>{cert_b64(c)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>' for c in cert_paths)
    return (f'<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_md" entityID="{ISSUER}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">'
            f'<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{keys}'
            '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/t/saml2"/>'
            '</IDPSSODescriptor></EntityDescriptor>\n')


# ---------------------------------------------------------------- documents

def template(ref, sig="rsa-sha256", dig="sha256", c14n="exc", transforms=("enveloped", "exc"), cert=None, prefix="ds"):
    """An unsigned ds:Signature. `transforms` are names of C14N, "enveloped", or raw XML. With
    `cert`, KeyInfo carries it (for py_sign); without, xmlsec1 fills X509Data."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f' xmlns:{prefix}="{DS}"' if prefix else f' xmlns="{DS}"'

    def transform(t):
        if t == "enveloped":
            return f'<{p}Transform Algorithm="{ENVELOPED}"/>'
        if t in C14N:
            return f'<{p}Transform Algorithm="{C14N[t]}"/>'
        return t
    tr = f"<{p}Transforms>{''.join(transform(t) for t in transforms)}</{p}Transforms>" if transforms else ""
    sig_method = f'<{p}SignatureMethod Algorithm="{SIG.get(sig, sig)}"/>' if sig is not None else ""
    x509data = (f"<{p}X509Data><{p}X509Certificate>{cert_b64(cert)}</{p}X509Certificate></{p}X509Data>" if cert
                else f"<{p}X509Data/>")
    return (f'<{p}Signature{xmlns}><{p}SignedInfo><{p}CanonicalizationMethod Algorithm="{C14N.get(c14n, c14n)}"/>'
            f'{sig_method}<{p}Reference URI="{ref}">{tr}'
            f'<{p}DigestMethod Algorithm="{DIG.get(dig, dig)}"/><{p}DigestValue/></{p}Reference></{p}SignedInfo>'
            f'<{p}SignatureValue/><{p}KeyInfo>{x509data}</{p}KeyInfo></{p}Signature>')


def assertion(aid, name=USER, role=ROLE, sig="", advice="", body_extra="", nameid_inner=None, attrs=""):
    nameid = nameid_inner if nameid_inner is not None else name
    return (f'<Assertion xmlns="{SAML}" ID="{aid}" IssueInstant="2026-11-20T10:00:00.123Z" Version="2.0">'
            f'<Issuer>{ISSUER}</Issuer>{sig}'
            f'<Subject><NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{nameid}</NameID>'
            '<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData NotOnOrAfter="2026-11-20T11:00:00.123Z" Recipient="https://signin.aws.amazon.com/saml"/></SubjectConfirmation></Subject>'
            '<Conditions NotBefore="2026-11-20T09:55:00.123Z" NotOnOrAfter="2026-11-20T11:00:00.123Z"><AudienceRestriction><Audience>https://signin.aws.amazon.com/saml</Audience></AudienceRestriction></Conditions>'
            f'{advice}<AttributeStatement>'
            f'<Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>{role}</AttributeValue></Attribute>'
            f'<Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><AttributeValue>{name}</AttributeValue></Attribute>'
            f'{attrs}</AttributeStatement>{body_extra}'
            '<AuthnStatement AuthnInstant="2026-11-20T09:59:58.000Z" SessionIndex="_s1"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef></AuthnContext></AuthnStatement>'
            '</Assertion>')


def response(body, rid="_r1", sig="", root_attrs=""):
    return (f'<samlp:Response xmlns:samlp="{SAMLP}" ID="{rid}" Version="2.0" IssueInstant="2026-11-20T10:00:00.123Z" '
            f'Destination="https://signin.aws.amazon.com/saml"{root_attrs}>'
            f'<Issuer xmlns="{SAML}">{ISSUER}</Issuer>{sig}'
            f'<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f'{body}</samlp:Response>')


def ns_heavy(target_bytes):
    """Attributes, each declaring 40 namespaces, totalling about `target_bytes`."""
    decl = " ".join(f'xmlns:n{i}="urn:example:ns:{i}"' for i in range(40))
    attrs, size, i = [], 0, 0
    while size < target_bytes:
        attrs.append(f'<Attribute {decl} Name="urn:example:claim:{i}"><AttributeValue>value {i}</AttributeValue></Attribute>')
        size += len(attrs[-1])
        i += 1
    return "".join(attrs)


# ---------------------------------------------------------------- signing

def xmlsec_sign(xml, key, cert, index=1, hmac_key=None):
    """Signs the `index`-th ds:Signature template (document order, from 1) with xmlsec1."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.xml"), os.path.join(d, "out.xml")
        open(src, "w").write(xml)
        if hmac_key is not None:
            hk = os.path.join(d, "hmac.bin")
            open(hk, "wb").write(hmac_key)
            keyargs = ["--hmackey", hk]
        else:
            keyargs = ["--privkey-pem", f"{key},{cert}"]
        r = subprocess.run(["xmlsec1", "--sign", *keyargs, *ID_ATTRS, "--node-xpath", f"{SIG_XPATH}[{index}]",
                            "--output", dst, src], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"xmlsec1 --sign failed: {r.stderr[-2000:]}")
        out = open(dst).read()
    return re.sub(r"^<\?xml[^>]*\?>\s*", "", out)


def xmlsec_verify_all(xml, cert):
    """What `xmlsec1 --verify` says about each ds:Signature (True = verifies with `cert`)."""
    n = len(re.findall(r"<(?:\w+:)?Signature[\s>]", xml))
    verdicts = []
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.xml")
        open(src, "w").write(xml)
        for i in range(1, n + 1):
            r = subprocess.run(["xmlsec1", "--verify", "--pubkey-cert-pem", cert, *ID_ATTRS, "--enabled-reference-uris",
                                "empty,same-doc", "--node-xpath", f"{SIG_XPATH}[{i}]", src], capture_output=True)
            verdicts.append(r.returncode == 0)
    return verdicts


def c14n_exc(elem):
    return etree.tostring(elem, method="c14n", exclusive=True, with_comments=False)


def sign_bytes(key, alg, data):
    """The SignatureValue bytes for `alg` over `data` (ECDSA deterministic, as r || s)."""
    h = HASH[alg.split("-")[1]]()
    if alg.startswith("rsa"):
        return key.sign(data, padding.PKCS1v15(), h)
    if alg.startswith("ecdsa"):
        r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(h, deterministic_signing=True)))
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if alg.startswith("hmac"):
        return hmac.new(key, data, getattr(hashlib, alg.split("-")[1])).digest()
    raise ValueError(alg)


def resign(xml, index, alg, key, set_alg=None):
    """Re-makes the SignatureValue of the `index`-th signature over its (exclusive-C14N) SignedInfo,
    optionally after changing its SignatureMethod to `set_alg`."""
    root = etree.fromstring(xml.encode())
    sig = root.xpath(SIG_XPATH + f"[{index}]")[0]
    si = sig.find("ds:SignedInfo", NS)
    assert si.find("ds:CanonicalizationMethod", NS).get("Algorithm") == EXC
    if set_alg:
        si.find("ds:SignatureMethod", NS).set("Algorithm", SIG[set_alg])
    sig.find("ds:SignatureValue", NS).text = base64.b64encode(sign_bytes(key, alg, c14n_exc(si))).decode()
    return etree.tostring(root).decode()


def py_sign_tree(target, sig, key, alg, dig):
    """Signs `sig` (a template inside `target`, exclusive C14N, enveloped) in place."""
    assert sig.getparent() is target, "enveloped signatures are children of what they sign"
    clone = copy.deepcopy(target)
    clone.remove(clone[target.index(sig)])
    digest = hashlib.new(dig, c14n_exc(clone)).digest()
    sig.find("ds:SignedInfo/ds:Reference/ds:DigestValue", NS).text = base64.b64encode(digest).decode()
    si = sig.find("ds:SignedInfo", NS)
    sig.find("ds:SignatureValue", NS).text = base64.b64encode(sign_bytes(key, alg, c14n_exc(si))).decode()


# ---------------------------------------------------------------- the corpus

class Corpus:
    def __init__(self):
        self.cases = []

    def add(self, name, xml, cls, why, verdict, codes=(), facts=None, unsigned=None, metadata="metadata.xml",
            stricter=None, cert=None):
        """`facts`: what a verified report must show. `unsigned`: facts an attacker put there that a
        rejected report must not show as signed. `stricter`: why we reject what xmlsec1 accepts."""
        path = os.path.join(OUT, f"{name}.xml")
        with open(path, "w") as f:
            f.write(xml if xml.endswith("\n") else xml + "\n")
        verdicts = xmlsec_verify_all(xml, cert or IDP[1]) if cert != "none" else None
        xmlsec = "not_checked" if verdicts is None else "verified" if verdicts and all(verdicts) else "rejected"
        if verdict == "verified":
            assert xmlsec == "verified", f"{name}: an honest case xmlsec1 does not verify ({verdicts})"
        if verdict == "rejected" and xmlsec == "verified":
            assert stricter, f"{name}: xmlsec1 verifies it; say why AWS's rules are stricter"
        case = {"name": name, "file": f"{name}.xml", "metadata": metadata, "class": cls, "why": why, "verdict": verdict,
                "codes": list(codes), "exit": 0 if verdict == "verified" and not any(c in ERRORS for c in codes) else 1,
                "xmlsec1": xmlsec, "xmlsec1_signatures": verdicts}
        if facts:
            case["facts"] = facts
        if unsigned:
            case["must_not_show_as_signed"] = unsigned
        if stricter:
            case["stricter_than_xmlsec1"] = stricter
        self.cases.append(case)


ERRORS = {"signature_invalid", "signature_missing", "signing_cert_not_in_metadata", "saml_not_xml", "saml_too_large",
          "saml_schema_invalid", "assertion_encrypted"}
HONEST = {"name_id": USER, "role_session_name": USER, "role": ROLE}
FORGED = {"name_id": EVIL, "role_session_name": EVIL, "role": EVIL_ROLE}
IDP = None


def strip_signatures(elem):
    for s in elem.findall(".//ds:Signature", NS):
        s.getparent().remove(s)
    return elem


def forge(elem, new_id=None):
    """An attacker's edit of an assertion (or of the one in a Response): admin, Admin role."""
    for nid in elem.iter(f"{{{SAML}}}NameID"):
        nid.text = EVIL
    for av in elem.iter(f"{{{SAML}}}AttributeValue"):
        av.text = EVIL if av.text == USER else EVIL_ROLE if av.text == ROLE else av.text
    if new_id:
        elem.set("ID", new_id)
        # A forged Response renames its assertions too: no duplicate IDs to give it away.
        for a in elem.iter(f"{{{SAML}}}Assertion"):
            a.set("ID", "_a-evil")
    return elem


def tostring(root):
    return etree.tostring(root).decode()


def main():
    global IDP
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".xml"):
            os.remove(os.path.join(OUT, f))
    IDP = keypair("hostile-idp-rsa2048", "rsa2048", "Hostile corpus IdP (RSA 2048)")
    p256 = keypair("hostile-idp-p256", "p256", "Hostile corpus IdP (ECDSA P-256)")
    p384 = keypair("hostile-idp-p384", "p384", "Hostile corpus IdP (ECDSA P-384)")
    weak = keypair("hostile-idp-rsa512", "rsa512", "Hostile corpus IdP (RSA 512, too weak)")
    stranger = keypair("hostile-stranger", "rsa2048", "Microsoft Azure Federated SSO Certificate")
    open(os.path.join(OUT, "metadata.xml"), "w").write(metadata([IDP[1], p256[1], p384[1]]))
    open(os.path.join(OUT, "metadata-weak.xml"), "w").write(metadata([weak[1]]))
    c = Corpus()
    A, R = "_a-7d1e", "_r-3c9b"

    def signed_assertion_response(**kw):
        """A response whose assertion is signed (template options in kw), signed by xmlsec1."""
        key = kw.pop("key", IDP)
        return xmlsec_sign(response(assertion(A, sig=template(f"#{A}", **kw))), *key)

    def signed_response(**kw):
        key = kw.pop("key", IDP)
        return xmlsec_sign(response(assertion(A), rid=R, sig=template(f"#{R}", **kw)), *key)

    honest_a = signed_assertion_response()
    honest_r = signed_response()

    # ---- honest algorithms: RSA PKCS#1 v1.5, ECDSA, both C14N kinds with and without comments.
    for alg, dig in [("rsa-sha1", "sha1"), ("rsa-sha256", "sha256"), ("rsa-sha384", "sha384"), ("rsa-sha512", "sha512")]:
        codes = ["signature_sha1"] if alg == "rsa-sha1" else []
        c.add(f"honest-{alg}", signed_assertion_response(sig=alg, dig=dig), "algorithms", f"{alg} with {dig} digest, the IdP's RSA-2048 key",
              "verified", codes, HONEST)
    for key, curve in [(p256, "p256"), (p384, "p384")]:
        for h in ["sha256", "sha384", "sha512"]:
            alg = f"ecdsa-{h}"
            xml = xmlsec_sign(response(assertion(A, sig=template(f"#{A}", sig=alg, dig=h))), *key)
            xml = resign(xml, 1, alg, load_key(key[0]))
            c.add(f"honest-ecdsa-{curve}-{h}", xml, "algorithms", f"ECDSA {curve.upper()} with {h.upper()} (deterministic k)",
                  "verified", [], HONEST, cert=key[1])
    for kind in ["exc", "exc-wc", "inc", "inc-wc"]:
        # A comment in signed content: the with-comments kinds keep it in the digest only when the
        # reference says so; URI="#id" drops comments whatever the transform says (XPointer rule).
        body = assertion(A, sig=template(f"#{A}", c14n=kind, transforms=("enveloped", kind)),
                         body_extra="<!-- signed by the IdP -->")
        c.add(f"honest-c14n-{kind}", xmlsec_sign(response(body), *IDP), "c14n",
              f"{C14N[kind]} for SignedInfo and the reference, a comment in the signed assertion", "verified", [], HONEST)
    c.add("honest-response-signed", honest_r, "algorithms", "only the Response signed (RSA-SHA256)", "verified", [], HONEST)
    both = xmlsec_sign(response(assertion(A, sig=template(f"#{A}")), rid=R, sig=template(f"#{R}")), *IDP, index=2)
    both = xmlsec_sign(both, *IDP, index=1)
    c.add("honest-both-signed", both, "algorithms", "Response and Assertion signed", "verified", [], HONEST)
    c.add("honest-default-namespace-signature",
          xmlsec_sign(response(assertion(A, sig=template(f"#{A}", prefix=""))), *IDP), "namespaces",
          "ds:Signature in the default namespace (no prefix)", "verified", [], HONEST)

    # ---- #WithComments with URI="#id" (honest; the XPointer rule drops the comment).
    wc = assertion(A, sig=template(f"#{A}", c14n="exc-wc", transforms=("enveloped", "exc-wc")), nameid_inner=f"<!--x-->{USER}")
    c.add("withcomments-same-document-ref", xmlsec_sign(response(wc), *IDP), "c14n",
          "exc-c14n#WithComments with URI=\"#id\": comments are dropped by the dereference, so it verifies", "verified", [], HONEST)

    # ---- inclusive C14N with xml:lang / xml:space on an ancestor (honest; then altered).
    lang = xmlsec_sign(response(assertion(A, sig=template(f"#{A}", c14n="inc", transforms=("enveloped", "inc"))),
                                root_attrs=' xml:lang="en-GB" xml:space="preserve"'), *IDP)
    c.add("inclusive-xml-lang-honest", lang, "c14n", "inclusive C14N carries xml:lang/xml:space of the Response into the assertion's digest",
          "verified", [], HONEST)
    c.add("inclusive-xml-lang-altered", lang.replace('xml:lang="en-GB"', 'xml:lang="fr-FR"', 1), "c14n",
          "the ancestor's xml:lang changed after signing: the inclusive digest no longer matches", "rejected", ["signature_invalid"])

    # ---- signed assertion inside <Advice> of a verified assertion (honest).
    inner_id = "_a-advice-inner"
    inner = xmlsec_sign(response(assertion(inner_id, name="advice@contoso.com", sig=template(f"#{inner_id}"))), *IDP)
    inner_el = etree.fromstring(inner.encode()).find("saml:Assertion", NS)
    advice = f'<Advice>{tostring(inner_el)}</Advice>'
    outer = response(assertion(A, sig=template(f"#{A}"), advice=advice))
    # Document order: the outer signature first, then the inner one; inner is already signed.
    c.add("advice-signed-assertion-honest", xmlsec_sign(outer, *IDP, index=1), "advice",
          "a signed assertion in the Advice of the signed assertion whose facts are read", "verified", [], HONEST)
    # ... and the same signed assertion in the Advice of an unsigned forged one.
    evil_outer = response(assertion("_a-evil", name=EVIL, role=EVIL_ROLE, advice=advice))
    c.add("advice-wrapped-in-unsigned", evil_outer, "advice", "a signed assertion in the Advice of an unsigned forged assertion",
          "rejected", ["signature_invalid", "signature_missing"], unsigned=FORGED,
          stricter="the only signature covers the Advice's assertion, not the one whose facts are read")

    # ---- XSW1..XSW8.
    def parse(xml):
        return etree.fromstring(xml.encode())

    # XSW1: a forged Response (new ID) keeps the signature; the original Response, unsigned, goes inside it.
    root = parse(honest_r)
    orig = strip_signatures(copy.deepcopy(root))
    forge(root, new_id="_r-evil")
    root.find("ds:Signature", NS).append(orig)
    c.add("xsw1", tostring(root), "xsw", "XSW1: forged Response, the signed original inside its ds:Signature", "rejected",
          ["signature_invalid"], unsigned=FORGED, stricter="the signature covers a Response inside ds:Signature, not the root")
    # XSW2: as XSW1, the original placed before the signature (detached).
    root = parse(honest_r)
    orig = strip_signatures(copy.deepcopy(root))
    forge(root, new_id="_r-evil")
    root.find("ds:Signature", NS).addprevious(orig)
    c.add("xsw2", tostring(root), "xsw", "XSW2: forged Response, the signed original as a sibling before the signature", "rejected",
          ["signature_invalid"], unsigned=FORGED, stricter="the signature covers a nested Response, not the root")
    # XSW3: a forged unsigned assertion (new ID) placed before the signed one.
    root = parse(honest_a)
    signed = root.find("saml:Assertion", NS)
    evil = forge(strip_signatures(copy.deepcopy(signed)), new_id="_a-evil")
    signed.addprevious(evil)
    c.add("xsw3", tostring(root), "xsw", "XSW3: forged unsigned assertion before the signed one", "rejected",
          ["signature_invalid", "signature_missing", "saml_schema_invalid"], unsigned=FORGED,
          stricter="two assertions; the one read first is unsigned")
    # XSW4: the forged assertion wraps the signed one.
    root = parse(honest_a)
    signed = root.find("saml:Assertion", NS)
    evil = forge(strip_signatures(copy.deepcopy(signed)), new_id="_a-evil")
    root.replace(signed, evil)
    evil.append(signed)
    c.add("xsw4", tostring(root), "xsw", "XSW4: forged assertion with the signed one as its child", "rejected",
          ["signature_invalid", "signature_missing"], unsigned=FORGED, stricter="the signed assertion is nested in the forged one")
    # XSW5: the signed assertion's content is forged in place (signature kept); the original, unsigned, appended.
    root = parse(honest_a)
    signed = root.find("saml:Assertion", NS)
    orig = strip_signatures(copy.deepcopy(signed))
    forge(signed, new_id="_a-evil")
    root.append(orig)
    c.add("xsw5", tostring(root), "xsw", "XSW5: forged assertion carries the signature; the unsigned original appended", "rejected",
          ["signature_invalid"], unsigned=FORGED, stricter="the signature references another element than its parent")
    # XSW6: as XSW5, the original inside the forged assertion's signature.
    root = parse(honest_a)
    signed = root.find("saml:Assertion", NS)
    orig = strip_signatures(copy.deepcopy(signed))
    forge(signed, new_id="_a-evil")
    signed.find("ds:Signature", NS).append(orig)
    c.add("xsw6", tostring(root), "xsw", "XSW6: forged assertion carries the signature; the original inside ds:Signature", "rejected",
          ["signature_invalid"], unsigned=FORGED, stricter="the signature references an element inside itself")
    # XSW7: the signed assertion moved into Extensions, a forged one in its place.
    root = parse(honest_a)
    signed = root.find("saml:Assertion", NS)
    evil = forge(strip_signatures(copy.deepcopy(signed)), new_id="_a-evil")
    root.replace(signed, evil)
    ext = etree.Element(f"{{{SAMLP}}}Extensions")
    ext.append(signed)
    root.find("samlp:Status", NS).addprevious(ext)
    c.add("xsw7", tostring(root), "xsw", "XSW7: signed assertion in samlp:Extensions, forged one in its place", "rejected",
          ["signature_invalid", "signature_missing"], unsigned=FORGED, stricter="the signed assertion is not the one read")
    # XSW8: forged assertion carries the signature; the original in a ds:Object inside it.
    root = parse(honest_a)
    signed = root.find("saml:Assertion", NS)
    orig = strip_signatures(copy.deepcopy(signed))
    forge(signed, new_id="_a-evil")
    obj = etree.SubElement(signed.find("ds:Signature", NS), f"{{{DS}}}Object")
    obj.append(orig)
    c.add("xsw8", tostring(root), "xsw", "XSW8: forged assertion carries the signature; the original in a ds:Object", "rejected",
          ["signature_invalid"], unsigned=FORGED, stricter="the signature references an element inside itself")

    # ---- unknown or unsupported algorithms.
    signed_evil = xmlsec_sign(response(assertion("_a-evil", name=EVIL, role=EVIL_ROLE,
                                                 sig=template("#_a-evil", sig="rsa-ripemd160"))), *stranger)
    evil_el = etree.fromstring(signed_evil.encode()).find("saml:Assertion", NS)
    root = parse(honest_a)
    root.find("saml:Assertion", NS).addprevious(evil_el)
    c.add("decoy-first-unsupported-algorithm", tostring(root), "algorithms",
          "a forged assertion placed first, signed RSA-RIPEMD160 by a stranger; the honest signed assertion second", "rejected",
          ["signature_invalid"], unsigned=FORGED)
    # HMAC keyed with the certificate's bytes (key confusion).
    xml = xmlsec_sign(response(assertion("_a-evil", name=EVIL, role=EVIL_ROLE, sig=template("#_a-evil"))), *stranger)
    xml = re.sub(r"(<ds:X509Certificate>)[^<]*", lambda m: m.group(1) + cert_b64(IDP[1]), xml)
    c.add("hmac-with-certificate-as-key", resign(xml, 1, "hmac-sha256", cert_der(IDP[1]), set_alg="hmac-sha256"), "algorithms",
          "HMAC-SHA256 keyed with the IdP certificate's DER bytes", "rejected", ["signature_invalid"], unsigned=FORGED)
    c.add("hmac-with-pem-as-key", resign(xml, 1, "hmac-sha256", open(IDP[1], "rb").read(), set_alg="hmac-sha256"), "algorithms",
          "HMAC-SHA256 keyed with the IdP certificate's PEM text", "rejected", ["signature_invalid"], unsigned=FORGED)
    c.add("rsa-md5", signed_assertion_response(sig="rsa-md5", dig="sha256"), "algorithms", "RSA-MD5 SignatureMethod (honestly signed)",
          "rejected", ["signature_invalid"], stricter="MD5 is broken: AWS and this tool refuse it")
    c.add("md5-digest", signed_assertion_response(dig="md5"), "algorithms", "MD5 DigestMethod (honestly signed)",
          "rejected", ["signature_invalid"], stricter="MD5 is broken: AWS and this tool refuse it")
    xpath_t = (f'<ds:Transform Algorithm="{XPATH}"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>')
    c.add("xpath-transform", signed_assertion_response(transforms=(xpath_t, "exc")), "algorithms",
          "an XPath transform instead of enveloped-signature (honestly signed)", "rejected", ["signature_invalid"],
          stricter="XPath transforms are not implemented (attack surface; no SAML IdP uses them)")
    xslt_t = (f'<ds:Transform Algorithm="{XSLT}"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">'
              '<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>'
              '</xsl:stylesheet></ds:Transform>')
    try:
        xslt_xml = signed_assertion_response(transforms=("enveloped", xslt_t))
    except RuntimeError:
        # xmlsec1 may be built without XSLT; the template is then signed over the exclusive C14N
        # digest xmlsec1 would have used for enveloped + exc, and xmlsec1 rejects it.
        xslt_xml = honest_a.replace(f'<ds:Transform Algorithm="{EXC}"/>', xslt_t, 1)
    c.add("xslt-transform", xslt_xml, "algorithms", "an XSLT transform", "rejected", ["signature_invalid"],
          stricter="XSLT transforms are not implemented (attack surface; no SAML IdP uses them)")
    c.add("c14n11", signed_assertion_response(c14n="c14n11", transforms=("enveloped", "c14n11")), "algorithms",
          "C14N 1.1 for SignedInfo and the reference (honestly signed)", "rejected", ["signature_invalid"],
          stricter="C14N 1.1 is not implemented; rejected with its name rather than guessed")
    c.add("missing-signature-method", re.sub(r"<ds:SignatureMethod [^>]*/>", "", honest_a, count=1), "malformed",
          "no SignatureMethod", "rejected", ["signature_invalid"])
    c.add("empty-signature-algorithm", honest_a.replace(f'Algorithm="{SIG["rsa-sha256"]}"', 'Algorithm=""', 1), "malformed",
          "SignatureMethod Algorithm=\"\"", "rejected", ["signature_invalid"])
    c.add("unknown-digest", honest_a.replace(f'Algorithm="{DIG["sha256"]}"', 'Algorithm="urn:example:digest:crc32"', 1), "malformed",
          "a DigestMethod nobody knows", "rejected", ["signature_invalid"])
    c.add("empty-digest-algorithm", honest_a.replace(f'Algorithm="{DIG["sha256"]}"', 'Algorithm=""', 1), "malformed",
          "DigestMethod Algorithm=\"\"", "rejected", ["signature_invalid"])
    c.add("missing-canonicalization-method", re.sub(r"<ds:CanonicalizationMethod [^>]*/>", "", honest_a, count=1), "malformed",
          "no CanonicalizationMethod", "rejected", ["signature_invalid"])
    c.add("two-references", honest_a.replace("</ds:SignedInfo>", re.search(r"<ds:Reference .*?</ds:Reference>", honest_a, re.S).group(0)
                                             + "</ds:SignedInfo>", 1), "malformed",
          "SignedInfo with the reference twice (re-signed would still be two)", "rejected", ["signature_invalid"])
    c.add("stranger-key", signed_assertion_response(key=stranger), "trust", "signed by a stranger's key (same CN), its cert embedded",
          "rejected", ["signing_cert_not_in_metadata", "signature_invalid"], unsigned=None)
    c.add("stranger-forged", xmlsec_sign(response(assertion(A, name=EVIL, role=EVIL_ROLE, sig=template(f"#{A}"))), *stranger),
          "trust", "forged facts signed by a stranger's key", "rejected", ["signing_cert_not_in_metadata", "signature_invalid"],
          unsigned=FORGED)
    c.add("rsa-512-bit-key", signed_assertion_response(key=weak), "trust",
          "signed by a 512-bit RSA key that the metadata holds: too weak, not 'altered'", "rejected", ["signature_invalid"],
          metadata="metadata-weak.xml", cert=weak[1], stricter="AWS requires RSA keys of at least 1024 (IdPs use 2048) bits")

    # ---- only some signatures and assertions looked at.
    second = xmlsec_sign(response(assertion("_a-second", sig=template("#_a-second"))), *IDP)
    second_el = etree.fromstring(second.encode()).find("saml:Assertion", NS)
    root = parse(honest_a)
    root.append(second_el)
    c.add("two-signed-assertions", tostring(root), "assertions", "two honestly signed assertions directly in the Response", "rejected",
          ["signature_invalid", "saml_schema_invalid"], stricter="AWS (like python3-saml) accepts exactly one assertion")
    root = parse(both)
    sv = root.find("saml:Assertion/ds:Signature/ds:SignatureValue", NS)
    sv.text = sv.text[:10] + ("A" if sv.text[10] != "A" else "B") + sv.text[11:]
    c.add("response-ok-assertion-signature-bad", tostring(root), "assertions",
          "Response signature verifies, the assertion's own SignatureValue is broken", "rejected", ["signature_invalid"])
    root = parse(both)
    root.find("saml:Assertion/saml:Subject/saml:NameID", NS).text = EVIL
    c.add("both-signed-assertion-altered", tostring(root), "assertions", "both signed; the NameID edited afterwards", "rejected",
          ["signature_invalid"], unsigned={"name_id": EVIL})
    root = parse(honest_a)
    signed = root.find("saml:Assertion", NS)
    extra = etree.SubElement(signed, f"{{{DS}}}Signature")
    extra.text = "not a signature"
    c.add("second-bogus-signature", tostring(root), "assertions", "a second, empty ds:Signature in the assertion", "rejected",
          ["signature_invalid"])

    # ---- EncryptedAssertion.
    enc = ('<EncryptedAssertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" '
           'Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>'
           '<xenc:CipherData><xenc:CipherValue>' + base64.b64encode(bytes(range(64))).decode() + '</xenc:CipherValue></xenc:CipherData>'
           '</xenc:EncryptedData></EncryptedAssertion>')
    c.add("encrypted-beside-unsigned-plaintext", response(enc + assertion("_a-evil", name=EVIL, role=EVIL_ROLE)), "encrypted",
          "an EncryptedAssertion beside a plaintext unsigned forged assertion, no Response signature", "rejected",
          ["signature_missing"], unsigned=FORGED, cert="none")
    c.add("encrypted-without-response-signature", response(enc), "encrypted", "only an EncryptedAssertion, the Response unsigned",
          "rejected", ["signature_missing"], cert="none")
    root = parse(honest_a)
    root.find("saml:Assertion", NS).addprevious(etree.fromstring(enc))
    c.add("encrypted-beside-signed-plaintext", tostring(root), "encrypted",
          "an EncryptedAssertion beside a signed plaintext assertion, Response unsigned", "rejected",
          ["signature_missing", "signature_invalid", "saml_schema_invalid", "assertion_encrypted"],
          stricter="two assertions (one encrypted) in one Response")
    root = parse(honest_a)
    dup = forge(strip_signatures(copy.deepcopy(root.find("saml:Assertion", NS))))
    root.find("saml:Assertion", NS).addprevious(etree.fromstring(enc))
    root.append(dup)
    c.add("encrypted-with-duplicate-ids", tostring(root), "encrypted",
          "an EncryptedAssertion, the signed assertion and a forged copy with the same ID", "rejected",
          ["signature_invalid", "signature_missing"], unsigned=FORGED)

    # ---- processing instructions and comments.
    c.add("pi-inserted-after-signing", honest_a.replace("<Subject>", "<?evil data?><Subject>", 1), "pi",
          "a processing instruction inserted into the signed assertion after signing", "rejected", ["signature_invalid"])
    c.add("pi-in-nameid-after-signing", honest_a.replace(f">{USER}</NameID>", f">{USER}<?x?></NameID>", 1), "pi",
          "a processing instruction inside NameID after signing", "rejected", ["signature_invalid"])
    long_name = f"{EVIL}.evil.example"
    commented = xmlsec_sign(response(assertion(A, name=long_name, sig=template(f"#{A}"))), *IDP)
    commented = commented.replace(f">{long_name}</NameID>", f">{EVIL}<!---->.evil.example</NameID>", 1)
    c.add("comment-inside-nameid", commented, "comments",
          "a comment inserted inside the signed NameID: still verifies (exc-c14n drops comments); the NameID must be read whole",
          "verified", [], {"name_id": long_name, "role_session_name": long_name, "role": ROLE})

    # ---- size, namespaces, nesting.
    for size, label in [(72_000, "72k"), (150_000, "150k")]:
        xml = xmlsec_sign(response(assertion(A, sig=template(f"#{A}"), attrs=ns_heavy(size))), *IDP)
        c.add(f"namespace-heavy-{label}", xml, "size", f"{len(xml)} bytes, 40 namespace declarations on each of many elements",
              "verified", [], HONEST)

    # 4,500 signed assertions (signed here, checked with xmlsec1 on a sample).
    rsa_key = load_key(IDP[0])
    parts = []
    for i in range(4500):
        aid = f"_a{i:05d}"
        # Compact (no KeyInfo: the metadata's key verifies), or the file would pass 15 MB.
        el = etree.fromstring(f'<Assertion xmlns="{SAML}" ID="{aid}" IssueInstant="2026-11-20T10:00:00.123Z" Version="2.0">'
                              f'<Issuer>{ISSUER}</Issuer>{template(f"#{aid}")}<Subject><NameID>{USER}</NameID></Subject>'
                              f'<AttributeStatement><Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>{ROLE}'
                              '</AttributeValue></Attribute></AttributeStatement></Assertion>')
        el.find("ds:Signature", NS).remove(el.find("ds:Signature/ds:KeyInfo", NS))
        py_sign_tree(el, el.find("ds:Signature", NS), rsa_key, "rsa-sha256", "sha256")
        parts.append(tostring(el))
        if i == 0:
            assert all(xmlsec_verify_all(response(parts[0]), IDP[1])), "py_sign disagrees with xmlsec1"
    many = response("".join(parts))
    c.add("many-signed-assertions-4500", many, "size", f"4,500 honestly signed assertions ({len(many)} bytes)", "rejected",
          ["signature_invalid", "saml_schema_invalid", "saml_too_large", "saml_not_xml"], cert="none",
          stricter="one assertion per Response; limits on signatures and elements")

    # Deep nesting inside a signed attribute value (signed here: xmlsec1's parser stops at depth 256).
    depth = 2000
    deep = "<x>" * depth + "deep" + "</x>" * depth
    el = etree.fromstring(assertion(A, sig=template(f"#{A}", cert=IDP[1]),
                                    attrs=f'<Attribute Name="urn:example:deep"><AttributeValue>{deep}</AttributeValue></Attribute>'),
                          etree.XMLParser(huge_tree=True))
    py_sign_tree(el, el.find("ds:Signature", NS), rsa_key, "rsa-sha256", "sha256")
    c.add("deep-nesting-2000", response(tostring(el)), "size", f"an attribute value nested {depth} elements deep, honestly signed",
          "rejected", ["saml_not_xml", "saml_schema_invalid", "signature_invalid", "saml_too_large"], cert="none",
          stricter="element depth limit (the tool refuses to work without bounds)")

    # ---- reference and ID games.
    c.add("reference-to-other-element", honest_a.replace(f'URI="#{A}"', 'URI=""', 1), "references",
          "the assertion's signature references the whole document (URI=\"\")", "rejected", ["signature_invalid"])
    root = parse(honest_a)
    root.find("saml:Assertion", NS).set("ID", "_a-renamed")
    c.add("assertion-id-changed", tostring(root), "references", "the signed assertion's ID changed after signing", "rejected",
          ["signature_invalid"])

    manifest = {"judge_at": AT, "about": "Expected verdicts for scripts/make-hostile-corpus.py's cases; tests/hostile.rs checks them. "
                "`codes`: at least one is an error finding of a rejected case (for a verified case: the warnings expected). "
                "`facts`: what the report must show; `must_not_show_as_signed`: attacker's values a rejected report may only show "
                "beside a failed signature. `xmlsec1`: what xmlsec1 --verify says of every signature with the metadata's "
                "certificate; `stricter_than_xmlsec1`: why we reject what it accepts.",
                "cases": c.cases}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote {len(c.cases)} cases to {OUT}/ (judge at {AT})")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes tests/fixtures/encrypted/: SAML responses whose assertion is encrypted by an independent
XML Encryption implementation (libxmlsec1: Debian's `xmlsec1 --encrypt` with templates, and PyPI's
`xmlsec` binding, whose libxmlsec1 1.3 also writes XML Encryption 1.1's rsa-oaep with its
DigestMethod, MGF and OAEPparams, which the 1.2 command line cannot), the IAM SAML provider's test
keys that open them, each plaintext as xmlsec decrypts it, and manifest.json, which says for each
file which keys to try, what decryption must conclude, and with which algorithms.

Covered: every key transport (RSA-OAEP with MGF1-SHA1 and SHA-1 or SHA-256, XML Encryption 1.1
RSA-OAEP with each MGF1 digest and an OAEPparams label, RSA 1.5) against every content cipher
(AES-128/192/256 in GCM and CBC); the EncryptedKey inside KeyInfo and beside the EncryptedData
(RetrievalMethod, KeyName/CarriedKeyName, DataReference); signed-then-encrypted, encrypted then
signed (the Response), an assertion whose prefix is declared only on the Response; the second
provider key; the wrong key with and without the IdP naming its certificate; ciphertexts altered
(GCM, CBC padding, CBC content, the wrapped key); an unsupported cipher (3DES); an encrypted
assertion beside a plaintext one; and a decrypted assertion that carries a wrapping attack.

Random on every run (session keys, IVs, OAEP seeds, padding): the encrypted *.xml files. So
`--check` (what CI runs) does not regenerate them; it checks instead that the deterministic parts
are unchanged (the plaintexts, rebuilt from tests/fixtures/signed/, and the manifest) and that
xmlsec itself decrypts every committed file to its committed plaintext, or refuses the ones that
must fail. Keys are made once and kept (tests/fixtures/encrypted/keys/, test keys only).

Needs: xmlsec1, openssl, `pip install lxml cryptography signxml xmlsec==1.3.17`. From the
repository root:
    python3 scripts/make-encrypted-fixtures.py            # writes the fixtures
    python3 scripts/make-encrypted-fixtures.py --check    # checks the committed ones
"""
import base64
import copy
import datetime
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import serialization
from lxml import etree

OUT = "tests/fixtures/encrypted"
KEYS = os.path.join(OUT, "keys")
SIGNED = "tests/fixtures/signed"
PASSPHRASE = "saml-doctor test passphrase"
AT = "2026-11-20T10:00:02Z"

XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
DS = "http://www.w3.org/2000/09/xmldsig#"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS = {"xenc": XENC, "ds": DS, "saml": SAML, "samlp": SAMLP}
ELEMENT = XENC + "Element"

CONTENT = {
    "aes128-gcm": (XENC11 + "aes128-gcm", 128), "aes192-gcm": (XENC11 + "aes192-gcm", 192),
    "aes256-gcm": (XENC11 + "aes256-gcm", 256), "aes128-cbc": (XENC + "aes128-cbc", 128),
    "aes192-cbc": (XENC + "aes192-cbc", 192), "aes256-cbc": (XENC + "aes256-cbc", 256),
}
DIGEST = {"sha1": DS + "sha1", "sha224": "http://www.w3.org/2001/04/xmldsig-more#sha224",
          "sha256": XENC + "sha256", "sha384": "http://www.w3.org/2001/04/xmldsig-more#sha384",
          "sha512": XENC + "sha512"}
# Key transports: (file-name part, algorithm URI, DigestMethod, MGF, OAEPparams). The 1.2 command
# line writes only rsa-oaep-mgf1p with SHA-1 and rsa-1_5; the rest are written by libxmlsec1 1.3.
TRANSPORTS = {
    "oaep-mgf1p-sha1": (XENC + "rsa-oaep-mgf1p", None, None, None),
    "oaep-mgf1p-sha256": (XENC + "rsa-oaep-mgf1p", "sha256", None, None),
    "oaep11-sha256-mgf1sha1": (XENC11 + "rsa-oaep", "sha256", "sha1", None),
    "oaep11-sha256-mgf1sha256": (XENC11 + "rsa-oaep", "sha256", "sha256", None),
    "oaep11-sha512-mgf1sha512": (XENC11 + "rsa-oaep", "sha512", "sha512", None),
    "rsa15": (XENC + "rsa-1_5", None, None, None),
}
EXTRA_TRANSPORTS = {
    "oaep11-defaults": (XENC11 + "rsa-oaep", None, None, None),
    "oaep11-sha224-mgf1sha224": (XENC11 + "rsa-oaep", "sha224", "sha224", None),
    "oaep11-sha384-mgf1sha384": (XENC11 + "rsa-oaep", "sha384", "sha384", None),
    "oaep11-sha256-mgf1sha1-label": (XENC11 + "rsa-oaep", "sha256", "sha1", b"saml-doctor label"),
}


def signed_module():
    spec = importlib.util.spec_from_file_location("signed", os.path.join(os.path.dirname(__file__), "make-signed-fixtures.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


S = signed_module()
IDP_KEY, IDP_CERT = os.path.join(SIGNED, "keys", "idp-current.key"), os.path.join(SIGNED, "keys", "idp-current.crt")


# Keys.

def provider_key(name, cn):
    """(key path, cert path) of a provider's RSA-2048 key pair, made once and kept: the signed
    fixtures' key maker, pointed at this directory."""
    utc = datetime.timezone.utc
    signed_keys, S.KEYS = S.KEYS, KEYS
    try:
        return S.key_and_cert(name, cn, datetime.datetime(2026, 1, 1, tzinfo=utc), datetime.datetime(2036, 1, 1, tzinfo=utc))
    finally:
        S.KEYS = signed_keys


def key_forms(key_path):
    """The same key as PKCS#1 (deterministic: rewritten each run) and passphrase-protected
    PKCS#8 with PBKDF2-HMAC-SHA256, PBKDF2-HMAC-SHA1 and scrypt (random salts: made once)."""
    key = serialization.load_pem_private_key(open(key_path, "rb").read(), None)
    write_bytes(os.path.join(KEYS, "sp-pkcs1.key"), key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    for name, args in [("sp-pbkdf2-sha256.key", ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256"]),
                       ("sp-pbkdf2-sha1.key", ["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"]),
                       ("sp-scrypt.key", ["-scrypt"])]:
        path = os.path.join(KEYS, name)
        if not os.path.exists(path):
            subprocess.run(["openssl", "pkcs8", "-topk8", *args, "-in", key_path, "-out", path,
                            "-passout", f"pass:{PASSPHRASE}"], check=True, capture_output=True)


def write_bytes(path, data):
    if not os.path.exists(path) or open(path, "rb").read() != data:
        with open(path, "wb") as f:
            f.write(data)


# Plaintext assertions, each inside the Response it will be encrypted in.

def wrap_for_encryption(response_xml):
    """The Response with its Assertion put into a saml:EncryptedAssertion, ready for
    `--node-xpath` to replace it with the EncryptedData. Done on the text: a tree library moving
    the element would rewrite its prefixes, and the signature inside covers them."""
    a = tree(response_xml).find("saml:Assertion", NS)
    name = f"{a.prefix}:Assertion" if a.prefix else "Assertion"
    start, end = response_xml.index(f"<{name} "), response_xml.rindex(f"</{name}>") + len(f"</{name}>")
    inner = response_xml[start:end]
    assert c14n(tree(response_xml).find("saml:Assertion", NS)) == c14n(tree(f'<w xmlns:saml="{SAML}">{inner}</w>')[0])
    return (response_xml[:start] + f'<saml:EncryptedAssertion xmlns:saml="{SAML}">' + inner
            + "</saml:EncryptedAssertion>" + response_xml[end:])


def c14n(element):
    return etree.tostring(element, method="c14n", exclusive=True)


def context_response():
    """A signed assertion whose `saml:` prefix is declared only on the Response: its plaintext
    needs the Response's namespace context to parse."""
    aid = "_a-context-7e1f"
    sig = (f'<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{S.EXC}"/>'
           f'<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{aid}"><ds:Transforms>'
           f'<ds:Transform Algorithm="{DS}enveloped-signature"/><ds:Transform Algorithm="{S.EXC}"/></ds:Transforms>'
           f'<ds:DigestMethod Algorithm="{XENC}sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>'
           f'<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>')
    xml = (f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_r-context-7e1f" Version="2.0" IssueInstant="2026-11-20T10:00:00.123Z" Destination="https://signin.aws.amazon.com/saml">'
           f'<saml:Issuer>{S.ISSUER}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
           f'<saml:Assertion ID="{aid}" IssueInstant="2026-11-20T10:00:00.123Z" Version="2.0"><saml:Issuer>{S.ISSUER}</saml:Issuer>{sig}'
           '<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">jane.doe@contoso.com</saml:NameID>'
           '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2026-11-20T11:00:00.123Z" Recipient="https://signin.aws.amazon.com/saml"/></saml:SubjectConfirmation></saml:Subject>'
           '<saml:Conditions NotBefore="2026-11-20T09:55:00.123Z" NotOnOrAfter="2026-11-20T11:00:00.123Z"><saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction></saml:Conditions>'
           '<saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>arn:aws:iam::123456789012:role/AzureAD_Agent_Role,arn:aws:iam::123456789012:saml-provider/AzureAD_Connect_Agent</saml:AttributeValue></saml:Attribute>'
           '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>jane.doe@contoso.com</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>'
           '<saml:AuthnStatement AuthnInstant="2026-11-20T09:59:58.000Z" SessionIndex="_s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>'
           '</saml:Assertion></samlp:Response>')
    return S.xmlsec_sign(xml, IDP_KEY, IDP_CERT, "Assertion")


def wrapped_response(signed_xml):
    """Signature wrapping inside the ciphertext: the decrypted assertion is an unsigned one
    naming another user, with the IdP's signed assertion hidden in its Advice."""
    root = etree.fromstring(signed_xml.encode())
    signed = root.find("saml:Assertion", NS)
    evil = copy.deepcopy(signed)
    evil.remove(evil.find("ds:Signature", NS))
    evil.set("ID", "_evil")
    evil.find("saml:Subject/saml:NameID", NS).text = "admin@contoso.com"
    for v in evil.iterfind("saml:AttributeStatement/saml:Attribute/saml:AttributeValue", NS):
        if v.text == "jane.doe@contoso.com":
            v.text = "admin@contoso.com"
    advice = etree.Element(f"{{{SAML}}}Advice")
    evil.find("saml:Conditions", NS).addnext(advice)
    root.replace(signed, evil)
    advice.append(signed)
    return etree.tostring(root).decode()


def plaintexts():
    """name -> the Response whose Assertion is the plaintext (deterministic)."""
    signed = open(os.path.join(SIGNED, "xmlsec1-assertion-signed.xml")).read().strip()
    return {
        "signed-assertion": signed,
        "unsigned-assertion": S.response(),
        "context-namespaces": context_response(),
        "wrapping-inside": wrapped_response(signed),
    }


# Encryption.

def template(content, transport, cert_in_key_info=True):
    """An EncryptedData template with its EncryptedKey inside KeyInfo."""
    uri, digest, mgf, label = transport
    params = ""
    if label is not None:
        params += f"<xenc:OAEPparams>{base64.b64encode(label).decode()}</xenc:OAEPparams>"
    if digest:
        params += f'<ds:DigestMethod Algorithm="{DIGEST[digest]}"/>'
    if mgf:
        params += f'<xenc11:MGF xmlns:xenc11="{XENC11}" Algorithm="{XENC11}mgf1{mgf}"/>'
    key_info = "<ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>" if cert_in_key_info else ""
    return (f'<xenc:EncryptedData xmlns:xenc="{XENC}" Type="{ELEMENT}"><xenc:EncryptionMethod Algorithm="{content}"/>'
            f'<ds:KeyInfo xmlns:ds="{DS}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{uri}">{params}</xenc:EncryptionMethod>'
            f'{key_info}<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>'
            '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>')


def cli_can(transport):
    """Whether Debian's xmlsec1 1.2 command line implements this key transport."""
    uri, digest, mgf, label = transport
    return uri in (XENC + "rsa-oaep-mgf1p", XENC + "rsa-1_5") and digest is None and label is None


def encrypt(response_xml, content, transport, cert, cert_in_key_info=True):
    """The Response with its Assertion encrypted into the EncryptedAssertion (by the xmlsec1
    command line where it implements the key transport, else by libxmlsec1 1.3 from Python)."""
    doc = wrap_for_encryption(response_xml)
    tmpl = template(content[0], transport, cert_in_key_info)
    if cli_can(transport):
        with tempfile.TemporaryDirectory() as d:
            src, tp, dst = (os.path.join(d, n) for n in ("doc.xml", "tmpl.xml", "out.xml"))
            open(src, "w").write(doc)
            open(tp, "w").write(tmpl)
            session = {128: "aes-128", 192: "aes-192", 256: "aes-256", "3des": "des-192"}[content[1]]
            subprocess.run(["xmlsec1", "--encrypt", "--pubkey-cert-pem", cert, "--session-key", session, "--xml-data", src,
                            "--node-xpath", "//*[local-name()='EncryptedAssertion']/*[local-name()='Assertion']",
                            "--output", dst, tp], check=True, capture_output=True)
            return open(dst).read()
    import xmlsec
    root = etree.fromstring(doc.encode())
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_file(cert, xmlsec.constants.KeyDataFormatCertPem))
    ctx = xmlsec.EncryptionContext(manager)
    ctx.key = xmlsec.Key.generate(xmlsec.constants.KeyDataAes, content[1], xmlsec.constants.KeyDataTypeSession)
    ctx.encrypt_xml(etree.fromstring(tmpl), root.find("saml:EncryptedAssertion/saml:Assertion", NS))
    return serialize(root)


def tree(xml):
    return etree.fromstring(xml.encode() if isinstance(xml, str) else xml, etree.XMLParser(remove_blank_text=False))


def serialize(root):
    return '<?xml version="1.0"?>\n' + etree.tostring(root).decode() + "\n"


def move_key_beside(xml, how):
    """Moves the EncryptedKey out of the EncryptedData's KeyInfo, beside the EncryptedData,
    pointed at by `how`: retrieval-method, key-name, or data-reference."""
    root = tree(xml)
    data = root.find(".//xenc:EncryptedData", NS)
    key_info = data.find("ds:KeyInfo", NS)
    key = key_info.find("xenc:EncryptedKey", NS)
    key_info.remove(key)
    data.addnext(key)
    if how == "retrieval-method":
        key.set("Id", "_ek-7c2d")
        etree.SubElement(key_info, f"{{{DS}}}RetrievalMethod", URI="#_ek-7c2d", Type=XENC + "EncryptedKey")
    elif how == "key-name":
        etree.SubElement(key, f"{{{XENC}}}CarriedKeyName").text = "aws-saml-provider-key-1"
        etree.SubElement(key_info, f"{{{DS}}}KeyName").text = "aws-saml-provider-key-1"
    else:
        data.set("Id", "_ed-5b1e")
        data.remove(key_info)
        refs = etree.Element(f"{{{XENC}}}ReferenceList")
        etree.SubElement(refs, f"{{{XENC}}}DataReference", URI="#_ed-5b1e")
        key.find("xenc:CipherData", NS).addnext(refs)
    return serialize(root)


def flip(xml, path, where, mask=0x01):
    """Flips bits (`mask`) of one ciphertext byte in the CipherValue at `path` ("data" or
    "key"): `where` is a byte offset (negative from the end)."""
    root = tree(xml)
    node = root.find(".//xenc:EncryptedData/xenc:CipherData/xenc:CipherValue" if path == "data"
                     else ".//xenc:EncryptedKey/xenc:CipherData/xenc:CipherValue", NS)
    raw = bytearray(base64.b64decode("".join(node.text.split())))
    raw[where] ^= mask
    b64 = base64.b64encode(bytes(raw)).decode()
    node.text = "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
    return serialize(root)


def beside_plaintext(encrypted_xml, plaintext_response):
    """An encrypted assertion with a plaintext one beside it (the second-assertion attack)."""
    root = tree(encrypted_xml)
    plain = tree(plaintext_response).find("saml:Assertion", NS)
    evil = copy.deepcopy(plain)
    evil.set("ID", "_plain-beside")
    evil.find("saml:Subject/saml:NameID", NS).text = "admin@contoso.com"
    root.find("saml:EncryptedAssertion", NS).addprevious(evil)
    return serialize(root)


def sign_response(encrypted_xml):
    """Encrypt-then-sign: the IdP signs the Response over the EncryptedAssertion."""
    root = tree(encrypted_xml)
    rid = root.get("ID")
    sig = etree.fromstring(
        f'<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{S.EXC}"/>'
        f'<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{rid}"><ds:Transforms>'
        f'<ds:Transform Algorithm="{DS}enveloped-signature"/><ds:Transform Algorithm="{S.EXC}"/></ds:Transforms>'
        f'<ds:DigestMethod Algorithm="{XENC}sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>'
        f'<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>')
    root.find("saml:Issuer", NS).addnext(sig)
    return '<?xml version="1.0"?>\n' + S.xmlsec_sign(etree.tostring(root).decode(), IDP_KEY, IDP_CERT, "Response").split("?>", 1)[1].strip() + "\n"


# Reference decryption, by xmlsec itself.

def reference_decrypt(xml, key_path, tool, raw=True):
    """The raw plaintext xmlsec decrypts `xml` to with `key_path`, or None when it refuses. With
    `raw`, the Type attribute is dropped so that xmlsec returns the plaintext bytes instead of
    parsing them in place of the element (without it, a plaintext that is not XML fails). An
    EncryptedKey that xmlsec cannot find (by CarriedKeyName or DataReference) is put back inside
    KeyInfo, byte for byte."""
    root = tree(xml)
    for data in root.iterfind(".//xenc:EncryptedData", NS):
        if raw:
            data.attrib.pop("Type", None)
        ea = data.getparent()
        beside = ea.find("xenc:EncryptedKey", NS)
        if beside is not None and data.find("ds:KeyInfo/ds:RetrievalMethod", NS) is None:
            key_info = data.find("ds:KeyInfo", NS)
            if key_info is None:
                key_info = etree.Element(f"{{{DS}}}KeyInfo")
                data.find("xenc:EncryptionMethod", NS).addnext(key_info)
            for child in list(key_info):
                key_info.remove(child)
            ea.remove(beside)
            key_info.append(beside)
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.xml"), os.path.join(d, "out.bin")
        open(src, "wb").write(etree.tostring(root))
        if tool == "xmlsec1":
            r = subprocess.run(["xmlsec1", "--decrypt", "--privkey-pem", key_path,
                                "--id-attr:Id", f"{XENC}:EncryptedKey", "--output", dst, src], capture_output=True)
            return open(dst, "rb").read() if r.returncode == 0 else None
    import xmlsec
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_file(key_path, xmlsec.constants.KeyDataFormatPem))
    data = root.find(".//xenc:EncryptedData", NS)
    xmlsec.tree.add_ids(root, ["Id"])
    try:
        out = xmlsec.EncryptionContext(manager).decrypt(data)
        return out if raw else etree.tostring(out)
    except xmlsec.Error:
        return None


# The corpus.

def cases(sp, sp2, stranger):
    """(file name, plaintext name, builder, manifest entry) for every fixture; a builder makes
    the file's XML from the plaintext's Response."""
    out = []

    def case(name, plain, build, keys, outcome, **facts):
        out.append((name, plain, build, dict(file=name, plaintext=f"{plain}.plain.xml" if outcome == "decrypts" else None,
                                              keys=keys, outcome=outcome, **facts)))

    def transport_facts(t):
        uri, digest, mgf, label = t
        f = {"transport": uri}
        if uri != XENC + "rsa-1_5":
            f["digest"] = digest or "sha1"
        if uri == XENC11 + "rsa-oaep":
            f["mgf"] = mgf or "sha1"
        if label is not None:
            f["oaep_params"] = label.decode()
        return f

    for tname, t in list(TRANSPORTS.items()):
        for cname, c in CONTENT.items():
            case(f"{tname}_{cname}.xml", "signed-assertion",
                 lambda p, t=t, c=c: encrypt(p, c, t, sp[1]), ["sp"], "decrypts",
                 content=c[0], placement="in_key_info", **transport_facts(t))
    for tname, t in EXTRA_TRANSPORTS.items():
        c = CONTENT["aes256-gcm"]
        case(f"{tname}_aes256-gcm.xml", "signed-assertion", lambda p, t=t, c=c: encrypt(p, c, t, sp[1]),
             ["sp"], "decrypts", content=c[0], placement="in_key_info", **transport_facts(t))
    gcm, oaep = CONTENT["aes256-gcm"], TRANSPORTS["oaep-mgf1p-sha1"]
    base = {"content": gcm[0], **transport_facts(oaep)}
    for how in ["retrieval-method", "key-name", "data-reference"]:
        case(f"key-beside-{how}.xml", "signed-assertion",
             lambda p, how=how: move_key_beside(encrypt(p, gcm, oaep, sp[1]), how),
             ["sp"], "decrypts", placement=how.replace("-", "_"), **base)
    case("unsigned-assertion.xml", "unsigned-assertion", lambda p: encrypt(p, gcm, oaep, sp[1]),
         ["sp"], "decrypts", placement="in_key_info", **base)
    case("encrypted-then-response-signed.xml", "unsigned-assertion",
         lambda p: sign_response(encrypt(p, gcm, oaep, sp[1])),
         ["sp"], "decrypts", placement="in_key_info", **base)
    case("context-namespaces.xml", "context-namespaces", lambda p: encrypt(p, gcm, oaep, sp[1]),
         ["sp"], "decrypts", placement="in_key_info", **base)
    case("wrapping-inside-ciphertext.xml", "wrapping-inside", lambda p: encrypt(p, gcm, oaep, sp[1]),
         ["sp"], "decrypts", placement="in_key_info", **base)
    case("beside-plaintext-assertion.xml", "signed-assertion",
         lambda p: beside_plaintext(encrypt(p, gcm, oaep, sp[1]), p),
         ["sp"], "decrypts", placement="in_key_info", **base)
    case("second-provider-key.xml", "signed-assertion", lambda p: encrypt(p, gcm, oaep, sp2[1]),
         ["sp", "sp2"], "decrypts", placement="in_key_info", opened_by="sp2", **base)
    # Failures.
    case("wrong-key.xml", "signed-assertion", lambda p: encrypt(p, gcm, oaep, stranger[1]),
         ["sp", "sp2"], "wrong_key", named="stranger", **base)
    case("wrong-key-no-certificate.xml", "signed-assertion",
         lambda p: encrypt(p, gcm, oaep, stranger[1], cert_in_key_info=False), ["sp"], "not_opened", **base)
    case("tampered-gcm.xml", "signed-assertion", lambda p: flip(encrypt(p, gcm, oaep, sp[1]), "data", 400),
         ["sp"], "tampered", **base)
    cbc = CONTENT["aes128-cbc"]
    # CBC: the high bit flipped in the second-to-last block lands on the padding length byte (now
    # above 16: bad padding); the bit flipped in the first ciphertext block garbles that block of
    # plaintext while the padding stays valid.
    case("tampered-cbc-padding.xml", "signed-assertion", lambda p: flip(encrypt(p, cbc, oaep, sp[1]), "data", -17, 0x80),
         ["sp"], "tampered", content=cbc[0], **transport_facts(oaep))
    case("tampered-cbc-content.xml", "signed-assertion", lambda p: flip(encrypt(p, cbc, oaep, sp[1]), "data", 20),
         ["sp"], "tampered", content=cbc[0], **transport_facts(oaep))
    case("tampered-encrypted-key.xml", "signed-assertion", lambda p: flip(encrypt(p, gcm, oaep, sp[1]), "key", 100),
         ["sp"], "tampered", **base)
    case("unsupported-tripledes.xml", "signed-assertion",
         lambda p: encrypt(p, (XENC + "tripledes-cbc", "3des"), oaep, sp[1]), ["sp"], "unsupported",
         algorithm=XENC + "tripledes-cbc", **transport_facts(oaep))
    return out


def reference_tool(entry):
    uri = entry.get("transport")
    return "xmlsec1" if uri in (XENC + "rsa-oaep-mgf1p", XENC + "rsa-1_5") and entry.get("digest", "sha1") == "sha1" \
        and "oaep_params" not in entry else "python-xmlsec"


def key_path(name):
    return os.path.join(KEYS, f"{name}.key")


def main():
    check = "--check" in sys.argv[1:]
    os.makedirs(KEYS, exist_ok=True)
    sp = provider_key("sp", "AWS SAML provider decryption key 1 (saml-doctor test)")
    sp2 = provider_key("sp2", "AWS SAML provider decryption key 2 (saml-doctor test)")
    stranger = provider_key("stranger", "Someone else's encryption key (saml-doctor test)")
    key_forms(sp[0])
    responses = plaintexts()
    corpus = cases(sp, sp2, stranger)
    manifest = {"at": AT, "passphrase": PASSPHRASE,
                "random": "every encrypted *.xml (session keys, IVs, OAEP seeds, padding); --check decrypts them with xmlsec instead",
                "cases": []}
    problems = []
    written = {}
    for name, plain, build, entry in corpus:
        entry["made_by"] = entry["reference"] = reference_tool(entry)
        manifest["cases"].append(entry)
        path = os.path.join(OUT, name)
        if check:
            xml = open(path).read()
        else:
            xml = build(responses[plain])
            with open(path, "w") as f:
                f.write(xml)
        # Raw for what must decrypt (the bytes are compared); parsed for what must fail (a
        # garbled CBC plaintext decrypts to bytes, and fails as XML).
        raw = entry["outcome"] in ("decrypts", "unsupported")
        opened = [reference_decrypt(xml, key_path(k), entry["reference"], raw) for k in entry["keys"]]
        got = next((o for o in opened if o is not None), None)
        plain_path = os.path.join(OUT, f"{plain}.plain.xml")
        if entry["outcome"] == "decrypts":
            if got is None:
                problems.append(f"{name}: xmlsec does not decrypt it")
                continue
            if not check and plain not in written:
                write_bytes(plain_path, got)
                written[plain] = True
            if open(plain_path, "rb").read() != got:
                problems.append(f"{name}: xmlsec decrypts it to something else than {plain_path}")
        elif entry["outcome"] == "unsupported":
            if got is None:
                problems.append(f"{name}: xmlsec should decrypt the 3DES case (saml-doctor refuses it, xmlsec does not)")
        elif got is not None:
            problems.append(f"{name}: xmlsec decrypts it, and it must fail ({entry['outcome']})")
    for plain, response in responses.items():
        p = os.path.join(OUT, f"{plain}.plain.xml")
        # The plaintext is the assertion of the deterministic Response, as xmlsec serializes it.
        have = tree(f'<w xmlns:saml="{SAML}">'.encode() + open(p, "rb").read() + b"</w>")[0]
        if c14n(tree(response).find("saml:Assertion", NS)) != c14n(have):
            problems.append(f"{p} is not the assertion {plain} the generator builds")
    text = json.dumps(manifest, indent=1) + "\n"
    mpath = os.path.join(OUT, "manifest.json")
    if check:
        if open(mpath).read() != text:
            problems.append(f"{mpath} differs from what the generator writes")
    else:
        with open(mpath, "w") as f:
            f.write(text)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"{'checked' if check else 'wrote'} {len(corpus)} fixtures in {OUT}/ (judge at {AT})")


if __name__ == "__main__":
    main()

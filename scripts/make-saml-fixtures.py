#!/usr/bin/env python3
"""Writes tests/fixtures/saml/: realistic SAML responses shaped like Azure AD / Entra ID, Okta and
ADFS emit them, one healthy response per IdP and one per finding code (file name = the code it
must trigger, `<idp>-healthy.*` must trigger no error or warning).

Every response is judged at AT (2 s after the healthy IssueInstant): tests pass `--at AT`.
Signed responses are signed for real with signxml (`pip install signxml`), by a test key per IdP
kept in tests/fixtures/saml-keys/, so signature verification passes on them; verification itself
is tested against xmlsec1 and signxml in tests/fixtures/signed/.

Run from the repository root: python3 scripts/make-saml-fixtures.py
"""
import base64
import os
import re
import urllib.parse

OUT = "tests/fixtures/saml"
AT = "2024-05-14T09:31:09Z"

# Filler for encrypted data (opaque bytes; nothing reads them).
# Stand-in ciphertext: 255 bytes, so that repeated it is still one base64 value (no padding).
CIPHER = base64.b64encode(bytes((i * 37 + 11) % 256 for i in range(255))).decode()

ACCOUNT = "123456789012"
INSTANCE = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def signature(ref, ns_prefix="", sha1=False):
    """Where a signature goes: a placeholder that sign() replaces with a real signature. It is
    always `ds:`-prefixed: signxml mis-signs a default-namespace placeholder."""
    ns_prefix = ns_prefix or "ds"
    xmlns = f'xmlns:{ns_prefix}="http://www.w3.org/2000/09/xmldsig#"' if ns_prefix else 'xmlns="http://www.w3.org/2000/09/xmldsig#"'
    p = f"{ns_prefix}:" if ns_prefix else ""
    return f'<{p}Signature {xmlns} Id="{"placeholder-sha1" if sha1 else "placeholder"}"/>'


def key_and_cert(idp, cn):
    """A test signing key per IdP shape, made once and kept (tests/fixtures/saml-keys/)."""
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    keys = "tests/fixtures/saml-keys"
    os.makedirs(keys, exist_ok=True)
    key_path, cert_path = os.path.join(keys, f"{idp}.key"), os.path.join(keys, f"{idp}.crt")
    if not os.path.exists(key_path):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        utc = datetime.timezone.utc
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(datetime.datetime(2024, 1, 1, tzinfo=utc))
                .not_valid_after(datetime.datetime(2034, 1, 1, tzinfo=utc)).sign(key, hashes.SHA256()))
        open(key_path, "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        open(cert_path, "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    return open(key_path, "rb").read(), open(cert_path).read()


IDP_CN = {"azure": "Microsoft Azure Federated SSO Certificate", "okta": "contoso.okta.com", "adfs": "ADFS Signing - adfs.corp.example.org"}


def sign(xml, idp):
    """Replaces each signature placeholder with a real enveloped signature (signxml; exclusive
    c14n; RSA-SHA256, or RSA-SHA1 where the placeholder asks), assertions before the Response."""
    from lxml import etree
    from signxml import XMLSigner, methods

    class Signer(XMLSigner):
        def check_deprecated_methods(self):  # the SHA-1 fixture needs SHA-1
            pass

    if "placeholder" not in xml:
        return xml
    key, cert = key_and_cert(idp, IDP_CN[idp])
    declaration = xml.startswith("<?xml")
    root = etree.fromstring(xml.encode())
    assertions = list(root.iter("{urn:oasis:names:tc:SAML:2.0:assertion}Assertion"))
    for target in assertions + [root]:
        ph = target.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
        if ph is None or not (ph.get("Id") or "").startswith("placeholder"):
            continue
        sha1 = ph.get("Id") == "placeholder-sha1"
        ph.attrib["Id"] = "placeholder"
        signer = Signer(method=methods.enveloped, signature_algorithm="rsa-sha1" if sha1 else "rsa-sha256",
                        digest_algorithm="sha1" if sha1 else "sha256", c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
        signed = signer.sign(target, key=key, cert=cert, reference_uri=target.get("ID"))
        if target is root:
            root = signed
        else:
            target.getparent().replace(target, signed)
    out = etree.tostring(root).decode()
    return ('<?xml version="1.0" encoding="UTF-8"?>' + out) if declaration else out


def azure(session_name="jane.doe@contoso.com", roles=None, extra_attrs="", issue="2024-05-14T09:31:07.402Z",
          not_before="2024-05-14T09:26:07.402Z", not_after="2024-05-14T10:31:07.402Z", sha1=False,
          destination="https://signin.aws.amazon.com/saml"):
    roles = roles or [f"arn:aws:iam::{ACCOUNT}:role/AzureAD_Agent_Role,arn:aws:iam::{ACCOUNT}:saml-provider/AzureAD_Connect_Agent"]
    role_values = "".join(f"<AttributeValue>{r}</AttributeValue>" for r in roles)
    aid = "_8e8dc5f6-9a4b-4f2e-b0d1-3c5a7e9f1b20"
    return sign(f"""<samlp:Response ID="_2f6c1a9e-4d3b-4c8a-9e7f-5a1b2c3d4e5f" Version="2.0" IssueInstant="{issue}" Destination="{destination}" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">https://sts.windows.net/7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b/</Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><Assertion ID="{aid}" IssueInstant="{issue}" Version="2.0" xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><Issuer>https://sts.windows.net/7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b/</Issuer>{signature(aid, sha1=sha1)}<Subject><NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{session_name}</NameID><SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData NotOnOrAfter="{not_after}" Recipient="https://signin.aws.amazon.com/saml"/></SubjectConfirmation></Subject><Conditions NotBefore="{not_before}" NotOnOrAfter="{not_after}"><AudienceRestriction><Audience>https://signin.aws.amazon.com/saml#2</Audience></AudienceRestriction></Conditions><AttributeStatement><Attribute Name="http://schemas.microsoft.com/identity/claims/tenantid"><AttributeValue>7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b</AttributeValue></Attribute><Attribute Name="http://schemas.microsoft.com/identity/claims/objectidentifier"><AttributeValue>3e9a0b1c-2d3e-4f5a-6b7c-8d9e0f1a2b3c</AttributeValue></Attribute><Attribute Name="http://schemas.microsoft.com/identity/claims/displayname"><AttributeValue>Jane Doe</AttributeValue></Attribute><Attribute Name="http://schemas.microsoft.com/identity/claims/identityprovider"><AttributeValue>https://sts.windows.net/7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b/</AttributeValue></Attribute><Attribute Name="http://schemas.microsoft.com/claims/authnmethodsreferences"><AttributeValue>http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password</AttributeValue><AttributeValue>http://schemas.microsoft.com/claims/multipleauthn</AttributeValue></Attribute><Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{role_values}</Attribute><Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><AttributeValue>{session_name}</AttributeValue></Attribute><Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><AttributeValue>43200</AttributeValue></Attribute>{extra_attrs}</AttributeStatement><AuthnStatement AuthnInstant="2024-05-14T09:31:05.263Z" SessionIndex="{aid}"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef></AuthnContext></AuthnStatement></Assertion></samlp:Response>""", "azure")


def okta_attr(name, *values):
    vals = "".join(
        f'<saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">{v}</saml2:AttributeValue>'
        for v in values
    )
    return f'<saml2:Attribute Name="{name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">{vals}</saml2:Attribute>'


def okta(attrs=None, audience="urn:amazon:webservices", recipient="https://signin.aws.amazon.com/saml",
         method="urn:oasis:names:tc:SAML:2.0:cm:bearer", assertion=True):
    if attrs is None:
        attrs = [
            okta_attr("https://aws.amazon.com/SAML/Attributes/Role",
                      f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta,arn:aws:iam::{ACCOUNT}:role/Okta-Connect-Agent"),
            okta_attr("https://aws.amazon.com/SAML/Attributes/RoleSessionName", "john.smith@example.com"),
            okta_attr("https://aws.amazon.com/SAML/Attributes/SessionDuration", "3600"),
        ]
    rid, aid = "id1789265473021847302158640", "id178926547302349871029384"
    body = ""
    if assertion:
        body = f"""<saml2:Assertion ID="{aid}" IssueInstant="2024-05-14T09:31:07.845Z" Version="2.0" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"><saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">http://www.okta.com/exk1a2b3c4d5e6f7g8h9</saml2:Issuer>{signature(aid, "ds")}<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">john.smith@example.com</saml2:NameID><saml2:SubjectConfirmation Method="{method}"><saml2:SubjectConfirmationData NotOnOrAfter="2024-05-14T09:36:07.845Z" Recipient="{recipient}"/></saml2:SubjectConfirmation></saml2:Subject><saml2:Conditions NotBefore="2024-05-14T09:26:07.845Z" NotOnOrAfter="2024-05-14T09:36:07.845Z"><saml2:AudienceRestriction><saml2:Audience>{audience}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions><saml2:AuthnStatement AuthnInstant="2024-05-14T09:31:03.102Z" SessionIndex="{rid}"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement><saml2:AttributeStatement>{''.join(attrs)}</saml2:AttributeStatement></saml2:Assertion>"""
    return sign(f"""<?xml version="1.0" encoding="UTF-8"?><saml2p:Response Destination="https://signin.aws.amazon.com/saml" ID="{rid}" IssueInstant="2024-05-14T09:31:07.845Z" Version="2.0" xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"><saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">http://www.okta.com/exk1a2b3c4d5e6f7g8h9</saml2:Issuer>{signature(rid, "ds")}<saml2p:Status xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>{body}</saml2p:Response>""", "okta")


def adfs_attr(name, value):
    return f'<Attribute Name="{name}"><AttributeValue>{value}</AttributeValue></Attribute>'


def adfs(attrs=None, sha1=False, signed=True, session_not_after="2024-05-14T17:31:07.105Z",
         name_id=True, encrypted=False):
    if attrs is None:
        attrs = [
            adfs_attr("https://aws.amazon.com/SAML/Attributes/RoleSessionName", "priya.patel@corp.example.org"),
            adfs_attr("https://aws.amazon.com/SAML/Attributes/Role",
                      f"arn:aws:iam::{ACCOUNT}:role/ADFS-ConnectSupervisor,arn:aws:iam::{ACCOUNT}:saml-provider/ADFS"),
        ]
    aid = "_c1d3f9e2-5a7b-4c8d-9e0f-1a2b3c4d5e6f"
    nid = '<NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">CORP\\ppatel</NameID>' if name_id else ""
    sig = signature(aid, "ds", sha1=sha1) if signed else ""
    if encrypted:
        assertion = f"""<EncryptedAssertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><e:EncryptedKey xmlns:e="http://www.w3.org/2001/04/xmlenc#"><e:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/><e:CipherData><e:CipherValue>{CIPHER}</e:CipherValue></e:CipherData></e:EncryptedKey></KeyInfo><xenc:CipherData><xenc:CipherValue>{CIPHER * 4}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></EncryptedAssertion>"""
    else:
        assertion = f"""<Assertion ID="{aid}" IssueInstant="2024-05-14T09:31:07.105Z" Version="2.0" xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><Issuer>http://adfs.corp.example.org/adfs/services/trust</Issuer>{sig}<Subject>{nid}<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData NotOnOrAfter="2024-05-14T09:36:07.105Z" Recipient="https://signin.aws.amazon.com/saml"/></SubjectConfirmation></Subject><Conditions NotBefore="2024-05-14T09:31:07.089Z" NotOnOrAfter="2024-05-14T10:31:07.089Z"><AudienceRestriction><Audience>urn:amazon:webservices</Audience></AudienceRestriction></Conditions><AttributeStatement>{''.join(attrs)}</AttributeStatement><AuthnStatement AuthnInstant="2024-05-14T09:31:06.932Z" SessionNotOnOrAfter="{session_not_after}" SessionIndex="{aid}"><AuthnContext><AuthnContextClassRef>urn:federation:authentication:windows</AuthnContextClassRef></AuthnContext></AuthnStatement></Assertion>"""
    return sign(f"""<samlp:Response ID="_a4b6c8d0-e2f4-4a6b-8c0d-2e4f6a8b0c2d" Version="2.0" IssueInstant="2024-05-14T09:31:07.105Z" Destination="https://signin.aws.amazon.com/saml" Consent="urn:oasis:names:tc:SAML:2.0:consent:unspecified" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">http://adfs.corp.example.org/adfs/services/trust</Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{assertion}</samlp:Response>""", "adfs")


def b64(xml):
    return base64.b64encode(xml.encode()).decode()


def wrap76(s):
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + "\n"


def fixtures():
    role = f"arn:aws:iam::{ACCOUNT}:role/AzureAD_Agent_Role"
    provider = f"arn:aws:iam::{ACCOUNT}:saml-provider/AzureAD_Connect_Agent"
    azure_status_error = """<samlp:Response ID="_9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a" Version="2.0" IssueInstant="2024-05-14T09:31:07.402Z" Destination="https://signin.aws.amazon.com/saml" InResponseTo="_b7e4a0c2" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">https://sts.windows.net/7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b/</Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Requester"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode><samlp:StatusMessage>AADSTS50105: Your administrator has configured the application Amazon Connect Agents ('8f2e4c6a-0b1d-4e3f-a5c7-9e1b3d5f7a9c') to block users unless they are specifically granted ('assigned') access to the application. The signed in user 'sam.lee@contoso.com' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.</samlp:StatusMessage></samlp:Status></samlp:Response>"""
    groups = "".join(f"<AttributeValue>{i:08x}-1111-2222-3333-444455556666</AttributeValue>" for i in range(1900))
    yield "azure-healthy.xml", azure()
    yield "okta-healthy.xml", okta()
    yield "adfs-healthy.xml", adfs()
    yield "azure-healthy.b64", wrap76(b64(azure()))
    # The seed's failure: a guest user's UPN as RoleSessionName.
    guest = "jane_gmail.com#EXT#@contoso.onmicrosoft.com"
    yield "role_session_name_invalid.b64", b64(azure(session_name=guest))
    yield "status_not_success.xml", azure_status_error
    yield "assertion_missing.xml", okta(assertion=False)
    yield "assertion_encrypted.xml", adfs(encrypted=True)
    yield "destination_not_aws.xml", azure(destination="https://contoso-cc.my.connect.aws/")
    yield "recipient_not_aws.xml", okta(recipient="https://contoso-cc.my.connect.aws/saml")
    yield "audience_not_aws.xml", okta(audience="https://contoso-cc.my.connect.aws")
    yield "name_id_missing.xml", adfs(name_id=False)
    yield "subject_confirmation_invalid.xml", okta(method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key")
    yield "signature_missing.xml", adfs(signed=False)
    yield "signature_sha1.xml", adfs(sha1=True)
    # An IdP configured with a one-minute token lifetime: expired 69 s before it reached AWS.
    yield "assertion_expired.xml", azure(issue="2024-05-14T09:29:00Z", not_before="2024-05-14T09:29:00Z", not_after="2024-05-14T09:30:00Z")
    yield "assertion_not_yet_valid.xml", azure(not_before="2024-05-14T09:32:30Z")
    # Issued 7 minutes before it reached AWS (a laptop woke from sleep on the IdP's auto-post page).
    yield "assertion_too_old.xml", azure(issue="2024-05-14T09:24:05Z", not_before="2024-05-14T09:19:05Z", not_after="2024-05-14T10:24:05Z")
    # The IdP's clock runs 3 minutes ahead.
    yield "clock_skew.xml", azure(issue="2024-05-14T09:34:10Z", not_before="2024-05-14T09:29:10Z", not_after="2024-05-14T10:34:10Z")
    yield "session_expired.xml", adfs(session_not_after="2024-05-14T09:30:00Z")
    yield "role_attribute_missing.xml", okta(attrs=[
        okta_attr("https://aws.amazon.com/SAML/Attributes/role", f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta,arn:aws:iam::{ACCOUNT}:role/Okta-Connect-Agent"),
        okta_attr("https://aws.amazon.com/SAML/Attributes/RoleSessionName", "john.smith@example.com"),
    ])
    yield "role_value_malformed.xml", azure(roles=[f"{role}, {provider}"])
    yield "role_provider_account_mismatch.xml", azure(roles=[f"{role},arn:aws:iam::210987654321:saml-provider/AzureAD_Connect_Agent"])
    yield "multiple_roles.xml", okta(attrs=[
        okta_attr("https://aws.amazon.com/SAML/Attributes/Role",
                  f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta,arn:aws:iam::{ACCOUNT}:role/Okta-Connect-Agent",
                  f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta,arn:aws:iam::{ACCOUNT}:role/Okta-Connect-Admin"),
        okta_attr("https://aws.amazon.com/SAML/Attributes/RoleSessionName", "john.smith@example.com"),
    ])
    yield "role_session_name_missing.xml", adfs(attrs=[adfs_attr("https://aws.amazon.com/SAML/Attributes/Role",
                                                                 f"arn:aws:iam::{ACCOUNT}:role/ADFS-ConnectSupervisor,arn:aws:iam::{ACCOUNT}:saml-provider/ADFS")])
    yield "session_duration_invalid.xml", okta(attrs=[
        okta_attr("https://aws.amazon.com/SAML/Attributes/Role", f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta,arn:aws:iam::{ACCOUNT}:role/Okta-Connect-Agent"),
        okta_attr("https://aws.amazon.com/SAML/Attributes/RoleSessionName", "john.smith@example.com"),
        okta_attr("https://aws.amazon.com/SAML/Attributes/SessionDuration", "86400"),
    ])
    yield "principal_tag_invalid.xml", adfs(attrs=[
        adfs_attr("https://aws.amazon.com/SAML/Attributes/RoleSessionName", "priya.patel@corp.example.org"),
        adfs_attr("https://aws.amazon.com/SAML/Attributes/Role", f"arn:aws:iam::{ACCOUNT}:role/ADFS-ConnectSupervisor,arn:aws:iam::{ACCOUNT}:saml-provider/ADFS"),
        adfs_attr("https://aws.amazon.com/SAML/Attributes/PrincipalTag:Department", "Customer Care; Tier 2"),
    ])
    yield "source_identity_invalid.xml", adfs(attrs=[
        adfs_attr("https://aws.amazon.com/SAML/Attributes/RoleSessionName", "priya.patel@corp.example.org"),
        adfs_attr("https://aws.amazon.com/SAML/Attributes/Role", f"arn:aws:iam::{ACCOUNT}:role/ADFS-ConnectSupervisor,arn:aws:iam::{ACCOUNT}:saml-provider/ADFS"),
        adfs_attr("https://aws.amazon.com/SAML/Attributes/SourceIdentity", "aws:ppatel"),
    ])
    yield "saml_schema_invalid.xml", adfs(session_not_after="14/05/2024 17:31:07")
    yield "saml_not_a_response.b64", b64('<samlp:AuthnRequest xmlns="urn:oasis:names:tc:SAML:2.0:metadata" ID="id-5c3a1e7b9d" Version="2.0" IssueInstant="2024-05-14T09:31:01Z" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">https://signin.aws.amazon.com/saml</Issuer></samlp:AuthnRequest>')
    # Cut short while copying: the XML stops mid-element.
    yield "saml_not_xml.b64", b64(azure()[:2100])
    # Damaged in copying: a text editor turned part of it into a typographic ellipsis.
    good = b64(azure())
    yield "saml_not_base64.txt", good[:600] + "\u2026" + good[603:]
    yield "saml_too_large.b64", b64(azure(extra_attrs=f'<Attribute Name="http://schemas.microsoft.com/ws/2008/06/identity/claims/groups">{groups}</Attribute>'))
    # A form body as a browser sends it, RelayState first and SAMLResponse last.
    relay = f"https://us-east-1.console.aws.amazon.com/connect/federate/{INSTANCE}?destination=/connect/ccp-v2"
    yield "relay_state_destination_not_encoded.form", "RelayState=" + urllib.parse.quote(relay, safe="") + "&SAMLResponse=" + urllib.parse.quote(b64(azure()), safe="")
    yield "relay_state_malformed.form", "SAMLResponse=" + urllib.parse.quote(b64(azure()), safe="") + "&RelayState=" + urllib.parse.quote("https://<regionid>.console.aws.amazon.com/connect/federate/<instance-id>?destination=%2Fconnect%2Fccp", safe="")
    yield "relay_state_missing.form", "SAMLResponse=" + urllib.parse.quote(b64(azure()), safe="")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, content in fixtures():
        with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
            f.write(content)
    print(f"wrote {len(list(fixtures()))} fixtures to {OUT} (judge them at {AT})")


if __name__ == "__main__":
    main()

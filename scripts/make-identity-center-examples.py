#!/usr/bin/env python3
"""Writes examples/identity-center/*.har: sign-ins into IAM Identity Center from Okta (its
"AWS IAM Identity Center" catalogue app, IdP-initiated from the Okta dashboard, Chrome) and from
Entra ID (SP-initiated from the AWS access portal, Edge), one healthy capture per IdP and one per
offline Identity Center finding. Responses are signed for real with the test keys of
scripts/make-saml-fixtures.py (tests/fixtures/saml-keys/), whose helpers this script imports, as
it imports the HAR writer of scripts/make-example-hars.py.

Run from the repository root: python3 scripts/make-identity-center-examples.py
"""
import base64
import importlib.util
import os
import urllib.parse


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(os.path.dirname(__file__), file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fx = load("fixtures", "make-saml-fixtures.py")
hars = load("hars", "make-example-hars.py")

OUT = "examples/identity-center"
REGION = "us-east-1"
STORE = "d-9067a1b2c3"
ACS_ID = "5c1a3e9f-2b7d-4a60-8e14"
ACS = f"https://{REGION}.signin.aws/platform/saml/acs/{ACS_ID}"
ACS_EU = f"https://eu-west-1.signin.aws/platform/saml/acs/{ACS_ID}"
AUDIENCE = f"https://{REGION}.signin.aws.amazon.com/platform/saml/{STORE}"
PORTAL = f"https://{STORE}.awsapps.com/start"
EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
OKTA_ISSUER = "http://www.okta.com/exk9idc1a2b3c4d5e6f7"
TENANT = hars.TENANT
ENTRA_ISSUER = f"https://sts.windows.net/{TENANT}/"
AC = "https://aws.amazon.com/SAML/Attributes/AccessControl:"


def okta_assertion(aid, name_id, fmt, recipient, audience, attrs, issue, session_not_after):
    session = f' SessionNotOnOrAfter="{session_not_after}"' if session_not_after else ""
    return (f'<saml2:Assertion ID="{aid}" IssueInstant="{issue}" Version="2.0" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">'
            f'<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">{OKTA_ISSUER}</saml2:Issuer>{fx.signature(aid, "ds")}'
            f'<saml2:Subject><saml2:NameID Format="{fmt}">{name_id}</saml2:NameID><saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml2:SubjectConfirmationData NotOnOrAfter="2024-05-14T09:36:07.845Z" Recipient="{recipient}"/></saml2:SubjectConfirmation></saml2:Subject>'
            f'<saml2:Conditions NotBefore="2024-05-14T09:26:07.845Z" NotOnOrAfter="2024-05-14T09:36:07.845Z"><saml2:AudienceRestriction><saml2:Audience>{audience}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>'
            f'<saml2:AuthnStatement AuthnInstant="2024-05-14T09:31:03.102Z"{session} SessionIndex="{aid}"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>'
            + (f'<saml2:AttributeStatement>{"".join(attrs)}</saml2:AttributeStatement>' if attrs else "")
            + '</saml2:Assertion>')


def okta(name_id="john.smith@example.com", fmt=EMAIL, destination=ACS, recipient=ACS, audience=AUDIENCE, attrs=(),
         assertions=1, encrypted=False, session_not_after="2024-05-14T11:31:07.845Z"):
    """Okta's AWS IAM Identity Center app: signed assertion, NameID from the Okta username, and
    a SessionNotOnOrAfter of the Okta session's end (a 2-hour sign-on policy)."""
    rid = "id4417265473021847302158641"
    issue = "2024-05-14T09:31:07.845Z"
    if encrypted:
        body = (f'<saml2:EncryptedAssertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">'
                f'<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>'
                f'<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>'
                f'<xenc:CipherData><xenc:CipherValue>{fx.CIPHER}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{fx.CIPHER * 4}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml2:EncryptedAssertion>')
        response_sig = fx.signature(rid, "ds")
    else:
        body = "".join(okta_assertion(f"id44172654730234987102938{n}", name_id, fmt, recipient, audience, list(attrs), issue, session_not_after)
                       for n in range(assertions))
        response_sig = ""
    return fx.sign(f'<?xml version="1.0" encoding="UTF-8"?><saml2p:Response Destination="{destination}" ID="{rid}" IssueInstant="{issue}" Version="2.0" xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol">'
                   f'<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">{OKTA_ISSUER}</saml2:Issuer>{response_sig}'
                   f'<saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>{body}</saml2p:Response>', "okta")


def entra_attr(name, *values):
    return f'<Attribute Name="{name}">' + "".join(f"<AttributeValue>{v}</AttributeValue>" for v in values) + "</Attribute>"


def entra(name_id="jane.doe@contoso.com", fmt=EMAIL, audience=AUDIENCE, reply=ACS, attrs=(), in_response_to="_idc7f3b2a9e41c6d8"):
    """Entra ID's AWS IAM Identity Center gallery app, answering the portal's AuthnRequest."""
    aid = "_4b2e8d1f-6a3c-4e9b-8f0d-2c5a7e9b1d3f"
    issue = "2024-05-14T09:31:07.402Z"
    claims = [
        entra_attr("http://schemas.microsoft.com/identity/claims/tenantid", TENANT),
        entra_attr("http://schemas.microsoft.com/identity/claims/objectidentifier", "3e9a0b1c-2d3e-4f5a-6b7c-8d9e0f1a2b3c"),
        entra_attr("http://schemas.microsoft.com/identity/claims/displayname", "Jane Doe"),
        entra_attr("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "jane.doe@contoso.com"),
    ] + list(attrs)
    return fx.sign(f'<samlp:Response ID="_9d1c3e5a-7b2f-4d6e-8a0c-1e3f5a7b9c2d" Version="2.0" IssueInstant="{issue}" Destination="{reply}" InResponseTo="{in_response_to}" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">'
                   f'<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">{ENTRA_ISSUER}</Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
                   f'<Assertion ID="{aid}" IssueInstant="{issue}" Version="2.0" xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><Issuer>{ENTRA_ISSUER}</Issuer>{fx.signature(aid)}'
                   f'<Subject><NameID Format="{fmt}">{name_id}</NameID><SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
                   f'<SubjectConfirmationData InResponseTo="{in_response_to}" NotOnOrAfter="2024-05-14T10:31:07.402Z" Recipient="{reply}"/></SubjectConfirmation></Subject>'
                   f'<Conditions NotBefore="2024-05-14T09:26:07.402Z" NotOnOrAfter="2024-05-14T10:31:07.402Z"><AudienceRestriction><Audience>{audience}</Audience></AudienceRestriction></Conditions>'
                   f'<AttributeStatement>{"".join(claims)}</AttributeStatement>'
                   f'<AuthnStatement AuthnInstant="2024-05-14T09:31:05.263Z" SessionIndex="{aid}"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef></AuthnContext></AuthnStatement>'
                   '</Assertion></samlp:Response>', "azure")


PORTAL_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AWS access portal</title>'
               '<script src="/start/static/js/main.2f9c.js"></script></head><body><div id="root"></div></body></html>')


def error_page(text):
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AWS access portal</title></head><body>'
            f'<div class="error-page"><h1>{text}</h1><p>Please try again. If the problem persists, contact your administrator.</p></div></body></html>')


def portal_after(h, t, page=PORTAL_PAGE):
    h.add(t, "GET", f"{PORTAL}/", status=200, mime="text/html", body=page,
          req_headers=[("cookie", "x-amz-sso_authn=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLWlkYyJ9.ZmFrZS1pZGMtc2lnbmF0dXJl")])


def okta_flow(xml, post_to=ACS, acs_response=None, page=PORTAL_PAGE):
    """Okta dashboard tile -> auto-post form -> POST to the ACS -> access portal. Chrome."""
    h = hars.Har("chrome")
    h.add("2024-05-14T09:30:58.771Z", "POST", "https://contoso.okta.com/api/v1/authn", mime="application/json",
          post='{"username":"john.smith@example.com","password":"Tr0ub4dor&3"}', body='{"status":"SUCCESS","sessionToken":"20111fake-okta-session-token"}')
    h.entries[-1]["request"]["postData"] = {"mimeType": "application/json", "text": '{"username":"john.smith@example.com","password":"Tr0ub4dor&3"}'}
    b64 = base64.b64encode(xml.encode()).decode()
    h.add("2024-05-14T09:31:07.900Z", "GET", "https://contoso.okta.com/app/amazon_aws_sso/exk9idc1a2b3c4d5e6f7/sso/saml", mime="text/html;charset=utf-8",
          body=hars.autopost(b64, relay=None, action=post_to), req_headers=[("cookie", "sid=102fake-okta-sid; DT=DI0fake-device-token")])
    body = "SAMLResponse=" + urllib.parse.quote(b64, safe="")
    if acs_response is None:
        h.add("2024-05-14T09:31:09.118Z", "POST", post_to, status=302, post=body, redirect=f"{PORTAL}/", mime="x-unknown", body="",
              req_headers=[("origin", "https://contoso.okta.com")])
        portal_after(h, "2024-05-14T09:31:09.604Z", page)
    else:
        status, html = acs_response
        h.add("2024-05-14T09:31:09.118Z", "POST", post_to, status=status, post=body, mime="text/html", body=html,
              req_headers=[("origin", "https://contoso.okta.com")])
    return h


def entra_flow(xml, reply=ACS, page=PORTAL_PAGE):
    """The access portal -> Identity Center's AuthnRequest -> Entra ID sign-in -> auto-post form
    -> POST to the ACS -> the portal (or its error page). Edge (Chrome's HAR format)."""
    import zlib
    h = hars.Har("chrome")
    relay = "eyJ3b3JrZmxvd1N0YXRlSGFuZGxlIjoiZmFrZS1pZGMtc3RhdGUifQ"
    h.add("2024-05-14T09:30:49.002Z", "GET", f"{PORTAL}/", status=302, redirect=f"https://{REGION}.signin.aws/platform/login?workflowStateHandle=fake-idc-state", mime="x-unknown", body="")
    request = (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_idc7f3b2a9e41c6d8" Version="2.0" IssueInstant="2024-05-14T09:30:49Z" '
               f'Destination="https://login.microsoftonline.com/{TENANT}/saml2" AssertionConsumerServiceURL="{ACS}"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{AUDIENCE}</saml:Issuer></samlp:AuthnRequest>')
    deflated = base64.b64encode(zlib.compress(request.encode())[2:-4]).decode()
    h.add("2024-05-14T09:30:49.410Z", "GET", f"https://{REGION}.signin.aws/platform/login?workflowStateHandle=fake-idc-state", status=302,
          redirect=f"https://login.microsoftonline.com/{TENANT}/saml2?SAMLRequest={urllib.parse.quote(deflated, safe='')}&RelayState={relay}", mime="x-unknown", body="")
    h.add("2024-05-14T09:30:49.900Z", "GET", f"https://login.microsoftonline.com/{TENANT}/saml2?SAMLRequest={urllib.parse.quote(deflated, safe='')}&RelayState={relay}",
          mime="text/html", body="<html><body>Sign in to your account</body></html>")
    hars.idp_login(h, "2024-05-14T09:30:51.204Z", "2024-05-14T09:30:58.771Z", "jane.doe@contoso.com")
    b64 = base64.b64encode(xml.encode()).decode()
    h.add("2024-05-14T09:31:07.512Z", "POST", f"https://login.microsoftonline.com/{TENANT}/SAS/ProcessAuth", status=200, mime="text/html; charset=utf-8",
          post="type=22&FlowToken=AQABAAEAAAAmoFfGtYxvRrNriQdPKIZ-fake&request=rQQIARAAhZG9a9tAGMZ&mfaAuthMethod=PhoneAppNotification&canary=ZmFrZS1jYW5hcnk&rememberMFA=false",
          body=hars.autopost(b64, relay, action=reply))
    body = f"RelayState={relay}&SAMLResponse=" + urllib.parse.quote(b64, safe="")
    if page is PORTAL_PAGE:
        h.add("2024-05-14T09:31:09.118Z", "POST", reply, status=302, post=body, redirect=f"{PORTAL}/", mime="x-unknown", body="",
              req_headers=[("origin", "https://login.microsoftonline.com")])
        portal_after(h, "2024-05-14T09:31:09.604Z")
    else:
        # Identity Center answers the POST with its error page.
        h.add("2024-05-14T09:31:09.118Z", "POST", reply, status=200, post=body, mime="text/html", body=page,
              req_headers=[("origin", "https://login.microsoftonline.com")])
    return h


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = {
        # Healthy, both identity providers.
        "healthy-okta-chrome": okta_flow(okta()),
        "healthy-entra-edge": entra_flow(entra()),
        # Okta's classic: the ACS URL field left blank, so Okta posts to IAM's endpoint.
        "idc-posted-to-iam-endpoint-okta-chrome": okta_flow(
            okta(destination="https://signin.aws.amazon.com/saml", recipient="https://signin.aws.amazon.com/saml"),
            post_to="https://signin.aws.amazon.com/saml",
            acs_response=(400, "<html><body>Your request included an invalid SAML response. To logout, click here.</body></html>")),
        # A multi-Region instance: Destination copied from the eu-west-1 ACS, posted to us-east-1's.
        "idc-acs-malformed-okta-chrome": okta_flow(okta(destination=ACS_EU),
                                                   acs_response=(200, error_page("An unexpected error has occurred"))),
        # Entra's Identifier left as IAM federation's audience.
        "idc-audience-malformed-entra-edge": entra_flow(entra(audience="https://signin.aws.amazon.com/saml#1"),
                                                        page=error_page("An unexpected error has occurred")),
        # Okta's custom app with the default NameID format.
        "idc-nameid-format-okta-chrome": okta_flow(okta(fmt=UNSPECIFIED),
                                                   acs_response=(200, error_page("An unexpected error has occurred"))),
        # Entra: NameID mapped from user.objectid with the emailAddress format.
        "idc-nameid-not-email-entra-edge": entra_flow(entra(name_id="3e9a0b1c-2d3e-4f5a-6b7c-8d9e0f1a2b3c"),
                                                      page=error_page("An unexpected error has occurred")),
        "idc-assertion-encrypted-okta-chrome": okta_flow(okta(encrypted=True),
                                                         acs_response=(200, error_page("It&#39;s not you, it is us"))),
        "idc-multiple-assertions-okta-chrome": okta_flow(okta(assertions=2),
                                                         acs_response=(200, error_page("An unexpected error has occurred"))),
        # Attributes for access control: a multi-valued one and a key sent twice.
        "idc-access-control-attribute-invalid-entra-edge": entra_flow(entra(attrs=[
            entra_attr(AC + "CostCenter", "4410", "4420"),
            entra_attr(AC + "Department", "Support"),
            entra_attr(AC + "department", "Sales"),
        ]), page=error_page("An unexpected error has occurred")),
        # A sound assertion, and still the error page: the user is not provisioned (--aws says so).
        "idc-error-page-entra-edge": entra_flow(entra(name_id="new.hire@contoso.com"),
                                                page=error_page("An unexpected error has occurred")),
    }
    for name, h in cases.items():
        h.write(f"{OUT}/{name}.har")
    with open(f"{OUT}/healthy-okta-samlresponse.txt", "w") as f:
        f.write(base64.b64encode(okta().encode()).decode() + "\n")
    print(f"wrote {OUT}/*")


if __name__ == "__main__":
    main()

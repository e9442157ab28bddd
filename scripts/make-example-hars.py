#!/usr/bin/env python3
"""Writes examples/*.har: one capture per failure the seed articles describe, each shaped like
the browser that exported it (Chrome/Edge "WebInspector", Firefox, Safari "WebKit Web Inspector"),
following a real IdP-initiated flow: identity provider -> auto-post form ->
POST https://signin.aws.amazon.com/saml -> Connect federate redirect -> the Connect app.

Secrets planted in them (cookies, a password typed into the IdP, bearer tokens) are fake but
realistic, so `saml-doctor redact` has something to find.

Run from the repository root: python3 scripts/make-example-hars.py
"""
import base64
import importlib.util
import json
import os
import urllib.parse

spec = importlib.util.spec_from_file_location("fixtures", os.path.join(os.path.dirname(__file__), "make-saml-fixtures.py"))
fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)

INSTANCE = fx.INSTANCE
REGION = "us-east-1"
RELAY = f"https://{REGION}.console.aws.amazon.com/connect/federate/{INSTANCE}?destination=%2Fconnect%2Fccp-v2"
TENANT = "7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b"
CONNECT = "https://contoso-cc.my.connect.aws"


def headers(pairs):
    return [{"name": k, "value": v} for k, v in pairs]


CHROME_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
FIREFOX_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
SAFARI_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15"


class Har:
    def __init__(self, browser):
        self.browser = browser
        self.entries = []
        self.extra_pages = []
        self.ua = {"chrome": CHROME_UA, "firefox": FIREFOX_UA, "safari": SAFARI_UA}[browser]

    def add(self, started, method, url, status=200, mime="text/html", body=None, post=None, req_headers=(), resp_headers=(), redirect="", encoding=None, resource="document"):
        req_h = [(":authority", urllib.parse.urlparse(url).netloc)] if self.browser == "chrome" else []
        req_h += [("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), ("accept-encoding", "gzip, deflate, br"),
                  ("accept-language", "en-GB,en;q=0.9"), ("user-agent", self.ua), ("sec-fetch-mode", "navigate"), ("sec-fetch-site", "cross-site"),
                  ("upgrade-insecure-requests", "1")] + list(req_headers)
        query = [{"name": k, "value": v} for k, v in urllib.parse.parse_qsl(urllib.parse.urlparse(url).query)]
        request = {"method": method, "url": url, "httpVersion": "http/2.0" if self.browser == "chrome" else "HTTP/2", "headers": headers(req_h),
                   "queryString": query, "cookies": [{"name": k, "value": v} for k, v in req_headers if k == "cookie" for k, v in [v.split("=", 1)]],
                   "headersSize": -1, "bodySize": len(post) if post else 0}
        if post is not None:
            params = [{"name": k, "value": urllib.parse.quote(v, safe="") if self.browser == "chrome" else v} for k, v in urllib.parse.parse_qsl(post, keep_blank_values=True)]
            request["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": post, "params": params}
        content = {"size": len(body or ""), "mimeType": mime}
        if body is not None:
            content["text"] = body
        if encoding:
            content["encoding"] = encoding
        response = {"status": status, "statusText": {200: "OK", 302: "Found", 401: "Unauthorized"}.get(status, ""), "httpVersion": "http/2.0",
                    "headers": headers([("content-type", mime), ("date", "Tue, 14 May 2024 09:31:09 GMT"), ("strict-transport-security", "max-age=31536000")] + list(resp_headers)),
                    "cookies": [], "content": content, "redirectURL": redirect, "headersSize": -1, "bodySize": -1}
        entry = {"startedDateTime": started, "time": 87.4, "request": request, "response": response, "cache": {},
                 "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 80.3, "receive": 5.8},
                 "serverIPAddress": "20.190.151.7", "connection": "443", "pageref": "page_1"}
        if self.browser == "chrome":
            entry = {"_initiator": {"type": "other"}, "_priority": "VeryHigh", "_resourceType": resource, **entry}
            response["_transferSize"] = 2048
            response["_error"] = None
        self.entries.append(entry)

    def write(self, path):
        creator = {"chrome": {"name": "WebInspector", "version": "537.36"}, "firefox": {"name": "Firefox", "version": "125.0"},
                   "safari": {"name": "WebKit Web Inspector", "version": "19618.1.15.11.14"}}[self.browser]
        doc = {"log": {"version": "1.2", "creator": creator,
                       "pages": [{"startedDateTime": self.entries[0]["startedDateTime"], "id": "page_1", "title": "Sign in", "pageTimings": {"onContentLoad": 412.5, "onLoad": 530.1}}] + self.extra_pages,
                       "entries": self.entries}}
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2 if self.browser == "chrome" else None, ensure_ascii=False)
            f.write("\n")


def autopost(saml_b64, relay=RELAY, action="https://signin.aws.amazon.com/saml"):
    # Azure AD and ADFS escape '+' in the value as &#43; (ADFS) or leave it (Azure).
    value = saml_b64.replace("+", "&#43;")
    relay_input = f'<input type="hidden" name="RelayState" value="{relay.replace("&", "&amp;")}" />' if relay else ""
    return (f'<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="{action}">'
            f'<input type="hidden" name="SAMLResponse" value="{value}" />{relay_input}'
            '<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form>'
            '<script language="javascript">window.setTimeout(\'document.forms[0].submit()\', 0);</script></body></html>')


def idp_login(h, t0, t1, user):
    h.add(t0, "GET", f"https://launcher.myapps.microsoft.com/api/signin/8f2e4c6a-0b1d-4e3f-a5c7-9e1b3d5f7a9c?tenantId={TENANT}", status=302,
          redirect=f"https://login.microsoftonline.com/{TENANT}/saml2?sso_reload=true", mime="x-unknown", body="")
    h.add(t1, "POST", f"https://login.microsoftonline.com/{TENANT}/login", status=200, mime="text/html",
          post=f"i13=0&login={urllib.parse.quote(user)}&loginfmt={urllib.parse.quote(user)}&type=11&LoginOptions=3&passwd=Summer2024%21Contoso&ps=2&canary=ZmFrZS1jYW5hcnk&ctx=rQQIARAAhZG9a9tAGMZ&hpgrequestid=c2b1&flowToken=AQABAAEAAAAmoFfGtYxvRrNriQdPKIZ-fake&PPSX=&NewUser=1&fspost=0&i21=0&CookieDisclosure=0&IsFidoSupported=1&i19=21411",
          req_headers=[("cookie", "ESTSAUTHPERSISTENT=0.AQ4A2l6fa2KeL0-fake-persistent-session; buid=0.AQ4A-fake-buid")],
          body="<html><body>Stay signed in?</body></html>")


def connect_after(h, t):
    h.add(t, "GET", RELAY, status=302, redirect=f"{CONNECT}/connect/ccp-v2/", mime="x-unknown", body="",
          req_headers=[("cookie", "aws-creds=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.ZmFrZS1zaWduYXR1cmU; aws-userInfo=%7B%22arn%22%3A%22fake%22%7D")])
    h.add(t.replace("09.", "10."), "GET", f"{CONNECT}/connect/ccp-v2/", status=200, mime="text/html",
          body="<!doctype html><html><head><title>Amazon Connect CCP</title><script src=\"/connect/ccp-v2/static/js/main.8c1f.js\"></script></head><body><div id=\"root\"></div></body></html>")
    h.add(t.replace("09.", "10."), "GET", f"{CONNECT}/connect/ccp-v2/static/js/main.8c1f.js", status=200, mime="application/javascript", resource="script",
          body='!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r,l:!1,exports:{}};return e[r].call(o.exports,o,o.exports,n),o.l=!0,o.exports}n.m=e}({"./src/index.js":function(e,t){console.log("CCP \\"ready\\"")}});')


def sign_in(h, response_xml, t_form, t_post, relay=RELAY):
    b64 = base64.b64encode(response_xml.encode()).decode()
    h.add(t_form, "POST", f"https://login.microsoftonline.com/{TENANT}/SAS/ProcessAuth", status=200, mime="text/html; charset=utf-8",
          post="type=22&FlowToken=AQABAAEAAAAmoFfGtYxvRrNriQdPKIZ-fake&request=rQQIARAAhZG9a9tAGMZ&mfaAuthMethod=PhoneAppNotification&canary=ZmFrZS1jYW5hcnk&rememberMFA=false",
          body=autopost(b64, relay))
    body = (f"RelayState={urllib.parse.quote(relay, safe='')}&" if relay else "") + "SAMLResponse=" + urllib.parse.quote(b64, safe="")
    h.add(t_post, "POST", "https://signin.aws.amazon.com/saml", status=302, post=body, redirect=relay or "https://console.aws.amazon.com/",
          mime="x-unknown", body="", req_headers=[("origin", "https://login.microsoftonline.com"), ("cookie", "aws-signin-csrf=fake-csrf-token-1234")])


def main():
    os.makedirs("examples", exist_ok=True)

    # 1. Healthy: Azure AD / Entra ID in Chrome, all the way to the CCP.
    h = Har("chrome")
    idp_login(h, "2024-05-14T09:30:51.204Z", "2024-05-14T09:30:58.771Z", "jane.doe@contoso.com")
    sign_in(h, fx.azure(), "2024-05-14T09:31:07.512Z", "2024-05-14T09:31:09.118Z")
    connect_after(h, "2024-05-14T09:31:09.604Z")
    h.write("examples/healthy-azure-chrome.har")

    # 2. The seed's failure: a guest (B2B) user whose UPN is the RoleSessionName. AWS answers
    #    with its error page instead of the redirect.
    h = Har("chrome")
    guest = "jane_gmail.com#EXT#@contoso.onmicrosoft.com"
    idp_login(h, "2024-05-14T09:30:51.204Z", "2024-05-14T09:30:58.771Z", "jane@gmail.com")
    sign_in(h, fx.azure(session_name=guest), "2024-05-14T09:31:07.512Z", "2024-05-14T09:31:09.118Z")
    h.entries[-1]["response"].update({"status": 400, "redirectURL": ""})
    h.entries[-1]["response"]["content"] = {"size": 431, "mimeType": "text/html", "text": "<html><body><div id=\"error\">Your request included an invalid SAML response. RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64} (Service: AWSSecurityTokenService; Status Code: 400; Error Code: InvalidIdentityToken)</div></body></html>"}
    h.write("examples/guest-user-role-session-name-chrome.har")

    # 3. "Session expired": an Okta response that sat on the auto-post page while the laptop
    #    slept; it reached AWS 21 minutes after it was issued. Firefox.
    h = Har("firefox")
    okta_xml = fx.okta()
    b64 = base64.b64encode(okta_xml.encode()).decode()
    h.add("2024-05-14T09:31:02.118+02:00".replace("+02:00", "Z").replace("09:31:02", "09:31:02"), "POST", "https://contoso.okta.com/api/v1/authn", mime="application/json",
          post='{"username":"john.smith@example.com","password":"Tr0ub4dor&3"}', body='{"status":"SUCCESS","sessionToken":"20111fake-okta-session-token"}')
    h.entries[-1]["request"]["postData"] = {"mimeType": "application/json", "text": '{"username":"john.smith@example.com","password":"Tr0ub4dor&3"}'}
    h.add("2024-05-14T11:31:07.900+02:00", "GET", "https://contoso.okta.com/app/amazon_aws/exk1a2b3c4d5e6f7g8h9/sso/saml", mime="text/html;charset=utf-8",
          body=autopost(b64, RELAY), req_headers=[("cookie", "sid=102fake-okta-sid; DT=DI0fake-device-token")])
    body = "SAMLResponse=" + urllib.parse.quote(b64, safe="") + "&RelayState=" + urllib.parse.quote(RELAY, safe="")
    h.add("2024-05-14T11:52:31.402+02:00", "POST", "https://signin.aws.amazon.com/saml", status=200, post=body, mime="text/html",
          body="<html><body>Your request included an invalid SAML response. Response has expired</body></html>")
    h.write("examples/session-expired-okta-firefox.har")

    # 4. The identity provider refused: ADFS posts an error status to AWS. Safari.
    h = Har("safari")
    error = fx.adfs().split("<samlp:Status>")[0] + ('<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">'
                                                    '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode>'
                                                    '<samlp:StatusMessage>MSIS7070: The SAML request contained a NameIDPolicy that was not satisfied by the issued token.</samlp:StatusMessage></samlp:Status></samlp:Response>')
    b64 = base64.b64encode(error.encode()).decode()
    h.add("2024-05-14T09:31:01.000Z", "POST", "https://adfs.corp.example.org/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices", mime="text/html",
          post="UserName=CORP%5Cppatel&Password=Winter2024%21&AuthMethod=FormsAuthentication", body=autopost(b64, RELAY))
    body = "SAMLResponse=" + urllib.parse.quote(b64, safe="") + "&RelayState=" + urllib.parse.quote(RELAY, safe="")
    h.add("2024-05-14T09:31:02.500Z", "POST", "https://signin.aws.amazon.com/saml", status=200, post=body, mime="text/html", body="<html><body>Your request included an invalid SAML response.</body></html>")
    h.write("examples/idp-error-status-adfs-safari.har")

    # 5. No SAMLResponse at all: the capture stops at the IdP's MFA prompt. Chrome.
    h = Har("chrome")
    idp_login(h, "2024-05-14T09:30:51.204Z", "2024-05-14T09:30:58.771Z", "jane.doe@contoso.com")
    h.add("2024-05-14T09:31:04.000Z", "POST", "https://login.microsoftonline.com/common/SAS/BeginAuth", mime="application/json",
          post='{"AuthMethodId":"PhoneAppNotification","Method":"BeginAuth","ctx":"rQQIARAAhZG9a9tAGMZ"}', body='{"Success":true,"ResultValue":"Success","Message":null}')
    h.entries[-1]["request"]["postData"] = {"mimeType": "application/json", "text": '{"AuthMethodId":"PhoneAppNotification","Method":"BeginAuth"}'}
    h.write("examples/no-saml-response-chrome.har")

    # 6. The seed's "Session expired": the agent opened the Connect URL directly (SP-initiated),
    #    which Connect with SAML does not support. Edge (Chrome's format).
    h = Har("chrome")
    h.add("2024-05-14T09:40:12.000Z", "GET", f"{CONNECT}/ccp-v2/", status=302, redirect=f"{CONNECT}/connect/login?redirect_uri=%2Fccp-v2%2F", mime="x-unknown", body="")
    h.add("2024-05-14T09:40:12.300Z", "GET", f"{CONNECT}/connect/login?redirect_uri=%2Fccp-v2%2F", status=200, mime="text/html",
          body="<html><body><h1>Session expired</h1><p>Log in again to continue.</p></body></html>")
    h.write("examples/direct-connect-login-edge.har")

    # 7. Healthy, with the assertion encrypted to the IAM SAML provider's key (AES-256-GCM,
    #    RSA-OAEP): the response is tests/fixtures/encrypted's, made by xmlsec with random IVs
    #    and keys once and kept, so this capture is rebuilt byte for byte from it. Diagnose it
    #    with --decryption-key tests/fixtures/encrypted/keys/sp.key. Chrome.
    h = Har("chrome")
    idp_login(h, "2026-11-20T09:59:51.204Z", "2026-11-20T09:59:58.771Z", "jane.doe@contoso.com")
    encrypted = open("tests/fixtures/encrypted/oaep-mgf1p-sha256_aes256-gcm.xml", encoding="utf-8").read()
    sign_in(h, encrypted, "2026-11-20T10:00:00.912Z", "2026-11-20T10:00:01.604Z")
    connect_after(h, "2026-11-20T10:00:02.104Z")
    h.write("examples/encrypted-assertion-azure-chrome.har")

    # The seed's procedure starts from a SAMLResponse pasted out of a HAR: keep one as a file.
    with open("examples/guest-user-samlresponse.txt", "w") as f:
        f.write(urllib.parse.quote(base64.b64encode(fx.azure(session_name=guest).encode()).decode(), safe="") + "\n")
    print("wrote examples/*.har")
    test_fixtures()


def test_fixtures():
    """tests/fixtures/har/: one capture per location kind and browser quirk, and broken files."""
    out = "tests/fixtures/har"
    os.makedirs(out, exist_ok=True)
    healthy = open("examples/healthy-azure-chrome.har", encoding="utf-8").read()
    # Cut by the browser mid-export: in the middle of the Connect page that follows the POST.
    cut = healthy.index('"url": "https://contoso-cc.my.connect.aws/connect/ccp-v2/static')
    open(f"{out}/truncated.har", "w").write(healthy[:cut])
    open(f"{out}/empty.har", "w").write("")
    json.dump({"name": "not a capture", "entries": [1, 2, 3]}, open(f"{out}/not-a-har.json", "w"))
    json.dump({"log": {"version": "1.2", "entries": {"0": "oops"}}}, open(f"{out}/entries-not-array.har", "w"))
    open(f"{out}/not-json.har", "w").write("SAMLResponse saved as text, not a HAR\n")

    b64 = base64.b64encode(fx.azure().encode()).decode()
    # Safari: response bodies base64-encoded, the POST to AWS not recorded at all.
    h = Har("safari")
    h.add("2024-05-14T09:31:07.512Z", "POST", f"https://login.microsoftonline.com/{TENANT}/SAS/ProcessAuth", mime="text/html",
          post="type=22", body=base64.b64encode(autopost(b64).encode()).decode(), encoding="base64")
    h.write(f"{out}/autopost-base64-body-safari.har")
    # Firefox: params only (no postData.text), values decoded.
    h = Har("firefox")
    h.add("2024-05-14T09:31:09.118Z", "POST", "https://signin.aws.amazon.com/saml", status=302, post="SAMLResponse=" + urllib.parse.quote(b64, safe="") + "&RelayState=" + urllib.parse.quote(RELAY, safe=""), mime="x-unknown", body="")
    del h.entries[-1]["request"]["postData"]["text"]
    h.entries[-1]["request"]["postData"]["params"] = [{"name": "SAMLResponse", "value": b64}, {"name": "RelayState", "value": RELAY}]
    h.write(f"{out}/params-only-firefox.har")
    # The POST to AWS recorded without its body (and no auto-post page captured).
    h = Har("chrome")
    h.add("2024-05-14T09:31:09.118Z", "POST", "https://signin.aws.amazon.com/saml", status=302, mime="x-unknown", body="")
    h.write(f"{out}/post-body-missing.har")
    # Redirect binding: an SP-initiated AuthnRequest in the query string, then a response
    # delivered by redirect (unusual, but a location the tool must read).
    request = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="2024-05-14T09:31:01Z"/>'
    import zlib
    deflated = zlib.compress(request.encode())[2:-4]
    h = Har("chrome")
    h.add("2024-05-14T09:31:01.000Z", "GET", f"https://login.microsoftonline.com/{TENANT}/saml2?SAMLRequest=" + urllib.parse.quote(base64.b64encode(deflated).decode(), safe="") + "&RelayState=abc", mime="text/html", body="<html/>")
    resp_deflated = zlib.compress(fx.azure().encode())[2:-4]
    h.add("2024-05-14T09:31:09.000Z", "GET", "https://signin.aws.amazon.com/saml?SAMLResponse=" + urllib.parse.quote(base64.b64encode(resp_deflated).decode(), safe="") + "&RelayState=" + urllib.parse.quote(RELAY, safe=""), status=302, mime="x-unknown", body="")
    h.write(f"{out}/redirect-binding.har")
    # Two sign-ins: a failed guest attempt, then a good one after the claim was fixed.
    h = Har("chrome")
    sign_in(h, fx.azure(session_name="jane_gmail.com#EXT#@contoso.onmicrosoft.com", issue="2024-05-14T09:20:07.402Z",
                        not_before="2024-05-14T09:15:07.402Z", not_after="2024-05-14T10:20:07.402Z"),
            "2024-05-14T09:20:07.512Z", "2024-05-14T09:20:09.118Z")
    sign_in(h, fx.azure(), "2024-05-14T09:31:07.512Z", "2024-05-14T09:31:09.118Z")
    h.write(f"{out}/two-sign-ins.har")
    # The same user signing in twice (two distinct responses, same RoleSessionName and Role).
    h = Har("chrome")
    sign_in(h, fx.azure(issue="2024-05-14T09:20:07.402Z", not_before="2024-05-14T09:15:07.402Z",
                        not_after="2024-05-14T10:20:07.402Z"),
            "2024-05-14T09:20:07.512Z", "2024-05-14T09:20:09.118Z")
    sign_in(h, fx.azure(), "2024-05-14T09:31:07.512Z", "2024-05-14T09:31:09.118Z")
    h.write(f"{out}/same-user-twice.har")
    # A RelayState whose destination is not encoded, as typed into the IdP by hand.
    h = Har("chrome")
    sign_in(h, fx.azure(), "2024-05-14T09:31:07.512Z", "2024-05-14T09:31:09.118Z", relay=RELAY.replace("%2F", "/"))
    h.write(f"{out}/relay-state-not-encoded.har")
    # No RelayState at all: users land in the AWS console.
    h = Har("chrome")
    sign_in(h, fx.azure(), "2024-05-14T09:31:07.512Z", "2024-05-14T09:31:09.118Z", relay=None)
    h.write(f"{out}/relay-state-missing.har")
    planted_secrets(out)
    print(f"wrote {out}/*")


def planted_secrets(out):
    """A capture with a planted secret of every kind in every place a HAR holds one, and the
    list of planted values (one a line): the redaction test fails if any survives."""
    planted = []

    def p(value):
        planted.append(value)
        return value

    jwt = lambda n: p(f"eyJhbGciOiJSUzI1NiIsImtpZCI6InBsYW50ZWQifQ.eyJzdWIiOiJwbGFudGVkLXt7bn19In0.c2lnLXBsYW50ZWQt{n}")
    h = Har("chrome")
    guest = "jane_gmail.com#EXT#@contoso.onmicrosoft.com"
    xml = fx.azure(session_name=guest)
    # The signature values inside the SAMLResponse: checked after decoding, not by grep.
    b64 = base64.b64encode(xml.encode()).decode()
    presigned = (f"https://contoso-cc.s3.amazonaws.com/recordings/c1.wav?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                 f"&X-Amz-Credential={p('ASIAPLANTEDCRED00001')}%2F20240514%2Fus-east-1%2Fs3%2Faws4_request"
                 f"&X-Amz-Security-Token={p('IQoJb3JpZ2luX2VjEPLANTEDSECURITYTOKEN')}&X-Amz-Signature={p('d1f0planted5ignature0a9b8c7')}")
    h.add("2024-05-14T09:30:58.771Z", "POST", f"https://login.microsoftonline.com/{TENANT}/login?sso_nonce={p('PLANTEDnonceAQABAAE')}&code={p('PLANTEDauthcode0.AQ4A')}",
          post=f"login=jane%40gmail.com&passwd={p('Planted-Passw0rd!')}&flowToken={p('PLANTEDflowtokenAQAB')}&canary={p('PLANTEDcanaryZmFrZQ')}&client_secret={p('PLANTEDclientsecret123')}",
          req_headers=[("cookie", f"ESTSAUTH={p('PLANTEDestsauthcookie')}; buid={p('PLANTEDbuidcookie')}"),
                       ("authorization", f"Bearer {jwt(1)}"), ("proxy-authorization", f"Basic {p('cGxhbnRlZDpwcm94eQ==')}"),
                       ("x-ms-session-token", p("PLANTEDmssessiontoken")), ("x-api-key", p("PLANTEDapikey0123456789"))],
          resp_headers=[("set-cookie", f"ESTSAUTHPERSISTENT={p('PLANTEDpersistentcookie')}; path=/; secure; HttpOnly"),
                        ("location", f"https://contoso.example/cb#access_token={jwt(2)}&state=x")],
          body=autopost(b64))
    entry = h.entries[-1]
    entry["request"]["cookies"] = [{"name": "ESTSAUTH", "value": p("PLANTEDcookiesarray1")}, {"name": "buid", "value": p("PLANTEDcookiesarray2")}]
    entry["response"]["cookies"] = [{"name": "ESTSAUTHPERSISTENT", "value": p("PLANTEDrespcookiesarray")}]
    entry["request"]["queryString"].append({"name": "SAMLart", "value": p("AAQAPLANTEDsamlartifact")})
    entry["request"]["queryString"].append({"name": "assertion", "value": p("PLANTEDassertionparam")})
    entry["request"]["queryString"].append({"name": "sig", "value": p("PLANTEDsigparam")})
    entry["request"]["queryString"].append({"name": "credential", "value": p("PLANTEDcredentialparam")})
    entry["_initiator"] = {"type": "script", "url": f"https://contoso.example/app.js?session={p('PLANTEDinitiatorsession')}",
                           "stack": {"callFrames": [{"url": f"https://contoso.example/sdk.js#id_token={jwt(3)}"}]}}
    entry["_webSocketMessages"] = [{"type": "send", "time": 1.0, "opcode": 1, "data": f'{{"jwt":"{jwt(4)}"}}'}]
    # The POST to AWS with the SAMLResponse and a token beside it.
    body = "RelayState=" + urllib.parse.quote(RELAY, safe="") + "&SAMLResponse=" + urllib.parse.quote(b64, safe="") + f"&token={p('PLANTEDformtoken')}"
    h.add("2024-05-14T09:31:09.118Z", "POST", "https://signin.aws.amazon.com/saml", status=302, post=body, mime="x-unknown", body="")
    # A JSON API: password and AWS keys in request and response bodies, and a presigned URL.
    api_req = json.dumps({"username": "jane", "password": p("PlantedJsonPassword9"), "nested": {"secretAccessKey": p("wJalrXUtnFEMI/K7MDENG/bPxRfiPLANTEDKEY01")}})
    api_resp = json.dumps({"Credentials": {"AccessKeyId": p("ASIAPLANTED000000001"), "SecretAccessKey": p("wJalrXUtnFEMI/K7MDENG/bPxRfiPLANTEDKEY02"),
                                            "SessionToken": p("IQoJb3JpZ2luPLANTEDSESSIONTOKEN")}, "recording": presigned,
                           "note": f"contact AKIAPLANTED000000003 and {jwt(5)}", "code": p("PLANTEDjsoncode")})
    h.add("2024-05-14T09:31:12.000Z", "POST", f"{CONNECT}/connect/api/credentials", mime="application/json", post=api_req, body=api_resp)
    h.entries[-1]["request"]["postData"] = {"mimeType": "application/json", "text": api_req}
    # The same kind of body, base64-encoded as Safari and Firefox sometimes record it, and a
    # free-text body with a config file's secret.
    html = f'<html><body><input type="hidden" name="flowToken" value="{p("PLANTEDhtmlflowtoken")}"/><script>var t="{jwt(6)}";</script></body></html>'
    h.add("2024-05-14T09:31:13.000Z", "GET", f"{CONNECT}/connect/page", mime="text/html", body=base64.b64encode(html.encode()).decode(), encoding="base64")
    h.add("2024-05-14T09:31:14.000Z", "GET", f"{CONNECT}/config.txt", mime="text/plain",
          body=f"[default]\naws_access_key_id = {p('AKIAPLANTED000000004')}\naws_secret_access_key = {p('wJalrXUtnFEMI/K7MDENG/bPxRfiPLANTEDKEY03')}\n")
    # A page with no title of its own, which Chrome titles with its URL, scheme dropped.
    h.extra_pages.append({"startedDateTime": "2024-05-14T09:31:13.000Z", "id": "page_2", "pageTimings": {"onContentLoad": -1, "onLoad": -1},
                          "title": f"login.microsoftonline.com/{TENANT}/oauth2/authorize?client_id=x&code={p('PLANTEDpagetitlecode')}#id_token={p('PLANTEDpagetitlefragment')}"})
    h.write(f"{out}/planted-secrets.har")
    with open(f"{out}/planted-secrets.values", "w") as f:
        f.write("\n".join(planted) + "\n")


if __name__ == "__main__":
    main()

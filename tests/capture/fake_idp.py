#!/usr/bin/env python3
"""A fake identity provider on 127.0.0.1 for the recording tests (crates/capture/tests/browser.rs).

It serves the pages of a sign-in as an identity provider does: a login page that sets a session
cookie and posts the user's password, then an auto-post page whose form sends a freshly signed
SAMLResponse to AWS (https://signin.aws.amazon.com/saml, or an IAM Identity Center ACS URL),
which the browser cannot reach, so the POST is recorded as sent. Responses are made at request
time from the templates of scripts/make-saml-fixtures.py and make-identity-center-examples.py,
their instants moved to now, and signed with the test keys in tests/fixtures/saml-keys/.

Usage (from the repository root): python3 tests/capture/fake_idp.py COOKIE_VALUE
Prints the port it listens on, then serves until killed.

Paths:
  /start?case=C[&...]  login page: Set-Cookie idp_session=COOKIE_VALUE, posts user and password
                       to /login?case=C
  /login?case=C        healthy | broken-rsn | idc: the auto-post page of that response
                       error: HTTP 500, the identity provider's error page (no SAML)
                       mfa: a prompt that then goes to login.microsoftonline.com (never SAML)
                       wait: a page that stays
  /two                 a tab that posts response 1 to AWS in a frame, opens a popup (/framed?n=2)
                       that posts response 2, and both windows close themselves (a second sign-in
                       in one run, ended by closing the windows); sets the cookie like /start
  /framed?n=N          posts response N in a frame, then closes its window
  /sp                  302 to /sso with a SAMLRequest (HTTP-Redirect binding)
  /sso                 the auto-post page of a healthy response
  /autopost?n=N        the auto-post page of a response for user N
"""
import base64
import datetime
import http.server
import importlib.util
import os
import re
import sys
import urllib.parse
import zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
os.chdir(ROOT)  # the fixture scripts read their keys from tests/fixtures/saml-keys/

spec = importlib.util.spec_from_file_location("idc", os.path.join(ROOT, "scripts", "make-identity-center-examples.py"))
idc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(idc)
fx, hars = idc.fx, idc.hars

COOKIE = sys.argv[1] if len(sys.argv) > 1 else "fake-idp-session"
AWS = "https://signin.aws.amazon.com/saml"
INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")


def fresh(build, **kw):
    """The template's response with every instant moved so that it was issued now, signed."""
    real = fx.sign
    fx.sign = lambda xml, idp: (xml, idp)
    try:
        xml, idp = build(**kw)
    finally:
        fx.sign = real
    issued = re.search(r'IssueInstant="([^"]+)"', xml).group(1)
    parse = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    offset = datetime.datetime.now(datetime.timezone.utc) - parse(issued)
    shift = lambda m: (parse(m.group(0)) + offset).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return fx.sign(INSTANT.sub(shift, xml), idp)


def response(case, n=1):
    if case == "idc":
        return fresh(idc.entra), idc.ACS, None
    user = {"broken-rsn": "jane_gmail.com#EXT#@contoso.onmicrosoft.com"}.get(case, f"user{n}@contoso.com" if n > 1 else "jane.doe@contoso.com")
    return fresh(fx.azure, session_name=user), AWS, hars.RELAY


def autopost(case, n=1):
    xml, action, relay = response(case, n)
    return hars.autopost(base64.b64encode(xml.encode()).decode(), relay, action)


LOGIN = """<!doctype html><html><head><title>Sign in</title></head><body>
<form method="POST" action="/login?case={case}"><input name="username" value="jane.doe@contoso.com">
<input type="password" name="password" value="planted-password-Summer2024"></form>
<script>document.forms[0].submit()</script></body></html>"""

ERROR = """<!doctype html><html><head><title>Sign in</title></head><body><div id="error">
AADSTS50105: Your administrator has configured the application AWS Single-Account Access to block users
unless they are specifically granted ('assigned') access to the application.</div></body></html>"""

MFA = """<!doctype html><html><head><title>Approve sign in request</title></head><body>
<p>Open your Authenticator app, and enter the number shown to sign in.</p>
<script>setTimeout(function () { location = 'https://login.microsoftonline.com/common/SAS/BeginAuth?ctx=rQQIARAA'; }, 200)</script>
</body></html>"""

def framed_post(n, close_after_ms, popup=""):
    """A page that posts response n to AWS inside a frame, optionally opens a popup, and closes
    its window after a while (as a user closing it would)."""
    xml, action, relay = response("healthy", n)
    value = base64.b64encode(xml.encode()).decode()
    return (f'<!doctype html><html><head><title>Signing in {n}</title></head><body><iframe name="aws"></iframe>'
            f'<form method="POST" target="aws" action="{action}"><input type="hidden" name="SAMLResponse" value="{value}">'
            f'<input type="hidden" name="RelayState" value="{relay}"></form><script>document.forms[0].submit();'
            + (f"window.open('{popup}');" if popup else "")
            + f"setTimeout(function () {{ window.close(); }}, {close_after_ms})</script></body></html>")

WAIT = "<!doctype html><html><head><title>Please wait</title></head><body><p>Signing you in…</p></body></html>"


def authn_request():
    xml = ('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a1b2c3" Version="2.0" '
           f'IssueInstant="{datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}" '
           f'AssertionConsumerServiceURL="{idc.ACS}"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">'
           f'{idc.AUDIENCE}</saml:Issuer></samlp:AuthnRequest>')
    deflated = zlib.compress(xml.encode(), 9)[2:-4]
    return base64.b64encode(deflated).decode()


class Handler(http.server.BaseHTTPRequestHandler):
    def send(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def route(self):
        url = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        case = q.get("case", "healthy")
        if url.path == "/start":
            return self.send(200, LOGIN.format(case=urllib.parse.quote(case)), [("Set-Cookie", f"idp_session={COOKIE}; Path=/; HttpOnly")])
        if url.path == "/login":
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if case == "error":
                return self.send(500, ERROR)
            pages = {"mfa": MFA, "wait": WAIT}
            return self.send(200, pages[case] if case in pages else autopost(case))
        if url.path == "/sp":
            query = urllib.parse.urlencode({"SAMLRequest": authn_request(), "RelayState": "portal-state-1"})
            self.send_response(302)
            self.send_header("Location", f"/sso?{query}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if url.path == "/sso":
            return self.send(200, autopost("healthy"))
        if url.path == "/two":
            cookie = [("Set-Cookie", f"idp_session={COOKIE}; Path=/; HttpOnly")]
            return self.send(200, framed_post(1, 1500, popup="/framed?n=2"), cookie)
        if url.path == "/framed":
            return self.send(200, framed_post(int(q.get("n", "2")), 800))
        if url.path == "/autopost":
            return self.send(200, autopost("healthy", int(q.get("n", "1"))))
        return self.send(404, "<html><body>not found</body></html>")

    do_GET = route
    do_POST = route

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()

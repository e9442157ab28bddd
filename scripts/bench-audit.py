#!/usr/bin/env python3
"""Scale benchmark of `saml-doctor audit --aws --organization` on moto (issue 22).

Starts its own moto server (5.2.1, `pip install 'moto[server]==5.2.1'`) with its request recorder
on, builds two organizations on it, 20 and 200 member accounts, and audits each with the real
binary: the wall time, the AWS calls per account (every call moto and the Connect fake answered
during the run, by action) and the binary's peak RSS (the kernel's VmHWM of the process, read
while it runs: wait4's ru_maxrss would count the forked Python before the exec), so that memory is
compared at 20 and at 200 accounts.

Each member account has the audit role (with `saml-doctor aws-policy --for audit-organization`'s
member policy), a two-certificate SAML provider and the role trusting it, five service roles; every
tenth account also a provider that lacks the identity provider's next certificate (a warning);
every fourth account a SAML Amazon Connect instance of 1,200 users (two ListUsers pages) beside a
CONNECT_MANAGED one. A few accounts fail: the auditor's policy denies assuming their role (moto's
request authorization is on during the runs, so the refusal is moto's); the others must go on.

Amazon Connect is a fake in this script (moto has none), answering ListInstances and ListUsers
with their documented page limits and telling each account's instances apart by the access key
that signed the request (moto's own records of the roles it let assume).

Usage (from the repository root; the release binary is what users run):
    cargo build --release -p saml-doctor
    python3 scripts/bench-audit.py [--binary target/release/saml-doctor] [--port 5099] [--sizes 20,200]
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from base64 import b64decode
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "audit")
ROLE = "SamlDoctorAudit"
AT = "2026-06-01T00:00:00Z"
GLOBAL = "https://signin.aws.amazon.com/saml"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def moto_api(endpoint, path, body=b"", method="POST"):
    request = urllib.request.Request(endpoint + path, data=body if method == "POST" else None,
                                     method=method, headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request) as r:
        return r.read()


class Aws:
    """boto3 clients on moto as any account."""

    def __init__(self, endpoint):
        self.endpoint = endpoint

    def client(self, service, key="testing", secret="testing", token=None):
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)

    def as_account(self, service, account):
        c = self.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/bench-setup",
                                           RoleSessionName="bench-setup")["Credentials"]
        return self.client(service, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def policies(binary):
    out = subprocess.run([binary, "aws-policy", "--for", "audit-organization", "--role-name", ROLE],
                         check=True, capture_output=True, text=True).stdout
    p = json.loads(out)
    return p["AuditingPrincipal"], p["MemberAccountRole"]


def saml_trust(account, provider):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::{account}:saml-provider/{provider}"},
        "Action": "sts:AssumeRoleWithSAML",
        "Condition": {"StringEquals": {"SAML:aud": GLOBAL}}}]})


def organization(aws, management, members, failing, binary):
    """An organization of `members` accounts managed by `management`, its auditor's key, and
    the ids of the accounts the auditor is denied."""
    auditor_policy, member_policy = policies(binary)
    org = aws.as_account("organizations", management)
    org.create_organization(FeatureSet="ALL")
    ids = [org.create_account(Email=f"m{i}@example.com", AccountName=f"member-{i}")
           ["CreateAccountStatus"]["AccountId"] for i in range(members)]
    two = open(os.path.join(FIXTURES, "provider-two.xml")).read()
    current_only = open(os.path.join(FIXTURES, "provider-current.xml")).read()
    lambda_trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    auditor_arn = f"arn:aws:iam::{management}:user/auditor"
    for i, account in enumerate([management] + ids):
        iam = aws.as_account("iam", account)
        iam.create_role(Path="/", RoleName=ROLE, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": auditor_arn},
                                                    "Action": "sts:AssumeRole"}]}))
        iam.put_role_policy(RoleName=ROLE, PolicyName="saml-doctor-audit", PolicyDocument=json.dumps(member_policy))
        iam.create_saml_provider(Name="Contoso", SAMLMetadataDocument=two)
        iam.create_role(RoleName="ContactCentreAgent", AssumeRolePolicyDocument=saml_trust(account, "Contoso"))
        for r in range(5):
            iam.create_role(RoleName=f"service-{r}", AssumeRolePolicyDocument=lambda_trust)
        if i % 10 == 1:
            iam.create_saml_provider(Name="ContosoLegacy", SAMLMetadataDocument=current_only)
            iam.create_role(RoleName="LegacyAgent", AssumeRolePolicyDocument=saml_trust(account, "ContosoLegacy"))
    denied = ids[3::max(1, members // failing)][:failing]
    statements = list(auditor_policy["Statement"])
    statements.append({"Sid": "BenchRefusal", "Effect": "Deny", "Action": "sts:AssumeRole",
                       "Resource": [f"arn:aws:iam::{a}:role/{ROLE}" for a in denied]})
    iam = aws.as_account("iam", management)
    iam.create_user(UserName="auditor")
    iam.put_user_policy(UserName="auditor", PolicyName="saml-doctor-audit",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    return (key["AccessKeyId"], key["SecretAccessKey"]), ids, denied


class Connect:
    """Amazon Connect's ListInstances (MaxResults 1-10) and ListUsers (1-1,000): about one role
    session in four sees one SAML instance of 1,200 users and one CONNECT_MANAGED instance."""

    SAML = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    MANAGED = "bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee"

    def __init__(self):
        self.calls, self.violations = Counter(), []
        self.lock = threading.Lock()
        users = [f"agent{i}@contoso.com" for i in range(1200)]
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                status, body = fake.answer(self.path, self.headers.get("Authorization", ""), users)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if status != 200:
                    self.send_header("x-amzn-ErrorType", "InvalidParameterException")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path, authorization, users):
        key = authorization.split("Credential=")[-1].split("/")[0]
        has_instance = zlib.crc32(key.encode()) % 4 == 0
        url = urlparse(path)
        query = parse_qs(url.query)
        size = int(query.get("maxResults", ["0"])[0])
        start = int(query.get("nextToken", ["0"])[0])
        op = "ListInstances" if url.path == "/instance" else "ListUsers"
        limit = 10 if op == "ListInstances" else 1000
        with self.lock:
            self.calls[op] += 1
            if not 1 <= size <= limit:
                self.violations.append(f"{op} MaxResults {size}")
                return 400, {"Message": f"MaxResults {size} outside 1-{limit}"}
        arn = "arn:aws:connect:us-east-1:000000000000:instance/"
        if op == "ListInstances":
            items = [] if not has_instance else [
                {"Id": self.SAML, "Arn": arn + self.SAML, "IdentityManagementType": "SAML", "InstanceStatus": "ACTIVE"},
                {"Id": self.MANAGED, "Arn": arn + self.MANAGED, "IdentityManagementType": "CONNECT_MANAGED",
                 "InstanceStatus": "ACTIVE"}]
            body = {"InstanceSummaryList": items[start:start + size]}
            total = len(items)
        else:
            page = users[start:start + size]
            body = {"UserSummaryList": [{"Id": f"u{start + i}", "Arn": f"{arn}{self.SAML}/agent/u{start + i}",
                                         "Username": u} for i, u in enumerate(page)]}
            total = len(users)
        if start + size < total:
            body["NextToken"] = str(start + size)
        return 200, body


def recorded_actions(recording):
    """The AWS actions of moto's recording (query protocol: Action=…; JSON: X-Amz-Target)."""
    actions = Counter()
    for line in open(recording):
        entry = json.loads(line)
        if "/moto-api/" in entry["url"]:
            continue
        target = entry["headers"].get("X-Amz-Target")
        if target:
            actions[target.split(".")[-1]] += 1
            continue
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = b64decode(body).decode("utf-8", "replace")
        action = parse_qs(body).get("Action", ["?"])[0]
        actions[action] += 1
    return actions


def run(binary, aws, connect, recording, key, label):
    open(recording, "w").close()
    moto_api(aws.endpoint, "/moto-api/recorder/start-recording")
    connect.calls.clear()
    env = {"PATH": os.environ.get("PATH", ""), "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
           "AWS_ACCESS_KEY_ID": key[0], "AWS_SECRET_ACCESS_KEY": key[1], "AWS_REGION": "us-east-1",
           "AWS_ENDPOINT_URL_STS": aws.endpoint, "AWS_ENDPOINT_URL_ORGANIZATIONS": aws.endpoint,
           "AWS_ENDPOINT_URL_IAM": aws.endpoint, "AWS_ENDPOINT_URL_CONNECT": connect.url}
    args = [binary, "audit", "--aws", "--organization", "--role-name", ROLE, "--at", AT,
            "--metadata", os.path.join(FIXTURES, "idp-rollover.xml"), "--format", "json"]
    started = time.monotonic()
    child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0]

    def watch():
        # VmHWM is the process's own high-water mark since its exec; it only grows, so the last
        # reading before the exit is the peak but for the last few milliseconds.
        while child.poll() is None:
            try:
                with open(f"/proc/{child.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peak[0] = max(peak[0], int(line.split()[1]))
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    out, err = child.communicate()
    wall = time.monotonic() - started
    watcher.join()
    status = child.returncode
    moto_api(aws.endpoint, "/moto-api/recorder/stop-recording")
    code = status
    if code not in (0, 1):
        sys.exit(f"{label}: exit {code}: {err.decode()}")
    report = json.loads(out)
    return report, wall, peak[0], recorded_actions(recording) + connect.calls


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = os.path.join(ROOT, "target", "release", "saml-doctor")
    parser.add_argument("--binary", default=default if os.path.exists(default) else
                        os.path.join(ROOT, "target", "debug", "saml-doctor"))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--sizes", default="20,200",
                        help="the organizations' member counts, comma-separated (a few of each are refused)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    port = args.port or free_port()
    workdir = tempfile.mkdtemp(prefix="bench-audit-")
    recording = os.path.join(workdir, "recording.jsonl")
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            env={**os.environ, "MOTO_RECORDER_FILEPATH": recording},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                moto_api(endpoint, "/moto-api/", method="GET")
                break
            except OSError:
                time.sleep(0.1)
        aws = Aws(endpoint)
        connect = Connect()
        print(f"binary: {args.binary}")
        rows = []
        for n in sizes:
            failing = max(1, n // 40)
            started = time.monotonic()
            management = f"4{n:03d}{int(time.time()) % 10**8:08d}"
            key, ids, denied = organization(aws, management, n, failing, args.binary)
            print(f"set up {n} member accounts in {time.monotonic() - started:.1f} s")
            moto_api(endpoint, "/moto-api/reset-auth", b"0")
            try:
                report, wall, rss_kb, calls = run(args.binary, aws, connect, recording, key, f"{n} accounts")
            finally:
                moto_api(endpoint, "/moto-api/reset-auth", b"inf")
            s = report["summary"]
            audited = s["accounts_audited"]
            unreachable = sorted(a["account"] for a in report["accounts"]
                                 if any(f["evidence"].get("refused_call") == "sts:AssumeRole" for f in a["findings"]))
            assert unreachable == sorted(denied), (unreachable, denied)
            assert audited == n + 1, s
            total = sum(calls.values())
            print(f"\n{n} member accounts (+ the management account): {audited} audited, {s['accounts_healthy']} healthy, "
                  f"{s['accounts_unreachable']} refused (the others went on); {s['errors']} errors, {s['warnings']} warnings")
            print(f"  wall time {wall:.2f} s ({wall / audited * 1000:.0f} ms per account at --concurrency 8)")
            print(f"  peak RSS {rss_kb / 1024:.1f} MiB")
            print(f"  AWS calls {total} ({total / audited:.2f} per account): "
                  + ", ".join(f"{a} {c}" for a, c in sorted(calls.items())))
            if connect.violations:
                sys.exit(f"Connect paging limits broken: {connect.violations}")
            rows.append((n, wall, rss_kb, total / audited))
        (n1, _, r1, _) = rows[0]
        for n2, _, r2, _ in rows[1:]:
            print(f"peak RSS {r1 / 1024:.1f} MiB at {n1} accounts, {r2 / 1024:.1f} MiB at {n2}: "
                  f"{(r2 - r1) / 1024:+.1f} MiB for {n2 - n1} more accounts")
    finally:
        moto.terminate()
        moto.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

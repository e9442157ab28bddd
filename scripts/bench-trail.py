#!/usr/bin/env python3
"""Times the CloudTrail reader of `saml-doctor trail` (crates/trail) on a generated trail folder.

Generates (once, reused while the size stays the same) about 1 GiB of decompressed, realistic
mixed CloudTrail in about 2,000 .json.gz files under target/bench-trail/ (AWSLogs/o-ORG/ACCOUNT/
CloudTrail/REGION/YYYY/MM/DD/, as an organization trail writes them): mostly ordinary API calls
of varied size (EC2, S3, KMS, STS AssumeRole, console sign-ins, large CloudFormation and Lambda
payloads), with about 0.5% SAML sign-in events (AssumeRoleWithSAML successes and failures,
Connect GetFederationToken refusals, IAM Identity Center sign-ins).

Then times, in one run, best of 3 with the files in the page cache:
- the engine (crates/trail/examples/trail.rs, release build, one worker per core);
- `zcat … | grep -c AssumeRoleWithSAML` (the shell pipeline: two processes, two cores);
- a Python gzip + json procedure (json.load of each file, counting sign-in events).
and reports throughput in decompressed MiB/s, the engine's as a multiple of the pipeline's,
and each one's peak RSS.

With --many-small it also writes 100,000 small files (a few records each) and reports the
engine's time and peak RSS on them: memory must not grow with the number of files.

Usage: python3 scripts/bench-trail.py [--many-small] [--size-mib N] [--files N]
"""

import argparse
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "target", "bench-trail")
ENGINE = os.path.join(ROOT, "target", "release", "examples", "trail")
SIGNIN_NAMES = ("AssumeRoleWithSAML", "GetFederationToken", "ExternalIdPDirectoryLogin", "UserAuthentication")


def record(rng, t, account, region, i):
    """One CloudTrail record; about 0.5% are SAML sign-ins."""
    eid = f"{rng.getrandbits(32):08x}-{i & 0xffff:04x}-4{rng.getrandbits(12):03x}-8{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}"
    base = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "principalId": f"AROAEXAMPLE{i % 97}:worker-{i % 13}",
                         "arn": f"arn:aws:sts::{account}:assumed-role/app-{i % 7}/worker-{i % 13}",
                         "accountId": account, "accessKeyId": f"ASIA{rng.getrandbits(60):015X}",
                         "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                                                              "arn": f"arn:aws:iam::{account}:role/app-{i % 7}",
                                                              "accountId": account, "userName": f"app-{i % 7}"},
                                            "attributes": {"creationDate": t, "mfaAuthenticated": "false"}}},
        "eventTime": t, "awsRegion": region, "sourceIPAddress": f"10.{i % 256}.{(i // 256) % 256}.{rng.randrange(256)}",
        "userAgent": "aws-sdk-java/2.25.10 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.9 md/internal",
        "requestID": eid[::-1], "eventID": eid, "readOnly": True, "eventType": "AwsApiCall",
        "managementEvent": True, "recipientAccountId": account, "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                       "clientProvidedHostHeader": f"ec2.{region}.amazonaws.com"},
    }
    roll = rng.random()
    if roll < 0.005:
        name = SIGNIN_NAMES[i % 4]
        user = f"agent{rng.randrange(500)}@example.com"
        base["userIdentity"] = {"type": "SAMLUser", "principalId": f"Q=:{user}", "userName": user,
                                "identityProvider": "Q="}
        base["eventName"] = name
        if name == "AssumeRoleWithSAML":
            base["eventSource"] = "sts.amazonaws.com"
            base["requestParameters"] = {"roleSessionName": user, "roleArn": f"arn:aws:iam::{account}:role/Agents",
                                         "principalArn": f"arn:aws:iam::{account}:saml-provider/AzureAD",
                                         "durationSeconds": 3600}
            if rng.random() < 0.3:
                base["errorCode"], base["errorMessage"] = "InvalidIdentityToken", "Response signature invalid"
            else:
                base["responseElements"] = {"assumedRoleUser": {"arn": f"arn:aws:sts::{account}:assumed-role/Agents/{user}"}}
        elif name == "GetFederationToken":
            base["eventSource"] = "connect.amazonaws.com"
            base["userIdentity"] = {"type": "AssumedRole", "arn": f"arn:aws:sts::{account}:assumed-role/Agents/{user}",
                                    "accountId": account}
            base["errorCode"], base["errorMessage"] = "UserNotFoundException", "User not found"
        elif name == "ExternalIdPDirectoryLogin":
            base["eventSource"] = "signin.amazonaws.com"
            base["errorCode"], base["errorMessage"] = "AuthenticationFailed", "User not found"
        else:
            base["eventSource"] = "signin.amazonaws.com"
            base["additionalEventData"] = {"CredentialType": "EXTERNAL_IDP"}
        return base
    kind = i % 10
    if kind < 3:
        base.update(eventSource="ec2.amazonaws.com", eventName="DescribeInstances",
                    requestParameters={"instancesSet": {"items": [{"instanceId": f"i-{rng.getrandbits(64):016x}"} for _ in range(rng.randrange(1, 6))]},
                                       "filterSet": {}}, responseElements=None)
    elif kind < 5:
        base.update(eventSource="kms.amazonaws.com", eventName="Decrypt",
                    requestParameters={"encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                                       "encryptionContext": {"aws:lambda:FunctionArn": f"arn:aws:lambda:{region}:{account}:function:f{i % 50}"}},
                    responseElements=None,
                    resources=[{"accountId": account, "type": "AWS::KMS::Key",
                                "ARN": f"arn:aws:kms:{region}:{account}:key/{eid}"}])
    elif kind < 7:
        base.update(eventSource="s3.amazonaws.com", eventName="GetBucketAcl",
                    requestParameters={"bucketName": f"logs-{account}-{region}", "Host": "s3.amazonaws.com", "acl": ""},
                    responseElements=None, additionalEventData={"SignatureVersion": "SigV4", "bytesTransferredIn": 0,
                                                                "AuthenticationMethod": "AuthHeader", "x-amz-id-2": rng.randbytes(42).hex()})
    elif kind < 8:
        base.update(eventSource="sts.amazonaws.com", eventName="AssumeRole",
                    requestParameters={"roleArn": f"arn:aws:iam::{account}:role/ops", "roleSessionName": f"ci-{i}"},
                    responseElements={"credentials": {"accessKeyId": "ASIAEXAMPLE", "sessionToken": rng.randbytes(300).hex(),
                                                      "expiration": "May 6, 2024, 7:00:58 PM"},
                                      "assumedRoleUser": {"assumedRoleId": "AROAEXAMPLE:ci", "arn": f"arn:aws:sts::{account}:assumed-role/ops/ci-{i}"}})
    elif kind < 9:
        base.update(eventSource="cloudformation.amazonaws.com", eventName="CreateStack",
                    requestParameters={"stackName": f"stack-{i}", "templateBody": "Resources:\\n" + "  Bucket: {Type: AWS::S3::Bucket}\\n" * rng.randrange(20, 120),
                                       "parameters": [{"parameterKey": f"K{k}", "parameterValue": f"v{k}"} for k in range(8)]},
                    responseElements={"stackId": f"arn:aws:cloudformation:{region}:{account}:stack/stack-{i}/{eid}"})
    else:
        base.update(eventSource="signin.amazonaws.com", eventName="ConsoleLogin", eventType="AwsConsoleSignIn",
                    requestParameters=None, responseElements={"ConsoleLogin": "Success"},
                    additionalEventData={"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": "Yes"})
    return base


def generate(size_mib, files):
    marker = os.path.join(OUT, f".complete-lines-{size_mib}-{files}")
    if os.path.exists(marker):
        return
    subprocess.run(["rm", "-rf", OUT], check=True)
    rng = random.Random(21)
    per_file = size_mib * (1 << 20) // files
    accounts = [f"{111100000000 + k * 1111:012d}" for k in range(20)]
    regions = ["us-east-1", "eu-west-1", "eu-west-2", "ap-southeast-2"]
    i = 0
    for n in range(files):
        account, region = accounts[n % len(accounts)], regions[(n // len(accounts)) % len(regions)]
        day = 1 + n % 28
        records, size = [], 0
        while size < per_file:
            t = f"2024-05-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"
            r = record(rng, t, account, region, i)
            i += 1
            size += len(json.dumps(r, separators=(",", ":"))) + 1
            records.append(r)
        path = os.path.join(OUT, "big", "AWSLogs", "o-bench00001", account, "CloudTrail", region, "2024", "05",
                            f"{day:02d}", f"{account}_CloudTrail_{region}_202405{day:02d}T{n % 24:02d}00Z_{n:016d}.json.gz")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # One record a line (still one JSON document): `grep -c` then counts records, and works
        # on short lines (on one 1 GiB line, which the files concatenated would otherwise be,
        # grep slows to a crawl).
        body = ",\n".join(json.dumps(r, separators=(",", ":")) for r in records)
        with gzip.open(path, "wb", compresslevel=6) as f:
            f.write(b'{"Records":[\n' + body.encode() + b"\n]}\n")
    open(marker, "w").close()


def generate_small(count):
    marker = os.path.join(OUT, f".complete-small-{count}")
    if os.path.exists(marker):
        return
    rng = random.Random(7)
    folder = os.path.join(OUT, "small")
    subprocess.run(["rm", "-rf", folder], check=True)
    for n in range(count):
        t = f"2024-05-{1 + n % 28:02d}T10:{n % 60:02d}:00Z"
        records = [record(rng, t, "111122223333", "us-east-1", n * 3 + k) for k in range(3)]
        path = os.path.join(folder, f"{n // 1000:03d}", f"f{n:06d}.json.gz")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with gzip.open(path, "wb") as f:
            f.write(json.dumps({"Records": records}).encode())
    open(marker, "w").close()


def run(cmd, shell=False):
    """Wall time and peak RSS (MiB) of a command and its children, and its output."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, shell=shell, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, _err = p.communicate()
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"failed: {cmd}: {_err.decode()[-500:]}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, rss, out


def python_procedure(folder):
    count = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            if name.endswith(".json.gz"):
                with gzip.open(os.path.join(dirpath, name)) as f:
                    for r in json.load(f)["Records"]:
                        if r.get("eventName") in SIGNIN_NAMES:
                            count += 1
    return count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--many-small", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "saml-trail", "--no-default-features",
                    "--example", "trail"], cwd=ROOT, check=True)
    t0 = time.perf_counter()
    generate(args.size_mib, args.files)
    folder = os.path.join(OUT, "big")
    paths = [os.path.join(d, n) for d, _, ns in os.walk(folder) for n in ns if n.endswith(".gz")]
    total = sum(os.path.getsize(p) for p in paths)
    print(f"corpus: {len(paths)} files, {total / 2**20:.0f} MiB compressed, {args.size_mib} MiB decompressed "
          f"(generated or found in {time.perf_counter() - t0:.0f} s), {os.cpu_count()} cores")
    subprocess.run(f"cat {folder}/AWSLogs/*/*/CloudTrail/*/*/*/*/*.gz > /dev/null", shell=True)  # page cache

    pipeline = f"find {folder} -name '*.json.gz' -print0 | xargs -0 zcat | grep -c AssumeRoleWithSAML"
    results = {"engine": [], "zcat | grep -c": [], "python gzip+json": []}
    rss = {}
    engine_out = None
    for _ in range(args.runs):
        e, _r, out = run([ENGINE, folder])
        results["engine"].append(e)
        engine_out = out
        e, _r, out = run(pipeline, shell=True)
        results["zcat | grep -c"].append(e)
        grep_count = int(out.decode().strip() or 0)
    # Peak RSS from a run of its own (wait4 reports that child alone).
    rss["engine"] = child_rss(ENGINE, folder)
    start = time.perf_counter()
    py_count = python_procedure(folder)
    results["python gzip+json"].append(time.perf_counter() - start)
    report = json.loads(engine_out)
    mib = args.size_mib
    base = min(results["zcat | grep -c"])
    print(f"{'reader':<20} {'best s':>8} {'MiB/s':>8} {'x zcat|grep':>12}")
    for name, times in results.items():
        best = min(times)
        print(f"{name:<20} {best:8.2f} {mib / best:8.0f} {base / best:12.2f}")
    print(f"engine peak RSS: {rss['engine']:.1f} MiB; events read {report['events_read']}, "
          f"sign-in attempts {report['sign_ins']['attempts']}, failed {report['sign_ins']['failed']}; "
          f"grep lines with AssumeRoleWithSAML: {grep_count}; python sign-in events: {py_count}")
    if args.many_small:
        t0 = time.perf_counter()
        generate_small(100_000)
        small = os.path.join(OUT, "small")
        print(f"100,000 small files generated or found in {time.perf_counter() - t0:.0f} s")
        start = time.perf_counter()
        peak = child_rss(ENGINE, small)
        print(f"engine on 100,000 small files: {time.perf_counter() - start:.2f} s, peak RSS {peak:.1f} MiB")


def child_rss(*cmd):
    """Peak RSS of one run of a command, in MiB (wait4 reports the child's own)."""
    p = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"failed: {cmd}")
    return usage.ru_maxrss / 1024


if __name__ == "__main__":
    main()

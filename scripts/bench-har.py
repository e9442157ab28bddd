#!/usr/bin/env python3
"""Benchmark: `saml-doctor extract` on a large, realistic HAR, against `grep -c SAMLResponse` and
against the seed article's Python procedure (json.load + extraction), in one run.

Generates (once, cached under target/bench/) a HAR pretty-printed the way Chrome exports it: entries
with 15-30 headers and `_initiator` stacks, JavaScript and JSON bodies full of escapes, multi-MB
base64 images, and a real Azure AD -> AWS sign-in in the middle. Prints throughput and peak RSS of
each tool and the ratios, and checks all three found the sign-in.

    python3 scripts/bench-har.py            # 1 GiB (the issue's target)
    python3 scripts/bench-har.py --mib 64   # a quick run

Targets (issue 3): peak RSS under 64 MiB at 1 GiB; at least half of grep -c's throughput; at least
3x the Python procedure's.
"""
import argparse
import base64
import json
import os
import random
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "saml-doctor")

# The seed's procedure, done properly in Python: load the HAR, find the SAMLResponse in the POST
# bodies, URL-decode and base64-decode it, read RoleSessionName.
SEED_PROCEDURE = r'''
import base64, json, re, sys, urllib.parse
with open(sys.argv[1], encoding="utf-8") as f:
    har = json.load(f)
found = 0
for entry in har["log"]["entries"]:
    post = entry["request"].get("postData") or {}
    for p in post.get("params", []):
        if p["name"] == "SAMLResponse":
            xml = base64.b64decode(urllib.parse.unquote(p["value"])).decode()
            m = re.search(r"RoleSessionName\"><AttributeValue>([^<]*)", xml)
            found += 1
print(found)
'''


def chrome_headers(rng, n):
    names = ["accept", "accept-encoding", "accept-language", "cache-control", "content-type", "cookie", "origin", "pragma",
             "referer", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform", "sec-fetch-dest", "sec-fetch-mode",
             "sec-fetch-site", "user-agent", "x-amz-date", "x-amz-security-token", "x-requested-with", "traceparent",
             "x-amzn-requestid", "x-amzn-trace-id", "x-csrf-token", "priority", "content-length", "etag", "date",
             "server", "vary", "via", "x-cache"]
    return [{"name": rng.choice(names), "value": base64.b64encode(rng.randbytes(rng.randint(8, 90))).decode()} for _ in range(n)]


def initiator(rng):
    frames = [{"functionName": rng.choice(["t", "n", "fetchContacts", "e.exports", "Promise.then", ""]),
               "scriptId": str(rng.randint(10, 900)), "url": f"https://contoso-cc.my.connect.aws/connect/ccp-v2/static/js/{rng.randint(100, 999)}.chunk.js",
               "lineNumber": rng.randint(0, 5), "columnNumber": rng.randint(100, 90000)} for _ in range(rng.randint(4, 14))]
    return {"type": "script", "stack": {"callFrames": frames, "parent": {"description": "Promise.then", "callFrames": frames[:3]}}}


def js_body(rng, size):
    chunk = ('function(e,t,n){"use strict";var r=n(\\"./node_modules/react/index.js\\");e.exports={render:function(){return r.createElement(\\"div\\",{className:\\"ccp-'
             '\\\\\\"quoted\\\\\\"\\"},\\"Agent\\\\nstatus\\")}}},')
    return "".join(chunk for _ in range(size // len(chunk) + 1))[:size]


def json_body(rng, size):
    item = json.dumps({"contactId": "c0ffee00-1111-2222-3333-444455556666", "attributes": json.dumps({"queue": "Support", "note": "line1\nline2 \"quoted\""}),
                       "path": "/connect/ccp-v2/contacts", "tags": ["a\\b", "c/d"]})
    return "[" + ",".join(item for _ in range(size // len(item) + 1)) + "]"


def entry(rng, t, kind, body_size, png):
    started = f"2024-05-14T09:{(t // 60) % 60:02d}:{t % 60:02d}.{rng.randint(0, 999):03d}Z"
    if kind == "image":
        content = {"size": body_size, "mimeType": "image/png", "text": png[:body_size], "encoding": "base64"}
        url = f"https://contoso-cc.my.connect.aws/connect/ccp-v2/static/media/background-{rng.randint(1, 999)}.png"
    elif kind == "js":
        content = {"size": body_size, "mimeType": "application/javascript", "text": js_body(rng, body_size)}
        url = f"https://contoso-cc.my.connect.aws/connect/ccp-v2/static/js/{rng.randint(100, 999)}.chunk.js"
    else:
        content = {"size": body_size, "mimeType": "application/json", "text": json_body(rng, body_size)}
        url = "https://contoso-cc.my.connect.aws/connect/api/v1/contacts?nextToken=" + base64.urlsafe_b64encode(rng.randbytes(30)).decode()
    return {"_initiator": initiator(rng), "_priority": "High", "_resourceType": "fetch" if kind == "json" else "script",
            "cache": {}, "connection": "443", "pageref": "page_1",
            "request": {"method": "GET", "url": url, "httpVersion": "http/2.0", "headers": chrome_headers(rng, rng.randint(15, 30)),
                        "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0", "headers": chrome_headers(rng, rng.randint(15, 30)),
                         "cookies": [], "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1,
                         "_transferSize": body_size, "_error": None},
            "serverIPAddress": "52.94.236.248", "startedDateTime": started, "time": 35.2,
            "timings": {"blocked": 0.8, "dns": -1, "ssl": -1, "connect": -1, "send": 0.2, "wait": 30.1, "receive": 4.1, "_blocked_queueing": 0.5}}


def generate(path, mib):
    rng = random.Random(42)
    png = base64.b64encode(rng.randbytes(6 * 1024 * 1024)).decode()
    sign_in = json.load(open(os.path.join(ROOT, "examples", "healthy-azure-chrome.har")))["log"]["entries"]
    target = mib * 1024 * 1024
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write('{\n  "log": {\n    "version": "1.2",\n    "creator": {\n      "name": "WebInspector",\n      "version": "537.36"\n    },\n'
                '    "pages": [],\n    "entries": [\n')
        written, t, first, sign_in_done = 0, 0, True, False
        while written < target:
            if not sign_in_done and written > target // 2:
                items, sign_in_done = sign_in, True
            else:
                kind = rng.choices(["image", "js", "json"], weights=[2, 3, 5])[0]
                size = {"image": rng.randint(1, 6) * 1024 * 1024 // 2, "js": rng.randint(20_000, 600_000), "json": rng.randint(2_000, 80_000)}[kind]
                items = [entry(rng, t, kind, size, png)]
            for item in items:
                text = json.dumps(item, indent=2, ensure_ascii=False)
                text = "\n".join("      " + line for line in text.split("\n"))
                chunk = ("" if first else ",\n") + text
                f.write(chunk)
                written += len(chunk)
                first = False
                t += 1
        f.write("\n    ]\n  }\n}\n")
    os.replace(tmp, path)


def measure(argv):
    """Runs argv, returns (seconds, peak RSS in MiB, stdout). Peak RSS comes from GNU time
    (a forked child's ru_maxrss would include this Python process's own memory)."""
    gnu_time = "/usr/bin/time"
    stats = os.path.join(ROOT, "target", "bench", "time.out")
    wrapped = [gnu_time, "-f", "%M", "-o", stats] + argv if os.path.exists(gnu_time) else argv
    start = time.perf_counter()
    proc = subprocess.run(wrapped, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if wrapped is argv:
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # an upper bound
    else:
        rss = int(open(stats).read().strip().splitlines()[-1]) / 1024
    return elapsed, rss, proc.stdout.decode(errors="replace")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024, help="size of the generated HAR in MiB")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool (best is reported)")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(os.path.join(ROOT, "target", "bench", f"chrome-{args.mib}MiB.har"), args.mib)
        return

    os.makedirs(os.path.join(ROOT, "target", "bench"), exist_ok=True)
    path = os.path.join(ROOT, "target", "bench", f"chrome-{args.mib}MiB.har")
    if not os.path.exists(path):
        print(f"generating {path} ...", flush=True)
        # In a child process, so this one stays small while it measures the others.
        subprocess.run([sys.executable, __file__, "--generate-only", "--mib", str(args.mib)], check=True)
    size = os.path.getsize(path)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "saml-doctor"], cwd=ROOT, check=True)

    # Warm the page cache so every tool reads from memory alike.
    measure(["cat", path])
    tools = {
        "saml-doctor extract": [BIN, "extract", path, "--format", "json"],
        "grep -c SAMLResponse": ["grep", "-c", "SAMLResponse", path],
        "seed Python procedure": [sys.executable, "-c", SEED_PROCEDURE, path],
    }
    results = {}
    for name, argv in tools.items():
        runs = 1 if name.startswith("seed") else args.runs
        best = None
        for _ in range(runs):
            secs, rss, out = measure(argv)
            if best is None or secs < best[0]:
                best = (secs, rss, out)
        results[name] = best

    ours = json.loads(results["saml-doctor extract"][2])
    responses = [m for m in ours["messages"] if m["field"] == "SAMLResponse"]
    assert len(responses) == 1, "saml-doctor should find the one sign-in"
    assert int(results["seed Python procedure"][2].strip()) == 1, "the seed procedure should find the sign-in"
    assert int(results["grep -c SAMLResponse"][2].strip()) >= 1

    print(f"\nHAR: {size / 2**20:.0f} MiB, {ours['entries']} entries, Chrome-style pretty-printed; best of {args.runs} runs (Python: 1)")
    print(f"{'tool':<24}{'seconds':>9}{'MB/s':>9}{'peak RSS MiB':>14}")
    for name, (secs, rss, _) in results.items():
        print(f"{name:<24}{secs:>9.2f}{size / secs / 1e6:>9.0f}{rss:>14.1f}")
    ours_secs, ours_rss, _ = results["saml-doctor extract"]
    grep_secs = results["grep -c SAMLResponse"][0]
    py_secs = results["seed Python procedure"][0]
    print(f"\nsaml-doctor vs grep -c: {grep_secs / ours_secs:.2f}x grep's throughput (target >= 0.5)")
    print(f"saml-doctor vs Python:  {py_secs / ours_secs:.1f}x faster (target >= 3)")
    print(f"saml-doctor peak RSS:   {ours_rss:.1f} MiB (target < 64)")


if __name__ == "__main__":
    main()

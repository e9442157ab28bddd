#!/usr/bin/env python3
"""Benchmark: `saml-doctor extract` and `saml-doctor diagnose` on large generated HARs of every shape a
browser writes, against `grep -c SAMLResponse` and the seed article's Python procedure (json.load +
extraction), measured side by side in one run.

Each shape is generated once (cached under target/bench/), pretty-printed the way Chrome exports it,
with a real Azure AD -> AWS sign-in in the middle:

  escape   JavaScript and JSON bodies dense with escapes (\\" \\\\ \\n every few bytes)
  images   multi-MB base64 images
  small    tens of thousands of small entries (API calls with short JSON bodies)
  headers  long header and cookie lists, small bodies
  mixed    all of the above in one capture

The tools run interleaved (one run of each, then again) so that load from other processes falls on
all of them alike; the best run of each is reported, with the median. Throughput is wall-clock time, as a
user waits for it; the CPU seconds beside it show the work (saml-doctor reads a file ahead on one thread and
looks for SAML in the entries on another while a third walks the JSON, so its CPU time exceeds its wall time
on a multi-core machine; grep uses one thread). Prints, per shape: seconds and
MB/s of each tool, saml-doctor's throughput as a multiple of grep's, peak RSS, and checks that every
tool found the one sign-in.

    nice -n 19 python3 scripts/bench-har.py                     # every shape, 256 MiB each
    nice -n 19 python3 scripts/bench-har.py --mib 64 --shapes escape small --no-python

Targets (issue 17): saml-doctor >= 1.0x grep -c's throughput on every shape, peak RSS < 64 MiB.
"""
import argparse
import base64
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "saml-doctor")
BENCH = os.path.join(ROOT, "target", "bench")
SHAPES = ["escape", "images", "small", "headers", "mixed"]

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

HEADER_NAMES = ["accept", "accept-encoding", "accept-language", "cache-control", "content-type", "cookie", "origin",
                "pragma", "referer", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform", "sec-fetch-dest",
                "sec-fetch-mode", "sec-fetch-site", "user-agent", "x-amz-date", "x-amz-security-token",
                "x-requested-with", "traceparent", "x-amzn-requestid", "x-amzn-trace-id", "x-csrf-token", "priority",
                "content-length", "etag", "date", "server", "vary", "via", "x-cache"]


def chrome_headers(rng, n):
    return [{"name": rng.choice(HEADER_NAMES), "value": base64.b64encode(rng.randbytes(rng.randint(8, 90))).decode()}
            for _ in range(n)]


def cookies(rng, n):
    return [{"name": f"c{rng.randint(0, 999)}", "value": base64.b64encode(rng.randbytes(rng.randint(8, 60))).decode(),
             "path": "/", "domain": ".contoso-cc.my.connect.aws", "expires": "2024-06-14T09:31:09.000Z",
             "httpOnly": rng.random() < 0.5, "secure": True, "sameSite": "Lax"} for _ in range(n)]


def initiator(rng):
    frames = [{"functionName": rng.choice(["t", "n", "fetchContacts", "e.exports", "Promise.then", ""]),
               "scriptId": str(rng.randint(10, 900)),
               "url": f"https://contoso-cc.my.connect.aws/connect/ccp-v2/static/js/{rng.randint(100, 999)}.chunk.js",
               "lineNumber": rng.randint(0, 5), "columnNumber": rng.randint(100, 90000)} for _ in range(rng.randint(4, 14))]
    return {"type": "script", "stack": {"callFrames": frames, "parent": {"description": "Promise.then", "callFrames": frames[:3]}}}


JS_CHUNK = ('function(e,t,n){"use strict";var r=n("./node_modules/react/index.js");e.exports={render:function(){'
            'return r.createElement("div",{className:"ccp-\\"quoted\\""},"Agent\\nstatus\\t\\u00e9")}}},\n')


def js_body(size):
    return (JS_CHUNK * (size // len(JS_CHUNK) + 1))[:size]


def json_body(size):
    item = json.dumps({"contactId": "c0ffee00-1111-2222-3333-444455556666",
                       "attributes": json.dumps({"queue": "Support", "note": "line1\nline2 \"quoted\" \\ back"}),
                       "path": "/connect/ccp-v2/contacts", "tags": ["a\\b", "c/d"]})
    return "[" + ",".join(item for _ in range(max(1, size // len(item)))) + "]"


def entry(rng, t, kind, body_size, png, headers=(15, 30), n_cookies=0):
    started = f"2024-05-14T09:{(t // 60) % 60:02d}:{t % 60:02d}.{rng.randint(0, 999):03d}Z"
    if kind == "image":
        content = {"size": body_size, "mimeType": "image/png", "text": png[:body_size], "encoding": "base64"}
        url = f"https://contoso-cc.my.connect.aws/connect/ccp-v2/static/media/background-{rng.randint(1, 999)}.png"
    elif kind == "js":
        content = {"size": body_size, "mimeType": "application/javascript", "text": js_body(body_size)}
        url = f"https://contoso-cc.my.connect.aws/connect/ccp-v2/static/js/{rng.randint(100, 999)}.chunk.js"
    else:
        content = {"size": body_size, "mimeType": "application/json", "text": json_body(body_size)}
        url = ("https://contoso-cc.my.connect.aws/connect/api/v1/contacts?nextToken="
               + base64.urlsafe_b64encode(rng.randbytes(30)).decode())
    return {"_initiator": initiator(rng), "_priority": "High", "_resourceType": "fetch" if kind == "json" else "script",
            "cache": {}, "connection": "443", "pageref": "page_1",
            "request": {"method": "GET", "url": url, "httpVersion": "http/2.0",
                        "headers": chrome_headers(rng, rng.randint(*headers)),
                        "queryString": [], "cookies": cookies(rng, n_cookies), "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0",
                         "headers": chrome_headers(rng, rng.randint(*headers)),
                         "cookies": cookies(rng, n_cookies // 2), "content": content, "redirectURL": "",
                         "headersSize": -1, "bodySize": -1, "_transferSize": body_size, "_error": None},
            "serverIPAddress": "52.94.236.248", "startedDateTime": started, "time": 35.2,
            "timings": {"blocked": 0.8, "dns": -1, "ssl": -1, "connect": -1, "send": 0.2, "wait": 30.1,
                        "receive": 4.1, "_blocked_queueing": 0.5}}


def next_entry(rng, t, shape, png):
    """One filler entry of the shape."""
    if shape == "escape":
        kind = rng.choice(["js", "json"])
        size = rng.randint(20_000, 600_000) if kind == "js" else rng.randint(2_000, 80_000)
        return entry(rng, t, kind, size, png)
    if shape == "images":
        return entry(rng, t, "image", rng.randint(1, 6) * 1024 * 1024 // 2, png)
    if shape == "small":
        return entry(rng, t, "json", rng.randint(100, 1_500), png, headers=(6, 14))
    if shape == "headers":
        return entry(rng, t, "json", rng.randint(100, 2_000), png, headers=(120, 300), n_cookies=rng.randint(20, 60))
    kind = rng.choices(["image", "js", "json"], weights=[2, 3, 5])[0]
    size = {"image": rng.randint(1, 6) * 1024 * 1024 // 2, "js": rng.randint(20_000, 600_000),
            "json": rng.randint(2_000, 80_000)}[kind]
    return entry(rng, t, kind, size, png)


def generate(path, mib, shape):
    rng = random.Random(42)
    png = base64.b64encode(rng.randbytes(6 * 1024 * 1024)).decode()
    sign_in = json.load(open(os.path.join(ROOT, "examples", "healthy-azure-chrome.har")))["log"]["entries"]
    target = mib * 1024 * 1024
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write('{\n  "log": {\n    "version": "1.2",\n    "creator": {\n      "name": "WebInspector",\n'
                '      "version": "537.36"\n    },\n    "pages": [],\n    "entries": [\n')
        written, t, first, sign_in_done = 0, 0, True, False
        while written < target:
            if not sign_in_done and written > target // 2:
                items, sign_in_done = sign_in, True
            else:
                items = [next_entry(rng, t, shape, png)]
            for item in items:
                text = json.dumps(item, indent=2, ensure_ascii=False)
                text = "\n".join("      " + line for line in text.split("\n"))
                chunk = ("" if first else ",\n") + text
                f.write(chunk)
                written += len(chunk.encode())
                first = False
                t += 1
        f.write("\n    ]\n  }\n}\n")
    os.replace(tmp, path)


def measure(argv):
    """Runs argv, returns (seconds, peak RSS in MiB, CPU seconds, stdout). Peak RSS and CPU time
    come from GNU time (a forked child's ru_maxrss would include this Python process's own
    memory); without it, CPU time is taken from this process's children's usage."""
    gnu_time = "/usr/bin/time"
    stats = os.path.join(BENCH, "time.out")
    wrapped = [gnu_time, "-f", "%M %U %S", "-o", stats] + argv if os.path.exists(gnu_time) else argv
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(wrapped, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if wrapped is argv:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss = after.ru_maxrss / 1024  # an upper bound
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    else:
        rss_kb, user, system = open(stats).read().strip().splitlines()[-1].split()
        rss, cpu = int(rss_kb) / 1024, float(user) + float(system)
    return elapsed, rss, cpu, proc.stdout.decode(errors="replace")


def bench_shape(shape, args):
    path = os.path.join(BENCH, f"{shape}-{args.mib}MiB.har")
    if not os.path.exists(path):
        print(f"generating {path} ...", flush=True)
        # In a child process, so this one stays small while it measures the others.
        subprocess.run([sys.executable, __file__, "--generate-only", shape, "--mib", str(args.mib)], check=True)
    size = os.path.getsize(path)
    measure(["cat", path])  # warm the page cache so every tool reads from memory alike
    tools = {
        "saml-doctor extract": [BIN, "extract", path, "--format", "json"],
        "saml-doctor diagnose": [BIN, "diagnose", path, "--format", "json", "--color", "never"],
        "grep -c SAMLResponse": ["grep", "-c", "SAMLResponse", path],
    }
    runs = {name: [] for name in tools}
    outputs = {}
    for _ in range(args.runs):
        for name, argv in tools.items():
            secs, rss, cpu, out = measure(argv)
            runs[name].append((secs, rss, cpu))
            outputs[name] = out
    if not args.no_python:
        secs, rss, cpu, out = measure([sys.executable, "-c", SEED_PROCEDURE, path])
        runs["seed Python procedure"] = [(secs, rss, cpu)]
        outputs["seed Python procedure"] = out

    extracted = json.loads(outputs["saml-doctor extract"])
    responses = [m for m in extracted["messages"] if m["field"] == "SAMLResponse"]
    assert len(responses) == 1, f"{shape}: saml-doctor extract should find the one sign-in"
    diagnosed = json.loads(outputs["saml-doctor diagnose"])
    assert len(diagnosed["messages"]) == 1, f"{shape}: saml-doctor diagnose should diagnose the one sign-in"
    assert int(outputs["grep -c SAMLResponse"].strip()) >= 1
    if not args.no_python:
        assert int(outputs["seed Python procedure"].strip()) == 1, "the seed procedure should find the sign-in"

    print(f"\n[{shape}] {size / 2**20:.0f} MiB, {extracted['entries']} entries; best of {args.runs} interleaved runs"
          f" (Python: 1)")
    print(f"  {'tool':<24}{'seconds':>9}{'(median)':>10}{'MB/s':>8}{'CPU s':>8}{'peak RSS MiB':>14}")
    best = {}
    for name, rs in runs.items():
        secs, _, cpu = min(rs)
        rss = max(r for _, r, _ in rs)
        best[name] = (secs, rss)
        print(f"  {name:<24}{secs:>9.3f}{statistics.median(s for s, _, _ in rs):>10.3f}{size / secs / 1e6:>8.0f}"
              f"{cpu:>8.3f}{rss:>14.1f}")
    grep = best["grep -c SAMLResponse"][0]
    row = {"shape": shape, "mib": size / 2**20, "entries": extracted["entries"], "grep_s": grep}
    for name in ("saml-doctor extract", "saml-doctor diagnose"):
        secs, rss = best[name]
        ratio = grep / secs
        row[name] = (ratio, rss)
        print(f"  {name}: {ratio:.2f}x grep -c's throughput (target >= 1.0), peak RSS {rss:.1f} MiB (target < 64)")
    if "seed Python procedure" in best:
        print(f"  saml-doctor extract vs Python: {best['seed Python procedure'][0] / best['saml-doctor extract'][0]:.0f}x"
              f" faster")
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=256, help="size of each generated HAR in MiB")
    parser.add_argument("--runs", type=int, default=5, help="interleaved timed runs per tool (best is reported)")
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=SHAPES)
    parser.add_argument("--no-python", action="store_true", help="skip the (slow, memory-hungry) Python procedure")
    parser.add_argument("--no-build", action="store_true", help="use target/release/saml-doctor as it is")
    parser.add_argument("--generate-only", choices=SHAPES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.makedirs(BENCH, exist_ok=True)
    if args.generate_only:
        generate(os.path.join(BENCH, f"{args.generate_only}-{args.mib}MiB.har"), args.mib, args.generate_only)
        return
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "saml-doctor"], cwd=ROOT, check=True)
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    rows = [bench_shape(shape, args) for shape in args.shapes]
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    print(f"\n{'shape':<9}{'MiB':>5}{'entries':>9}{'grep s':>8}{'extract':>9}{'diagnose':>10}{'max RSS MiB':>13}")
    failed = False
    for r in rows:
        (ex, ex_rss), (dg, dg_rss) = r["saml-doctor extract"], r["saml-doctor diagnose"]
        print(f"{r['shape']:<9}{r['mib']:>5.0f}{r['entries']:>9}{r['grep_s']:>8.3f}{ex:>8.2f}x{dg:>9.2f}x"
              f"{max(ex_rss, dg_rss):>13.1f}")
        failed |= min(ex, dg) < 1.0 or max(ex_rss, dg_rss) >= 64
    print("\nall targets met" if not failed else "\nsome target missed (see above)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark (issue 13): signature verification time of saml-doctor against `xmlsec1 --verify` on
the same files, in one run.

Inputs (generated once into target/bench-verify/ with the hostile corpus's signer, plus the
corpus's own large cases): an AWS-sized response (both Response and Assertion signed, base64 just
under AWS's 100,000-character limit), the 72 KB and 150 KB namespace-heavy responses, a
namespace-heavy response of about 10 MB, 32 signatures in about 10 MB (31 namespace-heavy signed
assertions in the Advice of a signed one), and 4,500 signed assertions (about 7 MB).

Columns:
- saml-doctor ms: the whole offline diagnosis with metadata (parse, canonicalize, digest, verify
  every signature, rules) in-process, best of RUNS, from the release build of
  crates/saml-core/examples/verify-timing.rs (no AWS SDK to build);
- saml-doctor process ms: the same as one process (start, read, parse metadata), best of 3;
- process CPU / xmlsec1 CPU: the CPU time (user + sys) of those processes, which a busy machine
  inflates far less than wall time;
- xmlsec1 ms: `xmlsec1 --verify --pubkey-cert-pem` as one process, best of 3. xmlsec1 checks ONE
  signature per run (the first): for the 4,500-assertion file its figure is for one signature,
  and saml-doctor's is for all of them.

Targets: AWS-sized under 50 ms; every input up to 10 MB under 1 s.

    python3 scripts/bench-verify.py [--runs 5]
The release build runs under `nice -n 19` (the machine is shared).
"""
import argparse
import base64
import importlib.util
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "target", "bench-verify")
AT = "2026-11-20T10:00:02Z"
EXAMPLE = os.path.join(ROOT, "target", "release", "examples", "verify-timing")


def corpus_module():
    spec = importlib.util.spec_from_file_location("corpus", os.path.join(ROOT, "scripts", "make-hostile-corpus.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def generate(m):
    """The generated inputs: [(label, path)]."""
    os.makedirs(OUT, exist_ok=True)
    m.KEYS = os.path.join(ROOT, "tests", "fixtures", "saml-keys")
    idp = (os.path.join(m.KEYS, "hostile-idp-rsa2048.key"), os.path.join(m.KEYS, "hostile-idp-rsa2048.crt"))
    m.IDP = idp
    made = []

    def make(name, builder):
        path = os.path.join(OUT, name)
        if not os.path.exists(path):
            xml = builder()
            with open(path, "w") as f:
                f.write(xml)
        made.append(path)

    def aws_sized():
        # Largest namespace-heavy response whose base64 stays under 100,000 characters.
        lo, hi, best = 1_000, 80_000, None
        while lo <= hi:
            mid = (lo + hi) // 2
            a, r = "_a-bench", "_r-bench"
            xml = m.response(m.assertion(a, sig=m.template(f"#{a}"), attrs=m.ns_heavy(mid)), rid=r, sig=m.template(f"#{r}"))
            xml = m.xmlsec_sign(m.xmlsec_sign(xml, *idp, index=2), *idp, index=1)
            if len(base64.b64encode(xml.encode())) < 100_000:
                best, lo = xml, mid + 1_000
            else:
                hi = mid - 1_000
        return best

    def big_ns():
        a = "_a-bench"
        return m.xmlsec_sign(m.response(m.assertion(a, sig=m.template(f"#{a}"), attrs=m.ns_heavy(10_000_000))), *idp)

    def many_signatures():
        # 31 namespace-heavy signed assertions in the Advice of a signed one: 32 signatures (the
        # verifier's limit), about 10 MB, every byte digested at least twice.
        from lxml import etree
        key = m.load_key(idp[0])
        inner = []
        for i in range(31):
            el = etree.fromstring(m.assertion(f"_adv{i}", sig=m.template(f"#_adv{i}", cert=idp[1]), attrs=m.ns_heavy(310_000)))
            m.py_sign_tree(el, el.find("ds:Signature", m.NS), key, "rsa-sha256", "sha256")
            inner.append(etree.tostring(el).decode())
        outer = etree.fromstring(m.assertion("_a-outer", sig=m.template("#_a-outer", cert=idp[1]),
                                             advice="<Advice>" + "".join(inner) + "</Advice>"), etree.XMLParser(huge_tree=True))
        m.py_sign_tree(outer, outer.find("ds:Signature", m.NS), key, "rsa-sha256", "sha256")
        return m.response(etree.tostring(outer).decode())

    make("aws-sized-both-signed.xml", aws_sized)
    made.append(os.path.join(ROOT, "tests", "hostile", "namespace-heavy-72k.xml"))
    made.append(os.path.join(ROOT, "tests", "hostile", "namespace-heavy-150k.xml"))
    make("namespace-heavy-10mb.xml", big_ns)
    make("advice-32-signatures-10mb.xml", many_signatures)
    made.append(os.path.join(ROOT, "tests", "hostile", "many-signed-assertions-4500.xml"))
    return made


def best_process_ms(cmd, runs=3):
    """(best wall ms, best CPU ms (user + sys), exit status) of `cmd` as a process. CPU time is
    what to compare when other jobs share the cores: wall time then includes waiting for one."""
    best_wall = best_cpu = rc = None
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        wall = (time.perf_counter() - t) * 1000
        cpu = (usage.ru_utime + usage.ru_stime) * 1000
        rc = os.waitstatus_to_exitcode(status)
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return best_wall, best_cpu, rc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    subprocess.run(["nice", "-n", "19", "cargo", "build", "--release", "-q", "-p", "saml-core", "--example", "verify-timing"],
                   cwd=ROOT, check=True)
    m = corpus_module()
    files = generate(m)
    metadata = os.path.join(ROOT, "tests", "hostile", "metadata.xml")
    cert = os.path.join(ROOT, "tests", "fixtures", "saml-keys", "hostile-idp-rsa2048.crt")
    timing = subprocess.run([EXAMPLE, metadata, AT, str(args.runs), *files], capture_output=True, text=True, check=True)
    rows = [line.split("\t") for line in timing.stdout.splitlines()]
    print(f"{'file':<32} {'size':>11} {'saml-doctor ms':>14} {'process ms':>10} {'process CPU':>11} {'xmlsec1 ms':>10} {'xmlsec1 CPU':>11}  verdicts")
    failed = []
    for (path, size, best, _median, verdict), f in zip(rows, files):
        proc, proc_cpu, _ = best_process_ms([EXAMPLE, metadata, AT, "1", f])
        xs, xs_cpu, xrc = best_process_ms(["xmlsec1", "--verify", "--pubkey-cert-pem", cert,
                                           "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response",
                                           "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", f])
        name = os.path.basename(path)
        target = 50 if name.startswith("aws-sized") else 1000
        ok = float(best) < target
        if not ok:
            failed.append(f"{name}: {best} ms, target < {target} ms")
        print(f"{name:<32} {int(size):>11,} {float(best):>14.2f} {proc:>10.1f} {proc_cpu:>11.1f} {xs:>10.1f} {xs_cpu:>11.1f}  "
              f"saml-doctor {verdict}, xmlsec1 {'verified' if xrc == 0 else 'rejected'}{'' if ok else '  MISSES TARGET'}")
    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("\ntargets: AWS-sized < 50 ms, every input up to 10 MB < 1 s (saml-doctor ms, in-process)")
    if failed:
        print("missed:\n  " + "\n  ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()

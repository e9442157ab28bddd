#!/usr/bin/env python3
"""Writes the reports `saml-doctor diagnose` gives on every shipped input into tests/snapshots/.

Each input under examples/ and tests/ (captures, pasted responses, signed fixtures, the hostile
corpus, the bad-input corpus) is diagnosed as JSON and as text, and the example captures also as
HTML; the example trail (examples/cloudtrail/) goes through `saml-doctor trail` in the three
formats. `tests/snapshots.rs` runs the same commands on the binary under test and requires the same
bytes and exit status: a change to what a report says shows up as a diff of these files, reviewed
like code. Run it after a change that is meant to alter a report:

    cargo build -p saml-doctor && python3 scripts/report-snapshots.py [--binary target/debug/saml-doctor]

Pasted responses are judged at a fixed instant (`--at`); captures at the instants they recorded.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "snapshots"
AT = "2024-05-14T09:31:09Z"
# Inputs of `saml-doctor trail`.
TRAILS = ["examples/cloudtrail"]

# Not inputs to diagnose: keys, metadata (the audit's fixtures), manifests, notes, the browser tests (the HTML page's, and
# the recording's fake identity provider), CloudTrail logs (`trail`'s: TRAILS, above), the embedding example.
SKIP_DIRS = {"saml-keys", "keys", "audit", "browser", "capture", "cloudtrail", "embed", "snapshots", "support", "aws-config-empty"}
SKIP_NAMES = {"manifest.json", "package.json", "package-lock.json", "LICENSE"}


def is_capture(path: pathlib.Path) -> bool:
    return path.suffix in (".har", ".json")


def inputs():
    """(input path, extra arguments, formats) for every shipped input, in a stable order."""
    hostile = json.loads((ROOT / "tests/hostile/manifest.json").read_text())
    hostile_metadata = {c["file"]: c["metadata"] for c in hostile["cases"]}
    encrypted = json.loads((ROOT / "tests/fixtures/encrypted/manifest.json").read_text())
    encrypted_keys = {c["file"]: c["keys"] for c in encrypted["cases"]}
    found = []
    for top in ("examples", "tests"):
        for path in sorted((ROOT / top).rglob("*")):
            rel = path.relative_to(ROOT)
            if not path.is_file() or SKIP_DIRS.intersection(rel.parts[:-1]):
                continue
            if path.name in SKIP_NAMES or path.suffix in (".rs", ".md", ".values", ".mjs", ".pem", ".crt", ".key"):
                continue
            if path.name.startswith("metadata") or path.name.endswith("-metadata.xml") or rel.parts[1] == "hostile" and path.name not in hostile_metadata:
                continue
            args = [] if is_capture(path) else ["--at", AT]
            formats = ["json", "text"]
            if top == "examples" and is_capture(path):
                formats.append("html")
            found.append((rel, args, formats))
            if rel.parts[:3] == ("tests", "fixtures", "signed"):
                found.append((rel, args + ["--metadata", "tests/fixtures/signed/metadata-current.xml"], ["json"]))
            if rel.parts[1] == "hostile":
                meta = f"tests/hostile/{hostile_metadata[path.name]}"
                found.append((rel, args + ["--metadata", meta], ["json"]))
            # Encrypted inputs once more with the provider's keys (and the IdP's metadata).
            keys = []
            if rel.parts[:3] == ("tests", "fixtures", "encrypted") and path.name in encrypted_keys:
                keys = [f"tests/fixtures/encrypted/keys/{k}.key" for k in encrypted_keys[path.name]]
                meta = "tests/fixtures/signed/metadata-current.xml"
            elif rel == pathlib.Path("examples/encrypted-assertion-azure-chrome.har"):
                keys = ["tests/fixtures/encrypted/keys/sp.key"]
                meta = "tests/fixtures/signed/metadata-current.xml"
            elif rel.parts[:3] == ("tests", "fixtures", "peers"):
                keys = ["tests/fixtures/peers/ruby-saml/ruby-saml.key"]
                meta = "tests/fixtures/peers/ruby-saml/" + ("adfs-metadata.xml" if path.name.startswith("adfs") else "simplesaml-metadata.xml")
            if keys:
                key_args = [a for k in keys for a in ("--decryption-key", k)]
                found.append((rel, args + ["--metadata", meta] + key_args, ["json", "text"]))
    return found


def snapshot_name(rel: pathlib.Path, args, fmt: str) -> str:
    name = "__".join(rel.parts)
    if "--decryption-key" in args:
        name += "__with-key"
    elif "--metadata" in args:
        name += "__with-metadata"
    return f"{name}.{fmt}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(ROOT / "target/debug/saml-doctor"))
    opts = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    manifest = []
    env = dict(os.environ, NO_COLOR="1")
    for rel, args, formats in inputs():
        for fmt in formats:
            command = ["diagnose", str(rel), *args, "--format", fmt, "--color", "never"]
            run = subprocess.run([opts.binary, *command], cwd=ROOT, env=env, capture_output=True, timeout=120)
            name = snapshot_name(rel, args, fmt)
            (OUT / name).write_bytes(run.stdout)
            manifest.append({"args": command, "snapshot": name, "exit": run.returncode})
    for trail in TRAILS:
        for fmt in ("json", "text", "html"):
            command = ["trail", trail, "--format", fmt]
            run = subprocess.run([opts.binary, *command], cwd=ROOT, env=env, capture_output=True, timeout=120)
            name = f"trail__{'__'.join(pathlib.Path(trail).parts)}.{fmt}"
            (OUT / name).write_bytes(run.stdout)
            manifest.append({"args": command, "snapshot": name, "exit": run.returncode})
    lines = ",\n".join(json.dumps(entry) for entry in manifest)
    (OUT / "manifest.json").write_text(f"[\n{lines}\n]\n")
    print(f"{len(manifest)} reports in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

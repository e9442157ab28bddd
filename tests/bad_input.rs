//! Hostile and broken input: every file in tests/bad-input/, and large ones made here (a 2 GiB
//! sparse file, a 10 MB SAMLResponse, 100,000 attributes, 100,000-deep XML, a 17 MiB POST body),
//! through every command that reads them. Each must end with exit status 1 or 2, at most one line
//! on stderr and no panic, within a time limit and (where GNU time is there to measure it) a
//! bounded peak memory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TIME_LIMIT: Duration = Duration::from_secs(30);
const MEMORY_LIMIT_KIB: u64 = 128 * 1024;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    peak_kib: Option<u64>,
}

fn run(args: &[&str]) -> Outcome {
    let gnu_time = Path::new("/usr/bin/time");
    let stats = std::env::temp_dir().join(format!(
        "saml-doctor-time-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let mut cmd = if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&stats)
            .arg(env!("CARGO_BIN_EXE_saml-doctor"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
    };
    let out_path = stats.with_extension("out");
    let err_path = stats.with_extension("err");
    let mut child = cmd
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("{args:?} ran longer than {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let peak_kib = fs::read_to_string(&stats)
        .ok()
        .and_then(|s| s.lines().last()?.trim().parse().ok());
    let outcome = Outcome {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&fs::read(&out_path).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&fs::read(&err_path).unwrap()).into_owned(),
        peak_kib,
    };
    for p in [stats, out_path, err_path] {
        let _ = fs::remove_file(p);
    }
    outcome
}

/// No panic, at most one line on stderr, bounded memory; any exit status.
fn check_quiet(args: &[&str]) -> Outcome {
    let o = run(args);
    assert!(
        !o.stderr.contains("panicked") && !o.stdout.contains("panicked"),
        "{args:?}: {}",
        o.stderr
    );
    assert!(
        o.stderr.lines().count() <= 1,
        "{args:?}: more than one line on stderr:\n{}",
        o.stderr
    );
    if let Some(kib) = o.peak_kib {
        assert!(kib < MEMORY_LIMIT_KIB, "{args:?}: peak RSS {kib} KiB");
    }
    o
}

/// As `check_quiet`, and the input is refused: exit status 1 or 2.
fn check(args: &[&str]) -> Outcome {
    let o = check_quiet(args);
    assert!(
        o.code == 1 || o.code == 2,
        "{args:?}: exit {} (stderr: {})",
        o.code,
        o.stderr
    );
    o
}

/// `diagnose --format json` must name the reason as a finding.
fn diagnose(file: &str) -> String {
    let o = check(&["diagnose", file, "--format", "json"]);
    assert_eq!(o.code, 1, "{file}: {}", o.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{file}: {e}"));
    let first = &report["findings"][0];
    assert_eq!(first["severity"], "error", "{file}: {report}");
    first["code"].as_str().unwrap().to_owned()
}

fn every_command(file: &str) -> String {
    let code = diagnose(file);
    let har = file.ends_with(".har");
    if file.ends_with("utf16-bom.txt") {
        // Well-formed XML once decoded from UTF-16: `decode` prints it.
        check_quiet(&["decode", file]);
    } else {
        check(&[if har { "extract" } else { "decode" }, file]);
    }
    if har {
        // A capture that is broken inside its entries is still redacted (its complete entries);
        // one that is no HAR at all is refused. Either way, what is written is valid JSON.
        let o = check_quiet(&["redact", file]);
        assert!(o.code == 0 || o.code == 1, "{file}: {}", o.stderr);
        if o.code == 0 {
            serde_json::from_str::<serde_json::Value>(&o.stdout)
                .unwrap_or_else(|e| panic!("redact {file}: invalid JSON: {e}"));
        } else {
            assert!(o.stdout.is_empty(), "{file}");
        }
    }
    code
}

#[test]
fn the_committed_corpus() {
    let expected: &[(&str, &str)] = &[
        ("empty.txt", "saml_not_base64"),
        ("empty.har", "har_unreadable"),
        ("whitespace-only.har", "har_unreadable"),
        ("invalid-utf8.txt", "saml_not_base64"),
        ("invalid-utf8-xml.txt", "saml_not_xml"),
        // UTF-16 as Windows tools save it is read (as UTF-8), then judged on its content.
        ("utf16-bom.txt", "assertion_missing"),
        ("utf16-bom.har", "saml_response_not_found"),
        ("json-nested-100000.har", "saml_response_not_found"),
        ("json-nested-100000-unclosed.har", "saml_response_not_found"),
        ("billion-laughs.xml", "saml_not_xml"),
        ("external-entity.xml", "saml_not_xml"),
        ("base64-with-nul.txt", "saml_not_base64"),
        ("base64-truncated.txt", "saml_not_base64"),
        ("entries-a-string.har", "har_unreadable"),
        ("entries-missing.har", "har_unreadable"),
        ("json-array.har", "har_unreadable"),
        ("garbage-after-entry.har", "saml_response_not_found"),
        ("cut-in-a-string.har", "saml_response_not_found"),
        ("binary.bin", "saml_not_base64"),
        ("not-saml.xml", "saml_not_a_response"),
        ("prefix-undeclared.xml", "saml_not_xml"),
    ];
    let on_disk = fs::read_dir(root().join("tests/bad-input"))
        .unwrap()
        .count();
    assert_eq!(
        on_disk,
        expected.len(),
        "every file in tests/bad-input has an expectation"
    );
    for (file, code) in expected {
        assert_eq!(
            every_command(&format!("tests/bad-input/{file}")),
            *code,
            "{file}"
        );
    }
    let o = check(&[
        "diagnose",
        "tests/bad-input/billion-laughs.xml",
        "--color",
        "never",
    ]);
    assert!(
        o.stdout.contains("DOCTYPE"),
        "the reason names the refused DOCTYPE"
    );
    // A UTF-16 capture is read, not refused as unreadable.
    let o = check(&[
        "diagnose",
        "tests/bad-input/utf16-bom.har",
        "--color",
        "never",
    ]);
    assert!(!o.stdout.contains("har_unreadable"), "{}", o.stdout);
    assert!(o.stdout.contains("saml_response_not_found"), "{}", o.stdout);
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("saml-doctor-{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self, name: &str, content: &[u8]) -> String {
        let p = self.0.join(name);
        fs::write(&p, content).unwrap();
        p.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn large_inputs_made_here() {
    let dir = TempDir::new("large");
    // A 2 GiB sparse file: spaces at both ends, a hole (NUL bytes) between.
    let sparse = dir.0.join("sparse-2gib.har");
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = fs::File::create(&sparse).unwrap();
        f.write_all(&vec![b' '; 1 << 20]).unwrap();
        f.seek(SeekFrom::Start((2u64 << 30) - (1 << 20))).unwrap();
        f.write_all(&vec![b' '; 1 << 20]).unwrap();
    }
    let sparse = sparse.to_str().unwrap().to_owned();
    assert_eq!(every_command(&sparse), "har_unreadable");
    let raw_sparse = dir.0.join("sparse-2gib.txt");
    fs::rename(&sparse, &raw_sparse).unwrap();
    assert_eq!(diagnose(raw_sparse.to_str().unwrap()), "saml_too_large");

    // A 10 MB SAMLResponse.
    let big = "A".repeat(10 * 1000 * 1000);
    assert_eq!(
        every_command(&dir.file("saml-10mb.txt", big.as_bytes())),
        "saml_too_large"
    );

    // 100,000 attributes on one element, and XML nested 100,000 deep.
    let attrs: String = (0..100_000).map(|i| format!(" a{i}=\"\"")).collect();
    let xml =
        format!("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"{attrs}/>");
    assert_eq!(
        every_command(&dir.file("attributes-100000.xml", xml.as_bytes())),
        "saml_not_xml"
    );
    let o = check(&[
        "diagnose",
        &dir.0.join("attributes-100000.xml").to_string_lossy(),
        "--color",
        "never",
    ]);
    assert!(
        o.stdout.contains("more than 256 attributes"),
        "the finding names the limit"
    );
    let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    assert_eq!(
        every_command(&dir.file("deep-100000.xml", deep.as_bytes())),
        "saml_not_xml"
    );

    // A capture whose POST to AWS is over the 16 MiB a POST body is read up to.
    let body = format!("SAMLResponse={}", "A".repeat(17 << 20));
    let har = format!(
        r#"{{"log": {{"version": "1.2", "entries": [{{"startedDateTime": "2024-05-14T09:31:09Z", "request": {{"method": "POST", "url": "https://signin.aws.amazon.com/saml", "postData": {{"mimeType": "application/x-www-form-urlencoded", "text": "{body}"}}}}, "response": {{"status": 200}}}}]}}}}"#
    );
    let file = dir.file("post-17mib.har", har.as_bytes());
    let o = check(&["diagnose", &file, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"har_entry_too_large"), "{codes:?}");
    assert!(
        !codes.contains(&"har_post_data_missing"),
        "the body was there, only too large: {codes:?}"
    );
}

//! End-to-end tests of `diagnose --format html` on the real binary: the page for every example
//! capture, its exit status, `-o`, and that nothing secret or replayable reaches it. (The page is
//! opened in a real browser by tests/browser/check.mjs, which CI runs.)

use crate::support::{root, run};

const CAPTURES: [&str; 7] = [
    "examples/healthy-azure-chrome.har",
    "examples/guest-user-role-session-name-chrome.har",
    "examples/session-expired-okta-firefox.har",
    "examples/idp-error-status-adfs-safari.har",
    "examples/no-saml-response-chrome.har",
    "examples/direct-connect-login-edge.har",
    "tests/fixtures/har/planted-secrets.har",
];

#[test]
fn every_capture_gets_a_self_contained_page_with_the_text_reports_verdict() {
    for file in CAPTURES {
        let text = run(&["diagnose", file, "--color", "never"]);
        let html = run(&["diagnose", file, "--format", "html"]);
        assert_eq!(html.status.code(), text.status.code(), "{file}");
        assert!(
            html.stderr.is_empty(),
            "{file}: {}",
            String::from_utf8_lossy(&html.stderr)
        );
        let page = String::from_utf8(html.stdout).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"), "{file}");
        assert!(
            page.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
            "{file}"
        );
        // The same verdict and codes as the text report.
        let text = String::from_utf8(text.stdout).unwrap();
        let verdict_line = text.lines().last().unwrap();
        let (words, counts) = verdict_line.split_once(": ").unwrap();
        assert!(
            page.contains(&format!("<strong>{words}</strong>: {counts}")),
            "{file}: {verdict_line}"
        );
        for line in text.lines().filter(|l| l.trim_start().starts_with("ERROR")) {
            let code = line.split_whitespace().nth(1).unwrap();
            let header = &page[..page.find("</header>").unwrap()];
            assert!(
                header.contains(&format!("<code>{code}</code>")),
                "{file}: {code}"
            );
        }
        // The decoded facts, never the replayable message or its signature.
        for blob in [
            "PHNhbWxwOlJlc3BvbnNl",
            "SAMLResponse=",
            "SignatureValue",
            "<script",
        ] {
            assert!(!page.contains(blob), "{file} holds {blob}");
        }
    }
}

#[test]
fn no_planted_secret_reaches_the_page() {
    let planted =
        std::fs::read_to_string(root().join("tests/fixtures/har/planted-secrets.values")).unwrap();
    let out = run(&[
        "diagnose",
        "tests/fixtures/har/planted-secrets.har",
        "--format",
        "html",
    ]);
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("<h2 id=\"timeline-h\">"));
    for secret in planted.lines().filter(|l| !l.is_empty()) {
        assert!(!page.contains(secret), "the page holds {secret}");
    }
}

#[test]
fn output_file_is_written_whole_and_a_bad_path_is_one_line() {
    let dir = std::env::temp_dir().join(format!("saml-doctor-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("report.html");
    let file = "examples/guest-user-role-session-name-chrome.har";
    let out = run(&[
        "diagnose",
        file,
        "--format",
        "html",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let written = std::fs::read(&target).unwrap();
    assert_eq!(written, run(&["diagnose", file, "--format", "html"]).stdout);
    assert!(!dir.join("report.html.partial").exists());
    let missing = dir.join("no/such/dir/report.html");
    let out = run(&[
        "diagnose",
        file,
        "--format",
        "html",
        "-o",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

//! `saml-doctor capture` end to end: the real binary records a sign-in in headless Chromium
//! (Debian's `chromium` in CI) on a closed network (every host but 127.0.0.1 unresolvable, so
//! the POST to AWS fails and is recorded as sent), at the fake identity provider of
//! tests/capture/fake_idp.py, which signs fresh responses.
//!
//! Each case checks the codes of the JSON report; that the HAR written with `--har` diagnoses
//! the same (`diagnose OUT.har --format json` gives the same report); that the planted cookie,
//! token and password are in none of the HAR, standard output, standard error and the HTML
//! report, while the HAR shows they were there (redaction markers); and that no browser process
//! and no temporary profile is left (each run gets a TMPDIR of its own, which every browser
//! process carries in its environment and where the profile is made).
//!
//! Without chromium (or python3 with signxml for the identity provider) these tests say so and
//! pass, unless SAML_DOCTOR_REQUIRE_CHROMIUM=1 (CI), which makes them fail.

#[path = "../crates/capture/tests/support/mod.rs"]
mod browser;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::support::root;
use browser::{FakeIdp, COOKIE, HOST_RULES, PASSWORD, TOKEN};
use serde_json::Value;

/// One run of `saml-doctor capture` and what it left.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// The HAR written with `--har`.
    har: String,
    /// `diagnose OUT.har --format json` on it.
    har_report: Value,
    /// The report written with `-o`, if one was asked for.
    file: Option<String>,
    dir: PathBuf,
}

impl Run {
    /// The JSON report on standard output.
    fn report(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }

    /// Every finding's code, skipped checks left out.
    fn codes(report: &Value) -> Vec<String> {
        let mut codes = crate::support::codes(report);
        codes.retain(|c| c != "check_skipped");
        codes
    }

    /// The checks the report says were not run, by name.
    fn skipped(report: &Value) -> Vec<String> {
        let findings = report["findings"].as_array().unwrap();
        findings
            .iter()
            .filter(|f| f["code"] == "check_skipped")
            .map(|f| f["evidence"]["check"].as_str().unwrap().to_owned())
            .collect()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `saml-doctor capture` on the fake identity provider's `path` with `extra` arguments
/// (`--format json` unless they say otherwise), writing the HAR; then diagnoses the HAR and
/// checks what every case must hold: nothing planted in any output, the markers of `redacted`
/// in the HAR, nothing left behind.
fn capture(case: &str, path: &str, extra: &[&str], redacted: &[&str]) -> Option<Run> {
    capture_until(case, path, extra, redacted, None)
}

/// [`capture`], with Ctrl-C (SIGINT) sent to saml-doctor once a line on its standard error
/// holds `interrupt_at`.
fn capture_until(
    case: &str,
    path: &str,
    extra: &[&str],
    redacted: &[&str],
    interrupt_at: Option<&str>,
) -> Option<Run> {
    let browser = browser::browser()?;
    let idp = FakeIdp::start()?;
    let dir = std::env::temp_dir().join(format!(
        "saml-doctor-capture-e2e-{case}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let har_path = dir.join("out.har");
    let mut args: Vec<String> = vec![
        "capture".into(),
        idp.url(path),
        "--headless".into(),
        "--browser".into(),
        browser.to_string_lossy().into_owned(),
        format!("--browser-arg={HOST_RULES}"),
        "--browser-arg=--disable-gpu".into(),
        "--har".into(),
        har_path.to_string_lossy().into_owned(),
    ];
    if !extra.contains(&"--timeout") {
        args.extend(["--timeout".into(), "60s".into()]);
    }
    if !extra.contains(&"--format") {
        args.extend(["--format".into(), "json".into()]);
    }
    args.extend(
        extra
            .iter()
            .map(|a| a.replace("{dir}", &dir.to_string_lossy())),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(&args)
        .current_dir(root())
        .env("TMPDIR", &tmp)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        out.read_to_string(&mut text).map(|_| text)
    });
    let mut stderr = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        if interrupt_at.is_some_and(|at| line.contains(at)) {
            browser::signal(child.id(), "INT");
        }
        stderr += &line;
        stderr.push('\n');
    }
    let status = child.wait().unwrap();
    let stdout = reader.join().unwrap().unwrap();
    // Nothing left: no profile (nor anything else) in its TMPDIR, no process naming it.
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(
        left.is_empty(),
        "{case}: left in TMPDIR: {left:?}\n{stderr}"
    );
    let running = browser::processes_naming(&tmp);
    assert!(running.is_empty(), "{case}: processes left: {running:#?}");
    let har = std::fs::read_to_string(&har_path)
        .unwrap_or_else(|e| panic!("{case}: no HAR written ({e}):\n{stderr}"));
    // The HAR diagnosed as the capture was: with the same metadata, if any.
    let har_str = har_path.to_string_lossy();
    let mut diagnose = vec!["diagnose", &har_str];
    if let Some(i) = extra.iter().position(|a| *a == "--metadata") {
        diagnose.extend(&extra[i..i + 2]);
    }
    let diagnosed = crate::support::run(&[&diagnose[..], &["--format", "json"]].concat());
    let har_report: Value = serde_json::from_slice(&diagnosed.stdout).unwrap();
    let html = crate::support::run(&[&diagnose[..], &["--format", "html"]].concat());
    let file = extra.iter().position(|a| *a == "-o").map(|i| {
        std::fs::read_to_string(extra[i + 1].replace("{dir}", &dir.to_string_lossy())).unwrap()
    });
    let html = String::from_utf8(html.stdout).unwrap();
    for (what, text) in [
        ("the HAR", &har),
        ("standard output", &stdout),
        ("standard error", &stderr),
        ("the HAR's HTML report", &html),
        ("the report file", file.as_ref().unwrap_or(&String::new())),
    ] {
        for secret in [COOKIE, TOKEN, PASSWORD] {
            assert!(!text.contains(secret), "{case}: {secret} is in {what}");
        }
    }
    for marker in redacted {
        assert!(
            har.contains(&format!("[redacted: {marker}]")),
            "{case}: the HAR shows no redacted {marker}"
        );
    }
    assert!(
        stderr.is_empty() || stderr.contains("saml-doctor: recording in "),
        "{case}: {stderr}"
    );
    Some(Run {
        code: status.code().unwrap(),
        stdout,
        stderr,
        har,
        har_report,
        file,
        dir,
    })
}

/// The JSON report and the HAR's report are the same, but for what each names as its input.
fn assert_har_diagnoses_the_same(run: &Run) {
    let mut ours = run.report();
    let mut theirs = run.har_report.clone();
    assert_eq!(ours["input"], "the browser recording");
    ours["input"] = Value::Null;
    theirs["input"] = Value::Null;
    assert_eq!(ours, theirs, "the HAR written diagnoses differently");
}

/// The identity provider's metadata for the test key the fake identity provider signs with.
fn azure_metadata(dir: &std::path::Path) -> PathBuf {
    let pem = std::fs::read_to_string(root().join("tests/fixtures/saml-keys/azure.crt")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let xml = format!(
        r#"<EntityDescriptor entityID="https://sts.windows.net/7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{body}</X509Certificate></X509Data></KeyInfo></KeyDescriptor></IDPSSODescriptor></EntityDescriptor>"#
    );
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("metadata.xml");
    std::fs::write(&path, xml).unwrap();
    path
}

/// The lines that say, as it happens, what each SAML message means.
fn live(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            l.starts_with("  ")
                && (l.contains("SAML") || l.contains("verdict") || l.contains("ERROR"))
                || l.starts_with("saml-doctor: recording ended")
        })
        .collect()
}

#[test]
fn a_healthy_sign_in_is_diagnosed_live_and_at_the_end_with_the_idp_metadata() {
    let metadata_dir =
        std::env::temp_dir().join(format!("saml-doctor-capture-md-{}", std::process::id()));
    let metadata = azure_metadata(&metadata_dir);
    let run = capture(
        "healthy",
        &format!("/start?case=healthy&access_token={TOKEN}"),
        &["--metadata", &metadata.to_string_lossy()],
        &["cookie", "token", "password"],
    );
    let _ = std::fs::remove_dir_all(&metadata_dir);
    let Some(run) = run else { return };
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.report();
    assert_eq!(Run::codes(&report), Vec::<String>::new());
    // With the metadata the signature is verified: only the account checks are left.
    let skipped = Run::skipped(&report);
    assert_eq!(
        skipped,
        [
            "Connect instance",
            "Connect user",
            "IAM SAML provider",
            "IAM role",
            "role trust policy",
            "GetFederationToken permission"
        ]
    );
    assert_eq!(
        live(&run.stderr),
        [
            "  SAMLResponse in the auto-post form of http://127.0.0.1/login?case=… (to https://signin.aws.amazon.com/saml)",
            "    verdict: no problem found offline (the full report follows at the end)",
            "  the same SAMLResponse, posted to AWS: POST https://signin.aws.amazon.com/saml; verdict unchanged",
            "saml-doctor: recording ended: the SAMLResponse was posted to AWS and the page after it loaded or failed; the browser is closed and its profile deleted.",
        ]
    );
    assert!(run.stderr.contains(
        "  page  failed (net::ERR_NAME_NOT_RESOLVED)  https://signin.aws.amazon.com/saml"
    ));
    assert!(run.stderr.contains("wrote ") && run.stderr.contains("the SAMLResponse is kept whole"));
    assert_har_diagnoses_the_same(&run);
}

#[test]
fn a_broken_role_session_name_is_an_error_the_moment_it_is_sent() {
    let Some(run) = capture(
        "broken-rsn",
        &format!("/start?case=broken-rsn&access_token={TOKEN}"),
        &[],
        &["cookie", "token", "password"],
    ) else {
        return;
    };
    assert_eq!(run.code, 1);
    assert_eq!(Run::codes(&run.report()), ["role_session_name_invalid"]);
    let live = live(&run.stderr);
    assert_eq!(
        live[1..3],
        [
            "    ERROR    role_session_name_invalid · RoleSessionName breaks AWS's pattern",
            "    verdict: 1 error: AWS refuses it (the full report follows at the end)",
        ]
    );
    assert_har_diagnoses_the_same(&run);
}

#[test]
fn the_html_report_goes_to_a_file_and_the_live_lines_to_standard_output() {
    let Some(run) = capture(
        "html",
        &format!("/start?case=broken-rsn&access_token={TOKEN}"),
        &["--format", "html", "-o", "{dir}/report.html"],
        &["cookie", "token", "password"],
    ) else {
        return;
    };
    assert_eq!(run.code, 1);
    let html = run.file.as_deref().unwrap();
    assert!(
        html.starts_with("<!doctype html>") || html.starts_with("<!DOCTYPE html>"),
        "{html:.80}"
    );
    assert!(html.contains("default-src 'none'") && html.contains("role_session_name_invalid"));
    assert!(!html.contains("<script"));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("    ERROR    role_session_name_invalid"),
        "{}",
        run.stdout
    );
    assert_eq!(Run::codes(&run.har_report), ["role_session_name_invalid"]);
}

#[test]
fn the_redirect_binding_is_shown_and_the_response_after_it_diagnosed() {
    let Some(run) = capture("redirect", "/sp", &[], &[]) else {
        return;
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(Run::codes(&run.report()), Vec::<String>::new());
    assert_eq!(
        live(&run.stderr)[0],
        "  SAMLRequest in the query of GET http://127.0.0.1/sso?SAMLRequest=…&RelayState=…: the sign-in was sent to the identity provider"
    );
    assert!(
        run.har.contains("SAMLRequest="),
        "the request is kept in the HAR"
    );
    assert_har_diagnoses_the_same(&run);
}

#[test]
fn an_identity_provider_error_page_ends_at_the_timeout_with_no_response() {
    let Some(run) = capture(
        "error",
        "/start?case=error",
        &["--timeout", "3s"],
        &["cookie", "password"],
    ) else {
        return;
    };
    assert_eq!(run.code, 1);
    let report = run.report();
    assert_eq!(Run::codes(&report), ["saml_response_not_found"]);
    assert_eq!(
        report["findings"][0]["evidence"]["hosts_visited"],
        "127.0.0.1"
    );
    assert!(
        run.stderr
            .contains("  page  500  http://127.0.0.1/login?case=…"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("recording ended: --timeout 3 s passed"));
    assert!(
        run.har.contains("AADSTS50105"),
        "the error page is in the HAR"
    );
    assert_har_diagnoses_the_same(&run);
}

#[test]
fn a_sign_in_that_never_posts_saml_lists_the_hosts_it_visited() {
    let Some(run) = capture(
        "timeout",
        &format!("/start?case=mfa&access_token={TOKEN}"),
        &["--timeout", "3s"],
        &["cookie", "token", "password"],
    ) else {
        return;
    };
    assert_eq!(run.code, 1);
    let report = run.report();
    assert_eq!(Run::codes(&report), ["saml_response_not_found"]);
    let finding = &report["findings"][0];
    assert_eq!(
        finding["evidence"]["hosts_visited"],
        "127.0.0.1, login.microsoftonline.com"
    );
    assert!(
        finding["detail"]
            .as_str()
            .unwrap()
            .ends_with("; hosts visited: 127.0.0.1, login.microsoftonline.com"),
        "{finding}"
    );
    assert!(live(&run.stderr).iter().all(|l| !l.contains("verdict")));
    assert_har_diagnoses_the_same(&run);
}

#[test]
fn two_responses_in_one_run_are_each_diagnosed_until_the_windows_close() {
    let Some(run) = capture(
        "two",
        &format!("/two?access_token={TOKEN}"),
        &["--until", "close", "--browser-arg=--disable-popup-blocking"],
        &["cookie", "token"],
    ) else {
        return;
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.report();
    assert_eq!(Run::codes(&report), ["multiple_saml_responses"]);
    assert_eq!(report["messages"].as_array().unwrap().len(), 2);
    let verdicts = live(&run.stderr)
        .iter()
        .filter(|l| l.starts_with("    verdict:"))
        .count();
    assert_eq!(verdicts, 2, "{}", run.stderr);
    assert!(run
        .stderr
        .contains("recording ended: the browser window was closed"));
    assert_har_diagnoses_the_same(&run);
}

#[test]
fn an_identity_center_acs_url_ends_the_recording_like_iam_federation() {
    let Some(run) = capture(
        "idc",
        &format!("/start?case=idc&access_token={TOKEN}"),
        &[],
        &["cookie", "token", "password"],
    ) else {
        return;
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.report();
    assert_eq!(Run::codes(&report), Vec::<String>::new());
    let location = report["messages"][0]["location"].as_str().unwrap();
    assert!(
        location.contains("https://us-east-1.signin.aws/platform/saml/acs/"),
        "{location}"
    );
    assert!(run.stderr.contains(
        "  the same SAMLResponse, posted to AWS: POST https://us-east-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d-4a60-8e14; verdict unchanged"
    ), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("recording ended: the SAMLResponse was posted to AWS"));
    assert_har_diagnoses_the_same(&run);
}

#[test]
fn ctrl_c_ends_the_recording_in_order_and_still_reports() {
    let Some(run) = capture_until(
        "ctrl-c",
        &format!("/start?case=wait&access_token={TOKEN}"),
        &[],
        &["cookie", "token", "password"],
        Some("page  200  http://127.0.0.1/login?case=…"),
    ) else {
        return;
    };
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("saml-doctor: recording ended: interrupted; the browser is closed and its profile deleted."), "{}", run.stderr);
    assert_eq!(Run::codes(&run.report()), ["saml_response_not_found"]);
    assert_har_diagnoses_the_same(&run);
}

#[test]
fn without_a_usable_browser_one_line_says_what_to_do() {
    let out = crate::support::run(&[
        "capture",
        "--browser",
        "/nonexistent/chrome",
        "https://myapps.microsoft.com/",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "saml-doctor: --browser /nonexistent/chrome: no such file, nor a program of that name on PATH\n"
    );
    assert!(out.stdout.is_empty());
}

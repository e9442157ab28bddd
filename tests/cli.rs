//! End-to-end tests: run the real `saml-doctor` binary on the files in examples/ and
//! tests/fixtures/, and check what a user and a script see: findings, exit status, output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::{codes, json, policy_actions, root};

const AT: &str = "2024-05-14T09:31:09Z";

/// The binary with `args`, from the repository root, with the environment's colour choice left
/// alone (unlike `crate::support::run`): some tests here are about colour.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The tool may stop reading early (it reads a bounded prefix of a raw message): write from
    // a thread and accept a broken pipe.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn problems(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_example_capture_gets_its_diagnosis() {
    let cases: &[(&str, i32, &[&str])] = &[
        ("examples/healthy-azure-chrome.har", 0, &[]),
        (
            "examples/guest-user-role-session-name-chrome.har",
            1,
            &["role_session_name_invalid"],
        ),
        (
            "examples/session-expired-okta-firefox.har",
            1,
            &["assertion_too_old", "assertion_expired"],
        ),
        (
            "examples/idp-error-status-adfs-safari.har",
            1,
            &["status_not_success"],
        ),
        (
            "examples/no-saml-response-chrome.har",
            1,
            &["saml_response_not_found"],
        ),
        (
            "examples/direct-connect-login-edge.har",
            1,
            &["connect_direct_login"],
        ),
    ];
    for (file, exit, expected) in cases {
        let (code, report) = json(&["diagnose", file]);
        assert_eq!(code, *exit, "{file}");
        let mut got = problems(&report);
        got.sort();
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn the_seeds_failure_is_reported_with_the_seeds_fix() {
    let out = run(&[
        "diagnose",
        "examples/guest-user-role-session-name-chrome.har",
        "--color",
        "never",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("role_session_name_invalid"), "{text}");
    assert!(text.contains("jane_gmail.com#EXT#@contoso.onmicrosoft.com"));
    assert!(text.contains("user.mail"));
    assert!(
        text.contains("HAR entry 3"),
        "the finding says where the message was"
    );
    assert!(
        text.contains("when the browser sent it (2024-05-14T09:31:09.118Z)"),
        "time rules use the capture time"
    );
    // The pasted-value procedure of the seed gives the same answer.
    let (code, report) = json(&[
        "diagnose",
        "examples/guest-user-samlresponse.txt",
        "--at",
        AT,
    ]);
    assert_eq!(code, 1);
    assert_eq!(problems(&report), ["role_session_name_invalid"]);
}

#[test]
fn json_findings_carry_the_contract_fields() {
    let (_, report) = json(&[
        "diagnose",
        "examples/guest-user-role-session-name-chrome.har",
    ]);
    for f in report["findings"].as_array().unwrap() {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 6, "{keys:?}");
        for k in ["code", "severity", "title", "detail", "fix", "evidence"] {
            assert!(f.get(k).is_some(), "missing {k}");
        }
    }
    let first = &report["findings"][0];
    assert_eq!(first["code"], "role_session_name_invalid");
    assert!(
        first["detail"].as_str().unwrap().starts_with("HAR entry 3"),
        "{}",
        first["detail"]
    );
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(report["messages"][0]["primary"], true);
    assert_eq!(
        report["messages"][0]["facts"]["role_session_name"],
        "jane_gmail.com#EXT#@contoso.onmicrosoft.com"
    );
}

#[test]
fn every_saml_fixture_through_the_binary() {
    let dir = root().join("tests/fixtures/saml");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() > 30);
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let stem = name.split('.').next().unwrap();
        let rel = format!("tests/fixtures/saml/{name}");
        let (code, report) = json(&["diagnose", &rel, "--at", AT]);
        if stem.ends_with("-healthy") {
            assert_eq!(code, 0, "{name}: {report}");
            assert!(problems(&report).is_empty(), "{name}");
        } else {
            assert!(
                codes(&report).contains(&stem.to_owned()),
                "{name}: {:?}",
                codes(&report)
            );
            let has_error = report["summary"]["errors"].as_u64().unwrap() > 0;
            assert_eq!(code, i32::from(has_error), "{name}");
        }
    }
}

#[test]
fn har_fixtures_for_each_location_and_browser_shape() {
    let cases: &[(&str, i32, &[&str])] = &[
        ("autopost-base64-body-safari.har", 0, &[]),
        ("params-only-firefox.har", 0, &[]),
        ("redirect-binding.har", 0, &[]),
        (
            "post-body-missing.har",
            1,
            &["har_post_data_missing", "saml_response_not_found"],
        ),
        ("truncated.har", 0, &["har_truncated"]),
        ("two-sign-ins.har", 1, &["role_session_name_invalid"]),
        (
            "relay-state-not-encoded.har",
            0,
            &["relay_state_destination_not_encoded"],
        ),
        ("relay-state-missing.har", 0, &["relay_state_missing"]),
        ("empty.har", 1, &["har_unreadable"]),
        ("not-a-har.json", 1, &["har_unreadable"]),
        ("not-json.har", 1, &["har_unreadable"]),
        ("entries-not-array.har", 1, &["har_unreadable"]),
    ];
    for (file, exit, expected) in cases {
        let (code, report) = json(&["diagnose", &format!("tests/fixtures/har/{file}")]);
        assert_eq!(code, *exit, "{file}: {report}");
        let mut got = problems(&report);
        got.sort();
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{file}");
    }
    let (_, two) = json(&["diagnose", "tests/fixtures/har/two-sign-ins.har"]);
    assert!(codes(&two).contains(&"multiple_saml_responses".to_owned()));
    assert_eq!(two["messages"][0]["primary"], true);
    assert!(
        two["messages"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "info"),
        "the primary (last) sign-in is the good one"
    );
    let (_, truncated) = json(&["diagnose", "tests/fixtures/har/truncated.har"]);
    let cut = truncated["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "har_truncated")
        .unwrap();
    assert!(
        cut["detail"]
            .as_str()
            .unwrap()
            .contains("complete entries before it were used"),
        "{cut}"
    );
    assert_eq!(
        truncated["messages"].as_array().unwrap().len(),
        1,
        "the response before the cut is still diagnosed"
    );
}

#[test]
fn extract_lists_every_message_with_its_sightings() {
    let (code, out) = json(&["extract", "examples/healthy-azure-chrome.har"]);
    assert_eq!(code, 0);
    let messages = out["messages"].as_array().unwrap();
    assert_eq!(
        messages.len(),
        1,
        "the auto-post form and the POST are one message"
    );
    let kinds: Vec<&str> = messages[0]["sightings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["auto_post_form", "form_post"]);
    assert_eq!(messages[0]["primary"], true);
    let (_, redirect) = json(&["extract", "tests/fixtures/har/redirect-binding.har"]);
    let fields: Vec<&str> = redirect["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["SAMLRequest", "SAMLResponse"]);
    let raw = run(&["extract", "examples/healthy-azure-chrome.har", "--raw"]);
    let text = String::from_utf8(raw.stdout).unwrap();
    assert!(
        text.contains("<samlp:Response") && text.contains("jane.doe@contoso.com"),
        "{text}"
    );
}

#[test]
fn no_secrets_from_the_har_reach_the_output() {
    for file in [
        "examples/healthy-azure-chrome.har",
        "examples/session-expired-okta-firefox.har",
        "examples/idp-error-status-adfs-safari.har",
    ] {
        for args in [
            vec!["diagnose", file, "--format", "json"],
            vec!["diagnose", file],
            vec!["extract", file, "--format", "json"],
        ] {
            let out = run(&args);
            let text = String::from_utf8_lossy(&out.stdout);
            for secret in [
                "Summer2024",
                "Tr0ub4dor",
                "Winter2024",
                "ESTSAUTHPERSISTENT",
                "fake-okta-sid",
                "aws-creds",
                "fake-csrf-token",
                "sessionToken",
            ] {
                assert!(!text.contains(secret), "{args:?} printed {secret}");
            }
        }
    }
}

#[test]
fn stdin_and_pasted_form_bodies() {
    let body =
        std::fs::read(root().join("tests/fixtures/saml/relay_state_destination_not_encoded.form"))
            .unwrap();
    let out = run_stdin(&["diagnose", "-", "--at", AT, "--format", "json"], &body);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(problems(&report), ["relay_state_destination_not_encoded"]);
    let har =
        std::fs::read(root().join("examples/guest-user-role-session-name-chrome.har")).unwrap();
    let out = run_stdin(&["diagnose", "--format", "json"], &har);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a HAR on stdin is recognised by its content"
    );
}

#[test]
fn relay_state_option_and_default_skip() {
    let (_, skipped) = json(&[
        "diagnose",
        "tests/fixtures/saml/azure-healthy.xml",
        "--at",
        AT,
    ]);
    let relay = skipped["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["evidence"]["check"] == "relay state")
        .unwrap();
    assert_eq!(relay["code"], "check_skipped");
    let (code, bad) = json(&[
        "diagnose",
        "tests/fixtures/saml/azure-healthy.xml",
        "--at",
        AT,
        "--relay-state",
        "https://console.aws.amazon.com/connect/federate/x",
    ]);
    assert_eq!(code, 1);
    assert_eq!(problems(&bad), ["relay_state_malformed"]);
}

#[test]
fn decode_prints_xml_and_the_typed_model() {
    let out = run(&["decode", "examples/guest-user-samlresponse.txt"]);
    assert_eq!(out.status.code(), Some(0));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.starts_with("<samlp:Response"), "{xml}");
    assert!(xml.contains("\n  <Assertion"), "indented");
    let (code, model) = json(&["decode", "examples/guest-user-samlresponse.txt"]);
    assert_eq!(code, 0);
    assert_eq!(model["message"]["kind"], "response");
    assert_eq!(model["transport"]["url_decoding_rounds"], 1);
    let attrs = model["message"]["assertions"][0]["attributes"]
        .as_array()
        .unwrap();
    assert!(attrs
        .iter()
        .any(|a| a["name"] == "https://aws.amazon.com/SAML/Attributes/RoleSessionName"));
    let bad = run(&["decode", "tests/fixtures/saml/saml_not_base64.txt"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8(bad.stderr)
        .unwrap()
        .contains("at offset 600"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = run(&[
        "diagnose",
        "examples/guest-user-role-session-name-chrome.har",
    ]);
    assert!(
        !plain.stdout.contains(&0x1b),
        "stdout is a pipe here: no colour"
    );
    let forced = run(&[
        "diagnose",
        "examples/guest-user-role-session-name-chrome.har",
        "--color",
        "always",
    ]);
    assert!(forced.stdout.contains(&0x1b));
}

#[test]
fn usage_and_io_problems_exit_2_with_one_line() {
    for args in [
        vec!["diagnose", "does/not/exist.har"],
        vec![
            "diagnose",
            "examples/healthy-azure-chrome.har",
            "--at",
            "yesterday",
        ],
        vec!["diagnose", "examples"],
        vec!["frobnicate"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!stderr.is_empty());
    }
    let missing = String::from_utf8(run(&["diagnose", "does/not/exist.har"]).stderr).unwrap();
    assert_eq!(
        missing.trim(),
        "saml-doctor: cannot read does/not/exist.har: no such file"
    );
}

#[test]
fn hostile_raw_input_is_a_finding_not_a_crash() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("binary", (0..=255u8).cycle().take(4096).collect()),
        ("entity bomb", br#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&c;</samlp:Response>"#.to_vec()),
        ("deep xml", format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000)).into_bytes()),
        ("50 MB of base64", vec![b'A'; 50 * 1024 * 1024]),
        ("utf-16", b"\xFF\xFE<\0s\0".to_vec()),
    ];
    for (name, input) in cases {
        let start = std::time::Instant::now();
        let out = run_stdin(&["diagnose", "-", "--format", "json"], &input);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let code = report["findings"][0]["code"].as_str().unwrap().to_owned();
        assert!(code.starts_with("saml_"), "{name}: {code}");
        assert!(
            start.elapsed().as_secs() < 20,
            "{name} took {:?}",
            start.elapsed()
        );
    }
}

#[test]
fn generated_configuration_round_trips_through_the_checks() {
    let instance =
        "arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    for destination in ["ccp", "agent-app", "admin", "/connect/real-time-metrics"] {
        let out = run(&[
            "connect",
            "relay-state",
            "--instance-arn",
            instance,
            "--destination",
            destination,
        ]);
        assert_eq!(out.status.code(), Some(0));
        let url = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        assert!(url.starts_with("https://eu-west-2.console.aws.amazon.com/connect/federate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d?destination=%2F"), "{url}");
        // Fed back to diagnose as the relay state of a healthy response: no relay-state finding.
        let (code, report) = json(&[
            "diagnose",
            "tests/fixtures/saml/azure-healthy.xml",
            "--at",
            AT,
            "--relay-state",
            &url,
        ]);
        assert_eq!(code, 0, "{url}");
        assert!(problems(&report).is_empty(), "{url}: {:?}", codes(&report));
        assert_eq!(
            report["messages"][0]["facts"]["connect"]["instance_id"],
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
        );
    }
    let policy: Value = serde_json::from_slice(
        &run(&["connect", "federation-policy", "--instance-arn", instance]).stdout,
    )
    .unwrap();
    assert_eq!(
        policy["Statement"][0]["Resource"],
        format!("{instance}/user/${{aws:userid}}")
    );
    let trust: Value = serde_json::from_slice(
        &run(&[
            "connect",
            "trust-policy",
            "--provider-arn",
            "arn:aws:iam::123456789012:saml-provider/AzureAD",
            "--regional",
            "eu-west-2",
            "--tag-session",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(
        trust["Statement"][0]["Condition"]["StringEquals"]["SAML:aud"][1],
        "https://eu-west-2.signin.aws.amazon.com/saml"
    );
    assert_eq!(trust["Statement"][0]["Action"][1], "sts:TagSession");
    for bad in [
        vec![
            "connect",
            "relay-state",
            "--instance-arn",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        ],
        vec![
            "connect",
            "relay-state",
            "--instance-arn",
            instance,
            "--destination",
            "home",
        ],
        vec![
            "connect",
            "trust-policy",
            "--provider-arn",
            "arn:aws:iam::123456789012:role/R",
        ],
    ] {
        let out = run(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert_eq!(
            String::from_utf8(out.stderr).unwrap().lines().count(),
            1,
            "{bad:?}"
        );
    }
}

#[test]
fn explain_backs_reports_and_docs() {
    let (code, all) = json(&["explain"]);
    assert_eq!(code, 0);
    let all = all.as_array().unwrap();
    assert!(all.len() >= 52, "every contract code is explained");
    // The fix in a report is the catalogue's fix (plus, at most, a sentence about this case).
    let (_, report) = json(&[
        "diagnose",
        "examples/guest-user-role-session-name-chrome.har",
    ]);
    let finding = &report["findings"][0];
    let entry = all.iter().find(|e| e["code"] == finding["code"]).unwrap();
    assert!(finding["fix"]
        .as_str()
        .unwrap()
        .starts_with(entry["fix"].as_str().unwrap()));
    assert_eq!(
        entry["aws_error"],
        "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
    );
    // docs/findings.md is generated from the same table.
    let markdown = String::from_utf8(run(&["explain", "--format", "markdown"]).stdout).unwrap();
    let committed = std::fs::read_to_string(root().join("docs/findings.md")).unwrap();
    assert_eq!(
        markdown, committed,
        "docs/findings.md is stale: run `saml-doctor explain --format markdown > docs/findings.md`"
    );
    let unknown = run(&["explain", "rolesession"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8(unknown.stderr)
        .unwrap()
        .contains("did you mean role_session_name_missing, role_session_name_invalid?"));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains("diagnose") && script.contains("relay-state"),
            "{shell}"
        );
    }
    let man = String::from_utf8(run(&["man"]).stdout).unwrap();
    assert!(man.starts_with(".ie") && man.contains(".TH saml-doctor 1"));
}

fn redact_to_string(args: &[&str]) -> (i32, String, String) {
    let out = run(args);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn redact_removes_every_planted_secret_in_every_place() {
    let planted =
        std::fs::read_to_string(root().join("tests/fixtures/har/planted-secrets.values")).unwrap();
    let planted: Vec<&str> = planted.lines().filter(|l| !l.is_empty()).collect();
    assert!(planted.len() >= 35);
    let original_xml = String::from_utf8(
        run(&["extract", "tests/fixtures/har/planted-secrets.har", "--raw"]).stdout,
    )
    .unwrap();
    // Any prefix (`ds:`), and only its start: signers may wrap long base64.
    let signature_value: String = original_xml
        .split("SignatureValue>")
        .nth(1)
        .unwrap()
        .trim_start()
        .chars()
        .take(40)
        .collect();
    assert!(
        signature_value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/'),
        "{signature_value}"
    );
    for mode in ["strip", "drop", "keep"] {
        let (code, har, stderr) = redact_to_string(&[
            "redact",
            "tests/fixtures/har/planted-secrets.har",
            "--saml",
            mode,
            "--report",
        ]);
        assert_eq!(code, 0, "{mode}: {stderr}");
        for value in &planted {
            assert!(!har.contains(value), "--saml {mode}: {value} survived");
            assert!(
                !stderr.contains(value),
                "--saml {mode}: the report printed {value}"
            );
        }
        let doc: Value = serde_json::from_str(&har).expect("the output is JSON");
        assert_eq!(
            doc["log"]["entries"].as_array().unwrap().len(),
            5,
            "every entry kept"
        );
        assert_eq!(doc["log"]["version"], "1.2");
        assert!(
            har.contains("[redacted: cookie]")
                && har.contains("[redacted: password]")
                && har.contains("[redacted: jwt]")
        );
        assert!(
            stderr.contains("cookie") && stderr.contains("request.cookies"),
            "{stderr}"
        );
        // The redacted capture is still a capture saml-doctor reads.
        let tmp = std::env::temp_dir().join(format!(
            "saml-doctor-redacted-{mode}-{}.har",
            std::process::id()
        ));
        std::fs::write(&tmp, &har).unwrap();
        let (_, report) = json(&["diagnose", tmp.to_str().unwrap()]);
        let redacted_xml =
            String::from_utf8(run(&["extract", tmp.to_str().unwrap(), "--raw"]).stdout).unwrap();
        std::fs::remove_file(&tmp).unwrap();
        match mode {
            "strip" => {
                assert!(
                    problems(&report).contains(&"role_session_name_invalid".to_owned()),
                    "{report}"
                );
                assert!(codes(&report).contains(&"saml_redacted".to_owned()));
                assert!(
                    !redacted_xml.contains(&signature_value),
                    "the SignatureValue is gone"
                );
                assert!(
                    redacted_xml.contains("jane_gmail.com#EXT#@contoso.onmicrosoft.com"),
                    "the rest is intact"
                );
            }
            "drop" => {
                assert!(!redacted_xml.contains("<samlp:Response"));
                let not_found = report["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["code"] == "saml_response_not_found")
                    .unwrap();
                assert!(
                    not_found["detail"]
                        .as_str()
                        .unwrap()
                        .contains("--saml drop"),
                    "{not_found}"
                );
            }
            _ => assert!(
                redacted_xml.contains(&signature_value),
                "--saml keep leaves the response"
            ),
        }
    }
}

#[test]
fn redact_keeps_captures_valid_and_refuses_what_is_not_one() {
    // A truncated capture gives a valid HAR of its complete entries.
    let (code, har, stderr) = redact_to_string(&["redact", "tests/fixtures/har/truncated.har"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("har_truncated"), "{stderr}");
    let doc: Value = serde_json::from_str(&har).expect("valid JSON even when the input was cut");
    assert_eq!(
        doc["log"]["entries"].as_array().unwrap().len(),
        6,
        "as many as diagnose reads"
    );
    let (_, report) = json(&["diagnose", "tests/fixtures/har/truncated.har"]);
    assert!(report["findings"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("the 6 complete entries"));
    for file in [
        "tests/fixtures/har/not-a-har.json",
        "tests/fixtures/har/empty.har",
        "tests/fixtures/har/not-json.har",
    ] {
        let (code, out, stderr) = redact_to_string(&["redact", file]);
        assert_eq!(code, 1, "{file}");
        assert!(stderr.contains("har_unreadable"), "{file}: {stderr}");
        assert!(
            out.is_empty() || serde_json::from_str::<Value>(&out).is_ok(),
            "{file}: no half-written output"
        );
    }
    // -o writes the file, and never over the input.
    let out = std::env::temp_dir().join(format!("saml-doctor-o-{}.har", std::process::id()));
    let (code, _, _) = redact_to_string(&[
        "redact",
        "examples/healthy-azure-chrome.har",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(serde_json::from_slice::<Value>(&std::fs::read(&out).unwrap()).is_ok());
    std::fs::remove_file(&out).unwrap();
    let (code, _, _) = redact_to_string(&[
        "redact",
        "examples/healthy-azure-chrome.har",
        "-o",
        "examples/healthy-azure-chrome.har",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn metadata_verifies_signatures_end_to_end() {
    let at = "2026-11-20T10:00:02Z";
    let (code, ok) = json(&[
        "diagnose",
        "tests/fixtures/signed/signxml-both-signed.xml",
        "--metadata",
        "tests/fixtures/signed/metadata-current.xml",
        "--at",
        at,
    ]);
    assert_eq!(code, 0, "{ok}");
    assert!(ok["messages"][0]["facts"]["signature"]
        .as_str()
        .unwrap()
        .contains("verified with the metadata"));
    let (code, rotated) = json(&[
        "diagnose",
        "tests/fixtures/signed/xmlsec1-signed-by-rotated-key.xml",
        "--metadata",
        "tests/fixtures/signed/metadata-current.xml",
        "--at",
        at,
    ]);
    assert_eq!(code, 1);
    assert_eq!(problems(&rotated), ["signing_cert_not_in_metadata"]);
    let (code, _) = json(&[
        "diagnose",
        "tests/fixtures/signed/xmlsec1-signed-by-rotated-key.xml",
        "--metadata",
        "tests/fixtures/signed/metadata-rotation.xml",
        "--at",
        at,
    ]);
    assert_eq!(code, 0, "the rotation's second certificate signs");
    // A HAR's responses are checked against the metadata too (the examples are signed by the
    // Azure test key, which is not in this metadata).
    let (code, har) = json(&[
        "diagnose",
        "examples/healthy-azure-chrome.har",
        "--metadata",
        "tests/fixtures/signed/metadata-current.xml",
    ]);
    assert_eq!(code, 1);
    assert_eq!(problems(&har), ["signing_cert_not_in_metadata"]);
    // Bad metadata is a usage error.
    let out = run(&[
        "diagnose",
        "examples/healthy-azure-chrome.har",
        "--metadata",
        "examples/healthy-azure-chrome.har",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().starts_with(
        "saml-doctor: --metadata examples/healthy-azure-chrome.har: the metadata is not XML"
    ));
}

#[test]
fn metadata_command_shows_what_aws_will_read() {
    let out = run(&["metadata", "tests/fixtures/signed/metadata-rotation.xml"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("entityID     https://sts.windows.net/7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b/"),
        "{text}"
    );
    assert!(
        text.contains("2 signing certificates")
            && text.contains("CN=Microsoft Azure Federated SSO Certificate (2026)")
    );
    let (code, md) = json(&["metadata", "tests/fixtures/signed/metadata-expiring.xml"]);
    assert_eq!(code, 0);
    let cert = &md["signing_certificates"][0];
    assert_eq!(cert["not_after"], "2026-12-05T00:00:00Z");
    assert_eq!(cert["key"], "RSA 2048");
    assert_eq!(cert["sha256_fingerprint"].as_str().unwrap().len(), 95);
}

#[test]
fn aws_policy_and_account_check_usage() {
    let out = run(&["aws-policy"]);
    assert_eq!(out.status.code(), Some(0));
    let policy: Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions = policy_actions(&policy);
    assert!(actions.contains(&"connect:SearchUsers") && actions.contains(&"iam:GetRole"));
    assert!(
        actions
            .iter()
            .all(|a| !a.contains('*') && *a != "connect:GetFederationToken"),
        "{actions:?}"
    );
    // Offline, each account check is one check_skipped that says what --aws would verify.
    let (_, offline) = json(&["diagnose", "examples/healthy-azure-chrome.har"]);
    let skips: Vec<&str> = offline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "check_skipped")
        .map(|f| f["detail"].as_str().unwrap())
        .collect();
    assert!(
        skips
            .iter()
            .filter(|d| d.contains("`--aws` verifies it in the account"))
            .count()
            >= 6,
        "{skips:?}"
    );
    // No credentials at all: exit 2, one line, and no attempt to reach instance metadata.
    let empty = root().join("tests/fixtures/aws-config-empty");
    let out = Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(["diagnose", "examples/healthy-azure-chrome.har", "--aws"])
        .current_dir(root())
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("saml-doctor: no AWS credentials could be loaded"),
        "{stderr}"
    );
    // Usage errors.
    for args in [
        vec![
            "diagnose",
            "examples/healthy-azure-chrome.har",
            "--aws",
            "--instance-id",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        ],
        vec![
            "diagnose",
            "examples/healthy-azure-chrome.har",
            "--profile",
            "x",
        ],
        vec![
            "diagnose",
            "examples/healthy-azure-chrome.har",
            "--aws",
            "--instance-arn",
            "not-an-arn",
        ],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// A scratch file under the target directory, for inputs made from the examples.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-captures");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn captures_saved_with_a_byte_order_mark_or_in_utf16_are_read() {
    let original =
        std::fs::read(root().join("examples/guest-user-role-session-name-chrome.har")).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    let utf16 = |bom: [u8; 2], f: fn(u16) -> [u8; 2]| -> Vec<u8> {
        bom.into_iter()
            .chain(text.encode_utf16().flat_map(f))
            .collect()
    };
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("bom.har", [b"\xEF\xBB\xBF".as_slice(), &original].concat()),
        ("utf16le.har", utf16([0xFF, 0xFE], u16::to_le_bytes)),
        ("utf16be.har", utf16([0xFE, 0xFF], u16::to_be_bytes)),
        // No .har name: recognised by its content.
        (
            "bom-capture.txt",
            [b"\xEF\xBB\xBF".as_slice(), &original].concat(),
        ),
        ("utf16-capture.txt", utf16([0xFF, 0xFE], u16::to_le_bytes)),
    ];
    for (name, bytes) in &variants {
        let path = scratch(name, bytes);
        let (code, report) = json(&["diagnose", path.to_str().unwrap()]);
        assert_eq!(code, 1, "{name}");
        assert_eq!(problems(&report), ["role_session_name_invalid"], "{name}");
        assert_eq!(report["messages"].as_array().unwrap().len(), 1, "{name}");
        let out = run_stdin(&["diagnose", "--format", "json"], bytes);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            problems(&report),
            ["role_session_name_invalid"],
            "stdin {name}"
        );
        let out = run(&["extract", path.to_str().unwrap()]);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("1 SAML message"),
            "extract {name}"
        );
    }
}

#[test]
fn a_direct_sign_in_to_connect_is_one_finding_and_the_summary_counts_what_is_shown() {
    let (code, report) = json(&["diagnose", "examples/direct-connect-login-edge.har"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["connect_direct_login"]);
    assert_eq!(report["summary"]["errors"], 1);
    let out = run(&[
        "diagnose",
        "examples/direct-connect-login-edge.har",
        "--color",
        "never",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("saml_response_not_found"), "{text}");
    assert!(
        text.contains("1 error found: 1 error, 0 warnings, 0 notes"),
        "{text}"
    );
    // A healthy capture: its skipped account checks are one block, so one note.
    for file in [
        "examples/healthy-azure-chrome.har",
        "tests/fixtures/har/two-sign-ins.har",
    ] {
        let out = run(&["diagnose", file, "--color", "never"]);
        let text = String::from_utf8(out.stdout).unwrap();
        let shown = text.matches("  NOTE ").count();
        let (_, report) = json(&["diagnose", file]);
        assert_eq!(
            report["summary"]["info"].as_u64().unwrap() as usize,
            shown,
            "{file}:\n{text}"
        );
        assert!(
            report["summary"]["skipped_checks"].as_u64().unwrap() > 1,
            "{file}"
        );
    }
}

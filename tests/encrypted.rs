//! End-to-end tests of encrypted assertions on the real binary: `diagnose --decryption-key` on
//! the encrypted fixtures (tests/fixtures/encrypted, made by xmlsec) and the encrypted example
//! capture, each case giving its finding; a healthy encrypted sign-in reading like a plaintext
//! one; key files that cannot be used stopping the run with one line; the HTML page and
//! `redact` on an encrypted response; and other libraries' encrypted and AD FS test files
//! (tests/fixtures/peers).

use serde_json::Value;

use crate::support::{json, root, run};

const ENC: &str = "tests/fixtures/encrypted";
const KEY: &str = "tests/fixtures/encrypted/keys/sp.key";
const METADATA: &str = "tests/fixtures/signed/metadata-current.xml";
const AT: &str = "2026-11-20T10:00:02Z";
const EXAMPLE: &str = "examples/encrypted-assertion-azure-chrome.har";
const PEERS: &str = "tests/fixtures/peers/ruby-saml";

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] != "check_skipped")
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn diagnose(file: &str, keys: &[&str]) -> (i32, Value) {
    let path = format!("{ENC}/{file}");
    let mut args = vec!["diagnose", &path, "--at", AT, "--metadata", METADATA];
    for k in keys {
        args.extend(["--decryption-key", k]);
    }
    json(&args)
}

/// Every line of a PEM key file's body: none may appear in any output.
fn key_lines(path: &str) -> Vec<String> {
    std::fs::read_to_string(root().join(path))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 20)
        .map(str::to_owned)
        .collect()
}

#[test]
fn each_case_gives_its_finding() {
    let cases: &[(&str, &[&str], i32, &[&str])] = &[
        ("oaep-mgf1p-sha256_aes256-gcm.xml", &[KEY], 0, &[]),
        ("oaep11-sha256-mgf1sha256_aes128-cbc.xml", &[KEY], 0, &[]),
        ("context-namespaces.xml", &[KEY], 0, &[]),
        ("key-beside-retrieval-method.xml", &[KEY], 0, &[]),
        ("encrypted-then-response-signed.xml", &[KEY], 0, &[]),
        ("rsa15_aes256-gcm.xml", &[KEY], 0, &["encryption_rsa15"]),
        // Without the key: nothing signed can be seen (an unsigned Response).
        (
            "oaep-mgf1p-sha256_aes256-gcm.xml",
            &[],
            1,
            &["signature_missing", "assertion_encrypted"],
        ),
        (
            "wrong-key.xml",
            &[KEY],
            1,
            &["signature_missing", "decryption_key_mismatch"],
        ),
        (
            "tampered-gcm.xml",
            &[KEY],
            1,
            &["signature_missing", "encrypted_assertion_altered"],
        ),
        (
            "tampered-cbc-padding.xml",
            &[KEY],
            1,
            &["signature_missing", "encrypted_assertion_altered"],
        ),
        (
            "unsupported-tripledes.xml",
            &[KEY],
            1,
            &["signature_missing", "encryption_algorithm_unsupported"],
        ),
        ("unsigned-assertion.xml", &[KEY], 1, &["signature_missing"]),
        (
            "beside-plaintext-assertion.xml",
            &[KEY],
            1,
            &["signature_invalid"],
        ),
        // The assertion decrypted is unsigned; the signed one hides in its Advice.
        (
            "wrapping-inside-ciphertext.xml",
            &[KEY],
            1,
            &["signature_missing", "signature_invalid"],
        ),
    ];
    for (file, keys, status, expected) in cases {
        let (code, report) = diagnose(file, keys);
        let message = &report["messages"][0];
        let mut got = codes(message);
        got.dedup();
        // The fixtures carry no Role or relay state of their own concern: keep the codes this
        // test is about.
        got.retain(|c| c.contains("encrypt") || c.contains("signature") || c.contains("decrypt"));
        assert_eq!(&got, expected, "{file} with {keys:?}");
        assert_eq!(code, *status, "{file}: exit status");
        assert_eq!(message["facts"]["encrypted"], true, "{file}");
    }
}

#[test]
fn a_healthy_encrypted_sign_in_reads_like_a_plaintext_one() {
    let args = [
        "diagnose",
        EXAMPLE,
        "--decryption-key",
        KEY,
        "--metadata",
        METADATA,
    ];
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    for row in [
        "RoleSessionName    jane.doe@contoso.com",
        "Role               arn:aws:iam::123456789012:role/AzureAD_Agent_Role",
        "Encrypted          AES-256-GCM, key wrapped with RSA-OAEP (SHA-256, MGF1 SHA-1); decrypted",
        "Signed             the assertion shown is covered by a valid signature",
        "no problem found",
    ] {
        assert!(text.contains(row), "{row}:\n{text}");
    }
    let (code, report) = json(&args);
    assert_eq!(code, 0);
    let e = &report["messages"][0]["facts"]["encryption"][0];
    assert_eq!(e["decrypted"], true);
    assert_eq!(
        e["content_algorithm"],
        "http://www.w3.org/2009/xmlenc11#aes256-gcm"
    );
    let key_sha256 = e["opened_with"].as_str().unwrap();
    assert_eq!(key_sha256.len(), 95, "SHA-256, colon-separated");
    assert_eq!(e["encrypted_to"][0], key_sha256);
    // The same capture without its key: encrypted, and said how to open it.
    let (_, report) = json(&["diagnose", EXAMPLE]);
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "assertion_encrypted")
        .unwrap();
    assert!(f["fix"].as_str().unwrap().contains("--decryption-key"));
}

#[test]
fn key_material_is_in_no_output() {
    let lines = key_lines(KEY);
    for format in ["text", "json", "html"] {
        let out = run(&[
            "diagnose",
            EXAMPLE,
            "--decryption-key",
            KEY,
            "--format",
            format,
        ]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for l in &lines {
            assert!(
                !all.contains(l.as_str()),
                "{format}: a key line in the output"
            );
        }
        assert!(!all.contains("PRIVATE KEY"), "{format}");
    }
    let html = String::from_utf8(
        run(&[
            "diagnose",
            EXAMPLE,
            "--decryption-key",
            KEY,
            "--format",
            "html",
        ])
        .stdout,
    )
    .unwrap();
    assert!(html.contains("Encrypted assertion: AES-256-GCM"), "{html}");
    assert!(!html.contains("CipherValue") && !html.contains("<saml:Assertion"));
}

#[test]
fn a_key_file_that_cannot_be_used_is_one_line_and_exit_2() {
    let enc = format!("{ENC}/oaep-mgf1p-sha1_aes256-gcm.xml");
    /// Flags, environment, and the words stderr must hold.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (&["--decryption-key", "no/such.pem"], &[], "cannot read it"),
        (&["--decryption-key", METADATA], &[], "no PEM private key"),
        (
            &["--decryption-key", "tests/fixtures/encrypted/keys/sp.crt"],
            &[],
            "found CERTIFICATE",
        ),
        (
            &[
                "--decryption-key",
                "tests/fixtures/encrypted/keys/sp-scrypt.key",
                "--decryption-key-pass-env",
                "SAML_DOCTOR_TEST_PASS",
            ],
            &[("SAML_DOCTOR_TEST_PASS", "not the passphrase")],
            "passphrase does not open the key",
        ),
        (
            &[
                "--decryption-key",
                "tests/fixtures/encrypted/keys/sp-pbkdf2-sha256.key",
                "--decryption-key-pass-env",
                "SAML_DOCTOR_UNSET_VARIABLE",
            ],
            &[],
            "is not set",
        ),
    ];
    for (flags, env, words) in cases {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_saml-doctor"));
        cmd.current_dir(root())
            .args(["diagnose", &enc])
            .args(*flags);
        for (k, v) in *env {
            cmd.env(k, v);
        }
        let out = cmd.stdin(std::process::Stdio::null()).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{flags:?}: {stderr}");
        assert!(stderr.contains(words), "{flags:?}: {stderr}");
        assert!(out.stdout.is_empty());
        for l in key_lines("tests/fixtures/encrypted/keys/sp-scrypt.key") {
            assert!(!stderr.contains(&l));
        }
    }
    // The passphrase from the environment opens an encrypted key; two keys are tried both.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .current_dir(root())
        .args(["diagnose", &enc, "--at", AT, "--format", "json"])
        .args(["--decryption-key", "tests/fixtures/encrypted/keys/sp2.key"])
        .args([
            "--decryption-key",
            "tests/fixtures/encrypted/keys/sp-pbkdf2-sha256.key",
        ])
        .args(["--decryption-key-pass-env", "SAML_DOCTOR_TEST_PASS"])
        .env("SAML_DOCTOR_TEST_PASS", "saml-doctor test passphrase")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["messages"][0]["facts"]["encryption"][0]["decrypted"],
        true
    );
}

#[test]
fn redact_strips_the_ciphertext_and_writes_no_plaintext() {
    let out_path = root().join("target/encrypted-redacted.har");
    let out = run(&["redact", EXAMPLE, "-o", out_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let redacted = out_path.to_str().unwrap();
    // The ciphertext is gone: with the key, nothing decrypts, and the report says why.
    let (_, report) = json(&["diagnose", redacted, "--decryption-key", KEY]);
    let m = &report["messages"][0];
    let got = codes(m);
    assert!(got.contains(&"saml_redacted".to_owned()), "{got:?}");
    assert!(!got.contains(&"decryption_key_mismatch".to_owned()));
    assert_eq!(m["facts"]["encryption"][0]["decrypted"], false);
    assert!(m["facts"]["role_session_name"].is_null());
    // No decrypted assertion was written: the SAMLResponse holds no Assertion element.
    let xml = String::from_utf8(run(&["extract", redacted, "--raw"]).stdout).unwrap();
    assert!(!xml.contains("AttributeStatement"), "{xml}");
}

#[test]
fn other_libraries_ad_fs_and_encrypted_files() {
    let metadata = format!("{PEERS}/adfs-metadata.xml");
    // A KeyInfo certificate that does not parse: a warning when the metadata's key verifies…
    for file in [
        "adfs_response_sha256.xml",
        "adfs_response_sha512.xml",
        "adfs_response_xmlns.xml",
    ] {
        let path = format!("{PEERS}/{file}");
        let (_, report) = json(&[
            "diagnose",
            &path,
            "--metadata",
            &metadata,
            "--at",
            "2011-06-22T12:49:31Z",
        ]);
        let m = &report["messages"][0];
        let got = codes(m);
        assert!(
            got.contains(&"signing_cert_unreadable".to_owned()),
            "{file}: {got:?}"
        );
        assert!(
            !got.contains(&"signature_invalid".to_owned()),
            "{file}: {got:?}"
        );
        assert_eq!(m["facts"]["assertion_signed"], true, "{file}");
        // …and still signature_invalid without it: KeyInfo's key is all there is.
        let (_, report) = json(&["diagnose", &path, "--at", "2011-06-22T12:49:31Z"]);
        assert!(
            codes(&report).contains(&"signature_invalid".to_owned()),
            "{file}"
        );
    }
    // A digest URI no specification defines: refused, naming the standard one.
    let path = format!("{PEERS}/adfs_response_sha384.xml");
    let (_, report) = json(&["diagnose", &path, "--metadata", &metadata]);
    let detail = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "signature_invalid")
        .map(|f| f["detail"].as_str().unwrap().to_owned())
        .unwrap();
    assert!(detail.contains("xmldsig-more#sha384"), "{detail}");
    // An encrypted assertion with a signature inside, in a signed Response: both verify.
    let path = format!("{PEERS}/signed_message_encrypted_signed_assertion.xml");
    let (_, report) = json(&[
        "diagnose",
        &path,
        "--metadata",
        &format!("{PEERS}/simplesaml-metadata.xml"),
        "--decryption-key",
        &format!("{PEERS}/ruby-saml.key"),
        "--at",
        "2015-03-19T14:02:13Z",
    ]);
    let facts = &report["messages"][0]["facts"];
    assert_eq!(facts["encryption"][0]["decrypted"], true);
    assert_eq!(facts["response_signed"], true);
    assert_eq!(facts["assertion_signed"], true);
    let summary = facts["signature"].as_str().unwrap();
    assert_eq!(
        summary
            .matches("verified with the metadata's certificate")
            .count(),
        2,
        "{summary}"
    );
    assert!(!codes(&report).iter().any(|c| c.contains("signature")));
}

/// The passphrase prompt on a terminal (a pseudo-terminal made by util-linux `script`): asked
/// on the terminal, not echoed, and the key opened. Skipped with a note where `script` is not.
#[test]
fn the_passphrase_is_asked_on_the_terminal_without_echo() {
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("note: util-linux `script` is not installed: the prompt test did not run");
        return;
    }
    let command = format!(
        "{} diagnose {ENC}/oaep-mgf1p-sha1_aes256-gcm.xml --at {AT} --format json --decryption-key {ENC}/keys/sp-pbkdf2-sha256.key",
        env!("CARGO_BIN_EXE_saml-doctor")
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Typed once the prompt is up (echo is off by then), as a person would.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"saml-doctor test passphrase\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("Passphrase for "), "{shown}");
    assert!(
        !shown.contains("test passphrase"),
        "the passphrase was echoed"
    );
    assert!(shown.contains("\"decrypted\": true"), "{shown}");
}

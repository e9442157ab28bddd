//! How another Rust program embeds saml-core: decode what a user pasted, parse it, run the
//! offline rules, and act on the findings by code. Run it from the repository root:
//!
//! ```text
//! cargo run -p embed-saml-core -- examples/guest-user-samlresponse.txt 2024-05-14T09:31:09Z
//! ```

use std::process::ExitCode;

use saml_core::model::{self, Message};
use saml_core::{decode, rules, AsOf, AsOfSource, Code, RelayStateInput, Severity, Timestamp};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "examples/guest-user-samlresponse.txt".into());
    let at = args.next().unwrap_or_else(|| "2024-05-14T09:31:09Z".into());

    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let as_of = AsOf {
        instant: Timestamp::parse(&at).expect("an RFC 3339 time"),
        source: AsOfSource::Given,
    };

    // Step by step: each stage is a pure function with a typed result.
    let decoded = match decode::decode(&bytes) {
        Ok(d) => d,
        Err(e) => {
            println!("{}: {e}", e.code());
            return ExitCode::from(1);
        }
    };
    println!(
        "decoded {} base64 characters (URL-decoded {} time(s))",
        decoded.encoded_chars.unwrap_or(0),
        decoded.transport.url_decoding_rounds
    );
    let response = match model::parse(&decoded.xml) {
        Ok(Message::Response(r)) => r,
        Ok(Message::Other { element, .. }) => {
            println!("not a Response but a {element}");
            return ExitCode::from(1);
        }
        Err(e) => {
            println!("saml_not_xml: {e}");
            return ExitCode::from(1);
        }
    };
    let assertion = response.assertions.first();
    println!("issuer: {}", response.issuer.as_deref().unwrap_or("?"));
    if let Some(name) = assertion.and_then(|a| a.attribute_values(rules::ATTR_ROLE_SESSION_NAME)) {
        println!("RoleSessionName: {}", name.join(", "));
    }

    let mut findings = rules::check_response(&response, &as_of);
    findings.extend(rules::check_relay_state(&RelayStateInput::Unknown));
    for f in &findings {
        println!(
            "[{}] {}: {}\n    fix: {}",
            f.severity, f.code, f.detail, f.fix
        );
    }
    // Act on a code, as a script or a support bot would.
    if findings
        .iter()
        .any(|f| f.code == Code::RoleSessionNameInvalid)
    {
        println!("=> map RoleSessionName from user.mail in the identity provider");
    }
    // Or use the one-call form, which also turns decoding errors into findings and verifies
    // signatures (against the certificate the response carries, or given metadata).
    let report = saml_core::diagnose(&bytes, as_of, RelayStateInput::Unknown);
    for f in &findings {
        assert!(
            report.codes().contains(&f.code),
            "the one-call form finds {} too",
            f.code
        );
    }
    if let Some(signature) = &report.facts.signature {
        println!("signature: {signature}");
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    println!("{errors} error(s)");
    ExitCode::SUCCESS
}

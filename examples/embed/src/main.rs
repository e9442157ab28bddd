//! How another Rust program embeds saml-doctor's diagnosis: give `saml-diagnosis` a browser's HAR
//! capture, get typed findings back, act on them by code; then run the checks in the AWS account
//! (here on recorded AWS responses, through the real SDK clients) and act on those too. Run it
//! from the repository root:
//!
//! ```text
//! cargo run -p embed-saml-doctor -- examples/healthy-azure-chrome.har examples/embed/recorded
//! ```

mod replay;

use std::path::PathBuf;
use std::process::ExitCode;

use saml_core::{Code, Severity};
use saml_diagnosis::account::{check_account, AccountOptions, SdkAccounts};
use saml_diagnosis::{diagnose_capture, Diagnosis, Options, Quiet, ReadMode};

/// What this program does about a finding, by its stable code.
fn act_on(d: &Diagnosis) -> Vec<String> {
    let mut actions = Vec::new();
    for f in &d.findings {
        match f.code {
            Code::RoleSessionNameInvalid => actions.push(format!(
                "open a ticket for the identity team: map RoleSessionName from user.mail ({})",
                f.detail
            )),
            Code::ConnectUserCaseMismatch => actions.push(format!(
                "rename the Amazon Connect user {} to {}, as the identity provider sends it",
                f.evidence.get("connect_username").unwrap_or("?"),
                f.evidence.get("role_session_name").unwrap_or("?"),
            )),
            Code::ConnectUserNotFound => {
                actions.push("create the agent in Amazon Connect".to_owned())
            }
            _ if f.severity == Severity::Error => actions.push(format!("{}: {}", f.code, f.fix)),
            _ => {}
        }
    }
    actions
}

fn print(stage: &str, d: &Diagnosis) {
    println!(
        "{stage}: {} error(s), {} warning(s)",
        d.summary.errors, d.summary.warnings
    );
    for f in d.findings.iter().filter(|f| f.code != Code::CheckSkipped) {
        println!("  {} {} · {}", f.severity, f.code, f.title);
    }
    let skipped = d
        .findings
        .iter()
        .filter(|f| f.code == Code::CheckSkipped)
        .count();
    println!("  ({skipped} check(s) not run)");
    for action in act_on(d) {
        println!("  -> {action}");
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let capture = args
        .next()
        .unwrap_or_else(|| "examples/healthy-azure-chrome.har".into());
    let recorded = args.next().map(PathBuf::from);

    // Offline: the capture in, a typed report out.
    let file = match std::fs::File::open(&capture) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{capture}: {e}");
            return ExitCode::from(2);
        }
    };
    let reader = Box::new(std::io::BufReader::new(file));
    let options = Options::default();
    let mut diagnosis = match diagnose_capture(
        capture.clone(),
        reader,
        ReadMode::ReadAhead,
        &options,
        &mut Quiet,
    ) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    print("offline", &diagnosis);

    // With the account: the SDK on recorded responses (any SdkConfig works: a profile's, or one
    // with an endpoint override or an HTTP client of the caller's, as here).
    if let Some(dir) = recorded {
        let config = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(
                    aws_credential_types::Credentials::new(
                        "AKIDEXAMPLE",
                        "recorded",
                        None,
                        None,
                        "recorded",
                    ),
                ),
            )
            .http_client(replay::Replay::client(dir))
            .build();
        let accounts = SdkAccounts::from_config(config);
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("cannot start a runtime: {e}");
                return ExitCode::from(2);
            }
        };
        runtime.block_on(check_account(
            &mut diagnosis,
            &accounts,
            &AccountOptions::default(),
            options.metadata.as_ref(),
        ));
        print("with the account", &diagnosis);
    }
    ExitCode::from(u8::from(diagnosis.has_errors()))
}

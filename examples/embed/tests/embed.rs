//! The embedding example does what its documentation says, on the shipped capture and recordings:
//! offline the healthy capture has no error and its account checks are not run; with the recorded
//! account, the Connect user found only in another case is the one error, and the program acts on
//! it by code.

use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_embed"))
        .args(args)
        .current_dir(root)
        .output()
        .expect("the example runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn offline_the_healthy_capture_has_no_error_and_the_account_checks_wait() {
    let (status, out) = run(&["examples/healthy-azure-chrome.har"]);
    assert_eq!(status, 0, "{out}");
    assert!(
        out.starts_with("offline: 0 error(s), 0 warning(s)"),
        "{out}"
    );
    assert!(out.contains("7 check(s) not run"), "{out}");
    assert!(!out.contains("with the account"), "{out}");
}

#[test]
fn the_recorded_account_shows_the_case_mismatch_and_the_program_acts_on_it() {
    let (status, out) = run(&[
        "examples/healthy-azure-chrome.har",
        "examples/embed/recorded",
    ]);
    assert_eq!(status, 1, "{out}");
    let account = out
        .split("with the account")
        .nth(1)
        .expect("a second stage");
    assert!(account.starts_with(": 1 error(s)"), "{out}");
    assert!(
        account.contains("error connect_user_case_mismatch"),
        "{out}"
    );
    assert!(
        account.contains(
            "-> rename the Amazon Connect user Jane.Doe@contoso.com to jane.doe@contoso.com"
        ),
        "{out}"
    );
    // Every check ran: the provider's metadata became the trust anchor, the organization's
    // policies answered (no organization), nothing was left skipped.
    assert!(account.contains("(0 check(s) not run)"), "{out}");
}

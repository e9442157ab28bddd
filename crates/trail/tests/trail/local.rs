//! The local engine over the example organization trail (`examples/cloudtrail`, written by
//! `scripts/make-trail-fixtures.py`) and saved `lookup-events` output: every cause, the Connect
//! refusal after a successful AssumeRoleWithSAML, duplicates, recovery, the window, and the
//! damaged and foreign files reported as warnings.

use std::path::PathBuf;

use saml_core::Timestamp;
use trail::{analyze, Input, Options, Report, WarningKind, Window};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(paths: &[&str], window: Window) -> Report {
    let inputs: Vec<Input> = paths.iter().map(|p| Input::Path(root().join(p))).collect();
    analyze(
        &inputs,
        &Options {
            window,
            threads: Some(3),
        },
    )
}

fn cause<'a>(report: &'a Report, code: &str) -> &'a trail::CauseReport {
    report
        .causes
        .iter()
        .find(|c| c.code.as_str() == code)
        .unwrap_or_else(|| panic!("no cause {code}"))
}

fn user<'a>(report: &'a Report, name: &str) -> &'a trail::UserReport {
    report
        .users
        .iter()
        .find(|u| u.user == name)
        .unwrap_or_else(|| panic!("no user {name}"))
}

#[test]
fn the_example_trail_folder() {
    let r = run(&["examples/cloudtrail"], Window::default());
    // 25 sign-in attempts: 20 AssumeRoleWithSAML (the duplicated file's count once), one Connect
    // refusal with no sign-in of its own, two Identity Center failures and two successes (a
    // password sign-in to Identity Center is not a SAML one).
    assert_eq!(r.sign_ins.attempts, 25);
    assert_eq!(r.sign_ins.failed, 20);
    // Most frequent first.
    assert_eq!(r.causes[0].code.as_str(), "signature_invalid");
    assert_eq!(r.causes[0].count, 4);
    assert_eq!(r.causes[0].users, 3);
    // bob: authenticated by STS, refused by Connect: one failed sign-in with the Connect cause,
    // not a success; the refusal a day later with no sign-in within 12 hours is another.
    let bob = user(&r, "bob@example.com");
    assert_eq!((bob.failures, bob.recovered), (2, false));
    assert_eq!(cause(&r, "connect_user_not_found").count, 2);
    // carol was refused twice for the same sign-in: one failure; she signed in the next day.
    let carol = user(&r, "carol@example.com");
    assert_eq!((carol.failures, carol.recovered), (1, true));
    assert_eq!(cause(&r, "federation_token_not_allowed").count, 1);
    // The guest user's two failures were delivered twice (org trail and account trail).
    let jane = user(&r, "jane_gmail.com#EXT#@contoso.onmicrosoft.com");
    assert_eq!((jane.failures, jane.recovered), (2, true));
    assert_eq!(cause(&r, "role_session_name_invalid").count, 2);
    // Every message of the table, and one no rule knows, kept verbatim.
    for code in [
        "issuer_mismatch",
        "iam_trust_policy_denies",
        "assertion_too_old",
        "iam_provider_not_found",
        "audience_not_aws",
        "session_duration_exceeds_role_max",
        "role_session_name_missing",
        "source_identity_invalid",
        "idc_user_not_found",
        "idc_signature_invalid",
    ] {
        assert_eq!(cause(&r, code).count, 1, "{code}");
    }
    let unknown = cause(&r, "unknown");
    assert_eq!(
        unknown.messages,
        ["Something went wrong that no rule knows (ExampleNewError)"]
    );
    assert!(unknown.fix.contains("saml-doctor diagnose"));
    // A failed event without userName nor roleSessionName is nobody we can name.
    assert_eq!(user(&r, "(unknown)").codes[0].as_str(), "signature_invalid");
    // Identity Center: oscar failed, then signed in through the identity provider.
    assert!(user(&r, "oscar@example.com").recovered);
    // The fix is the catalogue's, and accounts, roles and providers are listed per cause.
    let sig = cause(&r, "signature_invalid");
    assert!(sig
        .fix
        .contains("Upload the identity provider's current metadata"));
    assert_eq!(sig.accounts, ["111122223333"]);
    assert_eq!(
        sig.identity_providers,
        ["arn:aws:iam::111122223333:saml-provider/AzureAD"]
    );
    // The truncated delivery is a warning naming it; the digest folder is not read.
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].kind, WarningKind::CorruptGzip);
    assert!(r.warnings[0]
        .file
        .as_deref()
        .unwrap()
        .ends_with("TruncatedExample.json.gz"));
    // Per day, for the chart.
    let day7: u64 = r
        .per_day
        .iter()
        .filter(|d| d.day == "2024-05-07")
        .map(|d| d.count)
        .sum();
    assert_eq!(day7, 12);
}

#[test]
fn lookup_events_output_and_a_plain_log_file() {
    let r = run(
        &[
            "crates/trail/testdata/lookup-events.json",
            "crates/trail/testdata/trail-log.json",
        ],
        Window::default(),
    );
    assert_eq!(r.events_read, 4 + 3);
    assert_eq!(r.sign_ins.attempts, 3 + 2);
    assert_eq!(r.sign_ins.failed, 2 + 1);
    assert_eq!(
        user(&r, "tina@example.com").codes[0].as_str(),
        "connect_user_not_found"
    );
    assert!(user(&r, "sam@example.com").recovered);
    // AWS's sample: the failure came after the success.
    assert!(!user(&r, "SamlExample").recovered);
    assert!(r.warnings.is_empty());
}

#[test]
fn the_window_and_foreign_files() {
    let t = |s| Some(Timestamp::parse(s).unwrap());
    let r = run(
        &[
            "examples/cloudtrail",
            "crates/trail/testdata/not-cloudtrail.json",
            "crates/trail/testdata/no-such-file.json",
        ],
        Window {
            since: t("2024-05-07T00:00:00Z"),
            until: t("2024-05-08T00:00:00Z"),
        },
    );
    assert_eq!(r.sign_ins.failed, 12);
    assert!(r.per_day.iter().all(|d| d.day == "2024-05-07"));
    let kinds: Vec<WarningKind> = r.warnings.iter().map(|w| w.kind).collect();
    assert!(kinds.contains(&WarningKind::NotCloudTrail), "{kinds:?}");
    assert!(kinds.contains(&WarningKind::Unreadable), "{kinds:?}");
    let empty = run(
        &["examples/cloudtrail"],
        Window {
            since: t("2030-01-01T00:00:00Z"),
            until: None,
        },
    );
    assert_eq!(empty.sign_ins.attempts, 0);
    assert!(empty
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::EmptyWindow));
}

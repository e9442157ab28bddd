//! Every fixture under tests/fixtures/saml triggers the code in its file name; healthy ones
//! (one per IdP shape) trigger no error and no warning. Fixtures are made by
//! scripts/make-saml-fixtures.py and judged at the instant it names.

use std::fs;
use std::path::PathBuf;

use saml_core::{diagnose, AsOf, AsOfSource, Code, RelayStateInput, Report, Severity, Timestamp};

const AT: &str = "2024-05-14T09:31:09Z";

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/saml");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn run(input: &[u8]) -> Report {
    let as_of = AsOf {
        instant: Timestamp::parse(AT).unwrap(),
        source: AsOfSource::Given,
    };
    diagnose(input, as_of, RelayStateInput::Unknown)
}

fn problems(report: &Report) -> Vec<Code> {
    report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.code)
        .collect()
}

#[test]
fn each_fixture_triggers_its_code_and_nothing_else_that_is_wrong() {
    let mut seen = Vec::new();
    for (name, bytes) in fixtures() {
        let stem = name.split('.').next().unwrap();
        let report = run(&bytes);
        if stem.ends_with("-healthy") {
            assert!(
                problems(&report).is_empty(),
                "{name}: {:#?}",
                report.findings
            );
            assert!(
                report.findings.iter().all(|f| f.code == Code::CheckSkipped),
                "{name}: {:#?}",
                report.findings
            );
            continue;
        }
        let code =
            Code::from_name(stem).unwrap_or_else(|| panic!("{name} is not named after a code"));
        let codes = report.codes();
        assert!(
            codes.contains(&code),
            "{name}: expected {code}, got {codes:?}"
        );
        // Isolation: besides the code under test, only info findings.
        // An unsigned Response whose only assertion is encrypted is also `signature_missing`:
        // nothing in it can be shown as signed (issue 13).
        let others: Vec<_> = problems(&report)
            .into_iter()
            .filter(|c| *c != code)
            .filter(|c| !(code == Code::AssertionEncrypted && *c == Code::SignatureMissing))
            .collect();
        assert!(others.is_empty(), "{name}: also raised {others:?}");
        let finding = report.findings.iter().find(|f| f.code == code).unwrap();
        assert!(!finding.detail.is_empty() && !finding.fix.is_empty());
        seen.push(code);
    }
    // Every offline code of the contract has a fixture.
    let offline = [
        Code::SamlNotBase64,
        Code::SamlNotXml,
        Code::SamlNotAResponse,
        Code::SamlTooLarge,
        Code::SamlSchemaInvalid,
        Code::StatusNotSuccess,
        Code::AssertionMissing,
        Code::AssertionEncrypted,
        Code::DestinationNotAws,
        Code::RecipientNotAws,
        Code::AudienceNotAws,
        Code::NameIdMissing,
        Code::SubjectConfirmationInvalid,
        Code::SignatureMissing,
        Code::SignatureSha1,
        Code::AssertionExpired,
        Code::AssertionNotYetValid,
        Code::AssertionTooOld,
        Code::ClockSkew,
        Code::SessionExpired,
        Code::RoleAttributeMissing,
        Code::RoleValueMalformed,
        Code::RoleProviderAccountMismatch,
        Code::MultipleRoles,
        Code::RoleSessionNameMissing,
        Code::RoleSessionNameInvalid,
        Code::SessionDurationInvalid,
        Code::PrincipalTagInvalid,
        Code::SourceIdentityInvalid,
        Code::RelayStateMissing,
        Code::RelayStateMalformed,
        Code::RelayStateDestinationNotEncoded,
    ];
    for code in offline {
        assert!(seen.contains(&code), "no fixture for {code}");
    }
}

#[test]
fn the_seeds_guest_user_gets_the_seeds_fix() {
    let (_, bytes) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "role_session_name_invalid.b64")
        .unwrap();
    let report = run(&bytes);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == Code::RoleSessionNameInvalid)
        .unwrap();
    assert!(
        f.detail
            .contains("jane_gmail.com#EXT#@contoso.onmicrosoft.com"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("'#'"), "{}", f.detail);
    assert!(
        f.fix.contains("user.mail") && f.fix.contains("user.userprincipalname"),
        "{}",
        f.fix
    );
    assert!(f.fix.contains("guest"), "{}", f.fix);
    assert_eq!(
        report.facts.role_session_name.as_deref(),
        Some("jane_gmail.com#EXT#@contoso.onmicrosoft.com")
    );
}

#[test]
fn facts_read_the_same_whatever_the_idp_writes() {
    for (name, bytes) in fixtures()
        .into_iter()
        .filter(|(n, _)| n.contains("-healthy"))
    {
        let facts = run(&bytes).facts;
        assert!(facts.issuer.is_some(), "{name}");
        assert!(facts.name_id.is_some(), "{name}");
        assert_eq!(facts.role_pairs().len(), 1, "{name}");
        assert!(facts.role_session_name.is_some(), "{name}");
        assert_eq!(
            facts.recipient.as_deref(),
            Some("https://signin.aws.amazon.com/saml"),
            "{name}"
        );
        assert!(
            facts.not_on_or_after.is_some() && facts.issue_instant.is_some(),
            "{name}"
        );
        assert!(facts.assertion_signed, "{name}");
    }
}

#[test]
fn status_error_reports_nested_codes_and_message() {
    let (_, bytes) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "status_not_success.xml")
        .unwrap();
    let f = run(&bytes)
        .findings
        .into_iter()
        .find(|f| f.code == Code::StatusNotSuccess)
        .unwrap();
    assert!(
        f.detail.contains("status:Requester") && f.detail.contains("RequestDenied"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("AADSTS50105"));
    assert!(f.fix.contains("AADSTS50105"));
}

#[test]
fn time_rules_name_the_source_of_the_instant() {
    let (_, bytes) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "azure-healthy.xml")
        .unwrap();
    // Judged a day later with no capture time, the same response is expired and too old, and
    // the finding says the instant is "now".
    let as_of = AsOf {
        instant: Timestamp::parse("2024-05-15T09:31:09Z").unwrap(),
        source: AsOfSource::Now,
    };
    let report = diagnose(&bytes, as_of, RelayStateInput::Unknown);
    let expired = report
        .findings
        .iter()
        .find(|f| f.code == Code::AssertionExpired)
        .unwrap();
    assert!(
        expired.detail.contains("no capture time"),
        "{}",
        expired.detail
    );
    assert!(report.codes().contains(&Code::AssertionTooOld));
}

#[test]
fn report_serializes_with_contract_fields() {
    let (_, bytes) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "role_session_name_invalid.b64")
        .unwrap();
    let json = serde_json::to_value(run(&bytes)).unwrap();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "role_session_name_invalid")
        .unwrap();
    for field in ["code", "severity", "title", "detail", "fix", "evidence"] {
        assert!(finding.get(field).is_some(), "missing {field}");
    }
    assert_eq!(finding["severity"], "error");
    assert_eq!(
        finding["evidence"]["role_session_name"],
        "jane_gmail.com#EXT#@contoso.onmicrosoft.com"
    );
}

//! The reports of `saml-doctor audit`, from saml-audit's [`OrganizationReport`] (one account or
//! many): text for people, grouped by account, worst first ([`text()`]); JSON for scripts, as the
//! report serializes (`{accounts: [{account, findings: [{code, severity, resource, title, fix,
//! …}]}], summary}`, [`json()`]); and one self-contained HTML page ([`html()`]) under the same
//! rules as the diagnosis page, whose head, style and escaping it shares.

mod html;
mod text;

pub use html::html;
pub use text::text;

use saml_audit::{OrganizationReport, Summary};
use saml_core::Timestamp;

use crate::words::plural;

/// What an audit report is about, for its headings.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// What was audited, in words: `account 111122223333`, `the organization of 123456789012
    /// through the role SamlDoctorAudit`.
    pub subject: &'a str,
    /// The instant every time rule was judged at.
    pub judged_at: Timestamp,
}

/// The report as one JSON object (pretty-printed): the contract scripts rely on.
pub fn json(report: &OrganizationReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The audit's outcome in words, shared by the text and HTML reports.
fn verdict_words(s: &Summary) -> String {
    if s.errors > 0 {
        "sign-ins fail or will fail".to_owned()
    } else if s.warnings > 0 {
        "no error found, but see the warnings".to_owned()
    } else {
        "no problem found".to_owned()
    }
}

/// `12 accounts audited (9 healthy, 1 could not be audited; 2 not active, not audited): 3 errors,
/// 1 warning, 4 notes`.
fn counts(s: &Summary) -> String {
    let mut accounts = format!(
        "{} account{} audited ({} healthy",
        s.accounts_audited,
        plural(s.accounts_audited),
        s.accounts_healthy
    );
    if s.accounts_unreachable > 0 {
        accounts += &format!(", {} could not be audited", s.accounts_unreachable);
    }
    if s.accounts_inactive > 0 {
        accounts += &format!("; {} not active, not audited", s.accounts_inactive);
    }
    format!(
        "{accounts}): {} error{}, {} warning{}, {} note{}",
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
        s.infos,
        plural(s.infos)
    )
}

/// One account's counts: `2 errors, 1 warning, 3 notes`, or that it could not be audited.
fn account_counts(a: &saml_audit::AccountReport) -> String {
    use saml_core::Severity;
    if a.is_unreachable() {
        return "could not be audited".to_owned();
    }
    let n = |s| a.count(s);
    format!(
        "{} error{}, {} warning{}, {} note{}",
        n(Severity::Error),
        plural(n(Severity::Error)),
        n(Severity::Warning),
        plural(n(Severity::Warning)),
        n(Severity::Info),
        plural(n(Severity::Info))
    )
}

#[cfg(test)]
pub(crate) mod tests {
    //! A report to render: a faulty account (with hostile values an account could hold: a
    //! metadata entityID and a SAML:aud written to break out of the page), an account that could
    //! not be assumed, a healthy one, and an expected-names file with an invalid name.

    use saml_audit::{AccessError, AccountContext, AccountReport, OrganizationReport};
    use saml_core::aws::{AccountId, Partition};
    use saml_core::{Code, Finding};

    pub(crate) const HOSTILE: &str = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";

    pub(crate) fn report() -> OrganizationReport {
        let ctx = |id: &str| AccountContext::new(AccountId::parse(id).unwrap(), Partition::Aws);
        let faulty = ctx("111122223333");
        let f = |code: Code, resource: &str, detail: String| {
            Finding::new(code, detail)
                .with("account", "111122223333")
                .with("resource", resource.to_owned())
        };
        let provider = "arn:aws:iam::111122223333:saml-provider/Contoso";
        let mut org = OrganizationReport::new();
        org.add(AccountReport::new(
            faulty.id.clone(),
            vec![
                f(
                    Code::IamProviderMissingNextCert,
                    provider,
                    format!("{provider} does not hold the next certificate of `{HOSTILE}`"),
                ),
                f(
                    Code::TrustPolicySamlAudNotAws,
                    "arn:aws:iam::111122223333:role/Agent",
                    format!("SAML:aud `{HOSTILE}` is not an AWS sign-in endpoint"),
                ),
                f(
                    Code::IamProviderMissingCurrentCert,
                    provider,
                    "it does not hold the current certificate".into(),
                ),
                f(
                    Code::IamProviderNotTrusted,
                    provider,
                    "no role trusts it".into(),
                ),
            ],
        ));
        org.add(AccountReport::unassumable(
            &ctx("444455556666"),
            AccessError::Denied {
                action: "sts:AssumeRole",
            },
            "arn:aws:iam::444455556666:role/SamlDoctorAudit",
            "the role must exist and trust the auditor",
        ));
        org.add(AccountReport::new(ctx("777788889999").id, Vec::new()));
        org.add_input_findings(vec![Finding::new(
            Code::RoleSessionNameInvalid,
            "people.csv:3: `Jane Doe` can never be a RoleSessionName",
        )
        .with("resource", "people.csv:3")]);
        org.note_inactive();
        org
    }

    #[test]
    fn the_words_count_accounts_and_findings() {
        let r = report();
        assert_eq!(
            super::counts(r.summary()),
            "3 accounts audited (1 healthy, 1 could not be audited; 1 not active, not audited): 3 errors, 1 warning, 2 notes"
        );
        assert_eq!(
            super::verdict_words(r.summary()),
            "sign-ins fail or will fail"
        );
        let json: serde_json::Value = serde_json::from_str(&super::json(&r)).unwrap();
        assert_eq!(json["accounts"][0]["account"], "111122223333");
        assert_eq!(
            json["accounts"][0]["findings"][0]["code"],
            "iam_provider_missing_current_cert"
        );
        assert_eq!(json["summary"]["accounts_inactive"], 1);
    }
}

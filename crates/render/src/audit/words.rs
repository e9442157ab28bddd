//! The words the audit's text and HTML reports share: what was audited, the verdict, and the
//! counts of accounts and findings.

use saml_audit::{AccountReport, Summary};
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

/// The audit's outcome in words, shared by the text and HTML reports.
pub(super) fn verdict_words(s: &Summary) -> String {
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
pub(super) fn counts(s: &Summary) -> String {
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
pub(super) fn account_counts(a: &AccountReport) -> String {
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
mod tests {
    use super::super::fixture::report;

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
        let json: serde_json::Value = serde_json::from_str(&crate::audit::json(&r)).unwrap();
        assert_eq!(json["accounts"][0]["account"], "111122223333");
        assert_eq!(
            json["accounts"][0]["findings"][0]["code"],
            "iam_provider_missing_current_cert"
        );
        assert_eq!(json["summary"]["accounts_inactive"], 1);
    }
}

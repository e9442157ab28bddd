//! The audit's text report: a heading naming what was audited and when it was judged, then each
//! account with findings, worst first, its findings by severity with their fixes (the same
//! block as the diagnosis report), the expected-names file's findings, and the verdict with the
//! counts last. Healthy accounts are only counted.

use std::fmt::Write as _;

use saml_audit::OrganizationReport;
use saml_core::Finding;

use super::words::{account_counts, counts, verdict_words, Scope};
use crate::style::Style;
use crate::text::findings_block;

/// The whole text report of an audit.
pub fn text(report: &OrganizationReport, scope: &Scope<'_>, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!(
            "saml-doctor audit of {} · judged at {}",
            scope.subject, scope.judged_at
        ))
    );
    for account in report.accounts() {
        out.push('\n');
        let _ = writeln!(
            out,
            "{}",
            style.bold(&format!(
                "Account {} · {}",
                account.account,
                account_counts(account)
            ))
        );
        let findings: Vec<&Finding> = account.findings.iter().collect();
        findings_block(&mut out, &findings, style);
    }
    if !report.inputs().is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", style.bold("The audit's inputs"));
        let findings: Vec<&Finding> = report.inputs().iter().collect();
        findings_block(&mut out, &findings, style);
    }
    let s = report.summary();
    let verdict = style.verdict(s.errors, s.warnings, &verdict_words(s));
    let _ = writeln!(out, "\n{verdict}; {}", counts(s));
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::report;
    use super::*;

    #[test]
    fn accounts_worst_first_each_with_its_findings_and_the_counts_last() {
        let scope = Scope {
            subject: "the organization of 123456789012",
            judged_at: saml_core::Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
        };
        let t = text(&report(), &scope, Style::plain());
        let faulty = t
            .find("Account 111122223333 · 2 errors, 1 warning, 1 note")
            .unwrap();
        let unreachable = t
            .find("Account 444455556666 · could not be audited")
            .unwrap();
        assert!(faulty < unreachable, "{t}");
        assert!(
            !t.contains("777788889999"),
            "healthy accounts are only counted"
        );
        let current = t.find("iam_provider_missing_current_cert").unwrap();
        let next = t.find("iam_provider_missing_next_cert").unwrap();
        assert!(current < next, "errors before warnings");
        assert!(t.contains("Fix:"));
        assert!(t.contains("sts:AssumeRole"));
        assert!(t.contains("people.csv:3"));
        assert!(t.starts_with(
            "saml-doctor audit of the organization of 123456789012 · judged at 2026-06-01T00:00:00Z\n"
        ));
        assert!(
            t.trim_end().ends_with("3 errors, 1 warning, 2 notes"),
            "{t}"
        );
    }
}

//! The table of checks in the AWS account, and of every check not run: each marked checked
//! online (as expected, or with the problem found), or skipped with the reason.

use std::fmt::Write as _;

use saml_core::{Area, Code};
use saml_diagnosis::account::AccountCheck;
use saml_diagnosis::Diagnosis;

use super::placed::{provenance, Placed};
use crate::page::escape::{scrub, text};

/// Which account check a code of the account area reports on.
fn check_of(code: Code) -> Option<AccountCheck> {
    Some(match code {
        Code::ConnectInstanceNotFound | Code::ConnectInstanceNotSaml => {
            AccountCheck::ConnectInstance
        }
        Code::ConnectUserNotFound | Code::ConnectUserCaseMismatch => AccountCheck::ConnectUser,
        Code::IamProviderNotFound
        | Code::IamProviderCertMismatch
        | Code::IamProviderMetadataExpiring
        | Code::IamProviderMetadataDiffers => AccountCheck::IamProvider,
        Code::IamRoleNotFound | Code::SessionDurationExceedsRoleMax => AccountCheck::IamRole,
        Code::IamTrustPolicyDenies => AccountCheck::TrustPolicy,
        Code::FederationTokenNotAllowed | Code::FederationTokenWrongInstance => {
            AccountCheck::FederationToken
        }
        _ => return None,
    })
}

/// Every account check and every other check not run, each marked checked online or skipped
/// with the reason.
pub(super) fn account_checks(out: &mut String, d: &Diagnosis, placed: &[Placed], aws_ran: bool) {
    let Some((m, primary)) = d
        .messages
        .iter()
        .enumerate()
        .find(|(_, m)| m.primary && m.report.response().is_some())
    else {
        return;
    };
    out.push_str("<h3 id=\"checks\">Checks in the AWS account, and checks not run</h3>\n");
    out.push_str("<table class=\"checks\"><thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Outcome</th><th scope=\"col\">What it verifies, or why it did not run</th></tr></thead><tbody>\n");
    let skipped: Vec<&Placed> = placed
        .iter()
        .filter(|p| p.message.is_some() && p.finding.code == Code::CheckSkipped)
        .collect();
    for check in AccountCheck::ALL {
        let skip = skipped
            .iter()
            .find(|p| p.message == Some(m) && p.finding.check == Some(check.check()));
        let problems: Vec<&Placed> = placed
            .iter()
            .filter(|p| p.message == Some(m) && check_of(p.finding.code) == Some(check))
            .collect();
        // An IAM Identity Center sign-in has its own account checks (listed below), not these.
        let identity_center = primary
            .report
            .response()
            .is_some_and(|r| saml_core::identity_center::detect(r).is_some());
        if identity_center && skip.is_none() && problems.is_empty() {
            continue;
        }
        let (class, outcome, about) = match (skip, problems.is_empty()) {
            (Some(p), _) => (
                "skipped",
                "○ skipped".to_owned(),
                text(&scrub(without_check_name(
                    &p.finding.detail,
                    check.check().name(),
                ))),
            ),
            (None, false) => (
                "problem",
                "✗ checked online: problem found".to_owned(),
                problems
                    .iter()
                    .map(|p| {
                        format!(
                            "<a href=\"#{}\"><code>{}</code></a> {}",
                            p.id,
                            p.finding.code.as_str(),
                            text(&p.finding.title)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("<br>"),
            ),
            (None, true) if aws_ran => (
                "passed",
                "✓ checked online: as expected".to_owned(),
                text(&check.verifies(&primary.report.facts)),
            ),
            (None, true) => (
                "skipped",
                "○ not run".to_owned(),
                text(&check.verifies(&primary.report.facts)),
            ),
        };
        let _ = writeln!(
            out,
            "<tr class=\"{class}\"><th scope=\"row\">{}</th><td>{outcome}</td><td>{about}</td></tr>",
            text(check.check().name())
        );
    }
    // Account findings of checks not in the table above (other products' account checks).
    for p in placed.iter().filter(|p| {
        p.message == Some(m)
            && p.finding.code != Code::CheckSkipped
            && p.finding.code.info().area == Area::AwsAccount
            && check_of(p.finding.code).is_none()
    }) {
        let _ = writeln!(
            out,
            "<tr class=\"problem\"><th scope=\"row\">{}</th><td>✗ {}: problem found</td><td><a href=\"#{}\"><code>{}</code></a> {}</td></tr>",
            text(p.finding.code.as_str()),
            provenance(p.finding, aws_ran),
            p.id,
            p.finding.code.as_str(),
            text(&p.finding.title)
        );
    }
    let account_checks: Vec<saml_core::Check> =
        AccountCheck::ALL.iter().map(|c| c.check()).collect();
    let mut shown: Vec<(&str, &str)> = Vec::new();
    for p in &skipped {
        let check = p.finding.check.map(|c| c.name()).unwrap_or("check");
        // Account checks run for the primary message only; other checks once each.
        if p.finding.check.is_some_and(|c| account_checks.contains(&c))
            || shown.contains(&(check, &p.finding.detail))
        {
            continue;
        }
        shown.push((check, &p.finding.detail));
        let _ = writeln!(
            out,
            "<tr class=\"skipped\"><th scope=\"row\">{}</th><td>○ skipped</td><td>{}</td></tr>",
            text(check),
            text(&scrub(without_check_name(&p.finding.detail, check)))
        );
    }
    out.push_str("</tbody></table>\n<p class=\"muted\">A skipped check is not a pass. <code>saml-doctor diagnose FILE --aws</code> runs the account checks with read-only credentials (<code>saml-doctor aws-policy</code> prints the policy).</p>\n");
}

/// A skipped check's detail without the check's name, which its row already shows.
fn without_check_name<'a>(detail: &'a str, check: &str) -> &'a str {
    detail
        .strip_prefix(check)
        .and_then(|d| d.strip_prefix(": "))
        .unwrap_or(detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use saml_core::{AsOf, AsOfSource, Finding, RelayStateInput, Timestamp};
    use saml_diagnosis::MessageReport;

    const RESPONSE: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1" IssueInstant="2024-05-14T09:31:07Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_2"/></samlp:Response>"#;

    fn diagnosis(account: Vec<Finding>, offline_skips: bool) -> Diagnosis {
        let mut report = saml_core::diagnose_xml(
            RESPONSE,
            AsOf {
                instant: Timestamp::parse("2024-05-14T09:31:09Z").unwrap(),
                source: AsOfSource::Given,
            },
            RelayStateInput::Absent,
        );
        if offline_skips {
            saml_diagnosis::add_account_skips(&mut report);
        }
        report.findings.extend(account);
        Diagnosis::new(
            "test".into(),
            Vec::new(),
            vec![MessageReport::standalone(report)],
        )
    }

    fn checks_table(d: &Diagnosis, aws_ran: bool) -> String {
        let placed = crate::html::placed::place(d, None);
        let mut out = String::new();
        super::super::findings::section(&mut out, d, &placed, aws_ran);
        out
    }

    #[test]
    fn account_checks_are_marked_online_or_skipped_with_the_reason() {
        // Offline: every account check is a skip saying why.
        let offline = checks_table(&diagnosis(Vec::new(), true), false);
        assert!(offline.matches("○ skipped").count() >= 6, "{offline}");
        assert!(offline.contains("not run offline"));
        assert!(!offline.contains("checked online"));

        // With --aws: one check found a problem, the others passed; the finding is marked online.
        let user = Finding::new(Code::ConnectUserNotFound, "no user named jane");
        let online = checks_table(&diagnosis(vec![user], false), true);
        assert!(
            online.contains("✗ checked online: problem found"),
            "{online}"
        );
        assert_eq!(online.matches("✓ checked online: as expected").count(), 5);
        assert!(online.contains("<span class=\"prov\">checked online</span>"));
        assert!(!online.contains("○ skipped</td><td>would verify"));
    }
}

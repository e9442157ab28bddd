//! The verdict and the findings: the same codes, titles, details and fixes as the text report
//! (they come from the report's findings, whose wording is the catalogue's), each placed on the
//! timeline step it is about, and the account checks marked as checked online or skipped.

use std::fmt::Write as _;

use connect_check::AccountCheck;
use saml_core::{Area, Code, Finding, Severity};

use super::escape::{scrub, text};
use super::timeline::CaptureSteps;
use crate::render::{self, Diagnosis};

/// A finding of the run, with its anchor and the step it is about.
pub struct Placed<'a> {
    pub id: String,
    pub finding: &'a Finding,
    /// Index of the diagnosed message it is about; `None` for the capture.
    pub message: Option<usize>,
    /// The HAR entry it is about, when known.
    pub entry: Option<usize>,
    /// Shown on the timeline (skipped checks are not events of the sign-in).
    pub on_timeline: bool,
}

/// Every finding of the run, in the text report's order: the capture's, then each message's.
pub fn place<'a>(d: &'a Diagnosis, capture: Option<&CaptureSteps>) -> Vec<Placed<'a>> {
    let mut placed = Vec::new();
    for f in &d.capture_findings {
        let entry = f.entry;
        placed.push(Placed {
            id: format!("f-{}", placed.len() + 1),
            finding: f,
            message: None,
            entry,
            on_timeline: true,
        });
    }
    for (m, message) in d.messages.iter().enumerate() {
        let key = capture.and_then(|c| c.messages.get(m)).map(|s| s.key_entry);
        for f in &message.report.findings {
            placed.push(Placed {
                id: format!("f-{}", placed.len() + 1),
                finding: f,
                message: Some(m),
                entry: key,
                on_timeline: f.code != Code::CheckSkipped,
            });
        }
    }
    placed
}

pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "NOTE",
    }
}

fn glyph(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✗",
        Severity::Warning => "⚠",
        Severity::Info => "ℹ",
    }
}

/// The first screenful: the verdict in one line, its fix, and every error's code.
pub fn verdict(out: &mut String, d: &Diagnosis, placed: &[Placed]) {
    let s = &d.summary;
    // The cause before the symptom: an error in the primary response (a NameID format, say)
    // explains a capture-level error such as an error page, so it leads when there is one.
    let is_error = |p: &&Placed| p.finding.severity == Severity::Error;
    let first_error = placed
        .iter()
        .filter(is_error)
        .find(|p| p.message.is_some_and(|m| d.messages[m].primary))
        .or_else(|| placed.iter().filter(is_error).find(|p| p.message.is_none()))
        .or_else(|| placed.iter().find(is_error));
    let (class, headline) = match first_error {
        Some(p) => (
            "fail",
            format!(
                "<span aria-hidden=\"true\">✗ </span>The sign-in fails: {}",
                text(&p.finding.title)
            ),
        ),
        None if s.warnings > 0 => (
            "warn",
            "<span aria-hidden=\"true\">⚠ </span>No error found, but see the warnings".to_owned(),
        ),
        None => (
            "pass",
            "<span aria-hidden=\"true\">✓ </span>No problem found".to_owned(),
        ),
    };
    let _ = writeln!(
        out,
        "<header class=\"verdict {class}\" role=\"banner\">\n<p class=\"brand\">saml-doctor report · <span class=\"input\">{}</span></p>\n<h1>{headline}</h1>",
        text(&scrub(&d.input))
    );
    // The fix of the error (or, with none, of the first warning) the headline is about.
    let first_warning = placed
        .iter()
        .find(|p| p.finding.severity == Severity::Warning);
    match (first_error, first_warning) {
        (Some(p), _) => {
            let _ = writeln!(
                out,
                "<p class=\"fix\"><strong>Fix:</strong> {}</p>",
                text(&p.finding.fix)
            );
        }
        (None, Some(p)) => {
            let _ = writeln!(
                out,
                "<p class=\"fix\"><strong>{}:</strong> {} <strong>Fix:</strong> {}</p>",
                text(p.finding.code.as_str()),
                text(&p.finding.title),
                text(&p.finding.fix)
            );
        }
        (None, None) => {}
    }
    let _ = writeln!(
        out,
        "<p class=\"summary\"><strong>{}</strong>: {}</p>",
        text(render::verdict_words(s).as_str()),
        text(&render::counts(s))
    );
    let errors: Vec<&Placed> = placed
        .iter()
        .filter(|p| p.finding.severity != Severity::Info)
        .collect();
    if !errors.is_empty() {
        out.push_str("<ul class=\"codes\" aria-label=\"errors and warnings\">");
        for p in errors {
            let _ = write!(
                out,
                "<li class=\"sev-{}\"><a href=\"#{}\"><span class=\"sev\">{} {}</span> <code>{}</code> <span class=\"title\">{}</span></a></li>",
                p.finding.severity.as_str(),
                p.id,
                glyph(p.finding.severity),
                severity_label(p.finding.severity),
                p.finding.code.as_str(),
                text(&p.finding.title)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</header>\n");
}

/// How a finding was reached: offline, in the account, or not at all.
fn provenance(f: &Finding, aws_ran: bool) -> &'static str {
    if f.code == Code::CheckSkipped {
        "skipped"
    } else if f.code.info().area == Area::AwsAccount && aws_ran {
        "checked online"
    } else {
        "offline"
    }
}

/// Every finding in full, grouped like the text report: the capture, then each message.
pub fn section(out: &mut String, d: &Diagnosis, placed: &[Placed], aws_ran: bool) {
    out.push_str("<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings and how to fix them</h2>\n");
    let groups: Vec<(Option<usize>, String)> = std::iter::once((None, "The capture".to_owned()))
        .chain(d.messages.iter().enumerate().map(|(i, m)| {
            let mut h = if d.messages.len() > 1 {
                format!("SAMLResponse {} of {}", i + 1, d.messages.len())
            } else {
                "SAMLResponse".to_owned()
            };
            if m.primary && d.messages.len() > 1 {
                h += " (primary: the last one sent to AWS)";
            }
            if let Some(loc) = &m.location {
                h += &format!(" · {loc}");
            }
            (Some(i), h)
        }))
        .collect();
    let mut any = false;
    for (message, heading) in groups {
        let mine: Vec<&Placed> = placed
            .iter()
            .filter(|p| p.message == message && p.finding.code != Code::CheckSkipped)
            .collect();
        if mine.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(out, "<h3>{}</h3>", text(&scrub(&heading)));
        for p in mine {
            card(out, p, aws_ran);
        }
    }
    if !any {
        out.push_str("<p>No finding: every offline check passed.</p>\n");
    }
    account_checks(out, d, placed, aws_ran);
    out.push_str("</section>\n");
}

fn card(out: &mut String, p: &Placed, aws_ran: bool) {
    let f = p.finding;
    let _ = write!(
        out,
        "<article class=\"finding sev-{}\" id=\"{}\">\n<h4><span class=\"sev\">{} {}</span> <code>{}</code> · {} <span class=\"prov\">{}</span></h4>\n<p class=\"detail\">{}</p>\n<p class=\"fix\"><strong>Fix:</strong> {}</p>\n",
        f.severity.as_str(),
        p.id,
        glyph(f.severity),
        severity_label(f.severity),
        f.code.as_str(),
        text(&f.title),
        provenance(f, aws_ran),
        text(&scrub(&f.detail)),
        text(&f.fix)
    );
    if let Some(aws) = f.code.info().aws_error {
        let _ = writeln!(out, "<p class=\"aws\">AWS shows: <q>{}</q></p>", text(aws));
    }
    if let Some(e) = p.entry {
        let _ = writeln!(
            out,
            "<p class=\"muted\">About HAR entry {e}: <a href=\"#step-{e}\">see it on the timeline</a></p>"
        );
    }
    out.push_str("</article>\n");
}

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
fn account_checks(out: &mut String, d: &Diagnosis, placed: &[Placed], aws_ran: bool) {
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
    use crate::render::MessageReport;
    use saml_core::{AsOf, AsOfSource, RelayStateInput, Timestamp};

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
            crate::commands::add_account_skips(&mut report);
        }
        report.findings.extend(account);
        Diagnosis::new(
            "test".into(),
            Vec::new(),
            vec![MessageReport {
                location: None,
                primary: true,
                report,
                rerun: None,
            }],
        )
    }

    fn checks_table(d: &Diagnosis, aws_ran: bool) -> String {
        let placed = place(d, None);
        let mut out = String::new();
        section(&mut out, d, &placed, aws_ran);
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

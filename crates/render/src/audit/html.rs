//! `audit --format html`: one self-contained page. The verdict, and every error and warning code
//! with how many times it was found, fit the first screenful; then each account with findings,
//! worst first, every finding with its resource and fix; the audit's inputs; the counts.
//!
//! Under the rules of every saml-doctor page, with their head, style and escaping
//! (`crate::page`): inline CSS only, no script, no external resource, a Content-Security-Policy
//! that forbids everything else, and every value from the account (ARNs, entityIDs, usernames,
//! policy values) escaped. The verdict's headline and the finding cards' heading are the
//! diagnosis page's (`crate::html::findings`).
//! Its size grows with the findings, never with the healthy accounts (only counted).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use saml_audit::{AccountReport, OrganizationReport};
use saml_core::{Code, Finding, Severity};

use super::words::{account_counts, counts, verdict_words, Scope};
use crate::html::findings::{headline, severity_and_code};
use crate::page::escape::{scrub, text};

/// Where each finding is on the page: account `a`, finding `f` (ids made of numbers only, never
/// of a value from the account); inputs are account `None`.
fn anchor(account: Option<usize>, finding: usize) -> String {
    match account {
        Some(a) => format!("a{a}-f{finding}"),
        None => format!("in-f{finding}"),
    }
}

/// The findings of the page in order, with their anchors.
fn placed(report: &OrganizationReport) -> Vec<(String, &Finding)> {
    let accounts = report.accounts().iter().enumerate().flat_map(|(a, r)| {
        r.findings
            .iter()
            .enumerate()
            .map(move |(i, f)| (anchor(Some(a), i), f))
    });
    let inputs = report
        .inputs()
        .iter()
        .enumerate()
        .map(|(i, f)| (anchor(None, i), f));
    accounts.chain(inputs).collect()
}

/// The whole page of an audit.
pub fn html(report: &OrganizationReport, scope: &Scope<'_>) -> String {
    let placed = placed(report);
    let worst = placed
        .iter()
        .min_by_key(|(_, f)| f.severity)
        .filter(|(_, f)| f.severity != Severity::Info);
    let title = match worst {
        Some((_, f)) if f.severity == Severity::Error => {
            format!("✗ {} · saml-doctor audit", f.code.as_str())
        }
        _ => "saml-doctor audit".to_owned(),
    };
    let mut out = String::with_capacity(32 * 1024);
    crate::page::open(&mut out, &title, "");
    verdict(&mut out, report, scope, &placed, worst.map(|(_, f)| *f));
    let inputs = if report.inputs().is_empty() {
        ""
    } else {
        " <a href=\"#inputs\">Inputs</a>"
    };
    let _ = writeln!(
        out,
        "<nav aria-label=\"sections\"><a href=\"#accounts\">Accounts</a>{inputs} <a href=\"#summary\">Summary</a></nav>\n<main>"
    );
    out.push_str("<section id=\"accounts\" aria-labelledby=\"accounts-h\">\n<h2 id=\"accounts-h\">Accounts with findings, worst first</h2>\n");
    if report.accounts().is_empty() {
        out.push_str("<p>No account has a finding.</p>\n");
    }
    for (a, account) in report.accounts().iter().enumerate() {
        account_section(&mut out, a, account);
    }
    out.push_str("</section>\n");
    if !report.inputs().is_empty() {
        out.push_str("<section id=\"inputs\" aria-labelledby=\"inputs-h\">\n<h2 id=\"inputs-h\">The audit's inputs</h2>\n");
        for (i, f) in report.inputs().iter().enumerate() {
            card(&mut out, &anchor(None, i), f);
        }
        out.push_str("</section>\n");
    }
    summary(&mut out, report);
    out.push_str("</main>\n");
    crate::page::close(
        &mut out,
        &format!(
            "Made by saml-doctor {} from the audit of {}, judged at {}. Healthy accounts are counted, not listed. Finding codes are stable: <code>saml-doctor explain CODE</code> says more.",
            env!("CARGO_PKG_VERSION"),
            text(scope.subject),
            scope.judged_at
        ),
    );
    out
}

/// The first screenful: the verdict, its fix, the counts, and each error and warning code once
/// with how often it was found (bounded by the catalogue, whatever the number of accounts).
fn verdict(
    out: &mut String,
    report: &OrganizationReport,
    scope: &Scope<'_>,
    placed: &[(String, &Finding)],
    worst: Option<&Finding>,
) {
    let s = report.summary();
    let failing = worst
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("Sign-ins fail or will fail: {}", text(&f.title)));
    let (class, headline) = headline(failing, s.warnings > 0);
    let _ = writeln!(
        out,
        "<header class=\"verdict {class}\" role=\"banner\">\n<p class=\"brand\">saml-doctor audit · <span class=\"input\">{}</span></p>\n<h1>{headline}</h1>",
        text(scope.subject)
    );
    if let Some(f) = worst {
        let _ = writeln!(
            out,
            "<p class=\"fix\"><strong>Fix:</strong> {}</p>",
            text(&f.fix)
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"summary\"><strong>{}</strong>: {}</p>",
        text(&verdict_words(s)),
        text(&counts(s))
    );
    // Each code once, at its first (worst-ranked) finding.
    let mut first: BTreeMap<(Severity, Code), (&str, &Finding, usize)> = BTreeMap::new();
    for (id, f) in placed.iter().filter(|(_, f)| f.severity != Severity::Info) {
        first
            .entry((f.severity, f.code))
            .and_modify(|e| e.2 += 1)
            .or_insert((id, f, 1));
    }
    if !first.is_empty() {
        out.push_str("<ul class=\"codes\" aria-label=\"errors and warnings\">");
        for (id, f, n) in first.values() {
            let _ = write!(
                out,
                "<li class=\"sev-{}\"><a href=\"#{id}\">{} ×{n} <span class=\"title\">{}</span></a></li>",
                f.severity.as_str(),
                severity_and_code(f),
                text(&f.title)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</header>\n");
}

fn account_section(out: &mut String, a: usize, account: &AccountReport) {
    let _ = writeln!(
        out,
        "<section class=\"account\" aria-labelledby=\"a{a}-h\">\n<h3 id=\"a{a}-h\">Account <code>{}</code> · {}</h3>",
        text(account.account.as_str()),
        text(&account_counts(account))
    );
    for (i, f) in account.findings.iter().enumerate() {
        card(out, &anchor(Some(a), i), f);
    }
    out.push_str("</section>\n");
}

fn card(out: &mut String, id: &str, f: &Finding) {
    let _ = write!(
        out,
        "<article class=\"finding sev-{}\" id=\"{id}\">\n<h4>{} · {}</h4>\n<p class=\"detail\">{}</p>\n",
        f.severity.as_str(),
        severity_and_code(f),
        text(&f.title),
        text(&scrub(&f.detail)),
    );
    if let Some(resource) = f.evidence.get("resource") {
        let _ = writeln!(
            out,
            "<p class=\"muted\">Resource: <code>{}</code></p>",
            text(resource)
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"fix\"><strong>Fix:</strong> {}</p>\n</article>",
        text(&f.fix)
    );
}

fn summary(out: &mut String, report: &OrganizationReport) {
    let s = report.summary();
    out.push_str("<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n<table class=\"instants\">\n<tbody>\n");
    for (label, n) in [
        ("Accounts audited", s.accounts_audited),
        ("Healthy (no finding)", s.accounts_healthy),
        ("Could not be audited", s.accounts_unreachable),
        ("Not active, not audited", s.accounts_inactive),
        ("Errors", s.errors),
        ("Warnings", s.warnings),
        ("Notes", s.infos),
    ] {
        let _ = writeln!(out, "<tr><th scope=\"row\">{label}</th><td>{n}</td></tr>");
    }
    out.push_str("</tbody>\n</table>\n");
    if !s.by_code.is_empty() {
        out.push_str("<table class=\"instants\">\n<thead><tr><th>Code</th><th>Findings</th></tr></thead>\n<tbody>\n");
        for (code, n) in &s.by_code {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\"><code>{}</code></th><td>{n}</td></tr>",
                code.as_str()
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{report, HOSTILE};
    use super::*;
    use crate::page::{assert_inert, escape};

    fn page() -> String {
        let scope = Scope {
            subject: "the organization of 123456789012",
            judged_at: saml_core::Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
        };
        html(&report(), &scope)
    }

    #[test]
    fn hostile_account_values_are_text_and_the_page_is_inert() {
        let page = page();
        assert_inert(&page, &[]);
        assert!(!page.contains(HOSTILE));
        assert!(page.contains(&escape::text(HOSTILE)));
    }

    #[test]
    fn the_first_screenful_has_the_verdict_and_every_problem_code() {
        let page = page();
        let header = &page[..page.find("</header>").unwrap()];
        assert!(header.contains("Sign-ins fail or will fail"));
        for code in [
            "iam_provider_missing_current_cert",
            "trust_policy_saml_aud_not_aws",
            "role_session_name_invalid",
            "iam_provider_missing_next_cert",
        ] {
            assert!(header.contains(code), "{code} not in the header");
        }
        assert!(
            !header.contains("iam_provider_not_trusted"),
            "notes stay below"
        );
        assert!(header.contains("3 accounts audited"));
        // Every code links to a finding of the page.
        for link in header.split("href=\"#").skip(1) {
            let id = link.split('"').next().unwrap();
            assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
        }
    }

    #[test]
    fn accounts_worst_first_with_resources_and_healthy_ones_only_counted() {
        let page = page();
        let faulty = page.find("Account <code>111122223333</code>").unwrap();
        let unreachable = page.find("Account <code>444455556666</code>").unwrap();
        assert!(faulty < unreachable);
        assert!(!page.contains("777788889999"));
        assert!(
            page.contains("Resource: <code>arn:aws:iam::111122223333:saml-provider/Contoso</code>")
        );
        assert!(page.contains("id=\"inputs\""));
        assert!(page.contains("<th scope=\"row\">Healthy (no finding)</th><td>1</td>"));
    }
}

//! The verdict and the findings: the same codes, titles, details and fixes as the text report
//! (they come from the report's findings, whose wording is the catalogue's), each with a link to
//! the timeline step it is about.

use std::fmt::Write as _;

use saml_core::{Code, Finding, Severity};
use saml_diagnosis::Diagnosis;

use super::checks::account_checks;
use super::placed::{provenance, Placed};
use crate::page::escape::{scrub, text};
use crate::words::{counts, severity_label, verdict_words};

/// The glyph beside a severity (the word is always there too).
fn glyph(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✗",
        Severity::Warning => "⚠",
        Severity::Info => "ℹ",
    }
}

/// The verdict's class and headline: the error's words (`failing`, escaped already) when an
/// error was found, else whether there are warnings. The diagnosis and the audit pages share it.
pub(crate) fn headline(failing: Option<String>, warnings: bool) -> (&'static str, String) {
    match failing {
        Some(words) => (
            "fail",
            format!("<span aria-hidden=\"true\">✗ </span>{words}"),
        ),
        None if warnings => (
            "warn",
            "<span aria-hidden=\"true\">⚠ </span>No error found, but see the warnings".to_owned(),
        ),
        None => (
            "pass",
            "<span aria-hidden=\"true\">✓ </span>No problem found".to_owned(),
        ),
    }
}

/// A finding's severity, in glyph and word, and its code, as every list and card shows them.
pub(crate) fn severity_and_code(f: &Finding) -> String {
    format!(
        "<span class=\"sev\">{} {}</span> <code>{}</code>",
        glyph(f.severity),
        severity_label(f.severity),
        f.code.as_str()
    )
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
    let (class, headline) = headline(
        first_error.map(|p| format!("The sign-in fails: {}", text(&p.finding.title))),
        s.warnings > 0,
    );
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
        text(verdict_words(s).as_str()),
        text(&counts(s))
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
                "<li class=\"sev-{}\"><a href=\"#{}\">{} <span class=\"title\">{}</span></a></li>",
                p.finding.severity.as_str(),
                p.id,
                severity_and_code(p.finding),
                text(&p.finding.title)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</header>\n");
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
        "<article class=\"finding sev-{}\" id=\"{}\">\n<h4>{} · {} <span class=\"prov\">{}</span></h4>\n<p class=\"detail\">{}</p>\n<p class=\"fix\"><strong>Fix:</strong> {}</p>\n",
        f.severity.as_str(),
        p.id,
        severity_and_code(f),
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

//! The sign-in as it happened: the capture's steps in order (method, host, status, offset), the
//! SAML messages seen in them, the findings attached to the step they are about, and the step
//! where the sign-in broke marked.

use std::fmt::Write as _;

use har::steps::{Step, StepKind};
use har::LocationKind;
use saml_core::{Severity, Timestamp};
use saml_diagnosis::CaptureSteps;

use super::placed::Placed;
use crate::page::escape::{attr, text};

/// The `id` of a step's list item.
fn step_id(entry: usize) -> String {
    format!("step-{entry}")
}

/// The step where the sign-in broke: the first one an error finding is attached to.
pub fn broken_entry(placed: &[Placed]) -> Option<usize> {
    placed
        .iter()
        .filter(|p| p.finding.severity == Severity::Error)
        .filter_map(|p| p.entry)
        .min()
}

pub fn section(out: &mut String, capture: Option<&CaptureSteps>, placed: &[Placed]) {
    out.push_str("<section id=\"timeline\" aria-labelledby=\"timeline-h\">\n<h2 id=\"timeline-h\">The sign-in as it happened</h2>\n");
    let Some(capture) = capture else {
        out.push_str("<p class=\"muted\">The input was a SAML message, not a browser capture: there is no timeline. Diagnose a HAR export to see each step of the sign-in.</p>\n</section>\n");
        return;
    };
    let steps = &capture.steps;
    let broken = broken_entry(placed);
    let _ = writeln!(
        out,
        "<p class=\"muted\">{} of the capture's {} entr{} belong to the sign-in (identity provider, AWS sign-in, federation, console and Connect pages; scripts, images and the apps' own API calls left out){}. Times are UTC, offsets from the capture's first entry.</p>",
        steps.steps.len(),
        capture.entries,
        if capture.entries == 1 { "y" } else { "ies" },
        if steps.omitted > 0 {
            format!("; {} more were left out to keep the page short", steps.omitted)
        } else {
            String::new()
        }
    );
    out.push_str("<ol class=\"timeline\">\n");
    for step in &steps.steps {
        step_item(out, step, capture, placed, broken == Some(step.entry));
    }
    // Findings about an entry that is not a kept step, and about the capture as a whole.
    let unplaced: Vec<&Placed> = placed
        .iter()
        .filter(|p| p.on_timeline)
        .filter(|p| p.entry.is_none_or(|e| steps.for_entry(e).is_none()))
        .collect();
    let end_broken = broken.is_none_or(|e| steps.for_entry(e).is_none())
        && unplaced
            .iter()
            .any(|p| p.finding.severity == Severity::Error);
    let _ = write!(
        out,
        "<li class=\"step end{}\"><div class=\"when\"></div><div class=\"what\"><p class=\"req\"><span class=\"host\">End of the capture</span> <span class=\"muted\">after {} entr{}</span></p>",
        if end_broken { " broken" } else { "" },
        capture.entries,
        if capture.entries == 1 { "y" } else { "ies" }
    );
    if end_broken {
        out.push_str(
            "<p class=\"broke\"><span aria-hidden=\"true\">✗ </span>The sign-in broke here</p>",
        );
    }
    attached(out, &unplaced);
    out.push_str("</div></li>\n</ol>\n</section>\n");
}

fn step_item(
    out: &mut String,
    step: &Step,
    capture: &CaptureSteps,
    placed: &[Placed],
    broken: bool,
) {
    let kind_class = match step.kind {
        StepKind::IdentityProvider => "idp",
        StepKind::AwsSignIn => "aws",
        StepKind::Federation => "federate",
        StepKind::Console => "console",
        StepKind::Connect => "connect",
        StepKind::AccessPortal => "portal",
    };
    let _ = write!(
        out,
        "<li class=\"step {kind_class}{}\" id=\"{}\">",
        if broken { " broken" } else { "" },
        step_id(step.entry)
    );
    // When: offset from the capture's first entry, and the clock time.
    out.push_str("<div class=\"when\">");
    if let Some(t) = step.started {
        if let Some(first) = capture.steps.first_started {
            let _ = write!(out, "<span class=\"offset\">{}</span>", offset(t, first));
        }
        let _ = write!(
            out,
            "<time datetime=\"{}\">{}</time>",
            attr(&t.to_string()),
            text(clock(t).trim_end_matches(" UTC"))
        );
    }
    out.push_str("</div><div class=\"what\">");
    let status = match step.status {
        Some(s) if s >= 400 => format!(
            "<span class=\"status bad\" title=\"HTTP error\"><span aria-hidden=\"true\">⚠ </span>{s}</span>"
        ),
        Some(s) if (300..400).contains(&s) => {
            format!("<span class=\"status redirect\" title=\"redirect\">{s} →</span>")
        }
        Some(0) | None => "<span class=\"status\" title=\"no response recorded\">no response</span>".into(),
        Some(s) => format!("<span class=\"status ok\">{s}</span>"),
    };
    let query = if step.query_names.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = step.query_names.iter().map(|n| text(n)).collect();
        format!(
            "<span class=\"query\" title=\"query parameter names; their values are not shown\">?{}</span>",
            names.join("&amp;")
        )
    };
    let _ = write!(
        out,
        "<p class=\"req\"><span class=\"method\">{}</span> <span class=\"host\">{}</span><span class=\"path\">{}</span>{query} {status}</p>",
        text(&step.method),
        text(&step.host),
        text(&step.path),
    );
    let _ = write!(
        out,
        "<p class=\"kind\">{} <span class=\"muted\">· HAR entry {}</span>",
        step.kind.describe(),
        step.entry
    );
    let seen: Vec<(usize, LocationKind)> = capture
        .messages
        .iter()
        .enumerate()
        .flat_map(|(m, s)| {
            s.seen
                .iter()
                .filter(|(e, _)| *e == step.entry)
                .map(move |(_, k)| (m, *k))
        })
        .collect();
    for (m, kind) in &seen {
        let what = match kind {
            LocationKind::FormPost => "the browser posts the SAMLResponse",
            LocationKind::AutoPostForm => "the page's auto-post form holds the SAMLResponse",
            LocationKind::RedirectQuery => "the URL carries the SAML message",
        };
        let which = if capture.messages.len() > 1 {
            format!(" {}", m + 1)
        } else {
            String::new()
        };
        let _ = write!(out, " <span class=\"saml\">SAML{which}: {what}</span>");
    }
    for s in capture
        .messages
        .iter()
        .filter(|s| s.key_entry == step.entry && !s.posted)
    {
        let _ = s;
        out.push_str(" <span class=\"saml\">the capture never shows the browser posting it</span>");
    }
    if seen.is_empty() && step.carries_saml {
        out.push_str(" <span class=\"saml\">carries a SAML message</span>");
    }
    out.push_str("</p>");
    if broken {
        out.push_str(
            "<p class=\"broke\"><span aria-hidden=\"true\">✗ </span>The sign-in broke here</p>",
        );
    }
    let here: Vec<&Placed> = placed
        .iter()
        .filter(|p| p.on_timeline && p.entry == Some(step.entry))
        .collect();
    attached(out, &here);
    out.push_str("</div></li>\n");
}

/// The findings about a step, as links to their full text.
fn attached(out: &mut String, placed: &[&Placed]) {
    if placed.is_empty() {
        return;
    }
    out.push_str("<ul class=\"attached\">");
    for p in placed {
        let _ = write!(
            out,
            "<li class=\"sev-{}\"><a href=\"#{}\"><span class=\"sev\">{}</span> <code>{}</code> {}</a></li>",
            p.finding.severity.as_str(),
            p.id,
            crate::words::severity_label(p.finding.severity),
            p.finding.code.as_str(),
            text(&p.finding.title)
        );
    }
    out.push_str("</ul>");
}

/// `+12.3 s` after the capture's first entry.
fn offset(t: Timestamp, first: Timestamp) -> String {
    let ms = t.millis_since(first);
    if ms.abs() < 60_000 {
        format!("+{:.1} s", ms as f64 / 1000.0)
    } else {
        format!(
            "{}{}",
            if ms < 0 { "−" } else { "+" },
            saml_core::time::human_duration(ms)
        )
    }
}

/// `09:31:09.118 UTC`.
pub fn clock(t: Timestamp) -> String {
    let s = t.to_string();
    match s.get(11..) {
        Some(rest) => format!("{} UTC", rest.trim_end_matches('Z')),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_clock_times_read_naturally() {
        let a = Timestamp::parse("2024-05-14T09:30:51.204Z").unwrap();
        let b = Timestamp::parse("2024-05-14T09:31:09.118Z").unwrap();
        let c = Timestamp::parse("2024-05-14T09:52:31.402Z").unwrap();
        assert_eq!(offset(b, a), "+17.9 s");
        assert_eq!(offset(c, a), "+21 min 40 s");
        assert_eq!(clock(b), "09:31:09.118 UTC");
    }
}

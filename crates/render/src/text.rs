//! The text report, for people: per message its key facts, then the findings by severity, each
//! with its fix and the words AWS shows; skipped checks grouped by reason; the verdict last.

use std::fmt::Write as _;

use saml_core::{Facts, Finding, Report, Severity};
use saml_diagnosis::Diagnosis;

use crate::style::Style;
use crate::words::{counts, plural, verdict_words};

const WIDTH: usize = 100;

/// The whole text report of a diagnosis.
pub fn text(d: &Diagnosis, style: Style) -> String {
    let mut out = String::new();
    let capture: Vec<&Finding> = d.capture_findings.iter().collect();
    if !capture.is_empty() {
        let _ = writeln!(out, "{}", style.bold(&format!("Capture {}", d.input)));
        findings_block(&mut out, &capture, style);
        out.push('\n');
    }
    let total = d.messages.len();
    for (i, m) in d.messages.iter().enumerate() {
        let mut heading = if total > 1 {
            format!("SAMLResponse {} of {total}", i + 1)
        } else {
            "SAMLResponse".to_owned()
        };
        if m.primary && total > 1 {
            heading += " (primary: the last one sent to AWS)";
        }
        match &m.location {
            Some(loc) => heading += &format!(" · {loc}"),
            None => heading += &format!(" · {}", d.input),
        }
        let _ = writeln!(out, "{}", style.bold(&heading));
        facts_block(&mut out, &m.report, style);
        let findings: Vec<&Finding> = m.report.findings.iter().collect();
        findings_block(&mut out, &findings, style);
        out.push('\n');
    }
    let s = &d.summary;
    let words = verdict_words(s);
    let verdict = if s.errors > 0 {
        style.severity(Severity::Error, &words)
    } else if s.warnings > 0 {
        style.severity(Severity::Warning, &words)
    } else {
        style.good(&words)
    };
    let _ = writeln!(out, "{verdict}: {}", counts(s));
    out
}

fn facts_block(out: &mut String, report: &Report, style: Style) {
    let f: &Facts = &report.facts;
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(issuer) = &f.issuer {
        rows.push((
            "Identity provider",
            match f.idp {
                Some(kind) => format!("{} ({issuer})", kind.name()),
                None => issuer.clone(),
            },
        ));
    }
    if let Some(idc) = &f.identity_center {
        let mut target = "IAM Identity Center".to_owned();
        match (&idc.region, &idc.identity_store_id) {
            (Some(r), Some(s)) => target += &format!(" (identity store {s}, home Region {r})"),
            _ => target += " (the Audience names no identity store)",
        }
        if let Some(acs) = &idc.acs {
            target += &format!("; ACS {} in {}", acs.id, acs.region);
        }
        rows.push(("Signs in to", target));
    }
    if let Some(status) = &f.status {
        rows.push((
            "Status",
            status.rsplit(':').next().unwrap_or(status).to_owned(),
        ));
    }
    if let Some(name_id) = &f.name_id {
        let format = f
            .name_id_format
            .as_deref()
            .and_then(|x| x.rsplit(':').next())
            .map(|x| format!(" ({x})"))
            .unwrap_or_default();
        rows.push(("NameID", format!("{name_id}{format}")));
    }
    for role in &f.roles {
        let shown = match saml_core::aws::RolePair::parse(role) {
            Ok(pair) => format!("{} via {}", pair.role, pair.provider),
            Err(_) => role.clone(),
        };
        rows.push(("Role", shown));
    }
    if let Some(name) = &f.role_session_name {
        rows.push(("RoleSessionName", name.clone()));
    }
    if let Some(d) = &f.session_duration {
        let human = d
            .parse::<i64>()
            .map(|s| format!(" ({})", saml_core::time::human_duration(s * 1000)))
            .unwrap_or_default();
        rows.push(("SessionDuration", format!("{d} s{human}")));
    }
    if let Some(r) = &f.recipient {
        rows.push(("Recipient", r.clone()));
    }
    if !f.audiences.is_empty() {
        rows.push(("Audience", f.audiences.join(", ")));
    }
    if f.not_before.is_some() || f.not_on_or_after.is_some() || f.issue_instant.is_some() {
        let t = |t: Option<saml_core::Timestamp>| {
            t.map(|t| t.to_string()).unwrap_or_else(|| "?".into())
        };
        rows.push((
            "Valid",
            format!(
                "{} to {} (issued {})",
                t(f.not_before),
                t(f.not_on_or_after),
                t(f.issue_instant)
            ),
        ));
    }
    for e in &f.encryption {
        rows.push((
            "Encrypted",
            crate::words::encryption(e, f.encryption.len() > 1),
        ));
    }
    if f.status.is_some() {
        let signed = match (f.response_signed, f.assertion_signed) {
            (true, true) => "response and assertion",
            (true, false) => "response",
            (false, true) => "assertion",
            (false, false) if f.encrypted => "unknown (the assertion is encrypted)",
            (false, false) => "no",
        };
        let shown = match &f.signature {
            Some(verification) => verification.clone(),
            None => format!("{signed} (not verified)"),
        };
        rows.push(("Signed", shown));
    }
    if let Some(relay) = &f.relay_state {
        let connect = f
            .connect
            .as_ref()
            .map(|c| {
                format!(
                    " (Connect instance {} in {})",
                    c.instance_id,
                    c.region
                        .as_ref()
                        .map(|r| r.as_str())
                        .unwrap_or(c.partition.as_str())
                )
            })
            .unwrap_or_default();
        rows.push(("Relay state", format!("{relay}{connect}")));
    }
    rows.push(("Judged", report.as_of.describe()));
    for (label, value) in rows {
        let wrapped = wrap(&format!("  {label:<18} {value}"), 21);
        // Dim only the label, after wrapping, so escape codes do not count as columns.
        let (head, tail) = wrapped.split_at(20.min(wrapped.len()));
        out.push_str(&style.dim(head));
        out.push_str(tail);
        out.push('\n');
    }
}

fn findings_block(out: &mut String, findings: &[&Finding], style: Style) {
    let (skipped, findings): (Vec<&Finding>, Vec<&Finding>) = findings
        .iter()
        .partition(|f| f.code == saml_core::Code::CheckSkipped);
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        for f in findings.iter().filter(|f| f.severity == severity) {
            let label = match severity {
                Severity::Error => "ERROR  ",
                Severity::Warning => "WARNING",
                Severity::Info => "NOTE   ",
            };
            out.push('\n');
            let _ = writeln!(
                out,
                "  {} {} · {}",
                style.severity(severity, label),
                style.bold(f.code.as_str()),
                f.title
            );
            let _ = writeln!(out, "{}", wrap(&format!("          {}", f.detail), 10));
            let _ = writeln!(out, "{}", wrap(&format!("          Fix: {}", f.fix), 15));
            if let Some(aws) = f.code.info().aws_error {
                let _ = writeln!(
                    out,
                    "{}",
                    style.dim(&wrap(&format!("          AWS shows: \"{aws}\""), 10))
                );
            }
        }
    }
    if !skipped.is_empty() {
        out.push('\n');
        let _ = writeln!(
            out,
            "  {} {} · {} check{} not run (a skipped check is not a pass)",
            style.severity(Severity::Info, "NOTE   "),
            style.bold("check_skipped"),
            skipped.len(),
            plural(skipped.len())
        );
        // Checks skipped for the same reason (the text after the last "; ") share it: say it once.
        let reason_of = |f: &Finding| f.detail.rsplit_once("; ").map(|(_, r)| r.to_owned());
        let mut groups: Vec<(Option<String>, Vec<&Finding>)> = Vec::new();
        for f in &skipped {
            let reason = reason_of(f).filter(|r| {
                skipped
                    .iter()
                    .filter(|g| reason_of(g).as_ref() == Some(r))
                    .count()
                    > 1
            });
            match groups.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, members)) => members.push(*f),
                None => groups.push((reason, vec![*f])),
            }
        }
        for (reason, members) in groups {
            if let Some(r) = &reason {
                let _ = writeln!(out, "{}", style.dim(&wrap(&format!("          {r}:"), 12)));
            }
            for f in members {
                let detail = match &reason {
                    Some(r) => f
                        .detail
                        .strip_suffix(r.as_str())
                        .and_then(|d| d.strip_suffix("; "))
                        .unwrap_or(&f.detail),
                    None => &f.detail,
                };
                let _ = writeln!(
                    out,
                    "{}",
                    style.dim(&wrap(&format!("          - {detail}"), 12))
                );
            }
        }
    }
}

/// Wraps at word boundaries to WIDTH columns; continuation lines are indented by `hang`.
/// Words longer than a line (URLs, base64) are left whole rather than broken.
pub fn wrap(line: &str, hang: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    let lead = line.len() - line.trim_start().len();
    out.push_str(&line[..lead]);
    col += lead;
    let mut first = true;
    for word in line[lead..].split(' ') {
        let w = word.chars().count();
        if !first && col + 1 + w > WIDTH && col > hang {
            out.push('\n');
            out.push_str(&" ".repeat(hang));
            col = hang;
        } else if !first {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
        first = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_with_a_hanging_indent_and_keeps_long_words() {
        let long = format!("  {}", ["word"; 40].join(" "));
        let wrapped = wrap(&long, 4);
        assert!(wrapped.lines().all(|l| l.chars().count() <= WIDTH));
        assert!(wrapped
            .lines()
            .skip(1)
            .all(|l| l.starts_with("    ") && !l.starts_with("     ")));
        let url = format!("  see {}", "x".repeat(150));
        assert_eq!(wrap(&url, 4).lines().count(), 2);
        let _ = Style::plain();
    }
}

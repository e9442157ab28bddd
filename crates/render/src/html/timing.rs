//! The timing picture: an inline SVG time axis with the assertion's NotBefore, IssueInstant,
//! NotOnOrAfter, SessionNotOnOrAfter, the 5-minute redeem window and the moment the browser
//! sent it, so `assertion_expired`, `assertion_too_old` and `clock_skew` are seen, not computed.
//! A table beside it says the same in words (for screen readers and for paper).
//!
//! Only parsed timestamps reach the SVG, never a string from the capture.

use std::fmt::Write as _;

use saml_core::rules::MAX_ASSERTION_AGE_MILLIS;
use saml_core::time::human_duration;
use saml_core::{AsOfSource, Code, Report, Timestamp};

use super::placed::Placed;
use super::timeline::clock;
use crate::page::escape::text;

const WIDTH: f64 = 960.0;
const MARGIN: f64 = 24.0;
const LABEL_WIDTH: f64 = 150.0;

/// The time codes this picture explains.
const TIME_CODES: [Code; 5] = [
    Code::AssertionExpired,
    Code::AssertionTooOld,
    Code::AssertionNotYetValid,
    Code::ClockSkew,
    Code::SessionExpired,
];

struct Mark {
    label: &'static str,
    at: Timestamp,
    class: &'static str,
}

/// The SVG and its table for one report; nothing when the report has no timestamps.
pub fn picture(out: &mut String, report: &Report, placed: &[&Placed]) {
    let f = &report.facts;
    let Some(issued) = f.issue_instant.or(f.not_before) else {
        return;
    };
    let sent = report.as_of.instant;
    let sent_label = match report.as_of.source {
        AsOfSource::CaptureTime => "browser sent it",
        AsOfSource::Given => "--at (given)",
        AsOfSource::Now => "now (no capture time)",
    };
    let window_end = f
        .issue_instant
        .map(|i| Timestamp::from_unix_millis(i.unix_millis() + MAX_ASSERTION_AGE_MILLIS));
    let mut marks: Vec<Mark> = Vec::new();
    let mut add = |label, at: Option<Timestamp>, class| {
        if let Some(at) = at {
            marks.push(Mark { label, at, class });
        }
    };
    add("NotBefore", f.not_before, "nb");
    add("IssueInstant", f.issue_instant, "ii");
    add("redeem by (+5 min)", window_end, "rw");
    add("NotOnOrAfter", f.not_on_or_after, "noa");
    add("SessionNotOnOrAfter", f.session_not_on_or_after, "snoa");
    add(sent_label, Some(sent), "sent");
    let problems: Vec<&&Placed> = placed
        .iter()
        .filter(|p| TIME_CODES.contains(&p.finding.code))
        .collect();
    let sent_bad = !problems.is_empty();

    // The axis spans every instant but a far SessionNotOnOrAfter, which is drawn off-axis.
    let core: Vec<i64> = marks
        .iter()
        .filter(|m| m.class != "snoa")
        .map(|m| m.at.unix_millis())
        .collect();
    let (mut lo, mut hi) = (
        *core.iter().min().unwrap_or(&issued.unix_millis()),
        *core.iter().max().unwrap_or(&issued.unix_millis()),
    );
    if let Some(s) = f.session_not_on_or_after.map(|s| s.unix_millis()) {
        if s - lo <= 3 * (hi - lo).max(60_000) {
            lo = lo.min(s);
            hi = hi.max(s);
        }
    }
    if hi - lo < 120_000 {
        let mid = (hi + lo) / 2;
        lo = mid - 60_000;
        hi = mid + 60_000;
    }
    let pad = (hi - lo) / 20;
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |t: i64| -> f64 {
        let t = t.clamp(lo, hi);
        MARGIN + (t - lo) as f64 / (hi - lo) as f64 * (WIDTH - 2.0 * MARGIN)
    };

    // Label rows: each label goes on the first row where it does not overlap the previous one.
    let mut order: Vec<usize> = (0..marks.len()).collect();
    order.sort_by_key(|&i| marks[i].at.unix_millis());
    let mut row_ends: Vec<f64> = Vec::new();
    let mut rows = vec![0usize; marks.len()];
    for &i in &order {
        let mx = x(marks[i].at.unix_millis());
        let start = (mx - 4.0).min(WIDTH - MARGIN - LABEL_WIDTH);
        let row = match row_ends.iter().position(|end| *end < start) {
            Some(r) => r,
            None => {
                row_ends.push(f64::MIN);
                row_ends.len() - 1
            }
        };
        row_ends[row] = start + LABEL_WIDTH;
        rows[i] = row;
    }
    let axis_y = 118.0;
    let height = axis_y + 40.0 + row_ends.len() as f64 * 36.0;

    let _ = write!(
        out,
        "<figure class=\"timing\"><svg viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"timing-cap\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    // Bands: the validity window and the redeem window, each labelled in words.
    let band = |out: &mut String, y: f64, from: i64, to: i64, class: &str, label: &str| {
        let (x0, x1) = (x(from), x(to));
        let _ = write!(
            out,
            "<rect class=\"band {class}\" x=\"{x0:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"24\" rx=\"3\"/>",
            (x1 - x0).max(2.0)
        );
        let (tx, anchor) = if x1 - x0 > 210.0 {
            (x0 + 6.0, "start")
        } else if x1 + 220.0 < WIDTH {
            (x1 + 6.0, "start")
        } else {
            (x0 - 6.0, "end")
        };
        let _ = write!(
            out,
            "<text class=\"band-label\" x=\"{tx:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            y + 16.0,
            text(label)
        );
    };
    if let (Some(nb), Some(noa)) = (f.not_before.or(f.issue_instant), f.not_on_or_after) {
        band(
            out,
            30.0,
            nb.unix_millis(),
            noa.unix_millis(),
            "valid",
            "valid: NotBefore → NotOnOrAfter",
        );
    }
    if let (Some(i), Some(end)) = (f.issue_instant, window_end) {
        band(
            out,
            62.0,
            i.unix_millis(),
            end.unix_millis(),
            "redeem",
            "AWS redeems within 5 min of IssueInstant",
        );
    }
    // The axis and its ticks.
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{MARGIN}\" y1=\"{axis_y}\" x2=\"{:.1}\" y2=\"{axis_y}\"/>",
        WIDTH - MARGIN
    );
    let step = tick_step(hi - lo);
    let mut t = (lo / step + 1) * step;
    while t < hi {
        let tx = x(t);
        let label = clock(Timestamp::from_unix_millis(t));
        let short = label
            .get(..if step < 60_000 { 8 } else { 5 })
            .unwrap_or(&label);
        let _ = write!(
            out,
            "<line class=\"tick\" x1=\"{tx:.1}\" y1=\"{axis_y}\" x2=\"{tx:.1}\" y2=\"{}\"/><text class=\"tick-label\" x=\"{tx:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            axis_y + 5.0,
            axis_y + 17.0,
            text(short)
        );
        t += step;
    }
    // The instants, with their labels on rows below the axis.
    for (i, m) in marks.iter().enumerate() {
        let at = m.at.unix_millis();
        let mx = x(at);
        let off_axis = at > hi || at < lo;
        let class = if m.class == "sent" && sent_bad {
            "mark sent bad"
        } else if m.class == "sent" {
            "mark sent"
        } else {
            "mark"
        };
        let ly = axis_y + 34.0 + rows[i] as f64 * 36.0;
        let _ = write!(
            out,
            "<g class=\"{class} {}\"><line x1=\"{mx:.1}\" y1=\"24\" x2=\"{mx:.1}\" y2=\"{:.1}\"/>",
            m.class,
            ly - 12.0
        );
        if m.class == "sent" {
            let _ = write!(
                out,
                "<path d=\"M{:.1} 12 L{:.1} 12 L{mx:.1} 24 Z\"/>",
                mx - 7.0,
                mx + 7.0
            );
        }
        let anchor_x = (mx - 4.0).clamp(MARGIN, WIDTH - MARGIN - LABEL_WIDTH);
        let when = if off_axis {
            format!("{} (off the axis →)", clock(m.at))
        } else {
            clock(m.at)
        };
        let _ = write!(
            out,
            "<text class=\"mark-label\" x=\"{anchor_x:.1}\" y=\"{ly:.1}\">{}{}</text><text class=\"mark-time\" x=\"{anchor_x:.1}\" y=\"{:.1}\">{}</text></g>",
            if m.class == "sent" && sent_bad { "✗ " } else { "" },
            text(m.label),
            ly + 14.0,
            text(&when)
        );
    }
    out.push_str("</svg>");
    let _ = write!(
        out,
        "<figcaption id=\"timing-cap\">The assertion's validity, the 5-minute redeem window and the moment it was {} ({}).",
        if report.as_of.source == AsOfSource::CaptureTime { "sent" } else { "judged" },
        text(&report.as_of.describe())
    );
    if problems.is_empty() {
        out.push_str(" It was inside every window.");
    } else {
        out.push_str(" Outside a window:");
        for p in &problems {
            let _ = write!(
                out,
                " <a href=\"#{}\"><code>{}</code></a>",
                p.id,
                p.finding.code.as_str()
            );
        }
    }
    out.push_str("</figcaption></figure>\n");

    // The same in words.
    let _ = writeln!(
        out,
        "<table class=\"instants\"><thead><tr><th scope=\"col\">Instant</th><th scope=\"col\">Time (UTC)</th><th scope=\"col\">Relative to the moment it was {}</th></tr></thead><tbody>",
        if report.as_of.source == AsOfSource::CaptureTime { "sent" } else { "judged" }
    );
    for m in &order_by_time(&marks) {
        let delta = m.at.millis_since(sent);
        let rel = if m.class == "sent" {
            "—".to_owned()
        } else if delta == 0 {
            "at the same moment".to_owned()
        } else if delta < 0 {
            format!("{} before", human_duration(delta))
        } else {
            format!("{} after", human_duration(delta))
        };
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><th scope=\"row\">{}</th><td><time datetime=\"{}\">{}</time></td><td>{}</td></tr>",
            m.class,
            text(m.label),
            m.at,
            m.at,
            text(&rel)
        );
    }
    out.push_str("</tbody></table>\n");
}

fn order_by_time(marks: &[Mark]) -> Vec<&Mark> {
    let mut v: Vec<&Mark> = marks.iter().collect();
    v.sort_by_key(|m| m.at.unix_millis());
    v
}

/// A round tick interval giving at most about 8 ticks over `span` milliseconds.
fn tick_step(span: i64) -> i64 {
    const STEPS: [i64; 14] = [
        1_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
        3_600_000, 7_200_000, 21_600_000, 43_200_000,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 8)
        .unwrap_or(86_400_000 * (span / 86_400_000 / 8 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_few() {
        assert_eq!(tick_step(120_000), 30_000);
        assert_eq!(tick_step(26 * 60_000), 300_000);
        assert_eq!(tick_step(65 * 60_000), 600_000);
        assert!(tick_step(40 * 86_400_000) >= 86_400_000 * 5);
    }
}

//! The trail page's chart: failed sign-ins per UTC day, stacked by cause, as inline SVG, with a
//! legend and the same numbers as a table (for screen readers and for paper).
//!
//! The seven most frequent causes get a colour each (a palette told apart by people with colour
//! blindness, `trail/style.css`), the rest share one ("other causes"). A window longer than
//! [`MAX_BARS`] days is drawn a few days to a bar, so the picture stays legible and its size
//! bounded whatever the window. Only numbers and finding codes reach the SVG.

use std::fmt::Write as _;

use saml_core::Timestamp;
use trail::Report;

use super::thousands;
use crate::page::escape::text;

/// The most bars drawn.
pub const MAX_BARS: i64 = 92;
/// Causes with a colour of their own; the others share the last slot.
const COLOURS: usize = 7;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

const DAY_MILLIS: i64 = 86_400_000;

/// The day number (days since 1970-01-01) of a `YYYY-MM-DD` day.
fn day_number(day: &str) -> Option<i64> {
    Timestamp::parse(&format!("{day}T00:00:00Z"))
        .ok()
        .map(|t| t.unix_millis().div_euclid(DAY_MILLIS))
}

fn day_text(n: i64) -> String {
    trail::window::day_of(Timestamp::from_unix_millis(n.saturating_mul(DAY_MILLIS)))
}

/// The colour slot of the cause of `rank` in the report (most frequent first).
pub fn colour(rank: usize) -> usize {
    rank.min(COLOURS)
}

/// The colour slot of a cause.
fn slot(report: &Report, code: trail::Cause) -> usize {
    colour(
        report
            .causes
            .iter()
            .position(|c| c.code == code)
            .unwrap_or(COLOURS),
    )
}

/// Failures per bar and colour slot.
struct Bars {
    first_day: i64,
    days_per_bar: i64,
    counts: Vec<[u64; COLOURS + 1]>,
}

impl Bars {
    fn of(report: &Report) -> Option<Bars> {
        let days: Vec<(i64, usize, u64)> = report
            .per_day
            .iter()
            .filter_map(|d| Some((day_number(&d.day)?, slot(report, d.code), d.count)))
            .collect();
        let first_day = days.iter().map(|d| d.0).min()?;
        let last_day = days.iter().map(|d| d.0).max()?;
        let span = last_day - first_day + 1;
        let days_per_bar = (span + MAX_BARS - 1) / MAX_BARS;
        let bars = (span + days_per_bar - 1) / days_per_bar;
        let mut counts = vec![[0u64; COLOURS + 1]; usize::try_from(bars).ok()?];
        for (day, slot, n) in days {
            let bar = usize::try_from((day - first_day) / days_per_bar).ok()?;
            counts[bar][slot] = counts[bar][slot].saturating_add(n);
        }
        Some(Bars {
            first_day,
            days_per_bar,
            counts,
        })
    }

    /// The bar's label: its (first) day.
    fn label(&self, bar: usize) -> String {
        day_text(self.first_day + bar as i64 * self.days_per_bar)
    }
}

/// A bar's height in failures (counts come from logs and query rows: never overflow).
fn total(bar: &[u64; COLOURS + 1]) -> u64 {
    bar.iter().fold(0, |a, n| a.saturating_add(*n))
}

/// The value axis for a tallest bar of `n`: its step (1, 2 or 5 times a power of ten, the
/// smallest that needs at most five steps) and its top (a whole number of steps at or above `n`).
fn axis(n: u64) -> (u64, u64) {
    let mut power = 1u64;
    loop {
        for m in [1, 2, 5] {
            let step = power.saturating_mul(m);
            let steps = n.div_ceil(step).max(1);
            if steps <= 5 || step == u64::MAX {
                return (step, steps.saturating_mul(step));
            }
        }
        power = power.saturating_mul(10);
    }
}

/// The chart section's content: the SVG, its legend and its table, or a line saying there is
/// nothing to draw.
pub fn figure(out: &mut String, report: &Report) {
    let Some(bars) = Bars::of(report) else {
        out.push_str("<p class=\"muted\">No failed sign-in in the window: nothing to draw.</p>\n");
        return;
    };
    let names: Vec<String> = (0..=COLOURS)
        .map(|s| match report.causes.get(s) {
            Some(c) if s < COLOURS => c.code.as_str().to_owned(),
            _ => "other causes".to_owned(),
        })
        .collect();
    let (step, top) = axis(bars.counts.iter().map(total).max().unwrap_or(1));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let bar_w = plot_w / bars.counts.len() as f64;
    let per = if bars.days_per_bar == 1 {
        "per day".to_owned()
    } else {
        format!("per {} days", bars.days_per_bar)
    };
    let _ = write!(
        out,
        "<figure class=\"chart\">\n<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"Failed sign-ins {per} by cause, from {} to {}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
        bars.label(0),
        bars.label(bars.counts.len() - 1)
    );
    // The value axis.
    let mut value = 0u64;
    loop {
        let y = TOP + plot_h - plot_h * value as f64 / top as f64;
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/><text class=\"tick-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            thousands(value)
        );
        if value >= top {
            break;
        }
        value = value.saturating_add(step).min(top);
    }
    let labels_every = bars.counts.len().div_ceil(12);
    for (i, bar) in bars.counts.iter().enumerate() {
        let x = LEFT + bar_w * i as f64;
        // A few days make wide slots: a bar stays at most 72 units wide, centred in its slot.
        let w = (bar_w * 0.8).clamp(1.0, 72.0);
        let mut y = TOP + plot_h;
        let _ = writeln!(out, "<g class=\"bar\">");
        for (s, &n) in bar.iter().enumerate().filter(|(_, n)| **n > 0) {
            let h = plot_h * n as f64 / top as f64;
            y -= h;
            let _ = writeln!(
                out,
                "<rect class=\"s{s}\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{}: {} {}</title></rect>",
                x + (bar_w - w) / 2.0,
                w,
                bars.label(i),
                text(&names[s]),
                thousands(n)
            );
        }
        if i % labels_every == 0 {
            let _ = writeln!(
                out,
                "<text class=\"tick-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + bar_w / 2.0,
                TOP + plot_h + 18.0,
                bars.label(i)
            );
        }
        out.push_str("</g>\n");
    }
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>\n</svg>",
        TOP + plot_h,
        WIDTH - RIGHT,
        TOP + plot_h
    );
    legend(out, report, &names);
    let _ = writeln!(
        out,
        "<figcaption>Failed sign-ins {per} (UTC), stacked by cause, most frequent cause at the bottom.</figcaption>\n</figure>"
    );
    table(out, &bars, &names, &per);
}

fn legend(out: &mut String, report: &Report, names: &[String]) {
    out.push_str("<ul class=\"legend\">");
    let mut other = 0u64;
    for (rank, c) in report.causes.iter().enumerate() {
        if rank >= COLOURS {
            other += c.count;
            continue;
        }
        let _ = write!(
            out,
            "<li><span class=\"swatch s{rank}\" aria-hidden=\"true\"></span><a href=\"#cause-{code}\"><code>{code}</code></a> {}</li>",
            thousands(c.count),
            code = text(c.code.as_str()),
        );
    }
    if other > 0 {
        let _ = write!(
            out,
            "<li><span class=\"swatch s{COLOURS}\" aria-hidden=\"true\"></span>{} {}</li>",
            text(&names[COLOURS]),
            thousands(other)
        );
    }
    out.push_str("</ul>\n");
}

/// The chart's numbers: a row a bar that has failures.
fn table(out: &mut String, bars: &Bars, names: &[String], per: &str) {
    let _ = write!(
        out,
        "<details class=\"per-day\"><summary>The same {per}, as a table</summary>\n<table>\n<thead><tr><th scope=\"col\">Day (UTC)</th><th scope=\"col\">Failures</th><th scope=\"col\">By cause</th></tr></thead>\n<tbody>\n"
    );
    for (i, bar) in bars.counts.iter().enumerate() {
        let total = total(bar);
        if total == 0 {
            continue;
        }
        let by: Vec<String> = bar
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("<code>{}</code> {}", text(&names[s]), thousands(*n)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\"><time>{}</time></th><td>{}</td><td>{}</td></tr>",
            bars.label(i),
            thousands(total),
            by.join(", ")
        );
    }
    out.push_str("</tbody>\n</table>\n</details>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use saml_core::Code;
    use trail::{Cause, DayCount, Window};

    fn report(days: &[(&str, Cause, u64)]) -> Report {
        let mut r = trail::report::Summary::default().into_report(Window::default(), Vec::new());
        r.per_day = days
            .iter()
            .map(|(day, code, count)| DayCount {
                day: (*day).to_owned(),
                code: *code,
                count: *count,
            })
            .collect();
        r
    }

    #[test]
    fn axis_steps() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(3), (1, 3));
        assert_eq!(axis(12), (5, 15));
        assert_eq!(axis(101), (50, 150));
        let (step, top) = axis(u64::MAX);
        assert!(top >= step && top == u64::MAX);
    }

    #[test]
    fn days_between_failures_are_empty_bars_and_long_windows_are_grouped() {
        let sig = Cause::Known(Code::SignatureInvalid);
        let r = report(&[("2024-05-01", sig, 2), ("2024-05-04", sig, 1)]);
        let bars = Bars::of(&r).unwrap();
        assert_eq!(bars.counts.len(), 4);
        assert_eq!(total(&bars.counts[1]), 0);
        // Unranked causes (none in `causes` here) share the last colour.
        assert_eq!(bars.counts[0][COLOURS], 2);
        assert_eq!(bars.label(3), "2024-05-04");

        let r = report(&[("2023-01-01", sig, 1), ("2024-12-31", sig, 1)]);
        let bars = Bars::of(&r).unwrap();
        assert!(bars.counts.len() as i64 <= MAX_BARS);
        assert_eq!(bars.days_per_bar, 8);
        let mut page = String::new();
        figure(&mut page, &r);
        assert!(page.contains("Failed sign-ins per 8 days"));
        assert_eq!(page.matches("<rect ").count(), 2);

        let mut empty = String::new();
        figure(&mut empty, &report(&[]));
        assert!(empty.contains("nothing to draw"));
    }
}

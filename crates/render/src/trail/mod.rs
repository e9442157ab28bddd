//! The reports of `saml-doctor trail`: who failed to sign in, and why, from CloudTrail
//! (`saml_trail`'s [`Report`]). Text for people ([`text()`]), one JSON object for scripts
//! ([`json()`]: the report's own contract, plus where its events came from), and one
//! self-contained HTML page ([`html()`]: failures per day by cause as a chart, the causes with
//! their fixes, the users), under the same rules as the `diagnose` page ([`crate::page`]).
//!
//! The three say the same thing in the same words ([`headline`]), and every value from a log
//! (user names, roles, messages: a failed sign-in's NameID is whatever the poster of the
//! assertion wrote) is shown as text, never as markup or a terminal escape.

mod chart;
mod html;
mod text;

pub use html::html;
pub use text::text;

use serde::Serialize;
use trail::Report;

/// At most this many users are listed in the text and HTML reports (most failures first); the
/// JSON report lists every one.
pub const SHOWN_USERS: usize = 1000;

/// Where a report's events came from, as every format says it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Trail folders, log files, saved `lookup-events` output, standard input (`-`).
    Files {
        /// As given on the command line.
        inputs: Vec<String>,
    },
    /// The account's event history, read through `LookupEvents`.
    EventHistory {
        /// The Regions read.
        regions: Vec<String>,
    },
    /// One query on Amazon Athena.
    Athena {
        /// `database.table`.
        table: String,
        /// Athena's id of the query.
        query_execution_id: String,
        /// `DataScannedInBytes`: what the query is billed on.
        scanned_bytes: u64,
        /// What that costs, at Athena's price per TB scanned (10 MB at least).
        cost_dollars: f64,
    },
}

impl Source {
    /// One line: where the events came from.
    pub fn describe(&self) -> String {
        match self {
            Source::Files { inputs } => {
                let shown: Vec<&str> = inputs.iter().take(3).map(String::as_str).collect();
                let mut line = shown.join(", ");
                if inputs.len() > 3 {
                    line += &format!(" and {} more", inputs.len() - 3);
                }
                if line.is_empty() {
                    line = "standard input".to_owned();
                }
                line
            }
            Source::EventHistory { regions } => format!(
                "event history (LookupEvents) in {}",
                if regions.is_empty() {
                    "no Region".to_owned()
                } else {
                    regions.join(", ")
                }
            ),
            Source::Athena {
                table,
                query_execution_id,
                scanned_bytes,
                cost_dollars,
            } => format!(
                "Amazon Athena, table {table} (query {query_execution_id}: {} scanned, {})",
                bytes(*scanned_bytes),
                dollars(*cost_dollars)
            ),
        }
    }
}

/// The report as one JSON object: the report's contract (`events_read`, `sign_ins`, `causes`,
/// `users`, …) and `source`.
pub fn json(report: &Report, source: &Source) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        #[serde(flatten)]
        report: &'a Report,
        source: &'a Source,
    }
    serde_json::to_string_pretty(&Out { report, source })
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The outcome in one line, the same in every format: `20 of 25 sign-ins failed`, `No failed
/// sign-in among 5`, `No SAML sign-in in the window`.
pub fn headline(report: &Report) -> String {
    let s = report.sign_ins;
    match (s.attempts, s.failed) {
        (0, _) => "No SAML sign-in in the window".to_owned(),
        (n, 0) => format!(
            "No failed sign-in among {}",
            count(n, "sign-in", "sign-ins")
        ),
        (n, f) => format!(
            "{} of {} failed",
            thousands(f),
            count(n, "sign-in", "sign-ins")
        ),
    }
}

/// The window in words: `2024-05-06T00:00:00Z to 2024-05-09T00:00:00Z`, or what is open.
pub fn window(report: &Report) -> String {
    match (report.since, report.until) {
        (None, None) => "every event read (no --since or --until)".to_owned(),
        (Some(s), None) => format!("from {s}"),
        (None, Some(u)) => format!("until {u}"),
        (Some(s), Some(u)) => format!("{s} to {u}"),
    }
}

/// `1,234`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 user`, `1,234 users`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `1.2 GB` (decimal units, as Athena bills).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = u;
    }
    format!("{value:.1} {unit}")
}

/// `$0.00005` (Athena's least charge, for 10 MB), `$0.0050`, `$12.35`.
pub fn dollars(d: f64) -> String {
    if d < 0.01 {
        format!("${d:.5}")
    } else if d < 1.0 {
        format!("${d:.4}")
    } else {
        format!("${d:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trail::{SignIns, Window};

    fn report(attempts: u64, failed: u64) -> Report {
        let mut r = trail::report::Summary::default().into_report(Window::default(), Vec::new());
        r.sign_ins = SignIns { attempts, failed };
        r
    }

    #[test]
    fn numbers_and_headlines() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(48_318_382_080), "48.3 GB");
        assert_eq!(dollars(0.00005), "$0.00005");
        assert_eq!(dollars(0.2416), "$0.2416");
        assert_eq!(dollars(12.345), "$12.35");
        assert_eq!(headline(&report(0, 0)), "No SAML sign-in in the window");
        assert_eq!(headline(&report(1, 0)), "No failed sign-in among 1 sign-in");
        assert_eq!(headline(&report(2500, 20)), "20 of 2,500 sign-ins failed");
    }

    #[test]
    fn the_json_is_the_reports_contract_and_its_source() {
        let r = report(3, 1);
        let source = Source::Athena {
            table: "security.cloudtrail_logs".into(),
            query_execution_id: "q-1".into(),
            scanned_bytes: 0,
            cost_dollars: trail::sql::cost_dollars(0),
        };
        let v: serde_json::Value = serde_json::from_str(&json(&r, &source)).unwrap();
        assert_eq!(v["sign_ins"]["failed"], 1);
        assert_eq!(v["events_read"], 0);
        assert!(v["causes"].is_array() && v["users"].is_array());
        assert_eq!(v["source"]["kind"], "athena");
        assert_eq!(v["source"]["query_execution_id"], "q-1");
        assert!(source.describe().contains("0 B scanned, $0.00005"));
    }
}

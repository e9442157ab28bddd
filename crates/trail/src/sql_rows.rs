//! Athena's answer to the analysis query ([`crate::sql`]) back into a report. Athena returns
//! every value as text (a NULL as no value) and, for a SELECT, the column names as the first
//! row. The rows come from AWS but are still checked: a value that does not parse is an error
//! naming the row, never a panic.

use saml_core::Timestamp;

use crate::classify::Cause;
use crate::report::{insert_capped, Report, Summary, Warning, MESSAGE_CHARS, VALUE_CHARS};
use crate::window::Window;

/// The columns the query returns, in order.
pub const COLUMNS: [&str; 6] = ["kind", "a", "b", "c", "d", "e"];

/// The last instant a row may name: the end of year 9999 (CloudTrail's times are four-digit
/// years; anything past is not a time, and would not print as one).
const LATEST_MILLIS: i64 = 253_402_300_799_999;

/// Why the rows are not the analysis query's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowsError {
    /// No rows at all, not even the header.
    #[error("the result has no header row")]
    Empty,
    /// The header's column names (lower-cased) are not `kind, a, b, c, d, e`.
    #[error("the header row is {0:?}, not the analysis query's columns")]
    Header(Vec<String>),
    /// A row after the header could not be read.
    #[error("row {row}: {what}")]
    Row {
        /// The row's number, counting from 1 after the header.
        row: usize,
        /// What is wrong with it (an empty, unparsable or unknown value).
        what: String,
    },
}

/// Turns the query's rows (header first) into the report for `window`.
pub fn report_from_rows(
    rows: &[Vec<Option<String>>],
    window: Window,
    warnings: Vec<Warning>,
) -> Result<Report, RowsError> {
    let (header, body) = rows.split_first().ok_or(RowsError::Empty)?;
    let names: Vec<String> = header
        .iter()
        .map(|c| c.clone().unwrap_or_default().to_ascii_lowercase())
        .collect();
    if names != COLUMNS {
        return Err(RowsError::Header(names));
    }
    let mut summary = Summary::default();
    for (i, row) in body.iter().enumerate() {
        read_row(&mut summary, row).map_err(|what| RowsError::Row { row: i + 1, what })?;
    }
    Ok(summary.into_report(window, warnings))
}

fn read_row(summary: &mut Summary, row: &[Option<String>]) -> Result<(), String> {
    let col = |i: usize| row.get(i).and_then(|v| v.as_deref());
    let text = |i: usize| col(i).ok_or_else(|| format!("column {} is empty", COLUMNS[i]));
    let number = |i: usize| {
        text(i).and_then(|v| {
            v.parse::<u64>()
                .map_err(|_| format!("column {} is not a count: {v:?}", COLUMNS[i]))
        })
    };
    let millis = |i: usize| {
        text(i).and_then(|v| {
            v.parse::<i64>()
                .ok()
                .filter(|m| (0..=LATEST_MILLIS).contains(m))
                .map(Timestamp::from_unix_millis)
                .ok_or_else(|| format!("column {} is not a time: {v:?}", COLUMNS[i]))
        })
    };
    let cause = |i: usize| {
        text(i).and_then(|v| Cause::from_name(v).ok_or_else(|| format!("unknown cause {v:?}")))
    };
    match text(0)? {
        "totals" => {
            summary.events_read = number(1)?;
            summary.sign_ins.attempts = number(2)?;
            summary.sign_ins.failed = number(3)?;
        }
        "cause" => {
            let tally = summary.causes.entry(cause(1)?).or_default();
            tally.count = number(2)?;
            tally.users = number(3)?;
            tally.first = Some(millis(4)?);
            tally.last = Some(millis(5)?);
        }
        kind @ ("cause_message" | "cause_account" | "cause_role" | "cause_idp") => {
            let tally = summary.causes.entry(cause(1)?).or_default();
            let (set, chars) = match kind {
                "cause_message" => (&mut tally.messages, MESSAGE_CHARS),
                "cause_account" => (&mut tally.accounts, VALUE_CHARS),
                "cause_role" => (&mut tally.roles, VALUE_CHARS),
                _ => (&mut tally.identity_providers, VALUE_CHARS),
            };
            insert_capped(set, text(2)?, chars);
        }
        "user" => {
            let tally = summary.users.entry(text(1)?.to_owned()).or_default();
            tally.failures = number(2)?;
            tally.last_failure = Some(millis(3)?);
            tally.recovered = text(4)? == "true";
        }
        "user_code" => {
            let c = cause(2)?;
            summary
                .users
                .entry(text(1)?.to_owned())
                .or_default()
                .codes
                .insert(c);
        }
        "day" => {
            let days: i64 = text(1)?
                .parse()
                .ok()
                .filter(|d| (0..=LATEST_MILLIS / 86_400_000).contains(d))
                .ok_or_else(|| format!("not a day number: {:?}", col(1)))?;
            let day = crate::window::day_of(Timestamp::from_unix_seconds(days * 86_400));
            let n = number(3)?;
            let count = summary.per_day.entry((day, cause(2)?)).or_default();
            *count = count.saturating_add(n);
        }
        other => return Err(format!("unknown row kind {other:?}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: &[&str]) -> Vec<Option<String>> {
        values
            .iter()
            .map(|v| (!v.is_empty()).then(|| v.to_string()))
            .collect()
    }

    #[test]
    fn rows_become_a_report() {
        let rows = vec![
            row(&["kind", "a", "b", "c", "d", "e"]),
            row(&["totals", "120", "3", "2", "", ""]),
            row(&[
                "cause",
                "signature_invalid",
                "2",
                "1",
                "1714982470000",
                "1714982530000",
            ]),
            row(&[
                "cause_message",
                "signature_invalid",
                "Response signature invalid",
                "",
                "",
                "",
            ]),
            row(&["user", "dan@example.com", "2", "1714982530000", "true", ""]),
            row(&[
                "user_code",
                "dan@example.com",
                "signature_invalid",
                "",
                "",
                "",
            ]),
            row(&["day", "19849", "signature_invalid", "2", "", ""]),
        ];
        let r = report_from_rows(&rows, Window::default(), vec![]).unwrap();
        assert_eq!(r.events_read, 120);
        assert_eq!(r.causes[0].first.to_string(), "2024-05-06T08:01:10Z");
        assert_eq!(r.causes[0].messages, ["Response signature invalid"]);
        assert!(r.users[0].recovered);
        assert_eq!(r.per_day[0].day, "2024-05-06");
    }

    #[test]
    fn bad_rows_are_errors_not_panics() {
        let header = row(&["kind", "a", "b", "c", "d", "e"]);
        assert_eq!(
            report_from_rows(&[], Window::default(), vec![]),
            Err(RowsError::Empty)
        );
        assert!(matches!(
            report_from_rows(&[row(&["x"])], Window::default(), vec![]),
            Err(RowsError::Header(_))
        ));
        for bad in [
            row(&["totals", "x", "1", "1", "", ""]),
            row(&["cause", "no_such_code", "1", "1", "1", "1"]),
            row(&["user"]),
            row(&["day", "nineteen", "unknown", "1", "", ""]),
            row(&["day", "9223372036854775807", "unknown", "1", "", ""]),
            row(&["cause", "unknown", "1", "1", "-5", "99999999999999999"]),
            row(&["surprise", "", "", "", "", ""]),
        ] {
            let rows = vec![header.clone(), bad];
            assert!(matches!(
                report_from_rows(&rows, Window::default(), vec![]),
                Err(RowsError::Row { row: 1, .. })
            ));
        }
    }
}

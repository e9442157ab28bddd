//! Instants in time as SAML writes them (`xs:dateTime`) and as users pass them (RFC 3339).
//!
//! The core never reads the clock: every time rule takes an explicit [`AsOf`], so a capture is
//! judged at the moment the browser sent it, and tests are deterministic.

use std::fmt;

use serde::{Serialize, Serializer};

/// A UTC instant with millisecond precision (SAML IdPs emit at most 7 fractional digits;
/// AWS's rules are all at the granularity of seconds or minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    millis: i64,
}

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a date-time like 2024-05-01T10:00:00Z: {reason}")]
pub struct TimestampError {
    value: String,
    reason: &'static str,
}

impl Timestamp {
    /// The instant `millis` milliseconds after the Unix epoch.
    pub const fn from_unix_millis(millis: i64) -> Self {
        Self { millis }
    }

    /// The instant `seconds` seconds after the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Self {
            millis: seconds * 1000,
        }
    }

    /// Milliseconds since the Unix epoch.
    pub const fn unix_millis(self) -> i64 {
        self.millis
    }

    /// Signed difference `self - earlier`, in whole milliseconds.
    pub const fn millis_since(self, earlier: Timestamp) -> i64 {
        self.millis - earlier.millis
    }

    /// The instant `seconds` later (earlier when negative).
    pub const fn plus_seconds(self, seconds: i64) -> Self {
        Self {
            millis: self.millis + seconds * 1000,
        }
    }

    /// Parses `xs:dateTime` / RFC 3339: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
    /// A missing zone is read as UTC, as SAML core §1.3.3 requires UTC anyway.
    pub fn parse(value: &str) -> Result<Self, TimestampError> {
        let err = |reason| TimestampError {
            value: value.chars().take(80).collect(),
            reason,
        };
        let s = value.trim().as_bytes();
        if s.len() < 19 {
            return Err(err("too short"));
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let part = &s[range];
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part
                    .iter()
                    .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
            } else {
                Err(err("expected digits"))
            }
        };
        if s[4] != b'-'
            || s[7] != b'-'
            || !matches!(s[10], b'T' | b't' | b' ')
            || s[13] != b':'
            || s[16] != b':'
        {
            return Err(err("expected the shape YYYY-MM-DDThh:mm:ss"));
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(err("no such date"));
        }
        if hour > 24 || minute > 59 || second > 60 || (hour == 24 && (minute, second) != (0, 0)) {
            return Err(err("no such time of day"));
        }
        let mut rest = &s[19..];
        let mut millis = 0i64;
        if let Some(fraction) = rest.strip_prefix(b".") {
            let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return Err(err("a fraction of a second needs digits"));
            }
            for (i, d) in fraction[..digits.min(3)].iter().enumerate() {
                millis += i64::from(d - b'0') * [100, 10, 1][i];
            }
            rest = &fraction[digits..];
        }
        let offset_minutes = match rest {
            [] | [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let digits = [*h1, *h2, *m1, *m2];
                if !digits.iter().all(u8::is_ascii_digit) {
                    return Err(err("bad zone offset"));
                }
                let minutes = i64::from(h1 - b'0') * 600
                    + i64::from(h2 - b'0') * 60
                    + i64::from(m1 - b'0') * 10
                    + i64::from(m2 - b'0');
                if *sign == b'-' {
                    -minutes
                } else {
                    minutes
                }
            }
            _ => return Err(err("expected Z or a zone offset like +02:00 at the end")),
        };
        let days = days_from_civil(year, month, day);
        let seconds =
            days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset_minutes * 60;
        Ok(Self {
            millis: seconds * 1000 + millis,
        })
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC, with milliseconds only when there are any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.millis.div_euclid(1000);
        let millis = self.millis.rem_euclid(1000);
        let (days, secs_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60
        )?;
        if millis != 0 {
            write!(f, ".{millis:03}")?;
        }
        f.write_str("Z")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The instant time rules are judged at, and where it came from (so a finding can say
/// "as of the capture" or "as of now").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AsOf {
    /// The instant.
    pub instant: Timestamp,
    /// Where it came from.
    pub source: AsOfSource,
}

/// Where the "as of" instant came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AsOfSource {
    /// The time the browser sent the message, from a HAR entry.
    CaptureTime,
    /// A time the user gave (`--at`).
    Given,
    /// The time the tool ran: nothing better was known.
    Now,
}

impl AsOf {
    /// How a finding names the instant: `when the browser sent it (…)`, `at the given time …`, `now (…)`.
    pub fn describe(&self) -> String {
        match self.source {
            AsOfSource::CaptureTime => format!("when the browser sent it ({})", self.instant),
            AsOfSource::Given => format!("at the given time {}", self.instant),
            AsOfSource::Now => format!(
                "now ({}; no capture time was known: pass --at with the time of the sign-in, or diagnose the HAR)",
                self.instant
            ),
        }
    }
}

/// Renders a duration in milliseconds the way a person reads it: `4 min 12 s`, `2 h 5 min`.
pub fn human_duration(millis: i64) -> String {
    let total = millis.unsigned_abs() / 1000;
    let (d, h, m, s) = (
        total / 86_400,
        total / 3600 % 24,
        total / 60 % 60,
        total % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, _) => format!("{m} min {s} s"),
        (0, _, _) => format!("{h} h {m} min"),
        _ => format!("{d} d {h} h"),
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_idps_emit() {
        let base = Timestamp::parse("2024-05-01T10:00:00Z").unwrap();
        assert_eq!(base.unix_millis(), 1_714_557_600_000);
        // Azure AD: 7 fractional digits.
        assert_eq!(
            Timestamp::parse("2024-05-01T10:00:00.1234567Z")
                .unwrap()
                .millis_since(base),
            123
        );
        // ADFS: 3 digits; Okta: none; offsets.
        assert_eq!(Timestamp::parse("2024-05-01T12:00:00+02:00").unwrap(), base);
        assert_eq!(Timestamp::parse("2024-05-01T05:30:00-04:30").unwrap(), base);
        assert_eq!(Timestamp::parse("2024-05-01T10:00:00").unwrap(), base);
    }

    #[test]
    fn round_trips_through_display() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.500Z",
            "2099-12-31T00:00:01Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(Timestamp::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn rejects_what_is_not_a_date_time() {
        for s in [
            "",
            "yesterday",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-05-01 10:00",
            "2024-05-01T10:00:00+0200",
            "2024-05-01T10:00:00.Z",
            "２０２４-05-01T10:00:00Z",
        ] {
            assert!(Timestamp::parse(s).is_err(), "{s} should not parse");
        }
    }

    #[test]
    fn durations_read_like_a_person_writes_them() {
        assert_eq!(human_duration(59_000), "59 s");
        assert_eq!(human_duration(-252_000), "4 min 12 s");
        assert_eq!(human_duration(7_500_000), "2 h 5 min");
        assert_eq!(human_duration(90_000_000), "1 d 1 h");
    }
}

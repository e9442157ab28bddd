//! The time window of a report: `--since` and `--until`, each an instant (RFC 3339), a day
//! (`2024-05-01`, midnight UTC) or, for `--since`, a duration back from now (`7d`, `36h`, `2w`,
//! `90m`). Pure: the caller passes "now".

use saml_core::Timestamp;

/// Events from `since` (inclusive) to `until` (exclusive); an absent bound is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// The first instant in the window.
    pub since: Option<Timestamp>,
    /// The first instant after it.
    pub until: Option<Timestamp>,
}

/// A bound that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a time: give an instant like 2024-05-01T10:00:00Z, a day like 2024-05-01, or a duration like 7d, 36h, 2w or 90m")]
pub struct WindowError {
    text: String,
}

impl Window {
    /// Whether an event at `t` is in the window.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }

    /// Whether the window has a bound at all (without one, every record counts, even one
    /// whose time cannot be read).
    pub fn is_bounded(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }
}

/// Reads a bound: an instant, a day, or a duration before `now`.
pub fn parse_bound(text: &str, now: Timestamp) -> Result<Timestamp, WindowError> {
    let err = || WindowError {
        text: text.chars().take(80).collect(),
    };
    let t = text.trim();
    if let Ok(instant) = Timestamp::parse(t) {
        return Ok(instant);
    }
    if t.len() == 10 && t.as_bytes()[4] == b'-' {
        return Timestamp::parse(&format!("{t}T00:00:00Z")).map_err(|_| err());
    }
    let split = t
        .find(|c: char| !c.is_ascii_digit())
        .filter(|&i| i > 0)
        .ok_or_else(err)?;
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits.parse().map_err(|_| err())?;
    let seconds = match unit {
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(err()),
    };
    // Ten years back is more than CloudTrail keeps anywhere; more is a typo.
    if n > 3660 * 86_400 / seconds {
        return Err(err());
    }
    Ok(now.plus_seconds(-n * seconds))
}

/// The UTC day of an instant, `YYYY-MM-DD`.
pub fn day_of(t: Timestamp) -> String {
    let mut text = t.to_string();
    text.truncate(10);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_membership() {
        let now = Timestamp::parse("2024-05-08T12:00:00Z").unwrap();
        let since = parse_bound("7d", now).unwrap();
        assert_eq!(since.to_string(), "2024-05-01T12:00:00Z");
        assert_eq!(
            parse_bound("2024-05-01", now).unwrap().to_string(),
            "2024-05-01T00:00:00Z"
        );
        assert_eq!(
            parse_bound("2024-05-01T10:00:00+02:00", now)
                .unwrap()
                .to_string(),
            "2024-05-01T08:00:00Z"
        );
        assert_eq!(
            parse_bound("90m", now).unwrap().to_string(),
            "2024-05-08T10:30:00Z"
        );
        for bad in ["", "7", "d", "7y", "-7d", "99999999d", "yesterday"] {
            assert!(parse_bound(bad, now).is_err(), "{bad}");
        }
        let w = Window {
            since: Some(since),
            until: Some(now),
        };
        assert!(w.contains(since));
        assert!(!w.contains(now));
        assert!(Window::default().contains(now));
        assert_eq!(day_of(now), "2024-05-08");
    }
}

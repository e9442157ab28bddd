//! AWS's session lengths and limits for IAM Identity Center (each with its source in the module
//! above), and reading a duration as the console and the API write it.

use crate::time::human_duration;

/// The shortest access-portal session.
pub const PORTAL_MIN_SECONDS: i64 = 15 * 60;
/// The longest access-portal session.
pub const PORTAL_MAX_SECONDS: i64 = 90 * 86_400;
/// The access-portal session when none is configured.
pub const PORTAL_DEFAULT_SECONDS: i64 = 8 * 3600;
/// The shortest session a permission set may give.
pub const PERMISSION_SET_MIN_SECONDS: i64 = 3600;
/// The longest session a permission set may give.
pub const PERMISSION_SET_MAX_SECONDS: i64 = 12 * 3600;
/// A permission set's session when none is configured.
pub const PERMISSION_SET_DEFAULT_SECONDS: i64 = 3600;
/// A legacy (non-refreshable) CLI profile's token.
pub const LEGACY_CLI_TOKEN_SECONDS: i64 = 8 * 3600;
/// How long the CLI may go on after its portal session ends or is deleted.
pub const CLI_STOP_DELAY_SECONDS: i64 = 3600;
/// Applications re-check the portal session this often.
pub const APPLICATION_RECHECK_SECONDS: i64 = 3600;
/// How close a sign-out must be to a computed end to be explained by it.
pub const MATCH_TOLERANCE_SECONDS: i64 = 5 * 60;

/// A value outside what AWS allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// An access-portal session duration out of range (shown as people read it).
    #[error("the access-portal session duration must be 15 minutes to 90 days, not {0}")]
    Portal(String),
    /// A permission set's session duration out of range (shown as people read it).
    #[error("a permission set's session duration must be 1 to 12 hours, not {0}")]
    PermissionSet(String),
    /// Text that is not a duration.
    #[error(
        "`{0}` is not a duration: write an ISO-8601 duration (PT8H, P7D, PT30M) or 15m, 8h, 90d"
    )]
    Duration(String),
}

/// Parses `PT8H`, `P7D`, `PT1H30M`, `P1DT2H`, or `15m`, `8h`, `90d`, `3600s` into seconds.
pub fn parse_duration(s: &str) -> Result<i64, InputError> {
    let bad = || InputError::Duration(s.to_owned());
    let t = s.trim();
    let unit = |c: char| match c.to_ascii_lowercase() {
        's' => Some(1),
        'm' => Some(60),
        'h' => Some(3600),
        'd' => Some(86_400),
        'w' => Some(7 * 86_400),
        _ => None,
    };
    if let Some(rest) = t.strip_prefix(['P', 'p']) {
        let mut total: i64 = 0;
        let mut in_time = false;
        let mut number = String::new();
        let mut any = false;
        for c in rest.chars() {
            match c {
                'T' | 't' if number.is_empty() && !in_time => in_time = true,
                '0'..='9' => number.push(c),
                _ => {
                    let n: i64 = number.parse().map_err(|_| bad())?;
                    // M is months in the date part: not a length AWS uses.
                    let mult = match (c.to_ascii_uppercase(), in_time) {
                        ('D', false) => 86_400,
                        ('W', false) => 7 * 86_400,
                        ('H', true) => 3600,
                        ('M', true) => 60,
                        ('S', true) => 1,
                        _ => return Err(bad()),
                    };
                    total = total
                        .checked_add(n.checked_mul(mult).ok_or_else(bad)?)
                        .ok_or_else(bad)?;
                    number.clear();
                    any = true;
                }
            }
        }
        return if any && number.is_empty() {
            Ok(total)
        } else {
            Err(bad())
        };
    }
    let c = t.chars().last().ok_or_else(bad)?;
    let mult = unit(c).ok_or_else(bad)?;
    let n: i64 = t[..t.len() - c.len_utf8()]
        .trim()
        .parse()
        .map_err(|_| bad())?;
    n.checked_mul(mult).filter(|v| *v >= 0).ok_or_else(bad)
}

/// A number of seconds as people read it (`8 hours`).
pub(super) fn hours(seconds: i64) -> String {
    human_duration(seconds * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_both_notations() {
        for (s, secs) in [
            ("PT1H", 3600),
            ("PT12H", 43_200),
            ("PT30M", 1800),
            ("P7D", 604_800),
            ("P90D", 7_776_000),
            ("PT1H30M", 5400),
            ("P1DT2H", 93_600),
            ("15m", 900),
            ("8h", 28_800),
            ("90d", 7_776_000),
            ("3600s", 3600),
        ] {
            assert_eq!(parse_duration(s), Ok(secs), "{s}");
        }
        for bad in ["", "P", "PT", "P1M", "8", "h", "PT1X", "-1h", "P1H"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}

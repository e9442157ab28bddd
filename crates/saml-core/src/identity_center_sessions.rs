//! IAM Identity Center's sessions, as arithmetic: when the access-portal session, the console
//! role sessions, the CLI's credentials and applications end, why a user was signed out at a
//! given moment, and until when a removed user can still act. Pure: no clock, no I/O.
//!
//! The rules, each from AWS's documentation:
//! - Access-portal session: 15 minutes to 90 days, 8 hours by default; changes apply to new
//!   sessions only. With an external IdP that sends `SessionNotOnOrAfter`, the session is the
//!   shorter of the two.
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/configure-user-session.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/user-interactive-sessions.html>
//!   ("Changes to session duration apply only to new sessions"),
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/user-session-duration-prereqs-considerations.html>
//!   (the seed article's "15 minutes to 7 days" is the 2023 range, since raised to 90 days).
//! - A permission set's SessionDuration (ISO-8601, `PT1H` to `PT12H`, default one hour) is the
//!   length of each role session opened from the portal; a role session continues after the
//!   portal session ends or is deleted.
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/authconcept.html>
//! - The CLI with an `sso-session` profile refreshes its token, and so its role credentials,
//!   until the portal session ends; a legacy profile (`sso_start_url` in the profile, no
//!   `sso-session`) has a non-refreshable token that lasts 8 hours. After a portal session ends
//!   or is deleted, the CLI can take up to an hour to stop; applications re-check the portal
//!   session every 60 minutes.
//!   <https://docs.aws.amazon.com/sdkref/latest/guide/feature-sso-credentials.html> ("Legacy
//!   non-refreshable configuration – Uses a fixed, eight-hour session"),
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/end-active-sessions.html> and the
//!   seed article (up to an hour for the CLI after a portal session ends).
//! - Cutting a user off at once: an inline Deny in the permission sets conditioned on
//!   `identitystore:userId` revokes the role sessions already issued.
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/authconcept-revoke-access.html>

use serde::Serialize;

use crate::time::{human_duration, Timestamp};

pub const PORTAL_MIN_SECONDS: i64 = 15 * 60;
pub const PORTAL_MAX_SECONDS: i64 = 90 * 86_400;
pub const PORTAL_DEFAULT_SECONDS: i64 = 8 * 3600;
pub const PERMISSION_SET_MIN_SECONDS: i64 = 3600;
pub const PERMISSION_SET_MAX_SECONDS: i64 = 12 * 3600;
pub const PERMISSION_SET_DEFAULT_SECONDS: i64 = 3600;
/// A legacy (non-refreshable) CLI profile's token.
pub const LEGACY_CLI_TOKEN_SECONDS: i64 = 8 * 3600;
/// How long the CLI may go on after its portal session ends or is deleted.
pub const CLI_STOP_DELAY_SECONDS: i64 = 3600;
/// Applications re-check the portal session this often.
pub const APPLICATION_RECHECK_SECONDS: i64 = 3600;
/// How close a sign-out must be to a computed end to be explained by it.
pub const MATCH_TOLERANCE_SECONDS: i64 = 5 * 60;

/// How the CLI was configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CliProfile {
    /// `[sso-session …]` referenced by the profile: a refreshable token.
    SsoSession,
    /// `sso_start_url` in the profile itself: a fixed 8-hour token.
    Legacy,
}

/// What is known about one sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    pub signed_in_at: Timestamp,
    /// The IdP's AuthnStatement SessionNotOnOrAfter, when it sent one.
    pub idp_session_not_on_or_after: Option<Timestamp>,
    /// The instance's access-portal session duration (None: the default 8 hours).
    pub portal_seconds: Option<i64>,
    /// The permission set's SessionDuration (None: the default 1 hour).
    pub permission_set_seconds: Option<i64>,
    pub cli: CliProfile,
}

/// A value outside what AWS allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("the access-portal session duration must be 15 minutes to 90 days, not {0}")]
    Portal(String),
    #[error("a permission set's session duration must be 1 to 12 hours, not {0}")]
    PermissionSet(String),
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

/// Which session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    Portal,
    ConsoleRole,
    Cli,
    Applications,
}

impl SessionKind {
    pub fn name(self) -> &'static str {
        match self {
            SessionKind::Portal => "access portal",
            SessionKind::ConsoleRole => "console role session",
            SessionKind::Cli => "CLI / SDK credentials",
            SessionKind::Applications => "applications",
        }
    }
}

/// When one session ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub kind: SessionKind,
    /// When it ends for a user who started it at sign-in and did nothing more.
    pub ends: Timestamp,
    /// The latest it can end (a role session opened just before the portal session ends).
    pub latest: Timestamp,
    /// Why, in one sentence.
    pub because: String,
}

/// Every session of one sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub signed_in_at: Timestamp,
    pub portal_seconds: i64,
    pub permission_set_seconds: i64,
    pub cli: CliProfile,
    /// The IdP's SessionNotOnOrAfter cut the portal session short.
    pub capped_by_idp: bool,
    pub sessions: Vec<Session>,
}

fn hours(seconds: i64) -> String {
    human_duration(seconds * 1000)
}

impl Timeline {
    pub fn new(i: &Inputs) -> Result<Timeline, InputError> {
        let portal = i.portal_seconds.unwrap_or(PORTAL_DEFAULT_SECONDS);
        if !(PORTAL_MIN_SECONDS..=PORTAL_MAX_SECONDS).contains(&portal) {
            return Err(InputError::Portal(hours(portal)));
        }
        let ps = i
            .permission_set_seconds
            .unwrap_or(PERMISSION_SET_DEFAULT_SECONDS);
        if !(PERMISSION_SET_MIN_SECONDS..=PERMISSION_SET_MAX_SECONDS).contains(&ps) {
            return Err(InputError::PermissionSet(hours(ps)));
        }
        let start = i.signed_in_at;
        let configured_end = start.plus_seconds(portal);
        let (portal_end, capped) = match i.idp_session_not_on_or_after {
            Some(cap) if cap < configured_end => (cap.max(start), true),
            _ => (configured_end, false),
        };
        let portal_because = if capped {
            format!(
                "the identity provider's SessionNotOnOrAfter ({}) is shorter than the portal session duration ({})",
                portal_end,
                hours(portal)
            )
        } else {
            format!(
                "the access-portal session duration is {}{}",
                hours(portal),
                if i.portal_seconds.is_none() {
                    " (the default)"
                } else {
                    ""
                }
            )
        };
        let console = Session {
            kind: SessionKind::ConsoleRole,
            ends: start.plus_seconds(ps).min(portal_end.plus_seconds(ps)),
            latest: portal_end.plus_seconds(ps),
            because: format!(
                "each role session lasts the permission set's session duration, {}{}, and runs on after the portal session ends",
                hours(ps),
                if i.permission_set_seconds.is_none() { " (the default)" } else { "" }
            ),
        };
        let cli = match i.cli {
            CliProfile::SsoSession => Session {
                kind: SessionKind::Cli,
                ends: portal_end,
                latest: portal_end.plus_seconds(ps),
                because: format!("an sso-session profile refreshes its credentials (each lasting {}) until the portal session ends", hours(ps)),
            },
            CliProfile::Legacy => {
                let token_end = start.plus_seconds(LEGACY_CLI_TOKEN_SECONDS);
                Session {
                    kind: SessionKind::Cli,
                    ends: token_end,
                    latest: token_end.plus_seconds(ps),
                    because: "a legacy profile (sso_start_url, no sso-session) holds a non-refreshable token that lasts 8 hours, whatever the portal session".into(),
                }
            }
        };
        let applications = Session {
            kind: SessionKind::Applications,
            ends: portal_end,
            latest: portal_end.plus_seconds(APPLICATION_RECHECK_SECONDS),
            because: "applications re-check the portal session every 60 minutes".into(),
        };
        Ok(Timeline {
            signed_in_at: start,
            portal_seconds: portal,
            permission_set_seconds: ps,
            cli: i.cli,
            capped_by_idp: capped,
            sessions: vec![
                Session {
                    kind: SessionKind::Portal,
                    ends: portal_end,
                    latest: portal_end,
                    because: portal_because,
                },
                console,
                cli,
                applications,
            ],
        })
    }

    pub fn session(&self, kind: SessionKind) -> &Session {
        self.sessions
            .iter()
            .find(|s| s.kind == kind)
            .expect("every kind is in the timeline")
    }

    /// "Why was I signed out at `at`?"
    pub fn why_signed_out(&self, at: Timestamp) -> Answer {
        let near = |t: Timestamp| at.millis_since(t).abs() <= MATCH_TOLERANCE_SECONDS * 1000;
        let portal = self.session(SessionKind::Portal);
        let cli = self.session(SessionKind::Cli);
        let ps = self.permission_set_seconds;
        let since = at.millis_since(self.signed_in_at);
        let mut reasons = Vec::new();
        if at < self.signed_in_at {
            return Answer {
                question: Question::SignedOut,
                at,
                until: None,
                explained_by: None,
                answer: format!(
                    "{at} is before the sign-in ({}): nothing of this sign-in had started",
                    self.signed_in_at
                ),
                fixes: Vec::new(),
            };
        }
        if near(portal.ends) || at > portal.ends {
            let fix = if self.capped_by_idp {
                "Lengthen the identity provider's session (Okta: the app's or global session policy lifetime; Entra ID: Conditional Access sign-in frequency) or stop it sending SessionNotOnOrAfter shorter than you want; the portal session cannot outlast it."
            } else {
                "Raise the access-portal session duration (IAM Identity Center > Settings > Authentication > Session settings > Configure; 15 minutes to 90 days). It applies to sessions started after the change."
            };
            reasons.push((
                SessionKind::Portal,
                format!(
                    "the access-portal session ended at {}: {}",
                    portal.ends, portal.because
                ),
                fix.to_owned(),
            ));
        }
        if self.cli == CliProfile::Legacy && near(cli.ends) {
            reasons.push((
                SessionKind::Cli,
                format!("the CLI's token ended at {}: {}", cli.ends, cli.because),
                "Configure the CLI with a refreshable sso-session profile (`aws configure sso`, answer the \"SSO session name\" prompt): it then lasts as long as the portal session.".to_owned(),
            ));
        }
        // A role session opened at sign-in (or re-opened each time it ended) ends on a multiple
        // of the permission set's duration.
        let rem = since.rem_euclid(ps * 1000);
        let on_multiple = since >= ps * 1000 - MATCH_TOLERANCE_SECONDS * 1000
            && (rem <= MATCH_TOLERANCE_SECONDS * 1000
                || ps * 1000 - rem <= MATCH_TOLERANCE_SECONDS * 1000);
        // At or after the portal session's end, that end is what the user must fix: a role
        // session cannot be opened again without a new portal session.
        let portal_explains = !reasons.is_empty() && reasons[0].0 == SessionKind::Portal;
        if on_multiple
            && !portal_explains
            && at <= portal.ends.plus_seconds(MATCH_TOLERANCE_SECONDS)
        {
            reasons.push((
                SessionKind::ConsoleRole,
                format!(
                    "{} after the sign-in is a multiple of the permission set's session duration ({}): the console role session (or the CLI's current credentials) expired and must be opened again from the portal",
                    human_duration(since),
                    hours(ps)
                ),
                format!(
                    "Raise the permission set's session duration (IAM Identity Center > Permission sets > the set > Edit > Session duration, up to 12 hours; API: UpdatePermissionSet SessionDuration PT12H){}.",
                    if self.cli == CliProfile::Legacy { ", and use a refreshable sso-session CLI profile so the CLI renews credentials by itself" } else { "; the CLI with an sso-session profile renews them by itself" }
                ),
            ));
        }
        let (explained_by, answer, fixes) = if reasons.is_empty() {
            (
                None,
                format!(
                    "no session of this sign-in was due to end at {at} ({} after sign-in; the portal session runs until {}, role sessions last {}): someone ended it (an administrator deleted the active session or disabled the user), the identity provider's session was revoked, or the browser lost its cookies",
                    human_duration(since),
                    portal.ends,
                    hours(ps)
                ),
                vec!["Check IAM Identity Center > Users > the user > Active sessions, and the user's status; check the identity provider's sign-in log for that time.".to_owned()],
            )
        } else {
            (
                Some(reasons[0].0),
                reasons
                    .iter()
                    .map(|r| r.1.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                reasons.into_iter().map(|r| r.2).collect(),
            )
        };
        Answer {
            question: Question::SignedOut,
            at,
            until: None,
            explained_by,
            answer,
            fixes,
        }
    }

    /// "Until when can a user removed at `at` still act?" Removing (or disabling) a user stops
    /// new sign-ins; what was already issued runs on.
    pub fn removed_user(&self, at: Timestamp) -> Answer {
        let ps = self.permission_set_seconds;
        let portal = self.session(SessionKind::Portal);
        let cli = self.session(SessionKind::Cli);
        if at
            >= self
                .session(SessionKind::ConsoleRole)
                .latest
                .max(cli.latest)
        {
            return Answer {
                question: Question::RemovedUser,
                at,
                until: Some(at),
                explained_by: None,
                answer: format!("every session of this sign-in had ended by {at}: the removal takes effect at once"),
                fixes: Vec::new(),
            };
        }
        // Left alone, the portal session runs to its end, and a role session opened just
        // before that runs one permission-set duration more.
        let left_alone = if at < portal.ends {
            portal
                .ends
                .plus_seconds(ps)
                .max(cli.latest.min(cli.ends.plus_seconds(ps)))
        } else {
            at.plus_seconds(ps)
                .min(portal.ends.plus_seconds(ps).max(cli.latest))
        };
        // With the portal session deleted at `at`: open role sessions run out, and the CLI may
        // take up to an hour to notice (its last credentials then run their course).
        let cli_cutoff = at
            .plus_seconds(CLI_STOP_DELAY_SECONDS)
            .min(cli.ends.max(at));
        let deleted = at
            .plus_seconds(ps)
            .max(cli_cutoff.plus_seconds(ps))
            .max(at.plus_seconds(APPLICATION_RECHECK_SECONDS))
            .min(left_alone.max(at));
        let answer = format!(
            "removed at {at}, the user can go on acting until {left_alone} if nothing else is done (the portal session runs until {}, and each role session opened from it lasts {}); deleting the user's active portal sessions at the same time brings that to {deleted} (role sessions already open run their {}, the CLI can take up to an hour to stop, applications re-check within 60 minutes); only a Deny on identitystore:userId cuts it at {at}",
            portal.ends,
            hours(ps),
            hours(ps)
        );
        Answer {
            question: Question::RemovedUser,
            at,
            until: Some(left_alone),
            explained_by: None,
            answer,
            fixes: vec![
                "First disable the user in the identity provider (so it cannot sign in again), then delete the user's active sessions (IAM Identity Center > Users > the user > Active sessions > Delete session).".to_owned(),
                "To end the role sessions already issued at once, add to each permission set the user holds an inline policy denying everything when identitystore:userId equals the user's id, e.g. {\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"identitystore:userId\":\"<user-id>\"}}}, and reprovision it.".to_owned(),
            ],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    SignedOut,
    RemovedUser,
}

/// An answer to one of the two questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub question: Question,
    pub at: Timestamp,
    /// For a removed user: the latest moment it can act if nothing more is done.
    pub until: Option<Timestamp>,
    /// For a sign-out: the session whose end explains it.
    pub explained_by: Option<SessionKind>,
    pub answer: String,
    pub fixes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn inputs() -> Inputs {
        Inputs {
            signed_in_at: t("2024-05-14T09:00:00Z"),
            idp_session_not_on_or_after: None,
            portal_seconds: None,
            permission_set_seconds: None,
            cli: CliProfile::SsoSession,
        }
    }

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

    /// Every cap, one row each: (portal, IdP cap, permission set, CLI) → (portal end, console
    /// end, console latest, CLI end, CLI latest, applications latest).
    #[test]
    fn every_cap_in_one_table() {
        type Row = (
            Option<i64>,
            Option<&'static str>,
            Option<i64>,
            CliProfile,
            [&'static str; 6],
        );
        let rows: [Row; 8] = [
            // Defaults: portal 8 h, permission set 1 h, refreshable CLI.
            (
                None,
                None,
                None,
                CliProfile::SsoSession,
                [
                    "2024-05-14T17:00:00Z",
                    "2024-05-14T10:00:00Z",
                    "2024-05-14T18:00:00Z",
                    "2024-05-14T17:00:00Z",
                    "2024-05-14T18:00:00Z",
                    "2024-05-14T18:00:00Z",
                ],
            ),
            // Portal at its minimum, 15 minutes: the role session outlives it.
            (
                Some(900),
                None,
                None,
                CliProfile::SsoSession,
                [
                    "2024-05-14T09:15:00Z",
                    "2024-05-14T10:00:00Z",
                    "2024-05-14T10:15:00Z",
                    "2024-05-14T09:15:00Z",
                    "2024-05-14T10:15:00Z",
                    "2024-05-14T10:15:00Z",
                ],
            ),
            // Portal at its maximum, 90 days.
            (
                Some(7_776_000),
                None,
                Some(43_200),
                CliProfile::SsoSession,
                [
                    "2024-08-12T09:00:00Z",
                    "2024-05-14T21:00:00Z",
                    "2024-08-12T21:00:00Z",
                    "2024-08-12T09:00:00Z",
                    "2024-08-12T21:00:00Z",
                    "2024-08-12T10:00:00Z",
                ],
            ),
            // The IdP's SessionNotOnOrAfter caps the portal session.
            (
                Some(86_400),
                Some("2024-05-14T13:00:00Z"),
                None,
                CliProfile::SsoSession,
                [
                    "2024-05-14T13:00:00Z",
                    "2024-05-14T10:00:00Z",
                    "2024-05-14T14:00:00Z",
                    "2024-05-14T13:00:00Z",
                    "2024-05-14T14:00:00Z",
                    "2024-05-14T14:00:00Z",
                ],
            ),
            // An IdP cap longer than the portal session changes nothing.
            (
                None,
                Some("2024-05-15T09:00:00Z"),
                None,
                CliProfile::SsoSession,
                [
                    "2024-05-14T17:00:00Z",
                    "2024-05-14T10:00:00Z",
                    "2024-05-14T18:00:00Z",
                    "2024-05-14T17:00:00Z",
                    "2024-05-14T18:00:00Z",
                    "2024-05-14T18:00:00Z",
                ],
            ),
            // Permission set at 12 hours.
            (
                None,
                None,
                Some(43_200),
                CliProfile::SsoSession,
                [
                    "2024-05-14T17:00:00Z",
                    "2024-05-14T21:00:00Z",
                    "2024-05-15T05:00:00Z",
                    "2024-05-14T17:00:00Z",
                    "2024-05-15T05:00:00Z",
                    "2024-05-14T18:00:00Z",
                ],
            ),
            // Legacy CLI profile: 8 hours whatever the portal (here 7 days).
            (
                Some(604_800),
                None,
                None,
                CliProfile::Legacy,
                [
                    "2024-05-21T09:00:00Z",
                    "2024-05-14T10:00:00Z",
                    "2024-05-21T10:00:00Z",
                    "2024-05-14T17:00:00Z",
                    "2024-05-14T18:00:00Z",
                    "2024-05-21T10:00:00Z",
                ],
            ),
            // An IdP cap already past at sign-in: the portal session ends at once.
            (
                None,
                Some("2024-05-14T08:00:00Z"),
                None,
                CliProfile::SsoSession,
                [
                    "2024-05-14T09:00:00Z",
                    "2024-05-14T10:00:00Z",
                    "2024-05-14T10:00:00Z",
                    "2024-05-14T09:00:00Z",
                    "2024-05-14T10:00:00Z",
                    "2024-05-14T10:00:00Z",
                ],
            ),
        ];
        for (n, (portal, cap, ps, cli, want)) in rows.into_iter().enumerate() {
            let tl = Timeline::new(&Inputs {
                portal_seconds: portal,
                idp_session_not_on_or_after: cap.map(t),
                permission_set_seconds: ps,
                cli,
                ..inputs()
            })
            .unwrap();
            let got = [
                tl.session(SessionKind::Portal).ends,
                tl.session(SessionKind::ConsoleRole).ends,
                tl.session(SessionKind::ConsoleRole).latest,
                tl.session(SessionKind::Cli).ends,
                tl.session(SessionKind::Cli).latest,
                tl.session(SessionKind::Applications).latest,
            ];
            assert_eq!(got, want.map(t), "row {n}");
            assert_eq!(tl.capped_by_idp, n == 3 || n == 7, "row {n}");
        }
    }

    #[test]
    fn limits_are_enforced() {
        for portal in [899, 7_776_001] {
            assert!(matches!(
                Timeline::new(&Inputs {
                    portal_seconds: Some(portal),
                    ..inputs()
                }),
                Err(InputError::Portal(_))
            ));
        }
        for ps in [3599, 43_201] {
            assert!(matches!(
                Timeline::new(&Inputs {
                    permission_set_seconds: Some(ps),
                    ..inputs()
                }),
                Err(InputError::PermissionSet(_))
            ));
        }
        assert!(Timeline::new(&Inputs {
            portal_seconds: Some(900),
            permission_set_seconds: Some(43_200),
            ..inputs()
        })
        .is_ok());
    }

    #[test]
    fn why_signed_out() {
        let tl = Timeline::new(&inputs()).unwrap();
        // Every hour: the default permission-set duration.
        let a = tl.why_signed_out(t("2024-05-14T10:01:00Z"));
        assert_eq!(a.explained_by, Some(SessionKind::ConsoleRole));
        assert!(a.fixes[0].contains("Session duration"), "{:?}", a.fixes);
        assert_eq!(
            tl.why_signed_out(t("2024-05-14T12:58:00Z")).explained_by,
            Some(SessionKind::ConsoleRole)
        );
        // After 8 hours: the portal session.
        let a = tl.why_signed_out(t("2024-05-14T17:00:30Z"));
        assert_eq!(a.explained_by, Some(SessionKind::Portal));
        assert!(a.fixes[0].contains("Settings > Authentication"));
        // Capped by the IdP: the fix is the IdP's session.
        let capped = Timeline::new(&Inputs {
            idp_session_not_on_or_after: Some(t("2024-05-14T11:30:00Z")),
            ..inputs()
        })
        .unwrap();
        let a = capped.why_signed_out(t("2024-05-14T11:30:00Z"));
        assert_eq!(a.explained_by, Some(SessionKind::Portal));
        assert!(a.fixes[0].contains("identity provider's session"));
        // The legacy CLI after 8 hours, with a longer portal session.
        let legacy = Timeline::new(&Inputs {
            cli: CliProfile::Legacy,
            portal_seconds: Some(86_400),
            ..inputs()
        })
        .unwrap();
        let a = legacy.why_signed_out(t("2024-05-14T17:02:00Z"));
        assert_eq!(a.explained_by, Some(SessionKind::Cli));
        assert!(a.fixes[0].contains("sso-session"));
        // Mid-session, nothing due: someone ended it.
        let a = tl.why_signed_out(t("2024-05-14T10:30:00Z"));
        assert_eq!(a.explained_by, None);
        assert!(a.answer.contains("deleted the active session"));
    }

    #[test]
    fn removed_user() {
        let tl = Timeline::new(&Inputs {
            permission_set_seconds: Some(4 * 3600),
            ..inputs()
        })
        .unwrap();
        let a = tl.removed_user(t("2024-05-14T12:00:00Z"));
        // Portal until 17:00, a role session opened just before lasts 4 h more.
        assert_eq!(a.until, Some(t("2024-05-14T21:00:00Z")));
        assert!(a.answer.contains("2024-05-14T17:00:00Z"));
        // Deleting sessions at 12:00: CLI up to 13:00, its last credentials 4 h more.
        assert!(
            a.answer.contains("2024-05-14T17:00:00Z; deleting")
                || a.answer.contains("brings that to 2024-05-14T17:00:00Z"),
            "{}",
            a.answer
        );
        assert!(a.fixes.iter().any(|f| f.contains("identitystore:userId")));
        // After everything ended, removal is immediate.
        let a = tl.removed_user(t("2024-05-15T00:00:00Z"));
        assert_eq!(a.until, Some(t("2024-05-15T00:00:00Z")));
    }
}

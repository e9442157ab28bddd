//! When each session of one IAM Identity Center sign-in ends: the access portal's (capped by the
//! identity provider's SessionNotOnOrAfter), the console role sessions', the CLI's and the
//! applications'.

use serde::Serialize;

use super::durations::{
    hours, InputError, APPLICATION_RECHECK_SECONDS, LEGACY_CLI_TOKEN_SECONDS,
    PERMISSION_SET_DEFAULT_SECONDS, PERMISSION_SET_MAX_SECONDS, PERMISSION_SET_MIN_SECONDS,
    PORTAL_DEFAULT_SECONDS, PORTAL_MAX_SECONDS, PORTAL_MIN_SECONDS,
};
use crate::time::Timestamp;

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
    /// When the user signed in (to the access portal).
    pub signed_in_at: Timestamp,
    /// The IdP's AuthnStatement SessionNotOnOrAfter, when it sent one.
    pub idp_session_not_on_or_after: Option<Timestamp>,
    /// The instance's access-portal session duration (None: the default 8 hours).
    pub portal_seconds: Option<i64>,
    /// The permission set's SessionDuration (None: the default 1 hour).
    pub permission_set_seconds: Option<i64>,
    /// How the CLI was configured.
    pub cli: CliProfile,
}

/// Which session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// The access-portal session.
    Portal,
    /// A console role session opened from the portal.
    ConsoleRole,
    /// The CLI's (and SDKs') credentials.
    Cli,
    /// Applications signed in through the portal.
    Applications,
}

impl SessionKind {
    /// How people call the session.
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
    /// Which session.
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
    /// When the user signed in.
    pub signed_in_at: Timestamp,
    /// The access-portal session duration used.
    pub portal_seconds: i64,
    /// The permission set's session duration used.
    pub permission_set_seconds: i64,
    /// How the CLI was configured.
    pub cli: CliProfile,
    /// The IdP's SessionNotOnOrAfter cut the portal session short.
    pub capped_by_idp: bool,
    /// Each kind of session once, the access portal's first.
    pub sessions: Vec<Session>,
}

impl Timeline {
    /// Every session of the sign-in `i` describes; an error for a duration AWS does not allow.
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

    /// The session of one kind.
    pub fn session(&self, kind: SessionKind) -> &Session {
        self.sessions
            .iter()
            .find(|s| s.kind == kind)
            .expect("every kind is in the timeline")
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(crate) fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    pub(crate) fn inputs() -> Inputs {
        Inputs {
            signed_in_at: t("2024-05-14T09:00:00Z"),
            idp_session_not_on_or_after: None,
            portal_seconds: None,
            permission_set_seconds: None,
            cli: CliProfile::SsoSession,
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
}

//! The two questions asked of a sign-in's timeline: why was the user signed out at a given
//! moment, and until when can a user removed at a given moment still act. Each answer names the
//! session that explains it and the fix.

use serde::Serialize;

use super::durations::{
    hours, APPLICATION_RECHECK_SECONDS, CLI_STOP_DELAY_SECONDS, MATCH_TOLERANCE_SECONDS,
};
use super::timeline::{CliProfile, SessionKind, Timeline};
use crate::time::{human_duration, Timestamp};

impl Timeline {
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

/// Which question an answer is to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// Why was the user signed out at a given moment?
    SignedOut,
    /// Until when can a user removed at a given moment still act?
    RemovedUser,
}

/// An answer to one of the two questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The question answered.
    pub question: Question,
    /// The moment asked about.
    pub at: Timestamp,
    /// For a removed user: the latest moment it can act if nothing more is done.
    pub until: Option<Timestamp>,
    /// For a sign-out: the session whose end explains it.
    pub explained_by: Option<SessionKind>,
    /// The answer, in sentences.
    pub answer: String,
    /// What to do about it, one step each.
    pub fixes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::super::timeline::tests::{inputs, t};
    use super::super::timeline::Inputs;
    use super::*;

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

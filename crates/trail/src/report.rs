//! The report: sign-in attempts and failures in the window, the failures grouped by cause (each
//! with its fix from the catalogue), per user, and per day. Its JSON is a contract scripts rely
//! on: `events_read`, `sign_ins {attempts, failed}`, `causes [{code, count, users, first, last,
//! fix, messages, …}]` most frequent first, `users [{user, failures, codes, last_failure,
//! recovered}]`.
//!
//! Both engines (the local reader and the Athena query) fill the same [`Summary`], and only
//! [`Summary::into_report`] orders and caps it, so their reports are equal on equal events.

use std::collections::{BTreeMap, BTreeSet};

use saml_core::Timestamp;
use serde::Serialize;

use crate::classify::Cause;
use crate::window::Window;

/// At most this many accounts, roles, identity providers and messages are listed per cause:
/// the first in sort order (the count of users is exact).
pub const LIST_CAP: usize = 50;
/// Messages are cut to this many characters.
pub const MESSAGE_CHARS: usize = 512;
/// Users, accounts, roles and identity providers are cut to this many characters.
pub const VALUE_CHARS: usize = 256;

/// Everything a report says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// CloudTrail records read in the window (each delivery of a duplicated event counts).
    pub events_read: u64,
    /// The window's start, as given.
    pub since: Option<Timestamp>,
    /// The window's end (exclusive), as given.
    pub until: Option<Timestamp>,
    /// Sign-in attempts and failures.
    pub sign_ins: SignIns,
    /// Most frequent first.
    pub causes: Vec<CauseReport>,
    /// Users with at least one failure, most failures first.
    pub users: Vec<UserReport>,
    /// Failures per UTC day and cause, by day (for the chart).
    pub per_day: Vec<DayCount>,
    /// What could not be read, and an empty window.
    pub warnings: Vec<Warning>,
}

/// Sign-in attempts and failures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SignIns {
    /// Sign-ins tried: each AssumeRoleWithSAML, each Identity Center external-IdP sign-in, and
    /// each Connect refusal that belongs to no sign-in in the window.
    pub attempts: u64,
    /// Of them, failed.
    pub failed: u64,
}

/// One cause of failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CauseReport {
    /// The finding code, or `unknown`.
    pub code: Cause,
    /// The catalogue's title.
    pub title: String,
    /// Failed sign-ins.
    pub count: u64,
    /// Distinct users.
    pub users: u64,
    /// The first failure in the window.
    pub first: Timestamp,
    /// The last failure in the window.
    pub last: Timestamp,
    /// The catalogue's fix (the one `diagnose` gives).
    pub fix: String,
    /// Distinct raw messages (error message, else error code).
    pub messages: Vec<String>,
    /// The accounts the failures were in.
    pub accounts: Vec<String>,
    /// The IAM roles signed in to.
    pub roles: Vec<String>,
    /// The IAM SAML providers used.
    pub identity_providers: Vec<String>,
}

/// One user who failed to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserReport {
    /// The NameID as the events give it; else the role session name; else the identity-store
    /// user id; `(unknown)` when a failed event names nobody.
    pub user: String,
    /// Failed sign-ins.
    pub failures: u64,
    /// Their causes.
    pub codes: Vec<Cause>,
    /// The last one.
    pub last_failure: Timestamp,
    /// A successful sign-in came after the last failure.
    pub recovered: bool,
}

/// Failures of one cause on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayCount {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// The cause.
    pub code: Cause,
    /// Failed sign-ins.
    pub count: u64,
}

/// Something that was not read, or that the reader of the report must know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// What happened.
    pub kind: WarningKind,
    /// The file it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// What happened, in words (a read error says how many records before it were read).
    pub message: String,
}

/// Kinds of [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A `.gz` that is damaged or cut short: the records before the damage were read.
    CorruptGzip,
    /// JSON that is damaged or cut short: the records before the damage were read.
    CorruptJson,
    /// A file that is not a CloudTrail log nor `lookup-events` output.
    NotCloudTrail,
    /// A file or folder that could not be opened.
    Unreadable,
    /// A file larger than the reader accepts: the rest of it was not read.
    TooLarge,
    /// No sign-in event in the window.
    EmptyWindow,
    /// More warnings than are listed.
    MoreWarnings,
}

/// What one cause gathers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CauseTally {
    /// Failed sign-ins.
    pub count: u64,
    /// Distinct users; set by the caller, not by [`CauseTally::add`].
    pub users: u64,
    /// The earliest failure; `None` until one is added.
    pub first: Option<Timestamp>,
    /// The latest failure; `None` until one is added.
    pub last: Option<Timestamp>,
    /// Distinct raw messages (error message, else error code), capped by [`insert_capped`].
    pub messages: BTreeSet<String>,
    /// Distinct accounts the failures were in, capped by [`insert_capped`].
    pub accounts: BTreeSet<String>,
    /// Distinct IAM roles signed in to, capped by [`insert_capped`].
    pub roles: BTreeSet<String>,
    /// Distinct IAM SAML providers used, capped by [`insert_capped`].
    pub identity_providers: BTreeSet<String>,
}

impl CauseTally {
    /// Adds a failure at `t` (the count of users is the caller's).
    pub fn add(
        &mut self,
        t: Timestamp,
        message: &str,
        account: Option<&str>,
        role: Option<&str>,
        identity_provider: Option<&str>,
    ) {
        self.count += 1;
        self.first = Some(self.first.map_or(t, |f| f.min(t)));
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
        insert_capped(&mut self.messages, message, MESSAGE_CHARS);
        for (set, value) in [
            (&mut self.accounts, account),
            (&mut self.roles, role),
            (&mut self.identity_providers, identity_provider),
        ] {
            if let Some(v) = value {
                insert_capped(set, v, VALUE_CHARS);
            }
        }
    }
}

/// What one user gathers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserTally {
    /// Failed sign-ins.
    pub failures: u64,
    /// The causes of those failures.
    pub codes: BTreeSet<Cause>,
    /// The latest failure; `None` until one is counted.
    pub last_failure: Option<Timestamp>,
    /// A successful sign-in came after the latest failure.
    pub recovered: bool,
}

/// The aggregated facts, before ordering: what both engines produce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// CloudTrail records read in the window.
    pub events_read: u64,
    /// Sign-in attempts and failures.
    pub sign_ins: SignIns,
    /// What each cause gathered.
    pub causes: BTreeMap<Cause, CauseTally>,
    /// What each user gathered, by user name (see [`UserReport::user`]).
    pub users: BTreeMap<String, UserTally>,
    /// Failed sign-ins per UTC day (`YYYY-MM-DD`) and cause.
    pub per_day: BTreeMap<(String, Cause), u64>,
}

/// Cuts a value to `chars` characters, as the SQL does with `substr`.
pub fn cut(value: &str, chars: usize) -> &str {
    match value.char_indices().nth(chars) {
        Some((i, _)) => &value[..i],
        None => value,
    }
}

/// Keeps the [`LIST_CAP`] smallest non-empty values, each cut to `chars`.
pub fn insert_capped(set: &mut BTreeSet<String>, value: &str, chars: usize) {
    let value = cut(value, chars);
    if value.is_empty() || set.contains(value) {
        return;
    }
    if set.len() >= LIST_CAP {
        match set.last() {
            Some(last) if value < last.as_str() => {
                set.pop_last();
            }
            _ => return,
        }
    }
    set.insert(value.to_owned());
}

impl Summary {
    /// Orders and shapes the summary; `warnings` are the reader's, and an empty window adds
    /// one.
    pub fn into_report(self, window: Window, mut warnings: Vec<Warning>) -> Report {
        if self.sign_ins.attempts == 0 {
            warnings.push(Warning {
                kind: WarningKind::EmptyWindow,
                file: None,
                message: format!(
                    "no SAML sign-in event (AssumeRoleWithSAML, Connect GetFederationToken, IAM Identity Center ExternalIdPDirectoryLogin) in the window, among {} events read",
                    self.events_read
                ),
            });
        }
        let mut causes: Vec<CauseReport> = self
            .causes
            .into_iter()
            .filter_map(|(code, t)| {
                Some(CauseReport {
                    code,
                    title: code.title().to_owned(),
                    count: t.count,
                    users: t.users,
                    first: t.first?,
                    last: t.last?,
                    fix: code.fix().to_owned(),
                    messages: t.messages.into_iter().collect(),
                    accounts: t.accounts.into_iter().collect(),
                    roles: t.roles.into_iter().collect(),
                    identity_providers: t.identity_providers.into_iter().collect(),
                })
            })
            .collect();
        causes.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        let mut users: Vec<UserReport> = self
            .users
            .into_iter()
            .filter_map(|(user, t)| {
                Some(UserReport {
                    user,
                    failures: t.failures,
                    codes: t.codes.into_iter().collect(),
                    last_failure: t.last_failure?,
                    recovered: t.recovered,
                })
            })
            .collect();
        users.sort_by(|a, b| b.failures.cmp(&a.failures).then(a.user.cmp(&b.user)));
        let per_day = self
            .per_day
            .into_iter()
            .map(|((day, code), count)| DayCount { day, code, count })
            .collect();
        Report {
            events_read: self.events_read,
            since: window.since,
            until: window.until,
            sign_ins: self.sign_ins,
            causes,
            users,
            per_day,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lists_keep_the_smallest() {
        let mut set = BTreeSet::new();
        for i in (0..120).rev() {
            insert_capped(&mut set, &format!("m{i:03}"), 512);
        }
        insert_capped(&mut set, "", 512);
        assert_eq!(set.len(), LIST_CAP);
        assert_eq!(set.first().unwrap(), "m000");
        assert_eq!(set.last().unwrap(), "m049");
        assert_eq!(cut("héllo", 2), "hé");
    }

    #[test]
    fn empty_window_is_a_warning() {
        let report = Summary::default().into_report(Window::default(), Vec::new());
        assert_eq!(report.warnings[0].kind, WarningKind::EmptyWindow);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["sign_ins"]["attempts"], 0);
        assert!(json["causes"].as_array().unwrap().is_empty());
    }
}

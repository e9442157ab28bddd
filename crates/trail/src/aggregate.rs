//! Aggregation of sign-in events into a [`Summary`], as they arrive, in any order.
//!
//! The rules (the Athena query in [`crate::sql`] implements the same ones):
//! - an event delivered more than once (same `eventID`) counts once;
//! - every `AssumeRoleWithSAML` is a sign-in attempt, failed when it carries an error;
//! - a refused `GetFederationToken` belongs to the latest successful `AssumeRoleWithSAML` of
//!   the same assumed-role session (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) at most
//!   12 hours (the longest role session) before it: that sign-in becomes one failure with the
//!   Connect cause (the earliest refusal's), at the refusal's time. A refusal with no such
//!   sign-in is an attempt and a failure of its own;
//! - an IAM Identity Center `ExternalIdPDirectoryLogin` failure is a failed attempt, an
//!   external-IdP `UserAuthentication` a successful one;
//! - a user has recovered when a successful sign-in came after their last failure.
//!
//! Memory: no per-file state. What grows with the input is one 8-byte hash per distinct
//! sign-in `eventID` (the duplicate filter: 64 bits make a false merge unlikely below billions
//! of sign-ins), 24 bytes per successful `AssumeRoleWithSAML` (kept until the end, since a
//! Connect refusal read later may turn it into a failure), one entry per refusal, and each
//! distinct user, account, role, provider and session name once. Non-sign-in records, the
//! great majority, leave nothing.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use saml_core::Timestamp;

use crate::classify::Cause;
use crate::event::{EventKind, SignInEvent};
use crate::report::{cut, CauseTally, Summary, UserTally, MESSAGE_CHARS, VALUE_CHARS};
use crate::window::day_of;

/// How long after a successful sign-in a Connect refusal still belongs to it (STS's longest
/// role session, 12 hours).
pub const SESSION_MILLIS: i64 = 12 * 3600 * 1000;

/// Who a failure is about when the event names nobody.
pub const UNKNOWN_USER: &str = "(unknown)";

/// Strings kept once, by number.
#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let rc: Arc<str> = Arc::from(s);
        self.names.push(rc.clone());
        self.ids.insert(rc, id);
        id
    }

    fn opt(&mut self, s: Option<&str>) -> Option<u32> {
        s.map(|s| self.id(cut(s, VALUE_CHARS)))
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }
}

/// A successful `AssumeRoleWithSAML`, until the end tells whether Connect refused it.
#[derive(Debug, Clone, Copy)]
struct Success {
    t: Timestamp,
    user: u32,
    account: Option<u32>,
    role: Option<u32>,
    provider: Option<u32>,
}

/// A refused `GetFederationToken`.
#[derive(Debug, Clone)]
struct Refusal {
    t: Timestamp,
    session: u32,
    cause: Cause,
    message: String,
    user: u32,
    account: Option<u32>,
    role: Option<u32>,
}

/// Collects events; [`Aggregator::finish`] pairs Connect refusals and returns the summary.
#[derive(Debug, Default)]
pub struct Aggregator {
    seen: HashSet<u64>,
    strings: Interner,
    events_read: u64,
    attempts: u64,
    sessions: HashMap<u32, Vec<Success>>,
    refusals: Vec<Refusal>,
    last_success: HashMap<u32, Timestamp>,
    failed: u64,
    causes: HashMap<Cause, (CauseTally, HashSet<u32>)>,
    users: HashMap<u32, UserTally>,
    per_day: HashMap<(String, Cause), u64>,
}

impl Aggregator {
    /// An empty aggregator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts records read in the window (sign-in or not).
    pub fn add_read(&mut self, n: u64) {
        self.events_read += n;
    }

    /// Adds a sign-in event (already known to be in the window).
    pub fn add(&mut self, event: SignInEvent) {
        if let Some(id) = &event.event_id {
            let mut h = DefaultHasher::new();
            id.hash(&mut h);
            if !self.seen.insert(h.finish()) {
                return;
            }
        }
        let user = self.strings.id(cut(
            event.user.as_deref().unwrap_or(UNKNOWN_USER),
            VALUE_CHARS,
        ));
        let account = self.strings.opt(event.account.as_deref());
        let role = self.strings.opt(event.role.as_deref());
        let provider = self.strings.opt(event.identity_provider.as_deref());
        let cause = event.cause();
        let message = event.failure.as_ref().map_or("", |f| f.raw());
        match (event.kind, cause) {
            (EventKind::FederationTokenRefused, Some(cause)) => {
                let session = self.strings.id(event.session.as_deref().unwrap_or(""));
                self.refusals.push(Refusal {
                    t: event.time,
                    session,
                    cause,
                    message: cut(message, MESSAGE_CHARS).to_owned(),
                    user,
                    account,
                    role,
                });
            }
            (EventKind::FederationTokenRefused, None) => {}
            (_, Some(cause)) => {
                self.attempts += 1;
                self.fail(user, account, role, provider, cause, message, event.time);
            }
            (EventKind::AssumeRoleWithSaml, None) => {
                self.attempts += 1;
                let success = Success {
                    t: event.time,
                    user,
                    account,
                    role,
                    provider,
                };
                match event.session.as_deref() {
                    Some(session) => {
                        let id = self.strings.id(session);
                        self.sessions.entry(id).or_default().push(success);
                    }
                    None => self.succeed(user, event.time),
                }
            }
            (_, None) => {
                self.attempts += 1;
                self.succeed(user, event.time);
            }
        }
    }

    fn succeed(&mut self, user: u32, t: Timestamp) {
        let last = self.last_success.entry(user).or_insert(t);
        *last = (*last).max(t);
    }

    #[allow(clippy::too_many_arguments)]
    fn fail(
        &mut self,
        user: u32,
        account: Option<u32>,
        role: Option<u32>,
        provider: Option<u32>,
        cause: Cause,
        message: &str,
        t: Timestamp,
    ) {
        self.failed += 1;
        let names = &self.strings;
        let (tally, users) = self.causes.entry(cause).or_default();
        tally.add(
            t,
            message,
            account.map(|a| names.name(a)),
            role.map(|r| names.name(r)),
            provider.map(|p| names.name(p)),
        );
        users.insert(user);
        let u = self.users.entry(user).or_default();
        u.failures += 1;
        u.codes.insert(cause);
        u.last_failure = Some(u.last_failure.map_or(t, |l| l.max(t)));
        *self.per_day.entry((day_of(t), cause)).or_default() += 1;
    }

    /// Pairs Connect refusals with their sign-ins and returns the summary.
    pub fn finish(mut self) -> Summary {
        // For each sign-in a refusal belongs to (session, time), the earliest refusal.
        let mut chosen: HashMap<(u32, Timestamp), Refusal> = HashMap::new();
        for r in std::mem::take(&mut self.refusals) {
            let owner = self.sessions.get(&r.session).and_then(|list| {
                list.iter()
                    .map(|s| s.t)
                    .filter(|&t| t <= r.t && r.t.millis_since(t) <= SESSION_MILLIS)
                    .max()
            });
            match owner {
                Some(t) => {
                    let key = (r.session, t);
                    let replace = chosen
                        .get(&key)
                        .is_none_or(|c| (r.t, r.cause, &r.message) < (c.t, c.cause, &c.message));
                    if replace {
                        chosen.insert(key, r);
                    }
                }
                None => {
                    self.attempts += 1;
                    self.fail(r.user, r.account, r.role, None, r.cause, &r.message, r.t);
                }
            }
        }
        for (session, list) in std::mem::take(&mut self.sessions) {
            for s in list {
                match chosen.get(&(session, s.t)) {
                    Some(r) => {
                        let (cause, message, t) = (r.cause, r.message.clone(), r.t);
                        self.fail(s.user, s.account, s.role, s.provider, cause, &message, t);
                    }
                    None => self.succeed(s.user, s.t),
                }
            }
        }
        let mut summary = Summary {
            events_read: self.events_read,
            ..Summary::default()
        };
        summary.sign_ins.attempts = self.attempts;
        summary.sign_ins.failed = self.failed;
        for (cause, (mut tally, users)) in self.causes {
            tally.users = users.len() as u64;
            summary.causes.insert(cause, tally);
        }
        for (user, mut tally) in self.users {
            tally.recovered = match (self.last_success.get(&user), tally.last_failure) {
                (Some(&s), Some(f)) => s > f,
                _ => false,
            };
            summary
                .users
                .insert(self.strings.name(user).to_owned(), tally);
        }
        summary.per_day = self.per_day.into_iter().collect();
        summary
    }
}

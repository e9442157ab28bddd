//! The Connect checks on an in-memory instance that counts the calls made to it and holds to
//! the documented limits of the API: EXACT is case-sensitive, CONTAINS values outside 2–25
//! characters match nothing (and are counted, so tests can assert none is sent), SearchUsers
//! pages hold at most 500 users (its MaxResults), ListUsers pages at most 1,000. The account
//! checks' tests (`iam_federation`) use the same instance.

use std::cell::RefCell;
use std::collections::HashMap;

use super::api::{ConnectApi, Instance, Match, User, UserPage};
use super::checks::{contains_values, find_user, UserLookup};
use crate::access::{AccessError, AccessResult};
use crate::test_support::block_on;

/// The instance's id.
pub(crate) const INSTANCE: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// How the fake's SearchUsers compares CONTAINS values: the API reference does not say, so
/// every lookup test runs in each mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseMode {
    Sensitive,
    Insensitive,
    /// Case-sensitive, with unrelated users mixed into every CONTAINS answer (a search that
    /// ranks rather than filters): the code must not read them as evidence of case folding.
    SensitiveNoisy,
}

/// An in-memory Connect instance (see the module's comment).
pub(crate) struct FakeConnect {
    pub(crate) instance: Option<Instance>,
    pub(crate) users: Vec<String>,
    pub(crate) page_size: usize,
    pub(crate) case: CaseMode,
    pub(crate) out_of_limit: RefCell<usize>,
    pub(crate) denied: Vec<&'static str>,
    calls: RefCell<HashMap<&'static str, usize>>,
}

impl FakeConnect {
    /// A SAML instance with two users.
    pub(crate) fn healthy() -> Self {
        FakeConnect {
            instance: Some(Instance {
                arn: format!("arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}"),
                identity_management_type: "SAML".into(),
                status: "ACTIVE".into(),
                alias: Some("contoso-cc".into()),
            }),
            users: vec![
                "jane.doe@contoso.com".into(),
                "john.smith@contoso.com".into(),
            ],
            page_size: 500,
            case: CaseMode::Sensitive,
            out_of_limit: RefCell::new(0),
            denied: vec![],
            calls: RefCell::new(HashMap::new()),
        }
    }

    /// `users` agents plus `extra`, on an instance whose CONTAINS compares as `case` does.
    pub(crate) fn with_users(users: usize, extra: &[&str], case: CaseMode) -> Self {
        let mut fake = FakeConnect::healthy();
        fake.case = case;
        fake.users = (0..users)
            .map(|i| format!("agent{i}@contoso.com"))
            .collect();
        fake.users.extend(extra.iter().map(|u| (*u).to_owned()));
        fake
    }

    fn call(&self, action: &'static str) -> AccessResult<()> {
        *self.calls.borrow_mut().entry(action).or_default() += 1;
        if self.denied.contains(&action) {
            return Err(AccessError::Denied { action });
        }
        Ok(())
    }

    /// How many times `action` was called.
    pub(crate) fn count(&self, action: &str) -> usize {
        self.calls.borrow().get(action).copied().unwrap_or(0)
    }
}

impl ConnectApi for FakeConnect {
    async fn describe_instance(&self, instance_id: &str) -> AccessResult<Option<Instance>> {
        self.call("connect:DescribeInstance")?;
        Ok(self
            .instance
            .clone()
            .filter(|i| i.arn.ends_with(instance_id)))
    }
    async fn search_users(
        &self,
        _: &str,
        value: &str,
        how: Match,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        self.call("connect:SearchUsers")?;
        let len = value.chars().count();
        if how == Match::Contains && !(2..=25).contains(&len) {
            *self.out_of_limit.borrow_mut() += 1;
            return Ok(UserPage::default());
        }
        let folded = value.to_lowercase();
        let matching: Vec<&String> = self
            .users
            .iter()
            .enumerate()
            .filter(|(i, u)| match (how, self.case) {
                (Match::Exact, _) => *u == value,
                (Match::Contains, CaseMode::Sensitive) => u.contains(value),
                (Match::Contains, CaseMode::SensitiveNoisy) => u.contains(value) || *i < 3,
                (Match::Contains, CaseMode::Insensitive) => u.to_lowercase().contains(&folded),
            })
            .map(|(_, u)| u)
            .collect();
        Ok(page_of(&matching, self.page_size.min(500), next_token))
    }
    async fn list_users(&self, _: &str, next_token: Option<String>) -> AccessResult<UserPage> {
        self.call("connect:ListUsers")?;
        let all: Vec<&String> = self.users.iter().collect();
        Ok(page_of(&all, 1000, next_token))
    }
}

/// One page of `users` from the offset the token holds.
fn page_of(users: &[&String], size: usize, next_token: Option<String>) -> UserPage {
    let start: usize = next_token.map(|t| t.parse().unwrap()).unwrap_or(0);
    UserPage {
        items: users
            .iter()
            .skip(start)
            .take(size)
            .map(|u| User {
                username: (*u).clone(),
                id: "u".into(),
            })
            .collect(),
        next_token: (start + size < users.len()).then(|| (start + size).to_string()),
    }
}

/// A 40-character e-mail address as RoleSessionName: over the 25-character CONTAINS limit.
const LONG_NAME: &str = "jane.doe-smithson.contractor@contoso.com";

/// The user lookup alone: its answer and the Connect user calls it made.
fn lookup(fake: &FakeConnect, name: &str) -> (UserLookup, usize) {
    let found = block_on(find_user(fake, INSTANCE, name)).unwrap();
    assert_eq!(
        *fake.out_of_limit.borrow(),
        0,
        "a CONTAINS value outside 2–25 characters was sent"
    );
    (
        found,
        fake.count("connect:SearchUsers") + fake.count("connect:ListUsers"),
    )
}

const MODES: [CaseMode; 3] = [
    CaseMode::Sensitive,
    CaseMode::Insensitive,
    CaseMode::SensitiveNoisy,
];

#[test]
fn a_healthy_lookup_at_20000_users_takes_at_most_two_calls() {
    for case in MODES {
        for name in ["jane.doe@contoso.com", LONG_NAME] {
            let fake = FakeConnect::with_users(20_000, &[name], case);
            let (found, calls) = lookup(&fake, name);
            assert_eq!(found, UserLookup::Exact, "{case:?} {name}");
            assert!(calls <= 2, "{case:?} {name}: {calls} calls");
        }
    }
}

#[test]
fn a_case_mismatch_of_a_long_name_on_3000_users_takes_at_most_eight_calls() {
    let spellings = [
        "Jane.Doe-Smithson.Contractor@Contoso.com",
        "JANE.DOE-SMITHSON.CONTRACTOR@CONTOSO.COM",
        "jane.doe-smithson.contractor@contoso.com",
    ];
    for case in MODES {
        for stored in spellings {
            for sent in spellings.iter().filter(|s| **s != stored) {
                let fake = FakeConnect::with_users(3_000, &[stored], case);
                let (found, calls) = lookup(&fake, sent);
                assert_eq!(
                    found,
                    UserLookup::OnlyCaseInsensitive(stored.to_owned()),
                    "{case:?}: sent {sent}, stored {stored}"
                );
                assert!(
                    calls <= 8,
                    "{case:?}: sent {sent}, stored {stored}: {calls} calls"
                );
            }
        }
    }
}

#[test]
fn a_user_who_does_not_exist_is_reported_at_any_size() {
    for case in MODES {
        for size in [0, 1, 999, 1_000, 1_001, 3_000, 20_000] {
            for name in ["jane.doe@contoso.com", LONG_NAME, "ab"] {
                // Near misses that a sloppy comparison would take for the user.
                let near = [
                    format!("x{name}"),
                    format!("{name}.old"),
                    name[..name.len() - 1].to_owned(),
                ];
                let near: Vec<&str> = near.iter().map(String::as_str).collect();
                let fake = FakeConnect::with_users(size, &near, case);
                let (found, _) = lookup(&fake, name);
                assert_eq!(found, UserLookup::None, "{case:?} {size} {name}");
            }
        }
    }
}

#[test]
fn a_case_insensitive_service_settles_absence_without_listing_everyone() {
    // Agents named like the user in another case show the service ignores case.
    let fake =
        FakeConnect::with_users(20_000, &["JANE.DOE@CONTOSO.COM.OLD"], CaseMode::Insensitive);
    let (found, calls) = lookup(&fake, "jane.doe@contoso.com");
    assert_eq!(found, UserLookup::None);
    assert!(calls <= 3, "{calls} calls");
    assert_eq!(fake.count("connect:ListUsers"), 0);
}

#[test]
fn names_at_the_contains_limits_are_searched_within_them() {
    for case in MODES {
        for len in [2, 24, 25, 26, 64] {
            let name: String = "Ab".repeat(40).chars().take(len).collect();
            let stored = name.to_lowercase();
            let fake = FakeConnect::with_users(50, &[&stored], case);
            let (found, _) = lookup(&fake, &name);
            assert_eq!(
                found,
                UserLookup::OnlyCaseInsensitive(stored),
                "{case:?} {len}"
            );
        }
    }
    assert!(contains_values("a").is_empty());
    assert!(contains_values(LONG_NAME)
        .iter()
        .all(|v| v.chars().count() == 25));
}

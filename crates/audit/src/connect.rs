//! The Amazon Connect rules, for each instance whose identity management is SAML: usernames that
//! can never be a RoleSessionName (saml-core's [`RoleSessionName`] rules: 2-64 of
//! `[a-zA-Z_0-9+=,.@-]`), usernames equal when case is ignored, and, with the expected names,
//! the people who will get "not onboarded" (no user named exactly like them, or only a case
//! variant).
//!
//! Connect compares the username case-sensitively ("All Amazon Connect usernames are case
//! sensitive, even when using SAML"); ListUsers' reference does not say whether two usernames
//! may differ only in case. The rules hold either way: variants are reported when they exist.

use std::collections::{BTreeMap, HashMap};

use saml_core::aws::RoleSessionName;
use saml_core::{Code, Finding};

use crate::context::AccountContext;
use crate::expect::ExpectedNames;
use connect_check::connect::{Instance, User};

fn fold(username: &str) -> String {
    username.to_lowercase()
}

/// The users of one instance, as far as the rules need them: every username, exactly and with
/// case ignored. Memory is that of the instance's usernames and ARNs.
#[derive(Debug, Clone, Default)]
pub struct InstanceUsers {
    /// Username → user ARN.
    by_name: HashMap<String, String>,
    /// Folded username → the usernames that fold to it.
    by_folded: HashMap<String, Vec<String>>,
}

impl InstanceUsers {
    /// Adds a user; false when its username was already added (a repeated page).
    pub fn add(&mut self, user: &User) -> bool {
        if self.by_name.contains_key(&user.username) {
            return false;
        }
        self.by_name.insert(user.username.clone(), user.arn.clone());
        self.by_folded
            .entry(fold(&user.username))
            .or_default()
            .push(user.username.clone());
        true
    }

    /// How many users were added.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// True when no user was added.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// A username that can never be a RoleSessionName; `None` when it can.
pub fn check_user(ctx: &AccountContext, user: &User) -> Option<Finding> {
    let why = RoleSessionName::parse(&user.username).err()?;
    Some(
        ctx.finding(
            Code::ConnectUsernameNotSessionName,
            &user.arn,
            format!(
                "the Connect user `{}` ({}) can never be signed in with SAML: {why}",
                user.username.escape_debug(),
                user.arn
            ),
        )
        .with("username", user.username.clone()),
    )
}

/// Usernames of `instance` equal when case is ignored: one finding per group, about the instance
/// (evidence `usernames` and `user_arns`, JSON arrays).
pub fn check_case_collisions(
    ctx: &AccountContext,
    instance: &Instance,
    users: &InstanceUsers,
) -> Vec<Finding> {
    // Sorted, so the report is the same whatever order the pages came in.
    let groups: BTreeMap<&String, &Vec<String>> = users
        .by_folded
        .iter()
        .filter(|(_, names)| names.len() > 1)
        .collect();
    groups
        .into_values()
        .map(|names| {
            let mut names = names.clone();
            names.sort();
            let arns: Vec<&str> = names
                .iter()
                .filter_map(|n| users.by_name.get(n).map(String::as_str))
                .collect();
            ctx.finding(
                Code::ConnectUsernamesDifferInCase,
                &instance.arn,
                format!(
                    "the Connect instance {} has users whose usernames differ only in case: {}",
                    instance.arn,
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with("usernames", json_array(&names))
            .with("user_arns", json_array(&arns))
        })
        .collect()
}

fn json_array<S: serde::Serialize>(items: &[S]) -> String {
    serde_json::to_string(items).unwrap_or_default()
}

/// The expected people who will get "not onboarded" on `instance`: no user named exactly like
/// them (`connect_user_not_found`, about the instance), or only a case variant
/// (`connect_user_case_mismatch`, about the variant user). Names that can never be a
/// RoleSessionName are left to [`ExpectedNames::findings`].
pub fn check_expected(
    ctx: &AccountContext,
    instance: &Instance,
    users: &InstanceUsers,
    expected: &ExpectedNames,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for name in expected.valid() {
        if users.by_name.contains_key(&name.value) {
            continue;
        }
        let line = format!("{}:{}", expected.source_name(), name.line);
        let f = match users
            .by_folded
            .get(&fold(&name.value))
            .and_then(|v| v.first())
        {
            Some(variant) => {
                let arn = users
                    .by_name
                    .get(variant)
                    .map(String::as_str)
                    .unwrap_or(instance.arn.as_str());
                ctx.finding(
                    Code::ConnectUserCaseMismatch,
                    arn,
                    format!(
                        "`{}` ({line}) will be authenticated but not onboarded on {}: the user is named `{variant}`, which differs only in case",
                        name.value, instance.arn
                    ),
                )
                .with("expected", name.value.clone())
                .with("username", variant.clone())
            }
            None => ctx
                .finding(
                    Code::ConnectUserNotFound,
                    &instance.arn,
                    format!(
                        "`{}` ({line}) will be authenticated but not onboarded on {}: no user has that username",
                        name.value, instance.arn
                    ),
                )
                .with("expected", name.value.clone()),
        };
        out.push(f.with("expected_at", line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expect::HeaderLine;
    use saml_core::aws::{AccountId, Partition};

    const INSTANCE: &str =
        "arn:aws:connect:eu-west-2:111122223333:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

    fn ctx() -> AccountContext {
        AccountContext::new(AccountId::parse("111122223333").unwrap(), Partition::Aws)
    }

    fn instance() -> Instance {
        Instance {
            id: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into(),
            arn: INSTANCE.into(),
            identity_management_type: "SAML".into(),
            alias: Some("contoso".into()),
            status: "ACTIVE".into(),
        }
    }

    fn user(i: usize, username: &str) -> User {
        User {
            id: format!("u{i}"),
            arn: format!("{INSTANCE}/agent/u{i}"),
            username: username.into(),
        }
    }

    fn users(names: &[&str]) -> (Vec<User>, InstanceUsers) {
        let list: Vec<User> = names.iter().enumerate().map(|(i, n)| user(i, n)).collect();
        let mut set = InstanceUsers::default();
        for u in &list {
            set.add(u);
        }
        (list, set)
    }

    #[test]
    fn usernames_that_can_never_be_a_session_name() {
        let (list, _) = users(&[
            "jane.doe@contoso.com",
            "a_b+c=d,e.f@g-h",
            "jane_gmail.com#EXT#@contoso.onmicrosoft.com",
            "Jane Doe",
            "x",
            &"a".repeat(65),
            &"a".repeat(64),
            "josé@contoso.com",
        ]);
        let found: Vec<(usize, Finding)> = list
            .iter()
            .enumerate()
            .filter_map(|(i, u)| check_user(&ctx(), u).map(|f| (i, f)))
            .collect();
        assert_eq!(
            found.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [2, 3, 4, 5, 7]
        );
        for (i, f) in &found {
            assert_eq!(f.code, Code::ConnectUsernameNotSessionName);
            assert_eq!(f.evidence.get("resource"), Some(list[*i].arn.as_str()));
            assert_eq!(f.evidence.get("username"), Some(list[*i].username.as_str()));
        }
        assert!(found[0].1.detail.contains("'#'"));
        assert!(found[2].1.detail.contains("1 character long"));
        assert!(found[3].1.detail.contains("65 characters"));
    }

    #[test]
    fn usernames_equal_when_case_is_ignored() {
        let (_, set) = users(&[
            "jane@contoso.com",
            "Jane@Contoso.com",
            "bob@contoso.com",
            "JANE@CONTOSO.COM",
            "ann@contoso.com",
            "Ann@contoso.com",
        ]);
        let f = check_case_collisions(&ctx(), &instance(), &set);
        assert_eq!(f.len(), 2);
        assert!(f
            .iter()
            .all(|f| f.code == Code::ConnectUsernamesDifferInCase
                && f.evidence.get("resource") == Some(INSTANCE)));
        assert_eq!(
            f[0].evidence.get("usernames"),
            Some(r#"["Ann@contoso.com","ann@contoso.com"]"#)
        );
        assert_eq!(
            f[1].evidence.get("usernames"),
            Some(r#"["JANE@CONTOSO.COM","Jane@Contoso.com","jane@contoso.com"]"#)
        );
        assert_eq!(
            f[1].evidence.get("user_arns"),
            Some(
                format!(r#"["{INSTANCE}/agent/u3","{INSTANCE}/agent/u1","{INSTANCE}/agent/u0"]"#)
                    .as_str()
            )
        );
        let (_, healthy) = users(&["jane@contoso.com", "bob@contoso.com"]);
        assert!(check_case_collisions(&ctx(), &instance(), &healthy).is_empty());
        // A user listed twice (a repeated page) is one user.
        let mut set = InstanceUsers::default();
        assert!(set.add(&user(0, "jane@contoso.com")));
        assert!(!set.add(&user(0, "jane@contoso.com")));
        assert_eq!(set.len(), 1);
        assert!(check_case_collisions(&ctx(), &instance(), &set).is_empty());
    }

    #[test]
    fn expected_people_who_will_not_be_onboarded() {
        let (_, set) = users(&["jane@contoso.com", "Bob@contoso.com"]);
        let expected = ExpectedNames::parse(
            "people.csv",
            b"RoleSessionName\njane@contoso.com\nbob@contoso.com\nann@contoso.com\nnot valid\n",
            HeaderLine::Auto,
        )
        .unwrap();
        let f = check_expected(&ctx(), &instance(), &set, &expected);
        let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            ["connect_user_case_mismatch", "connect_user_not_found"]
        );
        assert_eq!(
            f[0].evidence.get("resource"),
            Some(format!("{INSTANCE}/agent/u1").as_str())
        );
        assert_eq!(f[0].evidence.get("expected"), Some("bob@contoso.com"));
        assert_eq!(f[0].evidence.get("username"), Some("Bob@contoso.com"));
        assert_eq!(f[1].evidence.get("resource"), Some(INSTANCE));
        assert_eq!(f[1].evidence.get("expected"), Some("ann@contoso.com"));
        assert_eq!(f[1].evidence.get("expected_at"), Some("people.csv:4"));
        // Everyone onboarded: nothing.
        let (_, all) = users(&["jane@contoso.com", "bob@contoso.com", "ann@contoso.com"]);
        assert!(check_expected(&ctx(), &instance(), &all, &expected).is_empty());
    }
}

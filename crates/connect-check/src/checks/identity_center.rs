//! The IAM Identity Center account checks: find the instance and identity store the assertion's
//! Audience names, look up the user whose user name is the NameID (exact, then without regard to
//! case), whether it is enabled, and the permission sets it holds with their session durations.
//! Behind their own narrow trait, [`IdentityCenterAccount`], so they run on recorded answers in
//! tests and through the SDK (`sdk_identity_center`) in the binary.
//!
//! API references, each call:
//! - sso:ListInstances <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListInstances.html>
//! - identitystore:GetUserId, AlternateIdentifier.UniqueAttribute with AttributePath `userName`
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_GetUserId.html>
//! - identitystore:DescribeUser, UserStatus ENABLED | DISABLED
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_DescribeUser.html>
//! - identitystore:ListUsers (MaxResults 1-100, NextToken)
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_ListUsers.html>
//! - identitystore:ListGroupMembershipsForMember
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_ListGroupMembershipsForMember.html>
//! - sso:ListAccountAssignmentsForPrincipal (management account, organization instances only)
//!   <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListAccountAssignmentsForPrincipal.html>
//! - sso:DescribePermissionSet, SessionDuration ISO-8601 (PT1H default, up to PT12H)
//!   <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_DescribePermissionSet.html>
//!
//! Where the references are silent the code is right either way, and says so: whether GetUserId
//! compares user names case-sensitively (an exact answer is checked again against DescribeUser's
//! spelling; no answer falls back to a client-side comparison over ListUsers), and whether
//! ListAccountAssignmentsForPrincipal on a user includes what its groups hold (the user's groups
//! are asked too, and the answers merged).

use saml_core::identity_center::sessions::{parse_duration, PERMISSION_SET_DEFAULT_SECONDS};
use saml_core::time::human_duration;
use saml_core::{Check, Code, Facts, Finding};

use crate::account::{AccessError, AccessResult};

/// An Identity Center instance (ListInstances).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdcInstance {
    pub instance_arn: String,
    pub identity_store_id: String,
}

/// A user of the identity store (DescribeUser / ListUsers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdcUser {
    pub user_id: String,
    pub user_name: String,
    /// `ENABLED` or `DISABLED`; `None` when the service does not say.
    pub status: Option<String>,
}

/// One page of ListUsers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdcUserPage {
    pub users: Vec<IdcUser>,
    pub next_token: Option<String>,
}

/// Who holds an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    User,
    Group,
}

/// An account assignment (ListAccountAssignmentsForPrincipal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub account_id: String,
    pub permission_set_arn: String,
}

/// A permission set (DescribePermissionSet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionSet {
    pub arn: String,
    pub name: String,
    /// ISO-8601, as the API returns it; `None` means the default, one hour.
    pub session_duration: Option<String>,
}

/// The unique attributes GetUserId looks a user up by (the only two valid paths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKey {
    /// `userName`: what Identity Center matches the NameID against.
    UserName,
    /// `emails.value`: to tell a NameID that is the user's e-mail but not its user name.
    Email,
}

impl UserKey {
    pub fn attribute_path(self) -> &'static str {
        match self {
            UserKey::UserName => "userName",
            UserKey::Email => "emails.value",
        }
    }
}

/// What the Identity Center checks ask of the account. `Ok(None)` means "does not exist".
#[allow(async_fn_in_trait)]
pub trait IdentityCenterAccount {
    /// sso:ListInstances, every page.
    async fn list_instances(&self) -> AccessResult<Vec<IdcInstance>>;
    /// identitystore:GetUserId on a unique attribute.
    async fn get_user_id(
        &self,
        store: &str,
        key: UserKey,
        value: &str,
    ) -> AccessResult<Option<String>>;
    /// identitystore:DescribeUser.
    async fn describe_user(&self, store: &str, user_id: &str) -> AccessResult<Option<IdcUser>>;
    /// identitystore:ListUsers, one page.
    async fn list_users(
        &self,
        store: &str,
        next_token: Option<String>,
    ) -> AccessResult<IdcUserPage>;
    /// identitystore:ListGroupMembershipsForMember, every page: the user's group ids.
    async fn user_groups(&self, store: &str, user_id: &str) -> AccessResult<Vec<String>>;
    /// sso:ListAccountAssignmentsForPrincipal, every page.
    async fn assignments(
        &self,
        instance_arn: &str,
        principal: Principal,
        principal_id: &str,
    ) -> AccessResult<Vec<Assignment>>;
    /// sso:DescribePermissionSet.
    async fn permission_set(&self, instance_arn: &str, arn: &str) -> AccessResult<PermissionSet>;
}

const CHECK_INSTANCE: Check = Check::IdentityCenterInstance;
const CHECK_USER: Check = Check::IdentityCenterUser;
const CHECK_ASSIGNMENTS: Check = Check::IdentityCenterAssignments;

/// Most pages of ListUsers read looking for a case variant (100 users a page): past that the
/// check says it stopped, rather than reading a huge directory.
pub const MAX_USER_PAGES: usize = 200;

/// What the checks need from a diagnosed Identity Center assertion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    pub identity_store_id: Option<String>,
    pub region: Option<String>,
    pub user_name: Option<String>,
}

impl Input {
    pub fn from_facts(facts: &Facts) -> Self {
        let idc = facts.identity_center.clone().unwrap_or_default();
        Input {
            identity_store_id: idc.identity_store_id,
            region: idc.region,
            user_name: idc.user_name.filter(|n| !n.is_empty()),
        }
    }
}

/// The Identity Center account checks, each reported as skipped with `reason`.
pub fn skipped(facts: &Facts, reason: &str) -> Vec<Finding> {
    let input = Input::from_facts(facts);
    let store = input
        .identity_store_id
        .as_deref()
        .unwrap_or("the Audience's identity store");
    let user = input.user_name.as_deref().unwrap_or("the NameID");
    [
        (CHECK_INSTANCE, format!("that an IAM Identity Center instance uses {store}")),
        (CHECK_USER, format!("that {store} has an enabled user whose user name is `{user}` (and none differing only in case)")),
        (CHECK_ASSIGNMENTS, format!("which permission sets `{user}` holds, in which accounts, and their session durations")),
    ]
    .into_iter()
    .map(|(check, what)| Finding::skipped(check, format!("would verify {what}; {reason}")))
    .collect()
}

fn skip(check: Check, e: &AccessError) -> Finding {
    let mut f = Finding::skipped(check, e);
    if let AccessError::Denied { action } = e {
        f = f.with("missing_permission", *action);
    }
    f
}

/// Runs the Identity Center checks.
pub async fn run(account: &impl IdentityCenterAccount, input: &Input) -> Vec<Finding> {
    let mut findings = Vec::new();
    let instance = match account.list_instances().await {
        Ok(instances) => {
            let found = match &input.identity_store_id {
                Some(store) => instances.iter().find(|i| &i.identity_store_id == store),
                // A malformed Audience names no store: with one instance, it is the one.
                None if instances.len() == 1 => instances.first(),
                None => None,
            };
            match (found, &input.identity_store_id) {
                (Some(i), _) => Some(i.clone()),
                (None, Some(store)) => {
                    let seen: Vec<&str> = instances
                        .iter()
                        .map(|i| i.identity_store_id.as_str())
                        .collect();
                    findings.push(
                        Finding::new(
                            Code::IdcInstanceNotFound,
                            format!(
                                "no instance visible to the checker uses {store} (it sees {})",
                                if seen.is_empty() {
                                    "none".to_owned()
                                } else {
                                    seen.join(", ")
                                }
                            ),
                        )
                        .with("identity_store_id", store.clone())
                        .with("instances", seen.join(" ")),
                    );
                    None
                }
                (None, None) => {
                    findings.push(Finding::skipped(CHECK_INSTANCE, "the Audience names no identity store and the checker sees more than one instance (or none)"));
                    None
                }
            }
        }
        Err(e) => {
            findings.push(skip(CHECK_INSTANCE, &e));
            None
        }
    };
    let store = input
        .identity_store_id
        .clone()
        .or_else(|| instance.as_ref().map(|i| i.identity_store_id.clone()));
    let (Some(store), Some(user_name)) = (store, input.user_name.clone()) else {
        findings.push(Finding::skipped(
            CHECK_USER,
            "the assertion names no identity store (Audience) or no user (NameID)",
        ));
        return findings;
    };
    let Some(user) = check_user(account, &store, &user_name, &mut findings).await else {
        return findings;
    };
    match &instance {
        Some(i) => check_assignments(account, i, &store, &user, &mut findings).await,
        None => findings.push(Finding::skipped(
            CHECK_ASSIGNMENTS,
            "the instance is not known (see the Identity Center instance check)",
        )),
    }
    findings.sort_by_key(|f| f.severity);
    findings
}

/// Finds the user: exact, then a case variant. Returns the user found, if any.
async fn check_user(
    account: &impl IdentityCenterAccount,
    store: &str,
    user_name: &str,
    findings: &mut Vec<Finding>,
) -> Option<IdcUser> {
    let exact = match account
        .get_user_id(store, UserKey::UserName, user_name)
        .await
    {
        Ok(id) => id,
        Err(e) => {
            findings.push(skip(CHECK_USER, &e));
            return None;
        }
    };
    let user = match exact {
        Some(id) => match account.describe_user(store, &id).await {
            Ok(Some(u)) => u,
            Ok(None) => {
                findings.push(Finding::skipped(
                    CHECK_USER,
                    format!("GetUserId answered {id}, which DescribeUser then did not find"),
                ));
                return None;
            }
            Err(e) => {
                findings.push(skip(CHECK_USER, &e));
                return None;
            }
        },
        None => {
            // Case handling is undocumented: compare client-side over every user.
            let mut token = None;
            let mut variant = None;
            let wanted = user_name.to_lowercase();
            for page in 0.. {
                if page == MAX_USER_PAGES {
                    findings.push(Finding::skipped(CHECK_USER, format!("stopped looking for a user name differing only in case after {MAX_USER_PAGES} pages of ListUsers")));
                    break;
                }
                match account.list_users(store, token.take()).await {
                    Ok(p) => {
                        variant = p
                            .users
                            .into_iter()
                            .find(|u| u.user_name.to_lowercase() == wanted);
                        if variant.is_some() || p.next_token.is_none() {
                            break;
                        }
                        token = p.next_token;
                    }
                    Err(e) => {
                        findings.push(skip(CHECK_USER, &e).with_fix_note(
                            "Without it, a user differing only in case cannot be looked for.",
                        ));
                        break;
                    }
                }
            }
            match variant {
                Some(u) => u,
                None => {
                    let mut f = Finding::new(Code::IdcUserNotFound, format!("{store} has no user whose user name is `{user_name}` (GetUserId on userName)"))
                        .with("identity_store_id", store)
                        .with("user_name", user_name);
                    // The classic: the NameID is the user's e-mail, but its user name differs.
                    if let Ok(Some(id)) =
                        account.get_user_id(store, UserKey::Email, user_name).await
                    {
                        if let Ok(Some(other)) = account.describe_user(store, &id).await {
                            f = f
                                .with("user_with_this_email", other.user_name.clone())
                                .with_fix_note(format!(
                                    "A user has `{user_name}` as e-mail address, but its user name is `{}`: map NameID from the attribute that holds the user name (with SCIM, the one provisioned as userName), not from the e-mail.",
                                    other.user_name
                                ));
                        }
                    }
                    findings.push(f);
                    return None;
                }
            }
        }
    };
    if user.user_name != user_name {
        findings.push(
            Finding::new(
                Code::IdcUserCaseMismatch,
                format!(
                    "the NameID is `{user_name}` but the user's user name is `{}`",
                    user.user_name
                ),
            )
            .with("name_id", user_name)
            .with("user_name", user.user_name.clone())
            .with("user_id", user.user_id.clone()),
        );
    }
    if user.status.as_deref() == Some("DISABLED") {
        findings.push(
            Finding::new(
                Code::IdcUserDisabled,
                format!(
                    "the user `{}` ({}) is disabled",
                    user.user_name, user.user_id
                ),
            )
            .with("user_id", user.user_id.clone())
            .with("status", "DISABLED"),
        );
    }
    Some(user)
}

async fn check_assignments(
    account: &impl IdentityCenterAccount,
    instance: &IdcInstance,
    store: &str,
    user: &IdcUser,
    findings: &mut Vec<Finding>,
) {
    let arn = &instance.instance_arn;
    let mut all = match account
        .assignments(arn, Principal::User, &user.user_id)
        .await
    {
        Ok(a) => a,
        Err(e) => {
            findings.push(skip(CHECK_ASSIGNMENTS, &e).with_fix_note("ListAccountAssignmentsForPrincipal must be called from the organization's management account (or the delegated administrator)."));
            return;
        }
    };
    // Whether the user's own listing includes its groups' assignments is undocumented: ask the
    // groups too and merge.
    match account.user_groups(store, &user.user_id).await {
        Ok(groups) => {
            for g in groups {
                match account.assignments(arn, Principal::Group, &g).await {
                    Ok(a) => all.extend(a),
                    Err(e) => {
                        findings.push(skip(CHECK_ASSIGNMENTS, &e));
                        return;
                    }
                }
            }
        }
        Err(e) => {
            findings.push(
                skip(CHECK_ASSIGNMENTS, &e)
                    .with_fix_note("Assignments the user holds through groups are not listed."),
            );
        }
    }
    all.sort_by(|a, b| {
        (&a.account_id, &a.permission_set_arn).cmp(&(&b.account_id, &b.permission_set_arn))
    });
    all.dedup();
    if all.is_empty() {
        findings.push(
            Finding::new(
                Code::IdcNoAccountAssignment,
                format!(
                    "`{}` holds no permission set in any account, directly or through a group",
                    user.user_name
                ),
            )
            .with("user_id", user.user_id.clone()),
        );
        return;
    }
    let mut described: Vec<PermissionSet> = Vec::new();
    for a in &all {
        let ps = match described.iter().find(|p| p.arn == a.permission_set_arn) {
            Some(p) => p.clone(),
            None => match account.permission_set(arn, &a.permission_set_arn).await {
                Ok(p) => {
                    described.push(p.clone());
                    p
                }
                Err(e) => {
                    findings.push(skip(CHECK_ASSIGNMENTS, &e));
                    return;
                }
            },
        };
        let seconds = ps
            .session_duration
            .as_deref()
            .and_then(|d| parse_duration(d).ok())
            .unwrap_or(PERMISSION_SET_DEFAULT_SECONDS);
        findings.push(
            Finding::new(
                Code::IdcPermissionSetSession,
                format!(
                    "in account {}, permission set {} gives role sessions of {}{}",
                    a.account_id,
                    ps.name,
                    human_duration(seconds * 1000),
                    if ps.session_duration.is_none() {
                        " (the default)"
                    } else {
                        ""
                    }
                ),
            )
            .with("account_id", a.account_id.clone())
            .with("permission_set", ps.name.clone())
            .with("permission_set_arn", ps.arn.clone())
            .with(
                "session_duration",
                ps.session_duration.clone().unwrap_or_else(|| "PT1H".into()),
            )
            .with("session_seconds", seconds.to_string()),
        );
    }
}

#[cfg(test)]
mod tests {
    //! The checks on an in-memory identity store that enforces the documented limits (ListUsers
    //! pages of at most 100, store ids of the documented pattern), with call counts.

    use super::*;
    use std::cell::RefCell;

    #[derive(Default)]
    struct Fake {
        store: String,
        users: Vec<IdcUser>,
        groups: Vec<(String, String)>,
        assignments: Vec<(Principal, String, Assignment)>,
        sets: Vec<PermissionSet>,
        /// Case-insensitive GetUserId, as the service might be.
        insensitive: bool,
        /// (user id, e-mail) for GetUserId on emails.value.
        emails: Vec<(String, String)>,
        denied: Option<&'static str>,
        calls: RefCell<Vec<&'static str>>,
    }

    impl Fake {
        fn call(&self, action: &'static str) -> AccessResult<()> {
            self.calls.borrow_mut().push(action);
            if self.denied == Some(action) {
                return Err(AccessError::Denied { action });
            }
            Ok(())
        }
    }

    const PAGE: usize = 100;

    impl IdentityCenterAccount for Fake {
        async fn list_instances(&self) -> AccessResult<Vec<IdcInstance>> {
            self.call("sso:ListInstances")?;
            Ok(vec![IdcInstance {
                instance_arn: "arn:aws:sso:::instance/ssoins-1234567890abcdef".into(),
                identity_store_id: self.store.clone(),
            }])
        }
        async fn get_user_id(
            &self,
            store: &str,
            key: UserKey,
            user_name: &str,
        ) -> AccessResult<Option<String>> {
            self.call("identitystore:GetUserId")?;
            assert!(saml_core::identity_center::is_identity_store_id(store));
            if key == UserKey::Email {
                return Ok(self
                    .emails
                    .iter()
                    .find(|(_, e)| e == user_name)
                    .map(|(id, _)| id.clone()));
            }
            Ok(self
                .users
                .iter()
                .find(|u| {
                    if self.insensitive {
                        u.user_name.eq_ignore_ascii_case(user_name)
                    } else {
                        u.user_name == user_name
                    }
                })
                .map(|u| u.user_id.clone()))
        }
        async fn describe_user(&self, _: &str, user_id: &str) -> AccessResult<Option<IdcUser>> {
            self.call("identitystore:DescribeUser")?;
            Ok(self.users.iter().find(|u| u.user_id == user_id).cloned())
        }
        async fn list_users(
            &self,
            _: &str,
            next_token: Option<String>,
        ) -> AccessResult<IdcUserPage> {
            self.call("identitystore:ListUsers")?;
            let start: usize = next_token.map(|t| t.parse().unwrap()).unwrap_or(0);
            let end = (start + PAGE).min(self.users.len());
            Ok(IdcUserPage {
                users: self.users[start..end].to_vec(),
                next_token: (end < self.users.len()).then(|| end.to_string()),
            })
        }
        async fn user_groups(&self, _: &str, user_id: &str) -> AccessResult<Vec<String>> {
            self.call("identitystore:ListGroupMembershipsForMember")?;
            Ok(self
                .groups
                .iter()
                .filter(|(u, _)| u == user_id)
                .map(|(_, g)| g.clone())
                .collect())
        }
        async fn assignments(
            &self,
            _: &str,
            principal: Principal,
            id: &str,
        ) -> AccessResult<Vec<Assignment>> {
            self.call("sso:ListAccountAssignmentsForPrincipal")?;
            Ok(self
                .assignments
                .iter()
                .filter(|(p, i, _)| *p == principal && i == id)
                .map(|(_, _, a)| a.clone())
                .collect())
        }
        async fn permission_set(&self, _: &str, arn: &str) -> AccessResult<PermissionSet> {
            self.call("sso:DescribePermissionSet")?;
            Ok(self.sets.iter().find(|p| p.arn == arn).cloned().unwrap())
        }
    }

    const STORE: &str = "d-9067a1b2c3";

    fn user(id: &str, name: &str, status: &str) -> IdcUser {
        IdcUser {
            user_id: id.into(),
            user_name: name.into(),
            status: Some(status.into()),
        }
    }

    fn fake() -> Fake {
        let mut users: Vec<IdcUser> = (0..250)
            .map(|n| user(&format!("u{n}"), &format!("user{n}@example.com"), "ENABLED"))
            .collect();
        users.push(user("jane", "jane.doe@contoso.com", "ENABLED"));
        Fake {
            store: STORE.into(),
            users,
            groups: vec![("jane".into(), "g-agents".into())],
            assignments: vec![
                (
                    Principal::User,
                    "jane".into(),
                    Assignment {
                        account_id: "123456789012".into(),
                        permission_set_arn: "ps-admin".into(),
                    },
                ),
                (
                    Principal::Group,
                    "g-agents".into(),
                    Assignment {
                        account_id: "123456789012".into(),
                        permission_set_arn: "ps-agent".into(),
                    },
                ),
            ],
            sets: vec![
                PermissionSet {
                    arn: "ps-admin".into(),
                    name: "AdministratorAccess".into(),
                    session_duration: Some("PT4H".into()),
                },
                PermissionSet {
                    arn: "ps-agent".into(),
                    name: "ConnectAgent".into(),
                    session_duration: None,
                },
            ],
            ..Fake::default()
        }
    }

    fn input(name: &str) -> Input {
        Input {
            identity_store_id: Some(STORE.into()),
            region: Some("us-east-1".into()),
            user_name: Some(name.into()),
        }
    }

    fn codes(f: &[Finding]) -> Vec<Code> {
        f.iter().map(|f| f.code).collect()
    }

    #[tokio::test]
    async fn healthy_user_with_direct_and_group_permission_sets() {
        let f = run(&fake(), &input("jane.doe@contoso.com")).await;
        assert_eq!(
            codes(&f),
            [Code::IdcPermissionSetSession, Code::IdcPermissionSetSession]
        );
        assert_eq!(f[0].evidence.get("session_duration"), Some("PT4H"));
        assert_eq!(f[1].evidence.get("session_duration"), Some("PT1H"));
    }

    #[tokio::test]
    async fn case_variant_found_by_paging_either_way_the_service_compares() {
        // Case-sensitive service: GetUserId finds nothing, the variant is on ListUsers' third page.
        let a = fake();
        let f = run(&a, &input("Jane.Doe@Contoso.com")).await;
        assert!(codes(&f).contains(&Code::IdcUserCaseMismatch), "{f:?}");
        assert_eq!(
            a.calls
                .borrow()
                .iter()
                .filter(|c| **c == "identitystore:ListUsers")
                .count(),
            3
        );
        // Case-insensitive service: GetUserId answers, DescribeUser's spelling differs.
        let mut b = fake();
        b.insensitive = true;
        let f = run(&b, &input("Jane.Doe@Contoso.com")).await;
        assert!(codes(&f).contains(&Code::IdcUserCaseMismatch));
        assert!(!b.calls.borrow().contains(&"identitystore:ListUsers"));
    }

    #[tokio::test]
    async fn not_found_disabled_and_no_assignment() {
        let f = run(&fake(), &input("new.hire@contoso.com")).await;
        assert_eq!(codes(&f), [Code::IdcUserNotFound]);
        // The NameID is someone's e-mail, not its user name: the finding says whose.
        let mut a = fake();
        a.users.push(user("jd", "jdoe", "ENABLED"));
        a.emails.push(("jd".into(), "john.doe@contoso.com".into()));
        let f = run(&a, &input("john.doe@contoso.com")).await;
        assert_eq!(codes(&f), [Code::IdcUserNotFound]);
        assert_eq!(f[0].evidence.get("user_with_this_email"), Some("jdoe"));
        assert!(f[0].fix.contains("`jdoe`"));
        let mut a = fake();
        a.users.last_mut().unwrap().status = Some("DISABLED".into());
        a.assignments.clear();
        let f = run(&a, &input("jane.doe@contoso.com")).await;
        assert_eq!(
            codes(&f),
            [Code::IdcUserDisabled, Code::IdcNoAccountAssignment]
        );
    }

    #[tokio::test]
    async fn another_instance_is_reported() {
        let f = run(
            &fake(),
            &Input {
                identity_store_id: Some("d-0000000000".into()),
                ..input("jane.doe@contoso.com")
            },
        )
        .await;
        assert_eq!(f[0].code, Code::IdcInstanceNotFound);
    }

    #[tokio::test]
    async fn access_denied_on_each_call_names_the_permission() {
        for (action, name) in [
            ("sso:ListInstances", "jane.doe@contoso.com"),
            ("identitystore:GetUserId", "jane.doe@contoso.com"),
            ("identitystore:DescribeUser", "jane.doe@contoso.com"),
            ("identitystore:ListUsers", "Jane.Doe@Contoso.com"),
            (
                "identitystore:ListGroupMembershipsForMember",
                "jane.doe@contoso.com",
            ),
            (
                "sso:ListAccountAssignmentsForPrincipal",
                "jane.doe@contoso.com",
            ),
            ("sso:DescribePermissionSet", "jane.doe@contoso.com"),
        ] {
            let mut a = fake();
            a.denied = Some(action);
            let f = run(&a, &input(name)).await;
            let skip = f
                .iter()
                .find(|f| f.code == Code::CheckSkipped)
                .unwrap_or_else(|| panic!("{action}: {f:?}"));
            assert_eq!(
                skip.evidence.get("missing_permission"),
                Some(action),
                "{action}"
            );
            assert!(skip.detail.contains(action));
        }
    }

    #[test]
    fn offline_each_check_is_one_skip() {
        let facts = Facts {
            identity_center: Some(saml_core::identity_center::IdentityCenterFacts {
                identity_store_id: Some(STORE.into()),
                user_name: Some("jane.doe@contoso.com".into()),
                ..Default::default()
            }),
            ..Facts::default()
        };
        let s = skipped(&facts, "offline");
        assert_eq!(s.len(), 3);
        assert!(s[1].detail.contains("`jane.doe@contoso.com`") && s[1].detail.contains(STORE));
    }
}

//! The checks on an in-memory identity store that enforces the documented limits (ListUsers
//! pages of at most 100, store ids of the documented pattern), with call counts.

use std::cell::RefCell;

use saml_core::{Code, Facts, Finding};

use super::*;
use crate::access::{AccessError, AccessResult};

#[derive(Default)]
struct Fake {
    store: String,
    users: Vec<User>,
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

impl IdentityCenterApi for Fake {
    async fn list_instances(&self) -> AccessResult<Vec<Instance>> {
        self.call("sso:ListInstances")?;
        Ok(vec![Instance {
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
    async fn describe_user(&self, _: &str, user_id: &str) -> AccessResult<Option<User>> {
        self.call("identitystore:DescribeUser")?;
        Ok(self.users.iter().find(|u| u.user_id == user_id).cloned())
    }
    async fn list_users(&self, _: &str, next_token: Option<String>) -> AccessResult<UserPage> {
        self.call("identitystore:ListUsers")?;
        let start: usize = next_token.map(|t| t.parse().unwrap()).unwrap_or(0);
        let end = (start + PAGE).min(self.users.len());
        Ok(UserPage {
            items: self.users[start..end].to_vec(),
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

fn user(id: &str, name: &str, status: &str) -> User {
    User {
        user_id: id.into(),
        user_name: name.into(),
        status: Some(status.into()),
    }
}

fn fake() -> Fake {
    let mut users: Vec<User> = (0..250)
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

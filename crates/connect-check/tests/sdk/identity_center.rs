//! The Identity Center adapter and checks on recorded SDK responses (aws-smithy-mocks): a
//! disabled user, a case mismatch, a user found only on ListUsers' second page, and AccessDenied
//! on each call the checks make (a `check_skipped` naming the permission). The mocks enforce what
//! the API references document: the `userName` unique attribute, store ids of the documented
//! pattern, ListUsers' MaxResults of at most 100. No AWS account is used.

use aws_sdk_identitystore::operation::describe_user::{DescribeUserError, DescribeUserOutput};
use aws_sdk_identitystore::operation::get_user_id::{GetUserIdError, GetUserIdOutput};
use aws_sdk_identitystore::operation::list_group_memberships_for_member::{
    ListGroupMembershipsForMemberError, ListGroupMembershipsForMemberOutput,
};
use aws_sdk_identitystore::operation::list_users::{ListUsersError, ListUsersOutput};
use aws_sdk_identitystore::types::{
    AlternateIdentifier, GroupMembership, MemberId, User, UserStatus,
};
use aws_sdk_ssoadmin::operation::describe_permission_set::{
    DescribePermissionSetError, DescribePermissionSetOutput,
};
use aws_sdk_ssoadmin::operation::list_account_assignments_for_principal::{
    ListAccountAssignmentsForPrincipalError, ListAccountAssignmentsForPrincipalOutput,
};
use aws_sdk_ssoadmin::operation::list_instances::{ListInstancesError, ListInstancesOutput};
use aws_sdk_ssoadmin::types::{
    AccountAssignmentForPrincipal, InstanceMetadata, PermissionSet, PrincipalType,
};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::Document;
use connect_check::identity_center::sdk::SdkIdentityCenter;
use connect_check::identity_center::{run, Input};
use saml_core::{Code, Finding};

const STORE: &str = "d-9067a1b2c3";
const INSTANCE: &str = "arn:aws:sso:::instance/ssoins-72230f4b1a2c3d4e";
const JANE: &str = "jane.doe@contoso.com";
const JANE_ID: &str = "94482488-3041-7026-18f0-6589cc5a7a10";
const JANE_MAIL: &str = "jane@contoso.com";

fn is_store_id(s: Option<&str>) -> bool {
    s.is_some_and(saml_core::identity_center::is_identity_store_id)
}

fn denied(meta_code: &str, action: &str) -> ErrorMetadata {
    ErrorMetadata::builder()
        .code(meta_code)
        .message(format!("User is not authorized to perform: {action}"))
        .build()
}

fn user(id: &str, name: &str, status: UserStatus) -> User {
    User::builder()
        .identity_store_id(STORE)
        .user_id(id)
        .user_arn(format!("arn:aws:identitystore::123456789012:user/{id}"))
        .revision("1")
        .user_name(name)
        .user_status(status)
        .build()
        .unwrap()
}

/// Which users the store holds and how each call answers.
struct Store {
    users: Vec<(String, String, UserStatus)>,
    /// The call that answers AccessDenied.
    deny: Option<&'static str>,
}

impl Store {
    fn healthy() -> Self {
        let mut users: Vec<(String, String, UserStatus)> = (0..100)
            .map(|n| {
                (
                    format!("id-{n}"),
                    format!("user{n}@contoso.com"),
                    UserStatus::Enabled,
                )
            })
            .collect();
        users.push((JANE_ID.into(), JANE.into(), UserStatus::Enabled));
        Store { users, deny: None }
    }

    fn rules(&self) -> (Vec<Rule>, Vec<Rule>) {
        let deny = self.deny;
        let mut admin = Vec::new();
        let mut ids = Vec::new();
        if deny == Some("sso:ListInstances") {
            admin.push(
                mock!(aws_sdk_ssoadmin::Client::list_instances).then_error(|| {
                    ListInstancesError::generic(denied(
                        "AccessDeniedException",
                        "sso:ListInstances",
                    ))
                }),
            );
        }
        admin.push(
            mock!(aws_sdk_ssoadmin::Client::list_instances).then_output(|| {
                ListInstancesOutput::builder()
                    .instances(
                        InstanceMetadata::builder()
                            .instance_arn(INSTANCE)
                            .identity_store_id(STORE)
                            .build(),
                    )
                    .build()
            }),
        );
        if deny == Some("sso:ListAccountAssignmentsForPrincipal") {
            admin.push(
                mock!(aws_sdk_ssoadmin::Client::list_account_assignments_for_principal).then_error(
                    || {
                        ListAccountAssignmentsForPrincipalError::generic(denied(
                            "AccessDeniedException",
                            "sso:ListAccountAssignmentsForPrincipal",
                        ))
                    },
                ),
            );
        }
        admin.push(
            mock!(aws_sdk_ssoadmin::Client::list_account_assignments_for_principal)
                .match_requests(|r| {
                    r.principal_type() == Some(&PrincipalType::User)
                        && r.instance_arn() == Some(INSTANCE)
                })
                .then_output(|| {
                    ListAccountAssignmentsForPrincipalOutput::builder()
                        .account_assignments(
                            AccountAssignmentForPrincipal::builder()
                                .account_id("123456789012")
                                .permission_set_arn(format!("{INSTANCE}/ps-admin"))
                                .principal_type(PrincipalType::User)
                                .principal_id(JANE_ID)
                                .build(),
                        )
                        .build()
                }),
        );
        admin.push(
            mock!(aws_sdk_ssoadmin::Client::list_account_assignments_for_principal)
                .match_requests(|r| r.principal_type() == Some(&PrincipalType::Group))
                .then_output(|| ListAccountAssignmentsForPrincipalOutput::builder().build()),
        );
        if deny == Some("sso:DescribePermissionSet") {
            admin.push(
                mock!(aws_sdk_ssoadmin::Client::describe_permission_set).then_error(|| {
                    DescribePermissionSetError::generic(denied(
                        "AccessDeniedException",
                        "sso:DescribePermissionSet",
                    ))
                }),
            );
        }
        admin.push(
            mock!(aws_sdk_ssoadmin::Client::describe_permission_set).then_output(|| {
                DescribePermissionSetOutput::builder()
                    .permission_set(
                        PermissionSet::builder()
                            .name("AdministratorAccess")
                            .permission_set_arn(format!("{INSTANCE}/ps-admin"))
                            .session_duration("PT8H")
                            .build(),
                    )
                    .build()
            }),
        );
        if deny == Some("identitystore:GetUserId") {
            ids.push(
                mock!(aws_sdk_identitystore::Client::get_user_id).then_error(|| {
                    GetUserIdError::generic(denied(
                        "AccessDeniedException",
                        "identitystore:GetUserId",
                    ))
                }),
            );
        }
        for (id, name, _) in &self.users {
            let id = id.clone();
            let wanted = name.clone();
            ids.push(
                mock!(aws_sdk_identitystore::Client::get_user_id)
                    .match_requests(move |r| {
                        // The documented unique attribute, compared exactly here.
                        is_store_id(r.identity_store_id())
                            && matches!(r.alternate_identifier(), Some(AlternateIdentifier::UniqueAttribute(u))
                                if u.attribute_path() == "userName"
                                    && u.attribute_value() == &Document::String(wanted.clone()))
                    })
                    .then_output(move || {
                        GetUserIdOutput::builder()
                            .identity_store_id(STORE)
                            .user_id(id.clone())
                            .user_arn(format!("arn:aws:identitystore::123456789012:user/{id}"))
                            .build()
                            .unwrap()
                    }),
            );
        }
        // Jane's e-mail differs from her user name: a lookup by emails.value finds her.
        ids.push(
            mock!(aws_sdk_identitystore::Client::get_user_id)
                .match_requests(|r| {
                    matches!(r.alternate_identifier(), Some(AlternateIdentifier::UniqueAttribute(u))
                        if u.attribute_path() == "emails.value"
                            && u.attribute_value() == &Document::String(JANE_MAIL.into()))
                })
                .then_output(|| {
                    GetUserIdOutput::builder()
                        .identity_store_id(STORE)
                        .user_id(JANE_ID)
                        .user_arn(format!(
                            "arn:aws:identitystore::123456789012:user/{JANE_ID}"
                        ))
                        .build()
                        .unwrap()
                }),
        );
        ids.push(
            mock!(aws_sdk_identitystore::Client::get_user_id).then_error(|| {
                GetUserIdError::ResourceNotFoundException(
                    aws_sdk_identitystore::types::error::ResourceNotFoundException::builder()
                        .message("USER not found")
                        .build(),
                )
            }),
        );
        if deny == Some("identitystore:DescribeUser") {
            ids.push(
                mock!(aws_sdk_identitystore::Client::describe_user).then_error(|| {
                    DescribeUserError::generic(denied(
                        "AccessDeniedException",
                        "identitystore:DescribeUser",
                    ))
                }),
            );
        }
        for (id, name, status) in &self.users {
            let (id, name, status) = (id.clone(), name.clone(), status.clone());
            let wanted = id.clone();
            ids.push(
                mock!(aws_sdk_identitystore::Client::describe_user)
                    .match_requests(move |r| r.user_id() == Some(wanted.as_str()))
                    .then_output(move || {
                        DescribeUserOutput::builder()
                            .identity_store_id(STORE)
                            .user_id(id.clone())
                            .user_arn(format!("arn:aws:identitystore::123456789012:user/{id}"))
                            .revision("1")
                            .user_name(name.clone())
                            .user_status(status.clone())
                            .build()
                            .unwrap()
                    }),
            );
        }
        if deny == Some("identitystore:ListUsers") {
            ids.push(
                mock!(aws_sdk_identitystore::Client::list_users).then_error(|| {
                    ListUsersError::generic(denied(
                        "AccessDeniedException",
                        "identitystore:ListUsers",
                    ))
                }),
            );
        }
        // Two pages of at most 100 users (the documented maximum); the mock refuses more.
        let pages: Vec<Vec<User>> = self
            .users
            .chunks(100)
            .map(|c| c.iter().map(|(i, n, s)| user(i, n, s.clone())).collect())
            .collect();
        let count = pages.len();
        for (n, page) in pages.into_iter().enumerate() {
            let token = (n > 0).then(|| format!("page-{n}"));
            let next = (n + 1 < count).then(|| format!("page-{}", n + 1));
            ids.push(
                mock!(aws_sdk_identitystore::Client::list_users)
                    .match_requests(move |r| {
                        r.next_token() == token.as_deref()
                            && r.max_results().is_some_and(|m| (1..=100).contains(&m))
                    })
                    .then_output(move || {
                        let mut out = ListUsersOutput::builder();
                        for u in &page {
                            out = out.users(u.clone());
                        }
                        out.set_next_token(next.clone()).build().unwrap()
                    }),
            );
        }
        if deny == Some("identitystore:ListGroupMembershipsForMember") {
            ids.push(
                mock!(aws_sdk_identitystore::Client::list_group_memberships_for_member).then_error(
                    || {
                        ListGroupMembershipsForMemberError::generic(denied(
                            "AccessDeniedException",
                            "identitystore:ListGroupMembershipsForMember",
                        ))
                    },
                ),
            );
        }
        ids.push(
            mock!(aws_sdk_identitystore::Client::list_group_memberships_for_member)
                .match_requests(|r| matches!(r.member_id(), Some(MemberId::UserId(_))))
                .then_output(|| {
                    ListGroupMembershipsForMemberOutput::builder()
                        .group_memberships(
                            GroupMembership::builder()
                                .identity_store_id(STORE)
                                .membership_id("m-1")
                                .membership_arn(
                                    "arn:aws:identitystore::123456789012:membership/m-1",
                                )
                                .group_id("g-agents")
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap()
                }),
        );
        (admin, ids)
    }
}

async fn check(store: &Store, name: &str) -> Vec<Finding> {
    let (admin, ids) = store.rules();
    let admin: Vec<&Rule> = admin.iter().collect();
    let ids: Vec<&Rule> = ids.iter().collect();
    let account = SdkIdentityCenter::from_clients(
        mock_client!(aws_sdk_ssoadmin, RuleMode::MatchAny, &admin),
        mock_client!(aws_sdk_identitystore, RuleMode::MatchAny, &ids),
    );
    let input = Input {
        identity_store_id: Some(STORE.into()),
        region: Some("us-east-1".into()),
        user_name: Some(name.into()),
    };
    run(&account, &input).await
}

fn codes(f: &[Finding]) -> Vec<Code> {
    f.iter().map(|f| f.code).collect()
}

#[tokio::test]
async fn healthy_user_and_its_permission_set_duration() {
    let f = check(&Store::healthy(), JANE).await;
    assert_eq!(codes(&f), [Code::IdcPermissionSetSession], "{f:?}");
    assert_eq!(f[0].evidence.get("session_duration"), Some("PT8H"));
    assert_eq!(
        f[0].evidence.get("permission_set"),
        Some("AdministratorAccess")
    );
}

#[tokio::test]
async fn disabled_user() {
    let mut store = Store::healthy();
    store.users.last_mut().unwrap().2 = UserStatus::Disabled;
    let f = check(&store, JANE).await;
    assert!(codes(&f).contains(&Code::IdcUserDisabled), "{f:?}");
}

#[tokio::test]
async fn case_mismatch_found_only_on_the_second_page() {
    // GetUserId (compared exactly by this mock) finds no `Jane.Doe@…`; the user is the 101st,
    // on ListUsers' second page.
    let f = check(&Store::healthy(), "Jane.Doe@Contoso.com").await;
    let mismatch = f
        .iter()
        .find(|f| f.code == Code::IdcUserCaseMismatch)
        .unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(mismatch.evidence.get("user_name"), Some(JANE));
    assert_eq!(
        mismatch.evidence.get("name_id"),
        Some("Jane.Doe@Contoso.com")
    );
}

#[tokio::test]
async fn unknown_user() {
    let f = check(&Store::healthy(), "new.hire@contoso.com").await;
    assert_eq!(codes(&f), [Code::IdcUserNotFound], "{f:?}");
    assert_eq!(f[0].evidence.get("user_with_this_email"), None);
    // A NameID that is a user's e-mail, not its user name: the finding names the user.
    let f = check(&Store::healthy(), JANE_MAIL).await;
    assert_eq!(codes(&f), [Code::IdcUserNotFound], "{f:?}");
    assert_eq!(f[0].evidence.get("user_with_this_email"), Some(JANE));
}

#[tokio::test]
async fn access_denied_on_each_call_is_a_skip_naming_the_permission() {
    for (action, name) in [
        ("sso:ListInstances", JANE),
        ("identitystore:GetUserId", JANE),
        ("identitystore:DescribeUser", JANE),
        ("identitystore:ListUsers", "Jane.Doe@Contoso.com"),
        ("identitystore:ListGroupMembershipsForMember", JANE),
        ("sso:ListAccountAssignmentsForPrincipal", JANE),
        ("sso:DescribePermissionSet", JANE),
    ] {
        let mut store = Store::healthy();
        store.deny = Some(action);
        let f = check(&store, name).await;
        let skip = f
            .iter()
            .find(|f| {
                f.code == Code::CheckSkipped && f.evidence.get("missing_permission").is_some()
            })
            .unwrap_or_else(|| panic!("{action}: {f:?}"));
        assert_eq!(skip.evidence.get("missing_permission"), Some(action));
        assert!(skip.detail.contains(action), "{}", skip.detail);
    }
}

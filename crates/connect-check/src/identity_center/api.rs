//! What the Identity Center checks ask of its two APIs ([`IdentityCenterApi`]), the answers
//! they read and what they read from a diagnosed assertion ([`Input`]), with the IAM actions of
//! those calls.

use saml_core::Facts;

use crate::access::AccessResult;
use crate::paging::Page;

/// The Identity Center calls the checks make, as IAM actions: read-only, no Create or Update.
/// `saml-doctor aws-policy` grants these.
pub const ACTIONS: [&str; 7] = [
    "sso:ListInstances",
    "sso:ListAccountAssignmentsForPrincipal",
    "sso:DescribePermissionSet",
    "identitystore:GetUserId",
    "identitystore:DescribeUser",
    "identitystore:ListUsers",
    "identitystore:ListGroupMembershipsForMember",
];

/// An Identity Center instance (ListInstances).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The instance's ARN (`arn:aws:sso:::instance/ssoins-…`).
    pub instance_arn: String,
    /// The id of its identity store (`d-…`), as the Audience names it.
    pub identity_store_id: String,
}

/// A user of the identity store (DescribeUser / ListUsers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's id in the identity store.
    pub user_id: String,
    /// The user name: what the NameID must equal.
    pub user_name: String,
    /// `ENABLED` or `DISABLED`; `None` when the service does not say.
    pub status: Option<String>,
}

/// One page of ListUsers.
pub type UserPage = Page<User>;

/// Who holds an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// A user.
    User,
    /// A group.
    Group,
}

/// An account assignment (ListAccountAssignmentsForPrincipal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The AWS account the permission set is assigned in.
    pub account_id: String,
    /// The permission set assigned.
    pub permission_set_arn: String,
}

/// A permission set (DescribePermissionSet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionSet {
    /// The permission set's ARN.
    pub arn: String,
    /// Its name.
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
    /// The attribute path GetUserId takes.
    pub fn attribute_path(self) -> &'static str {
        match self {
            UserKey::UserName => "userName",
            UserKey::Email => "emails.value",
        }
    }
}

/// What the Identity Center checks ask of the account. `Ok(None)` means "does not exist".
#[allow(async_fn_in_trait)]
pub trait IdentityCenterApi {
    /// sso:ListInstances, every page.
    async fn list_instances(&self) -> AccessResult<Vec<Instance>>;
    /// identitystore:GetUserId on a unique attribute.
    async fn get_user_id(
        &self,
        store: &str,
        key: UserKey,
        value: &str,
    ) -> AccessResult<Option<String>>;
    /// identitystore:DescribeUser.
    async fn describe_user(&self, store: &str, user_id: &str) -> AccessResult<Option<User>>;
    /// identitystore:ListUsers, one page.
    async fn list_users(&self, store: &str, next_token: Option<String>) -> AccessResult<UserPage>;
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

/// What the checks need from a diagnosed Identity Center assertion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// The identity store the Audience names.
    pub identity_store_id: Option<String>,
    /// The instance's home Region, from the Audience.
    pub region: Option<String>,
    /// The NameID: the user name to look up.
    pub user_name: Option<String>,
}

impl Input {
    /// Reads what the checks need from a report's facts.
    pub fn from_facts(facts: &Facts) -> Self {
        let idc = facts.identity_center.clone().unwrap_or_default();
        Input {
            identity_store_id: idc.identity_store_id,
            region: idc.region,
            user_name: idc.user_name.filter(|n| !n.is_empty()),
        }
    }
}

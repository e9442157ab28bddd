//! What the Connect checks and the account audit ask of Amazon Connect ([`ConnectApi`], one page
//! per call) and the answers they read, with the IAM actions of those calls.

use saml_core::aws::{InstanceId, Region};

use crate::access::AccessResult;
use crate::paging::Page;
use crate::permissions::{Action, Purpose};

use Purpose::{Audit, Diagnose};

/// The Connect calls made, as IAM actions: read-only, never `connect:Get*` (which includes
/// GetFederationToken, a live sign-in token). `saml-doctor aws-policy` grants these.
pub const ACTIONS: [Action; 5] = [
    Action::new("connect:DescribeInstance", &[Diagnose]),
    Action::new("connect:SearchUsers", &[Diagnose]),
    Action::new("connect:ListUsers", &[Diagnose, Audit]),
    Action::new("connect:ListInstances", &[Audit]),
    // The service authorization reference lists it as ListInstances' dependent action (the
    // instances' directories are read with it); AmazonConnectReadOnlyAccess grants it too.
    Action::dependent("ds:DescribeDirectories", &[Audit]),
];

/// ListInstances' largest `MaxResults` (1 to 10), which the adapter asks for.
pub const LIST_INSTANCES_MAX_RESULTS: i32 = 10;
/// ListUsers' largest `MaxResults` (1 to 1,000), which the adapter asks for.
pub const LIST_USERS_MAX_RESULTS: i32 = 1000;

/// The Connect instance to check against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceTarget {
    /// The instance's region (Connect is regional).
    pub region: Region,
    /// The instance id, as in its ARN.
    pub instance_id: InstanceId,
}

/// An instance, as DescribeInstance and ListInstances answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The instance's id.
    pub id: String,
    /// The instance's ARN.
    pub arn: String,
    /// `SAML`, `CONNECT_MANAGED` or `EXISTING_DIRECTORY`.
    pub identity_management_type: String,
    /// `ACTIVE`, `CREATION_IN_PROGRESS` or `CREATION_FAILED`.
    pub status: String,
    /// The instance alias, the name in its access URL.
    pub alias: Option<String>,
}

impl Instance {
    /// True for an instance whose users sign in with SAML: identity management `SAML`, and not
    /// still being created or failed (those have no users to sign in). Compared without regard
    /// to case, which the reference does not fix.
    pub fn is_saml(&self) -> bool {
        let usable = self.status.is_empty() || self.status.eq_ignore_ascii_case("ACTIVE");
        self.identity_management_type.eq_ignore_ascii_case("SAML") && usable
    }
}

/// A Connect user, as SearchUsers and ListUsers return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The username: what a SAML sign-in's RoleSessionName must equal, case included.
    pub username: String,
    /// The user's id.
    pub id: String,
    /// The user's ARN (`…:instance/<instance-id>/agent/<id>`).
    pub arn: String,
}

/// One page of users.
pub type UserPage = Page<User>;

/// How SearchUsers compares the username.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// `EXACT`.
    Exact,
    /// `CONTAINS`: 2 to 25 characters (see the checks).
    Contains,
}

/// What the checks and the audit ask of Amazon Connect, one page per call (the callers decide
/// how far to read).
/// `Ok(None)` means "does not exist".
#[allow(async_fn_in_trait)]
pub trait ConnectApi {
    /// connect:DescribeInstance.
    async fn describe_instance(&self, instance_id: &str) -> AccessResult<Option<Instance>>;
    /// connect:SearchUsers on the username, one page (up to 500 users).
    async fn search_users(
        &self,
        instance_id: &str,
        username: &str,
        how: Match,
        next_token: Option<String>,
    ) -> AccessResult<UserPage>;
    /// connect:ListUsers, one page of up to [`LIST_USERS_MAX_RESULTS`] users.
    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> AccessResult<UserPage>;
    /// connect:ListInstances, one page of up to [`LIST_INSTANCES_MAX_RESULTS`] instances (a
    /// page may be empty while a token follows).
    async fn list_instances(&self, next_token: Option<String>) -> AccessResult<Page<Instance>>;
}

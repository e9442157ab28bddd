//! What the Connect checks ask of Amazon Connect ([`ConnectApi`], one page per call) and the
//! answers they read, with the IAM actions of those calls.

use saml_core::aws::{InstanceId, Region};

use crate::access::AccessResult;
use crate::paging::Page;

/// The Connect calls the checks make, as IAM actions: read-only, never `connect:Get*` (which
/// includes GetFederationToken, a live sign-in token). `saml-doctor aws-policy` grants these.
pub const ACTIONS: [&str; 3] = [
    "connect:DescribeInstance",
    "connect:SearchUsers",
    "connect:ListUsers",
];

/// The Connect instance to check against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceTarget {
    /// The instance's region (Connect is regional).
    pub region: Region,
    /// The instance id, as in its ARN.
    pub instance_id: InstanceId,
}

/// DescribeInstance's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The instance's ARN.
    pub arn: String,
    /// `SAML`, `CONNECT_MANAGED` or `EXISTING_DIRECTORY`.
    pub identity_management_type: String,
    /// `ACTIVE`, `CREATION_IN_PROGRESS` or `CREATION_FAILED`.
    pub status: String,
    /// The instance alias, the name in its access URL.
    pub alias: Option<String>,
}

/// A Connect user, as SearchUsers and ListUsers return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The username: what a SAML sign-in's RoleSessionName must equal, case included.
    pub username: String,
    /// The user's id.
    pub id: String,
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

/// What the checks ask of Amazon Connect, one page per call (the checks decide how far to read).
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
    /// connect:ListUsers, one page (up to 1,000 users).
    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> AccessResult<UserPage>;
}

//! The narrow view of an AWS account that the checks need, as a trait, so every check runs
//! against recorded or in-memory answers in tests and against the AWS SDK in the binary.

use std::fmt;

/// Why a call to the account did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessError {
    /// The checker's own credentials may not make this call (the IAM action is named).
    Denied { action: &'static str },
    /// Still throttled after the SDK's retries.
    Throttled { action: &'static str },
    /// Anything else: network, endpoint, unexpected service error.
    Failed {
        action: &'static str,
        message: String,
    },
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccessError::Denied { action } => write!(f, "the checker's credentials may not call {action}; grant it (see `saml-doctor aws-policy`)"),
            AccessError::Throttled { action } => write!(f, "{action} was throttled by AWS, even after retries; run again later"),
            AccessError::Failed { action, message } => write!(f, "{action} failed: {message}"),
        }
    }
}

pub type AccessResult<T> = Result<T, AccessError>;

/// DescribeInstance's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub arn: String,
    pub identity_management_type: String,
    pub status: String,
    pub alias: Option<String>,
}

/// A Connect user, as SearchUsers returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub id: String,
}

/// One page of users.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserPage {
    pub users: Vec<User>,
    pub next_token: Option<String>,
}

/// How SearchUsers compares the username.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Exact,
    Contains,
}

/// GetSAMLProvider's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlProvider {
    pub metadata_document: String,
    /// RFC 3339.
    pub valid_until: Option<String>,
}

/// GetRole's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub arn: String,
    pub role_id: String,
    /// The trust policy, URL-decoded JSON.
    pub trust_policy: String,
    pub max_session_duration: u32,
    /// The ARN of the managed policy set as the role's permissions boundary, if any.
    pub permissions_boundary: Option<String>,
}

/// A policy attached to a role: its name and document (URL-decoded JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    pub name: String,
    pub document: String,
}

/// The organization policies attached at one level above (or on) an account: the root, each
/// organizational unit, the account itself. A call is allowed only if every level allows it,
/// and an explicit Deny at any level wins (AWS Organizations' SCP evaluation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationLevel {
    /// The root, OU or account id.
    pub target: String,
    pub policies: Vec<PolicyDocument>,
}

/// What the checks ask of the account. `Ok(None)` means "does not exist".
#[allow(async_fn_in_trait)]
pub trait Account {
    /// connect:DescribeInstance.
    async fn describe_instance(&self, instance_id: &str) -> AccessResult<Option<Instance>>;
    /// connect:SearchUsers on the username.
    async fn search_users(
        &self,
        instance_id: &str,
        username: &str,
        how: Match,
        next_token: Option<String>,
    ) -> AccessResult<UserPage>;
    /// iam:GetSAMLProvider.
    async fn saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProvider>>;
    /// iam:GetRole.
    async fn role(&self, name: &str) -> AccessResult<Option<Role>>;
    /// iam:ListRolePolicies + iam:GetRolePolicy.
    async fn inline_policies(&self, role_name: &str) -> AccessResult<Vec<PolicyDocument>>;
    /// iam:ListAttachedRolePolicies + iam:GetPolicy + iam:GetPolicyVersion.
    async fn attached_policies(&self, role_name: &str) -> AccessResult<Vec<PolicyDocument>>;
    /// connect:ListUsers, one page (up to 1,000 users).
    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> AccessResult<UserPage>;
    /// iam:GetPolicy + iam:GetPolicyVersion: the default version of one managed policy
    /// (a permissions boundary). `Ok(None)`: no such policy.
    async fn managed_policy(&self, arn: &str) -> AccessResult<Option<PolicyDocument>>;
    /// organizations:ListParents + ListPoliciesForTarget + DescribePolicy: the service control
    /// policies of every level from the root down to `account_id`; empty when no SCP applies
    /// (no organization, or the management account, which SCPs do not restrict). `Err(Denied)`
    /// when the caller may not read them (neither the management account nor a delegated
    /// administrator), the common case.
    async fn organization_policies(&self, account_id: &str)
        -> AccessResult<Vec<OrganizationLevel>>;
}

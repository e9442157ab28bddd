//! What the IAM checks ask of IAM ([`IamApi`]) and the answers they read, with the IAM actions
//! of those calls.

use crate::access::AccessResult;

/// The IAM calls the checks make, as IAM actions: read-only. `saml-doctor aws-policy` grants
/// these.
pub const ACTIONS: [&str; 7] = [
    "iam:GetSAMLProvider",
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
];

/// GetSAMLProvider's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SamlProvider {
    /// The identity provider's metadata as IAM holds it.
    pub metadata_document: String,
    /// RFC 3339.
    pub valid_until: Option<String>,
    /// `AssertionEncryptionMode` as IAM spells it (`Required` or `Allowed`); absent on a
    /// provider whose encryption was never set.
    pub assertion_encryption_mode: Option<String>,
    /// `PrivateKeyList`: the private keys it decrypts encrypted assertions with (at most two).
    pub private_keys: Vec<SamlPrivateKey>,
}

/// One `SAMLPrivateKey` of GetSAMLProvider's `PrivateKeyList`: IAM returns its identifier and
/// when it was uploaded, never the key or its public half.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlPrivateKey {
    /// `KeyId`: 22 to 64 of `[A-Z0-9]`, "the unique identifier for the SAML private key".
    pub key_id: String,
    /// `Timestamp`: when it was uploaded, RFC 3339.
    pub uploaded: Option<String>,
}

/// GetRole's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The role's ARN.
    pub arn: String,
    /// The role's unique id (`AROA…`), the first half of `aws:userid` in its sessions.
    pub role_id: String,
    /// The trust policy, URL-decoded JSON.
    pub trust_policy: String,
    /// The longest session the role grants, in seconds.
    pub max_session_duration: u32,
    /// The ARN of the managed policy set as the role's permissions boundary, if any.
    pub permissions_boundary: Option<String>,
}

/// A policy document as AWS returns it: where it came from and its JSON (URL-decoded). IAM's
/// policies and the organization's service control policies alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// Where it came from, for findings: `inline policy NAME`, `managed policy ARN`, ….
    pub name: String,
    /// The policy's JSON.
    pub document: String,
}

/// What the checks ask of IAM. `Ok(None)` means "does not exist".
#[allow(async_fn_in_trait)]
pub trait IamApi {
    /// iam:GetSAMLProvider.
    async fn saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProvider>>;
    /// iam:GetRole.
    async fn role(&self, name: &str) -> AccessResult<Option<Role>>;
    /// iam:ListRolePolicies + iam:GetRolePolicy: every inline policy of the role.
    async fn inline_policies(&self, role_name: &str) -> AccessResult<Vec<PolicyDocument>>;
    /// iam:ListAttachedRolePolicies + iam:GetPolicy + iam:GetPolicyVersion: every managed
    /// policy attached to the role, in its default version.
    async fn attached_policies(&self, role_name: &str) -> AccessResult<Vec<PolicyDocument>>;
    /// iam:GetPolicy + iam:GetPolicyVersion: the default version of one managed policy
    /// (a permissions boundary). `Ok(None)`: no such policy.
    async fn managed_policy(&self, arn: &str) -> AccessResult<Option<PolicyDocument>>;
}

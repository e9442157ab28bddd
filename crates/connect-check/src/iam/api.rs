//! What the IAM checks and the account audit ask of IAM ([`IamApi`]) and the answers they read,
//! shaped like the API's, with the IAM actions of those calls.

use saml_core::Timestamp;

use crate::access::AccessResult;
use crate::paging::Page;
use crate::permissions::{Action, Purpose};

use Purpose::{Audit, Diagnose};

/// The IAM calls made, as IAM actions: read-only. `saml-doctor aws-policy` grants these.
pub const ACTIONS: [Action; 9] = [
    Action::new("iam:GetSAMLProvider", &[Diagnose, Audit]),
    Action::new("iam:GetRole", &[Diagnose]),
    Action::new("iam:ListRolePolicies", &[Diagnose]),
    Action::new("iam:GetRolePolicy", &[Diagnose]),
    Action::new("iam:ListAttachedRolePolicies", &[Diagnose]),
    Action::new("iam:GetPolicy", &[Diagnose]),
    Action::new("iam:GetPolicyVersion", &[Diagnose]),
    Action::new("iam:ListSAMLProviders", &[Audit]),
    Action::new("iam:ListRoles", &[Audit]),
];

/// ListRoles' largest `MaxItems` (IAM API reference: 1 to 1,000), which the adapter asks for.
pub const LIST_ROLES_MAX_ITEMS: i32 = 1000;

/// One entry of ListSAMLProviders' `SAMLProviderList` (the call is not paged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlProviderEntry {
    /// `Arn`: `arn:<partition>:iam::<account>:saml-provider/<name>`.
    pub arn: String,
    /// `ValidUntil`.
    pub valid_until: Option<Timestamp>,
    /// `CreateDate`.
    pub create_date: Option<Timestamp>,
}

/// GetSAMLProvider's `AssertionEncryptionMode` (valid values `Required | Allowed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssertionEncryptionMode {
    /// Only encrypted assertions are accepted.
    Required,
    /// Encrypted and unencrypted assertions are accepted.
    Allowed,
    /// A value the reference does not list, kept as sent.
    Other(String),
}

impl AssertionEncryptionMode {
    /// The value as IAM spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Required => "Required",
            Self::Allowed => "Allowed",
            Self::Other(value) => value,
        }
    }

    /// Reads the API's value. The reference spells them `Required` and `Allowed` and says
    /// nothing about case; either case is read the same, so the rules hold whichever it is.
    pub fn parse(value: &str) -> Self {
        if value.eq_ignore_ascii_case("Required") {
            Self::Required
        } else if value.eq_ignore_ascii_case("Allowed") {
            Self::Allowed
        } else {
            Self::Other(value.to_owned())
        }
    }
}

/// One `SAMLPrivateKey` of GetSAMLProvider's `PrivateKeyList` (at most two): IAM returns its
/// identifier and when it was uploaded, never the key or its public half.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlPrivateKey {
    /// `KeyId`: 22 to 64 of `[A-Z0-9]`, "the unique identifier for the SAML private key".
    pub key_id: String,
    /// `Timestamp`: when the key was uploaded.
    pub timestamp: Option<Timestamp>,
}

/// GetSAMLProvider's answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SamlProvider {
    /// `SAMLMetadataDocument`: the identity provider's metadata as IAM holds it.
    pub metadata_document: String,
    /// `ValidUntil`: the provider's expiration.
    pub valid_until: Option<Timestamp>,
    /// `CreateDate`.
    pub create_date: Option<Timestamp>,
    /// `SAMLProviderUUID`: the id in the provider's ACS URL
    /// (`https://<region>.signin.aws.amazon.com/saml/acs/<id>`), used with encrypted assertions.
    pub uuid: Option<String>,
    /// `AssertionEncryptionMode`; absent on providers that never set it.
    pub assertion_encryption_mode: Option<AssertionEncryptionMode>,
    /// `PrivateKeyList`: the private keys it decrypts encrypted assertions with.
    pub private_keys: Vec<SamlPrivateKey>,
}

/// An IAM role (GetRole's answer, or a ListRoles entry, which leaves out the permissions
/// boundary).
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
    /// The ARN of the managed policy set as the role's permissions boundary, if any (never
    /// known from ListRoles).
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

/// What the checks and the audit ask of IAM. `Ok(None)` means "does not exist".
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
    /// iam:ListSAMLProviders: every provider of the account in one answer (the call is not
    /// paged).
    async fn list_saml_providers(&self) -> AccessResult<Vec<SamlProviderEntry>>;
    /// iam:ListRoles, one page of up to [`LIST_ROLES_MAX_ITEMS`] (IAM may answer fewer while
    /// more follow): `marker` is the previous page's `next_token`. A page that says more follow
    /// without a marker is an error, never the end of the listing.
    async fn list_roles(&self, marker: Option<String>) -> AccessResult<Page<Role>>;
}

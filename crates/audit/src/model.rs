//! What the audit reads from one account, shaped like the API answers it comes from (IAM
//! ListSAMLProviders, GetSAMLProvider and ListRoles; Amazon Connect ListInstances and ListUsers;
//! AWS Organizations ListAccounts), so an SDK adapter fills these field by field and a test builds
//! them by hand. Values stay as the API gives them (an ARN is a `String` here): the rules parse
//! them and say so when one is not what the reference documents.

use saml_core::Timestamp;

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
    /// Reads the API's value. The reference spells them `Required` and `Allowed` and says
    /// nothing about case; either case is read the same, so the rule holds whichever it is.
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

/// One `PrivateKeyList` member of GetSAMLProvider (a `SAMLPrivateKey`; at most 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlPrivateKey {
    /// `KeyId`: 22-64 of `[A-Z0-9]`.
    pub key_id: String,
    /// `Timestamp`: when the key was uploaded.
    pub timestamp: Option<Timestamp>,
}

/// GetSAMLProvider's answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SamlProviderDetail {
    /// `SAMLProviderUUID`: the id in the provider's ACS URL
    /// (`https://<region>.signin.aws.amazon.com/saml/acs/<id>`), used with encrypted assertions.
    pub saml_provider_uuid: Option<String>,
    /// `SAMLMetadataDocument`, as uploaded (1,000 to 10,000,000 characters).
    pub saml_metadata_document: String,
    /// `CreateDate`.
    pub create_date: Option<Timestamp>,
    /// `ValidUntil`: the provider's expiration.
    pub valid_until: Option<Timestamp>,
    /// `AssertionEncryptionMode`; absent on providers that never set it.
    pub assertion_encryption_mode: Option<AssertionEncryptionMode>,
    /// `PrivateKeyList`.
    pub private_key_list: Vec<SamlPrivateKey>,
}

/// One `Roles` member of ListRoles (ListRoles leaves out PermissionsBoundary, RoleLastUsed and
/// Tags; the trust policy is there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleEntry {
    /// `Arn`.
    pub arn: String,
    /// `RoleName`.
    pub role_name: String,
    /// `RoleId` (`AROA…`).
    pub role_id: String,
    /// `Path`.
    pub path: String,
    /// `AssumeRolePolicyDocument`: the trust policy, URL-encoded (RFC 3986) as the reference
    /// documents; [`crate::roles::decode_policy_document`] also takes it already decoded.
    pub assume_role_policy_document: Option<String>,
    /// `MaxSessionDuration`, seconds.
    pub max_session_duration: Option<u32>,
}

/// One page of ListRoles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RolePage {
    /// `Roles`.
    pub roles: Vec<RoleEntry>,
    /// `IsTruncated`: more roles follow (IAM may return fewer than MaxItems even then).
    pub is_truncated: bool,
    /// `Marker`: present when `is_truncated`.
    pub marker: Option<String>,
}

/// One `InstanceSummaryList` member of Connect ListInstances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceSummary {
    /// `Id`.
    pub id: String,
    /// `Arn`: `arn:<partition>:connect:<region>:<account>:instance/<id>`.
    pub arn: String,
    /// `IdentityManagementType`: `SAML | CONNECT_MANAGED | EXISTING_DIRECTORY`.
    pub identity_management_type: Option<String>,
    /// `InstanceAlias`.
    pub instance_alias: Option<String>,
    /// `InstanceStatus`: `CREATION_IN_PROGRESS | ACTIVE | CREATION_FAILED`.
    pub instance_status: Option<String>,
}

impl InstanceSummary {
    /// True for an instance whose users sign in with SAML: identity management `SAML`, and not
    /// still being created or failed (those have no users to sign in). Compared without regard
    /// to case, which the reference does not fix.
    pub fn is_saml(&self) -> bool {
        let saml = self
            .identity_management_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("SAML"));
        let usable = self
            .instance_status
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"));
        saml && usable
    }
}

/// One page of ListInstances.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstancePage {
    /// `InstanceSummaryList`.
    pub instances: Vec<InstanceSummary>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

/// One `UserSummaryList` member of Connect ListUsers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    /// `Id`.
    pub id: String,
    /// `Arn`: `arn:<partition>:connect:<region>:<account>:instance/<instance-id>/agent/<id>`.
    pub arn: String,
    /// `Username`.
    pub username: String,
}

/// One page of ListUsers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserPage {
    /// `UserSummaryList`.
    pub users: Vec<UserSummary>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

/// One `Accounts` member of Organizations ListAccounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationAccount {
    /// `Id`: 12 digits.
    pub id: String,
    /// `Arn`.
    pub arn: String,
    /// `Name`.
    pub name: Option<String>,
    /// `Status` (`ACTIVE | SUSPENDED | PENDING_CLOSURE`), which AWS retires on 2026-09-09.
    pub status: Option<String>,
    /// `State` (`PENDING_ACTIVATION | ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED`), its
    /// successor.
    pub state: Option<String>,
}

impl OrganizationAccount {
    /// True for an account to audit: `State` ACTIVE when the answer has a State, else `Status`
    /// ACTIVE; an answer with neither is audited (a refusal then says why, rather than the
    /// account being silently left out).
    pub fn is_active(&self) -> bool {
        match (&self.state, &self.status) {
            (Some(state), _) => state.eq_ignore_ascii_case("ACTIVE"),
            (None, Some(status)) => status.eq_ignore_ascii_case("ACTIVE"),
            (None, None) => true,
        }
    }
}

/// One page of ListAccounts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountPage {
    /// `Accounts` (may be empty while `next_token` is set: the reference says to keep going).
    pub accounts: Vec<OrganizationAccount>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encryption_mode_reads_either_case() {
        assert_eq!(
            AssertionEncryptionMode::parse("Required"),
            AssertionEncryptionMode::Required
        );
        assert_eq!(
            AssertionEncryptionMode::parse("REQUIRED"),
            AssertionEncryptionMode::Required
        );
        assert_eq!(
            AssertionEncryptionMode::parse("Allowed"),
            AssertionEncryptionMode::Allowed
        );
        assert_eq!(
            AssertionEncryptionMode::parse("Sometimes"),
            AssertionEncryptionMode::Other("Sometimes".into())
        );
    }

    #[test]
    fn saml_instances_and_active_accounts() {
        let instance = |t: Option<&str>, s: Option<&str>| InstanceSummary {
            id: "i".into(),
            arn: "a".into(),
            identity_management_type: t.map(str::to_owned),
            instance_alias: None,
            instance_status: s.map(str::to_owned),
        };
        assert!(instance(Some("SAML"), Some("ACTIVE")).is_saml());
        assert!(instance(Some("SAML"), None).is_saml());
        assert!(!instance(Some("SAML"), Some("CREATION_FAILED")).is_saml());
        assert!(!instance(Some("CONNECT_MANAGED"), Some("ACTIVE")).is_saml());
        assert!(!instance(None, Some("ACTIVE")).is_saml());

        let account = |status: Option<&str>, state: Option<&str>| OrganizationAccount {
            id: "111111111111".into(),
            arn: String::new(),
            name: None,
            status: status.map(str::to_owned),
            state: state.map(str::to_owned),
        };
        assert!(account(Some("ACTIVE"), Some("ACTIVE")).is_active());
        assert!(account(Some("ACTIVE"), None).is_active());
        assert!(account(None, Some("ACTIVE")).is_active());
        // State wins over the retiring Status.
        assert!(!account(Some("ACTIVE"), Some("CLOSED")).is_active());
        assert!(!account(Some("SUSPENDED"), None).is_active());
        assert!(account(None, None).is_active());
    }
}

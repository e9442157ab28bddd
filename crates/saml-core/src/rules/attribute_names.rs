//! The names of the SAML attributes AWS reads in an IAM federation sign-in, exactly as AWS
//! matches them (case-sensitively). IAM Identity Center's access-control attributes are in
//! [`crate::identity_center`].

/// The Role attribute: `role-ARN,provider-ARN` pairs, one per role the user may take.
pub const ATTR_ROLE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
/// The Role attribute as the China partition names it.
pub const ATTR_ROLE_CN: &str = "http://www.amazonaws.cn/SAML/Attributes/Role";
/// The RoleSessionName attribute: the session's name (Connect's user name).
pub const ATTR_ROLE_SESSION_NAME: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
/// The SessionDuration attribute: the console session's length in seconds.
pub const ATTR_SESSION_DURATION: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
/// The SourceIdentity attribute: who is behind the session, kept through role chaining.
pub const ATTR_SOURCE_IDENTITY: &str = "https://aws.amazon.com/SAML/Attributes/SourceIdentity";
/// The prefix of `PrincipalTag:<Key>` attributes: the session tags.
pub const ATTR_PRINCIPAL_TAG_PREFIX: &str = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:";
/// The TransitiveTagKeys attribute: which session tags survive role chaining.
pub const ATTR_TRANSITIVE_TAG_KEYS: &str =
    "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys";

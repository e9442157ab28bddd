//! Finding codes: the stable identifiers users script against, their severities and the areas of
//! the contract (`findings.md`) they belong to. Codes may be added, never renamed or dropped.
//! What each code means (title, explanation, fix) is the catalogue's table, [`Code::info`].

use std::fmt;

use serde::{Serialize, Serializer};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The sign-in fails.
    Error,
    /// Works now, but fragile or about to break.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// The severity as the JSON report writes it (`error`, `warning`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which section of the contract a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Reading the capture (HAR) itself.
    Capture,
    /// Decoding the message (base64, DEFLATE, XML).
    Decoding,
    /// The Response and its Assertion: status, endpoints, signatures, validity.
    ResponseAndAssertion,
    /// The attributes AWS reads (Role, RoleSessionName, ...).
    AwsAttributes,
    /// Amazon Connect's relay state.
    ConnectRelayState,
    /// Checks against the AWS account (`--aws`).
    AwsAccount,
    /// IAM Identity Center as the service provider (offline and online).
    IdentityCenter,
    /// `saml-doctor audit`: providers, trust policies and Connect users, account by account,
    /// before anyone signs in.
    AccountAudit,
}

/// What the catalogue knows about a code.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// How bad it is.
    pub severity: Severity,
    /// The contract's section.
    pub area: Area,
    /// One line: what is wrong.
    pub title: &'static str,
    /// What AWS does, and why this makes the sign-in fail (or why it is worth knowing).
    pub explanation: &'static str,
    /// The concrete step that resolves it.
    pub fix: &'static str,
    /// The text AWS shows the user, when there is one.
    pub aws_error: Option<&'static str>,
}

macro_rules! codes {
    ($($variant:ident => $name:literal,)*) => {
        /// A finding code. Serialized as the contract's snake_case string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = concat!("`", $name, "`: its meaning is in the catalogue, [`Code::info`].")]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in contract order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as the contract writes it (`role_session_name_invalid`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// Looks a code up by its contract string.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    HarUnreadable => "har_unreadable",
    HarTruncated => "har_truncated",
    SamlResponseNotFound => "saml_response_not_found",
    MultipleSamlResponses => "multiple_saml_responses",
    HarPostDataMissing => "har_post_data_missing",
    ConnectDirectLogin => "connect_direct_login",
    HarEntryTooLarge => "har_entry_too_large",
    SamlNotBase64 => "saml_not_base64",
    SamlNotXml => "saml_not_xml",
    SamlNotAResponse => "saml_not_a_response",
    SamlTooLarge => "saml_too_large",
    SamlSchemaInvalid => "saml_schema_invalid",
    SamlRedacted => "saml_redacted",
    StatusNotSuccess => "status_not_success",
    AssertionMissing => "assertion_missing",
    AssertionEncrypted => "assertion_encrypted",
    DestinationNotAws => "destination_not_aws",
    RecipientNotAws => "recipient_not_aws",
    AudienceNotAws => "audience_not_aws",
    NameIdMissing => "name_id_missing",
    SubjectConfirmationInvalid => "subject_confirmation_invalid",
    IssuerMismatch => "issuer_mismatch",
    SignatureMissing => "signature_missing",
    SignatureInvalid => "signature_invalid",
    SigningCertNotInMetadata => "signing_cert_not_in_metadata",
    SigningCertExpired => "signing_cert_expired",
    SignatureSha1 => "signature_sha1",
    AssertionExpired => "assertion_expired",
    AssertionNotYetValid => "assertion_not_yet_valid",
    AssertionTooOld => "assertion_too_old",
    ClockSkew => "clock_skew",
    SessionExpired => "session_expired",
    RoleAttributeMissing => "role_attribute_missing",
    RoleValueMalformed => "role_value_malformed",
    RoleProviderAccountMismatch => "role_provider_account_mismatch",
    MultipleRoles => "multiple_roles",
    RoleSessionNameMissing => "role_session_name_missing",
    RoleSessionNameInvalid => "role_session_name_invalid",
    SessionDurationInvalid => "session_duration_invalid",
    PrincipalTagInvalid => "principal_tag_invalid",
    SourceIdentityInvalid => "source_identity_invalid",
    RelayStateMissing => "relay_state_missing",
    RelayStateMalformed => "relay_state_malformed",
    RelayStateDestinationNotEncoded => "relay_state_destination_not_encoded",
    ConnectInstanceNotFound => "connect_instance_not_found",
    ConnectInstanceNotSaml => "connect_instance_not_saml",
    ConnectUserNotFound => "connect_user_not_found",
    ConnectUserCaseMismatch => "connect_user_case_mismatch",
    IamProviderNotFound => "iam_provider_not_found",
    IamProviderCertMismatch => "iam_provider_cert_mismatch",
    IamProviderMetadataExpiring => "iam_provider_metadata_expiring",
    IamRoleNotFound => "iam_role_not_found",
    IamTrustPolicyDenies => "iam_trust_policy_denies",
    FederationTokenNotAllowed => "federation_token_not_allowed",
    FederationTokenWrongInstance => "federation_token_wrong_instance",
    SessionDurationExceedsRoleMax => "session_duration_exceeds_role_max",
    CheckSkipped => "check_skipped",
    IamProviderMetadataDiffers => "iam_provider_metadata_differs",
    IdcPostedToIamEndpoint => "idc_posted_to_iam_endpoint",
    IdcAcsMalformed => "idc_acs_malformed",
    IdcAudienceMalformed => "idc_audience_malformed",
    IdcNameIdFormat => "idc_nameid_format",
    IdcNameIdNotEmail => "idc_nameid_not_email",
    IdcAssertionEncrypted => "idc_assertion_encrypted",
    IdcMultipleAssertions => "idc_multiple_assertions",
    IdcAccessControlAttributeInvalid => "idc_access_control_attribute_invalid",
    IdcErrorPage => "idc_error_page",
    IdcInstanceNotFound => "idc_instance_not_found",
    IdcUserNotFound => "idc_user_not_found",
    IdcUserCaseMismatch => "idc_user_case_mismatch",
    IdcUserDisabled => "idc_user_disabled",
    IdcNoAccountAssignment => "idc_no_account_assignment",
    IdcPermissionSetSession => "idc_permission_set_session",
    IamProviderMissingCurrentCert => "iam_provider_missing_current_cert",
    IamProviderMissingNextCert => "iam_provider_missing_next_cert",
    IamProviderEntityIdMismatch => "iam_provider_entity_id_mismatch",
    IamProviderExpired => "iam_provider_expired",
    IamProviderEncryptionKeyMissing => "iam_provider_encryption_key_missing",
    TrustPolicyProviderNotFound => "trust_policy_provider_not_found",
    TrustPolicySamlAudNotAws => "trust_policy_saml_aud_not_aws",
    IamProviderNotTrusted => "iam_provider_not_trusted",
    ConnectUsernameNotSessionName => "connect_username_not_session_name",
    ConnectUsernamesDifferInCase => "connect_usernames_differ_in_case",
    IdcSignatureInvalid => "idc_signature_invalid",
    DecryptionKeyMismatch => "decryption_key_mismatch",
    EncryptionAlgorithmUnsupported => "encryption_algorithm_unsupported",
    EncryptedAssertionAltered => "encrypted_assertion_altered",
    EncryptedAssertionInvalid => "encrypted_assertion_invalid",
    EncryptionRsa15 => "encryption_rsa15",
    SigningCertUnreadable => "signing_cert_unreadable",
    IamProviderRequiresEncryption => "iam_provider_requires_encryption",
    IamProviderNoDecryptionKey => "iam_provider_no_decryption_key",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_contract_strings() {
        // The contract: these strings are what users script against.
        let json = serde_json::to_string(&Code::RoleSessionNameInvalid).unwrap();
        assert_eq!(json, "\"role_session_name_invalid\"");
        let severities = [
            (Code::HarTruncated, Severity::Warning),
            (Code::MultipleSamlResponses, Severity::Info),
            (Code::AssertionEncrypted, Severity::Info),
            (Code::SigningCertExpired, Severity::Warning),
            (Code::ClockSkew, Severity::Warning),
            (Code::RelayStateMissing, Severity::Warning),
            (Code::CheckSkipped, Severity::Info),
            (Code::SamlTooLarge, Severity::Error),
        ];
        for (code, severity) in severities {
            assert_eq!(code.severity(), severity, "{code}");
        }
    }
}

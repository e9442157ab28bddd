//! The checks saml-doctor runs, named by type, so that a check that did not run (`check_skipped`)
//! can be told apart from another by what it is rather than by its words.

use std::fmt;

/// A check that may be reported as not run. [`Check::name`] is the words the reports show (and
/// the `check` evidence of a `check_skipped` finding: scripts may read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// Whether AWS trusts the certificate a signature verifies with (needs the IdP's metadata).
    SigningCertificateTrust,
    /// Verifying a signature at all (no key to verify it with).
    SignatureVerification,
    /// The Amazon Connect relay-state rules (no RelayState was given).
    RelayState,
    /// The Connect instance exists and uses SAML.
    ConnectInstance,
    /// A Connect user is named exactly like RoleSessionName.
    ConnectUser,
    /// Both Connect checks, when no instance is known at all.
    ConnectInstanceAndUser,
    /// The IAM SAML provider exists, holds the signing certificate and is not expiring.
    IamProvider,
    /// The metadata IAM holds for the provider could be read.
    IamProviderMetadata,
    /// The IAM role exists and admits the SessionDuration.
    IamRole,
    /// Every IAM check, when the assertion names no valid Role.
    IamChecks,
    /// The role's trust policy allows the sign-in.
    TrustPolicy,
    /// The role may call connect:GetFederationToken.
    FederationToken,
    /// The organization's service control policies allow connect:GetFederationToken.
    OrganizationPolicies,
    /// An IAM Identity Center instance uses the Audience's identity store.
    IdentityCenterInstance,
    /// The identity store has an enabled user named like the NameID.
    IdentityCenterUser,
    /// The permission sets the user holds.
    IdentityCenterAssignments,
    /// Reaching and reading one account of an audit (sts:AssumeRole, then the listings).
    AuditAccount,
    /// Whether the key that opened an encrypted assertion is one the IAM SAML provider holds.
    IamProviderDecryptionKey,
}

impl Check {
    /// Every check, in the order above.
    pub const ALL: &'static [Check] = &[
        Check::SigningCertificateTrust,
        Check::SignatureVerification,
        Check::RelayState,
        Check::ConnectInstance,
        Check::ConnectUser,
        Check::ConnectInstanceAndUser,
        Check::IamProvider,
        Check::IamProviderMetadata,
        Check::IamRole,
        Check::IamChecks,
        Check::TrustPolicy,
        Check::FederationToken,
        Check::OrganizationPolicies,
        Check::IdentityCenterInstance,
        Check::IdentityCenterUser,
        Check::IdentityCenterAssignments,
        Check::AuditAccount,
        Check::IamProviderDecryptionKey,
    ];

    /// The words the reports show for the check.
    pub fn name(self) -> &'static str {
        match self {
            Check::SigningCertificateTrust => "signing certificate trust",
            Check::SignatureVerification => "signature verification",
            Check::RelayState => "relay state",
            Check::ConnectInstance => "Connect instance",
            Check::ConnectUser => "Connect user",
            Check::ConnectInstanceAndUser => "Connect instance and user",
            Check::IamProvider => "IAM SAML provider",
            Check::IamProviderMetadata => "IAM SAML provider metadata",
            Check::IamRole => "IAM role",
            Check::IamChecks => "IAM checks",
            Check::TrustPolicy => "role trust policy",
            Check::FederationToken => "GetFederationToken permission",
            Check::OrganizationPolicies => "organization policies (SCPs, RCPs)",
            Check::IdentityCenterInstance => "Identity Center instance",
            Check::IdentityCenterUser => "Identity Center user",
            Check::IdentityCenterAssignments => "Identity Center permission sets",
            Check::AuditAccount => "account audit",
            Check::IamProviderDecryptionKey => "IAM SAML provider decryption key",
        }
    }

    /// True for the checks that need the AWS account (`--aws`): offline, each is one
    /// `check_skipped` saying what it would verify, which the account checks replace.
    pub fn needs_account(self) -> bool {
        !matches!(
            self,
            Check::SigningCertificateTrust | Check::SignatureVerification | Check::RelayState
        )
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_is_listed_once_with_its_own_name() {
        for (i, a) in Check::ALL.iter().enumerate() {
            for b in &Check::ALL[i + 1..] {
                assert_ne!(a, b);
                assert_ne!(a.name(), b.name());
            }
        }
        assert_eq!(Check::ALL.len(), 18);
    }
}

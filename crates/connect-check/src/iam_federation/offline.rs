//! Offline, the account checks of an IAM-federation sign-in do not run: this names each of them
//! and what it verifies, and each becomes one `check_skipped` finding that says so, because an
//! unrun check is not a pass.

use saml_core::{Check, Facts, Finding};

/// One account check of an IAM-federation sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountCheck {
    /// The Connect instance exists and uses SAML.
    ConnectInstance,
    /// The Connect user named by RoleSessionName exists, case included.
    ConnectUser,
    /// The IAM SAML provider exists and its metadata is current.
    IamProvider,
    /// The role exists and admits the SessionDuration.
    IamRole,
    /// The role's trust policy admits the SAML provider.
    TrustPolicy,
    /// The role may call connect:GetFederationToken.
    FederationToken,
}

impl AccountCheck {
    /// Every check, in the order they are reported.
    pub const ALL: [AccountCheck; 6] = [
        AccountCheck::ConnectInstance,
        AccountCheck::ConnectUser,
        AccountCheck::IamProvider,
        AccountCheck::IamRole,
        AccountCheck::TrustPolicy,
        AccountCheck::FederationToken,
    ];

    /// The check, as `check_skipped` findings name it.
    pub fn check(self) -> Check {
        match self {
            AccountCheck::ConnectInstance => Check::ConnectInstance,
            AccountCheck::ConnectUser => Check::ConnectUser,
            AccountCheck::IamProvider => Check::IamProvider,
            AccountCheck::IamRole => Check::IamRole,
            AccountCheck::TrustPolicy => Check::TrustPolicy,
            AccountCheck::FederationToken => Check::FederationToken,
        }
    }

    /// What the check verifies, for the sign-in described by `facts`.
    pub fn verifies(self, facts: &Facts) -> String {
        let pairs = facts.role_pairs();
        let role = pairs
            .first()
            .map(|p| p.role.to_string())
            .unwrap_or_else(|| "the role".into());
        let provider = pairs
            .first()
            .map(|p| p.provider.to_string())
            .unwrap_or_else(|| "the SAML provider".into());
        let instance = facts
            .connect
            .as_ref()
            .map(|c| format!("instance {}", c.instance_id))
            .unwrap_or_else(|| "the relay state's instance".into());
        let user = facts
            .role_session_name
            .clone()
            .unwrap_or_else(|| "RoleSessionName".into());
        match self {
            AccountCheck::ConnectInstance => format!("that {instance} exists and its identity management type is SAML"),
            AccountCheck::ConnectUser => format!("that {instance} has a user named exactly `{user}` (case-sensitive)"),
            AccountCheck::IamProvider if facts.encrypted => format!("that {provider} exists, holds a private key to decrypt the assertion, and its metadata holds the signing certificate and is not expiring"),
            AccountCheck::IamProvider => format!("that {provider} exists and its metadata holds the signing certificate and is not expiring"),
            AccountCheck::IamRole => format!("that {role} exists and its MaxSessionDuration admits the SessionDuration"),
            AccountCheck::TrustPolicy => format!("that the trust policy of {role} allows sts:AssumeRoleWithSAML for {provider} with a SAML:aud the Recipient satisfies"),
            AccountCheck::FederationToken => format!("that the policies and permissions boundary of {role} (and the organization's SCPs, where readable) allow connect:GetFederationToken on {instance}'s users"),
        }
    }
}

/// The account checks, each reported as skipped with `reason`.
pub fn skipped(facts: &Facts, reason: &str) -> Vec<Finding> {
    AccountCheck::ALL
        .iter()
        .map(|c| {
            Finding::skipped(
                c.check(),
                format!("would verify {}; {reason}", c.verifies(facts)),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_account_check_is_one_skip_naming_what_it_would_verify() {
        let facts = Facts {
            roles: vec![
                "arn:aws:iam::123456789012:role/R,arn:aws:iam::123456789012:saml-provider/P".into(),
            ],
            role_session_name: Some("jane@contoso.com".into()),
            ..Facts::default()
        };
        let skips = skipped(&facts, "offline");
        assert_eq!(skips.len(), AccountCheck::ALL.len());
        assert!(skips
            .iter()
            .all(|f| f.code == saml_core::Code::CheckSkipped));
        assert!(skips[1].detail.contains("`jane@contoso.com`"));
        assert!(skips[5].detail.contains("arn:aws:iam::123456789012:role/R"));
    }
}

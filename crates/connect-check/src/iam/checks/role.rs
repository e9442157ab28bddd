//! The role check: the role the Role attribute names exists, admits the SessionDuration asked
//! for, and its trust policy lets the SAML provider assume it (`sts:AssumeRoleWithSAML`, and
//! `sts:TagSession`/`sts:SetSourceIdentity` when the assertion needs them) for the assertion's
//! `SAML:aud`, `SAML:iss` and `SAML:sub`.

use saml_core::aws::RolePair;
use saml_core::{Check, Code, Finding};

use crate::iam::api::{IamApi, Role};
use crate::iam::input::Input;
use crate::iam::policy::{evaluate, Decision, Policy, Request};

/// The role of `pair` and its trust policy; the role, when it could be read.
pub(crate) async fn check_role(
    iam: &impl IamApi,
    input: &Input,
    pair: &RolePair,
    findings: &mut Vec<Finding>,
) -> Option<Role> {
    let role = match iam.role(&pair.role.name).await {
        Err(e) => {
            findings.push(e.skipped(Check::IamRole));
            return None;
        }
        Ok(None) => {
            findings.push(
                Finding::new(
                    Code::IamRoleNotFound,
                    format!(
                        "the role {} (from the Role attribute) does not exist",
                        pair.role
                    ),
                )
                .with("role", pair.role.as_str()),
            );
            return None;
        }
        Ok(Some(r)) => r,
    };
    if let Some(requested) = input
        .session_duration
        .filter(|d| *d > role.max_session_duration)
    {
        findings.push(
            Finding::new(
                Code::SessionDurationExceedsRoleMax,
                format!(
                    "SessionDuration is {requested} s, but {} allows at most {} s",
                    pair.role, role.max_session_duration
                ),
            )
            .with("session_duration", requested.to_string())
            .with(
                "max_session_duration",
                role.max_session_duration.to_string(),
            ),
        );
    }
    match Policy::parse("trust policy", &role.trust_policy) {
        Err(e) => findings.push(Finding::skipped(
            Check::TrustPolicy,
            format!("the trust policy of {} could not be read: {e}", pair.role),
        )),
        Ok(trust) => {
            let mut actions = vec!["sts:AssumeRoleWithSAML"];
            if !input.principal_tags.is_empty() {
                actions.push("sts:TagSession");
            }
            if input.source_identity.is_some() {
                actions.push("sts:SetSourceIdentity");
            }
            let aud = input.recipient.clone().unwrap_or_default();
            for action in actions {
                let mut request = Request::new(action, "")
                    .principal("Federated", pair.provider.as_str())
                    .context("SAML:aud", &[&aud]);
                if let Some(iss) = &input.issuer {
                    request = request.context("SAML:iss", &[iss]);
                }
                if let Some(sub) = &input.name_id {
                    request = request.context("SAML:sub", &[sub]);
                }
                match evaluate(std::slice::from_ref(&trust), &request) {
                    Decision::Allow(_) => {}
                    Decision::Unknown(why) => findings.push(Finding::skipped(Check::TrustPolicy, format!("{action} for {}: {}", pair.role, why.join("; ")))),
                    other => findings.push(
                        Finding::new(
                            Code::IamTrustPolicyDenies,
                            format!("the trust policy of {} does not allow {action} for {} with SAML:aud `{aud}`: {other}", pair.role, pair.provider),
                        )
                        .with("role", pair.role.as_str())
                        .with("action", action)
                        .with("saml_aud", aud.clone()),
                    ),
                }
            }
        }
    }
    Some(role)
}

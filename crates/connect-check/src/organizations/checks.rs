//! The organization's service control policies (SCPs): a call is allowed only if every level
//! from the root down to the account allows it, and an explicit Deny at any level wins (AWS
//! Organizations' SCP evaluation). Evaluated with IAM's policy evaluator on the
//! `connect:GetFederationToken` call the IAM checks built.

use saml_core::aws::RolePair;
use saml_core::{Check, Code, Finding};

use super::api::OrganizationsApi;
use crate::access::AccessError;
use crate::iam::policy::{evaluate, Decision, Policy, Request};

/// The organization's service control policies must allow the call too. (Resource control
/// policies do not apply to Amazon Connect; those that may restrict sts:AssumeRoleWithSAML on the
/// role are not among what [`OrganizationsApi`] returns, and unreadable ones are named in the
/// skip.) Only the management account or a delegated administrator may read them: when they
/// cannot be read, one `check_skipped` says exactly that.
pub(crate) async fn check_service_control_policies(
    organizations: &impl OrganizationsApi,
    pair: &RolePair,
    request: &Request,
    resource: &str,
    findings: &mut Vec<Finding>,
) {
    const CHECK: Check = Check::OrganizationPolicies;
    let id = pair.role.account.as_str();
    let levels = match organizations.service_control_policies(id).await {
        Ok(l) => l,
        Err(e) => {
            let why = match &e {
                AccessError::Failed { message, .. } => message.clone(),
                other => other.to_string(),
            };
            let mut f = Finding::skipped(
                CHECK,
                format!("the organization's service control and resource control policies for account {id} were not evaluated: {why} (reading them takes organizations:ListParents, organizations:ListPoliciesForTarget and organizations:DescribePolicy, which only the organization's management account or a delegated administrator may call); every other policy that decides connect:GetFederationToken was evaluated"),
            );
            if let AccessError::Denied { action } = e {
                f = f.with("missing_permission", action);
            }
            return findings.push(f);
        }
    };
    // Every level must allow; the first that does not decides (its explicit Deny, or no Allow).
    for level in &levels {
        let mut policies = Vec::new();
        for d in &level.policies {
            match Policy::parse(&d.name, &d.document) {
                Ok(p) => policies.push(p),
                Err(e) => {
                    return findings.push(Finding::skipped(
                        CHECK,
                        format!("the organization policy {} could not be read: {e}", d.name),
                    ))
                }
            }
        }
        let why = match evaluate(&policies, request) {
            Decision::Allow(_) => continue,
            Decision::Unknown(why) => {
                return findings.push(Finding::skipped(
                    CHECK,
                    format!("{}: {}", level.target, why.join("; ")),
                ))
            }
            Decision::ExplicitDeny(by) => format!("denied explicitly by {}", by.join(", ")),
            Decision::ImplicitDeny => "allowed by none of its policies".to_owned(),
        };
        let names: Vec<&str> = level.policies.iter().map(|d| d.name.as_str()).collect();
        return findings.push(
            Finding::new(
                Code::FederationTokenNotAllowed,
                format!(
                    "connect:GetFederationToken on {resource} for {} is {why} at {} of the organization (account {id}): service control policies cap every role of the account",
                    pair.role, level.target
                ),
            )
            .with("resource", resource)
            .with("organization_target", level.target.clone())
            .with("organization_policies", names.join(" ")),
        );
    }
}

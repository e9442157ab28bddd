//! The GetFederationToken check: may the role's sessions call `connect:GetFederationToken` on
//! the instance's user for this RoleSessionName? Its inline and attached policies must allow it
//! and its permissions boundary too (identity-based policies ∩ boundary, as IAM evaluates them).
//! The call it asks about is handed back, for the organization's service control policies
//! (`crate::organizations`), which must allow it as well.

use saml_core::aws::RolePair;
use saml_core::{Check, Code, Finding};

use crate::iam::api::{IamApi, Role};
use crate::iam::input::Input;
use crate::iam::policy::{allowed_resources, evaluate, Decision, Policy, Request};
/// The `connect:GetFederationToken` call a sign-in makes, as the policy evaluator asks it: for
/// the policies outside the role that must allow it too.
pub(crate) struct FederationTokenCall {
    /// The call, with the request context a session of the role carries.
    pub(crate) request: Request,
    /// The Connect user it asks for a token of.
    pub(crate) resource: String,
}

/// May sessions of `role` (from `pair`) call GetFederationToken on the instance's user? `None`
/// when there is no instance or name to ask about, or the role's policies could not be listed.
pub(crate) async fn check_federation_token(
    iam: &impl IamApi,
    input: &Input,
    pair: &RolePair,
    role: &Role,
    findings: &mut Vec<Finding>,
) -> Option<FederationTokenCall> {
    let (Some(target), Some(name)) = (&input.instance, &input.role_session_name) else {
        return None;
    };
    let mut documents = Vec::new();
    for result in [
        iam.inline_policies(&pair.role.name).await,
        iam.attached_policies(&pair.role.name).await,
    ] {
        match result {
            Ok(d) => documents.extend(d),
            Err(e) => {
                findings.push(e.skipped(Check::FederationToken));
                return None;
            }
        }
    }
    let policies: Vec<Policy> = documents
        .iter()
        .filter_map(|d| match Policy::parse(&d.name, &d.document) {
            Ok(p) => Some(p),
            Err(e) => {
                findings.push(Finding::skipped(
                    Check::FederationToken,
                    format!("the policy {} could not be read: {e}", d.name),
                ));
                None
            }
        })
        .collect();
    let userid = format!("{}:{name}", role.role_id);
    let instance_arn = format!(
        "arn:{}:connect:{}:{}:instance/{}",
        pair.role.partition, target.region, pair.role.account, target.instance_id
    );
    let resource = format!("{instance_arn}/user/{userid}");
    let mut request = Request::new("connect:GetFederationToken", &resource)
        .context("aws:userid", &[&userid])
        .context("connect:InstanceId", &[target.instance_id.as_str()])
        .context("aws:PrincipalArn", &[role.arn.as_str()])
        .context("aws:PrincipalAccount", &[pair.role.account.as_str()]);
    for (k, v) in &input.principal_tags {
        request = request.context(&format!("aws:PrincipalTag/{k}"), &[v]);
    }
    if let Some(s) = &input.source_identity {
        request = request.context("aws:SourceIdentity", &[s]);
    }
    let decision = evaluate(&policies, &request);
    let identity_allows = matches!(decision, Decision::Allow(_));
    match decision {
        Decision::Allow(_) => {}
        Decision::Unknown(why) => findings.push(Finding::skipped(
            Check::FederationToken,
            format!("{}: {}", pair.role, why.join("; ")),
        )),
        Decision::ExplicitDeny(by) => findings.push(
            Finding::new(
                Code::FederationTokenNotAllowed,
                format!(
                    "{} is denied connect:GetFederationToken on {resource} explicitly, by {}",
                    pair.role,
                    by.join(", ")
                ),
            )
            .with("resource", resource.clone())
            .with("denied_by", by.join(" ")),
        ),
        Decision::ImplicitDeny => {
            let elsewhere = allowed_resources(&policies, "connect:GetFederationToken");
            let f = if elsewhere.is_empty() {
                Finding::new(
                    Code::FederationTokenNotAllowed,
                    format!(
                        "no policy of {} allows connect:GetFederationToken ({} polic{} read)",
                        pair.role,
                        policies.len(),
                        if policies.len() == 1 { "y" } else { "ies" }
                    ),
                )
            } else {
                Finding::new(
                    Code::FederationTokenWrongInstance,
                    format!("{} may call connect:GetFederationToken on {}, but not on this instance's user {resource}", pair.role, elsewhere.join(", ")),
                )
                .with("allowed_resources", elsewhere.join(" "))
            };
            findings.push(f.with("resource", resource.clone()).with(
                "needed_resource",
                format!("{instance_arn}/user/${{aws:userid}}"),
            ));
        }
    }
    if identity_allows {
        check_boundary(iam, pair, role, &request, &resource, findings).await;
    }
    Some(FederationTokenCall { request, resource })
}

/// A permissions boundary caps the role: GetFederationToken needs its Allow too, and its Deny
/// wins (IAM policy evaluation logic: identity-based policies ∩ permissions boundary).
async fn check_boundary(
    iam: &impl IamApi,
    pair: &RolePair,
    role: &Role,
    request: &Request,
    resource: &str,
    findings: &mut Vec<Finding>,
) {
    const CHECK: Check = Check::FederationToken;
    let Some(arn) = &role.permissions_boundary else {
        return;
    };
    let document = match iam.managed_policy(arn).await {
        Err(e) => return findings.push(e.skipped(CHECK)),
        Ok(None) => {
            return findings.push(Finding::skipped(
                CHECK,
                format!(
                    "the permissions boundary {arn} of {} could not be found",
                    pair.role
                ),
            ))
        }
        Ok(Some(d)) => d,
    };
    let boundary = match Policy::parse(&format!("permissions boundary {arn}"), &document.document) {
        Ok(p) => p,
        Err(e) => {
            return findings.push(Finding::skipped(
                CHECK,
                format!("the permissions boundary {arn} could not be read: {e}"),
            ))
        }
    };
    let why = match evaluate(std::slice::from_ref(&boundary), request) {
        Decision::Allow(_) => return,
        Decision::Unknown(why) => {
            return findings.push(Finding::skipped(
                CHECK,
                format!(
                    "the permissions boundary {arn} of {}: {}",
                    pair.role,
                    why.join("; ")
                ),
            ))
        }
        Decision::ExplicitDeny(by) => format!("denies it explicitly ({})", by.join(", ")),
        Decision::ImplicitDeny => "does not allow it".to_owned(),
    };
    findings.push(
        Finding::new(
            Code::FederationTokenNotAllowed,
            format!(
                "the role's policies allow connect:GetFederationToken on {resource}, but the permissions boundary {arn} of {} {why}: a boundary caps what the policies grant",
                pair.role
            ),
        )
        .with("resource", resource)
        .with("permissions_boundary", arn.as_str()),
    );
}

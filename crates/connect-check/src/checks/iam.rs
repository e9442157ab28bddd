//! The IAM checks: the SAML provider and its metadata, the role and its trust policy, and the
//! role's permission to call connect:GetFederationToken.

use saml_core::aws::RolePair;
use saml_core::{AsOf, Check, Code, Finding};

use super::{skipped, Input};
use crate::account::{AccessError, Account, Role};
use crate::policy::{allowed_resources, evaluate, Decision, Policy, Request};

const EXPIRY_WARNING_MILLIS: i64 = 30 * 86_400 * 1000;

pub(super) async fn check_provider(
    account: &impl Account,
    input: &Input,
    pair: &RolePair,
    as_of: &AsOf,
    findings: &mut Vec<Finding>,
) {
    let arn = pair.provider.as_str();
    let provider = match account.saml_provider(arn).await {
        Err(e) => return findings.push(skipped(Check::IamProvider, &e)),
        Ok(None) => {
            return findings.push(
                Finding::new(
                    Code::IamProviderNotFound,
                    format!("the SAML provider {arn} (from the Role attribute) does not exist"),
                )
                .with("provider", arn),
            );
        }
        Ok(Some(p)) => p,
    };
    let metadata = match saml_core::metadata::parse(&provider.metadata_document) {
        Ok(m) => m,
        Err(e) => {
            return findings.push(Finding::skipped(
                Check::IamProviderMetadata,
                format!("the metadata IAM holds for {arn} could not be read: {e}"),
            ))
        }
    };
    let held: Vec<String> = metadata.signing_certificates.clone();
    if !input.signing_certificates.is_empty()
        && !input.signing_certificates.iter().any(|c| held.contains(c))
    {
        let describe = |b64: &str| {
            saml_core::cert::Certificate::from_base64(b64)
                .map(|c| c.describe())
                .unwrap_or_else(|e| e.to_string())
        };
        findings.push(
            Finding::new(
                Code::IamProviderCertMismatch,
                format!(
                    "the response is signed with {}, but the metadata IAM holds for {arn} has {}",
                    describe(&input.signing_certificates[0]),
                    if held.is_empty() {
                        "no signing certificate".to_owned()
                    } else {
                        held.iter()
                            .map(|c| describe(c))
                            .collect::<Vec<_>>()
                            .join("; ")
                    }
                ),
            )
            .with("provider", arn),
        );
    }
    let mut expiring = Vec::new();
    if let Some(t) = provider
        .valid_until
        .as_deref()
        .and_then(|v| saml_core::Timestamp::parse(v).ok())
    {
        if t.millis_since(as_of.instant) < EXPIRY_WARNING_MILLIS {
            expiring.push(format!("ValidUntil {t}"));
        }
    }
    for c in held
        .iter()
        .filter_map(|c| saml_core::cert::Certificate::from_base64(c).ok())
    {
        if c.not_after.millis_since(as_of.instant) < EXPIRY_WARNING_MILLIS {
            expiring.push(format!(
                "certificate {} (notAfter {})",
                c.subject, c.not_after
            ));
        }
    }
    if !expiring.is_empty() {
        findings.push(
            Finding::new(
                Code::IamProviderMetadataExpiring,
                format!(
                    "the metadata of {arn}: {} has passed or passes within 30 days of {}",
                    expiring.join(", "),
                    as_of.instant
                ),
            )
            .with("provider", arn),
        );
    }
}

pub(super) async fn check_role(
    account: &impl Account,
    input: &Input,
    pair: &RolePair,
    findings: &mut Vec<Finding>,
) -> Option<Role> {
    let role = match account.role(&pair.role.name).await {
        Err(e) => {
            findings.push(skipped(Check::IamRole, &e));
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

pub(super) async fn check_federation(
    account: &impl Account,
    input: &Input,
    pair: &RolePair,
    role: &Role,
    findings: &mut Vec<Finding>,
) {
    let (Some(target), Some(name)) = (&input.instance, &input.role_session_name) else {
        return;
    };
    let mut documents = Vec::new();
    for result in [
        account.inline_policies(&pair.role.name).await,
        account.attached_policies(&pair.role.name).await,
    ] {
        match result {
            Ok(d) => documents.extend(d),
            Err(e) => return findings.push(skipped(Check::FederationToken, &e)),
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
        check_boundary(account, pair, role, &request, &resource, findings).await;
    }
    check_organization(account, pair, &request, &resource, findings).await;
}

/// A permissions boundary caps the role: GetFederationToken needs its Allow too, and its Deny
/// wins (IAM policy evaluation logic: identity-based policies ∩ permissions boundary).
async fn check_boundary(
    account: &impl Account,
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
    let document = match account.managed_policy(arn).await {
        Err(e) => return findings.push(skipped(CHECK, &e)),
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

/// The organization's service control policies must allow the call too. (Resource control
/// policies do not apply to Amazon Connect; those that may restrict sts:AssumeRoleWithSAML on the
/// role are not among what the `Account` returns, and unreadable ones are named in the skip.) Only the management account or a delegated administrator may read them: when they
/// cannot be read, one `check_skipped` says exactly that.
async fn check_organization(
    account: &impl Account,
    pair: &RolePair,
    request: &Request,
    resource: &str,
    findings: &mut Vec<Finding>,
) {
    const CHECK: Check = Check::OrganizationPolicies;
    let id = pair.role.account.as_str();
    let levels = match account.organization_policies(id).await {
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

//! The organization's service control policies (SCPs) above an account, read through AWS
//! Organizations, so `connect:GetFederationToken` is evaluated as AWS evaluates it: the role's
//! identity policies, its permissions boundary and every SCP level between the root and the
//! account.
//!
//! Facts from the AWS Organizations API reference and user guide:
//! - `DescribeOrganization` "can be called from any account in the organization"; outside an
//!   organization it fails with `AWSOrganizationsNotInUseException`, and then no SCP applies.
//! - SCPs "don't affect users or roles in the management account" (user guide, SCP effects), so
//!   for the management account there is nothing to evaluate either.
//! - `ListParents` returns the one parent (OU or root) of a child; OUs nest at most five levels
//!   below the root, so the walk up is bounded.
//! - `ListPoliciesForTarget` lists the policies "directly attached" to a root, OU or account
//!   (paginated: "always check NextToken"), and with `DescribePolicy` "can be called only from the
//!   organization's management account or by a member account that is a delegated
//!   administrator": everyone else gets AccessDenied, which the checks report as one skip.
//! - Resource control policies do not apply to Amazon Connect (RCPs cover a listed set of
//!   services that Connect is not in), so only SCPs bear on GetFederationToken.

use aws_sdk_organizations::types::{ParentType, PolicyType};

use crate::account::{AccessError, AccessResult, OrganizationLevel, PolicyDocument};
use crate::sdk::{classify, required, Failure};

/// Root, up to five OUs, and the account itself: anything deeper is not an AWS hierarchy.
const MAX_LEVELS: usize = 7;

/// The SCPs of every level from the root down to `account_id` (root first); empty when the
/// account is in no organization or is its management account.
pub async fn service_control_policies(
    client: &aws_sdk_organizations::Client,
    account_id: &str,
) -> AccessResult<Vec<OrganizationLevel>> {
    const DESCRIBE_ORGANIZATION: &str = "organizations:DescribeOrganization";
    let organization = match client.describe_organization().send().await {
        Ok(out) => out,
        Err(e) => {
            return match classify(DESCRIBE_ORGANIZATION, e, |e| {
                e.is_aws_organizations_not_in_use_exception()
            }) {
                // Not in an organization: no SCP can restrict the role.
                Failure::NotFound => Ok(Vec::new()),
                Failure::Access(e) => Err(e),
            };
        }
    };
    #[allow(deprecated)] // AWS names the field master_account_id in the API model.
    let management = organization
        .organization()
        .and_then(|o| o.master_account_id())
        .unwrap_or_default();
    if management == account_id {
        return Ok(Vec::new());
    }

    let mut targets = vec![account_id.to_owned()];
    loop {
        if targets.len() > MAX_LEVELS {
            return Err(AccessError::Failed {
                action: "organizations:ListParents",
                message: format!("more than {MAX_LEVELS} levels above account {account_id}"),
            });
        }
        let parent = parent_of(client, targets.last().expect("starts with the account")).await?;
        let is_root = parent.1 == ParentType::Root;
        targets.push(parent.0);
        if is_root {
            break;
        }
    }
    targets.reverse();

    let mut levels = Vec::with_capacity(targets.len());
    for target in targets {
        let policies = policies_of(client, &target).await?;
        levels.push(OrganizationLevel { target, policies });
    }
    Ok(levels)
}

/// organizations:ListParents: the one parent of `child` and its type.
async fn parent_of(
    client: &aws_sdk_organizations::Client,
    child: &str,
) -> AccessResult<(String, ParentType)> {
    const ACTION: &str = "organizations:ListParents";
    let out = client.list_parents().child_id(child).send().await;
    let out = required(ACTION, out.map_err(|e| classify(ACTION, e, |_| false)))?;
    let parent = out.parents().first().ok_or_else(|| AccessError::Failed {
        action: ACTION,
        message: format!("{child} has no parent"),
    })?;
    match (parent.id(), parent.r#type()) {
        (Some(id), Some(kind)) => Ok((id.to_owned(), kind.clone())),
        _ => Err(AccessError::Failed {
            action: ACTION,
            message: format!("the parent of {child} came without an id or type"),
        }),
    }
}

/// organizations:ListPoliciesForTarget (every page) + DescribePolicy for each SCP.
async fn policies_of(
    client: &aws_sdk_organizations::Client,
    target: &str,
) -> AccessResult<Vec<PolicyDocument>> {
    const LIST: &str = "organizations:ListPoliciesForTarget";
    const DESCRIBE: &str = "organizations:DescribePolicy";
    let mut summaries = Vec::new();
    let mut next_token = None;
    loop {
        let out = client
            .list_policies_for_target()
            .target_id(target)
            .filter(PolicyType::ServiceControlPolicy)
            .set_next_token(next_token.take())
            .send()
            .await;
        let out = required(LIST, out.map_err(|e| classify(LIST, e, |_| false)))?;
        summaries.extend(
            out.policies().iter().filter_map(|p| {
                Some((p.id()?.to_owned(), p.name().unwrap_or_default().to_owned()))
            }),
        );
        match out.next_token() {
            Some(t) if !t.is_empty() => next_token = Some(t.to_owned()),
            _ => break,
        }
    }
    let mut documents = Vec::with_capacity(summaries.len());
    for (id, name) in summaries {
        let out = client.describe_policy().policy_id(&id).send().await;
        let out = required(DESCRIBE, out.map_err(|e| classify(DESCRIBE, e, |_| false)))?;
        let content =
            out.policy()
                .and_then(|p| p.content())
                .ok_or_else(|| AccessError::Failed {
                    action: DESCRIBE,
                    message: format!("policy {id} came without content"),
                })?;
        documents.push(PolicyDocument {
            name: format!("{name} ({id})"),
            document: content.to_owned(),
        });
    }
    Ok(documents)
}

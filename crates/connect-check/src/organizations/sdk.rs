//! [`OrganizationsApi`] on a real AWS Organizations, through aws-sdk-organizations: the
//! service control policies (SCPs) of every level between the root and an account, so that
//! `connect:GetFederationToken` is evaluated as AWS evaluates it.
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

use super::api::{OrganizationLevel, OrganizationsApi};
use crate::access::{AccessError, AccessResult};
use crate::aws::{SdkResultExt, Session};
use crate::iam::PolicyDocument;
use crate::paging::{all_pages, Page, MAX_PAGES};

/// Root, up to five OUs, and the account itself: anything deeper is not an AWS hierarchy.
const MAX_LEVELS: usize = 7;

/// AWS Organizations (a global service: the session's region serves).
pub struct SdkOrganizations {
    client: aws_sdk_organizations::Client,
}

impl SdkOrganizations {
    /// Organizations in the session's region.
    pub fn new(session: &Session) -> Self {
        Self::from_client(aws_sdk_organizations::Client::new(session.config()))
    }

    /// Organizations on a client already built (tests build one on recorded responses).
    pub fn from_client(client: aws_sdk_organizations::Client) -> Self {
        Self { client }
    }
}

impl OrganizationsApi for SdkOrganizations {
    async fn service_control_policies(
        &self,
        account_id: &str,
    ) -> AccessResult<Vec<OrganizationLevel>> {
        service_control_policies(&self.client, account_id).await
    }
}

/// The SCPs of every level from the root down to `account_id` (root first); empty when the
/// account is in no organization or is its management account.
async fn service_control_policies(
    client: &aws_sdk_organizations::Client,
    account_id: &str,
) -> AccessResult<Vec<OrganizationLevel>> {
    const DESCRIBE_ORGANIZATION: &str = "organizations:DescribeOrganization";
    let organization = client
        .describe_organization()
        .send()
        .await
        .optional(DESCRIBE_ORGANIZATION, |e| {
            e.is_aws_organizations_not_in_use_exception()
        })?;
    // Not in an organization: no SCP can restrict the role.
    let Some(organization) = organization else {
        return Ok(Vec::new());
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
    let out = client
        .list_parents()
        .child_id(child)
        .send()
        .await
        .required(ACTION)?;
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
    let summaries = all_pages(LIST, MAX_PAGES, |next_token| async move {
        let out = client
            .list_policies_for_target()
            .target_id(target)
            .filter(PolicyType::ServiceControlPolicy)
            .set_next_token(next_token)
            .send()
            .await
            .required(LIST)?;
        Ok(Page::new(
            out.policies().iter().filter_map(|p| {
                Some((p.id()?.to_owned(), p.name().unwrap_or_default().to_owned()))
            }),
            out.next_token(),
        ))
    })
    .await?;
    let mut documents = Vec::with_capacity(summaries.len());
    for (id, name) in summaries {
        let out = client
            .describe_policy()
            .policy_id(&id)
            .send()
            .await
            .required(DESCRIBE)?;
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

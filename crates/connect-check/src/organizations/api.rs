//! What the checks ask of AWS Organizations ([`OrganizationsApi`]) and the answer they read,
//! with the IAM actions of those calls.

use crate::access::AccessResult;
use crate::iam::PolicyDocument;

/// The Organizations calls the checks make, as IAM actions: read-only. Only the management
/// account or a delegated administrator may make the last three; without them the SCP check is
/// reported as skipped. `saml-doctor aws-policy` grants these.
pub const ACTIONS: [&str; 4] = [
    "organizations:DescribeOrganization",
    "organizations:ListParents",
    "organizations:ListPoliciesForTarget",
    "organizations:DescribePolicy",
];

/// The organization policies attached at one level above (or on) an account: the root, each
/// organizational unit, the account itself. A call is allowed only if every level allows it,
/// and an explicit Deny at any level wins (AWS Organizations' SCP evaluation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationLevel {
    /// The root, OU or account id.
    pub target: String,
    /// The policies attached there.
    pub policies: Vec<PolicyDocument>,
}

/// What the checks ask of AWS Organizations.
#[allow(async_fn_in_trait)]
pub trait OrganizationsApi {
    /// organizations:DescribeOrganization + ListParents + ListPoliciesForTarget +
    /// DescribePolicy: the service control policies of every level from the root down to
    /// `account_id`, root first; empty when no SCP applies (no organization, or the management
    /// account, which SCPs do not restrict). `Err(Denied)` when the caller may not read them
    /// (neither the management account nor a delegated administrator), the common case.
    async fn service_control_policies(
        &self,
        account_id: &str,
    ) -> AccessResult<Vec<OrganizationLevel>>;
}

//! What the checks and the organization audit ask of AWS Organizations ([`OrganizationsApi`])
//! and the answers they read, with the IAM actions of those calls.

use crate::access::AccessResult;
use crate::iam::PolicyDocument;
use crate::paging::Page;
use crate::permissions::{Action, Purpose};

use Purpose::{AuditOrganization, Diagnose};

/// The Organizations calls made, as IAM actions: read-only. Only the management account or a
/// delegated administrator may make all but DescribeOrganization; without them the SCP check is
/// reported as skipped, and an organization audit cannot list the accounts. `saml-doctor
/// aws-policy` grants these.
pub const ACTIONS: [Action; 5] = [
    Action::new("organizations:DescribeOrganization", &[Diagnose]),
    Action::new("organizations:ListParents", &[Diagnose]),
    Action::new("organizations:ListPoliciesForTarget", &[Diagnose]),
    Action::new("organizations:DescribePolicy", &[Diagnose]),
    Action::new("organizations:ListAccounts", &[AuditOrganization]),
];

/// ListAccounts' largest `MaxResults` (1 to 20), which the adapter asks for.
pub const LIST_ACCOUNTS_MAX_RESULTS: i32 = 20;

/// One `Accounts` member of ListAccounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationAccount {
    /// `Id`: 12 digits.
    pub id: String,
    /// `Name`.
    pub name: Option<String>,
    /// `Status` (`ACTIVE | SUSPENDED | PENDING_CLOSURE`), which AWS retires on 2026-09-09.
    pub status: Option<String>,
    /// `State` (`PENDING_ACTIVATION | ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED`), its
    /// successor.
    pub state: Option<String>,
}

impl OrganizationAccount {
    /// True for an account to audit: `State` ACTIVE when the answer has a State, else `Status`
    /// ACTIVE; an answer with neither is audited (a refusal then says why, rather than the
    /// account being silently left out).
    pub fn is_active(&self) -> bool {
        match (&self.state, &self.status) {
            (Some(state), _) => state.eq_ignore_ascii_case("ACTIVE"),
            (None, Some(status)) => status.eq_ignore_ascii_case("ACTIVE"),
            (None, None) => true,
        }
    }
}

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

/// What the checks and the organization audit ask of AWS Organizations.
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
    /// organizations:ListAccounts, one page of up to [`LIST_ACCOUNTS_MAX_RESULTS`] accounts (a
    /// page may be empty while a token follows: the reference says to keep reading).
    async fn list_accounts(
        &self,
        next_token: Option<String>,
    ) -> AccessResult<Page<OrganizationAccount>>;
}

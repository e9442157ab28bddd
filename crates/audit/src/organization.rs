//! Reaching the accounts to audit: the caller's own ([`caller_account`]), a member account
//! through the audit role ([`audit_member`]), and a whole organization ([`audit_organization`]):
//! its accounts listed (organizations:ListAccounts) or given, the role assumed into each, at most
//! [`OrganizationPlan::concurrency`] accounts at a time, each report streamed into the
//! [`OrganizationReport`] as it finishes (healthy ones are only counted), and progress told to
//! the caller's callback. An account that cannot be assumed or read is one `check_skipped`; the
//! others go on.

use std::num::NonZeroUsize;

use connect_check::access::{AccessError, AccessResult};
use connect_check::organizations::{OrganizationAccount, OrganizationsApi};
use connect_check::paging::all_pages;
use connect_check::sts::StsApi;
use saml_core::aws::{AccountId, Partition, RoleSessionName};
use saml_core::{Check, Finding};

use crate::audit::{audit_account, MAX_PAGES};
use crate::concurrent::run_bounded;
use crate::context::AccountContext;
use crate::options::AuditOptions;
use crate::report::{AccountReport, OrganizationReport};

/// The RoleSessionName of every assumed role: CloudTrail shows it in each member account, so an
/// administrator sees who read the account.
pub const SESSION_NAME: &str = "saml-doctor-audit";

/// `--concurrency`' default: accounts audited at a time.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The role assumed in every member account: a role name, with its path if it has one
/// (`audit/SamlDoctorAudit`), as IAM allows them (name 1-64 of `[\w+=,.@-]`, path segments of the
/// same characters, 512 characters in all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRole(String);

impl AuditRole {
    /// Reads `--role-name`; a leading or trailing `/` of a path is allowed and dropped.
    pub fn parse(value: &str) -> Result<Self, String> {
        let trimmed = value.trim_matches('/');
        let ok_chars = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        };
        let name = trimmed.rsplit('/').next().unwrap_or_default();
        if trimmed.len() > 512 || name.len() > 64 || !trimmed.split('/').all(ok_chars) {
            return Err(format!(
                "`{value}` is not a role name: 1-64 of letters, digits and +=,.@_- (with its path, if it has one, as in audit/SamlDoctorAudit)"
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The role's ARN in the account of `ctx`.
    pub fn arn_in(&self, ctx: &AccountContext) -> String {
        format!("arn:{}:iam::{}:role/{}", ctx.partition, ctx.id, self.0)
    }

    /// The role name, with its path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How to audit an organization.
#[derive(Debug, Clone)]
pub struct OrganizationPlan {
    /// The role assumed in every account.
    pub role: AuditRole,
    /// Only these accounts, as given (ListAccounts is not called); `None`: every active account
    /// ListAccounts lists.
    pub accounts: Option<Vec<AccountId>>,
    /// Accounts audited at a time.
    pub concurrency: NonZeroUsize,
}

/// How far an organization audit has gone, told after each account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress<'a> {
    /// Accounts audited so far.
    pub audited: usize,
    /// Accounts to audit in all.
    pub total: usize,
    /// The account just audited.
    pub account: &'a AccountId,
    /// Its findings (0: healthy).
    pub findings: usize,
}

/// The account the credentials belong to, and its partition (from the caller's ARN), by
/// sts:GetCallerIdentity.
pub async fn caller_account(sts: &impl StsApi) -> AccessResult<AccountContext> {
    const ACTION: &str = "sts:GetCallerIdentity";
    let me = sts.caller_identity().await?;
    let failed = |message: String| AccessError::Failed {
        action: ACTION,
        message,
    };
    let id = AccountId::parse(&me.account).map_err(failed)?;
    let partition = me
        .arn
        .split(':')
        .nth(1)
        .and_then(Partition::parse)
        .ok_or_else(|| failed(format!("the caller's ARN `{}` names no partition", me.arn)))?;
    Ok(AccountContext::new(id, partition))
}

/// Assumes `role` into the account of `ctx` and audits it; an account that cannot be assumed is
/// one `check_skipped` naming it, the role and `sts:AssumeRole`.
pub async fn audit_member<S: StsApi>(
    sts: &S,
    role: &AuditRole,
    ctx: &AccountContext,
    options: &AuditOptions,
) -> AccountReport {
    let arn = role.arn_in(ctx);
    // A constant that is a valid RoleSessionName (the tests prove it).
    let session_name = RoleSessionName::parse(SESSION_NAME).unwrap_or_else(|e| unreachable!("{e}"));
    match sts.assume_role(&arn, &session_name).await {
        Ok(member) => audit_account(ctx, &member.iam, &member.connect, options).await,
        Err(e) => {
            let hint = format!(
                "{arn} must exist in the account and trust the auditing principal, which must be allowed sts:AssumeRole on it: see `saml-doctor aws-policy --for audit-organization`"
            );
            AccountReport::unassumable(ctx, e, &arn, &hint)
        }
    }
}

/// Every account of the organization (organizations:ListAccounts, every page; empty pages with a
/// token are followed, as the reference asks). Audit those that are
/// [`OrganizationAccount::is_active`].
pub async fn list_member_accounts(
    organization: &impl OrganizationsApi,
) -> AccessResult<Vec<OrganizationAccount>> {
    all_pages("organizations:ListAccounts", MAX_PAGES, |token| {
        organization.list_accounts(token)
    })
    .await
}

/// Audits the organization's accounts as `plan` says, at most `plan.concurrency` at a time, each
/// in `partition`. `Err` only when the accounts cannot be listed; an account that cannot be
/// reached is a finding of the report. Memory holds the account ids (a few bytes each), the
/// accounts in flight and the accounts with findings.
pub async fn audit_organization<O: OrganizationsApi, S: StsApi>(
    organization: &O,
    sts: &S,
    partition: Partition,
    plan: &OrganizationPlan,
    options: &AuditOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> AccessResult<OrganizationReport> {
    let mut report = OrganizationReport::new();
    let ids: Vec<AccountId> = match &plan.accounts {
        Some(given) => given.clone(),
        None => {
            let listed = list_member_accounts(organization).await?;
            let mut ids = Vec::with_capacity(listed.len());
            let mut odd = Vec::new();
            for account in listed {
                if !account.is_active() {
                    report.note_inactive();
                    continue;
                }
                match AccountId::parse(&account.id) {
                    Ok(id) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(e) => odd.push(Finding::skipped(
                        Check::AuditAccount,
                        format!("organizations:ListAccounts answered an account that cannot be audited: {e}"),
                    )),
                }
            }
            report.add_input_findings(odd);
            ids
        }
    };
    let total = ids.len();
    let jobs = ids.into_iter().map(|id| async move {
        let ctx = AccountContext::new(id, partition);
        audit_member(sts, &plan.role, &ctx, options).await
    });
    let mut audited = 0;
    run_bounded(plan.concurrency.get(), jobs, |account: AccountReport| {
        audited += 1;
        progress(Progress {
            audited,
            total,
            account: &account.account,
            findings: account.findings.len(),
        });
        report.add(account);
    })
    .await;
    Ok(report)
}

#[cfg(test)]
#[path = "organization_tests.rs"]
mod tests;

//! One account's audit, from its sources: the providers (listed, then read one by one), the
//! roles (page by page, each judged and dropped, so memory is that of one page), the providers
//! no role trusts, and each SAML Connect instance's users (one instance at a time). A call that
//! does not answer is a `check_skipped` naming it, and the rest goes on; an account none of whose
//! listings answer is one `check_skipped` naming the account and the refused calls.
//!
//! Also the two steps around it that phase-2 adapters drive: reaching a member account
//! ([`audit_member`]) and listing the organization's accounts ([`list_member_accounts`]).

use std::collections::HashSet;

use saml_core::{Check, Code, Finding};

use crate::connect::{check_case_collisions, check_expected, check_user, InstanceUsers};
use crate::context::AccountContext;
use crate::model::{InstanceSummary, OrganizationAccount};
use crate::options::AuditOptions;
use crate::providers::{check_provider, KnownProvider};
use crate::report::AccountReport;
use crate::roles::check_role;
use crate::source::{
    AccessError, AccountAssumer, ConnectSource, IamSource, OrganizationSource, Pager, PagingError,
    LIST_ACCOUNTS_MAX_RESULTS, LIST_INSTANCES_MAX_RESULTS, LIST_ROLES_MAX_ITEMS,
    LIST_USERS_MAX_RESULTS,
};

/// What was found, and which listings were refused outright (their first call).
struct Run<'a> {
    ctx: &'a AccountContext,
    findings: Vec<Finding>,
    refused: Vec<AccessError>,
}

/// The roles' part of the audit.
struct RolesRead {
    /// Every role was read and its trust policy decided (or possibly trusting).
    complete: bool,
    roles: usize,
    trusted: HashSet<String>,
}

impl Run<'_> {
    async fn providers(
        &mut self,
        source: &impl IamSource,
        options: &AuditOptions,
    ) -> Option<Vec<KnownProvider>> {
        let ctx = self.ctx;
        let list = match source.list_saml_providers().await {
            Ok(list) => list,
            Err(e) => {
                self.findings.push(ctx.refused(
                    Check::IamProvider,
                    &ctx.root_arn(),
                    &e,
                    "the account's SAML providers were not audited, nor whether those its roles trust exist",
                ));
                self.refused.push(e);
                return None;
            }
        };
        let mut known = Vec::with_capacity(list.len());
        for entry in &list {
            match source.get_saml_provider(&entry.arn).await {
                Ok(Some(detail)) => {
                    self.findings
                        .extend(check_provider(ctx, entry, &detail, options));
                    known.push(KnownProvider {
                        arn: entry.arn.clone(),
                        uuid: detail.saml_provider_uuid,
                    });
                }
                // Deleted since it was listed: it no longer exists for the roles either.
                Ok(None) => {}
                Err(e) => {
                    self.findings.push(ctx.refused(
                        Check::IamProvider,
                        &entry.arn,
                        &e,
                        "this provider was not audited",
                    ));
                    known.push(KnownProvider {
                        arn: entry.arn.clone(),
                        uuid: None,
                    });
                }
            }
        }
        Some(known)
    }

    async fn roles(
        &mut self,
        source: &impl IamSource,
        providers: Option<&[KnownProvider]>,
    ) -> RolesRead {
        let ctx = self.ctx;
        let mut read = RolesRead {
            complete: true,
            roles: 0,
            trusted: HashSet::new(),
        };
        let mut pager = Pager::new("iam:ListRoles");
        loop {
            let page = match source.list_roles(pager.token(), LIST_ROLES_MAX_ITEMS).await {
                Ok(page) => page,
                Err(e) => {
                    let consequence = if read.roles == 0 {
                        "no role's trust policy was audited".to_owned()
                    } else {
                        format!("the roles after the first {} were not audited", read.roles)
                    };
                    self.findings.push(ctx.refused(
                        Check::TrustPolicy,
                        &ctx.root_arn(),
                        &e,
                        &consequence,
                    ));
                    if read.roles == 0 {
                        self.refused.push(e);
                    }
                    read.complete = false;
                    return read;
                }
            };
            for role in &page.roles {
                let outcome = check_role(ctx, role, providers);
                read.complete &= outcome.read;
                read.trusted.extend(outcome.trusts);
                self.findings.extend(outcome.findings);
            }
            read.roles += page.roles.len();
            match pager.advance(page.is_truncated, page.marker) {
                Ok(true) => {}
                Ok(false) => return read,
                Err(e) => {
                    self.stopped(Check::TrustPolicy, &ctx.root_arn(), &e, read.roles, "roles");
                    read.complete = false;
                    return read;
                }
            }
        }
    }

    fn stopped(&mut self, check: Check, resource: &str, e: &PagingError, read: usize, what: &str) {
        let consequence = format!("the {what} after the first {read} were not audited");
        self.findings
            .push(self.ctx.paging_stopped(check, resource, e, &consequence));
    }

    /// The providers no role trusts (info): only when every role was read and decided.
    fn untrusted(&mut self, providers: &[KnownProvider], roles: &RolesRead) {
        if !roles.complete {
            return;
        }
        for p in providers.iter().filter(|p| !roles.trusted.contains(&p.arn)) {
            self.findings.push(self.ctx.finding(
                Code::IamProviderNotTrusted,
                &p.arn,
                format!(
                    "no role of account {} lets {} assume it with sts:AssumeRoleWithSAML ({} roles' trust policies evaluated)",
                    self.ctx.id, p.arn, roles.roles
                ),
            ));
        }
    }

    async fn connect(&mut self, source: &impl ConnectSource, options: &AuditOptions) {
        let ctx = self.ctx;
        let mut pager = Pager::new("connect:ListInstances");
        let mut seen = 0;
        loop {
            let page = match source
                .list_instances(pager.token(), LIST_INSTANCES_MAX_RESULTS)
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    let consequence = if seen == 0 {
                        "the account's Amazon Connect instances were not audited".to_owned()
                    } else {
                        format!("the instances after the first {seen} were not audited")
                    };
                    self.findings.push(ctx.refused(
                        Check::ConnectInstance,
                        &ctx.root_arn(),
                        &e,
                        &consequence,
                    ));
                    if seen == 0 {
                        self.refused.push(e);
                    }
                    return;
                }
            };
            for instance in page.instances.iter().filter(|i| i.is_saml()) {
                self.instance(source, instance, options).await;
            }
            seen += page.instances.len();
            match pager.advance(page.next_token.is_some(), page.next_token) {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    return self.stopped(
                        Check::ConnectInstance,
                        &ctx.root_arn(),
                        &e,
                        seen,
                        "instances",
                    )
                }
            }
        }
    }

    async fn instance(
        &mut self,
        source: &impl ConnectSource,
        instance: &InstanceSummary,
        options: &AuditOptions,
    ) {
        let ctx = self.ctx;
        let mut users = InstanceUsers::default();
        let mut pager = Pager::new("connect:ListUsers");
        let complete = loop {
            let page = match source
                .list_users(&instance.id, pager.token(), LIST_USERS_MAX_RESULTS)
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    let consequence = format!(
                        "the users of {} after the first {} were not audited",
                        instance.arn,
                        users.len()
                    );
                    self.findings.push(ctx.refused(
                        Check::ConnectUser,
                        &instance.arn,
                        &e,
                        &consequence,
                    ));
                    break false;
                }
            };
            for user in &page.users {
                if users.add(user) {
                    self.findings.extend(check_user(ctx, user));
                }
            }
            match pager.advance(page.next_token.is_some(), page.next_token) {
                Ok(true) => {}
                Ok(false) => break true,
                Err(e) => {
                    self.stopped(Check::ConnectUser, &instance.arn, &e, users.len(), "users");
                    break false;
                }
            }
        };
        self.findings
            .extend(check_case_collisions(ctx, instance, &users));
        let Some(expected) = &options.expect else {
            return;
        };
        if complete {
            self.findings
                .extend(check_expected(ctx, instance, &users, expected));
        } else {
            self.findings.push(ctx.skipped(
                Check::ConnectUser,
                &instance.arn,
                format!(
                    "the names of {} were not checked against {}: its user list could not be read to the end",
                    expected.source_name(),
                    instance.arn
                ),
            ));
        }
    }
}

/// Audits one account through its `source`.
pub async fn audit_account<S: IamSource + ConnectSource>(
    ctx: &AccountContext,
    source: &S,
    options: &AuditOptions,
) -> AccountReport {
    let mut run = Run {
        ctx,
        findings: Vec::new(),
        refused: Vec::new(),
    };
    let providers = run.providers(source, options).await;
    let roles = run.roles(source, providers.as_deref()).await;
    if let Some(providers) = &providers {
        run.untrusted(providers, &roles);
    }
    run.connect(source, options).await;
    // Nothing could be listed: the account could not be read at all.
    if run.refused.len() == 3 {
        return AccountReport::unreachable(ctx, &run.refused);
    }
    AccountReport::new(ctx.id.clone(), run.findings)
}

/// Reaches a member account with `assumer` and audits it; an account that cannot be assumed is
/// one `check_skipped` naming it and `sts:AssumeRole`.
pub async fn audit_member<A: AccountAssumer>(
    assumer: &A,
    ctx: &AccountContext,
    options: &AuditOptions,
) -> AccountReport {
    match assumer.assume(&ctx.id).await {
        Ok(source) => audit_account(ctx, &source, options).await,
        Err(e) => AccountReport::unreachable(ctx, &[e]),
    }
}

/// Why the organization's accounts could not be listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberListError {
    /// ListAccounts did not answer (not the management account or a delegated administrator,
    /// throttled…).
    #[error("{0}")]
    Access(AccessError),
    /// The paging did not end.
    #[error(transparent)]
    Paging(#[from] PagingError),
}

// connect-check's AccessError is no `std::error::Error`, so thiserror's `#[from]` cannot be used.
impl From<AccessError> for MemberListError {
    fn from(e: AccessError) -> Self {
        Self::Access(e)
    }
}

/// Every account of the organization (organizations:ListAccounts, paged; empty pages with a
/// token are followed, as the reference asks). Audit those that are
/// [`OrganizationAccount::is_active`].
pub async fn list_member_accounts(
    organization: &impl OrganizationSource,
) -> Result<Vec<OrganizationAccount>, MemberListError> {
    let mut pager = Pager::new("organizations:ListAccounts");
    let mut out = Vec::new();
    loop {
        let page = organization
            .list_accounts(pager.token(), LIST_ACCOUNTS_MAX_RESULTS)
            .await?;
        out.extend(page.accounts);
        if !pager.advance(page.next_token.is_some(), page.next_token)? {
            return Ok(out);
        }
    }
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;

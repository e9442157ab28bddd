//! One account's audit, from its IAM and Amazon Connect: the providers (listed, then read one by
//! one), the roles (page by page, each judged and dropped, so memory is that of one page), the
//! providers no role trusts, and each SAML Connect instance's users (one instance at a time).
//! Every listing is read with connect-check's paging helper, under [`MAX_PAGES`]. A call that
//! does not answer is a `check_skipped` naming it, and the rest goes on; an account none of whose
//! listings answer is one `check_skipped` naming the account and the refused calls.

use std::collections::HashSet;
use std::convert::Infallible;

use connect_check::access::AccessError;
use connect_check::connect::{ConnectApi, Instance};
use connect_check::iam::IamApi;
use connect_check::paging::{search, Paged};
use saml_core::{Check, Code, Finding};

use crate::connect::{check_case_collisions, check_expected, check_user, InstanceUsers};
use crate::context::AccountContext;
use crate::options::AuditOptions;
use crate::providers::{check_provider, KnownProvider};
use crate::report::AccountReport;
use crate::roles::check_role;

/// The most pages one listing of an account may take: beyond it the answers are not ending
/// (1,000 users a page, this is 100 million users).
pub const MAX_PAGES: usize = 100_000;

/// What was found, and which listings were refused outright (their first call).
struct Run<'a> {
    ctx: &'a AccountContext,
    findings: Vec<Finding>,
    refused: Vec<AccessError>,
}

/// One listing of the account, for what its end means.
struct Listing<'a> {
    check: Check,
    /// What a `check_skipped` is about.
    resource: &'a str,
    /// The IAM action.
    call: &'static str,
    /// Items read before it ended.
    read: usize,
    /// What it lists, in words.
    what: &'a str,
    /// What went unaudited when it is refused before any item: then it counts among the
    /// account's refused listings. `None`: it never does.
    before_any: Option<&'a str>,
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
        iam: &impl IamApi,
        options: &AuditOptions,
    ) -> Option<Vec<KnownProvider>> {
        let ctx = self.ctx;
        let list = match iam.list_saml_providers().await {
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
            match iam.saml_provider(&entry.arn).await {
                Ok(Some(provider)) => {
                    self.findings
                        .extend(check_provider(ctx, entry, &provider, options));
                    known.push(KnownProvider {
                        arn: entry.arn.clone(),
                        uuid: provider.uuid,
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

    async fn roles(&mut self, iam: &impl IamApi, providers: Option<&[KnownProvider]>) -> RolesRead {
        let ctx = self.ctx;
        let mut read = RolesRead {
            complete: true,
            roles: 0,
            trusted: HashSet::new(),
        };
        let findings = &mut self.findings;
        let listed = search(
            MAX_PAGES,
            |marker| iam.list_roles(marker),
            |roles| {
                for role in &roles {
                    let outcome = check_role(ctx, role, providers);
                    read.complete &= outcome.read;
                    read.trusted.extend(outcome.trusts);
                    findings.extend(outcome.findings);
                }
                read.roles += roles.len();
                None::<Infallible>
            },
        )
        .await;
        let root = ctx.root_arn();
        read.complete &= self.ended(
            listed,
            Listing {
                check: Check::TrustPolicy,
                resource: &root,
                call: "iam:ListRoles",
                read: read.roles,
                what: "roles",
                before_any: Some("no role's trust policy was audited"),
            },
        );
        read
    }

    /// How a listing ended; true when it was read to its end. A listing that did not end (see
    /// [`Paged::Capped`]) or was refused partway is a `check_skipped` saying what was left
    /// unaudited; refused before anything was read, it also counts among the account's refused
    /// listings, and `before_any` says what went unaudited.
    fn ended(&mut self, listed: Result<Paged<Infallible>, AccessError>, at: Listing<'_>) -> bool {
        let ctx = self.ctx;
        let after = format!(
            "the {} after the first {} were not audited",
            at.what, at.read
        );
        match listed {
            Ok(Paged::Ended) => true,
            Ok(Paged::Found(never)) => match never {},
            Ok(Paged::Capped) => {
                self.findings.push(ctx.skipped(
                    at.check,
                    at.resource,
                    format!(
                        "{} was still answering after {MAX_PAGES} pages, or answered the token it was sent again, and was stopped; {after}",
                        at.call
                    ),
                ));
                false
            }
            Err(e) => {
                let first = at.before_any.filter(|_| at.read == 0);
                let consequence = first.unwrap_or(&after);
                self.findings
                    .push(ctx.refused(at.check, at.resource, &e, consequence));
                if first.is_some() {
                    self.refused.push(e);
                }
                false
            }
        }
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

    async fn connect(&mut self, connect: &impl ConnectApi, options: &AuditOptions) {
        let ctx = self.ctx;
        let (mut seen, mut saml) = (0, Vec::new());
        let listed = search(
            MAX_PAGES,
            |token| connect.list_instances(token),
            |instances| {
                seen += instances.len();
                saml.extend(instances.into_iter().filter(Instance::is_saml));
                None::<Infallible>
            },
        )
        .await;
        let root = ctx.root_arn();
        self.ended(
            listed,
            Listing {
                check: Check::ConnectInstance,
                resource: &root,
                call: "connect:ListInstances",
                read: seen,
                what: "instances",
                before_any: Some("the account's Amazon Connect instances were not audited"),
            },
        );
        for instance in &saml {
            self.instance(connect, instance, options).await;
        }
    }

    async fn instance(
        &mut self,
        connect: &impl ConnectApi,
        instance: &Instance,
        options: &AuditOptions,
    ) {
        let ctx = self.ctx;
        let mut users = InstanceUsers::default();
        let findings = &mut self.findings;
        let listed = search(
            MAX_PAGES,
            |token| connect.list_users(&instance.id, token),
            |page| {
                for user in &page {
                    if users.add(user) {
                        findings.extend(check_user(ctx, user));
                    }
                }
                None::<Infallible>
            },
        )
        .await;
        let what = format!("users of {}", instance.arn);
        let complete = self.ended(
            listed,
            Listing {
                check: Check::ConnectUser,
                resource: &instance.arn,
                call: "connect:ListUsers",
                read: users.len(),
                what: &what,
                before_any: None,
            },
        );
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

/// Audits one account through its IAM and Amazon Connect (in the region `connect` reads).
pub async fn audit_account(
    ctx: &AccountContext,
    iam: &impl IamApi,
    connect: &impl ConnectApi,
    options: &AuditOptions,
) -> AccountReport {
    let mut run = Run {
        ctx,
        findings: Vec::new(),
        refused: Vec::new(),
    };
    let providers = run.providers(iam, options).await;
    let roles = run.roles(iam, providers.as_deref()).await;
    if let Some(providers) = &providers {
        run.untrusted(providers, &roles);
    }
    run.connect(connect, options).await;
    // Nothing could be listed: the account could not be read at all.
    if run.refused.len() == 3 {
        return AccountReport::unreachable(ctx, &run.refused);
    }
    AccountReport::new(ctx.id.clone(), run.findings)
}

#[cfg(test)]
#[path = "audit_tests.rs"]
pub(crate) mod tests;

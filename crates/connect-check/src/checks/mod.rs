//! The account checks: given what the assertion says and an [`Account`], confirm the diagnosis
//! in Amazon Connect and IAM. Each check's own failures (a call the checker may not make) become
//! `check_skipped` naming the permission, never a crash and never a pass.
//!
//! This module holds the orchestration and what the checks read from a report; each service's
//! checks live in their own module.

mod connect;
mod iam;
pub mod identity_center;
#[cfg(test)]
mod tests;

use saml_core::aws::{InstanceId, Region, RolePair};
use saml_core::{AsOf, Check, Facts, Finding, Report};

use crate::account::{AccessError, Account};

/// The Connect instance to check against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceTarget {
    pub region: Region,
    pub instance_id: InstanceId,
}

/// What the checks need from a diagnosed assertion.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub roles: Vec<RolePair>,
    pub role_session_name: Option<String>,
    pub session_duration: Option<u32>,
    pub recipient: Option<String>,
    pub issuer: Option<String>,
    pub name_id: Option<String>,
    /// Base64 DER of the certificates the response's signatures carry.
    pub signing_certificates: Vec<String>,
    /// PrincipalTag attributes (key, value): they need sts:TagSession and are policy context.
    pub principal_tags: Vec<(String, String)>,
    pub source_identity: Option<String>,
    pub instance: Option<InstanceTarget>,
}

impl Input {
    /// Reads what the checks need from a report; `instance` overrides the relay state's.
    pub fn from_report(report: &Report, instance: Option<InstanceTarget>) -> Self {
        let facts: &Facts = &report.facts;
        let mut input = Input {
            roles: facts.role_pairs(),
            role_session_name: facts
                .role_session_name
                .clone()
                .filter(|n| !n.contains(", ")),
            session_duration: facts
                .session_duration
                .as_deref()
                .and_then(|d| d.parse().ok()),
            recipient: facts.recipient.clone(),
            issuer: facts.issuer.clone(),
            name_id: facts.name_id.clone(),
            instance: instance.or_else(|| {
                let c = facts.connect.as_ref()?;
                Some(InstanceTarget {
                    region: c.region.clone()?,
                    instance_id: c.instance_id.clone(),
                })
            }),
            ..Input::default()
        };
        if let Some(response) = report.response() {
            let sigs = response.signature.iter().chain(
                response
                    .assertions
                    .iter()
                    .filter_map(|a| a.signature.as_ref()),
            );
            for s in sigs {
                for c in &s.certificates {
                    if !input.signing_certificates.contains(c) {
                        input.signing_certificates.push(c.clone());
                    }
                }
            }
            if let Some(a) = response.assertions.first() {
                for attr in &a.attributes {
                    if let (Some(key), [value]) = (
                        attr.name
                            .strip_prefix(saml_core::rules::ATTR_PRINCIPAL_TAG_PREFIX),
                        attr.values.as_slice(),
                    ) {
                        input.principal_tags.push((key.to_owned(), value.clone()));
                    }
                }
                input.source_identity = a
                    .attribute_values(saml_core::rules::ATTR_SOURCE_IDENTITY)
                    .and_then(|v| v.first().cloned());
            }
        }
        input
    }
}

pub(crate) fn skipped(check: Check, e: &AccessError) -> Finding {
    let mut f = Finding::skipped(check, e);
    if let AccessError::Denied { action } = e {
        f = f.with("missing_permission", *action);
    }
    f
}

/// Runs every account check.
pub async fn run(account: &impl Account, input: &Input, as_of: &AsOf) -> Vec<Finding> {
    let mut findings = Vec::new();
    let instance_ok = connect::check_connect(account, input, &mut findings).await;
    for pair in &input.roles {
        iam::check_provider(account, input, pair, as_of, &mut findings).await;
        if let Some(role) = iam::check_role(account, input, pair, &mut findings).await {
            if instance_ok {
                iam::check_federation(account, input, pair, &role, &mut findings).await;
            }
        }
    }
    if input.roles.is_empty() {
        findings.push(Finding::skipped(
            Check::IamChecks,
            "the assertion names no valid Role (role ARN, provider ARN)",
        ));
    }
    // Several roles in one account share its organization policies: one note, not one each.
    let mut seen = Vec::new();
    findings.retain(|f| {
        if f.code != saml_core::Code::CheckSkipped {
            return true;
        }
        let key = f.detail.clone();
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    findings.sort_by_key(|f| f.severity);
    findings
}

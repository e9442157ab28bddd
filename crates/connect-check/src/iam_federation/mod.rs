//! The account checks of an IAM-federation sign-in (a SAML response posted to the AWS sign-in
//! endpoint, assuming a role, often to go on into Amazon Connect): given what the assertion says
//! ([`Input`]), confirm the diagnosis in the account, as STS and Connect would decide it. [`run`]
//! takes each service's trait, so it runs on in-memory answers in tests and on the SDK adapters
//! in the binary; offline, [`skipped`] says what each check would verify.
//!
//! In order: the Connect instance and user (`connect`), then for each role the SAML provider,
//! the role and its trust policy, and its permission to call `connect:GetFederationToken`
//! (`iam`), which the organization's service control policies must allow too
//! (`organizations`). A check that cannot read what it needs is `check_skipped` naming the
//! permission, never a crash and never a pass.

mod offline;
#[cfg(test)]
mod tests;

pub use offline::{skipped, AccountCheck};

use saml_core::{AsOf, Check, Finding};

use crate::connect::checks::check_connect;
use crate::connect::ConnectApi;
use crate::iam::checks::{check_federation_token, check_provider, check_role};
use crate::iam::{IamApi, Input};
use crate::organizations::checks::check_service_control_policies;
use crate::organizations::OrganizationsApi;

/// Runs every account check of the sign-in `input` describes, judged at `as_of`.
pub async fn run(
    connect: &impl ConnectApi,
    iam: &impl IamApi,
    organizations: &impl OrganizationsApi,
    input: &Input,
    as_of: &AsOf,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let instance_ok = check_connect(
        connect,
        input.instance.as_ref(),
        input.role_session_name.as_deref(),
        &mut findings,
    )
    .await;
    for pair in &input.roles {
        check_provider(iam, input, pair, as_of, &mut findings).await;
        let Some(role) = check_role(iam, input, pair, &mut findings).await else {
            continue;
        };
        if !instance_ok {
            continue;
        }
        let call = check_federation_token(iam, input, pair, &role, &mut findings).await;
        if let Some(call) = call {
            check_service_control_policies(
                organizations,
                pair,
                &call.request,
                &call.resource,
                &mut findings,
            )
            .await;
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

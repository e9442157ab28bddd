//! Organization audits on the in-memory organization (crate::fake), which keeps ListAccounts'
//! documented paging: the accounts listed (empty pages followed), the inactive ones left out and
//! counted, the role assumed into each active one under its ARN and the saml-doctor session name,
//! the ones that cannot be assumed reported once each while the others go on, a bounded number in
//! flight, progress told after every account, and only the accounts with findings kept.

use std::num::NonZeroUsize;

use connect_check::access::AccessError;
use connect_check::organizations::OrganizationAccount;
use saml_core::aws::{AccountId, Partition};
use saml_core::Code;

use super::*;
use crate::audit::tests::{account, options};
use crate::fake::{FakeAccount, FakeOrganization, Paging};

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn member(id: &str) -> OrganizationAccount {
    OrganizationAccount {
        id: id.into(),
        name: None,
        status: Some("ACTIVE".into()),
        // Every account whose id ends in 9 is suspended.
        state: Some(
            if id.ends_with('9') {
                "SUSPENDED"
            } else {
                "ACTIVE"
            }
            .into(),
        ),
    }
}

fn ids() -> Vec<String> {
    (0..45)
        .map(|i| format!("{:012}", 100_000_000_000u64 + i))
        .collect()
}

/// 45 accounts (4 suspended); every active one reachable but the last two; one of them faulty.
fn organization() -> FakeOrganization {
    let healthy = FakeAccount::default();
    let faulty = account();
    let mut org = FakeOrganization {
        accounts: ids().iter().map(|id| member(id)).collect(),
        paging: Paging {
            cap: None,
            empty_pages: true,
        },
        ..FakeOrganization::default()
    };
    for id in &ids()[..43] {
        let a = if id.ends_with("07") {
            &faulty
        } else {
            &healthy
        };
        org.members.insert(id.clone(), a.clone());
    }
    org
}

fn plan(concurrency: usize) -> OrganizationPlan {
    OrganizationPlan {
        role: AuditRole::parse("audit/SamlDoctorAudit").unwrap(),
        accounts: None,
        concurrency: NonZeroUsize::new(concurrency).unwrap(),
    }
}

#[test]
fn an_organization_is_listed_and_audited_member_by_member() {
    let org = organization();
    let mut options = options();
    options.expect = None;
    let mut told = Vec::new();
    let report = block_on(audit_organization(
        &org,
        &org,
        Partition::Aws,
        &plan(4),
        &options,
        &mut |p| told.push((p.audited, p.total, p.account.to_string(), p.findings)),
    ))
    .unwrap();
    assert_eq!(org.calls.violations.borrow().len(), 0);
    // 20 a page, each after an empty page.
    assert_eq!(
        org.calls.count.borrow()["organizations:ListAccounts"],
        2 * 3
    );
    let s = report.summary();
    assert_eq!(s.accounts_audited, 41);
    assert_eq!(s.accounts_inactive, 4);
    assert_eq!(s.accounts_unreachable, 2);
    assert_eq!(s.accounts_healthy, 41 - 2 - 1);
    // Healthy accounts are counted, not kept.
    let order: Vec<&str> = report
        .accounts()
        .iter()
        .map(|a| a.account.as_str())
        .collect();
    assert_eq!(order, ["100000000007", "100000000043", "100000000044"]);
    let unreachable = &report.accounts()[1].findings[0];
    assert_eq!(unreachable.code, Code::CheckSkipped);
    assert_eq!(
        unreachable.evidence.get("refused_call"),
        Some("sts:AssumeRole")
    );
    assert_eq!(unreachable.evidence.get("account"), Some("100000000043"));
    assert_eq!(
        unreachable.evidence.get("role_arn"),
        Some("arn:aws:iam::100000000043:role/audit/SamlDoctorAudit")
    );
    assert!(
        unreachable
            .detail
            .contains("must exist in the account and trust"),
        "{}",
        unreachable.detail
    );
    // The faulty member's findings, as in its own audit.
    let faulty = &org.members["100000000007"];
    let ctx = AccountContext::new(AccountId::parse("100000000007").unwrap(), Partition::Aws);
    let alone = block_on(audit_account(&ctx, faulty, faulty, &options));
    assert_eq!(report.accounts()[0], alone);
    assert_eq!(alone.findings.len(), 16);
    // Every active account was assumed once, as the role and session name say.
    let assumed = org.assumed.borrow();
    assert_eq!(assumed.len(), 41);
    assert!(assumed
        .iter()
        .all(|(arn, name)| arn.starts_with("arn:aws:iam::1000000000")
            && arn.ends_with(":role/audit/SamlDoctorAudit")
            && name == SESSION_NAME));
    // Progress after every account, counting up to the total.
    assert_eq!(told.len(), 41);
    assert!(told
        .iter()
        .enumerate()
        .all(|(i, (n, total, _, _))| *n == i + 1 && *total == 41));
    assert!(told
        .iter()
        .any(|(_, _, id, findings)| id == "100000000007" && *findings == 16));
}

#[test]
fn given_accounts_are_audited_without_listing_the_organization() {
    let org = organization();
    let mut plan = plan(8);
    plan.accounts = Some(
        ["100000000001", "100000000044"]
            .iter()
            .map(|id| AccountId::parse(id).unwrap())
            .collect(),
    );
    let report = block_on(audit_organization(
        &org,
        &org,
        Partition::Aws,
        &plan,
        &options(),
        &mut |_| {},
    ))
    .unwrap();
    assert_eq!(
        org.calls.count.borrow().get("organizations:ListAccounts"),
        None
    );
    assert_eq!(report.summary().accounts_audited, 2);
    assert_eq!(report.summary().accounts_unreachable, 1);
}

#[test]
fn an_organization_that_cannot_be_listed_says_why() {
    let org = FakeOrganization {
        refuse: vec!["organizations:ListAccounts"],
        ..FakeOrganization::default()
    };
    let err = block_on(audit_organization(
        &org,
        &org,
        Partition::Aws,
        &plan(8),
        &options(),
        &mut |_| {},
    ))
    .unwrap_err();
    assert_eq!(
        err,
        AccessError::Denied {
            action: "organizations:ListAccounts"
        }
    );
}

#[test]
fn the_callers_account_and_partition() {
    let org = FakeOrganization::default();
    let ctx = block_on(caller_account(&org)).unwrap();
    assert_eq!(ctx.id.as_str(), "999999999999");
    assert_eq!(ctx.partition, Partition::AwsUsGov);
    assert_eq!(
        AuditRole::parse("SamlDoctorAudit").unwrap().arn_in(&ctx),
        "arn:aws-us-gov:iam::999999999999:role/SamlDoctorAudit"
    );
}

#[test]
fn audit_role_names_are_read_as_iam_allows_them() {
    assert_eq!(
        AuditRole::parse("/audit/SamlDoctorAudit/")
            .unwrap()
            .as_str(),
        "audit/SamlDoctorAudit"
    );
    for bad in ["", "/", "a b", "audit//x", "role:x", &"a".repeat(65)] {
        assert!(AuditRole::parse(bad).is_err(), "{bad}");
    }
    assert!(RoleSessionName::parse(SESSION_NAME).is_ok());
}

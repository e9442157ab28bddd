//! The audit's results: one [`AccountReport`] per account (its findings, worst first), and the
//! [`OrganizationReport`] they are streamed into, whose JSON is
//! `{accounts: [{account, findings: [{code, severity, resource, title, detail, fix, evidence}]}],
//! inputs?, summary}` with accounts worst first.
//!
//! Memory does not grow with the number of accounts beyond the findings: a healthy account is
//! counted in the summary and dropped, and only accounts with findings are kept (they must be,
//! to be sorted worst first).

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use saml_core::aws::AccountId;
use saml_core::{Check, Code, Finding, Severity};

use crate::context::{action_of, AccountContext};
use connect_check::access::AccessError;

/// The resource a finding is about (its `resource` evidence).
pub fn resource_of(f: &Finding) -> &str {
    f.evidence.get("resource").unwrap_or("")
}

/// Sorts findings worst first, then by code (contract order), resource and detail: the same
/// findings give the same report whatever order they were found in.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.severity, a.code, resource_of(a), &a.detail).cmp(&(
            b.severity,
            b.code,
            resource_of(b),
            &b.detail,
        ))
    });
}

/// One account's audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountReport {
    /// The account.
    pub account: AccountId,
    /// Its findings, worst first; empty when healthy.
    pub findings: Vec<Finding>,
}

impl AccountReport {
    /// The report of `account` with `findings`, sorted.
    pub fn new(account: AccountId, mut findings: Vec<Finding>) -> Self {
        sort_findings(&mut findings);
        Self { account, findings }
    }

    /// An account that could not be read: one `check_skipped` naming the account and the
    /// refused calls (the first as `refused_call`).
    pub fn unreachable(ctx: &AccountContext, errors: &[AccessError]) -> Self {
        Self::new(ctx.id.clone(), vec![unreachable_finding(ctx, errors, None)])
    }

    /// An account whose audit role could not be assumed: one `check_skipped` naming the account,
    /// the role (`role_arn`) and `sts:AssumeRole`, with what the role needs (`hint`).
    pub fn unassumable(
        ctx: &AccountContext,
        error: AccessError,
        role_arn: &str,
        hint: &str,
    ) -> Self {
        let f = unreachable_finding(ctx, &[error], Some(hint)).with("role_arn", role_arn);
        Self::new(ctx.id.clone(), vec![f])
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The worst severity, `None` when healthy.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).min()
    }

    /// True for the report of an account that could not be assumed or read.
    pub fn is_unreachable(&self) -> bool {
        matches!(self.findings.as_slice(), [f] if f.check == Some(Check::AuditAccount))
    }

    /// Worst first: worst severity, then most errors, warnings, infos; then account id.
    fn rank(&self) -> impl Ord + '_ {
        (
            self.worst().map_or(3, |s| s as u8),
            Reverse(self.count(Severity::Error)),
            Reverse(self.count(Severity::Warning)),
            Reverse(self.count(Severity::Info)),
            self.account.as_str(),
        )
    }
}

/// The one finding of an account that could not be assumed or read.
fn unreachable_finding(
    ctx: &AccountContext,
    errors: &[AccessError],
    hint: Option<&str>,
) -> Finding {
    let calls: Vec<&str> = errors.iter().map(action_of).collect();
    let mut why = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if let Some(hint) = hint {
        why = format!("{why} ({hint})");
    }
    let mut f = ctx.skipped(
        Check::AuditAccount,
        &ctx.root_arn(),
        format!("the account could not be audited: {why}"),
    );
    if let Some(first) = errors.first() {
        f = f.with("refused_call", action_of(first));
        if let AccessError::Denied { action } = first {
            f = f.with("missing_permission", *action);
        }
    }
    if calls.len() > 1 {
        f = f.with("refused_calls", calls.join(" "));
    }
    f
}

/// One finding as the report writes it: the JSON contract's fields, `resource` among them.
struct FindingView<'a>(&'a Finding);

impl Serialize for FindingView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let mut s = serializer.serialize_struct("Finding", 7)?;
        s.serialize_field("code", &f.code)?;
        s.serialize_field("severity", &f.severity)?;
        s.serialize_field("resource", resource_of(f))?;
        s.serialize_field("title", &f.title)?;
        s.serialize_field("detail", &f.detail)?;
        s.serialize_field("fix", &f.fix)?;
        s.serialize_field("evidence", &f.evidence)?;
        s.end()
    }
}

struct FindingsView<'a>(&'a [Finding]);

impl Serialize for FindingsView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(FindingView))
    }
}

impl Serialize for AccountReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("AccountReport", 2)?;
        s.serialize_field("account", &self.account)?;
        s.serialize_field("findings", &FindingsView(&self.findings))?;
        s.end()
    }
}

/// Counts over every account audited (healthy ones included) and the input findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Accounts whose report was added.
    pub accounts_audited: usize,
    /// Of them, with no finding.
    pub accounts_healthy: usize,
    /// Of them, that could not be assumed or read.
    pub accounts_unreachable: usize,
    /// Accounts of the organization left out because they are not active (suspended, closed…).
    pub accounts_inactive: usize,
    /// Findings by severity.
    pub errors: usize,
    /// Findings by severity.
    pub warnings: usize,
    /// Findings by severity.
    pub infos: usize,
    /// Findings by code, in contract order.
    #[serde(serialize_with = "by_code")]
    pub by_code: BTreeMap<Code, usize>,
}

fn by_code<S: Serializer>(map: &BTreeMap<Code, usize>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut m = serializer.serialize_map(Some(map.len()))?;
    for (code, n) in map {
        m.serialize_entry(code.as_str(), n)?;
    }
    m.end()
}

impl Summary {
    fn count(&mut self, findings: &[Finding]) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            *self.by_code.entry(f.code).or_default() += 1;
        }
    }
}

/// The audit of many accounts, filled one account at a time, always sorted worst first.
#[derive(Debug, Clone, Default)]
pub struct OrganizationReport {
    accounts: Vec<AccountReport>,
    inputs: Vec<Finding>,
    summary: Summary,
}

impl OrganizationReport {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Findings about the audit's inputs rather than an account (the expected-names file's
    /// invalid names: [`crate::ExpectedNames::findings`]).
    pub fn add_input_findings(&mut self, mut findings: Vec<Finding>) {
        self.summary.count(&findings);
        self.inputs.append(&mut findings);
        sort_findings(&mut self.inputs);
    }

    /// Adds one account's report: counted, and kept (in its place, worst first) only when it
    /// has findings.
    pub fn add(&mut self, report: AccountReport) {
        self.summary.accounts_audited += 1;
        self.summary.count(&report.findings);
        if report.findings.is_empty() {
            self.summary.accounts_healthy += 1;
            return;
        }
        if report.is_unreachable() {
            self.summary.accounts_unreachable += 1;
        }
        let at = self.accounts.partition_point(|a| a.rank() <= report.rank());
        self.accounts.insert(at, report);
    }

    /// Counts an account of the organization that is not audited because it is not active.
    pub fn note_inactive(&mut self) {
        self.summary.accounts_inactive += 1;
    }

    /// The accounts with findings, worst first.
    pub fn accounts(&self) -> &[AccountReport] {
        &self.accounts
    }

    /// The input findings.
    pub fn inputs(&self) -> &[Finding] {
        &self.inputs
    }

    /// The counts.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// True when any finding is an error (the CLI's exit status 1, like `diagnose`).
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

impl Serialize for OrganizationReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.inputs.is_empty() { 2 } else { 3 };
        let mut s = serializer.serialize_struct("OrganizationReport", fields)?;
        s.serialize_field("accounts", &self.accounts)?;
        if !self.inputs.is_empty() {
            s.serialize_field("inputs", &FindingsView(&self.inputs))?;
        } else {
            s.skip_field("inputs")?;
        }
        s.serialize_field("summary", &self.summary)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saml_core::aws::Partition;

    fn ctx(id: &str) -> AccountContext {
        AccountContext::new(AccountId::parse(id).unwrap(), Partition::Aws)
    }

    fn report(id: &str, codes: &[Code]) -> AccountReport {
        let c = ctx(id);
        let findings = codes
            .iter()
            .enumerate()
            .map(|(i, code)| c.finding(*code, &format!("arn:r{i}"), format!("d{i}")))
            .collect();
        AccountReport::new(c.id.clone(), findings)
    }

    #[test]
    fn findings_and_accounts_worst_first() {
        let r = report(
            "111111111111",
            &[
                Code::IamProviderNotTrusted,
                Code::IamProviderMissingNextCert,
                Code::IamProviderMissingCurrentCert,
            ],
        );
        let severities: Vec<Severity> = r.findings.iter().map(|f| f.severity).collect();
        assert_eq!(
            severities,
            [Severity::Error, Severity::Warning, Severity::Info]
        );

        let mut org = OrganizationReport::new();
        org.add(report("111111111111", &[Code::IamProviderNotTrusted]));
        org.add(report("222222222222", &[]));
        org.add(report(
            "333333333333",
            &[
                Code::IamProviderMissingNextCert,
                Code::IamProviderNotTrusted,
            ],
        ));
        org.add(report(
            "444444444444",
            &[Code::IamProviderMissingCurrentCert],
        ));
        org.add(report(
            "555555555555",
            &[
                Code::IamProviderMissingCurrentCert,
                Code::TrustPolicyProviderNotFound,
            ],
        ));
        org.add(AccountReport::unreachable(
            &ctx("666666666666"),
            &[AccessError::Denied {
                action: "sts:AssumeRole",
            }],
        ));
        let order: Vec<&str> = org.accounts().iter().map(|a| a.account.as_str()).collect();
        assert_eq!(
            order,
            [
                "555555555555",
                "444444444444",
                "333333333333",
                "111111111111",
                "666666666666"
            ]
        );
        let s = org.summary();
        assert_eq!(
            (
                s.accounts_audited,
                s.accounts_healthy,
                s.accounts_unreachable
            ),
            (6, 1, 1)
        );
        assert_eq!((s.errors, s.warnings, s.infos), (3, 1, 3));
        assert!(org.has_errors());
    }

    #[test]
    fn an_unreachable_account_is_one_skip_naming_the_account_and_call() {
        let r = AccountReport::unreachable(
            &ctx("666666666666"),
            &[AccessError::Denied {
                action: "sts:AssumeRole",
            }],
        );
        assert!(r.is_unreachable());
        let f = &r.findings[0];
        assert_eq!(f.code, Code::CheckSkipped);
        assert_eq!(f.check, Some(Check::AuditAccount));
        assert_eq!(f.evidence.get("account"), Some("666666666666"));
        assert_eq!(f.evidence.get("refused_call"), Some("sts:AssumeRole"));
        assert_eq!(
            f.evidence.get("resource"),
            Some("arn:aws:iam::666666666666:root")
        );
        assert!(f.detail.contains("666666666666") && f.detail.contains("sts:AssumeRole"));
    }

    #[test]
    fn json_has_the_contract_shape() {
        let mut org = OrganizationReport::new();
        org.add(report("111111111111", &[Code::IamProviderExpired]));
        org.add(report("222222222222", &[]));
        let json = serde_json::to_value(&org).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["accounts", "summary"]);
        let a = &json["accounts"][0];
        assert_eq!(a["account"], "111111111111");
        let f = &a["findings"][0];
        for key in ["code", "severity", "resource", "title", "fix"] {
            assert!(f.get(key).is_some_and(|v| v.is_string()), "{key}: {f}");
        }
        assert_eq!(f["code"], "iam_provider_expired");
        assert_eq!(f["severity"], "error");
        assert_eq!(f["resource"], "arn:r0");
        assert_eq!(f["evidence"]["account"], "111111111111");
        assert_eq!(json["summary"]["accounts_healthy"], 1);
        assert_eq!(json["summary"]["by_code"]["iam_provider_expired"], 1);

        org.add_input_findings(vec![
            Finding::new(Code::RoleSessionNameInvalid, "x").with("resource", "people.csv:3")
        ]);
        let json = serde_json::to_value(&org).unwrap();
        assert_eq!(json["inputs"][0]["resource"], "people.csv:3");
        assert_eq!(json["summary"]["errors"], 2);
    }
}

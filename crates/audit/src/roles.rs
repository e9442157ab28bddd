//! The trust-policy rules, for every role whose trust policy names a SAML provider: the provider
//! exists; the policy allows `sts:AssumeRoleWithSAML` for it; and it does so for a `SAML:aud`
//! that is an AWS sign-in endpoint of the role's partition. Each answer comes from the project's
//! policy evaluator (`connect_check::iam::policy`), asked as STS would ask it; the policy's text is
//! only read to learn which providers it names and which `SAML:aud` values it writes.
//!
//! What the account cannot tell (the assertion's NameID, attributes, Issuer…) is taken to be
//! what the policy asks for: a condition on `SAML:sub` or a `PrincipalTag` is met by an identity
//! provider that sends the value the policy names. The rules report what no assertion can
//! satisfy, and a condition the evaluator does not understand is a `check_skipped`, not a pass.

use std::borrow::Cow;

use connect_check::iam::policy::{evaluate, wildcard_match, Decision, Policy, Principals, Request};
use saml_core::aws::{Partition, SamlProviderArn};
use saml_core::{Check, Code, Finding};

use crate::context::AccountContext;
use crate::endpoints::{endpoint_partition, signin_endpoints};
use crate::model::RoleEntry;
use crate::providers::KnownProvider;

/// The action a SAML sign-in asks of the trust policy.
pub const ASSUME_ROLE_WITH_SAML: &str = "sts:AssumeRoleWithSAML";

/// The largest trust-policy document read (IAM allows a few kilobytes).
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;

/// Why a trust-policy document could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyDocumentError {
    /// A `%` not followed by two hexadecimal digits.
    #[error("it is neither JSON nor URL-encoded JSON: `%` at byte {0} is not followed by two hexadecimal digits")]
    BadEscape(usize),
    /// The decoded bytes are not UTF-8.
    #[error("its URL-decoded bytes are not UTF-8")]
    NotUtf8,
    /// Over [`MAX_POLICY_BYTES`].
    #[error("it is {0} bytes long, more than any IAM policy")]
    TooLarge(usize),
}

/// The trust policy as JSON. The reference documents `AssumeRolePolicyDocument` as URL-encoded
/// (RFC 3986), and some tools hand it over already decoded: a document that starts with `{` is
/// taken as JSON as it is (JSON never starts with `%`, and decoding it again would corrupt a `%`
/// inside a value); anything else is percent-decoded strictly.
pub fn decode_policy_document(raw: &str) -> Result<Cow<'_, str>, PolicyDocumentError> {
    if raw.len() > MAX_POLICY_BYTES {
        return Err(PolicyDocumentError::TooLarge(raw.len()));
    }
    if raw.trim_start().starts_with('{') {
        return Ok(Cow::Borrowed(raw));
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(PolicyDocumentError::BadEscape(i))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| PolicyDocumentError::NotUtf8)
}

/// What one role's audit found.
#[derive(Debug, Clone, Default)]
pub struct RoleOutcome {
    /// Its findings.
    pub findings: Vec<Finding>,
    /// The providers of the account it lets assume it, or may (its policy could not be decided
    /// for them): they are not "trusted by no role".
    pub trusts: Vec<String>,
    /// False when the trust policy could not be read: it may trust any provider.
    pub read: bool,
}

/// How the trust policy answers one provider.
#[derive(Debug)]
enum Verdict {
    Allowed,
    Undecided(String),
    /// Allowed only for these SAML:aud values, none an AWS endpoint of the partition.
    AudNotAws(Vec<String>),
    /// Not allowed; the decision for the first endpoint tried.
    Denied {
        aud: String,
        decision: Decision,
    },
}

fn is_saml_provider_pattern(value: &str) -> bool {
    let mut parts = value.splitn(6, ':');
    parts.next() == Some("arn")
        && parts.nth(1) == Some("iam")
        && parts
            .nth(2)
            .is_some_and(|resource| resource.starts_with("saml-provider/"))
}

fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// The saml-provider ARNs (or patterns) the policy's statements name as a Federated principal.
fn named_providers(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &policy.statements {
        let Principals::ByType(types) = &s.principals else {
            continue;
        };
        if s.not_principal {
            continue;
        }
        for (kind, values) in types {
            if kind != "Federated" {
                continue;
            }
            for v in values.iter().filter(|v| is_saml_provider_pattern(v)) {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
        }
    }
    out
}

/// True when a statement's principal may be any provider (`"*"`, a Federated `"*"`, or a
/// NotPrincipal): such a role may trust providers it does not name.
fn open_to_any_provider(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| {
        s.not_principal
            || match &s.principals {
                Principals::Any => true,
                Principals::ByType(types) => types
                    .iter()
                    .any(|(k, v)| k == "Federated" && v.iter().any(|p| p == "*")),
                Principals::Absent => false,
            }
    })
}

fn is_aud(key: &str) -> bool {
    key.eq_ignore_ascii_case("saml:aud")
}

/// The SAML:aud values the policy's conditions write.
fn aud_values(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in policy.statements.iter().flat_map(|s| &s.conditions) {
        if is_aud(&c.key) {
            for v in &c.values {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
        }
    }
    out
}

/// The request context of an assertion that sends what the policy asks for: for every other
/// condition key, the values its positive conditions name (see the module documentation).
fn assertion_context(policy: &Policy) -> Vec<(String, Vec<String>)> {
    const POSITIVE: [&str; 6] = [
        "StringEquals",
        "StringEqualsIgnoreCase",
        "StringLike",
        "ArnEquals",
        "ArnLike",
        "Bool",
    ];
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for c in policy.statements.iter().flat_map(|s| &s.conditions) {
        if is_aud(&c.key) {
            continue;
        }
        let op = c.operator.as_str();
        let op = op
            .strip_prefix("ForAnyValue:")
            .or_else(|| op.strip_prefix("ForAllValues:"))
            .unwrap_or(op);
        let op = op.strip_suffix("IfExists").unwrap_or(op);
        if !POSITIVE.contains(&op) {
            continue;
        }
        let slot = match out.iter().position(|(k, _)| k.eq_ignore_ascii_case(&c.key)) {
            Some(i) => i,
            None => {
                out.push((c.key.clone(), Vec::new()));
                out.len() - 1
            }
        };
        for v in c.values.iter().filter(|v| !v.contains("${")) {
            if !out[slot].1.contains(v) {
                out[slot].1.push(v.clone());
            }
        }
    }
    out
}

fn judge(
    policy: &Policy,
    partition: Partition,
    provider: &KnownProvider,
    context: &[(String, Vec<String>)],
    auds: &[String],
) -> Verdict {
    let ask = |aud: &str| {
        let mut request = Request::new(ASSUME_ROLE_WITH_SAML, "")
            .principal("Federated", &provider.arn)
            .context("SAML:aud", &[aud]);
        for (key, values) in context {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            request = request.context(key, &values);
        }
        evaluate(std::slice::from_ref(policy), &request)
    };
    let mut endpoints = signin_endpoints(partition, provider.uuid.as_deref());
    for a in auds {
        if endpoint_partition(a) == Some(partition) && !endpoints.contains(a) {
            endpoints.push(a.clone());
        }
    }
    let (mut undecided, mut denial) = (None, None);
    for aud in &endpoints {
        match ask(aud) {
            Decision::Allow(_) => return Verdict::Allowed,
            Decision::Unknown(why) => {
                undecided.get_or_insert(why.join("; "));
            }
            decision => {
                denial.get_or_insert((aud.clone(), decision));
            }
        }
    }
    if let Some(why) = undecided {
        return Verdict::Undecided(why);
    }
    let others: Vec<String> = auds
        .iter()
        .filter(|a| !endpoints.contains(a))
        .cloned()
        .collect();
    if others.iter().any(|a| matches!(ask(a), Decision::Allow(_))) {
        return Verdict::AudNotAws(others);
    }
    // `endpoints` is never empty, so neither is `denial` here.
    let (aud, decision) = denial.unwrap_or_else(|| (String::new(), Decision::ImplicitDeny));
    Verdict::Denied { aud, decision }
}

/// Why a named provider matches none of the account's.
fn not_found_detail(
    ctx: &AccountContext,
    role: &str,
    named: &str,
    providers: &[KnownProvider],
) -> String {
    let mut detail =
        format!("the trust policy of {role} names the SAML provider {named}, which does not exist");
    if has_wildcard(named) {
        detail = format!(
            "the trust policy of {role} names SAML providers `{named}`, which no provider of account {} matches",
            ctx.id
        );
    } else if let Ok(arn) = SamlProviderArn::parse(named) {
        if arn.account != ctx.id {
            detail.push_str(&format!(
                " in account {}: it names account {}, and a role can only trust a SAML provider of its own account",
                ctx.id, arn.account
            ));
        } else if let Some(p) = providers.iter().find(|p| p.arn.eq_ignore_ascii_case(named)) {
            detail.push_str(&format!(
                "; the provider {} differs from it only in letter case",
                p.arn
            ));
        }
    }
    detail
}

/// Audits one role's trust policy. `providers`: the account's providers, or `None` when they
/// could not be listed (then nothing is said about which providers exist).
pub fn check_role(
    ctx: &AccountContext,
    role: &RoleEntry,
    providers: Option<&[KnownProvider]>,
) -> RoleOutcome {
    let arn = role.arn.as_str();
    let mut out = RoleOutcome::default();
    let unreadable = |why: String| {
        RoleOutcome {
        findings: vec![ctx.skipped(
            Check::TrustPolicy,
            arn,
            format!("the trust policy of {arn} cannot be read ({why}): whether it trusts a SAML provider was not audited"),
        )],
        trusts: Vec::new(),
        read: false,
    }
    };
    let Some(raw) = role.assume_role_policy_document.as_deref() else {
        return unreadable("ListRoles returned no AssumeRolePolicyDocument".into());
    };
    let json = match decode_policy_document(raw) {
        Ok(j) => j,
        Err(e) => return unreadable(e.to_string()),
    };
    let policy = match Policy::parse(&format!("trust policy of {}", role.role_name), &json) {
        Ok(p) => p,
        Err(e) => return unreadable(e.to_string()),
    };
    out.read = true;

    let named = named_providers(&policy);
    let open = open_to_any_provider(&policy);
    if named.is_empty() && !open {
        return out;
    }
    // The providers to ask the policy about, and whether the policy names each.
    let mut targets: Vec<(KnownProvider, bool)> = Vec::new();
    match providers {
        Some(list) => {
            for n in &named {
                let matching: Vec<&KnownProvider> = list
                    .iter()
                    .filter(|p| {
                        if has_wildcard(n) {
                            wildcard_match(n, &p.arn, false)
                        } else {
                            p.arn == *n
                        }
                    })
                    .collect();
                if matching.is_empty() {
                    out.findings.push(
                        ctx.finding(
                            Code::TrustPolicyProviderNotFound,
                            arn,
                            not_found_detail(ctx, arn, n, list),
                        )
                        .with("provider", n.clone()),
                    );
                }
                for p in matching {
                    if !targets.iter().any(|(t, _)| t.arn == p.arn) {
                        targets.push((p.clone(), true));
                    }
                }
            }
            if open {
                for p in list {
                    if !targets.iter().any(|(t, _)| t.arn == p.arn) {
                        targets.push((p.clone(), false));
                    }
                }
            }
        }
        None => {
            for n in named.iter().filter(|n| !has_wildcard(n)) {
                let unknown = KnownProvider {
                    arn: n.clone(),
                    uuid: None,
                };
                targets.push((unknown, true));
            }
        }
    }

    let context = assertion_context(&policy);
    let auds = aud_values(&policy);
    for (provider, named_here) in targets {
        let verdict = judge(&policy, ctx.partition, &provider, &context, &auds);
        if matches!(verdict, Verdict::Allowed | Verdict::Undecided(_)) {
            out.trusts.push(provider.arn.clone());
        }
        if !named_here {
            continue;
        }
        let p = provider.arn.as_str();
        let finding = match verdict {
            Verdict::Allowed => continue,
            Verdict::Undecided(why) => ctx.skipped(
                Check::TrustPolicy,
                arn,
                format!("whether the trust policy of {arn} lets {p} assume it cannot be decided: {why}"),
            ),
            Verdict::AudNotAws(values) => ctx
                .finding(
                    Code::TrustPolicySamlAudNotAws,
                    arn,
                    format!(
                        "the trust policy of {arn} allows {ASSUME_ROLE_WITH_SAML} for {p} only with SAML:aud {}: none is an AWS sign-in endpoint of the {} partition{}",
                        values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "),
                        ctx.partition,
                        other_partition_note(&values, ctx.partition)
                    ),
                )
                .with("provider", p)
                .with("saml_aud", values.join(" ")),
            Verdict::Denied { aud, decision } => ctx
                .finding(
                    Code::IamTrustPolicyDenies,
                    arn,
                    format!(
                        "the trust policy of {arn} names {p} but does not allow {ASSUME_ROLE_WITH_SAML} for it (asked with SAML:aud `{aud}` and every other AWS sign-in endpoint): {decision}"
                    ),
                )
                .with("provider", p)
                .with("action", ASSUME_ROLE_WITH_SAML),
        };
        out.findings.push(finding);
    }
    out
}

fn other_partition_note(values: &[String], partition: Partition) -> String {
    let foreign: Vec<String> = values
        .iter()
        .filter_map(|v| endpoint_partition(v).map(|p| format!("`{v}` is an endpoint of {p}")))
        .collect();
    if foreign.is_empty() {
        String::new()
    } else {
        format!(
            " ({}, not of {partition}, where this role is)",
            foreign.join("; ")
        )
    }
}

#[cfg(test)]
#[path = "roles_tests.rs"]
mod tests;

//! The least-privilege policies of `saml-doctor aws-policy`, assembled from what each service
//! says its adapter calls and for which reading ([`crate::permissions`]): read-only, and never
//! `connect:Get*` (which includes GetFederationToken, a live sign-in token).
//!
//! Three readings, three principals: `diagnose --aws` ([`checker_policy`]); the account audit's
//! reads inside each audited account, and the organization audit's own calls (list the
//! accounts, assume the member role) ([`audit_policies`]).

use serde_json::{json, Value};

use crate::permissions::{Action, Purpose};
use crate::{connect, iam, identity_center, organizations, sts};

/// One statement per service: its Sid and the actions its adapter calls.
const STATEMENTS: [(&str, &[Action]); 5] = [
    ("SamlDoctorConnectReadOnly", &connect::ACTIONS),
    ("SamlDoctorIamReadOnly", &iam::ACTIONS),
    // Only the management account or a delegated administrator may read the service control
    // policies and list the accounts; without them the SCP check is reported as skipped.
    ("SamlDoctorOrganizationsReadOnly", &organizations::ACTIONS),
    (
        "SamlDoctorIdentityCenterReadOnly",
        &identity_center::ACTIONS,
    ),
    ("SamlDoctorAssumeAuditRole", &sts::ACTIONS),
];

/// A policy of one statement per service that has actions for `purpose`, each on `resource`.
fn policy_for(purpose: Purpose, resource: impl Fn(&str) -> Value) -> Value {
    let statements: Vec<Value> = STATEMENTS
        .iter()
        .filter_map(|(sid, actions)| {
            let actions: Vec<&str> = actions
                .iter()
                .filter(|a| a.serves(purpose))
                .map(|a| a.name)
                .collect();
            (!actions.is_empty()).then(|| {
                json!({
                    "Sid": sid,
                    "Effect": "Allow",
                    "Action": actions,
                    "Resource": resource(sid)
                })
            })
        })
        .collect();
    json!({
        "Version": "2012-10-17",
        "Statement": statements
    })
}

/// The identity policy that grants `diagnose --aws` every call it makes, and nothing more.
pub fn checker_policy() -> Value {
    policy_for(Purpose::Diagnose, |_| json!("*"))
}

/// The policies of `saml-doctor audit`.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditPolicies {
    /// The reads inside an audited account: the auditing principal's in one-account mode, the
    /// member-account role's in organization mode.
    pub account: Value,
    /// The organization auditor's own calls (in the management or a delegated-administrator
    /// account): list the accounts, and assume the member role into each.
    pub organization: Value,
}

/// The policies of the account audit; `role_name` (a role name, with its path if it has one)
/// scopes sts:AssumeRole to the member role of every account (`arn:*:iam::*:role/NAME`), else to
/// any role.
pub fn audit_policies(role_name: Option<&str>) -> AuditPolicies {
    let role = format!("arn:*:iam::*:role/{}", role_name.unwrap_or("*"));
    AuditPolicies {
        account: policy_for(Purpose::Audit, |_| json!("*")),
        organization: policy_for(Purpose::AuditOrganization, |sid| {
            if sid == "SamlDoctorAssumeAuditRole" {
                json!(role)
            } else {
                json!("*")
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quoted actions (`"service:Action"`) of a service's source.
    fn actions_named_in(source: &str, services: &[&str]) -> Vec<String> {
        source
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| {
                s.split_once(':').is_some_and(|(service, action)| {
                    services.contains(&service)
                        && action.starts_with(|c: char| c.is_ascii_uppercase())
                        && action.chars().all(|c| c.is_ascii_alphanumeric())
                })
            })
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_call_an_adapter_makes_is_in_its_services_statement() {
        let adapters: [(&str, &[&str], &[Action]); 5] = [
            (
                include_str!("connect/sdk.rs"),
                &["connect", "ds"],
                &connect::ACTIONS,
            ),
            (include_str!("iam/sdk.rs"), &["iam"], &iam::ACTIONS),
            (
                include_str!("organizations/sdk.rs"),
                &["organizations"],
                &organizations::ACTIONS,
            ),
            (
                include_str!("identity_center/sdk.rs"),
                &["sso", "identitystore"],
                &identity_center::ACTIONS,
            ),
            (include_str!("sts/sdk.rs"), &["sts"], &sts::ACTIONS),
        ];
        // Needs no permission (see sts::ACTIONS).
        let free = ["sts:GetCallerIdentity"];
        for (source, services, listed) in adapters {
            let called = actions_named_in(source, services);
            assert!(!called.is_empty(), "{services:?}");
            for action in called.iter().filter(|a| !free.contains(&a.as_str())) {
                assert!(
                    listed.iter().any(|l| l.name == action),
                    "{action} is not granted"
                );
            }
            for action in listed {
                assert_eq!(
                    called.iter().any(|c| c == action.name),
                    action.called,
                    "{} is granted but not called, or called but said not to be",
                    action.name
                );
                assert!(!action.purposes.is_empty(), "{}", action.name);
            }
        }
    }

    #[test]
    fn the_policies_are_read_only() {
        let audit = audit_policies(Some("SamlDoctorAudit"));
        for policy in [checker_policy(), audit.account, audit.organization] {
            let policy = policy.to_string();
            for forbidden in [
                "Get*",
                "GetFederationToken",
                "\"*:",
                "Create",
                "Update",
                "Delete",
                "Put",
            ] {
                assert!(!policy.contains(forbidden), "{forbidden} in {policy}");
            }
        }
    }

    /// `aws-policy` (what `diagnose --aws` needs) is what it was before the audit's calls were
    /// listed beside it.
    #[test]
    fn the_diagnose_policy_holds_the_diagnose_calls_only() {
        let policy = checker_policy();
        let statements: Vec<(String, Vec<String>)> = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["Sid"].as_str().unwrap().to_owned(),
                    serde_json::from_value(s["Action"].clone()).unwrap(),
                )
            })
            .collect();
        let expected: Vec<(&str, Vec<&str>)> = vec![
            (
                "SamlDoctorConnectReadOnly",
                vec![
                    "connect:DescribeInstance",
                    "connect:SearchUsers",
                    "connect:ListUsers",
                ],
            ),
            (
                "SamlDoctorIamReadOnly",
                vec![
                    "iam:GetSAMLProvider",
                    "iam:GetRole",
                    "iam:ListRolePolicies",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:GetPolicy",
                    "iam:GetPolicyVersion",
                ],
            ),
            (
                "SamlDoctorOrganizationsReadOnly",
                vec![
                    "organizations:DescribeOrganization",
                    "organizations:ListParents",
                    "organizations:ListPoliciesForTarget",
                    "organizations:DescribePolicy",
                ],
            ),
            (
                "SamlDoctorIdentityCenterReadOnly",
                vec![
                    "sso:ListInstances",
                    "sso:ListAccountAssignmentsForPrincipal",
                    "sso:DescribePermissionSet",
                    "identitystore:GetUserId",
                    "identitystore:DescribeUser",
                    "identitystore:ListUsers",
                    "identitystore:ListGroupMembershipsForMember",
                ],
            ),
        ];
        let statements: Vec<(&str, Vec<&str>)> = statements
            .iter()
            .map(|(sid, a)| (sid.as_str(), a.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(statements, expected);
        assert!(policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["Resource"] == "*"));
    }

    #[test]
    fn the_audit_policies_split_the_member_reads_from_the_auditors_calls() {
        let p = audit_policies(Some("audit/SamlDoctorAudit"));
        let actions = |policy: &Value| -> Vec<String> {
            policy["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["Action"].as_array().unwrap().clone())
                .map(|a| a.as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            actions(&p.account),
            [
                "connect:ListUsers",
                "connect:ListInstances",
                "ds:DescribeDirectories",
                "iam:GetSAMLProvider",
                "iam:ListSAMLProviders",
                "iam:ListRoles"
            ]
        );
        assert_eq!(
            actions(&p.organization),
            ["organizations:ListAccounts", "sts:AssumeRole"]
        );
        let assume = &p.organization["Statement"][1];
        assert_eq!(
            assume["Resource"],
            "arn:*:iam::*:role/audit/SamlDoctorAudit"
        );
        assert_eq!(
            audit_policies(None).organization["Statement"][1]["Resource"],
            "arn:*:iam::*:role/*"
        );
    }
}

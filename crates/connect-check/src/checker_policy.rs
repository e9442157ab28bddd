//! The least-privilege policy the checker needs (`saml-doctor aws-policy`), assembled from what
//! each service says its checks call: read-only, and never `connect:Get*` (which includes
//! GetFederationToken, a live sign-in token).

use serde_json::{json, Value};

use crate::{connect, iam, identity_center, organizations};

/// One statement per service: its Sid and the actions its adapter calls.
const STATEMENTS: [(&str, &[&str]); 4] = [
    ("SamlDoctorConnectReadOnly", &connect::ACTIONS),
    ("SamlDoctorIamReadOnly", &iam::ACTIONS),
    // Only the management account or a delegated administrator may read the service control
    // policies; without them that one check is reported as skipped.
    ("SamlDoctorOrganizationsReadOnly", &organizations::ACTIONS),
    (
        "SamlDoctorIdentityCenterReadOnly",
        &identity_center::ACTIONS,
    ),
];

/// The identity policy that grants the checker every call it makes, and nothing more.
pub fn checker_policy() -> Value {
    let statements: Vec<Value> = STATEMENTS
        .iter()
        .map(|(sid, actions)| {
            json!({
                "Sid": sid,
                "Effect": "Allow",
                "Action": actions,
                "Resource": "*"
            })
        })
        .collect();
    json!({
        "Version": "2012-10-17",
        "Statement": statements
    })
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
        let adapters: [(&str, &[&str], &[&str]); 4] = [
            (
                include_str!("connect/sdk.rs"),
                &["connect"],
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
        ];
        for (source, services, listed) in adapters {
            let called = actions_named_in(source, services);
            assert!(!called.is_empty(), "{services:?}");
            for action in &called {
                assert!(listed.contains(&action.as_str()), "{action} is not granted");
            }
            for action in listed {
                assert!(
                    called.iter().any(|c| c == action),
                    "{action} is granted but not called"
                );
            }
        }
    }

    #[test]
    fn the_policy_is_read_only() {
        let policy = checker_policy().to_string();
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

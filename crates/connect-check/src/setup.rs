//! Writes the configuration a SAML sign-in into Amazon Connect needs, so it is right the first
//! time: the relay state, the GetFederationToken policy and the role trust policy.

use saml_core::aws::{ConnectInstanceArn, Partition, Region, SamlProviderArn};
use serde_json::{json, Value};

/// Where a relay state lands the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The Contact Control Panel.
    Ccp,
    /// The agent workspace.
    AgentApp,
    /// The Connect admin website.
    Admin,
    /// Any other path in the instance.
    Path(String),
}

impl Destination {
    /// Reads `ccp`, `agent-app`, `admin` or a path starting with `/`; anything else is refused
    /// with the reason.
    pub fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "ccp" => Destination::Ccp,
            "agent-app" => Destination::AgentApp,
            "admin" => Destination::Admin,
            p if p.starts_with('/') => Destination::Path(p.to_owned()),
            other => {
                return Err(format!(
                    "`{other}` is not ccp, agent-app, admin or a path starting with /"
                ))
            }
        })
    }

    /// The path in the instance the relay state names.
    pub fn path(&self) -> &str {
        match self {
            Destination::Ccp => "/connect/ccp-v2",
            Destination::AgentApp => "/connect/agent-app-v2",
            Destination::Admin => "/connect/home",
            Destination::Path(p) => p,
        }
    }
}

/// The identity policy letting a federated role sign its users into the instance: the seed's
/// policy, with the instance ARN filled in.
pub fn federation_policy(instance: &ConnectInstanceArn) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowConnectFederation",
            "Effect": "Allow",
            "Action": "connect:GetFederationToken",
            "Resource": instance.user_arn("${aws:userid}"),
        }]
    })
}

/// The SAML sign-in endpoints a trust policy's `SAML:aud` should name: the partition's global
/// endpoint, and the regional one when asked.
pub fn saml_audiences(partition: Partition, regional: Option<&Region>) -> Vec<String> {
    let host = partition.signin_host();
    let mut out = vec![format!("https://{host}/saml")];
    if let Some(region) = regional {
        out.push(format!("https://{region}.{host}/saml"));
    }
    out
}

/// Options of the trust policy.
#[derive(Debug, Clone, Default)]
pub struct TrustOptions {
    /// Admit the regional sign-in endpoint of this region too, besides the global one.
    pub regional: Option<Region>,
    /// Allow `sts:TagSession` (the IdP sends PrincipalTag attributes).
    pub tag_session: bool,
    /// Allow `sts:SetSourceIdentity` (the IdP sends SourceIdentity).
    pub source_identity: bool,
}

/// The role trust policy for SAML federation through `provider`.
pub fn trust_policy(provider: &SamlProviderArn, options: &TrustOptions) -> Value {
    let mut actions = vec!["sts:AssumeRoleWithSAML"];
    if options.tag_session {
        actions.push("sts:TagSession");
    }
    if options.source_identity {
        actions.push("sts:SetSourceIdentity");
    }
    let action = if actions.len() == 1 {
        json!(actions[0])
    } else {
        json!(actions)
    };
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Federated": provider.as_str() },
            "Action": action,
            "Condition": { "StringEquals": { "SAML:aud": saml_audiences(provider.partition, options.regional.as_ref()) } }
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::{evaluate, Decision, Policy, Request};
    use saml_core::aws::ConnectRelayState;
    use saml_core::rules::{check_relay_state, RelayStateInput};

    fn instances() -> Vec<ConnectInstanceArn> {
        [
            "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "arn:aws:connect:ap-southeast-2:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            "arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        ]
        .iter()
        .map(|a| ConnectInstanceArn::parse(a).unwrap())
        .collect()
    }

    #[test]
    fn generated_relay_states_pass_the_relay_state_rules() {
        for instance in instances() {
            for d in [
                "ccp",
                "agent-app",
                "admin",
                "/connect/real-time-metrics?tableType=queues",
            ] {
                let url = instance.relay_state(Some(Destination::parse(d).unwrap().path()));
                assert!(
                    check_relay_state(&RelayStateInput::Present(url.clone())).is_empty(),
                    "{url}"
                );
                assert_eq!(
                    ConnectRelayState::parse(&url).unwrap().instance_id,
                    instance.instance_id
                );
            }
        }
    }

    #[test]
    fn generated_federation_policy_allows_exactly_its_instance() {
        for instance in instances() {
            let policy =
                Policy::parse("generated", &federation_policy(&instance).to_string()).unwrap();
            let userid = "AROAEXAMPLEID123:jane.doe@contoso.com";
            let ask = |arn: &ConnectInstanceArn| {
                evaluate(
                    std::slice::from_ref(&policy),
                    &Request::new("connect:GetFederationToken", &arn.user_arn(userid))
                        .context("aws:userid", &[userid]),
                )
            };
            assert!(matches!(ask(&instance), Decision::Allow(_)), "{instance}");
            let mut other = instance.clone();
            other.instance_id =
                saml_core::aws::InstanceId::parse("ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee").unwrap();
            assert_eq!(ask(&other), Decision::ImplicitDeny);
        }
    }

    #[test]
    fn generated_trust_policy_admits_the_provider_and_its_audiences() {
        let provider =
            SamlProviderArn::parse("arn:aws:iam::123456789012:saml-provider/AzureAD_Connect_Agent")
                .unwrap();
        let region = Region::parse("eu-west-2").unwrap();
        let options = TrustOptions {
            regional: Some(region.clone()),
            tag_session: true,
            source_identity: false,
        };
        let policy =
            Policy::parse("trust", &trust_policy(&provider, &options).to_string()).unwrap();
        for aud in saml_audiences(Partition::Aws, Some(&region)) {
            for action in ["sts:AssumeRoleWithSAML", "sts:TagSession"] {
                let d = evaluate(
                    std::slice::from_ref(&policy),
                    &Request::new(action, "")
                        .principal("Federated", provider.as_str())
                        .context("SAML:aud", &[&aud]),
                );
                assert!(matches!(d, Decision::Allow(_)), "{action} {aud}: {d}");
            }
        }
        let d = evaluate(
            std::slice::from_ref(&policy),
            &Request::new("sts:SetSourceIdentity", "")
                .principal("Federated", provider.as_str())
                .context("SAML:aud", &["https://signin.aws.amazon.com/saml"]),
        );
        assert_eq!(d, Decision::ImplicitDeny);
    }
}

//! `saml-doctor connect …`: the Amazon Connect SAML configuration the articles set up by hand
//! (relay state, federation policy, role trust policy), written right.

use clap::Subcommand;
use connect_check::setup::{self, Destination, TrustOptions};
use saml_core::aws::{ConnectInstanceArn, Region, SamlProviderArn};

use crate::Failure;

#[derive(Subcommand)]
pub enum ConnectCommand {
    /// Print the relay state URL for the identity provider's app
    RelayState {
        /// The instance ARN from the Connect console (arn:aws:connect:<region>:<account>:instance/<id>)
        #[arg(long, value_name = "ARN")]
        instance_arn: String,
        /// Where users land: ccp, agent-app, admin, or a path such as /connect/real-time-metrics
        #[arg(long, value_name = "WHERE")]
        destination: Option<String>,
    },
    /// Print the IAM policy that lets the federation role sign users into the instance
    FederationPolicy {
        #[arg(long, value_name = "ARN")]
        instance_arn: String,
    },
    /// Print the role trust policy for SAML federation through a provider
    TrustPolicy {
        /// The IAM SAML provider ARN (arn:aws:iam::<account>:saml-provider/<name>)
        #[arg(long, value_name = "ARN")]
        provider_arn: String,
        /// Also admit the regional sign-in endpoint of this region in SAML:aud
        #[arg(long, value_name = "REGION")]
        regional: Option<String>,
        /// Also allow sts:TagSession (the IdP sends PrincipalTag attributes)
        #[arg(long)]
        tag_session: bool,
        /// Also allow sts:SetSourceIdentity (the IdP sends SourceIdentity)
        #[arg(long)]
        source_identity: bool,
    },
}

pub fn connect(command: ConnectCommand) -> Result<u8, Failure> {
    match command {
        ConnectCommand::RelayState {
            instance_arn,
            destination,
        } => {
            let instance = ConnectInstanceArn::parse(&instance_arn)
                .map_err(|e| Failure(format!("--instance-arn: {e}")))?;
            let destination = destination
                .map(|d| Destination::parse(&d))
                .transpose()
                .map_err(|e| Failure(format!("--destination: {e}")))?;
            crate::outln!(
                "{}",
                instance.relay_state(destination.as_ref().map(Destination::path))
            );
        }
        ConnectCommand::FederationPolicy { instance_arn } => {
            let instance = ConnectInstanceArn::parse(&instance_arn)
                .map_err(|e| Failure(format!("--instance-arn: {e}")))?;
            crate::outln!("{}", pretty(&setup::federation_policy(&instance))?);
        }
        ConnectCommand::TrustPolicy {
            provider_arn,
            regional,
            tag_session,
            source_identity,
        } => {
            let provider = SamlProviderArn::parse(&provider_arn)
                .map_err(|e| Failure(format!("--provider-arn: {e}")))?;
            let regional = regional
                .map(|r| Region::parse(&r))
                .transpose()
                .map_err(|e| Failure(format!("--regional: {e}")))?;
            let options = TrustOptions {
                regional,
                tag_session,
                source_identity,
            };
            crate::outln!("{}", pretty(&setup::trust_policy(&provider, &options))?);
        }
    }
    Ok(0)
}

fn pretty(v: &serde_json::Value) -> Result<String, Failure> {
    serde_json::to_string_pretty(v).map_err(|e| Failure(e.to_string()))
}

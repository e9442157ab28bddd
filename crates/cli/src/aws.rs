//! `diagnose --aws`: confirm the diagnosis in the AWS account (Amazon Connect and IAM), and
//! `aws-policy`: the least-privilege policy the checker needs.

use clap::Args;
use connect_check::checks::{self, Input, InstanceTarget};
use connect_check::sdk::{self, SdkAccount};
use saml_core::aws::{ConnectInstanceArn, InstanceId, Region};
use saml_core::{Code, Report};

use crate::render::MessageReport;
use crate::Failure;

/// Where and as whom to check the account.
#[derive(Args, Clone, Default)]
pub struct AwsArgs {
    /// Confirm the diagnosis in the AWS account: the Connect instance and user, the IAM SAML
    /// provider, the role, its trust policy and its connect:GetFederationToken permission
    #[arg(long)]
    pub aws: bool,
    /// The AWS profile to use (default: the standard chain: AWS_PROFILE, environment, SSO, IMDS)
    #[arg(long, value_name = "NAME", requires = "aws")]
    pub profile: Option<String>,
    /// The region of the Connect instance (default: the relay state's or the instance ARN's)
    #[arg(long, value_name = "REGION", requires = "aws")]
    pub region: Option<String>,
    /// The Connect instance, when the capture has no relay state
    #[arg(
        long,
        value_name = "ARN",
        requires = "aws",
        conflicts_with = "instance_id"
    )]
    pub instance_arn: Option<String>,
    /// The Connect instance id (with --region), when the capture has no relay state
    #[arg(long, value_name = "ID", requires = "aws")]
    pub instance_id: Option<String>,
}

impl AwsArgs {
    fn instance(&self) -> Result<Option<InstanceTarget>, Failure> {
        if let Some(arn) = &self.instance_arn {
            let arn = ConnectInstanceArn::parse(arn)
                .map_err(|e| Failure(format!("--instance-arn: {e}")))?;
            return Ok(Some(InstanceTarget {
                region: arn.region,
                instance_id: arn.instance_id,
            }));
        }
        if let Some(id) = &self.instance_id {
            let instance_id =
                InstanceId::parse(id).map_err(|e| Failure(format!("--instance-id: {e}")))?;
            let region = self.region.as_deref().ok_or_else(|| {
                Failure("--instance-id needs --region (or use --instance-arn)".into())
            })?;
            let region = Region::parse(region).map_err(|e| Failure(format!("--region: {e}")))?;
            return Ok(Some(InstanceTarget {
                region,
                instance_id,
            }));
        }
        Ok(None)
    }
}

/// Replaces the offline "not run" notes of the primary report with the account checks.
pub fn check(args: &AwsArgs, messages: &mut [MessageReport]) -> Result<(), Failure> {
    let instance_override = args.instance()?;
    let Some(primary) = messages.iter_mut().find(|m| m.primary) else {
        return Ok(());
    };
    if primary.report.response().is_none() {
        return Ok(());
    }
    if primary.report.facts.identity_center.is_some() {
        return check_identity_center(args, primary);
    }
    let input = Input::from_report(&primary.report, instance_override);
    let connect_region = args
        .region
        .clone()
        .or_else(|| input.instance.as_ref().map(|i| i.region.to_string()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    let findings = runtime.block_on(async {
        // IAM is global: any region signs for it; with none configured, the instance's.
        let fallback = connect_region.clone().unwrap_or_else(|| "us-east-1".into());
        let config =
            sdk::load_config(args.profile.as_deref(), args.region.as_deref(), &fallback).await;
        sdk::check_credentials(&config).await.map_err(Failure)?;
        let account = SdkAccount::new(&config, connect_region.as_deref());
        Ok::<_, Failure>(checks::run(&account, &input, &primary.report.as_of).await)
    })?;
    replace_skips(&mut primary.report, findings);
    Ok(())
}

/// `--aws` for an IAM Identity Center sign-in: the instance, the user and its permission sets,
/// in the instance's home Region (the Audience's, unless --region says otherwise).
fn check_identity_center(args: &AwsArgs, primary: &mut MessageReport) -> Result<(), Failure> {
    use connect_check::checks::identity_center;
    use connect_check::sdk_identity_center::SdkIdentityCenter;
    let input = identity_center::Input::from_facts(&primary.report.facts);
    let region = args.region.clone().or_else(|| input.region.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    let findings = runtime.block_on(async {
        let fallback = region.clone().unwrap_or_else(|| "us-east-1".into());
        let config =
            sdk::load_config(args.profile.as_deref(), args.region.as_deref(), &fallback).await;
        sdk::check_credentials(&config).await.map_err(Failure)?;
        let account = SdkIdentityCenter::new(&config, region.as_deref());
        Ok::<_, Failure>(identity_center::run(&account, &input).await)
    })?;
    replace_skips(&mut primary.report, findings);
    Ok(())
}

fn replace_skips(report: &mut Report, findings: Vec<saml_core::Finding>) {
    let account_checks: Vec<&str> = connect_check::AccountCheck::ALL
        .iter()
        .map(|c| c.name())
        .chain(connect_check::checks::identity_center::CHECKS)
        .collect();
    report.findings.retain(|f| {
        !(f.code == Code::CheckSkipped
            && f.evidence
                .get("check")
                .is_some_and(|c| account_checks.contains(&c)))
    });
    report.findings.extend(findings);
    report.findings.sort_by_key(|f| f.severity);
}

/// `saml-doctor aws-policy`.
pub fn policy() -> Result<u8, Failure> {
    crate::outln!(
        "{}",
        serde_json::to_string_pretty(&sdk::checker_policy()).map_err(|e| Failure(e.to_string()))?
    );
    Ok(0)
}

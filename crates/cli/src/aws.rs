//! `--aws`: where and as whom to check the account, the one async runtime and SDK configuration
//! the account checks run on ([`runtime`]: `trail --aws`, `--athena` and `audit` run on it too);
//! and `aws-policy`, the least-privilege policy each reading needs.

use clap::Args;
use connect_check::connect::InstanceTarget;
use saml_core::aws::{ConnectInstanceArn, InstanceId, Region};
use saml_core::metadata::Metadata;
use saml_diagnosis::account::{self, AccountOptions, SdkAccounts};
use saml_diagnosis::Diagnosis;

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
    /// The options the account checks take, from the flags.
    fn options(&self) -> Result<AccountOptions, Failure> {
        let region = self
            .region
            .as_deref()
            .map(|r| Region::parse(r).map_err(|e| Failure(format!("--region: {e}"))))
            .transpose()?;
        let instance = if let Some(arn) = &self.instance_arn {
            let arn = ConnectInstanceArn::parse(arn)
                .map_err(|e| Failure(format!("--instance-arn: {e}")))?;
            Some(InstanceTarget {
                region: arn.region,
                instance_id: arn.instance_id,
            })
        } else if let Some(id) = &self.instance_id {
            let instance_id =
                InstanceId::parse(id).map_err(|e| Failure(format!("--instance-id: {e}")))?;
            let region = region.clone().ok_or_else(|| {
                Failure("--instance-id needs --region (or use --instance-arn)".into())
            })?;
            Some(InstanceTarget {
                region,
                instance_id,
            })
        } else {
            None
        };
        Ok(AccountOptions { region, instance })
    }

    /// Runs the account checks on `diagnosis`, on one runtime and one SDK configuration.
    pub fn check(
        &self,
        diagnosis: &mut Diagnosis,
        given_metadata: Option<&Metadata>,
    ) -> Result<(), Failure> {
        let options = self.options()?;
        if !account::has_checks_to_run(diagnosis) {
            return Ok(());
        }
        runtime()?.block_on(async {
            let fallback = account::default_region(diagnosis, &options);
            let mut accounts =
                SdkAccounts::load(self.profile.as_deref(), self.region.as_deref(), &fallback)
                    .await?;
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                accounts.progress = Some(list_progress);
            }
            account::check_account(diagnosis, &accounts, &options, given_metadata).await;
            Ok::<_, saml_diagnosis::Error>(())
        })?;
        Ok(())
    }
}

/// The async runtime AWS calls run on: one thread (the calls wait on the network, one after
/// the other), with timers for retries and polling.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))
}

/// Draws how far a ListUsers walk has gone on the terminal, and clears it at the end.
fn list_progress(listed: usize, more: bool) {
    use std::io::Write;
    let mut err = std::io::stderr();
    let _ = if more {
        write!(err, "\rlisting Connect users: {listed}…")
    } else {
        write!(err, "\r\x1b[2K")
    };
}

/// Which reading's policy `aws-policy` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PolicyFor {
    /// What `diagnose --aws` calls (the default, unchanged whatever else is added)
    Diagnose,
    /// What `audit --aws` reads in an account: SAML providers, roles, Connect instances and users
    Audit,
    /// `audit --organization`: two policies, `AuditingPrincipal` (list the accounts, assume the
    /// member role) and `MemberAccountRole` (the audit's reads, for the role in every account)
    AuditOrganization,
}

/// `saml-doctor aws-policy`'s arguments.
#[derive(Args)]
#[command(
    long_about = "Print the least-privilege IAM policy a saml-doctor command needs: read-only, never connect:Get* (which includes GetFederationToken).\n\nEach reading gets only what it calls: `diagnose --aws` and `audit` read different things, and an organization audit splits its calls between two principals (the one that lists the accounts and assumes the member role, in the management or a delegated-administrator account, and the role it assumes in every account). Plain `aws-policy` stays exactly what `diagnose --aws` needs, so scripts that apply it keep granting no more than before."
)]
pub struct PolicyArgs {
    /// The reading to grant
    #[arg(long = "for", value_name = "READING", value_enum, default_value_t = PolicyFor::Diagnose)]
    reading: PolicyFor,
    /// With --for audit-organization: the member-account role, to scope sts:AssumeRole to it
    /// (default: any role)
    #[arg(long, value_name = "NAME")]
    role_name: Option<String>,
}

/// `saml-doctor aws-policy`.
pub fn policy(args: PolicyArgs) -> Result<u8, Failure> {
    if args.role_name.is_some() && args.reading != PolicyFor::AuditOrganization {
        return Err(Failure(
            "--role-name goes with --for audit-organization".into(),
        ));
    }
    let policy = match args.reading {
        PolicyFor::Diagnose => connect_check::checker_policy(),
        PolicyFor::Audit => connect_check::audit_policies(None).account,
        PolicyFor::AuditOrganization => {
            let role = args
                .role_name
                .as_deref()
                .map(|r| {
                    saml_audit::AuditRole::parse(r)
                        .map_err(|e| Failure(format!("--role-name: {e}")))
                })
                .transpose()?;
            let p = connect_check::audit_policies(role.as_ref().map(|r| r.as_str()));
            serde_json::json!({
                "AuditingPrincipal": p.organization,
                "MemberAccountRole": p.account,
            })
        }
    };
    crate::outln!(
        "{}",
        serde_json::to_string_pretty(&policy).map_err(|e| Failure(e.to_string()))?
    );
    Ok(0)
}

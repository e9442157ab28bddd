//! `diagnose --aws`: confirm the diagnosis in the AWS account (Amazon Connect and IAM), and
//! `aws-policy`: the least-privilege policy the checker needs.

use std::cell::RefCell;

use clap::Args;
use connect_check::account::{
    AccessResult, Account, Instance, Match, OrganizationLevel, PolicyDocument, Role, SamlProvider,
    UserPage,
};
use connect_check::checks::{self, Input, InstanceTarget};
use connect_check::sdk::{self, SdkAccount};
use saml_core::aws::{ConnectInstanceArn, InstanceId, Region};
use saml_core::decode::Decoded;
use saml_core::metadata::Metadata;
use saml_core::{Code, Finding, RelayStateInput, Report};

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

/// What it takes to diagnose a message again, with the IAM SAML provider's metadata as the
/// trust anchor.
#[derive(Clone)]
pub struct Rerun {
    pub decoded: Decoded,
    pub relay_state: RelayStateInput,
}

/// Replaces the offline "not run" notes with the account checks, for the primary response and
/// every other one that signs in as someone else or into another role (a retry with another
/// account): each checked as STS and Connect would, its findings under its own message.
/// Where the IAM SAML provider's metadata could be read, the message is diagnosed again with
/// it as the trust anchor, as STS verifies the signature: `--metadata` then only says where it
/// differs.
pub fn check(
    args: &AwsArgs,
    messages: &mut [MessageReport],
    given_metadata: Option<&Metadata>,
) -> Result<(), Failure> {
    let instance_override = args.instance()?;
    let mut order: Vec<usize> = (0..messages.len())
        .filter(|i| messages[*i].report.response().is_some())
        .collect();
    order.sort_by_key(|i| !messages[*i].primary);
    let mut checked: Vec<(Option<String>, Vec<String>)> = Vec::new();
    let mut to_check = Vec::new();
    // Messages with the same user and roles as one checked already (by its position in
    // `to_check`): its account checks are theirs; only the trust anchor is applied to them.
    let mut same_as: Vec<(usize, usize)> = Vec::new();
    let mut idc_checked: Vec<(Option<String>, Option<String>)> = Vec::new();
    let mut idc_to_check = Vec::new();
    for i in order {
        let facts = &messages[i].report.facts;
        if let Some(idc) = &facts.identity_center {
            // Identity Center's own checks, once per identity store and user.
            let key = (idc.identity_store_id.clone(), idc.user_name.clone());
            if idc_checked.contains(&key) {
                replace_skips(&mut messages[i].report, Vec::new());
            } else {
                idc_checked.push(key);
                idc_to_check.push(i);
            }
            continue;
        }
        let key = (facts.role_session_name.clone(), facts.roles.clone());
        match checked.iter().position(|k| *k == key) {
            Some(k) => same_as.push((i, k)),
            None => {
                checked.push(key);
                to_check.push(i);
            }
        }
    }
    if !idc_to_check.is_empty() {
        check_identity_center(args, messages, &idc_to_check)?;
    }
    if to_check.is_empty() {
        return Ok(());
    }
    let inputs: Vec<Input> = to_check
        .iter()
        .map(|i| Input::from_report(&messages[*i].report, instance_override.clone()))
        .collect();
    let connect_region = args
        .region
        .clone()
        .or_else(|| inputs[0].instance.as_ref().map(|i| i.region.to_string()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    let results = runtime.block_on(async {
        // IAM is global: any region signs for it; with none configured, the instance's.
        let fallback = connect_region.clone().unwrap_or_else(|| "us-east-1".into());
        let config =
            sdk::load_config(args.profile.as_deref(), args.region.as_deref(), &fallback).await;
        sdk::check_credentials(&config).await.map_err(Failure)?;
        // Connect is regional: each response is checked in its own instance's region.
        let mut accounts: Vec<(Option<String>, Remembering<SdkAccount>)> = Vec::new();
        let mut results = Vec::new();
        for (i, input) in to_check.iter().zip(&inputs) {
            let region = args
                .region
                .clone()
                .or_else(|| input.instance.as_ref().map(|t| t.region.to_string()))
                .or_else(|| connect_region.clone());
            if !accounts.iter().any(|(r, _)| *r == region) {
                let mut sdk_account = SdkAccount::new(&config, region.as_deref());
                sdk_account.progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
                accounts.push((region.clone(), Remembering::new(sdk_account)));
            }
            let account = &accounts.iter().find(|(r, _)| *r == region).unwrap().1;
            let findings = checks::run(account, input, &messages[*i].report.as_of).await;
            let anchor = input.roles.first().and_then(|pair| {
                let arn = pair.provider.as_str();
                let provider = account.remembered(arn)?;
                let metadata = saml_core::metadata::parse(&provider.metadata_document).ok()?;
                Some((arn.to_owned(), metadata))
            });
            results.push((*i, findings, anchor));
        }
        Ok::<_, Failure>(results)
    })?;
    // One problem, one finding: an account finding that is the same for several messages (the
    // provider's metadata, the organization's policies, the role's permissions) is said once,
    // under the first message it concerns.
    let mut said: Vec<(Code, String)> = Vec::new();
    for (i, k) in same_as {
        let (_, findings, anchor) = &results[k];
        let cert_mismatch = findings
            .iter()
            .any(|f| f.code == Code::IamProviderCertMismatch);
        apply(
            &mut messages[i],
            Vec::new(),
            anchor.clone(),
            None,
            cert_mismatch,
        );
    }
    for (i, mut findings, anchor) in results {
        let cert_mismatch = findings
            .iter()
            .any(|f| f.code == Code::IamProviderCertMismatch);
        findings.retain(|f| {
            let key = (f.code, f.detail.clone());
            let new = !said.contains(&key);
            said.push(key);
            new
        });
        apply(
            &mut messages[i],
            findings,
            anchor,
            given_metadata,
            cert_mismatch,
        );
    }
    Ok(())
}

/// `--aws` for IAM Identity Center sign-ins: the instance, the user and its permission sets, in
/// the instance's home Region (the Audience's, unless --region says otherwise).
fn check_identity_center(
    args: &AwsArgs,
    messages: &mut [MessageReport],
    to_check: &[usize],
) -> Result<(), Failure> {
    use connect_check::checks::identity_center;
    use connect_check::sdk_identity_center::SdkIdentityCenter;
    let inputs: Vec<identity_center::Input> = to_check
        .iter()
        .map(|i| identity_center::Input::from_facts(&messages[*i].report.facts))
        .collect();
    let region = args.region.clone().or_else(|| inputs[0].region.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    let results = runtime.block_on(async {
        let fallback = region.clone().unwrap_or_else(|| "us-east-1".into());
        let config =
            sdk::load_config(args.profile.as_deref(), args.region.as_deref(), &fallback).await;
        sdk::check_credentials(&config).await.map_err(Failure)?;
        let account = SdkIdentityCenter::new(&config, region.as_deref());
        let mut results = Vec::new();
        for input in &inputs {
            results.push(identity_center::run(&account, input).await);
        }
        Ok::<_, Failure>(results)
    })?;
    for (i, findings) in to_check.iter().zip(results) {
        replace_skips(&mut messages[*i].report, findings);
    }
    Ok(())
}

/// Puts the account findings into the message's report, diagnosed again against the provider's
/// metadata when there is one.
fn apply(
    message: &mut MessageReport,
    mut findings: Vec<Finding>,
    anchor: Option<(String, Metadata)>,
    given: Option<&Metadata>,
    cert_mismatch: bool,
) {
    let (Some((arn, metadata)), Some(rerun)) = (anchor, &message.rerun) else {
        return replace_skips(&mut message.report, findings);
    };
    let ctx = saml_core::Context {
        as_of: message.report.as_of,
        relay_state: rerun.relay_state.clone(),
        metadata: Some(&metadata),
    };
    let mut report = saml_core::diagnose_decoded_in(&rerun.decoded, &ctx);
    if cert_mismatch {
        // One problem, one finding: the account check names the provider and its fix.
        report
            .findings
            .retain(|f| f.code != Code::SigningCertNotInMetadata);
    }
    if let Some(signature) = &mut report.facts.signature {
        *signature += &format!("; trust anchor: the metadata of {arn}");
    }
    if let Some(given) = given {
        findings.extend(metadata_difference(given, &metadata, &arn));
    }
    report.findings.extend(findings);
    report.findings.sort_by_key(|f| f.severity);
    message.report = report;
}

/// Which signing certificates of the `--metadata` file and of the provider's metadata differ.
fn metadata_difference(given: &Metadata, held: &Metadata, arn: &str) -> Option<Finding> {
    let describe = |b64: &str| {
        saml_core::cert::Certificate::from_base64(b64)
            .map(|c| c.describe())
            .unwrap_or_else(|e| format!("an unreadable certificate ({e})"))
    };
    let only = |a: &Metadata, b: &Metadata| -> Vec<String> {
        a.signing_certificates
            .iter()
            .filter(|c| !b.signing_certificates.contains(c))
            .map(|c| describe(c))
            .collect()
    };
    let (only_given, only_held) = (only(given, held), only(held, given));
    if only_given.is_empty() && only_held.is_empty() {
        return None;
    }
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join("; ")
        }
    };
    Some(
        Finding::new(
            Code::IamProviderMetadataDiffers,
            format!(
                "AWS verifies with the certificates of {arn}, not the --metadata file's: only in the file: {}; only in IAM: {}",
                list(&only_given),
                list(&only_held)
            ),
        )
        .with("provider", arn)
        .with("only_in_file", only_given.join(" | "))
        .with("only_in_iam", only_held.join(" | ")),
    )
}

/// An account that remembers the SAML providers it read, so the checks' answer also serves as
/// the trust anchor for the signature, with no second call.
struct Remembering<A> {
    inner: A,
    providers: RefCell<Vec<(String, SamlProvider)>>,
}

impl<A: Account> Remembering<A> {
    fn new(inner: A) -> Self {
        Self {
            inner,
            providers: RefCell::new(Vec::new()),
        }
    }

    fn remembered(&self, arn: &str) -> Option<SamlProvider> {
        self.providers
            .borrow()
            .iter()
            .find(|(a, _)| a == arn)
            .map(|(_, p)| p.clone())
    }
}

impl<A: Account> Account for Remembering<A> {
    async fn describe_instance(&self, id: &str) -> AccessResult<Option<Instance>> {
        self.inner.describe_instance(id).await
    }
    async fn search_users(
        &self,
        instance_id: &str,
        value: &str,
        how: Match,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        self.inner
            .search_users(instance_id, value, how, next_token)
            .await
    }
    async fn saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProvider>> {
        if let Some(p) = self.remembered(arn) {
            return Ok(Some(p));
        }
        let p = self.inner.saml_provider(arn).await?;
        if let Some(p) = &p {
            self.providers
                .borrow_mut()
                .push((arn.to_owned(), p.clone()));
        }
        Ok(p)
    }
    async fn role(&self, name: &str) -> AccessResult<Option<Role>> {
        self.inner.role(name).await
    }
    async fn inline_policies(&self, role: &str) -> AccessResult<Vec<PolicyDocument>> {
        self.inner.inline_policies(role).await
    }
    async fn attached_policies(&self, role: &str) -> AccessResult<Vec<PolicyDocument>> {
        self.inner.attached_policies(role).await
    }
    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        self.inner.list_users(instance_id, next_token).await
    }
    async fn managed_policy(&self, arn: &str) -> AccessResult<Option<PolicyDocument>> {
        self.inner.managed_policy(arn).await
    }
    async fn organization_policies(
        &self,
        account_id: &str,
    ) -> AccessResult<Vec<OrganizationLevel>> {
        self.inner.organization_policies(account_id).await
    }
}

fn replace_skips(report: &mut Report, findings: Vec<saml_core::Finding>) {
    report.findings.retain(|f| !f.is_account_check_skipped());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(certs: &[&str]) -> Metadata {
        let cert = |file: &str| -> String {
            let pem = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../tests/fixtures/saml-keys")
                    .join(file),
            )
            .unwrap();
            pem.lines().filter(|l| !l.starts_with("-----")).collect()
        };
        Metadata {
            entity_id: "https://idp.example/".into(),
            valid_until: None,
            signing_certificates: certs.iter().map(|c| cert(c)).collect(),
        }
    }

    #[test]
    fn metadata_difference_names_each_side() {
        const ARN: &str = "arn:aws:iam::123456789012:saml-provider/P";
        let same = metadata(&["azure.crt"]);
        assert!(metadata_difference(&same, &same.clone(), ARN).is_none());
        let file = metadata(&["azure.crt", "okta.crt"]);
        let held = metadata(&["okta.crt"]);
        let f = metadata_difference(&file, &held, ARN).unwrap();
        assert_eq!(f.code, Code::IamProviderMetadataDiffers);
        assert!(f.detail.contains("only in IAM: none"), "{}", f.detail);
        assert!(
            f.evidence
                .get("only_in_file")
                .is_some_and(|v| v.contains("Azure")),
            "{f:?}"
        );
        assert!(f.detail.contains(ARN));
    }
}

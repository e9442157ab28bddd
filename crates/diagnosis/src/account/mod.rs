//! The account checks of a diagnosis (`--aws`): each response that signs in as someone else or
//! into another role is checked as STS and Amazon Connect (or IAM Identity Center) would, and
//! its findings replace the offline "not run" notes under that message.
//!
//! The checks run on any [`Accounts`]: the AWS SDK's ([`SdkAccounts`], feature `aws`), or one a
//! caller provides (recorded answers, an in-memory account).

mod merge;
mod remembering;
#[cfg(feature = "aws")]
mod sdk;

use connect_check::connect::{ConnectApi, InstanceTarget};
use connect_check::iam::{IamApi, Input};
use connect_check::identity_center::{self, IdentityCenterApi};
use connect_check::organizations::OrganizationsApi;
use saml_core::aws::Region;
use saml_core::metadata::Metadata;
use saml_core::Code;

use crate::model::{Diagnosis, MessageReport};
use merge::{apply, replace_skips};
use remembering::Remembering;
#[cfg(feature = "aws")]
pub use sdk::SdkAccounts;

/// The IAM-federation and Amazon Connect account checks, for reports that list them.
pub use connect_check::iam_federation::AccountCheck;

/// The AWS account, as the checks reach it, one service at a time: Amazon Connect is regional,
/// so each message is checked in its instance's Region; IAM and Organizations are global.
#[allow(async_fn_in_trait)]
pub trait Accounts {
    /// What the Amazon Connect checks read.
    type Connect: ConnectApi;
    /// What the IAM checks read.
    type Iam: IamApi;
    /// What the service-control-policy check reads.
    type Organizations: OrganizationsApi;
    /// What the IAM Identity Center checks read.
    type IdentityCenter: IdentityCenterApi;
    /// Amazon Connect in `region` (the instance's Region; `None`: the configured one).
    fn connect(&self, region: Option<&str>) -> Self::Connect;
    /// IAM.
    fn iam(&self) -> Self::Iam;
    /// AWS Organizations.
    fn organizations(&self) -> Self::Organizations;
    /// IAM Identity Center in `region` (the instance's home Region; `None`: the configured one).
    fn identity_center(&self, region: Option<&str>) -> Self::IdentityCenter;
}

/// Where to check: what the user said besides the capture.
#[derive(Debug, Clone, Default)]
pub struct AccountOptions {
    /// The Region of the Connect instance, or of the Identity Center instance (default: the
    /// relay state's, the instance ARN's, or the Audience's).
    pub region: Option<Region>,
    /// The Connect instance, when the capture has no relay state naming it.
    pub instance: Option<InstanceTarget>,
}

/// True when some message needs the account checks (a SAMLResponse was diagnosed): without one,
/// there is nothing to ask the account, not even for credentials.
pub fn has_checks_to_run(diagnosis: &Diagnosis) -> bool {
    let plan = Plan::of(&diagnosis.messages);
    !plan.federation.is_empty() || !plan.identity_center.is_empty()
}

/// The Region the SDK is configured with when the user names none: the Connect instance's of the
/// first message checked (from its relay state or `options.instance`), or else us-east-1 (IAM is
/// global: any Region signs for it); for IAM Identity Center alone, its instance's Region.
pub fn default_region(diagnosis: &Diagnosis, options: &AccountOptions) -> String {
    if let Some(r) = &options.region {
        return r.to_string();
    }
    let plan = Plan::of(&diagnosis.messages);
    let facts = |i: usize| &diagnosis.messages[i].report.facts;
    let region = match (plan.federation.first(), plan.identity_center.first()) {
        (Some(&i), _) => options
            .instance
            .as_ref()
            .map(|t| t.region.to_string())
            .or_else(|| {
                facts(i)
                    .connect
                    .as_ref()?
                    .region
                    .as_ref()
                    .map(|r| r.to_string())
            }),
        (None, Some(&i)) => facts(i)
            .identity_center
            .as_ref()
            .and_then(|c| c.region.clone()),
        (None, None) => None,
    };
    region.unwrap_or_else(|| "us-east-1".to_owned())
}

/// Runs the account checks on every message that needs them, replacing the offline notes. The
/// primary response is always checked; another only when it signs in as another user or into
/// another role (a retry with another account). Where the IAM SAML provider's metadata could be
/// read, the message is diagnosed again with it as the trust anchor: `--metadata` (in the
/// options the diagnosis was made with) then only says where it differs.
pub async fn check_account(
    diagnosis: &mut Diagnosis,
    accounts: &impl Accounts,
    options: &AccountOptions,
    given_metadata: Option<&Metadata>,
) {
    let plan = Plan::of(&diagnosis.messages);
    for &i in &plan.identity_center_repeats {
        replace_skips(&mut diagnosis.messages[i].report, Vec::new());
    }
    if !plan.identity_center.is_empty() {
        check_identity_center(
            accounts,
            options,
            &mut diagnosis.messages,
            &plan.identity_center,
        )
        .await;
    }
    if !plan.federation.is_empty() {
        check_federation(accounts, options, diagnosis, &plan, given_metadata).await;
    }
    diagnosis.account_checked = true;
    diagnosis.refresh();
}

/// Which messages the checks run on.
#[derive(Debug, Default)]
struct Plan {
    /// IAM-federation messages checked, primary first.
    federation: Vec<usize>,
    /// Messages with the same user and roles as the one at that position of `federation`: its
    /// account checks are theirs; only the trust anchor is applied to them.
    same_as: Vec<(usize, usize)>,
    /// Identity Center messages checked, once per identity store and user.
    identity_center: Vec<usize>,
    /// Identity Center messages whose store and user were checked already.
    identity_center_repeats: Vec<usize>,
}

impl Plan {
    fn of(messages: &[MessageReport]) -> Self {
        let mut order: Vec<usize> = (0..messages.len())
            .filter(|i| messages[*i].report.response().is_some())
            .collect();
        order.sort_by_key(|i| !messages[*i].primary);
        let mut plan = Plan::default();
        let mut checked: Vec<(Option<String>, Vec<String>)> = Vec::new();
        let mut idc_checked: Vec<(Option<String>, Option<String>)> = Vec::new();
        for i in order {
            let facts = &messages[i].report.facts;
            if let Some(idc) = &facts.identity_center {
                let key = (idc.identity_store_id.clone(), idc.user_name.clone());
                if idc_checked.contains(&key) {
                    plan.identity_center_repeats.push(i);
                } else {
                    idc_checked.push(key);
                    plan.identity_center.push(i);
                }
                continue;
            }
            let key = (facts.role_session_name.clone(), facts.roles.clone());
            match checked.iter().position(|k| *k == key) {
                Some(k) => plan.same_as.push((i, k)),
                None => {
                    checked.push(key);
                    plan.federation.push(i);
                }
            }
        }
        plan
    }
}

/// IAM federation and Amazon Connect: each message checked in its own instance's Region.
async fn check_federation(
    accounts: &impl Accounts,
    options: &AccountOptions,
    diagnosis: &mut Diagnosis,
    plan: &Plan,
    given_metadata: Option<&Metadata>,
) {
    let messages = &mut diagnosis.messages;
    let inputs: Vec<Input> = plan
        .federation
        .iter()
        .map(|i| Input::from_report(&messages[*i].report, options.instance.clone()))
        .collect();
    let first_region = inputs[0].instance.as_ref().map(|t| t.region.to_string());
    let iam = Remembering::new(accounts.iam());
    let organizations = accounts.organizations();
    let mut regional: Vec<(Option<String>, _)> = Vec::new();
    let mut results = Vec::new();
    for (i, input) in plan.federation.iter().zip(&inputs) {
        let region = options
            .region
            .as_ref()
            .map(|r| r.to_string())
            .or_else(|| input.instance.as_ref().map(|t| t.region.to_string()))
            .or_else(|| first_region.clone());
        let at = match regional.iter().position(|(r, _)| *r == region) {
            Some(at) => at,
            None => {
                let connect = accounts.connect(region.as_deref());
                regional.push((region, connect));
                regional.len() - 1
            }
        };
        let connect = &regional[at].1;
        let as_of = &messages[*i].report.as_of;
        let findings =
            connect_check::iam_federation::run(connect, &iam, &organizations, input, as_of).await;
        let anchor = input.roles.first().and_then(|pair| {
            let arn = pair.provider.as_str();
            let provider = iam.remembered(arn)?;
            let metadata = saml_core::metadata::parse(&provider.metadata_document).ok()?;
            Some((arn.to_owned(), metadata))
        });
        results.push((*i, findings, anchor));
    }
    let cert_mismatch = |findings: &[saml_core::Finding]| {
        findings
            .iter()
            .any(|f| f.code == Code::IamProviderCertMismatch)
    };
    for &(i, k) in &plan.same_as {
        let (_, findings, anchor) = &results[k];
        let mismatch = cert_mismatch(findings);
        apply(&mut messages[i], Vec::new(), anchor.clone(), None, mismatch);
    }
    // One problem, one finding: an account finding that is the same for several messages (the
    // provider's metadata, the organization's policies, the role's permissions) is said once,
    // under the first message it concerns.
    let mut said: Vec<(Code, String)> = Vec::new();
    for (i, mut findings, anchor) in results {
        let mismatch = cert_mismatch(&findings);
        findings.retain(|f| {
            let key = (f.code, f.detail.clone());
            let new = !said.contains(&key);
            said.push(key);
            new
        });
        apply(&mut messages[i], findings, anchor, given_metadata, mismatch);
    }
}

/// IAM Identity Center: the instance, the user and its permission sets, in the instance's home
/// Region (the Audience's, unless the options say otherwise).
async fn check_identity_center(
    accounts: &impl Accounts,
    options: &AccountOptions,
    messages: &mut [MessageReport],
    to_check: &[usize],
) {
    let inputs: Vec<identity_center::Input> = to_check
        .iter()
        .map(|i| identity_center::Input::from_facts(&messages[*i].report.facts))
        .collect();
    let region = options
        .region
        .as_ref()
        .map(|r| r.to_string())
        .or_else(|| inputs[0].region.clone());
    let account = accounts.identity_center(region.as_deref());
    for (i, input) in to_check.iter().zip(&inputs) {
        let findings = identity_center::run(&account, input).await;
        replace_skips(&mut messages[*i].report, findings);
    }
}

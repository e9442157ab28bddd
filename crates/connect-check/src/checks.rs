//! The account checks: given what the assertion says and an [`Account`], confirm the diagnosis
//! in Amazon Connect and IAM. Each check's own failures (a call the checker may not make) become
//! `check_skipped` naming the permission, never a crash and never a pass.

use saml_core::aws::{InstanceId, Region, RolePair};
use saml_core::{AsOf, Code, Facts, Finding, Report};

use crate::account::{AccessError, Account, Match, Role};
use crate::policy::{allowed_resources, evaluate, Decision, Policy, Request};

pub mod identity_center;

/// The Connect instance to check against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceTarget {
    pub region: Region,
    pub instance_id: InstanceId,
}

/// What the checks need from a diagnosed assertion.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub roles: Vec<RolePair>,
    pub role_session_name: Option<String>,
    pub session_duration: Option<u32>,
    pub recipient: Option<String>,
    pub issuer: Option<String>,
    pub name_id: Option<String>,
    /// Base64 DER of the certificates the response's signatures carry.
    pub signing_certificates: Vec<String>,
    /// PrincipalTag attributes (key, value): they need sts:TagSession and are policy context.
    pub principal_tags: Vec<(String, String)>,
    pub source_identity: Option<String>,
    pub instance: Option<InstanceTarget>,
}

impl Input {
    /// Reads what the checks need from a report; `instance` overrides the relay state's.
    pub fn from_report(report: &Report, instance: Option<InstanceTarget>) -> Self {
        let facts: &Facts = &report.facts;
        let mut input = Input {
            roles: facts.role_pairs(),
            role_session_name: facts
                .role_session_name
                .clone()
                .filter(|n| !n.contains(", ")),
            session_duration: facts
                .session_duration
                .as_deref()
                .and_then(|d| d.parse().ok()),
            recipient: facts.recipient.clone(),
            issuer: facts.issuer.clone(),
            name_id: facts.name_id.clone(),
            instance: instance.or_else(|| {
                let c = facts.connect.as_ref()?;
                Some(InstanceTarget {
                    region: c.region.clone()?,
                    instance_id: c.instance_id.clone(),
                })
            }),
            ..Input::default()
        };
        if let Some(response) = report.response() {
            let sigs = response.signature.iter().chain(
                response
                    .assertions
                    .iter()
                    .filter_map(|a| a.signature.as_ref()),
            );
            for s in sigs {
                for c in &s.certificates {
                    if !input.signing_certificates.contains(c) {
                        input.signing_certificates.push(c.clone());
                    }
                }
            }
            if let Some(a) = response.assertions.first() {
                for attr in &a.attributes {
                    if let (Some(key), [value]) = (
                        attr.name
                            .strip_prefix(saml_core::rules::ATTR_PRINCIPAL_TAG_PREFIX),
                        attr.values.as_slice(),
                    ) {
                        input.principal_tags.push((key.to_owned(), value.clone()));
                    }
                }
                input.source_identity = a
                    .attribute_values(saml_core::rules::ATTR_SOURCE_IDENTITY)
                    .and_then(|v| v.first().cloned());
            }
        }
        input
    }
}

const EXPIRY_WARNING_MILLIS: i64 = 30 * 86_400 * 1000;

fn skipped(check: &str, e: &AccessError) -> Finding {
    let mut f = Finding::skipped(check, e);
    if let AccessError::Denied { action } = e {
        f = f.with("missing_permission", *action);
    }
    f
}

/// Runs every account check.
pub async fn run(account: &impl Account, input: &Input, as_of: &AsOf) -> Vec<Finding> {
    let mut findings = Vec::new();
    let instance_ok = check_connect(account, input, &mut findings).await;
    for pair in &input.roles {
        check_provider(account, input, pair, as_of, &mut findings).await;
        if let Some(role) = check_role(account, input, pair, &mut findings).await {
            if instance_ok {
                check_federation(account, input, pair, &role, &mut findings).await;
            }
        }
    }
    if input.roles.is_empty() {
        findings.push(Finding::skipped(
            "IAM checks",
            "the assertion names no valid Role (role ARN, provider ARN)",
        ));
    }
    findings.sort_by_key(|f| f.severity);
    findings
}

/// The Connect instance and user. Returns whether the instance exists (and so whether the
/// federation check has an instance to check against).
async fn check_connect(account: &impl Account, input: &Input, findings: &mut Vec<Finding>) -> bool {
    let Some(target) = &input.instance else {
        findings.push(Finding::skipped(
            "Connect instance and user",
            "no Connect instance is known: the capture has no Connect relay state; pass --instance-arn or --instance-id with --region",
        ));
        return false;
    };
    let id = target.instance_id.as_str();
    match account.describe_instance(id).await {
        Err(e) => {
            findings.push(skipped("Connect instance", &e));
            // The user check may still be allowed.
        }
        Ok(None) => {
            findings.push(
                Finding::new(
                    Code::ConnectInstanceNotFound,
                    format!(
                        "no Connect instance {id} in {} of the account checked",
                        target.region
                    ),
                )
                .with("instance_id", id)
                .with("region", target.region.as_str()),
            );
            return false;
        }
        Ok(Some(instance)) if instance.identity_management_type != "SAML" => findings.push(
            Finding::new(
                Code::ConnectInstanceNotSaml,
                format!(
                    "instance {id}{} uses {} identity management, not SAML",
                    instance
                        .alias
                        .map(|a| format!(" ({a})"))
                        .unwrap_or_default(),
                    instance.identity_management_type
                ),
            )
            .with(
                "identity_management_type",
                instance.identity_management_type.clone(),
            ),
        ),
        Ok(Some(_)) => {}
    }
    let Some(name) = &input.role_session_name else {
        findings.push(Finding::skipped(
            "Connect user",
            "the assertion has no single RoleSessionName to look up",
        ));
        return true;
    };
    match find_user(account, id, name).await {
        Err(e) => findings.push(skipped("Connect user", &e)),
        Ok(UserLookup::Exact) => {}
        Ok(UserLookup::OnlyCaseInsensitive(existing)) => findings.push(
            Finding::new(
                Code::ConnectUserCaseMismatch,
                format!("RoleSessionName is `{name}`, but the Connect user is `{existing}`: they differ only in case, and Connect usernames are case-sensitive"),
            )
            .with("role_session_name", name.clone())
            .with("connect_username", existing),
        ),
        Ok(UserLookup::None) => findings.push(
            Finding::new(Code::ConnectUserNotFound, format!("instance {id} has no user named `{name}` (the RoleSessionName)"))
                .with("role_session_name", name.clone())
                .with("instance_id", id),
        ),
    }
    true
}

enum UserLookup {
    Exact,
    OnlyCaseInsensitive(String),
    None,
}

/// One EXACT search answers the common case. Only when it finds nothing does a CONTAINS search
/// on the name look for a spelling that differs in case, page by page, stopping at the first;
/// it never lists every user of the instance.
async fn find_user(
    account: &impl Account,
    instance_id: &str,
    name: &str,
) -> Result<UserLookup, AccessError> {
    let exact = account
        .search_users(instance_id, name, Match::Exact, None)
        .await?;
    if exact.users.iter().any(|u| u.username == name) {
        return Ok(UserLookup::Exact);
    }
    if let Some(u) = exact
        .users
        .iter()
        .find(|u| u.username.eq_ignore_ascii_case(name))
    {
        return Ok(UserLookup::OnlyCaseInsensitive(u.username.clone()));
    }
    let mut token = None;
    for _ in 0..20 {
        let page = account
            .search_users(instance_id, name, Match::Contains, token)
            .await?;
        if let Some(u) = page
            .users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(name))
        {
            return Ok(if u.username == name {
                UserLookup::Exact
            } else {
                UserLookup::OnlyCaseInsensitive(u.username.clone())
            });
        }
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(UserLookup::None)
}

async fn check_provider(
    account: &impl Account,
    input: &Input,
    pair: &RolePair,
    as_of: &AsOf,
    findings: &mut Vec<Finding>,
) {
    let arn = pair.provider.as_str();
    let provider = match account.saml_provider(arn).await {
        Err(e) => return findings.push(skipped("IAM SAML provider", &e)),
        Ok(None) => {
            return findings.push(
                Finding::new(
                    Code::IamProviderNotFound,
                    format!("the SAML provider {arn} (from the Role attribute) does not exist"),
                )
                .with("provider", arn),
            );
        }
        Ok(Some(p)) => p,
    };
    let metadata = match saml_core::metadata::parse(&provider.metadata_document) {
        Ok(m) => m,
        Err(e) => {
            return findings.push(Finding::skipped(
                "IAM SAML provider metadata",
                format!("the metadata IAM holds for {arn} could not be read: {e}"),
            ))
        }
    };
    let held: Vec<String> = metadata.signing_certificates.clone();
    if !input.signing_certificates.is_empty()
        && !input.signing_certificates.iter().any(|c| held.contains(c))
    {
        let describe = |b64: &str| {
            saml_core::cert::Certificate::from_base64(b64)
                .map(|c| c.describe())
                .unwrap_or_else(|e| e.to_string())
        };
        findings.push(
            Finding::new(
                Code::IamProviderCertMismatch,
                format!(
                    "the response is signed with {}, but the metadata IAM holds for {arn} has {}",
                    describe(&input.signing_certificates[0]),
                    if held.is_empty() {
                        "no signing certificate".to_owned()
                    } else {
                        held.iter()
                            .map(|c| describe(c))
                            .collect::<Vec<_>>()
                            .join("; ")
                    }
                ),
            )
            .with("provider", arn),
        );
    }
    let mut expiring = Vec::new();
    if let Some(t) = provider
        .valid_until
        .as_deref()
        .and_then(|v| saml_core::Timestamp::parse(v).ok())
    {
        if t.millis_since(as_of.instant) < EXPIRY_WARNING_MILLIS {
            expiring.push(format!("ValidUntil {t}"));
        }
    }
    for c in held
        .iter()
        .filter_map(|c| saml_core::cert::Certificate::from_base64(c).ok())
    {
        if c.not_after.millis_since(as_of.instant) < EXPIRY_WARNING_MILLIS {
            expiring.push(format!(
                "certificate {} (notAfter {})",
                c.subject, c.not_after
            ));
        }
    }
    if !expiring.is_empty() {
        findings.push(
            Finding::new(
                Code::IamProviderMetadataExpiring,
                format!(
                    "the metadata of {arn}: {} has passed or passes within 30 days of {}",
                    expiring.join(", "),
                    as_of.instant
                ),
            )
            .with("provider", arn),
        );
    }
}

async fn check_role(
    account: &impl Account,
    input: &Input,
    pair: &RolePair,
    findings: &mut Vec<Finding>,
) -> Option<Role> {
    let role = match account.role(&pair.role.name).await {
        Err(e) => {
            findings.push(skipped("IAM role", &e));
            return None;
        }
        Ok(None) => {
            findings.push(
                Finding::new(
                    Code::IamRoleNotFound,
                    format!(
                        "the role {} (from the Role attribute) does not exist",
                        pair.role
                    ),
                )
                .with("role", pair.role.as_str()),
            );
            return None;
        }
        Ok(Some(r)) => r,
    };
    if let Some(requested) = input
        .session_duration
        .filter(|d| *d > role.max_session_duration)
    {
        findings.push(
            Finding::new(
                Code::SessionDurationExceedsRoleMax,
                format!(
                    "SessionDuration is {requested} s, but {} allows at most {} s",
                    pair.role, role.max_session_duration
                ),
            )
            .with("session_duration", requested.to_string())
            .with(
                "max_session_duration",
                role.max_session_duration.to_string(),
            ),
        );
    }
    match Policy::parse("trust policy", &role.trust_policy) {
        Err(e) => findings.push(Finding::skipped(
            "role trust policy",
            format!("the trust policy of {} could not be read: {e}", pair.role),
        )),
        Ok(trust) => {
            let mut actions = vec!["sts:AssumeRoleWithSAML"];
            if !input.principal_tags.is_empty() {
                actions.push("sts:TagSession");
            }
            if input.source_identity.is_some() {
                actions.push("sts:SetSourceIdentity");
            }
            let aud = input.recipient.clone().unwrap_or_default();
            for action in actions {
                let mut request = Request::new(action, "")
                    .principal("Federated", pair.provider.as_str())
                    .context("SAML:aud", &[&aud]);
                if let Some(iss) = &input.issuer {
                    request = request.context("SAML:iss", &[iss]);
                }
                if let Some(sub) = &input.name_id {
                    request = request.context("SAML:sub", &[sub]);
                }
                match evaluate(std::slice::from_ref(&trust), &request) {
                    Decision::Allow(_) => {}
                    Decision::Unknown(why) => findings.push(Finding::skipped("role trust policy", format!("{action} for {}: {}", pair.role, why.join("; ")))),
                    other => findings.push(
                        Finding::new(
                            Code::IamTrustPolicyDenies,
                            format!("the trust policy of {} does not allow {action} for {} with SAML:aud `{aud}`: {other}", pair.role, pair.provider),
                        )
                        .with("role", pair.role.as_str())
                        .with("action", action)
                        .with("saml_aud", aud.clone()),
                    ),
                }
            }
        }
    }
    Some(role)
}

async fn check_federation(
    account: &impl Account,
    input: &Input,
    pair: &RolePair,
    role: &Role,
    findings: &mut Vec<Finding>,
) {
    let (Some(target), Some(name)) = (&input.instance, &input.role_session_name) else {
        return;
    };
    let mut documents = Vec::new();
    for result in [
        account.inline_policies(&pair.role.name).await,
        account.attached_policies(&pair.role.name).await,
    ] {
        match result {
            Ok(d) => documents.extend(d),
            Err(e) => return findings.push(skipped("GetFederationToken permission", &e)),
        }
    }
    let policies: Vec<Policy> = documents
        .iter()
        .filter_map(|d| match Policy::parse(&d.name, &d.document) {
            Ok(p) => Some(p),
            Err(e) => {
                findings.push(Finding::skipped(
                    "GetFederationToken permission",
                    format!("the policy {} could not be read: {e}", d.name),
                ));
                None
            }
        })
        .collect();
    let userid = format!("{}:{name}", role.role_id);
    let instance_arn = format!(
        "arn:{}:connect:{}:{}:instance/{}",
        pair.role.partition, target.region, pair.role.account, target.instance_id
    );
    let resource = format!("{instance_arn}/user/{userid}");
    let mut request = Request::new("connect:GetFederationToken", &resource)
        .context("aws:userid", &[&userid])
        .context("connect:InstanceId", &[target.instance_id.as_str()])
        .context("aws:PrincipalArn", &[role.arn.as_str()])
        .context("aws:PrincipalAccount", &[pair.role.account.as_str()]);
    for (k, v) in &input.principal_tags {
        request = request.context(&format!("aws:PrincipalTag/{k}"), &[v]);
    }
    if let Some(s) = &input.source_identity {
        request = request.context("aws:SourceIdentity", &[s]);
    }
    match evaluate(&policies, &request) {
        Decision::Allow(_) => {}
        Decision::Unknown(why) => findings.push(Finding::skipped(
            "GetFederationToken permission",
            format!("{}: {}", pair.role, why.join("; ")),
        )),
        Decision::ExplicitDeny(by) => findings.push(
            Finding::new(
                Code::FederationTokenNotAllowed,
                format!(
                    "{} is denied connect:GetFederationToken on {resource} explicitly, by {}",
                    pair.role,
                    by.join(", ")
                ),
            )
            .with("resource", resource.clone())
            .with("denied_by", by.join(" ")),
        ),
        Decision::ImplicitDeny => {
            let elsewhere = allowed_resources(&policies, "connect:GetFederationToken");
            let f = if elsewhere.is_empty() {
                Finding::new(
                    Code::FederationTokenNotAllowed,
                    format!(
                        "no policy of {} allows connect:GetFederationToken ({} polic{} read)",
                        pair.role,
                        policies.len(),
                        if policies.len() == 1 { "y" } else { "ies" }
                    ),
                )
            } else {
                Finding::new(
                    Code::FederationTokenWrongInstance,
                    format!("{} may call connect:GetFederationToken on {}, but not on this instance's user {resource}", pair.role, elsewhere.join(", ")),
                )
                .with("allowed_resources", elsewhere.join(" "))
            };
            findings.push(f.with("resource", resource.clone()).with(
                "needed_resource",
                format!("{instance_arn}/user/${{aws:userid}}"),
            ));
        }
    }
    findings.push(Finding::skipped(
        "permission boundaries and SCPs",
        format!("the role's identity policies were evaluated for {}; a permission boundary, an organization SCP or a session policy can still deny it and were not evaluated", pair.role),
    ));
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use saml_core::aws::{InstanceId, Region, RolePair};
    use saml_core::{AsOf, AsOfSource, Code, Timestamp};

    use super::*;
    use crate::account::{AccessResult, Instance, PolicyDocument, SamlProvider, User, UserPage};

    /// Runs a future that never waits (the fake answers at once).
    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    const INSTANCE: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const ROLE: &str = "arn:aws:iam::123456789012:role/AzureAD_Agent_Role";
    const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/AzureAD_Connect_Agent";
    const SEED_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Statement1","Effect":"Allow","Action":"connect:GetFederationToken","Resource":["arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"]}]}"#;
    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/AzureAD_Connect_Agent"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#;

    /// An in-memory account that counts the calls made to it.
    struct Fake {
        instance: Option<Instance>,
        users: Vec<String>,
        page_size: usize,
        provider: Option<SamlProvider>,
        role: Option<Role>,
        inline: Vec<PolicyDocument>,
        attached: Vec<PolicyDocument>,
        denied: Vec<&'static str>,
        calls: RefCell<HashMap<&'static str, usize>>,
    }

    impl Fake {
        fn healthy() -> Self {
            let cert = cert_b64();
            Fake {
                instance: Some(Instance {
                    arn: format!("arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}"),
                    identity_management_type: "SAML".into(),
                    status: "ACTIVE".into(),
                    alias: Some("contoso-cc".into()),
                }),
                users: vec![
                    "jane.doe@contoso.com".into(),
                    "john.smith@contoso.com".into(),
                ],
                page_size: 500,
                provider: Some(SamlProvider {
                    metadata_document: format!(
                        r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sts.windows.net/t/"><IDPSSODescriptor><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{cert}</X509Certificate></X509Data></KeyInfo></KeyDescriptor></IDPSSODescriptor></EntityDescriptor>"#
                    ),
                    valid_until: Some("2049-01-01T00:00:00Z".into()),
                }),
                role: Some(Role {
                    arn: ROLE.into(),
                    role_id: "AROAEXAMPLEID123456".into(),
                    trust_policy: TRUST.into(),
                    max_session_duration: 43200,
                }),
                inline: vec![PolicyDocument {
                    name: "azure_federation_policy".into(),
                    document: SEED_POLICY.into(),
                }],
                attached: vec![],
                denied: vec![],
                calls: RefCell::new(HashMap::new()),
            }
        }

        fn call(&self, action: &'static str) -> AccessResult<()> {
            *self.calls.borrow_mut().entry(action).or_default() += 1;
            if self.denied.contains(&action) {
                return Err(AccessError::Denied { action });
            }
            Ok(())
        }

        fn count(&self, action: &str) -> usize {
            self.calls.borrow().get(action).copied().unwrap_or(0)
        }
    }

    impl Account for Fake {
        async fn describe_instance(&self, instance_id: &str) -> AccessResult<Option<Instance>> {
            self.call("connect:DescribeInstance")?;
            Ok(self
                .instance
                .clone()
                .filter(|i| i.arn.ends_with(instance_id)))
        }
        async fn search_users(
            &self,
            _: &str,
            username: &str,
            how: Match,
            next_token: Option<String>,
        ) -> AccessResult<UserPage> {
            self.call("connect:SearchUsers")?;
            let matching: Vec<&String> = self
                .users
                .iter()
                .filter(|u| match how {
                    Match::Exact => *u == username,
                    // Connect's CONTAINS is case-insensitive.
                    Match::Contains => u.to_lowercase().contains(&username.to_lowercase()),
                })
                .collect();
            let start: usize = next_token.map(|t| t.parse().unwrap()).unwrap_or(0);
            let page: Vec<User> = matching
                .iter()
                .skip(start)
                .take(self.page_size)
                .map(|u| User {
                    username: (*u).clone(),
                    id: "u".into(),
                })
                .collect();
            let next = (start + self.page_size < matching.len())
                .then(|| (start + self.page_size).to_string());
            Ok(UserPage {
                users: page,
                next_token: next,
            })
        }
        async fn saml_provider(&self, _: &str) -> AccessResult<Option<SamlProvider>> {
            self.call("iam:GetSAMLProvider")?;
            Ok(self.provider.clone())
        }
        async fn role(&self, _: &str) -> AccessResult<Option<Role>> {
            self.call("iam:GetRole")?;
            Ok(self.role.clone())
        }
        async fn inline_policies(&self, _: &str) -> AccessResult<Vec<PolicyDocument>> {
            self.call("iam:ListRolePolicies")?;
            Ok(self.inline.clone())
        }
        async fn attached_policies(&self, _: &str) -> AccessResult<Vec<PolicyDocument>> {
            self.call("iam:ListAttachedRolePolicies")?;
            Ok(self.attached.clone())
        }
    }

    fn cert_b64() -> String {
        let pem = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/saml-keys/azure.crt"
        ))
        .unwrap();
        pem.lines().filter(|l| !l.starts_with("-----")).collect()
    }

    fn input() -> Input {
        Input {
            roles: vec![RolePair::parse(&format!("{ROLE},{PROVIDER}")).unwrap()],
            role_session_name: Some("jane.doe@contoso.com".into()),
            session_duration: Some(43200),
            recipient: Some("https://signin.aws.amazon.com/saml".into()),
            issuer: Some("https://sts.windows.net/t/".into()),
            name_id: Some("jane.doe@contoso.com".into()),
            signing_certificates: vec![cert_b64()],
            instance: Some(InstanceTarget {
                region: Region::parse("us-east-1").unwrap(),
                instance_id: InstanceId::parse(INSTANCE).unwrap(),
            }),
            ..Input::default()
        }
    }

    fn at() -> AsOf {
        AsOf {
            instant: Timestamp::parse("2026-11-20T10:00:00Z").unwrap(),
            source: AsOfSource::Given,
        }
    }

    fn problems(fake: &Fake, input: &Input) -> Vec<Code> {
        block_on(run(fake, input, &at()))
            .into_iter()
            .filter(|f| f.code != Code::CheckSkipped)
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn a_healthy_account_raises_nothing_in_few_calls() {
        let mut fake = Fake::healthy();
        // 20,000 users: the lookup must not page through them.
        fake.users
            .extend((0..20_000).map(|i| format!("agent{i}@contoso.com")));
        assert_eq!(problems(&fake, &input()), Vec::<Code>::new());
        assert_eq!(fake.count("connect:SearchUsers"), 1, "one EXACT search");
        assert_eq!(
            fake.count("connect:DescribeInstance") + fake.count("connect:SearchUsers"),
            2,
            "at most 2 Connect calls"
        );
    }

    #[test]
    fn connect_codes() {
        let mut fake = Fake::healthy();
        fake.instance = None;
        assert_eq!(problems(&fake, &input()), [Code::ConnectInstanceNotFound]);
        let mut fake = Fake::healthy();
        fake.instance.as_mut().unwrap().identity_management_type = "CONNECT_MANAGED".into();
        assert_eq!(problems(&fake, &input()), [Code::ConnectInstanceNotSaml]);
        let mut fake = Fake::healthy();
        fake.users = vec!["someone.else@contoso.com".into()];
        assert_eq!(problems(&fake, &input()), [Code::ConnectUserNotFound]);
    }

    #[test]
    fn case_mismatch_shows_both_spellings_without_listing_everyone() {
        let mut fake = Fake::healthy();
        fake.users = (0..20_000)
            .map(|i| format!("agent{i}@contoso.com"))
            .collect();
        fake.users.push("Jane.Doe@Contoso.com".into());
        let findings = block_on(run(&fake, &input(), &at()));
        let f = findings
            .iter()
            .find(|f| f.code == Code::ConnectUserCaseMismatch)
            .unwrap();
        assert_eq!(
            f.evidence.get("connect_username"),
            Some("Jane.Doe@Contoso.com")
        );
        assert_eq!(
            f.evidence.get("role_session_name"),
            Some("jane.doe@contoso.com")
        );
        assert_eq!(
            fake.count("connect:SearchUsers"),
            2,
            "EXACT, then one narrow CONTAINS page"
        );
    }

    #[test]
    fn contains_search_is_paginated() {
        let mut fake = Fake::healthy();
        fake.page_size = 2;
        fake.users = vec![
            "x.jane.doe@contoso.com".into(),
            "jane.doe@contoso.com.old".into(),
            "jane.doe@contoso.co".into(),
            "JANE.DOE@CONTOSO.COM".into(),
        ];
        let findings = block_on(run(&fake, &input(), &at()));
        assert!(findings
            .iter()
            .any(|f| f.code == Code::ConnectUserCaseMismatch));
        assert_eq!(
            fake.count("connect:SearchUsers"),
            1 + 2,
            "EXACT, then CONTAINS pages until the match"
        );
    }

    #[test]
    fn iam_codes() {
        let mut fake = Fake::healthy();
        fake.provider = None;
        assert_eq!(problems(&fake, &input()), [Code::IamProviderNotFound]);
        let mut fake = Fake::healthy();
        fake.role = None;
        assert_eq!(problems(&fake, &input()), [Code::IamRoleNotFound]);
        let mut fake = Fake::healthy();
        fake.role.as_mut().unwrap().max_session_duration = 3600;
        assert_eq!(
            problems(&fake, &input()),
            [Code::SessionDurationExceedsRoleMax]
        );
        let mut fake = Fake::healthy();
        fake.role.as_mut().unwrap().trust_policy = TRUST.replace("AzureAD_Connect_Agent", "Okta");
        assert_eq!(problems(&fake, &input()), [Code::IamTrustPolicyDenies]);
        let mut i = input();
        i.recipient = Some("https://eu-west-2.signin.aws.amazon.com/saml".into());
        assert_eq!(
            problems(&Fake::healthy(), &i),
            [Code::IamTrustPolicyDenies],
            "SAML:aud comes from the Recipient"
        );
        let mut i = input();
        i.principal_tags = vec![("team".into(), "support".into())];
        assert_eq!(
            problems(&Fake::healthy(), &i),
            [Code::IamTrustPolicyDenies],
            "tags need sts:TagSession"
        );
    }

    #[test]
    fn provider_metadata_codes() {
        let mut i = input();
        i.signing_certificates = vec![{
            let pem = std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/fixtures/saml-keys/okta.crt"
            ))
            .unwrap();
            pem.lines().filter(|l| !l.starts_with("-----")).collect()
        }];
        assert_eq!(
            problems(&Fake::healthy(), &i),
            [Code::IamProviderCertMismatch]
        );
        let mut fake = Fake::healthy();
        fake.provider.as_mut().unwrap().valid_until = Some("2026-12-01T00:00:00Z".into());
        assert_eq!(
            problems(&fake, &input()),
            [Code::IamProviderMetadataExpiring]
        );
    }

    #[test]
    fn federation_token_codes() {
        let mut fake = Fake::healthy();
        fake.inline.clear();
        assert_eq!(problems(&fake, &input()), [Code::FederationTokenNotAllowed]);
        let mut fake = Fake::healthy();
        fake.inline[0].document = SEED_POLICY.replace("us-east-1", "eu-west-2");
        let findings = block_on(run(&fake, &input(), &at()));
        let f = findings
            .iter()
            .find(|f| f.code == Code::FederationTokenWrongInstance)
            .unwrap();
        assert!(f.detail.contains("eu-west-2"), "{}", f.detail);
        let mut fake = Fake::healthy();
        fake.attached = vec![PolicyDocument {
            name: "DenyConnect".into(),
            document: r#"{"Statement":{"Effect":"Deny","Action":"connect:*","Resource":"*"}}"#
                .into(),
        }];
        assert_eq!(problems(&fake, &input()), [Code::FederationTokenNotAllowed]);
        // Every evaluation says what it did not evaluate.
        assert!(block_on(run(&Fake::healthy(), &input(), &at()))
            .iter()
            .any(|f| f.detail.contains("permission boundary")));
    }

    #[test]
    fn the_checkers_own_access_denied_is_a_skip_naming_the_permission() {
        for action in [
            "connect:DescribeInstance",
            "connect:SearchUsers",
            "iam:GetSAMLProvider",
            "iam:GetRole",
            "iam:ListRolePolicies",
        ] {
            let mut fake = Fake::healthy();
            fake.denied = vec![action];
            let findings = block_on(run(&fake, &input(), &at()));
            assert!(
                findings.iter().all(|f| f.code == Code::CheckSkipped),
                "{action}: {findings:#?}"
            );
            assert!(
                findings
                    .iter()
                    .any(|f| f.evidence.get("missing_permission") == Some(action)),
                "{action}"
            );
        }
    }

    #[test]
    fn without_an_instance_connect_checks_are_skipped() {
        let mut i = input();
        i.instance = None;
        let findings = block_on(run(&Fake::healthy(), &i, &at()));
        assert!(findings
            .iter()
            .any(|f| f.code == Code::CheckSkipped && f.detail.contains("--instance-arn")));
        assert_eq!(Fake::healthy().count("connect:DescribeInstance"), 0);
    }
}

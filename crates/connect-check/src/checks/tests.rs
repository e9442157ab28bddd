//! Tests of the account checks on an in-memory account that counts the calls made to it.

use std::cell::RefCell;
use std::collections::HashMap;

use saml_core::aws::{InstanceId, Region, RolePair};
use saml_core::{AsOf, AsOfSource, Code, Timestamp};

use super::*;
use crate::account::{
    AccessError, AccessResult, Account, Instance, Match, PolicyDocument, Role, SamlProvider, User,
    UserPage,
};

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
        let next =
            (start + self.page_size < matching.len()).then(|| (start + self.page_size).to_string());
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
        document: r#"{"Statement":{"Effect":"Deny","Action":"connect:*","Resource":"*"}}"#.into(),
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

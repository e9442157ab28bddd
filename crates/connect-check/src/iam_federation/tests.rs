//! The account checks of an IAM-federation sign-in on an in-memory account: the Connect
//! instance of `connect`'s tests (which holds to Connect's documented limits) and IAM and
//! Organizations answers, each counting the calls made to it.

use std::cell::RefCell;
use std::collections::HashMap;

use saml_core::aws::{InstanceId, Region, RolePair};
use saml_core::{AsOf, AsOfSource, Code, Timestamp};

use super::*;
use crate::access::{AccessError, AccessResult};
use crate::connect::tests::{CaseMode, FakeConnect, INSTANCE};
use crate::connect::InstanceTarget;
use crate::iam::{PolicyDocument, Role, SamlPrivateKey, SamlProvider};
use crate::organizations::OrganizationLevel;
use crate::test_support::block_on;

const ROLE: &str = "arn:aws:iam::123456789012:role/AzureAD_Agent_Role";
const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/AzureAD_Connect_Agent";
const SEED_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Statement1","Effect":"Allow","Action":"connect:GetFederationToken","Resource":["arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"]}]}"#;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/AzureAD_Connect_Agent"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#;

/// An in-memory account: Connect, and IAM and Organizations answers.
struct Fake {
    connect: FakeConnect,
    boundary: Option<PolicyDocument>,
    organization: AccessResult<Vec<OrganizationLevel>>,
    provider: Option<SamlProvider>,
    role: Option<Role>,
    inline: Vec<PolicyDocument>,
    attached: Vec<PolicyDocument>,
    denied: Vec<&'static str>,
    calls: RefCell<HashMap<&'static str, usize>>,
}

impl Fake {
    fn healthy() -> Self {
        Self::with(FakeConnect::healthy())
    }

    /// A healthy account around the Connect instance `connect`.
    fn with(connect: FakeConnect) -> Self {
        let cert = cert_b64();
        Fake {
            connect,
            boundary: None,
            organization: Err(AccessError::Denied {
                action: "organizations:ListPoliciesForTarget",
            }),
            provider: Some(SamlProvider {
                metadata_document: format!(
                    r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sts.windows.net/t/"><IDPSSODescriptor><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{cert}</X509Certificate></X509Data></KeyInfo></KeyDescriptor></IDPSSODescriptor></EntityDescriptor>"#
                ),
                valid_until: Some("2049-01-01T00:00:00Z".into()),
                ..SamlProvider::default()
            }),
            role: Some(Role {
                arn: ROLE.into(),
                role_id: "AROAEXAMPLEID123456".into(),
                trust_policy: TRUST.into(),
                max_session_duration: 43200,
                permissions_boundary: None,
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

    /// Denies `action` to the checker, whichever service it belongs to.
    fn deny(&mut self, action: &'static str) {
        self.denied.push(action);
        self.connect.denied.push(action);
    }

    fn call(&self, action: &'static str) -> AccessResult<()> {
        *self.calls.borrow_mut().entry(action).or_default() += 1;
        if self.denied.contains(&action) {
            return Err(AccessError::Denied { action });
        }
        Ok(())
    }

    fn count(&self, action: &str) -> usize {
        self.connect.count(action) + self.calls.borrow().get(action).copied().unwrap_or(0)
    }
}

impl IamApi for Fake {
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
    async fn managed_policy(&self, arn: &str) -> AccessResult<Option<PolicyDocument>> {
        self.call("iam:GetPolicy")?;
        Ok(self.boundary.clone().filter(|b| b.name.ends_with(arn)))
    }
}

impl OrganizationsApi for Fake {
    async fn service_control_policies(&self, _: &str) -> AccessResult<Vec<OrganizationLevel>> {
        self.call("organizations:ListPoliciesForTarget")?;
        self.organization.clone()
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

/// Runs every check on `fake`.
fn check(fake: &Fake, input: &Input) -> Vec<saml_core::Finding> {
    block_on(run(&fake.connect, fake, fake, input, &at()))
}

fn problems(fake: &Fake, input: &Input) -> Vec<Code> {
    check(fake, input)
        .into_iter()
        .filter(|f| f.code != Code::CheckSkipped)
        .map(|f| f.code)
        .collect()
}

#[test]
fn a_healthy_account_raises_nothing_in_few_calls() {
    let mut fake = Fake::healthy();
    // 20,000 users: the lookup must not page through them.
    fake.connect
        .users
        .extend((0..20_000).map(|i| format!("agent{i}@contoso.com")));
    assert_eq!(problems(&fake, &input()), Vec::<Code>::new());
    assert_eq!(fake.count("connect:SearchUsers"), 1, "one EXACT search");
    assert_eq!(fake.count("connect:ListUsers"), 0);
    assert_eq!(
        fake.count("connect:DescribeInstance") + fake.count("connect:SearchUsers"),
        2,
        "at most 2 Connect calls"
    );
}

#[test]
fn connect_codes() {
    let mut fake = Fake::healthy();
    fake.connect.instance = None;
    assert_eq!(problems(&fake, &input()), [Code::ConnectInstanceNotFound]);
    let mut fake = Fake::healthy();
    fake.connect
        .instance
        .as_mut()
        .unwrap()
        .identity_management_type = "CONNECT_MANAGED".into();
    assert_eq!(problems(&fake, &input()), [Code::ConnectInstanceNotSaml]);
    let mut fake = Fake::healthy();
    fake.connect.users = vec!["someone.else@contoso.com".into()];
    assert_eq!(problems(&fake, &input()), [Code::ConnectUserNotFound]);
}

#[test]
fn the_case_mismatch_finding_shows_both_spellings() {
    let fake = Fake::with(FakeConnect::with_users(
        3_000,
        &["Jane.Doe@Contoso.com"],
        CaseMode::Sensitive,
    ));
    let findings = check(&fake, &input());
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
fn encryption_mode_and_keys_against_the_assertion() {
    let key = |id: &str| SamlPrivateKey {
        key_id: id.into(),
        uploaded: Some("2026-01-01T00:00:00Z".into()),
    };
    let plaintext = Input {
        plaintext_assertion: true,
        ..input()
    };
    let encrypted = Input {
        assertion_encrypted: true,
        decrypted_with: Some("AB:CD".into()),
        ..input()
    };
    let provider = |mode: Option<&str>, keys: Vec<SamlPrivateKey>| {
        let mut fake = Fake::healthy();
        let p = fake.provider.as_mut().unwrap();
        p.assertion_encryption_mode = mode.map(str::to_owned);
        p.private_keys = keys;
        fake
    };
    // Never set, or Allowed: a plaintext assertion is fine.
    assert_eq!(problems(&provider(None, vec![]), &plaintext), []);
    assert_eq!(
        problems(&provider(Some("Allowed"), vec![key("K1")]), &plaintext),
        []
    );
    // Required refuses a plaintext assertion; without a key, every assertion.
    assert_eq!(
        problems(&provider(Some("Required"), vec![key("K1")]), &plaintext),
        [Code::IamProviderRequiresEncryption]
    );
    assert_eq!(
        problems(&provider(Some("REQUIRED"), vec![]), &plaintext),
        [
            Code::IamProviderRequiresEncryption,
            Code::IamProviderEncryptionKeyMissing
        ]
    );
    assert_eq!(
        problems(&provider(Some("Required"), vec![]), &encrypted),
        [Code::IamProviderEncryptionKeyMissing]
    );
    // An encrypted assertion and no key to open it, whatever the mode.
    for mode in [None, Some("Allowed")] {
        assert_eq!(
            problems(&provider(mode, vec![]), &encrypted),
            [Code::IamProviderNoDecryptionKey]
        );
    }
    // Keys are held: which one is the key given cannot be read (KeyId is not derived from it).
    let findings = check(
        &provider(Some("Required"), vec![key("K1"), key("K2")]),
        &encrypted,
    );
    let skip = findings
        .iter()
        .find(|f| f.check == Some(saml_core::Check::IamProviderDecryptionKey))
        .unwrap();
    assert!(
        skip.detail
            .contains("KeyId K1 uploaded 2026-01-01T00:00:00Z")
            && skip.detail.contains("KeyId K2")
            && skip.detail.contains("AB:CD"),
        "{}",
        skip.detail
    );
    assert!(findings.iter().all(|f| f.code == Code::CheckSkipped));
}

#[test]
fn federation_token_codes() {
    let mut fake = Fake::healthy();
    fake.inline.clear();
    assert_eq!(problems(&fake, &input()), [Code::FederationTokenNotAllowed]);
    let mut fake = Fake::healthy();
    fake.inline[0].document = SEED_POLICY.replace("us-east-1", "eu-west-2");
    let findings = check(&fake, &input());
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
    // What could not be evaluated is said, once: organization policies the caller may not read.
    let skips: Vec<_> = check(&Fake::healthy(), &input())
        .into_iter()
        .filter(|f| f.code == Code::CheckSkipped)
        .collect();
    assert_eq!(skips.len(), 1, "{skips:#?}");
    assert!(skips[0]
        .detail
        .contains("organizations:ListPoliciesForTarget"));
    assert_eq!(
        skips[0].evidence.get("missing_permission"),
        Some("organizations:ListPoliciesForTarget")
    );
}

const BOUNDARY: &str = "arn:aws:iam::123456789012:policy/AgentBoundary";

#[test]
fn a_permissions_boundary_must_allow_too() {
    let with_boundary = |document: &str| {
        let mut fake = Fake::healthy();
        fake.role.as_mut().unwrap().permissions_boundary = Some(BOUNDARY.into());
        fake.boundary = Some(PolicyDocument {
            name: format!("managed policy {BOUNDARY}"),
            document: document.into(),
        });
        fake
    };
    let allows = with_boundary(
        r#"{"Statement":{"Effect":"Allow","Action":["connect:*","sts:*"],"Resource":"*"}}"#,
    );
    assert_eq!(problems(&allows, &input()), Vec::<Code>::new());
    assert_eq!(allows.count("iam:GetPolicy"), 1);
    for blocking in [
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"connect:GetFederationToken","Resource":"*"}]}"#,
    ] {
        let fake = with_boundary(blocking);
        let findings = check(&fake, &input());
        let f = findings
            .iter()
            .find(|f| f.code == Code::FederationTokenNotAllowed)
            .unwrap_or_else(|| panic!("{findings:#?}"));
        assert!(f.detail.contains(BOUNDARY), "{}", f.detail);
        assert_eq!(f.evidence.get("permissions_boundary"), Some(BOUNDARY));
    }
    // No identity allow: one finding about the policies, not a second about the boundary.
    let mut fake =
        with_boundary(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
    fake.inline.clear();
    assert_eq!(problems(&fake, &input()), [Code::FederationTokenNotAllowed]);
}

#[test]
fn readable_organization_policies_are_evaluated_level_by_level() {
    let policy = |name: &str, doc: &str| PolicyDocument {
        name: name.into(),
        document: doc.into(),
    };
    const FULL: &str = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    let level = |target: &str, policies: Vec<PolicyDocument>| OrganizationLevel {
        target: target.into(),
        policies,
    };
    let run_with = |levels: Vec<OrganizationLevel>| {
        let mut fake = Fake::healthy();
        fake.organization = Ok(levels);
        check(&fake, &input())
    };
    // FullAWSAccess at every level: allowed, and nothing is left unsaid.
    let findings = run_with(vec![
        level("r-root", vec![policy("FullAWSAccess", FULL)]),
        level("ou-agents", vec![policy("FullAWSAccess", FULL)]),
        level("123456789012", vec![policy("FullAWSAccess", FULL)]),
    ]);
    assert!(findings.is_empty(), "{findings:#?}");
    // No organization policy applies (management account, or no organization).
    assert!(run_with(vec![]).is_empty());
    // An OU whose only policy allows S3 blocks it, though root and account allow everything.
    let findings = run_with(vec![
        level("r-root", vec![policy("FullAWSAccess", FULL)]),
        level(
            "ou-agents",
            vec![policy(
                "S3Only",
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            )],
        ),
        level("123456789012", vec![policy("FullAWSAccess", FULL)]),
    ]);
    let f = findings
        .iter()
        .find(|f| f.code == Code::FederationTokenNotAllowed)
        .unwrap();
    assert_eq!(f.evidence.get("organization_target"), Some("ou-agents"));
    // An explicit Deny at the account level wins over FullAWSAccess beside it.
    let findings = run_with(vec![
        level("r-root", vec![policy("FullAWSAccess", FULL)]),
        level(
            "123456789012",
            vec![
                policy("FullAWSAccess", FULL),
                policy(
                    "DenyConnect",
                    r#"{"Statement":{"Effect":"Deny","Action":"connect:*","Resource":"*"}}"#,
                ),
            ],
        ),
    ]);
    let f = findings
        .iter()
        .find(|f| f.code == Code::FederationTokenNotAllowed)
        .unwrap();
    assert!(f.detail.contains("DenyConnect"), "{}", f.detail);
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
        fake.deny(action);
        let findings = check(&fake, &input());
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
fn a_denied_list_users_is_a_skip_not_a_verdict() {
    let mut fake = Fake::with(FakeConnect::with_users(
        10,
        &["Jane.Doe@Contoso.com"],
        CaseMode::Sensitive,
    ));
    fake.deny("connect:ListUsers");
    let findings = check(&fake, &input());
    assert!(!findings.iter().any(|f| f.code == Code::ConnectUserNotFound));
    assert!(findings
        .iter()
        .any(|f| f.evidence.get("missing_permission") == Some("connect:ListUsers")));
}

#[test]
fn without_an_instance_connect_checks_are_skipped() {
    let mut i = input();
    i.instance = None;
    let findings = check(&Fake::healthy(), &i);
    assert!(findings
        .iter()
        .any(|f| f.code == Code::CheckSkipped && f.detail.contains("--instance-arn")));
    assert_eq!(Fake::healthy().count("connect:DescribeInstance"), 0);
}

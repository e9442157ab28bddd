//! Tests of the account checks on an in-memory account that counts the calls made to it.

use std::cell::RefCell;
use std::collections::HashMap;

use saml_core::aws::{InstanceId, Region, RolePair};
use saml_core::{AsOf, AsOfSource, Code, Timestamp};

use super::connect::UserLookup;
use super::*;
use crate::account::{
    AccessError, AccessResult, Account, Instance, Match, OrganizationLevel, PolicyDocument, Role,
    SamlProvider, User, UserPage,
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

/// How the fake's SearchUsers compares CONTAINS values: the API reference does not say, so
/// every lookup test runs in both modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseMode {
    Sensitive,
    Insensitive,
    /// Case-sensitive, with unrelated users mixed into every CONTAINS answer (a search that
    /// ranks rather than filters): the code must not read them as evidence of case folding.
    SensitiveNoisy,
}

/// An in-memory account that counts the calls made to it and holds to the documented limits of
/// the API: EXACT is case-sensitive, CONTAINS values outside 2–25 characters match nothing (and
/// are counted, so tests can assert none is sent), SearchUsers pages hold at most 500 users
/// (its MaxResults), ListUsers pages at most 1,000.
struct Fake {
    instance: Option<Instance>,
    users: Vec<String>,
    page_size: usize,
    case: CaseMode,
    out_of_limit: RefCell<usize>,
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
            case: CaseMode::Sensitive,
            out_of_limit: RefCell::new(0),
            boundary: None,
            organization: Err(AccessError::Denied {
                action: "organizations:ListPoliciesForTarget",
            }),
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
        value: &str,
        how: Match,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        self.call("connect:SearchUsers")?;
        let len = value.chars().count();
        if how == Match::Contains && !(2..=25).contains(&len) {
            *self.out_of_limit.borrow_mut() += 1;
            return Ok(UserPage::default());
        }
        let folded = value.to_lowercase();
        let matching: Vec<&String> = self
            .users
            .iter()
            .enumerate()
            .filter(|(i, u)| match (how, self.case) {
                (Match::Exact, _) => *u == value,
                (Match::Contains, CaseMode::Sensitive) => u.contains(value),
                (Match::Contains, CaseMode::SensitiveNoisy) => u.contains(value) || *i < 3,
                (Match::Contains, CaseMode::Insensitive) => u.to_lowercase().contains(&folded),
            })
            .map(|(_, u)| u)
            .collect();
        Ok(page_of(&matching, self.page_size.min(500), next_token))
    }
    async fn list_users(&self, _: &str, next_token: Option<String>) -> AccessResult<UserPage> {
        self.call("connect:ListUsers")?;
        let all: Vec<&String> = self.users.iter().collect();
        Ok(page_of(&all, 1000, next_token))
    }
    async fn managed_policy(&self, arn: &str) -> AccessResult<Option<PolicyDocument>> {
        self.call("iam:GetPolicy")?;
        Ok(self.boundary.clone().filter(|b| b.name.ends_with(arn)))
    }
    async fn organization_policies(&self, _: &str) -> AccessResult<Vec<OrganizationLevel>> {
        self.call("organizations:ListPoliciesForTarget")?;
        self.organization.clone()
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

/// One page of `users` from the offset the token holds.
fn page_of(users: &[&String], size: usize, next_token: Option<String>) -> UserPage {
    let start: usize = next_token.map(|t| t.parse().unwrap()).unwrap_or(0);
    UserPage {
        users: users
            .iter()
            .skip(start)
            .take(size)
            .map(|u| User {
                username: (*u).clone(),
                id: "u".into(),
            })
            .collect(),
        next_token: (start + size < users.len()).then(|| (start + size).to_string()),
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
    fake.instance = None;
    assert_eq!(problems(&fake, &input()), [Code::ConnectInstanceNotFound]);
    let mut fake = Fake::healthy();
    fake.instance.as_mut().unwrap().identity_management_type = "CONNECT_MANAGED".into();
    assert_eq!(problems(&fake, &input()), [Code::ConnectInstanceNotSaml]);
    let mut fake = Fake::healthy();
    fake.users = vec!["someone.else@contoso.com".into()];
    assert_eq!(problems(&fake, &input()), [Code::ConnectUserNotFound]);
}

/// A 40-character e-mail address as RoleSessionName: over the 25-character CONTAINS limit.
const LONG_NAME: &str = "jane.doe-smithson.contractor@contoso.com";

/// `users` agents plus `extra`, on an instance whose CONTAINS compares as `case` does.
fn instance_with(users: usize, extra: &[&str], case: CaseMode) -> Fake {
    let mut fake = Fake::healthy();
    fake.case = case;
    fake.users = (0..users)
        .map(|i| format!("agent{i}@contoso.com"))
        .collect();
    fake.users.extend(extra.iter().map(|u| (*u).to_owned()));
    fake
}

/// The user lookup alone: its answer and the Connect user calls it made.
fn lookup(fake: &Fake, name: &str) -> (UserLookup, usize) {
    let found = block_on(connect::find_user(fake, INSTANCE, name)).unwrap();
    assert_eq!(
        *fake.out_of_limit.borrow(),
        0,
        "a CONTAINS value outside 2–25 characters was sent"
    );
    (
        found,
        fake.count("connect:SearchUsers") + fake.count("connect:ListUsers"),
    )
}

const MODES: [CaseMode; 3] = [
    CaseMode::Sensitive,
    CaseMode::Insensitive,
    CaseMode::SensitiveNoisy,
];

#[test]
fn a_healthy_lookup_at_20000_users_takes_at_most_two_calls() {
    for case in MODES {
        for name in ["jane.doe@contoso.com", LONG_NAME] {
            let fake = instance_with(20_000, &[name], case);
            let (found, calls) = lookup(&fake, name);
            assert_eq!(found, UserLookup::Exact, "{case:?} {name}");
            assert!(calls <= 2, "{case:?} {name}: {calls} calls");
        }
    }
}

#[test]
fn a_case_mismatch_of_a_long_name_on_3000_users_takes_at_most_eight_calls() {
    let spellings = [
        "Jane.Doe-Smithson.Contractor@Contoso.com",
        "JANE.DOE-SMITHSON.CONTRACTOR@CONTOSO.COM",
        "jane.doe-smithson.contractor@contoso.com",
    ];
    for case in MODES {
        for stored in spellings {
            for sent in spellings.iter().filter(|s| **s != stored) {
                let fake = instance_with(3_000, &[stored], case);
                let (found, calls) = lookup(&fake, sent);
                assert_eq!(
                    found,
                    UserLookup::OnlyCaseInsensitive(stored.to_owned()),
                    "{case:?}: sent {sent}, stored {stored}"
                );
                assert!(
                    calls <= 8,
                    "{case:?}: sent {sent}, stored {stored}: {calls} calls"
                );
            }
        }
    }
}

#[test]
fn a_user_who_does_not_exist_is_reported_at_any_size() {
    for case in MODES {
        for size in [0, 1, 999, 1_000, 1_001, 3_000, 20_000] {
            for name in ["jane.doe@contoso.com", LONG_NAME, "ab"] {
                // Near misses that a sloppy comparison would take for the user.
                let near = [
                    format!("x{name}"),
                    format!("{name}.old"),
                    name[..name.len() - 1].to_owned(),
                ];
                let near: Vec<&str> = near.iter().map(String::as_str).collect();
                let fake = instance_with(size, &near, case);
                let (found, _) = lookup(&fake, name);
                assert_eq!(found, UserLookup::None, "{case:?} {size} {name}");
            }
        }
    }
}

#[test]
fn a_case_insensitive_service_settles_absence_without_listing_everyone() {
    // Agents named like the user in another case show the service ignores case.
    let fake = instance_with(20_000, &["JANE.DOE@CONTOSO.COM.OLD"], CaseMode::Insensitive);
    let (found, calls) = lookup(&fake, "jane.doe@contoso.com");
    assert_eq!(found, UserLookup::None);
    assert!(calls <= 3, "{calls} calls");
    assert_eq!(fake.count("connect:ListUsers"), 0);
}

#[test]
fn names_at_the_contains_limits_are_searched_within_them() {
    for case in MODES {
        for len in [2, 24, 25, 26, 64] {
            let name: String = "Ab".repeat(40).chars().take(len).collect();
            let stored = name.to_lowercase();
            let fake = instance_with(50, &[&stored], case);
            let (found, _) = lookup(&fake, &name);
            assert_eq!(
                found,
                UserLookup::OnlyCaseInsensitive(stored),
                "{case:?} {len}"
            );
        }
    }
    assert!(connect::contains_values("a").is_empty());
    assert!(connect::contains_values(LONG_NAME)
        .iter()
        .all(|v| v.chars().count() == 25));
}

#[test]
fn the_case_mismatch_finding_shows_both_spellings() {
    let fake = instance_with(3_000, &["Jane.Doe@Contoso.com"], CaseMode::Sensitive);
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
    // What could not be evaluated is said, once: organization policies the caller may not read.
    let skips: Vec<_> = block_on(run(&Fake::healthy(), &input(), &at()))
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
        let findings = block_on(run(&fake, &input(), &at()));
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
        block_on(run(&fake, &input(), &at()))
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
fn a_denied_list_users_is_a_skip_not_a_verdict() {
    let mut fake = instance_with(10, &["Jane.Doe@Contoso.com"], CaseMode::Sensitive);
    fake.denied = vec!["connect:ListUsers"];
    let findings = block_on(run(&fake, &input(), &at()));
    assert!(!findings.iter().any(|f| f.code == Code::ConnectUserNotFound));
    assert!(findings
        .iter()
        .any(|f| f.evidence.get("missing_permission") == Some("connect:ListUsers")));
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

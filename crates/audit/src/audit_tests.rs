//! Whole-account audits on the in-memory fake (crate::fake), which keeps the documented page
//! sizes and tokens: one account holding every provider, trust-policy and username fault beside
//! healthy ones (each fault found once, on its resource; nothing on the healthy ones), refused and
//! throttled calls, unreachable accounts, and an organization listed and audited member by member.

use std::collections::BTreeSet;
use std::rc::Rc;

use saml_core::aws::{AccountId, Partition};
use saml_core::Code;

use super::*;
use crate::expect::{ExpectedNames, HeaderLine};
use crate::fake::{FakeAccount, FakeOrganization, Paging};
use crate::idp::tests::{at, fixture, idp};
use crate::idp::IdpSet;
use crate::model::{
    AssertionEncryptionMode, OrganizationAccount, RoleEntry, SamlProviderDetail, SamlProviderEntry,
    UserSummary,
};
use crate::report::{resource_of, OrganizationReport};

const ACCOUNT: &str = "111122223333";
const INSTANCE_ID: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const GLOBAL: &str = "https://signin.aws.amazon.com/saml";

fn ctx() -> AccountContext {
    AccountContext::new(AccountId::parse(ACCOUNT).unwrap(), Partition::Aws)
}

fn provider_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:saml-provider/{name}")
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

fn instance_arn(id: &str) -> String {
    format!("arn:aws:connect:eu-west-2:{ACCOUNT}:instance/{id}")
}

fn provider(name: &str, file: &str) -> (SamlProviderEntry, SamlProviderDetail) {
    (
        SamlProviderEntry {
            arn: provider_arn(name),
            valid_until: None,
            create_date: None,
        },
        SamlProviderDetail {
            saml_provider_uuid: Some(format!("SAMLSP{}", name.to_ascii_uppercase())),
            saml_metadata_document: fixture(file),
            ..SamlProviderDetail::default()
        },
    )
}

fn role(name: &str, document: String) -> RoleEntry {
    RoleEntry {
        arn: role_arn(name),
        role_name: name.into(),
        role_id: format!("AROA{}", name.to_ascii_uppercase()),
        path: "/".into(),
        // As IAM answers it: URL-encoded.
        assume_role_policy_document: Some(saml_core::aws::endpoints::encode_path(&document)),
        max_session_duration: Some(3600),
    }
}

fn saml_role(name: &str, provider: &str, action: &str, aud: &str) -> RoleEntry {
    role(
        name,
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{}"}}, "Action": "{action}", "Condition": {{"StringEquals": {{"SAML:aud": {aud}}}}}}}]}}"#,
            provider_arn(provider)
        ),
    )
}

fn service_role(i: usize) -> RoleEntry {
    role(
        &format!("lambda-{i}"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#.into(),
    )
}

fn instance(id: &str, kind: &str) -> InstanceSummary {
    InstanceSummary {
        id: id.into(),
        arn: instance_arn(id),
        identity_management_type: Some(kind.into()),
        instance_alias: None,
        instance_status: Some("ACTIVE".into()),
    }
}

fn user(i: usize, username: &str) -> UserSummary {
    UserSummary {
        id: format!("u{i}"),
        arn: format!("{}/agent/u{i}", instance_arn(INSTANCE_ID)),
        username: username.into(),
    }
}

const NAMED_USERS: [&str; 5] = [
    "jane@contoso.com",
    "Jane@contoso.com",
    "bob@contoso.com",
    "Ann@contoso.com",
    "jane_gmail.com#EXT#@contoso.onmicrosoft.com",
];
const FILLER_USERS: usize = 2500;
const FILLER_ROLES: usize = 2300;

/// One account with every fault beside healthy resources, paged the hard way.
fn account() -> FakeAccount {
    let mut encrypted = provider("Encrypted", "provider-two.xml");
    encrypted.1.assertion_encryption_mode = Some(AssertionEncryptionMode::Required);
    let providers = vec![
        provider("TwoCerts", "provider-two.xml"),
        provider("CurrentOnly", "provider-current.xml"),
        provider("OldOnly", "provider-old.xml"),
        provider("Expired", "provider-expired.xml"),
        provider("OtherTenant", "provider-other-entity.xml"),
        provider("Okta", "provider-okta.xml"),
        encrypted,
    ];
    let global = format!(r#""{GLOBAL}""#);
    let mut roles = vec![
        saml_role("Healthy", "TwoCerts", "sts:AssumeRoleWithSAML", &global),
        saml_role(
            "Regional",
            "CurrentOnly",
            "sts:AssumeRoleWithSAML",
            &format!(r#"["{GLOBAL}", "https://eu-west-2.signin.aws.amazon.com/saml"]"#),
        ),
        saml_role("Deleted", "Gone", "sts:AssumeRoleWithSAML", &global),
        saml_role(
            "WebIdentity",
            "OldOnly",
            "sts:AssumeRoleWithWebIdentity",
            &global,
        ),
        saml_role(
            "TypoAud",
            "Expired",
            "sts:AssumeRoleWithSAML",
            r#""https://signin.aws.amazon.com/saml/""#,
        ),
        saml_role(
            "OtherTenantRole",
            "OtherTenant",
            "sts:AssumeRoleWithSAML",
            &global,
        ),
        saml_role(
            "EncryptedRole",
            "Encrypted",
            "sts:AssumeRoleWithSAML",
            r#""https://eu-west-2.signin.aws.amazon.com/saml/acs/SAMLSPENCRYPTED""#,
        ),
    ];
    roles.extend((0..FILLER_ROLES).map(service_role));
    let mut instances = vec![instance(INSTANCE_ID, "SAML")];
    // Not SAML: never listed (the fake has no users for them, so a ListUsers would fail).
    instances.extend((0..11).map(|i| {
        instance(
            &format!("{i:08}-0000-0000-0000-000000000000"),
            "CONNECT_MANAGED",
        )
    }));
    let mut users: Vec<UserSummary> = NAMED_USERS
        .iter()
        .enumerate()
        .map(|(i, n)| user(i, n))
        .collect();
    users.extend((0..FILLER_USERS).map(|i| user(100 + i, &format!("agent{i}@contoso.com"))));
    FakeAccount {
        providers,
        roles,
        instances,
        users: [(INSTANCE_ID.to_owned(), users)].into(),
        iam_paging: Paging {
            cap: Some(100),
            empty_pages: false,
        },
        connect_paging: Paging {
            cap: None,
            empty_pages: true,
        },
        ..FakeAccount::default()
    }
}

fn options() -> AuditOptions {
    let mut o = AuditOptions::new(at());
    o.idps = IdpSet::new(vec![idp("idp-rollover.xml")]).unwrap();
    o.expect = Some(
        ExpectedNames::parse(
            "people.csv",
            b"RoleSessionName\njane@contoso.com\nbob@contoso.com\nann@contoso.com\nmissing@contoso.com\n",
            HeaderLine::Auto,
        )
        .unwrap(),
    );
    o
}

fn run(account: &FakeAccount, options: &AuditOptions) -> AccountReport {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(audit_account(&ctx(), account, options))
}

fn pairs(report: &AccountReport) -> BTreeSet<(String, String)> {
    report
        .findings
        .iter()
        .map(|f| (f.code.as_str().to_owned(), resource_of(f).to_owned()))
        .collect()
}

fn skips(report: &AccountReport) -> Vec<&Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.code == Code::CheckSkipped)
        .collect()
}

fn pair(code: Code, resource: &str) -> (String, String) {
    (code.as_str().to_owned(), resource.to_owned())
}

#[test]
fn every_fault_once_on_its_resource_and_nothing_on_the_healthy() {
    let fake = account();
    let report = run(&fake, &options());
    assert_eq!(fake.violations(), Vec::<String>::new());
    let user_arn = |i: usize| format!("{}/agent/u{i}", instance_arn(INSTANCE_ID));
    let expected: BTreeSet<(String, String)> = [
        pair(
            Code::IamProviderMissingNextCert,
            &provider_arn("CurrentOnly"),
        ),
        pair(Code::IamProviderMetadataExpiring, &provider_arn("OldOnly")),
        pair(
            Code::IamProviderMissingCurrentCert,
            &provider_arn("OldOnly"),
        ),
        pair(Code::IamProviderMissingNextCert, &provider_arn("OldOnly")),
        pair(Code::IamProviderExpired, &provider_arn("Expired")),
        pair(Code::IamProviderMissingNextCert, &provider_arn("Expired")),
        pair(
            Code::IamProviderEntityIdMismatch,
            &provider_arn("OtherTenant"),
        ),
        pair(
            Code::IamProviderEncryptionKeyMissing,
            &provider_arn("Encrypted"),
        ),
        pair(Code::TrustPolicyProviderNotFound, &role_arn("Deleted")),
        pair(Code::IamTrustPolicyDenies, &role_arn("WebIdentity")),
        pair(Code::TrustPolicySamlAudNotAws, &role_arn("TypoAud")),
        pair(Code::IamProviderNotTrusted, &provider_arn("OldOnly")),
        pair(Code::IamProviderNotTrusted, &provider_arn("Expired")),
        pair(Code::IamProviderNotTrusted, &provider_arn("Okta")),
        pair(Code::ConnectUsernameNotSessionName, &user_arn(4)),
        pair(
            Code::ConnectUsernamesDifferInCase,
            &instance_arn(INSTANCE_ID),
        ),
        pair(Code::ConnectUserCaseMismatch, &user_arn(3)),
        pair(Code::ConnectUserNotFound, &instance_arn(INSTANCE_ID)),
    ]
    .into();
    assert_eq!(pairs(&report), expected, "{:#?}", report.findings);
    assert_eq!(
        report.findings.len(),
        expected.len(),
        "one finding per fault"
    );
    // Every finding names the account; worst first.
    assert!(report
        .findings
        .iter()
        .all(|f| f.evidence.get("account") == Some(ACCOUNT)));
    assert!(report
        .findings
        .windows(2)
        .all(|w| w[0].severity <= w[1].severity));
    // Every page was read, within the limits: roles 100 a page (IAM's short pages), users 1,000
    // a page with an empty page before each, instances 10 a page.
    let roles = FILLER_ROLES + 7;
    assert_eq!(fake.calls("iam:ListRoles"), roles.div_ceil(100));
    assert_eq!(fake.calls("iam:GetSAMLProvider"), 7);
    let users = NAMED_USERS.len() + FILLER_USERS;
    assert_eq!(fake.calls("connect:ListUsers"), 2 * users.div_ceil(1000));
    assert_eq!(fake.calls("connect:ListInstances"), 2 * 2);
}

#[test]
fn a_healthy_account_has_no_finding() {
    let fake = FakeAccount {
        providers: vec![provider("TwoCerts", "provider-two.xml")],
        roles: vec![
            saml_role(
                "Healthy",
                "TwoCerts",
                "sts:AssumeRoleWithSAML",
                &format!(r#""{GLOBAL}""#),
            ),
            service_role(0),
        ],
        instances: vec![instance(INSTANCE_ID, "SAML")],
        users: [(
            INSTANCE_ID.to_owned(),
            vec![
                user(0, "jane@contoso.com"),
                user(1, "bob@contoso.com"),
                user(2, "ann@contoso.com"),
                user(3, "missing@contoso.com"),
            ],
        )]
        .into(),
        ..FakeAccount::default()
    };
    let report = run(&fake, &options());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[test]
fn a_refused_listing_is_a_skip_and_the_rest_goes_on() {
    let mut fake = account();
    fake.refuse = vec!["iam:ListSAMLProviders"];
    let report = run(&fake, &options());
    let skips = skips(&report);
    assert_eq!(skips.len(), 1);
    assert_eq!(
        skips[0].evidence.get("refused_call"),
        Some("iam:ListSAMLProviders")
    );
    assert_eq!(
        skips[0].evidence.get("missing_permission"),
        Some("iam:ListSAMLProviders")
    );
    let codes = pairs(&report);
    // Trust policies are still judged; what needs the provider list is not claimed.
    assert!(codes.contains(&pair(Code::IamTrustPolicyDenies, &role_arn("WebIdentity"))));
    assert!(codes.contains(&pair(Code::TrustPolicySamlAudNotAws, &role_arn("TypoAud"))));
    assert!(!codes
        .iter()
        .any(|(c, _)| c == "trust_policy_provider_not_found" || c == "iam_provider_not_trusted"));
    assert!(codes.contains(&pair(Code::ConnectUserNotFound, &instance_arn(INSTANCE_ID))));
}

#[test]
fn one_provider_that_cannot_be_read_is_named() {
    let mut fake = account();
    fake.throttle = vec!["iam:GetSAMLProvider"];
    let report = run(&fake, &options());
    let skips = skips(&report);
    assert_eq!(skips.len(), 7, "one per provider");
    assert!(skips.iter().all(
        |f| f.evidence.get("refused_call") == Some("iam:GetSAMLProvider")
            && f.evidence.get("missing_permission").is_none()
    ));
    // The providers are known to exist: the deleted one is still the only one not found.
    let not_found = pairs(&report)
        .iter()
        .filter(|(c, _)| c == "trust_policy_provider_not_found")
        .count();
    assert_eq!(not_found, 1);
}

#[test]
fn an_account_nothing_of_which_can_be_read_is_one_skip() {
    let mut fake = account();
    fake.refuse = vec![
        "iam:ListSAMLProviders",
        "iam:ListRoles",
        "connect:ListInstances",
    ];
    let report = run(&fake, &options());
    assert!(report.is_unreachable(), "{:#?}", report.findings);
    let f = &report.findings[0];
    assert_eq!(f.evidence.get("account"), Some(ACCOUNT));
    assert_eq!(
        f.evidence.get("refused_call"),
        Some("iam:ListSAMLProviders")
    );
    assert_eq!(
        f.evidence.get("refused_calls"),
        Some("iam:ListSAMLProviders iam:ListRoles connect:ListInstances")
    );
}

#[test]
fn users_that_cannot_be_listed_leave_the_expected_names_unchecked() {
    let mut fake = account();
    fake.throttle = vec!["connect:ListUsers"];
    let report = run(&fake, &options());
    let connect: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| resource_of(f).starts_with("arn:aws:connect"))
        .collect();
    assert_eq!(connect.len(), 2, "{connect:#?}");
    assert!(connect.iter().all(|f| f.code == Code::CheckSkipped));
    assert!(connect
        .iter()
        .any(|f| f.evidence.get("refused_call") == Some("connect:ListUsers")));
    assert!(connect
        .iter()
        .any(|f| f.detail.contains("people.csv were not checked")));
}

#[test]
fn a_provider_deleted_after_it_was_listed_does_not_exist() {
    let mut fake = account();
    fake.vanished = vec![provider_arn("TwoCerts")];
    let report = run(&fake, &options());
    let found = pairs(&report);
    assert!(found.contains(&pair(
        Code::TrustPolicyProviderNotFound,
        &role_arn("Healthy")
    )));
    assert!(!found.iter().any(|(_, r)| *r == provider_arn("TwoCerts")));
}

fn member(id: &str) -> OrganizationAccount {
    OrganizationAccount {
        id: id.into(),
        arn: format!("arn:aws:organizations::999999999999:account/o-abc/{id}"),
        name: None,
        status: Some("ACTIVE".into()),
        state: Some(
            if id.ends_with('9') {
                "SUSPENDED"
            } else {
                "ACTIVE"
            }
            .into(),
        ),
    }
}

#[test]
fn an_organization_is_listed_and_audited_member_by_member() {
    let ids: Vec<String> = (0..45)
        .map(|i| format!("{:012}", 100_000_000_000u64 + i))
        .collect();
    let healthy = Rc::new(FakeAccount::default());
    let faulty = Rc::new(account());
    let mut org = FakeOrganization {
        accounts: ids.iter().map(|id| member(id)).collect(),
        paging: Paging {
            cap: None,
            empty_pages: true,
        },
        ..FakeOrganization::default()
    };
    // Every member reachable but the last two; one of them faulty.
    for id in &ids[..43] {
        let account = if id.ends_with("07") {
            faulty.clone()
        } else {
            healthy.clone()
        };
        org.members.insert(id.clone(), account);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let listed = rt.block_on(list_member_accounts(&org)).unwrap();
    assert_eq!(listed.len(), 45);
    assert_eq!(org.calls.violations.borrow().len(), 0);
    // 20 a page, each after an empty page.
    assert_eq!(
        org.calls.count.borrow()["organizations:ListAccounts"],
        2 * 3
    );
    let active: Vec<_> = listed.iter().filter(|a| a.is_active()).collect();
    assert_eq!(active.len(), 41);

    let mut report = OrganizationReport::new();
    let mut options = options();
    options.expect = None;
    for a in &active {
        let ctx = AccountContext::new(AccountId::parse(&a.id).unwrap(), Partition::Aws);
        report.add(rt.block_on(audit_member(&org, &ctx, &options)));
    }
    let s = report.summary();
    assert_eq!(s.accounts_audited, 41);
    assert_eq!(s.accounts_unreachable, 2);
    assert_eq!(s.accounts_healthy, 41 - 2 - 1);
    let order: Vec<&str> = report
        .accounts()
        .iter()
        .map(|a| a.account.as_str())
        .collect();
    assert_eq!(order, ["100000000007", "100000000043", "100000000044"]);
    let unreachable = &report.accounts()[1].findings[0];
    assert_eq!(
        unreachable.evidence.get("refused_call"),
        Some("sts:AssumeRole")
    );
    assert_eq!(unreachable.evidence.get("account"), Some("100000000043"));
}

#[test]
fn an_organization_that_cannot_be_listed_says_why() {
    let org = FakeOrganization {
        refuse: vec!["organizations:ListAccounts"],
        ..FakeOrganization::default()
    };
    let err = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(list_member_accounts(&org))
        .unwrap_err();
    assert_eq!(
        err,
        MemberListError::Access(AccessError::Denied {
            action: "organizations:ListAccounts"
        })
    );
}

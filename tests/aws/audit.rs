//! `saml-doctor audit --aws` against moto as the real IAM, Organizations and STS (moto's server on
//! 127.0.0.1, MOTO_ENDPOINT, started by .ci/run). The test builds an organization: a management
//! account with the auditing user, and member accounts reached by assuming the role
//! `audit/SamlDoctorAudit` in each:
//! - `rollover`: SAML providers holding a current-only, an old-only, an expired, an expiring, a
//!   two-certificate, another tenant's and an encrypted-assertion metadata, and an Okta one no role
//!   trusts; roles
//!   with each trust-policy fault (a deleted provider, no sts:AssumeRoleWithSAML, a SAML:aud that is
//!   no AWS endpoint) beside healthy ones; a SAML Connect instance whose users break each rule;
//! - `healthy`: a two-certificate provider, the role trusting it, and the expected users;
//! - `unreadable`: its audit role may not call iam:ListRoles;
//! - and the management account, whose audit role does not trust the auditor (StackSets do not
//!   deploy into the management account: a common gap): AssumeRole is refused. (moto evaluates
//!   trust policies only for roles of the caller's own account, so the refused account is that
//!   one.)
//!
//! The auditor's and the member role's policies are the binary's own `aws-policy --for
//! audit-organization` output, and moto enforces them: its request authorization is on while the
//! binary runs, so every refusal here is moto's. moto 5.2.1 does not keep a provider's
//! AssertionEncryptionMode: a proxy in front of its IAM adds `Required` for one provider (see
//! aws/audit/iam_proxy.rs). moto has no Connect user API: Connect is a fake that keeps the
//! documented paging (aws/audit/connect_fake.rs).
//!
//! The HTML report is left in target/browser/ for the browser test (tests/browser/check.mjs).
//!
//! Without MOTO_ENDPOINT the test says it did not run, and fails if SAML_DOCTOR_REQUIRE_MOTO is
//! set (as CI sets it).

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

use crate::support::root;

#[path = "audit/connect_fake.rs"]
mod connect_fake;
#[path = "audit/http.rs"]
mod http;
#[path = "audit/iam_proxy.rs"]
mod iam_proxy;
#[path = "audit/moto.rs"]
mod moto;

use connect_fake::{ConnectFake, Instance};
use moto::Moto;

const ROLE: &str = "audit/SamlDoctorAudit";
const AT: &str = "2026-06-01T00:00:00Z";
const GLOBAL: &str = "https://signin.aws.amazon.com/saml";
/// A value an account can hold (a trust policy's SAML:aud) written to break out of the page.
const HOSTILE: &str = "\"><script>window.__pwned='aud'</script><img src=x onerror=alert(1)>";
const SAML_INSTANCE: &str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

/// The binary's output of `args`, parsed.
fn saml_doctor_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Where the binary calls AWS, and as whom.
struct Endpoints {
    moto: String,
    iam: String,
    connect: String,
}

/// Runs `audit --aws` with `args` as the key (`key`, `secret`): exit status, stdout, stderr.
fn audit(at: &Endpoints, key: &(String, String), args: &[&str]) -> (i32, String, String) {
    let empty = root().join("tests/fixtures/aws-config-empty");
    let out = Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(["audit", "--aws", "--at", AT])
        .args(args)
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_ACCESS_KEY_ID", &key.0)
        .env("AWS_SECRET_ACCESS_KEY", &key.1)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL_STS", &at.moto)
        .env("AWS_ENDPOINT_URL_ORGANIZATIONS", &at.moto)
        .env("AWS_ENDPOINT_URL_IAM", &at.iam)
        .env("AWS_ENDPOINT_URL_CONNECT", &at.connect)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn audit_json(at: &Endpoints, key: &(String, String), args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, stdout, stderr) = audit(at, key, &all);
    let report =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (code, report)
}

/// The account's findings in `report`, as (code, resource).
fn findings_of(report: &Value, account: &str) -> BTreeSet<(String, String)> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["account"] == account)
        .flat_map(|a| a["findings"].as_array().unwrap().clone())
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["resource"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn the_finding<'a>(report: &'a Value, account: &str, code: &str) -> &'a Value {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == account)
        .and_then(|a| {
            a["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["code"] == code)
        })
        .unwrap_or_else(|| panic!("no {code} in account {account}: {report:#}"))
}

fn saml_trust(account: &str, provider: &str, action: &str, aud: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{account}:saml-provider/{provider}")},
            "Action": action,
            "Condition": {"StringEquals": {"SAML:aud": aud}}
        }]
    })
    .to_string()
}

fn trusting(principal: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]
    })
    .to_string()
}

/// A 12-digit account id no earlier run used: the organization lives in its management
/// account's state, so each run gets its own.
fn fresh_account() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("3{:011}", (nanos / 1000) % 100_000_000_000)
}

/// The rollover account: every provider and trust-policy fault beside healthy ones.
async fn rollover_account(iam: &aws_sdk_iam::Client, id: &str) {
    for (name, file) in [
        ("TwoCerts", "provider-two.xml"),
        ("CurrentOnly", "provider-current.xml"),
        ("OldOnly", "provider-old.xml"),
        ("Expired", "provider-expired.xml"),
        ("Expiring", "provider-expiring.xml"),
        ("OtherTenant", "provider-other-entity.xml"),
        ("Okta", "provider-okta.xml"),
        ("Encrypted", "provider-two.xml"),
    ] {
        moto::provider(iam, name, file).await;
    }
    const WITH_SAML: &str = "sts:AssumeRoleWithSAML";
    let regional = serde_json::json!([GLOBAL, "https://eu-west-2.signin.aws.amazon.com/saml"]);
    for (name, trust) in [
        ("Healthy", saml_trust(id, "TwoCerts", WITH_SAML, GLOBAL)),
        ("Regional", {
            let mut t: Value =
                serde_json::from_str(&saml_trust(id, "CurrentOnly", WITH_SAML, GLOBAL)).unwrap();
            t["Statement"][0]["Condition"]["StringEquals"]["SAML:aud"] = regional.clone();
            t.to_string()
        }),
        ("Deleted", saml_trust(id, "Gone", WITH_SAML, GLOBAL)),
        (
            "WebIdentity",
            saml_trust(id, "OldOnly", "sts:AssumeRoleWithWebIdentity", GLOBAL),
        ),
        (
            "TypoAud",
            saml_trust(
                id,
                "Expired",
                WITH_SAML,
                "https://signin.aws.amazon.com/saml/",
            ),
        ),
        (
            "OtherTenantRole",
            saml_trust(id, "OtherTenant", WITH_SAML, GLOBAL),
        ),
        (
            "ExpiringRole",
            saml_trust(id, "Expiring", WITH_SAML, GLOBAL),
        ),
        (
            "EncryptedRole",
            saml_trust(id, "Encrypted", WITH_SAML, GLOBAL),
        ),
        ("HostileAud", saml_trust(id, "TwoCerts", WITH_SAML, HOSTILE)),
    ] {
        moto::role(iam, "/", name, &trust, None).await;
    }
}

#[tokio::test]
async fn audit_an_organization_on_moto() {
    let Some((moto_url, _turn)) = crate::aws::moto_turn().await else {
        return;
    };
    let moto = Moto {
        endpoint: moto_url.clone(),
    };

    // The policies the binary says each principal needs: the test grants exactly those.
    let policies = saml_doctor_json(&[
        "aws-policy",
        "--for",
        "audit-organization",
        "--role-name",
        ROLE,
    ]);
    let auditor_policy = policies["AuditingPrincipal"].to_string();
    let member_policy = policies["MemberAccountRole"].to_string();
    let one_account_policy = saml_doctor_json(&["aws-policy", "--for", "audit"]).to_string();
    assert_eq!(one_account_policy, member_policy);

    // The organization.
    let management = fresh_account();
    let members = moto.organization(&management, 3).await;
    let (rollover, healthy, unreadable) = (&members[0], &members[1], &members[2]);
    let refused = &management;
    let iam_of = |creds| moto.iam(creds);
    let m_iam = iam_of(moto.as_account(&management).await);
    let auditor = moto::user_with_key(&m_iam, "auditor", &auditor_policy).await;
    let auditor_arn = format!("arn:aws:iam::{management}:user/auditor");
    // Every account has the audit role, trusting the auditor but in the management account.
    let mut without_list_roles: Value = serde_json::from_str(&member_policy).unwrap();
    for statement in without_list_roles["Statement"].as_array_mut().unwrap() {
        statement["Action"]
            .as_array_mut()
            .unwrap()
            .retain(|a| a != "iam:ListRoles");
    }
    let without_list_roles = without_list_roles.to_string();
    for (account, trust, policy) in [
        (
            refused,
            trusting(&format!("arn:aws:iam::{management}:user/someone-else")),
            member_policy.as_str(),
        ),
        (rollover, trusting(&auditor_arn), &member_policy),
        (healthy, trusting(&auditor_arn), &member_policy),
        (unreadable, trusting(&auditor_arn), &without_list_roles),
    ] {
        let iam = iam_of(moto.as_account(account).await);
        moto::role(&iam, "/audit/", "SamlDoctorAudit", &trust, Some(policy)).await;
    }
    let r_iam = iam_of(moto.as_account(rollover).await);
    rollover_account(&r_iam, rollover).await;
    // One-account mode: a user of the rollover account with the one-account policy.
    let reader = moto::user_with_key(&r_iam, "reader", &one_account_policy).await;
    let h_iam = iam_of(moto.as_account(healthy).await);
    moto::provider(&h_iam, "TwoCerts", "provider-two.xml").await;
    moto::role(
        &h_iam,
        "/",
        "Healthy",
        &saml_trust(healthy, "TwoCerts", "sts:AssumeRoleWithSAML", GLOBAL),
        None,
    )
    .await;

    // Connect: the rollover account's SAML instance breaks each username rule, behind eleven
    // instances of other identity management (ListInstances: two pages); 1,504 users (ListUsers:
    // two pages). The healthy account's has the expected people.
    let mut usernames: Vec<String> = (0..1500).map(|i| format!("agent{i}@contoso.com")).collect();
    usernames.extend(
        [
            "jane@contoso.com",
            "Jane@contoso.com",
            "Ann@contoso.com",
            "jane_gmail.com#EXT#@contoso.onmicrosoft.com",
        ]
        .map(str::to_owned),
    );
    let mut rollover_instances: Vec<Instance> = (0..11)
        .map(|i| Instance {
            id: format!("{i:08}-0000-4000-8000-000000000000"),
            identity_management: "CONNECT_MANAGED",
            usernames: Vec::new(),
        })
        .collect();
    rollover_instances.push(Instance {
        id: SAML_INSTANCE.into(),
        identity_management: "SAML",
        usernames,
    });
    let healthy_instance = Instance {
        id: SAML_INSTANCE.into(),
        identity_management: "SAML",
        usernames: ["jane@contoso.com", "ann@contoso.com", "missing@contoso.com"]
            .map(str::to_owned)
            .to_vec(),
    };
    let connect = ConnectFake::start(
        &moto_url,
        HashMap::from([
            (rollover.clone(), rollover_instances),
            (healthy.clone(), vec![healthy_instance]),
        ]),
    );
    connect.register_key(&reader.0, rollover);
    let at = Endpoints {
        moto: moto_url.clone(),
        iam: iam_proxy::start(&moto_url, vec!["Encrypted".into()]),
        connect: connect.url.clone(),
    };
    let people =
        std::env::temp_dir().join(format!("saml-doctor-people-{}.csv", std::process::id()));
    std::fs::write(
        &people,
        "RoleSessionName\njane@contoso.com\nann@contoso.com\nmissing@contoso.com\nJane Doe\n",
    )
    .unwrap();
    let people = people.to_str().unwrap().to_owned();
    let organization = [
        "--organization",
        "--role-name",
        ROLE,
        "--metadata",
        "tests/fixtures/audit/idp-rollover.xml",
        "--expect",
        &people,
    ];

    // From here moto refuses whatever the policies do not allow.
    let authorization = moto.authorize();
    let (code, report) = audit_json(&at, &auditor, &organization);
    assert_eq!(code, 1, "{report:#}");

    // Each finding of the rollover account, once, on its resource.
    let provider = |name: &str| format!("arn:aws:iam::{rollover}:saml-provider/{name}");
    let role = |name: &str| format!("arn:aws:iam::{rollover}:role/{name}");
    let instance = format!("arn:aws:connect:us-east-1:{rollover}:instance/{SAML_INSTANCE}");
    let user = |i: usize| format!("{instance}/agent/u{i}");
    let pair = |code: &str, resource: String| (code.to_owned(), resource);
    let expected: BTreeSet<(String, String)> = [
        pair("iam_provider_missing_next_cert", provider("CurrentOnly")),
        pair("iam_provider_metadata_expiring", provider("OldOnly")),
        pair("iam_provider_missing_current_cert", provider("OldOnly")),
        pair("iam_provider_missing_next_cert", provider("OldOnly")),
        pair("iam_provider_expired", provider("Expired")),
        pair("iam_provider_missing_next_cert", provider("Expired")),
        pair("iam_provider_metadata_expiring", provider("Expiring")),
        pair("iam_provider_missing_next_cert", provider("Expiring")),
        pair("iam_provider_entity_id_mismatch", provider("OtherTenant")),
        pair("iam_provider_encryption_key_missing", provider("Encrypted")),
        pair("trust_policy_provider_not_found", role("Deleted")),
        pair("iam_trust_policy_denies", role("WebIdentity")),
        pair("trust_policy_saml_aud_not_aws", role("TypoAud")),
        pair("trust_policy_saml_aud_not_aws", role("HostileAud")),
        pair("iam_provider_not_trusted", provider("OldOnly")),
        pair("iam_provider_not_trusted", provider("Expired")),
        pair("iam_provider_not_trusted", provider("Okta")),
        pair("connect_username_not_session_name", user(1503)),
        pair("connect_usernames_differ_in_case", instance.clone()),
        pair("connect_user_case_mismatch", user(1502)),
        pair("connect_user_not_found", instance.clone()),
    ]
    .into();
    assert_eq!(findings_of(&report, rollover), expected, "{report:#}");
    let accounts: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect();
    // Worst first; the two with one note each in account order.
    let mut notes = [unreadable.as_str(), refused.as_str()];
    notes.sort_unstable();
    assert_eq!(
        accounts,
        [rollover.as_str(), notes[0], notes[1]],
        "worst first"
    );
    let rollover_findings = report["accounts"][0]["findings"].as_array().unwrap();
    assert_eq!(
        rollover_findings.len(),
        expected.len(),
        "one finding per fault"
    );
    assert!(rollover_findings
        .iter()
        .all(|f| f["evidence"]["account"] == rollover.as_str()
            && ["code", "severity", "resource", "title", "fix"]
                .iter()
                .all(|k| f[k].is_string())));
    // A certificate expiring within --warn-days (30).
    let expiring = rollover_findings
        .iter()
        .find(|f| {
            f["code"] == "iam_provider_metadata_expiring" && f["resource"] == provider("Expiring")
        })
        .unwrap();
    assert!(
        expiring["detail"]
            .as_str()
            .unwrap()
            .contains("expires on 2026-06-15T00:00:00Z (14 days from"),
        "{expiring:#}"
    );
    // The next certificate's rollover, before it happens.
    let next = the_finding(&report, rollover, "iam_provider_missing_next_cert");
    assert_eq!(next["severity"], "warning");
    assert!(next["detail"]
        .as_str()
        .unwrap()
        .contains("at the latest when the current certificate expires on 2028-01-01"));

    // An account whose role cannot be assumed: one check_skipped naming the account, the role and
    // the refused call; the others went on.
    let refusal = the_finding(&report, refused, "check_skipped");
    assert_eq!(findings_of(&report, refused).len(), 1);
    assert_eq!(refusal["evidence"]["refused_call"], "sts:AssumeRole");
    assert_eq!(refusal["evidence"]["account"], refused.as_str());
    assert_eq!(
        refusal["evidence"]["role_arn"],
        format!("arn:aws:iam::{refused}:role/{ROLE}")
    );
    // An account one of whose listings is refused: that call named, the rest audited.
    let partial = the_finding(&report, unreadable, "check_skipped");
    assert_eq!(partial["evidence"]["refused_call"], "iam:ListRoles");
    assert_eq!(
        partial["evidence"]["missing_permission"], "iam:ListRoles",
        "{partial:#}"
    );

    // The healthy accounts are counted, not listed.
    let s = &report["summary"];
    assert_eq!(s["accounts_audited"], 4, "{s}");
    assert_eq!(s["accounts_healthy"], 1, "{s}");
    assert_eq!(s["accounts_unreachable"], 1, "{s}");
    assert_eq!(report["inputs"][0]["code"], "role_session_name_invalid");
    assert_eq!(report["inputs"][0]["resource"], format!("{people}:5"));

    // Connect was read within its documented paging.
    let (violations, calls) = connect.seen(|s| (s.violations.clone(), s.calls.clone()));
    assert_eq!(violations, Vec::<String>::new());
    let count = |account: &str, op: &str| {
        calls
            .iter()
            .filter(|(a, o, _)| a == account && *o == op)
            .count()
    };
    assert_eq!(count(rollover, "ListInstances"), 2);
    assert_eq!(count(rollover, "ListUsers"), 2);
    assert_eq!(count(healthy, "ListUsers"), 1);
    assert!(calls
        .iter()
        .all(|(_, op, max)| *max == Some(if *op == "ListInstances" { 10 } else { 1000 })));

    // The same report as text and as one HTML page (left for the browser test).
    let (code, text, _) = audit(&at, &auditor, &organization);
    assert_eq!(code, 1);
    assert!(text.find(&format!("Account {rollover}")) < text.find(&format!("Account {refused}")));
    assert!(
        text.contains("4 accounts audited (1 healthy, 1 could not be audited)"),
        "{text}"
    );
    let browser = root().join("target/browser");
    std::fs::create_dir_all(&browser).unwrap();
    let page = browser.join("audit-organization.html");
    let (code, _, stderr) = audit(
        &at,
        &auditor,
        &[
            &organization[..],
            &["--format", "html", "-o", page.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(code, 1, "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains(HOSTILE) && !html.contains("<script"),
        "the SAML:aud is shown as text"
    );
    assert!(html.contains("window.__pwned=&#39;aud&#39;"));
    std::fs::write(browser.join("audit-organization.txt"), &text).unwrap();

    // Given accounts only, without listing the organization.
    let given = format!("{healthy},{refused}");
    let (code, report) = audit_json(
        &at,
        &auditor,
        &["--organization", "--role-name", ROLE, "--accounts", &given],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["accounts_audited"], 2);
    assert_eq!(report["summary"]["accounts_unreachable"], 1);

    // One account, as the reader of the rollover account: the same findings as through the role.
    let (code, alone) = audit_json(
        &at,
        &reader,
        &[
            "--metadata",
            "tests/fixtures/audit/idp-rollover.xml",
            "--expect",
            &people,
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(findings_of(&alone, rollover), expected);

    // Without the organization's permissions, nothing can be listed: the tool could not run.
    let (code, _, stderr) = audit(&at, &reader, &["--organization", "--role-name", ROLE]);
    assert_eq!(code, 2);
    assert!(stderr.contains("organizations:ListAccounts"), "{stderr}");
    drop(authorization);
}

//! `diagnose --aws` against a real local IAM: moto's server on 127.0.0.1, started by .ci/run
//! (MOTO_ENDPOINT). The test creates the SAML provider (with the metadata of the key that signs
//! the example captures), the role, its trust policy and the federation policy, runs the real
//! binary, then breaks one thing at a time. moto does not implement Connect's user APIs, so
//! Amazon Connect is a small recorded-response server in this test (DescribeInstance,
//! SearchUsers, ListUsers over HTTP, as the SDK calls them), holding to SearchUsers' documented
//! limits: EXACT compares case-sensitively, a CONTAINS value outside 2–25 characters matches
//! nothing. AWS Organizations is moto's too: the account is in no organization, so no service
//! control policy applies, and a healthy account must end with no check_skipped at all.
//!
//! Without MOTO_ENDPOINT the test says it did not run, and fails if SAML_DOCTOR_REQUIRE_MOTO is
//! set (as CI sets it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;

use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region};
use serde_json::Value;

use crate::support::root;

const ROLE: &str = "AzureAD_Agent_Role";
const PROVIDER: &str = "AzureAD_Connect_Agent";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/AzureAD_Connect_Agent"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#;
const FEDERATION: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Statement1","Effect":"Allow","Action":"connect:GetFederationToken","Resource":["arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"]}]}"#;

const INSTANCE: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// Amazon Connect's REST API for the three calls the checks make, on an ephemeral loopback
/// port, with these users. Returns its endpoint URL.
fn fake_connect(users: &'static [&'static str]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let path = request_line.split(' ').nth(1).unwrap_or("");
            let (status, answer) = connect_answer(users, path, &body);
            let answer = answer.to_string();
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    url
}

fn connect_answer(users: &[&str], path: &str, body: &[u8]) -> (&'static str, Value) {
    let summary = |u: &&str| serde_json::json!({"Username": u, "Id": format!("id-{u}")});
    if path.starts_with(&format!("/instance/{INSTANCE}")) {
        return (
            "200 OK",
            serde_json::json!({"Instance": {
                "Id": INSTANCE,
                "Arn": format!("arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}"),
                "IdentityManagementType": "SAML",
                "InstanceStatus": "ACTIVE",
                "InstanceAlias": "contoso-cc"
            }}),
        );
    }
    if path.starts_with("/search-users") {
        let request: Value = serde_json::from_slice(body).unwrap_or_default();
        let condition = &request["SearchCriteria"]["StringCondition"];
        let value = condition["Value"].as_str().unwrap_or_default();
        let found: Vec<Value> = users
            .iter()
            .filter(|u| match condition["ComparisonType"].as_str() {
                Some("EXACT") => **u == value,
                Some("CONTAINS") => (2..=25).contains(&value.chars().count()) && u.contains(value),
                _ => false,
            })
            .map(summary)
            .collect();
        return (
            "200 OK",
            serde_json::json!({"Users": found, "ApproximateTotalCount": found.len()}),
        );
    }
    if path.starts_with(&format!("/users-summary/{INSTANCE}")) {
        let all: Vec<Value> = users.iter().map(summary).collect();
        return ("200 OK", serde_json::json!({"UserSummaryList": all}));
    }
    (
        "404 Not Found",
        serde_json::json!({"Message": format!("no such resource {path}")}),
    )
}

fn metadata_for(cert_file: &str) -> String {
    let pem =
        std::fs::read_to_string(root().join("tests/fixtures/saml-keys").join(cert_file)).unwrap();
    let cert: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><EntityDescriptor entityID="https://sts.windows.net/7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{cert}</X509Certificate></X509Data></KeyInfo></KeyDescriptor><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/t/saml2"/></IDPSSODescriptor></EntityDescriptor>"#
    )
}

/// How the checker finds its credentials in a run.
enum CredentialSource {
    /// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION.
    Environment,
    /// A named profile in a config file, chosen with --profile.
    ProfileFlag,
    /// The same profile, chosen with AWS_PROFILE.
    ProfileEnv,
}

fn diagnose(moto: &str, file: &str) -> (i32, Value) {
    diagnose_as(moto, file, CredentialSource::Environment)
}

fn diagnose_as(moto: &str, file: &str, how: CredentialSource) -> (i32, Value) {
    diagnose_with(moto, file, how, &[], "http://127.0.0.1:9")
}

fn diagnose_with(
    moto: &str,
    file: &str,
    how: CredentialSource,
    extra: &[&str],
    connect: &str,
) -> (i32, Value) {
    let empty = root().join("tests/fixtures/aws-config-empty");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_saml-doctor"));
    cmd.args(["diagnose", file, "--aws", "--format", "json"])
        .args(extra)
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_IAM", moto)
        .env("AWS_ENDPOINT_URL_ORGANIZATIONS", moto)
        // By default nothing listens here: Connect calls fail at once, on loopback.
        .env("AWS_ENDPOINT_URL_CONNECT", connect)
        .env("AWS_MAX_ATTEMPTS", "1");
    match how {
        CredentialSource::Environment => {
            cmd.env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("AWS_REGION", "us-east-1")
                .env("AWS_CONFIG_FILE", &empty)
                .env("AWS_SHARED_CREDENTIALS_FILE", &empty);
        }
        CredentialSource::ProfileFlag | CredentialSource::ProfileEnv => {
            let config =
                std::env::temp_dir().join(format!("saml-doctor-aws-config-{}", std::process::id()));
            std::fs::write(
                &config,
                "[profile contact-centre-audit]\nregion = us-east-1\naws_access_key_id = testing\naws_secret_access_key = testing\n",
            )
            .unwrap();
            cmd.env("AWS_CONFIG_FILE", &config)
                .env("AWS_SHARED_CREDENTIALS_FILE", &empty);
            if matches!(how, CredentialSource::ProfileFlag) {
                cmd.args(["--profile", "contact-centre-audit"]);
            } else {
                cmd.env("AWS_PROFILE", "contact-centre-audit");
            }
        }
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), report)
}

fn codes(report: &Value, severity_not: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != severity_not)
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The first finding of `report` with `code`.
fn finding<'a>(report: &'a Value, code: &str) -> Option<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
}

fn skipped(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "check_skipped")
        .map(|f| f["detail"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn diagnose_aws_against_a_local_iam() {
    let Some((moto, _turn)) = crate::aws::moto_turn().await else {
        return;
    };
    let config = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&moto)
        .http_client(connect_check::aws::https_client())
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .build();
    let iam = aws_sdk_iam::Client::from_conf(config);
    // A clean slate, whatever an earlier run left.
    let _ = iam
        .delete_role_policy()
        .role_name(ROLE)
        .policy_name("azure_federation_policy")
        .send()
        .await;
    let _ = iam
        .delete_role_permissions_boundary()
        .role_name(ROLE)
        .send()
        .await;
    let _ = iam.delete_role().role_name(ROLE).send().await;
    let _ = iam
        .delete_saml_provider()
        .saml_provider_arn(format!(
            "arn:aws:iam::123456789012:saml-provider/{PROVIDER}"
        ))
        .send()
        .await;

    let har = "examples/healthy-azure-chrome.har";
    // Nothing exists yet.
    let (code, report) = diagnose(&moto, har);
    assert_eq!(code, 1);
    let found = codes(&report, "info");
    assert!(
        found.contains(&"iam_provider_not_found".into())
            && found.contains(&"iam_role_not_found".into()),
        "{found:?}"
    );

    // The set-up of the Azure AD article, done right.
    let provider = iam
        .create_saml_provider()
        .name(PROVIDER)
        .saml_metadata_document(metadata_for("azure.crt"))
        .send()
        .await
        .unwrap();
    let provider_arn = provider.saml_provider_arn().unwrap().to_owned();
    assert_eq!(
        provider_arn,
        format!("arn:aws:iam::123456789012:saml-provider/{PROVIDER}")
    );
    iam.create_role()
        .role_name(ROLE)
        .assume_role_policy_document(TRUST)
        .max_session_duration(43200)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name(ROLE)
        .policy_name("azure_federation_policy")
        .policy_document(FEDERATION)
        .send()
        .await
        .unwrap();
    let (code, report) = diagnose(&moto, har);
    assert_eq!(
        codes(&report, "info"),
        Vec::<String>::new(),
        "a healthy set-up: {report}"
    );
    assert_eq!(code, 0);
    let skips = skipped(&report);
    assert!(
        skips.iter().any(|s| s.contains(
            "Connect instance: connect:DescribeInstance failed: cannot reach the service endpoint"
        )),
        "Connect is unreachable here: skipped, not passed: {skips:?}"
    );
    assert!(
        skips
            .iter()
            .any(|s| s.contains("Connect user: connect:SearchUsers failed")),
        "{skips:?}"
    );
    assert!(
        !skips
            .iter()
            .any(|s| s.contains("signing certificate trust")),
        "the provider's metadata is the trust anchor: {skips:?}"
    );
    let signed = report["messages"][0]["facts"]["signature"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        signed.contains("verified with the metadata's certificate")
            && signed.contains(&provider_arn),
        "verified against the provider's metadata with no --metadata: {signed}"
    );

    // With Connect answering too, a healthy account has nothing left unsettled: the account is
    // in no organization (moto's Organizations says so), so no service control policy applies.
    const USERS: &[&str] = &[
        "agent1@contoso.com",
        "jane.doe@contoso.com",
        "John.Smith@contoso.com",
    ];
    let connect = fake_connect(USERS);
    let (code, report) = diagnose_with(&moto, har, CredentialSource::Environment, &[], &connect);
    assert_eq!(
        (code, codes(&report, "info")),
        (0, Vec::<String>::new()),
        "{report}"
    );
    let skips = skipped(&report);
    assert!(skips.is_empty(), "{skips:#?}");
    // A capture with two sign-ins as two different users: each is checked, and its findings
    // say which response they belong to.
    let (_, report) = diagnose_with(
        &moto,
        "tests/fixtures/har/two-sign-ins.har",
        CredentialSource::Environment,
        &[],
        &connect,
    );
    let messages = report["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["primary"], true);
    assert_eq!(
        codes(&messages[0], "info"),
        Vec::<String>::new(),
        "{report}"
    );
    let mut retry = codes(&messages[1], "info");
    retry.sort();
    assert_eq!(
        retry,
        ["connect_user_not_found", "role_session_name_invalid"],
        "{report}"
    );
    let not_found = finding(&report, "connect_user_not_found").unwrap();
    assert!(
        not_found["detail"]
            .as_str()
            .unwrap()
            .starts_with("HAR entry 1 "),
        "{not_found}"
    );
    assert!(skipped(&report).is_empty(), "{:#?}", skipped(&report));

    // The same user signing in twice: both responses verified against the provider's metadata,
    // the account checked once, and no skip.
    let (code, report) = diagnose_with(
        &moto,
        "tests/fixtures/har/same-user-twice.har",
        CredentialSource::Environment,
        &[],
        &connect,
    );
    assert_eq!(
        (code, codes(&report, "info")),
        (0, Vec::<String>::new()),
        "{report}"
    );
    assert!(skipped(&report).is_empty(), "{:#?}", skipped(&report));
    for m in report["messages"].as_array().unwrap() {
        let signed = m["facts"]["signature"].as_str().unwrap_or_default();
        assert!(signed.contains(&provider_arn), "{signed}");
    }

    // The user exists only in another case.
    let connect = fake_connect(&["Jane.Doe@Contoso.com"]);
    let (_, report) = diagnose_with(&moto, har, CredentialSource::Environment, &[], &connect);
    assert_eq!(
        codes(&report, "info"),
        ["connect_user_case_mismatch"],
        "{report}"
    );

    // A permissions boundary that allows GetFederationToken, then one that does not.
    let allow_boundary = ensure_policy(
        &iam,
        "AgentBoundaryAllows",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["connect:*","sts:*"],"Resource":"*"}]}"#,
    )
    .await;
    let deny_boundary = ensure_policy(
        &iam,
        "AgentBoundaryS3Only",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    )
    .await;
    iam.put_role_permissions_boundary()
        .role_name(ROLE)
        .permissions_boundary(&allow_boundary)
        .send()
        .await
        .unwrap();
    let (code, report) = diagnose(&moto, har);
    assert_eq!(
        (code, codes(&report, "info")),
        (0, Vec::<String>::new()),
        "{report}"
    );
    iam.put_role_permissions_boundary()
        .role_name(ROLE)
        .permissions_boundary(&deny_boundary)
        .send()
        .await
        .unwrap();
    let (code, report) = diagnose(&moto, har);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&report, "info"),
        ["federation_token_not_allowed"],
        "{report}"
    );
    let blocked = finding(&report, "federation_token_not_allowed").unwrap();
    assert_eq!(
        blocked["evidence"]["permissions_boundary"],
        deny_boundary.as_str()
    );
    iam.delete_role_permissions_boundary()
        .role_name(ROLE)
        .send()
        .await
        .unwrap();
    // The same, as a profile chosen by --profile and by AWS_PROFILE.
    for how in [CredentialSource::ProfileFlag, CredentialSource::ProfileEnv] {
        let (code, report) = diagnose_as(&moto, har, how);
        assert_eq!(
            (code, codes(&report, "info")),
            (0, Vec::<String>::new()),
            "{report}"
        );
    }

    // The trust policy names another provider.
    iam.update_assume_role_policy()
        .role_name(ROLE)
        .policy_document(TRUST.replace(PROVIDER, "Okta"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        codes(&diagnose(&moto, har).1, "info"),
        ["iam_trust_policy_denies"]
    );
    iam.update_assume_role_policy()
        .role_name(ROLE)
        .policy_document(TRUST)
        .send()
        .await
        .unwrap();

    // The federation policy names another region, then is gone.
    iam.put_role_policy()
        .role_name(ROLE)
        .policy_name("azure_federation_policy")
        .policy_document(FEDERATION.replace("us-east-1", "eu-west-2"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        codes(&diagnose(&moto, har).1, "info"),
        ["federation_token_wrong_instance"]
    );
    iam.delete_role_policy()
        .role_name(ROLE)
        .policy_name("azure_federation_policy")
        .send()
        .await
        .unwrap();
    assert_eq!(
        codes(&diagnose(&moto, har).1, "info"),
        ["federation_token_not_allowed"]
    );
    iam.put_role_policy()
        .role_name(ROLE)
        .policy_name("azure_federation_policy")
        .policy_document(FEDERATION)
        .send()
        .await
        .unwrap();

    // The role's maximum session is shorter than the SessionDuration the IdP asks for.
    iam.update_role()
        .role_name(ROLE)
        .max_session_duration(3600)
        .send()
        .await
        .unwrap();
    assert_eq!(
        codes(&diagnose(&moto, har).1, "info"),
        ["session_duration_exceeds_role_max"]
    );
    iam.update_role()
        .role_name(ROLE)
        .max_session_duration(43200)
        .send()
        .await
        .unwrap();

    // The IdP rotated its key: IAM holds metadata with another certificate.
    iam.update_saml_provider()
        .saml_provider_arn(&provider_arn)
        .saml_metadata_document(metadata_for("okta.crt"))
        .send()
        .await
        .unwrap();
    let (code, report) = diagnose(&moto, har);
    assert_eq!(code, 1);
    assert_eq!(codes(&report, "info"), ["iam_provider_cert_mismatch"]);
    // The user's --metadata file (the IdP's, with the key it signs with) differs from IAM's:
    // AWS uses IAM's, and the report says which certificates differ.
    let file =
        std::env::temp_dir().join(format!("saml-doctor-metadata-{}.xml", std::process::id()));
    std::fs::write(&file, metadata_for("azure.crt")).unwrap();
    let (code, report) = diagnose_with(
        &moto,
        har,
        CredentialSource::Environment,
        &["--metadata", file.to_str().unwrap()],
        "http://127.0.0.1:9",
    );
    assert_eq!(code, 1);
    assert_eq!(
        codes(&report, "info"),
        ["iam_provider_cert_mismatch"],
        "{report}"
    );
    let differs =
        finding(&report, "iam_provider_metadata_differs").unwrap_or_else(|| panic!("{report}"));
    let detail = differs["detail"].as_str().unwrap();
    assert!(
        detail.contains("only in the file") && detail.contains(&provider_arn),
        "{detail}"
    );
}

/// Creates a managed policy (or finds it from an earlier run); returns its ARN.
async fn ensure_policy(iam: &aws_sdk_iam::Client, name: &str, document: &str) -> String {
    let arn = format!("arn:aws:iam::123456789012:policy/{name}");
    if iam.get_policy().policy_arn(&arn).send().await.is_err() {
        iam.create_policy()
            .policy_name(name)
            .policy_document(document)
            .send()
            .await
            .unwrap();
    }
    arn
}

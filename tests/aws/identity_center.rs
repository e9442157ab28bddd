//! `diagnose --aws` on an IAM Identity Center sign-in against moto's server on 127.0.0.1 (its
//! sso-admin and identitystore backends; MOTO_ENDPOINT, started by .ci/run). The test makes an
//! instance's user, permission set and assignment there, runs the real binary on a response
//! addressed to that instance, then asks for a missing user and a case variant.
//!
//! moto's identity store ids are `d-` and ten random letters, outside the documented pattern
//! (`d-[0-9a-f]{10}`): the Audience then names no valid store (`idc_audience_malformed`, as AWS
//! would refuse it too) and the checks find the store through the account's only instance.
//!
//! Without MOTO_ENDPOINT the test says it did not run, and fails if SAML_DOCTOR_REQUIRE_MOTO is
//! set (as CI sets it).

use std::process::Command;

use aws_sdk_identitystore::config::{BehaviorVersion, Credentials, Region};
use serde_json::Value;

use crate::support::root;

/// An unsigned Identity Center response for `user_name` (signatures are not what this tests).
fn response(store: &str, user_name: &str) -> String {
    let acs = "https://us-east-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d-4a60-8e14";
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2024-05-14T09:31:07Z" Destination="{acs}"><saml:Issuer>http://www.okta.com/exk9idc1a2b3c4d5e6f7</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a1" Version="2.0" IssueInstant="2024-05-14T09:31:07Z"><saml:Issuer>http://www.okta.com/exk9idc1a2b3c4d5e6f7</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{user_name}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2024-05-14T09:36:07Z" Recipient="{acs}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="2024-05-14T09:26:07Z" NotOnOrAfter="2024-05-14T09:36:07Z"><saml:AudienceRestriction><saml:Audience>https://us-east-1.signin.aws.amazon.com/platform/saml/{store}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="2024-05-14T09:31:03Z"/></saml:Assertion></samlp:Response>"#
    )
}

fn diagnose(moto: &str, store: &str, user_name: &str) -> Value {
    let file = std::env::temp_dir().join(format!(
        "saml-doctor-idc-{}-{}.xml",
        std::process::id(),
        user_name.replace(['@', '.'], "_")
    ));
    std::fs::write(&file, response(store, user_name)).unwrap();
    let empty = root().join("tests/fixtures/aws-config-empty");
    let out = Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args([
            "diagnose",
            file.to_str().unwrap(),
            "--aws",
            "--format",
            "json",
        ])
        .args(["--at", "2024-05-14T09:31:09Z"])
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", moto)
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)))
}

fn findings<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

#[tokio::test]
async fn identity_center_checks_against_a_local_moto() {
    let Some((moto, _turn)) = crate::aws::moto_turn().await else {
        return;
    };
    let credentials = Credentials::new("testing", "testing", None, None, "moto");
    let store_client = aws_sdk_identitystore::Client::from_conf(
        aws_sdk_identitystore::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&moto)
            .http_client(connect_check::aws::https_client())
            .credentials_provider(credentials.clone())
            .build(),
    );
    let admin = aws_sdk_ssoadmin::Client::from_conf(
        aws_sdk_ssoadmin::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_sdk_ssoadmin::config::Region::new("us-east-1"))
            .endpoint_url(&moto)
            .http_client(connect_check::aws::https_client())
            .credentials_provider(credentials)
            .build(),
    );
    let instances = admin.list_instances().send().await.unwrap();
    let instance = &instances.instances()[0];
    let (instance_arn, store) = (
        instance.instance_arn().unwrap().to_owned(),
        instance.identity_store_id().unwrap().to_owned(),
    );
    // A user of its own per run: moto keeps what earlier runs made.
    let user_name = format!("jane.doe.{}@contoso.com", std::process::id());
    let user_id = store_client
        .create_user()
        .identity_store_id(&store)
        .user_name(&user_name)
        .display_name("Jane Doe")
        .name(
            aws_sdk_identitystore::types::Name::builder()
                .given_name("Jane")
                .family_name("Doe")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_id()
        .to_owned();
    let permission_set = admin
        .create_permission_set()
        .instance_arn(&instance_arn)
        .name(format!("ConnectAgent{}", std::process::id()))
        .session_duration("PT4H")
        .send()
        .await
        .unwrap();
    let ps_arn = permission_set
        .permission_set()
        .and_then(|p| p.permission_set_arn())
        .unwrap()
        .to_owned();
    admin
        .create_account_assignment()
        .instance_arn(&instance_arn)
        .target_id("123456789012")
        .target_type(aws_sdk_ssoadmin::types::TargetType::AwsAccount)
        .permission_set_arn(&ps_arn)
        .principal_type(aws_sdk_ssoadmin::types::PrincipalType::User)
        .principal_id(&user_id)
        .send()
        .await
        .unwrap();

    // The user exists, holds the permission set: its duration is reported, nothing is skipped.
    let report = diagnose(&moto, &store, &user_name);
    let sessions = findings(&report, "idc_permission_set_session");
    assert_eq!(sessions.len(), 1, "{report:#}");
    assert_eq!(sessions[0]["evidence"]["session_duration"], "PT4H");
    assert_eq!(sessions[0]["evidence"]["account_id"], "123456789012");
    let skipped: Vec<&Value> = findings(&report, "check_skipped")
        .into_iter()
        .filter(|f| {
            f["evidence"]["check"]
                .as_str()
                .unwrap_or("")
                .starts_with("Identity Center")
        })
        .collect();
    assert!(skipped.is_empty(), "{skipped:#?}");
    assert!(findings(&report, "idc_user_not_found").is_empty());

    // No such user.
    let report = diagnose(&moto, &store, "new.hire@contoso.com");
    assert_eq!(
        findings(&report, "idc_user_not_found").len(),
        1,
        "{report:#}"
    );

    // Another spelling: moto's GetUserId compares exactly, the ListUsers fallback finds it.
    let report = diagnose(&moto, &store, &user_name.to_uppercase());
    let mismatch = findings(&report, "idc_user_case_mismatch");
    assert_eq!(mismatch.len(), 1, "{report:#}");
    assert_eq!(mismatch[0]["evidence"]["user_name"], user_name.as_str());
}

//! The account audit's calls through the SDK adapters, on recorded responses (aws-smithy-mocks):
//! what each answer becomes, the page sizes asked for (the documented largest: ListRoles 1,000,
//! ListInstances 10, ListUsers 1,000, ListAccounts 20), paging by token, a truncated ListRoles
//! without a marker refused rather than taken for the end, a role assumed with STS whose session
//! signs the member account's calls with the role's credentials, and answers whose error code
//! cannot be read. No AWS account is used.

use aws_sdk_connect::operation::list_instances::ListInstancesOutput;
use aws_sdk_connect::operation::list_users::ListUsersOutput;
use aws_sdk_connect::types::{DirectoryType, InstanceStatus, InstanceSummary, UserSummary};
use aws_sdk_iam::operation::get_saml_provider::GetSamlProviderOutput;
use aws_sdk_iam::operation::list_roles::ListRolesOutput;
use aws_sdk_iam::operation::list_saml_providers::ListSamlProvidersOutput;
use aws_sdk_iam::types::{
    AssertionEncryptionModeType, Role, SamlPrivateKey, SamlProviderListEntry,
};
use aws_sdk_organizations::operation::list_accounts::ListAccountsOutput;
use aws_sdk_organizations::types::{Account, AccountState};
use aws_sdk_sts::operation::assume_role::{AssumeRoleError, AssumeRoleOutput};
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::DateTime;
use connect_check::access::AccessError;
use connect_check::aws::Session;
use connect_check::connect::sdk::SdkConnect;
use connect_check::connect::ConnectApi;
use connect_check::iam::sdk::SdkIam;
use connect_check::iam::{AssertionEncryptionMode, IamApi};
use connect_check::organizations::sdk::SdkOrganizations;
use connect_check::organizations::OrganizationsApi;
use connect_check::sts::sdk::SdkSts;
use connect_check::sts::StsApi;
use saml_core::aws::RoleSessionName;

const ACCOUNT: &str = "111122223333";
const INSTANCE: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

fn provider_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:saml-provider/{name}")
}

fn role(name: &str) -> Role {
    Role::builder()
        .path("/")
        .role_name(name)
        .role_id(format!("AROA{}", name.to_uppercase()))
        .arn(format!("arn:aws:iam::{ACCOUNT}:role/{name}"))
        .create_date(DateTime::from_secs(0))
        .assume_role_policy_document("%7B%22Statement%22%3A%5B%5D%7D")
        .build()
        .unwrap()
}

#[tokio::test]
async fn providers_are_listed_and_read_in_full() {
    let list = mock!(aws_sdk_iam::Client::list_saml_providers).then_output(|| {
        ListSamlProvidersOutput::builder()
            .saml_provider_list(
                SamlProviderListEntry::builder()
                    .arn(provider_arn("Contoso"))
                    .valid_until(DateTime::from_secs(1_900_000_000))
                    .create_date(DateTime::from_secs(1_700_000_000))
                    .build(),
            )
            // An entry without an ARN names nothing to audit.
            .saml_provider_list(SamlProviderListEntry::builder().build())
            .build()
    });
    let get = mock!(aws_sdk_iam::Client::get_saml_provider)
        .match_requests(|r| r.saml_provider_arn() == Some(&provider_arn("Contoso")))
        .then_output(|| {
            GetSamlProviderOutput::builder()
                .saml_provider_uuid("a1b2c3d4-0000-1111-2222-333344445555")
                .saml_metadata_document("<EntityDescriptor/>")
                .create_date(DateTime::from_secs(1_700_000_000))
                .valid_until(DateTime::from_secs(1_900_000_000))
                .assertion_encryption_mode(AssertionEncryptionModeType::Required)
                .private_key_list(
                    SamlPrivateKey::builder()
                        .key_id("ABCDEFGHIJKLMNOPQRSTUVWX")
                        .timestamp(DateTime::from_secs(1_750_000_000))
                        .build(),
                )
                .build()
        });
    let iam = SdkIam::from_client(mock_client!(
        aws_sdk_iam,
        RuleMode::MatchAny,
        &[&list, &get]
    ));
    let entries = iam.list_saml_providers().await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].arn, provider_arn("Contoso"));
    assert_eq!(
        entries[0].valid_until.map(|t| t.to_string()).as_deref(),
        Some("2030-03-17T17:46:40Z")
    );
    assert_eq!(
        entries[0].create_date.map(|t| t.to_string()).as_deref(),
        Some("2023-11-14T22:13:20Z")
    );
    let p = iam
        .saml_provider(&provider_arn("Contoso"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.uuid.as_deref(),
        Some("a1b2c3d4-0000-1111-2222-333344445555")
    );
    assert_eq!(
        p.assertion_encryption_mode,
        Some(AssertionEncryptionMode::Required)
    );
    assert_eq!(p.private_keys.len(), 1);
    assert_eq!(p.private_keys[0].key_id, "ABCDEFGHIJKLMNOPQRSTUVWX");
    assert_eq!(
        p.private_keys[0]
            .timestamp
            .map(|t| t.to_string())
            .as_deref(),
        Some("2025-06-15T15:06:40Z")
    );
}

#[tokio::test]
async fn roles_are_paged_by_marker_at_a_thousand() {
    let first = mock!(aws_sdk_iam::Client::list_roles)
        .match_requests(|r| r.marker().is_none() && r.max_items() == Some(1000))
        .then_output(|| {
            ListRolesOutput::builder()
                .roles(role("A"))
                .is_truncated(true)
                .marker("m2")
                .build()
                .unwrap()
        });
    let second = mock!(aws_sdk_iam::Client::list_roles)
        .match_requests(|r| r.marker() == Some("m2") && r.max_items() == Some(1000))
        .then_output(|| {
            ListRolesOutput::builder()
                .roles(role("B"))
                .is_truncated(false)
                // A marker on the last page is not a next page.
                .marker("stale")
                .build()
                .unwrap()
        });
    let iam = SdkIam::from_client(mock_client!(
        aws_sdk_iam,
        RuleMode::MatchAny,
        &[&first, &second]
    ));
    let page = iam.list_roles(None).await.unwrap();
    assert_eq!(page.items[0].arn, format!("arn:aws:iam::{ACCOUNT}:role/A"));
    assert_eq!(page.items[0].trust_policy, r#"{"Statement":[]}"#);
    assert_eq!(page.items[0].role_id, "AROAA");
    assert_eq!(page.next_token.as_deref(), Some("m2"));
    let page = iam.list_roles(Some("m2".into())).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next_token, None);

    let broken = mock!(aws_sdk_iam::Client::list_roles).then_output(|| {
        ListRolesOutput::builder()
            .roles(role("A"))
            .is_truncated(true)
            .build()
            .unwrap()
    });
    let iam = SdkIam::from_client(mock_client!(aws_sdk_iam, &[&broken]));
    assert!(matches!(
        iam.list_roles(None).await,
        Err(AccessError::Failed {
            action: "iam:ListRoles",
            ..
        })
    ));
}

#[tokio::test]
async fn connect_instances_and_users_are_paged_at_their_limits() {
    let instances = mock!(aws_sdk_connect::Client::list_instances)
        .match_requests(|r| r.max_results() == Some(10) && r.next_token().is_none())
        .then_output(|| {
            ListInstancesOutput::builder()
                .instance_summary_list(
                    InstanceSummary::builder()
                        .id(INSTANCE)
                        .arn(format!(
                            "arn:aws:connect:eu-west-2:{ACCOUNT}:instance/{INSTANCE}"
                        ))
                        .identity_management_type(DirectoryType::Saml)
                        .instance_status(InstanceStatus::Active)
                        .instance_alias("contoso-cc")
                        .build(),
                )
                .instance_summary_list(
                    InstanceSummary::builder()
                        .id("ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
                        .identity_management_type(DirectoryType::ConnectManaged)
                        .instance_status(InstanceStatus::Active)
                        .build(),
                )
                .next_token("i2")
                .build()
        });
    let users = mock!(aws_sdk_connect::Client::list_users)
        .match_requests(|r| r.max_results() == Some(1000) && r.instance_id() == Some(INSTANCE))
        .then_output(|| {
            ListUsersOutput::builder()
                .user_summary_list(
                    UserSummary::builder()
                        .id("u1")
                        .arn(format!(
                            "arn:aws:connect:eu-west-2:{ACCOUNT}:instance/{INSTANCE}/agent/u1"
                        ))
                        .username("jane@contoso.com")
                        .build(),
                )
                .build()
        });
    let connect = SdkConnect::from_client(mock_client!(
        aws_sdk_connect,
        RuleMode::MatchAny,
        &[&instances, &users]
    ));
    let page = connect.list_instances(None).await.unwrap();
    assert_eq!(page.next_token.as_deref(), Some("i2"));
    assert_eq!(page.items.len(), 2);
    assert!(page.items[0].is_saml());
    assert_eq!(page.items[0].id, INSTANCE);
    assert_eq!(page.items[0].alias.as_deref(), Some("contoso-cc"));
    assert!(!page.items[1].is_saml());
    let users = connect.list_users(INSTANCE, None).await.unwrap();
    assert_eq!(users.items[0].username, "jane@contoso.com");
    assert!(users.items[0].arn.ends_with("/agent/u1"));
}

#[tokio::test]
async fn organization_accounts_are_paged_at_twenty() {
    let first = mock!(aws_sdk_organizations::Client::list_accounts)
        .match_requests(|r| r.max_results() == Some(20) && r.next_token().is_none())
        .then_output(|| {
            // The reference: a page may be empty while a token follows.
            ListAccountsOutput::builder().next_token("a2").build()
        });
    let second = mock!(aws_sdk_organizations::Client::list_accounts)
        .match_requests(|r| r.max_results() == Some(20) && r.next_token() == Some("a2"))
        .then_output(|| {
            ListAccountsOutput::builder()
                .accounts(
                    Account::builder()
                        .id(ACCOUNT)
                        .name("contact-centre-prod")
                        .state(AccountState::Active)
                        .build(),
                )
                .accounts(
                    Account::builder()
                        .id("444455556666")
                        .state(AccountState::Suspended)
                        .build(),
                )
                .build()
        });
    let organizations = SdkOrganizations::from_client(mock_client!(
        aws_sdk_organizations,
        RuleMode::MatchAny,
        &[&first, &second]
    ));
    let page = organizations.list_accounts(None).await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(page.next_token.as_deref(), Some("a2"));
    let page = organizations
        .list_accounts(Some("a2".into()))
        .await
        .unwrap();
    assert_eq!(page.items[0].id, ACCOUNT);
    assert_eq!(page.items[0].name.as_deref(), Some("contact-centre-prod"));
    assert!(page.items[0].is_active());
    assert!(!page.items[1].is_active());
}

#[tokio::test]
async fn an_assumed_role_signs_the_member_accounts_calls() {
    // Every client of the session (the assumed one's too) sends through this: it keeps the
    // request and answers an empty 200.
    let (http, sent) = aws_smithy_http_client::test_util::capture_request(None);
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .http_client(http)
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("AKIAAUDITOR", "secret", None, None, "test"),
            ),
        )
        .build();
    let session = Session::from_config(config);
    let arn = format!("arn:aws:iam::{ACCOUNT}:role/SamlDoctorAudit");
    let expected_arn = arn.clone();
    let assume = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(move |r| {
            r.role_arn() == Some(expected_arn.as_str())
                && r.role_session_name() == Some("saml-doctor-audit")
        })
        .then_output(|| {
            AssumeRoleOutput::builder()
                .credentials(
                    aws_sdk_sts::types::Credentials::builder()
                        .access_key_id("ASIAMEMBERROLE")
                        .secret_access_key("member-secret")
                        .session_token("member-token")
                        .expiration(DateTime::from_secs(4_000_000_000))
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let refused = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(|r| r.role_arn() == Some("arn:aws:iam::999999999999:role/SamlDoctorAudit"))
        .then_error(|| {
            AssumeRoleError::generic(
                ErrorMetadata::builder()
                    .code("AccessDenied")
                    .message("User is not authorized to perform: sts:AssumeRole")
                    .build(),
            )
        });
    let identity = mock!(aws_sdk_sts::Client::get_caller_identity).then_output(|| {
        GetCallerIdentityOutput::builder()
            .account("123456789012")
            .arn("arn:aws:iam::123456789012:user/auditor")
            .build()
    });
    let sts = SdkSts::from_client(
        mock_client!(
            aws_sdk_sts,
            RuleMode::MatchAny,
            &[&assume, &refused, &identity]
        ),
        &session,
        None,
    );
    let me = sts.caller_identity().await.unwrap();
    assert_eq!(me.account, "123456789012");
    assert_eq!(me.arn, "arn:aws:iam::123456789012:user/auditor");

    let name = RoleSessionName::parse("saml-doctor-audit").unwrap();
    let member = sts.assume_role(&arn, &name).await.unwrap();
    // The empty answer is no IAM answer: only the request matters here.
    let _ = member.iam.list_saml_providers().await;
    let request = sent.expect_request();
    let signed = request.headers().get("authorization").unwrap_or_default();
    assert!(
        signed.contains("Credential=ASIAMEMBERROLE/"),
        "signed as {signed}"
    );
    let refused = sts
        .assume_role("arn:aws:iam::999999999999:role/SamlDoctorAudit", &name)
        .await;
    assert!(matches!(
        refused,
        Err(AccessError::Denied {
            action: "sts:AssumeRole"
        })
    ));
}

#[tokio::test]
async fn answers_without_a_readable_error_code_are_judged_by_their_status() {
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    // A refusal worded as another service would (moto's request authorization does so).
    let refused = mock!(aws_sdk_iam::Client::list_roles).then_http_response(|| {
        HttpResponse::new(
            StatusCode::try_from(403).unwrap(),
            SdkBody::from("<ErrorResponse><Errors><Error><Code>AccessDenied</Code></Error></Errors></ErrorResponse>"),
        )
    });
    let odd = mock!(aws_sdk_iam::Client::list_saml_providers).then_http_response(|| {
        HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from("not XML"))
    });
    let iam = SdkIam::from_client(mock_client!(
        aws_sdk_iam,
        RuleMode::MatchAny,
        &[&refused, &odd]
    ));
    assert_eq!(
        iam.list_roles(None).await.unwrap_err(),
        AccessError::Denied {
            action: "iam:ListRoles"
        }
    );
    match iam.list_saml_providers().await.unwrap_err() {
        AccessError::Failed { action, message } => {
            assert_eq!(action, "iam:ListSAMLProviders");
            assert!(message.starts_with("HTTP 400"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

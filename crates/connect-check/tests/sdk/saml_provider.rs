//! GetSAMLProvider's encryption settings through the SDK adapter, from the wire: the recorded
//! answers are IAM's Query-protocol XML (shaped as the IAM API Reference shows GetSAMLProvider's
//! response), so the SDK's own deserializer reads `AssertionEncryptionMode` and
//! `PrivateKeyList` into what the checks see. No AWS account is used.

use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use connect_check::iam::sdk::SdkIam;
use connect_check::iam::{AssertionEncryptionMode, IamApi, SamlPrivateKey};
use saml_core::Timestamp;

const ARN: &str = "arn:aws:iam::123456789012:saml-provider/Okta";

fn answer(extra: &'static str) -> HttpResponse {
    let body = format!(
        r#"<GetSAMLProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetSAMLProviderResult>
    <SAMLProviderUUID>a1b2c3d4-5678-90ab-cdef-EXAMPLE11111</SAMLProviderUUID>
    <SAMLMetadataDocument>&lt;EntityDescriptor/&gt;</SAMLMetadataDocument>
    <CreateDate>2026-01-01T00:00:00Z</CreateDate>
    <ValidUntil>2036-01-01T00:00:00Z</ValidUntil>{extra}
  </GetSAMLProviderResult>
  <ResponseMetadata><RequestId>29f47818-99f5-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
</GetSAMLProviderResponse>"#
    );
    HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body))
}

async fn provider(extra: &'static str) -> connect_check::iam::SamlProvider {
    let rule = mock!(aws_sdk_iam::Client::get_saml_provider)
        .match_requests(|r| r.saml_provider_arn() == Some(ARN))
        .then_http_response(move || answer(extra));
    let iam = SdkIam::from_client(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&rule]));
    iam.saml_provider(ARN).await.unwrap().unwrap()
}

#[tokio::test]
async fn encryption_mode_and_private_keys_are_read() {
    let p = provider(
        r#"
    <AssertionEncryptionMode>Required</AssertionEncryptionMode>
    <PrivateKeyList>
      <member><KeyId>QWERTYUIOPASDFGHJKLZXC1234</KeyId><Timestamp>2026-03-01T12:00:00Z</Timestamp></member>
      <member><KeyId>ZXCVBNMASDFGHJKLQWERTY5678</KeyId><Timestamp>2026-06-01T12:00:00Z</Timestamp></member>
    </PrivateKeyList>"#,
    )
    .await;
    assert_eq!(
        p.assertion_encryption_mode,
        Some(AssertionEncryptionMode::Required)
    );
    assert_eq!(
        p.private_keys,
        [
            SamlPrivateKey {
                key_id: "QWERTYUIOPASDFGHJKLZXC1234".into(),
                timestamp: Some(Timestamp::parse("2026-03-01T12:00:00Z").unwrap()),
            },
            SamlPrivateKey {
                key_id: "ZXCVBNMASDFGHJKLQWERTY5678".into(),
                timestamp: Some(Timestamp::parse("2026-06-01T12:00:00Z").unwrap()),
            },
        ]
    );
}

#[tokio::test]
async fn a_provider_that_never_set_encryption_has_neither() {
    let p = provider("").await;
    assert_eq!(p.assertion_encryption_mode, None);
    assert!(p.private_keys.is_empty());
    assert_eq!(
        p.valid_until.map(|t| t.to_string()).as_deref(),
        Some("2036-01-01T00:00:00Z")
    );
}

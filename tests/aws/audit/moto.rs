//! moto as the audit test's AWS: SDK clients on it as any account (moto lets the root test key
//! assume a role into any account id, which then exists), an organization with member accounts,
//! and moto's request authorization switched on while the binary runs (`/moto-api/reset-auth`),
//! so that moto checks every call against the caller's policies and every AssumeRole against the
//! role's trust policy, and refuses what they do not allow. The guard switches it off again, even
//! when the test fails: the server is shared with the other tests.

use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region};

use super::http::call;

/// The moto server.
pub struct Moto {
    pub endpoint: String,
}

/// Builds a client of `$sdk` on moto with `$creds`.
macro_rules! client {
    ($sdk:ident, $moto:expr, $creds:expr) => {
        $sdk::Client::from_conf(
            $sdk::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .endpoint_url(&$moto.endpoint)
                .http_client(connect_check::aws::https_client())
                .credentials_provider($creds)
                .build(),
        )
    };
}

impl Moto {
    /// The root test key (moto's default account).
    pub fn root() -> Credentials {
        Credentials::new("testing", "testing", None, None, "moto")
    }

    pub fn iam(&self, creds: Credentials) -> aws_sdk_iam::Client {
        client!(aws_sdk_iam, self, creds)
    }

    pub fn organizations(&self, creds: Credentials) -> aws_sdk_organizations::Client {
        client!(aws_sdk_organizations, self, creds)
    }

    pub fn sts(&self, creds: Credentials) -> aws_sdk_sts::Client {
        client!(aws_sdk_sts, self, creds)
    }

    /// Credentials in `account`, for the set-up (before authorization is switched on).
    pub async fn as_account(&self, account: &str) -> Credentials {
        let out = self
            .sts(Self::root())
            .assume_role()
            .role_arn(format!("arn:aws:iam::{account}:role/test-setup"))
            .role_session_name("test-setup")
            .send()
            .await
            .unwrap();
        let c = out.credentials().unwrap();
        Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            None,
            "moto",
        )
    }

    /// An organization managed by `management`, with `members` new accounts (their ids).
    pub async fn organization(&self, management: &str, members: usize) -> Vec<String> {
        let org = self.organizations(self.as_account(management).await);
        org.create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .unwrap();
        let mut ids = Vec::new();
        for i in 0..members {
            let out = org
                .create_account()
                .email(format!("member{i}@example.com"))
                .account_name(format!("member-{i}"))
                .send()
                .await
                .unwrap();
            let status = out.create_account_status().unwrap();
            ids.push(status.account_id().unwrap().to_owned());
        }
        ids
    }

    /// moto checks every request against the caller's policies until the guard is dropped.
    pub fn authorize(&self) -> Authorization {
        let (status, body) = call(&self.endpoint, "POST", "/moto-api/reset-auth", "0");
        assert!(
            status.starts_with("200"),
            "reset-auth: {status} {}",
            String::from_utf8_lossy(&body)
        );
        Authorization {
            endpoint: self.endpoint.clone(),
        }
    }
}

/// While it lives, moto authorizes every request.
pub struct Authorization {
    endpoint: String,
}

impl Drop for Authorization {
    fn drop(&mut self) {
        call(&self.endpoint, "POST", "/moto-api/reset-auth", "inf");
    }
}

/// An IAM user with `policy` (inline) and an access key: (key id, secret).
pub async fn user_with_key(
    iam: &aws_sdk_iam::Client,
    name: &str,
    policy: &str,
) -> (String, String) {
    iam.create_user().user_name(name).send().await.unwrap();
    iam.put_user_policy()
        .user_name(name)
        .policy_name("saml-doctor-audit")
        .policy_document(policy)
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    (
        key.access_key_id().to_owned(),
        key.secret_access_key().to_owned(),
    )
}

/// A role at `path` trusting `trust`, with `policy` inline when given.
pub async fn role(
    iam: &aws_sdk_iam::Client,
    path: &str,
    name: &str,
    trust: &str,
    policy: Option<&str>,
) {
    iam.create_role()
        .path(path)
        .role_name(name)
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap_or_else(|e| panic!("role {name}: {e:?}"));
    if let Some(policy) = policy {
        iam.put_role_policy()
            .role_name(name)
            .policy_name("saml-doctor-audit")
            .policy_document(policy)
            .send()
            .await
            .unwrap();
    }
}

/// A SAML provider named `name` holding the metadata of tests/fixtures/audit/`file`.
pub async fn provider(iam: &aws_sdk_iam::Client, name: &str, file: &str) {
    let metadata =
        std::fs::read_to_string(super::root().join("tests/fixtures/audit").join(file)).unwrap();
    iam.create_saml_provider()
        .name(name)
        .saml_metadata_document(metadata)
        .send()
        .await
        .unwrap_or_else(|e| panic!("provider {name}: {e:?}"));
}

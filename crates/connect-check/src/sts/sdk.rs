//! [`StsApi`] on a real STS, through aws-sdk-sts (regional endpoints, in the session's region):
//! the credentials AssumeRole answers become a [`Session`] of their own, from which the member
//! account's IAM and Connect adapters are made on the same HTTPS client and retry settings.

use aws_credential_types::Credentials;
use saml_core::aws::RoleSessionName;

use super::api::{CallerIdentity, RoleSession, StsApi};
use crate::access::{AccessError, AccessResult};
use crate::aws::{SdkResultExt, Session};
use crate::connect::sdk::SdkConnect;
use crate::iam::sdk::SdkIam;

/// STS, and the region the assumed sessions read Amazon Connect in.
pub struct SdkSts {
    client: aws_sdk_sts::Client,
    session: Session,
    connect_region: Option<String>,
}

impl SdkSts {
    /// STS in the session's region; the assumed roles' Connect in `connect_region`, else in the
    /// session's region.
    pub fn new(session: &Session, connect_region: Option<&str>) -> Self {
        Self::from_client(
            aws_sdk_sts::Client::new(session.config()),
            session,
            connect_region,
        )
    }

    /// STS on a client already built (tests build one on recorded responses); the assumed
    /// sessions are `session` with the answered credentials.
    pub fn from_client(
        client: aws_sdk_sts::Client,
        session: &Session,
        connect_region: Option<&str>,
    ) -> Self {
        Self {
            client,
            session: session.clone(),
            connect_region: connect_region.map(str::to_owned),
        }
    }
}

impl StsApi for SdkSts {
    type Iam = SdkIam;
    type Connect = SdkConnect;

    async fn caller_identity(&self) -> AccessResult<CallerIdentity> {
        const ACTION: &str = "sts:GetCallerIdentity";
        let out = self
            .client
            .get_caller_identity()
            .send()
            .await
            .required(ACTION)?;
        match (out.account(), out.arn()) {
            (Some(account), Some(arn)) => Ok(CallerIdentity {
                account: account.to_owned(),
                arn: arn.to_owned(),
            }),
            _ => Err(AccessError::Failed {
                action: ACTION,
                message: "the answer has no Account or Arn".into(),
            }),
        }
    }

    async fn assume_role(
        &self,
        role_arn: &str,
        session_name: &RoleSessionName,
    ) -> AccessResult<RoleSession<SdkIam, SdkConnect>> {
        const ACTION: &str = "sts:AssumeRole";
        let out = self
            .client
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session_name.as_str())
            .send()
            .await
            .required(ACTION)?;
        let c = out.credentials().ok_or_else(|| AccessError::Failed {
            action: ACTION,
            message: "the answer has no Credentials".into(),
        })?;
        let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
        let credentials = Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            expiry,
            "saml-doctor-assumed-role",
        );
        let session = self.session.with_credentials(credentials);
        Ok(RoleSession {
            iam: SdkIam::new(&session),
            connect: SdkConnect::new(&session, self.connect_region.as_deref()),
        })
    }
}

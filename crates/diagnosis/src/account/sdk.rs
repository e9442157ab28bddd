//! The account checks on the AWS SDK: one session (profile, Region, credentials) loaded and
//! checked once, from which each service's clients are made.

use connect_check::aws::Session;
use connect_check::connect::sdk::SdkConnect;
use connect_check::iam::sdk::SdkIam;
use connect_check::identity_center::sdk::SdkIdentityCenter;
use connect_check::organizations::sdk::SdkOrganizations;

use super::Accounts;
use crate::error::Error;

/// The AWS account reached through the SDK's standard configuration chain.
#[derive(Debug, Clone)]
pub struct SdkAccounts {
    session: Session,
    /// Told how far a long listing (Connect's ListUsers) has gone: the users listed so far, and
    /// whether more pages follow (the CLI draws it on a terminal).
    pub progress: Option<fn(usize, bool)>,
}

impl SdkAccounts {
    /// Loads the configuration (`profile`, else the standard chain; `region`, else the chain's,
    /// else `fallback`) and checks that it yields credentials.
    pub async fn load(
        profile: Option<&str>,
        region: Option<&str>,
        fallback: &str,
    ) -> Result<Self, Error> {
        let session = Session::load(profile, region, fallback).await;
        session
            .check_credentials()
            .await
            .map_err(|e| Error::Account(e.to_string()))?;
        Ok(Self::from_session(session))
    }

    /// The account seen through an SDK configuration the caller made (its own HTTP client,
    /// endpoint or credentials: recorded responses in tests, say). Credentials are not checked.
    pub fn from_config(config: aws_config::SdkConfig) -> Self {
        Self::from_session(Session::from_config(config))
    }

    /// The account seen through a session the caller loaded.
    pub fn from_session(session: Session) -> Self {
        Self {
            session,
            progress: None,
        }
    }
}

impl Accounts for SdkAccounts {
    type Connect = SdkConnect;
    type Iam = SdkIam;
    type Organizations = SdkOrganizations;
    type IdentityCenter = SdkIdentityCenter;

    fn connect(&self, region: Option<&str>) -> SdkConnect {
        let connect = SdkConnect::new(&self.session, region);
        match self.progress {
            Some(progress) => connect.with_progress(progress),
            None => connect,
        }
    }

    fn iam(&self) -> SdkIam {
        SdkIam::new(&self.session)
    }

    fn organizations(&self) -> SdkOrganizations {
        SdkOrganizations::new(&self.session)
    }

    fn identity_center(&self, region: Option<&str>) -> SdkIdentityCenter {
        SdkIdentityCenter::new(&self.session, region)
    }
}

//! The account checks on the AWS SDK: one configuration (profile, Region, credentials) loaded
//! and checked once, from which each Region's clients are made.

use connect_check::sdk::{self, SdkAccount};
use connect_check::sdk_identity_center::SdkIdentityCenter;

use super::Accounts;
use crate::error::Error;

/// The AWS account reached through the SDK's standard configuration chain.
#[derive(Debug, Clone)]
pub struct SdkAccounts {
    config: aws_config::SdkConfig,
    /// Whether long listings (Connect's ListUsers) may draw progress on standard error.
    pub progress: bool,
}

impl SdkAccounts {
    /// Loads the configuration (`profile`, else the standard chain; `region`, else the chain's,
    /// else `fallback`) and checks that it yields credentials.
    pub async fn load(
        profile: Option<&str>,
        region: Option<&str>,
        fallback: &str,
    ) -> Result<Self, Error> {
        let config = sdk::load_config(profile, region, fallback).await;
        sdk::check_credentials(&config)
            .await
            .map_err(Error::Account)?;
        Ok(Self::from_config(config))
    }

    /// The account seen through an SDK configuration the caller made (its own HTTP client,
    /// endpoint or credentials: recorded responses in tests, say). Credentials are not checked.
    pub fn from_config(config: aws_config::SdkConfig) -> Self {
        Self {
            config,
            progress: false,
        }
    }
}

impl Accounts for SdkAccounts {
    type Federation = SdkAccount;
    type IdentityCenter = SdkIdentityCenter;

    fn federation(&self, region: Option<&str>) -> SdkAccount {
        let mut account = SdkAccount::new(&self.config, region);
        account.progress = self.progress;
        account
    }

    fn identity_center(&self, region: Option<&str>) -> SdkIdentityCenter {
        SdkIdentityCenter::new(&self.config, region)
    }
}

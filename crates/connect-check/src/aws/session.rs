//! The AWS session: the SDK configuration loaded the way the AWS CLI loads it (`--profile`, the
//! region chain, SSO, environment, instance metadata, `AWS_ENDPOINT_URL_*` overrides), once per
//! run, on the one HTTPS client every SDK client here uses.

use aws_config::environment::EnvironmentVariableRegionProvider;
use aws_config::imds::region::ImdsRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileRegionProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// Why a session cannot call AWS at all.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The configuration names no way to get credentials.
    #[error("no AWS credentials provider is configured")]
    NoProvider,
    /// The credentials provider failed (no profile, expired SSO session, …).
    #[error("no AWS credentials could be loaded ({0}); set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")]
    NoCredentials(CredentialsError),
}

/// The AWS configuration of one run, from which every service's adapter is made
/// (`SdkConnect::new(&session, region)`, …). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Session {
    config: SdkConfig,
    configured_region: Option<String>,
}

impl Session {
    /// Loads the configuration the way the AWS CLI does: `profile` when given (else the
    /// standard chain: AWS_PROFILE, environment, SSO, instance metadata); the region from
    /// `region`, else AWS_REGION, the profile or instance metadata, else `fallback_region`.
    pub async fn load(profile: Option<&str>, region: Option<&str>, fallback_region: &str) -> Self {
        let http = https_client();
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http.clone());
        let mut profile_region = ProfileFileRegionProvider::builder();
        if let Some(p) = profile {
            loader = loader.profile_name(p);
            profile_region = profile_region.profile_name(p);
        }
        // The SDK's default region chain (environment, profile, instance metadata), spelled out
        // so that its instance-metadata client gets our HTTPS client (built by the SDK it would
        // have none), and so that the session knows whether a region was configured at all.
        let imds = ImdsRegionProvider::builder()
            .configure(&ProviderConfig::default().with_http_client(http))
            .build();
        let configured = RegionProviderChain::first_try(region.map(|r| Region::new(r.to_owned())))
            .or_else(EnvironmentVariableRegionProvider::new())
            .or_else(profile_region.build())
            .or_else(imds)
            .region()
            .await;
        let effective = configured
            .clone()
            .unwrap_or_else(|| Region::new(fallback_region.to_owned()));
        Self {
            config: loader.region(effective).load().await,
            configured_region: configured.map(|r| r.as_ref().to_owned()),
        }
    }

    /// A session on a configuration built elsewhere (tests, a local endpoint); its region, if
    /// any, counts as configured.
    pub fn from_config(config: SdkConfig) -> Self {
        let configured_region = config.region().map(|r| r.as_ref().to_owned());
        Self {
            config,
            configured_region,
        }
    }

    /// The loaded configuration, for a service client in the session's region.
    pub fn config(&self) -> &SdkConfig {
        &self.config
    }

    /// The region the user configured (flag, environment, profile or instance metadata), if
    /// any; `None` when the session fell back to its default region.
    pub fn configured_region(&self) -> Option<&str> {
        self.configured_region.as_deref()
    }

    /// The configuration for a client in `region` (a regional service: Connect's instance,
    /// Identity Center's home Region), or in the session's region when `None`.
    pub fn config_in(&self, region: Option<&str>) -> SdkConfig {
        match region {
            Some(r) => self
                .config
                .to_builder()
                .region(Region::new(r.to_owned()))
                .build(),
            None => self.config.clone(),
        }
    }

    /// Checks that credentials can be had at all, so that "no credentials" is one clear line
    /// rather than one failure per call.
    pub async fn check_credentials(&self) -> Result<(), SessionError> {
        let provider = self
            .config
            .credentials_provider()
            .ok_or(SessionError::NoProvider)?;
        provider
            .provide_credentials()
            .await
            .map(|_| ())
            .map_err(SessionError::NoCredentials)
    }
}

/// The HTTPS client every SDK client here uses: rustls with ring, server certificates verified
/// against the system's trust store. (The SDK's `default-https-client` is the same on aws-lc-rs,
/// which takes minutes longer to build; clients made from a [`Session`] inherit this one.)
pub fn https_client() -> SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

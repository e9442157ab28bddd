//! The AWS side, on the SDK (feature `aws`): the account's event history through CloudTrail's
//! `LookupEvents` ([`lookup`]), and the analysis query on Amazon Athena ([`athena`]). Both take
//! clients built by the caller from the configuration `connect_check::aws::Session` loads
//! (the project's one HTTPS client, rustls on ring); [`clients`] builds them.

pub mod athena;
pub mod lookup;

use aws_config::{Region, SdkConfig};

/// A CloudTrail client per Region: the configuration's own and `us-east-1`, where the global
/// STS endpoint logs `AssumeRoleWithSAML` (and IAM Identity Center's sign-in events of a
/// `us-east-1` instance land), each once.
pub fn cloudtrail_clients(
    config: &SdkConfig,
    regions: &[String],
) -> Vec<(String, aws_sdk_cloudtrail::Client)> {
    let mut wanted: Vec<String> = regions.to_vec();
    if wanted.is_empty() {
        if let Some(r) = config.region() {
            wanted.push(r.to_string());
        }
        wanted.push("us-east-1".to_owned());
    }
    let mut seen: Vec<String> = Vec::new();
    wanted.retain(|r| {
        let new = !seen.contains(r);
        seen.push(r.clone());
        new
    });
    wanted
        .into_iter()
        .map(|r| {
            let conf = aws_sdk_cloudtrail::config::Builder::from(config)
                .region(Region::new(r.clone()))
                .build();
            (r, aws_sdk_cloudtrail::Client::from_conf(conf))
        })
        .collect()
}

/// Loads the configuration as the account checks do (profile, region, the project's HTTPS
/// client) and builds the Athena client.
pub async fn clients(
    profile: Option<&str>,
    region: Option<&str>,
) -> (SdkConfig, aws_sdk_athena::Client) {
    let config = connect_check::aws::Session::load(profile, region, "us-east-1")
        .await
        .config()
        .clone();
    let athena = aws_sdk_athena::Client::new(&config);
    (config, athena)
}

/// An SDK error as one line.
pub(crate) fn error_text<E>(err: &E) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error,
{
    match (err.code(), err.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => {
            let mut cause: &dyn std::error::Error = err;
            while let Some(next) = cause.source() {
                cause = next;
            }
            cause.to_string()
        }
    }
}

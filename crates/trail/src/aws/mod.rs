//! The AWS side, on the SDK (feature `aws`): the account's event history through CloudTrail's
//! `LookupEvents` ([`lookup`]), and the analysis query on Amazon Athena ([`athena`]). Both take
//! clients, which [`cloudtrail_clients`] and [`athena_client`] make from the caller's
//! [`Session`] (loaded once a run: profile, Region, credentials, the project's one HTTPS
//! client), so tests can hand them recorded responses instead.

pub mod athena;
pub mod lookup;

pub use connect_check::aws::Session;

/// A CloudTrail client per Region of `regions`; when none is given, the session's configured
/// Region and `us-east-1`, where the global STS endpoint logs `AssumeRoleWithSAML` (and IAM
/// Identity Center's sign-in events of a `us-east-1` instance land), each once.
pub fn cloudtrail_clients(
    session: &Session,
    regions: &[String],
) -> Vec<(String, aws_sdk_cloudtrail::Client)> {
    let mut wanted: Vec<String> = regions.to_vec();
    if wanted.is_empty() {
        wanted.extend(session.configured_region().map(str::to_owned));
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
            let client = aws_sdk_cloudtrail::Client::new(&session.config_in(Some(&r)));
            (r, client)
        })
        .collect()
}

/// The Athena client, in `region` or the session's Region (where the table's catalog and the
/// workgroup are).
pub fn athena_client(session: &Session, region: Option<&str>) -> aws_sdk_athena::Client {
    aws_sdk_athena::Client::new(&session.config_in(region))
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

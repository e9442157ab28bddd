//! What an SDK error means to a check: the thing asked for does not exist, or the call did not
//! answer ([`AccessError`]: denied to the checker, naming the action; throttled after the SDK's
//! retries; failed, with the innermost cause of a network failure). Every service error is one
//! of these, never a panic.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::access::{AccessError, AccessResult};

/// What a service error means to the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The resource asked for does not exist.
    NotFound,
    /// The call did not answer.
    Access(AccessError),
}

/// Classifies an SDK error of the call `action`. `not_found` recognizes the operation's
/// modeled "does not exist" error (whose metadata may carry no code).
pub fn classify<E, R>(
    action: &'static str,
    err: SdkError<E, R>,
    not_found: fn(&E) -> bool,
) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    if err.as_service_error().is_some_and(not_found) {
        return Failure::NotFound;
    }
    let code = err.code().unwrap_or_default().to_owned();
    match code.as_str() {
        "ResourceNotFoundException" | "NoSuchEntity" | "NoSuchEntityException" => Failure::NotFound,
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "UnrecognizedClientException"
        | "InvalidClientTokenId" => Failure::Access(AccessError::Denied { action }),
        "Throttling" | "ThrottlingException" | "TooManyRequestsException" | "LimitExceeded" => {
            Failure::Access(AccessError::Throttled { action })
        }
        _ => {
            let message = match err.message() {
                Some(m) if !code.is_empty() => format!("{code}: {m}"),
                _ if !code.is_empty() => code,
                // Network and endpoint failures: the innermost cause is the one that says why.
                _ => {
                    let mut cause: &dyn std::error::Error = &err;
                    while let Some(next) = cause.source() {
                        cause = next;
                    }
                    format!("cannot reach the service endpoint: {cause}")
                }
            };
            Failure::Access(AccessError::Failed { action, message })
        }
    }
}

/// The answer of an SDK call (`….send().await`), as the checks take it.
pub trait SdkResultExt<T, E> {
    /// A call whose "does not exist" is an answer: `Ok(None)`. `not_found` recognizes the
    /// operation's modeled "does not exist" error.
    fn optional(self, action: &'static str, not_found: fn(&E) -> bool) -> AccessResult<Option<T>>;
    /// A call that must answer: "does not exist" is a failure too.
    fn required(self, action: &'static str) -> AccessResult<T>;
}

impl<T, E, R> SdkResultExt<T, E> for Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    fn optional(self, action: &'static str, not_found: fn(&E) -> bool) -> AccessResult<Option<T>> {
        match self.map_err(|e| classify(action, e, not_found)) {
            Ok(v) => Ok(Some(v)),
            Err(Failure::NotFound) => Ok(None),
            Err(Failure::Access(e)) => Err(e),
        }
    }

    fn required(self, action: &'static str) -> AccessResult<T> {
        match self.map_err(|e| classify(action, e, |_| false)) {
            Ok(v) => Ok(v),
            Err(Failure::NotFound) => Err(AccessError::Failed {
                action,
                message: "not found".into(),
            }),
            Err(Failure::Access(e)) => Err(e),
        }
    }
}

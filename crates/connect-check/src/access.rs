//! What a call to the account answers when it does not answer the question: the checker may not
//! make it, AWS throttled it, or it failed. Every service's trait returns [`AccessResult`], and a
//! check that cannot read what it needs reports it as a `check_skipped` finding naming the
//! permission: an unrun check is never a pass.

use saml_core::{Check, Finding};

/// Why a call to the account did not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// The checker's own credentials may not make this call.
    #[error(
        "the checker's credentials may not call {action}; grant it (see `saml-doctor aws-policy`)"
    )]
    Denied {
        /// The IAM action refused, e.g. `connect:SearchUsers`.
        action: &'static str,
    },
    /// Still throttled after the SDK's retries.
    #[error("{action} was throttled by AWS, even after retries; run again later")]
    Throttled {
        /// The IAM action throttled.
        action: &'static str,
    },
    /// Anything else: network, endpoint, unexpected service error or answer.
    #[error("{action} failed: {message}")]
    Failed {
        /// The IAM action of the call that failed.
        action: &'static str,
        /// What went wrong, for the reader.
        message: String,
    },
}

/// The answer of a call to the account.
pub type AccessResult<T> = Result<T, AccessError>;

impl AccessError {
    /// The `check_skipped` finding of a check this error kept from running; a denial names the
    /// missing permission in the evidence (`missing_permission`).
    pub fn skipped(&self, check: Check) -> Finding {
        let f = Finding::skipped(check, self);
        match self {
            AccessError::Denied { action } => f.with("missing_permission", *action),
            _ => f,
        }
    }
}

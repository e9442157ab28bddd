//! What an audit is asked to judge by: the instant, how far ahead to warn, the identity
//! providers' current metadata and the names the identity provider will send.

use saml_core::Timestamp;

use crate::expect::ExpectedNames;
use crate::idp::IdpSet;

/// `--warn-days`' default: certificates and metadata ending within 30 days are reported.
pub const DEFAULT_WARN_DAYS: u32 = 30;

/// The audit's inputs besides the account.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// The instant every time rule is judged at (the CLI passes the time it runs; tests a fixed
    /// one): the core never reads the clock.
    pub as_of: Timestamp,
    /// Certificates and metadata ending within this many days of `as_of` are reported.
    pub warn_days: u32,
    /// The identity providers' current metadata (`--metadata`); may be empty.
    pub idps: IdpSet,
    /// The RoleSessionName of every person (`--expect`), checked against each SAML instance.
    pub expect: Option<ExpectedNames>,
}

impl AuditOptions {
    /// Options judged at `as_of`, warning [`DEFAULT_WARN_DAYS`] ahead, without metadata or
    /// expected names.
    pub fn new(as_of: Timestamp) -> Self {
        Self {
            as_of,
            warn_days: DEFAULT_WARN_DAYS,
            idps: IdpSet::default(),
            expect: None,
        }
    }

    /// The warning window in milliseconds.
    pub(crate) fn warn_millis(&self) -> i64 {
        i64::from(self.warn_days) * 86_400_000
    }
}

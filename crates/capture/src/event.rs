//! What a recording reports as it happens, for a caller that diagnoses each SAML message the
//! moment it is seen and shows the user where the sign-in is.

pub use crate::saml::SamlSeen;

/// Something the recording saw.
#[derive(Debug, Clone)]
pub enum Event {
    /// A request carrying a SAMLResponse or SAMLRequest (form POST body, redirect query), or a
    /// page whose auto-post form holds one.
    Saml(SamlSeen),
    /// A top-level page finished loading, or failed to.
    PageLoaded(PageLoaded),
}

/// A top-level page that finished loading or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLoaded {
    /// The request's index among the recording's requests: its HAR entry.
    pub entry: usize,
    /// Its URL. It may carry tokens in its query: never print it whole (see
    /// [`crate::display_url`]).
    pub url: String,
    /// The HTTP status, when a response came.
    pub status: Option<u16>,
    /// Why it failed (`net::ERR_NAME_NOT_RESOLVED`, ...).
    pub error: Option<String>,
}

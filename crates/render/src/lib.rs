//! saml-render: the reports of saml-doctor's diagnoses, from the report model of
//! `saml-diagnosis`: text for people ([`text()`]), one JSON object for scripts ([`json()`]), and
//! one self-contained HTML page to attach to a ticket ([`html::render`]); and the same three of
//! `saml-doctor trail`'s CloudTrail reports ([`trail`]) and of an account audit, from
//! `saml-audit`'s report ([`audit`]).
//!
//! Every renderer reads the same findings, whose wording is the finding catalogue's, so the
//! three say the same thing. The HTML pages ([`page`]) are inert: no script, no external
//! resource, a Content-Security-Policy that forbids anything else, and every string from the
//! capture or the logs escaped; they never hold the SAMLResponse, a signature, a cookie, a token
//! or a credential.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod catalogue;
pub mod extract;
pub mod html;
pub mod page;
pub mod sessions;
pub mod style;
pub mod text;
pub mod trail;
pub mod words;

pub use style::Style;
pub use text::text;

use saml_diagnosis::Diagnosis;

/// The diagnosis as one JSON object (pretty-printed): the contract scripts rely on.
pub fn json(d: &Diagnosis) -> String {
    serde_json::to_string_pretty(d).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

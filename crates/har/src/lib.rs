//! saml-har: reads browser HAR captures (Chrome, Edge, Firefox, Safari), in one streaming pass
//! with bounded memory, and finds every SAML message in them: form POSTs, the identity
//! provider's auto-post HTML forms, redirect-binding query strings, each with its RelayState.
//!
//! Truncated files keep every complete entry before the cut. Nothing here prints or stores
//! cookies, headers or bodies other than the SAML fields and the HTML forms that carry them.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod capture;
pub mod entry;
pub mod find;
pub mod identity_center;
pub mod json;
pub mod read_ahead;
pub mod redact;
pub mod scan;
pub mod steps;
pub mod text;
pub mod url;

pub use capture::{Capture, CutInfo, Message, Sighting};
pub use entry::NotHar;
pub use find::LocationKind;
pub use scan::{scan, scan_read_ahead, ScanError};

/// The README's example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

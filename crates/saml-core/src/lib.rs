//! saml-core: decode, parse and diagnose SAML 2.0 sign-ins into AWS and Amazon Connect, offline.
//!
//! Pure functions, no I/O, no clock: give it what a user pasted (or what `saml-har` found in a
//! capture) and the instant to judge time rules at, and it returns typed findings whose codes are
//! the stable contract of saml-doctor.
//!
//! ```
//! use saml_core::{diagnose, AsOf, AsOfSource, RelayStateInput, Timestamp};
//!
//! let xml = br#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"
//!     IssueInstant="2024-05-01T10:00:00Z"><samlp:Status><samlp:StatusCode
//!     Value="urn:oasis:names:tc:SAML:2.0:status:Requester"/></samlp:Status></samlp:Response>"#;
//! let as_of = AsOf { instant: Timestamp::parse("2024-05-01T10:00:05Z").unwrap(), source: AsOfSource::Given };
//! let report = diagnose(xml, as_of, RelayStateInput::Unknown);
//! assert_eq!(report.findings[0].code.as_str(), "status_not_success");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod aws;
pub mod c14n;
mod catalogue;
#[cfg(feature = "signatures")]
pub mod cert;
pub mod check;
pub mod code;
pub mod decode;
#[cfg(feature = "signatures")]
pub mod dsig;
mod encrypted;
pub mod facts;
pub mod finding;
pub mod identity_center;
#[cfg(feature = "encryption")]
pub mod keys;
pub mod metadata;
pub mod model;
pub mod report;
pub mod rules;
pub mod time;
pub mod xml;
#[cfg(feature = "encryption")]
pub mod xmlenc;

pub use check::Check;
pub use code::{Area, Code, CodeInfo, Severity};
pub use facts::{EncryptedAssertionFacts, Facts, IdpKind};
pub use finding::{Evidence, Finding};
pub use report::{
    diagnose, diagnose_decoded, diagnose_decoded_in, diagnose_in, diagnose_xml, diagnose_xml_in,
    Context, Report,
};
pub use rules::RelayStateInput;
pub use time::{AsOf, AsOfSource, Timestamp};

/// The README's example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

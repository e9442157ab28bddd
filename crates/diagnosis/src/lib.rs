//! saml-diagnosis: why a SAML sign-in into AWS failed, from what the user has: a browser's HAR
//! capture or a pasted `SAMLResponse`. Input in, a typed report out ([`Diagnosis`]), which the
//! text, JSON and HTML renderers of `saml-render` read, and which programs can act on by finding
//! code.
//!
//! Offline, every SAML message is decoded, parsed and checked against what AWS requires
//! (`saml-core`), each at the moment the browser sent it; checks that need the AWS account are
//! reported as not run. [`check_account`] then runs them (`connect-check`) and merges their
//! findings into the report.
//!
//! ```no_run
//! use saml_diagnosis::{diagnose_capture, Options, Quiet, ReadMode};
//!
//! let file = std::fs::File::open("capture.har")?;
//! let reader = Box::new(std::io::BufReader::new(file));
//! let d = diagnose_capture("capture.har".into(), reader, ReadMode::ReadAhead, &Options::default(), &mut Quiet)?;
//! for f in &d.findings {
//!     println!("{} {}", f.code, f.title);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod account;
mod capture;
mod error;
mod model;
mod observer;
mod offline;
mod options;
mod pasted;
mod timeline;

pub use account::{check_account, AccountOptions, Accounts};
pub use capture::{diagnose_capture, extract_capture, Extracted, Extraction, ReadMode};
pub use error::Error;
pub use model::{Diagnosis, MessageReport, Rerun, Summary};
pub use observer::{Observer, Phase, Quiet};
pub use offline::add_account_skips;
pub use options::{now, Options};
pub use pasted::diagnose_pasted;
pub use timeline::{CaptureSteps, MessageSightings};

//! Makes a HAR safe to attach to a support case: cookies, authorization headers, tokens,
//! passwords, JWTs and AWS keys are replaced by a fixed marker naming what was there
//! (`[redacted: cookie]`), never by a hash a short secret could be recovered from.
//!
//! The SAMLResponse is special: by default it stays diagnosable but unusable (its
//! SignatureValue and DigestValue are replaced, the rest re-encoded as it was).
//!
//! Streaming with bounded memory: `log.entries` is read one entry at a time into a tree whose
//! strings are capped (a longer string, such as a 300 MB body, becomes a marker), redacted by
//! where each value sits, and written out. A truncated input yields a valid HAR of its complete
//! entries.
//!
//! By concern:
//! - `stream.rs`: the streaming rewrite ([`redact`]): the HAR read one entry at a time, each
//!   written out redacted; a cut inside the entries closes the output as a valid HAR.
//! - `policy.rs`: what in an entry is redacted how (headers, cookies, query strings, form
//!   bodies, JSON, HTML forms, base64 bodies).
//! - `secrets.rs`: what counts as a secret, by its name ([`secret_kind`]) or its shape in free
//!   text ([`redact_patterns`]).
//! - `saml.rs`: a SAMLResponse made unusable but still diagnosable ([`strip_signatures`]).
//! - `summary.rs`: what was redacted, by kind and place, without the values.

mod policy;
mod saml;
mod secrets;
mod stream;
mod summary;

pub use policy::SamlMode;
pub use saml::strip_signatures;
pub use secrets::{redact_patterns, secret_kind};
pub use stream::{redact, RedactError, MAX_STRING};
pub use summary::Summary;

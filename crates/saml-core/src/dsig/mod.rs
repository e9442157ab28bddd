//! XML-DSig verification of the enveloped signatures in a SAML Response, and the findings it
//! leads to (`signature_invalid`, `signing_cert_not_in_metadata`, `signing_cert_expired`,
//! `issuer_mismatch`).
//!
//! Fails closed. Every `ds:Signature` anywhere in the message must verify, or the message is
//! rejected; an algorithm, transform or shape this module does not implement is a rejection
//! naming it, never a skipped check. A signature counts only for the element it is enveloped in,
//! by that element's ID (no reference to another ID; `URI=""` only for the document element);
//! IDs must be unique; every Assertion directly in the Response (the ones the rules and the
//! report read) must be covered by a signature, and the facts shown are read from one that a
//! verified signature covers. Work is bounded: signatures, transforms, inclusive prefixes and
//! canonicalized bytes have hard limits, above which the message is rejected.
//!
//! Two layers:
//! - the verification engine checks one signature at a time (`engine.rs`, with the XML-DSig
//!   grammar it reads in `shape.rs`): its shape, Reference, transforms, canonicalization,
//!   digest, signature value and key, to an [`Outcome`];
//! - the verdict policy (`verdict.rs`) decides what the outcomes mean for the message: every
//!   signature must verify, which Assertion a verified signature covers, the findings and the
//!   one-line summaries ([`check_document`]).

mod engine;
mod outcome;
mod shape;
mod verdict;

#[cfg(test)]
mod test_vectors;

pub use engine::{verify, Doc, MAX_SIGNATURES, MAX_TRANSFORMS};
pub use outcome::{Checked, Outcome, Target};
pub use shape::MAX_INCLUSIVE_PREFIXES;
pub use verdict::{check, check_document, duplicate_ids, summary, Verdict};

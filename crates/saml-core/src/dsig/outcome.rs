//! What checking one signature concludes: which element it covers, its outcome, and the
//! certificate it carries. The engine produces these; the verdict policy reads them.

use serde::Serialize;

use crate::cert::Certificate;

/// What a signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The Response element.
    Response,
    /// The Assertion at this position among the Response's Assertion children.
    Assertion(usize),
    /// Any other element (an assertion inside Advice, an Extensions element, ...).
    Other,
}

/// The outcome of checking one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The digest matches and the signature verifies with this certificate.
    Valid {
        /// The certificate whose key verified it.
        certificate: Box<Certificate>,
        /// The certificate is one of the metadata's (trusted), not only the one the signature
        /// carries (integrity without trust).
        from_metadata: bool,
    },
    /// The signed content changed after signing.
    DigestMismatch,
    /// The digest matches, but no candidate key verifies the signature.
    BadSignature,
    /// The only candidate keys are too weak to verify with.
    WeakKey {
        /// Which key, and why it is too weak.
        what: String,
    },
    /// The signature uses something this verifier does not implement.
    Unsupported {
        /// What is not implemented (an algorithm, transform or reference form).
        what: String,
    },
    /// The signature is not shaped as a SAML enveloped signature must be.
    Malformed {
        /// What is wrong with its shape.
        why: String,
    },
    /// No key to verify with (no metadata and no embedded certificate).
    NoKey,
}

/// One signature and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// Where the Signature element is (`/Response/Assertion/Signature`).
    pub path: String,
    /// What it covers.
    pub target: Target,
    /// The ID of the element it is enveloped in.
    pub signed_id: Option<String>,
    /// The certificate the signature carries in KeyInfo, when it has a readable one.
    pub embedded: Option<Certificate>,
    /// Why the certificate it carries could not be read, when it could not.
    pub embedded_error: Option<String>,
    /// Whether the signature verifies with its embedded certificate (checked when the
    /// metadata's keys fail, to tell a rotated key from a tampered response).
    pub verifies_with_embedded: bool,
    /// What checking it concluded.
    pub outcome: Outcome,
}

//! What checking one signature concludes: which element it covers, its outcome, and the
//! certificate it carries. The engine produces these; the verdict policy reads them.

use serde::Serialize;

use crate::cert::Certificate;

/// What a signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
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
        certificate: Box<Certificate>,
        from_metadata: bool,
    },
    /// The signed content changed after signing.
    DigestMismatch,
    /// The digest matches, but no candidate key verifies the signature.
    BadSignature,
    /// The only candidate keys are too weak to verify with.
    WeakKey { what: String },
    /// The signature uses something this verifier does not implement.
    Unsupported { what: String },
    /// The signature is not shaped as a SAML enveloped signature must be.
    Malformed { why: String },
    /// No key to verify with (no metadata and no embedded certificate).
    NoKey,
}

/// One signature and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// Where the Signature element is (`/Response/Assertion/Signature`).
    pub path: String,
    pub target: Target,
    /// The ID of the element it is enveloped in.
    pub signed_id: Option<String>,
    /// The certificate the signature carries in KeyInfo, when it has a readable one.
    pub embedded: Option<Certificate>,
    pub embedded_error: Option<String>,
    /// Whether the signature verifies with its embedded certificate (checked when the
    /// metadata's keys fail, to tell a rotated key from a tampered response).
    pub verifies_with_embedded: bool,
    pub outcome: Outcome,
}

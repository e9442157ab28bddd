//! What opening the EncryptedAssertions of a Response gives the report: the document to read,
//! the facts and findings of each EncryptedAssertion (also without the `encryption` feature,
//! where nothing is opened).

use crate::facts::EncryptedAssertionFacts;
use crate::finding::Finding;
use crate::xml::Document;

/// The EncryptedAssertions of a Response, opened.
#[derive(Debug, Default)]
pub(crate) struct Opened {
    /// The document with the decrypted assertions in place, when any was decrypted.
    pub document: Option<Document>,
    /// How many assertions were decrypted.
    pub decrypted: usize,
    /// What each EncryptedAssertion is, in document order.
    pub facts: Vec<EncryptedAssertionFacts>,
    /// Why an EncryptedAssertion was not decrypted, and the weaknesses of those that were.
    pub findings: Vec<Finding>,
    /// Every EncryptedAssertion left encrypted has a finding of its own saying why (a key was
    /// given, its algorithm is unsupported, it was redacted): `assertion_encrypted`, which says
    /// a key would open it, is not needed.
    pub explained: bool,
}

//! Why an EncryptedAssertion could not be decrypted, in words a report can show.
//!
//! A failed decryption has one variant per thing the user can act on (no key, the wrong key,
//! an algorithm, a damaged message), never one per cryptographic check: whether the RSA-OAEP
//! decoding, the AES-GCM tag, the CBC padding or the XML inside a CBC plaintext failed is not
//! said, so the wording is no padding oracle (Jager and Somorovsky, "How to Break XML
//! Encryption", 2011, read exactly that difference out of error messages).

use serde::Serialize;

use crate::keys::KeyFingerprint;
use crate::xml::XmlError;

/// A certificate the identity provider names in an EncryptedKey's `ds:KeyInfo`: the public key
/// it says it encrypted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedCertificate {
    /// The certificate's subject.
    pub subject: String,
    /// SHA-256 of the certificate's DER, colon-separated hex.
    pub certificate_sha256: String,
    /// SHA-256 of its SubjectPublicKeyInfo, comparable with a key's fingerprint; `None` when
    /// the key inside cannot be read.
    pub key: Option<KeyFingerprint>,
}

impl std::fmt::Display for NamedCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (certificate SHA-256 {}",
            self.subject, self.certificate_sha256
        )?;
        match &self.key {
            Some(k) => write!(f, ", public key SHA-256 {k})"),
            None => write!(f, ", public key unreadable)"),
        }
    }
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why an EncryptedAssertion was not decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    /// No key was given to decrypt with.
    #[error("the assertion is encrypted and no decryption key was given")]
    NoKey,
    /// The identity provider names the certificate it encrypted to, and no given key is the
    /// private half of it (the keys were tried all the same).
    #[error("the assertion is encrypted to {}, and no given key is its private key (given: public key SHA-256 {})", list(.named), list(.given))]
    WrongKey {
        /// The certificates the EncryptedKeys name.
        named: Vec<NamedCertificate>,
        /// The fingerprints of the keys given.
        given: Vec<KeyFingerprint>,
    },
    /// The identity provider names no certificate, and no given key opens the assertion: it
    /// was encrypted to another key, or altered (which of the two cannot be told apart).
    #[error("none of the given keys (public key SHA-256 {}) opens the assertion: it was encrypted to another key, or altered after encryption (the identity provider names no certificate that would tell which)", list(.given))]
    NotOpened {
        /// The fingerprints of the keys given.
        given: Vec<KeyFingerprint>,
    },
    /// The key the identity provider encrypted to was given, and the assertion still does not
    /// decrypt: the ciphertext was altered or damaged.
    #[error("the assertion does not decrypt with the key it was encrypted to (public key SHA-256 {key}): it was altered after encryption or damaged on the way")]
    Tampered {
        /// The fingerprint of the key the certificate names.
        key: KeyFingerprint,
    },
    /// An algorithm (or an XML Encryption feature) that is not implemented; never guessed.
    #[error("the assertion is encrypted with {algorithm}, which saml-doctor does not implement (it decrypts RSA-OAEP and RSA 1.5 key transport with AES-GCM or AES-CBC content)")]
    Unsupported {
        /// The algorithm URI, or the feature with its URI.
        algorithm: String,
    },
    /// The EncryptedAssertion is not shaped as XML Encryption and SAML require.
    #[error("the EncryptedAssertion is malformed: {why}")]
    Malformed {
        /// What is wrong, and where.
        why: String,
    },
    /// The ciphertext is larger than the XML limits allow the plaintext to be; refused before
    /// any decryption.
    #[error("the encrypted assertion is {bytes} bytes, more than the {limit}-byte XML limit; it was not decrypted")]
    TooLarge {
        /// The ciphertext's size in bytes.
        bytes: usize,
        /// The XML limit in bytes.
        limit: usize,
    },
    /// The plaintext decrypted and authenticated (AES-GCM), and is refused as XML: the same
    /// size, depth and namespace limits as any SAML message.
    #[error("the decrypted assertion is refused: {0}")]
    Plaintext(XmlError),
    /// The plaintext decrypted and authenticated (AES-GCM), and is not one SAML Assertion.
    #[error("the decrypted content is not one saml:Assertion: {why}")]
    NotAnAssertion {
        /// What it is instead.
        why: String,
    },
}

impl DecryptError {
    pub(crate) fn malformed(why: impl Into<String>) -> Self {
        Self::Malformed { why: why.into() }
    }
}

//! XML Encryption (W3C XML Encryption 1.0 and 1.1) of SAML assertions: decrypting an
//! `EncryptedAssertion` with the IAM SAML provider's private keys, as AWS does before it reads
//! the assertion.
//!
//! Pure: no I/O; the caller loads the keys ([`crate::keys::DecryptionKey`]) and gives the
//! EncryptedAssertion element with its namespace context ([`Context::of`]). The result is the
//! plaintext Assertion, parsed with the same limits as any SAML message, which key opened it,
//! and the algorithms used; or a [`DecryptError`] a person can act on.
//!
//! Fails closed and says why: every given key is tried on every EncryptedKey that applies (a
//! provider holds up to two keys; an IdP may encrypt to several), and only then is a failure
//! concluded. Which failure is reported depends only on the certificates the IdP names, never
//! on which cryptographic check failed (see [`error`]). The decrypted content is hostile input
//! like any other: parsed with the document's limits, and refused unless it is exactly one
//! `saml:Assertion`. Work is bounded: at most [`structure::MAX_ENCRYPTED_KEYS`] EncryptedKeys,
//! and a ciphertext larger than the XML limits is refused before anything is decrypted.
//!
//! Private-key operations are RustCrypto's `rsa` 0.10: constant-time arithmetic (crypto-bigint,
//! the fix for the Marvin attack, RUSTSEC-2023-0071) and implicit rejection for PKCS#1 v1.5;
//! without blinding, since no random source is compiled in, which leaves nothing to time for an
//! attacker who could not time many decryptions of an offline run on the user's machine anyway.

pub mod algorithms;
pub mod error;
mod plaintext;
pub mod structure;

use serde::Serialize;

pub use algorithms::{ContentCipher, KeyTransport, OaepHash};
pub use error::{DecryptError, NamedCertificate};
pub use plaintext::Context;
pub use structure::KeyPlacement;

use crate::cert::Certificate;
use crate::keys::{certificate_key_fingerprint, DecryptionKey, KeyFingerprint};
use crate::xml::Element;
use plaintext::PlaintextError;

/// A weakness of how an assertion was encrypted, for the report to flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weakness {
    /// The content key is wrapped with RSA PKCS#1 v1.5 (`xmlenc#rsa-1_5`), which XML
    /// Encryption 1.1 deprecates: a decryptor that answers differently on bad padding is a
    /// Bleichenbacher oracle. RSA-OAEP is the fix.
    Rsa15KeyTransport,
}

/// How an EncryptedAssertion is encrypted, read without decrypting it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Encryption {
    /// The content cipher.
    pub content: ContentCipher,
    /// The EncryptedKeys that apply, in document order.
    pub keys: Vec<WrappedKey>,
}

/// One EncryptedKey that applies to the EncryptedData.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrappedKey {
    /// How the content key is encrypted.
    pub transport: KeyTransport,
    /// Where it was found.
    pub placement: KeyPlacement,
    /// The certificates the IdP names in its KeyInfo (X509Certificate), if any.
    pub named: Vec<NamedCertificate>,
}

/// A decrypted EncryptedAssertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decrypted {
    /// The plaintext as decrypted (UTF-8): the Assertion's XML.
    pub plaintext: String,
    /// The plaintext parsed in the EncryptedAssertion's namespace context, with its limits.
    /// Its own namespace declarations are the ones written on it; the context's are not copied.
    pub assertion: Element,
    /// The fingerprint of the key that opened it.
    pub key: KeyFingerprint,
    /// How the content key was encrypted.
    pub transport: KeyTransport,
    /// How the assertion was encrypted.
    pub content: ContentCipher,
    /// Where the EncryptedKey that opened it was.
    pub placement: KeyPlacement,
    /// The certificates that EncryptedKey names (whether one is the key's pair:
    /// `named.iter().any(|c| c.key == Some(key))`).
    pub named: Vec<NamedCertificate>,
    /// What the report should flag.
    pub weaknesses: Vec<Weakness>,
}

fn named(certs: &[Certificate]) -> Vec<NamedCertificate> {
    certs
        .iter()
        .map(|c| NamedCertificate {
            subject: c.subject.clone(),
            certificate_sha256: c.sha256_fingerprint.clone(),
            key: certificate_key_fingerprint(c),
        })
        .collect()
}

/// Reads how an EncryptedAssertion is encrypted (algorithms, where the key is, the certificates
/// the IdP names) without any key: what a report can say when no key is given. Fails as
/// [`decrypt`] does on a malformed or unsupported structure.
pub fn inspect(
    encrypted_assertion: &Element,
    context: &Context,
) -> Result<Encryption, DecryptError> {
    let parts = structure::read(encrypted_assertion, &context.limits)?;
    Ok(Encryption {
        content: parts.data.cipher,
        keys: parts
            .keys
            .iter()
            .map(|k| WrappedKey {
                transport: k.transport,
                placement: k.placement,
                named: named(&k.certificates),
            })
            .collect(),
    })
}

/// Decrypts an `saml:EncryptedAssertion` element with the first of `keys` that opens it, and
/// parses the plaintext Assertion in `context` (see [`Context::of`]; [`Context::default`] for a
/// standalone EncryptedAssertion whose plaintext declares its own namespaces).
pub fn decrypt(
    encrypted_assertion: &Element,
    keys: &[DecryptionKey],
    context: &Context,
) -> Result<Decrypted, DecryptError> {
    let parts = structure::read(encrypted_assertion, &context.limits)?;
    if keys.is_empty() {
        return Err(DecryptError::NoKey);
    }
    let cipher = parts.data.cipher;
    let mut intended: Option<KeyFingerprint> = None;
    for wrapped in &parts.keys {
        let names = named(&wrapped.certificates);
        for key in keys {
            let fingerprint = key.fingerprint();
            if names.iter().any(|n| n.key == Some(fingerprint)) {
                intended.get_or_insert(fingerprint);
            }
            let Some(content_key) = algorithms::unwrap_key(
                key.rsa(),
                wrapped.transport,
                &wrapped.label,
                &wrapped.ciphertext,
                cipher.key_len(),
            ) else {
                continue;
            };
            let Some(plain) =
                algorithms::decrypt_content(cipher, &content_key, &parts.data.ciphertext)
            else {
                continue;
            };
            match plaintext::parse_assertion(&plain, context) {
                Ok((plaintext, assertion)) => {
                    let weaknesses = match wrapped.transport {
                        KeyTransport::Rsa15 => vec![Weakness::Rsa15KeyTransport],
                        _ => Vec::new(),
                    };
                    return Ok(Decrypted {
                        plaintext,
                        assertion,
                        key: fingerprint,
                        transport: wrapped.transport,
                        content: cipher,
                        placement: wrapped.placement,
                        named: names,
                        weaknesses,
                    });
                }
                // CBC is not authenticated: a damaged ciphertext decrypts to garbage, so
                // garbage is a failure to open like a bad padding, and said the same way.
                Err(_) if !cipher.is_authenticated() => continue,
                // GCM authenticated it: this is what the sender encrypted, refused as such.
                Err(PlaintextError::NotUtf8) => {
                    return Err(DecryptError::NotAnAssertion {
                        why: "it is not UTF-8 text".into(),
                    })
                }
                Err(PlaintextError::Xml(e)) => return Err(DecryptError::Plaintext(e)),
                Err(PlaintextError::NotAnAssertion(why)) => {
                    return Err(DecryptError::NotAnAssertion { why })
                }
            }
        }
    }
    let given: Vec<KeyFingerprint> = keys.iter().map(DecryptionKey::fingerprint).collect();
    if let Some(key) = intended {
        return Err(DecryptError::Tampered { key });
    }
    let named: Vec<NamedCertificate> = parts
        .keys
        .iter()
        .flat_map(|k| named(&k.certificates))
        .collect();
    if named.is_empty() {
        Err(DecryptError::NotOpened { given })
    } else {
        Err(DecryptError::WrongKey { named, given })
    }
}

#[cfg(test)]
mod tests;

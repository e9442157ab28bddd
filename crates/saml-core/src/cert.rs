//! X.509 certificates as SAML carries them (base64 DER in `ds:X509Certificate`): what a person
//! needs to compare them (subject, serial, SHA-256 fingerprint, validity) and the RSA public key
//! that verifies signatures.
//!
//! Built on RustCrypto: `x509-cert` (DER parsing, sharing `der`/`spki` with `rsa`) and `rsa`
//! (PKCS#1 v1.5 verification only; no private-key operation is ever performed here).

use base64::Engine;
use serde::Serialize;
use sha2::Digest;
use x509_cert::der::{Decode, Encode};

use crate::time::Timestamp;

/// A signature or digest algorithm named by its XML-DSig URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha512,
}

impl Hash {
    /// From a DigestMethod or SignatureMethod algorithm URI.
    pub fn from_uri(uri: &str) -> Option<Self> {
        match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1"
            | "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => Some(Hash::Sha1),
            "http://www.w3.org/2001/04/xmlenc#sha256"
            | "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => Some(Hash::Sha256),
            "http://www.w3.org/2001/04/xmlenc#sha512"
            | "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// Why a certificate could not be read or a signature checked with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("the certificate is not base64: {0}")]
    NotBase64(String),
    #[error("the certificate is not a DER X.509 certificate: {0}")]
    NotX509(String),
    #[error("the certificate's key is not RSA ({0}); only RSA signatures are verified")]
    NotRsa(String),
}

/// A parsed certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certificate {
    pub subject: String,
    pub issuer: String,
    /// Hex, as OpenSSL prints it.
    pub serial: String,
    /// SHA-256 of the DER, colon-separated upper-case hex.
    pub sha256_fingerprint: String,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// `RSA 2048`, or the key algorithm's OID when it is not RSA.
    pub key: String,
    #[serde(skip)]
    der: Vec<u8>,
    #[serde(skip)]
    rsa: Option<rsa::PublicKey>,
}

fn hex(bytes: &[u8], sep: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(sep)
}

impl Certificate {
    /// Parses base64 DER (white space allowed), as in `ds:X509Certificate`.
    pub fn from_base64(b64: &str) -> Result<Self, CertError> {
        let clean: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(clean)
            .map_err(|e| CertError::NotBase64(e.to_string()))?;
        Self::from_der(&der)
    }

    pub fn from_der(der: &[u8]) -> Result<Self, CertError> {
        let cert =
            x509_cert::Certificate::from_der(der).map_err(|e| CertError::NotX509(e.to_string()))?;
        let tbs = cert.tbs_certificate();
        let validity = tbs.validity();
        let unix = |t: x509_cert::time::Time| {
            Timestamp::from_unix_millis(t.to_unix_duration().as_millis() as i64)
        };
        let spki = tbs.subject_public_key_info();
        let spki_der = spki
            .to_der()
            .map_err(|e| CertError::NotX509(e.to_string()))?;
        let rsa = {
            use rsa::pkcs8::DecodePublicKey;
            rsa::PublicKey::from_public_key_der(&spki_der).ok()
        };
        let key = match &rsa {
            Some(k) => format!("RSA {}", rsa::traits::PublicKeyParts::n(k).bit_width()),
            None => format!("{} (not RSA)", spki.algorithm.oid),
        };
        Ok(Self {
            subject: tbs.subject().to_string(),
            issuer: tbs.issuer().to_string(),
            serial: hex(tbs.serial_number().as_bytes(), ""),
            sha256_fingerprint: hex(&sha2::Sha256::digest(der), ":"),
            not_before: unix(validity.not_before),
            not_after: unix(validity.not_after),
            key,
            der: der.to_vec(),
            rsa,
        })
    }

    /// The DER bytes: two certificates are the same when these are.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Verifies an RSA PKCS#1 v1.5 signature over `message` hashed with `hash`.
    pub fn verify(&self, hash: Hash, message: &[u8], signature: &[u8]) -> Result<bool, CertError> {
        let key = self
            .rsa
            .as_ref()
            .ok_or_else(|| CertError::NotRsa(self.key.clone()))?;
        let hashed = hash.digest(message);
        let scheme = match hash {
            Hash::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
            Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
        };
        Ok(key.verify(scheme, &hashed, signature).is_ok())
    }

    /// One line for people: subject, fingerprint, validity.
    pub fn describe(&self) -> String {
        format!(
            "{} (SHA-256 {}, valid {} to {})",
            self.subject, self.sha256_fingerprint, self.not_before, self.not_after
        )
    }
}

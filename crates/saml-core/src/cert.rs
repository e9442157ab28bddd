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

/// A digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Hash {
    /// SHA-1 (refused by AWS for new identity providers; reported by `signature_sha1`).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    /// From a DigestMethod algorithm URI (XML-DSig 1.1 section 6.2, RFC 6931).
    pub fn from_digest_uri(uri: &str) -> Option<Self> {
        match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => Some(Hash::Sha1),
            "http://www.w3.org/2001/04/xmlenc#sha256" => Some(Hash::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(Hash::Sha384),
            "http://www.w3.org/2001/04/xmlenc#sha512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// The public-key half of a SignatureMethod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KeyKind {
    /// RSA PKCS#1 v1.5.
    Rsa,
    /// ECDSA over P-256 or P-384; XML-DSig carries the signature as r||s (RFC 4050, 6931).
    Ecdsa,
}

/// A SignatureMethod this verifier implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SignatureAlgorithm {
    /// The key type that verifies it.
    pub key: KeyKind,
    /// The digest it signs.
    pub hash: Hash,
}

impl SignatureAlgorithm {
    /// From a SignatureMethod algorithm URI; the error says why it is refused.
    pub fn from_uri(uri: &str) -> Result<Self, String> {
        const MORE: &str = "http://www.w3.org/2001/04/xmldsig-more#";
        let (key, hash) = match uri {
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => (KeyKind::Rsa, Hash::Sha1),
            _ => match uri.strip_prefix(MORE) {
                Some("rsa-sha256") => (KeyKind::Rsa, Hash::Sha256),
                Some("rsa-sha384") => (KeyKind::Rsa, Hash::Sha384),
                Some("rsa-sha512") => (KeyKind::Rsa, Hash::Sha512),
                Some("ecdsa-sha1") => (KeyKind::Ecdsa, Hash::Sha1),
                Some("ecdsa-sha256") => (KeyKind::Ecdsa, Hash::Sha256),
                Some("ecdsa-sha384") => (KeyKind::Ecdsa, Hash::Sha384),
                Some("ecdsa-sha512") => (KeyKind::Ecdsa, Hash::Sha512),
                _ if uri.is_empty() => return Err("an empty SignatureMethod algorithm".into()),
                _ if uri.to_ascii_lowercase().contains("hmac") => {
                    return Err(format!(
                        "the HMAC signature method {uri}: a shared-secret MAC, which a certificate can never verify (accepting it would let anyone who knows the public key forge a signature)"
                    ))
                }
                _ => return Err(format!("the signature method {uri}, which saml-doctor does not implement (it verifies RSA and ECDSA with SHA-1, SHA-256, SHA-384, SHA-512)")),
            },
        };
        Ok(Self { key, hash })
    }
}

/// Why a certificate could not be read or a signature checked with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// The text is not base64.
    #[error("the certificate is not base64: {0}")]
    NotBase64(String),
    /// The bytes are not a DER X.509 certificate.
    #[error("the certificate is not a DER X.509 certificate: {0}")]
    NotX509(String),
    /// The key cannot verify this signature method (an RSA key and an ECDSA method, say).
    #[error("the certificate's key ({0}) cannot verify this signature method")]
    WrongKeyType(String),
    /// The key is too weak to trust (RSA under 2048 bits).
    #[error("the certificate's key is {0}: too weak to verify with; AWS IAM Identity Center issues 2048-bit RSA keys (1024 at the very least), and 2048 bits or more is what identity providers should use")]
    WeakKey(String),
}

/// A parsed certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certificate {
    /// The subject's distinguished name.
    pub subject: String,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// Hex, as OpenSSL prints it.
    pub serial: String,
    /// SHA-256 of the DER, colon-separated upper-case hex.
    pub sha256_fingerprint: String,
    /// Valid from.
    pub not_before: Timestamp,
    /// Valid until (notAfter).
    pub not_after: Timestamp,
    /// `RSA 2048`, `ECDSA P-256`, or the key algorithm's OID when it is neither.
    pub key: String,
    #[serde(skip)]
    der: Vec<u8>,
    #[serde(skip)]
    public_key: PublicKey,
}

/// The key a certificate holds, as far as this verifier can use it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PublicKey {
    Rsa(Box<rsa::PublicKey>),
    P256(Box<p256::ecdsa::VerifyingKey>),
    P384(Box<p384::ecdsa::VerifyingKey>),
    /// An RSA key the crypto crate refuses as too small (its bit length).
    WeakRsa(usize),
    Unusable,
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

fn read_public_key(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> (PublicKey, String) {
    let oid = spki.algorithm.oid.to_string();
    let bits = spki.subject_public_key.raw_bytes();
    match oid.as_str() {
        OID_RSA => {
            let modulus_bits =
                rsa::pkcs1::RsaPublicKey::<x509_cert::der::asn1::UintRef>::from_der(bits)
                    .map(|k| {
                        let n = k.modulus.as_bytes();
                        let n = &n[n.iter().take_while(|b| **b == 0).count()..];
                        n.first()
                            .map(|b| (n.len() - 1) * 8 + (8 - b.leading_zeros() as usize))
                            .unwrap_or(0)
                    })
                    .unwrap_or(0);
            let parsed = spki.to_der().ok().and_then(|der| {
                use rsa::pkcs8::DecodePublicKey;
                rsa::PublicKey::from_public_key_der(&der).ok()
            });
            match parsed {
                Some(k) if modulus_bits >= 1024 => {
                    (PublicKey::Rsa(Box::new(k)), format!("RSA {modulus_bits}"))
                }
                _ if modulus_bits > 0 && modulus_bits < 1024 => (
                    PublicKey::WeakRsa(modulus_bits),
                    format!("RSA {modulus_bits}"),
                ),
                Some(k) => (PublicKey::Rsa(Box::new(k)), format!("RSA {modulus_bits}")),
                None => (PublicKey::Unusable, "RSA (unreadable key)".into()),
            }
        }
        OID_EC => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<x509_cert::der::asn1::ObjectIdentifier>().ok())
                .map(|o| o.to_string())
                .unwrap_or_default();
            match curve.as_str() {
                OID_P256 => match p256::ecdsa::VerifyingKey::from_sec1_bytes(bits) {
                    Ok(k) => (PublicKey::P256(Box::new(k)), "ECDSA P-256".into()),
                    Err(_) => (PublicKey::Unusable, "ECDSA P-256 (invalid point)".into()),
                },
                OID_P384 => match p384::ecdsa::VerifyingKey::from_sec1_bytes(bits) {
                    Ok(k) => (PublicKey::P384(Box::new(k)), "ECDSA P-384".into()),
                    Err(_) => (PublicKey::Unusable, "ECDSA P-384 (invalid point)".into()),
                },
                other => (
                    PublicKey::Unusable,
                    format!("ECDSA on curve {other} (not P-256 or P-384)"),
                ),
            }
        }
        other => (PublicKey::Unusable, format!("{other} (neither RSA nor EC)")),
    }
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

    /// Parses a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, CertError> {
        let cert =
            x509_cert::Certificate::from_der(der).map_err(|e| CertError::NotX509(e.to_string()))?;
        let tbs = cert.tbs_certificate();
        let validity = tbs.validity();
        let unix = |t: x509_cert::time::Time| {
            Timestamp::from_unix_millis(t.to_unix_duration().as_millis() as i64)
        };
        let (public_key, key) = read_public_key(tbs.subject_public_key_info());
        Ok(Self {
            subject: tbs.subject().to_string(),
            issuer: tbs.issuer().to_string(),
            serial: hex(tbs.serial_number().as_bytes(), ""),
            sha256_fingerprint: hex(&sha2::Sha256::digest(der), ":"),
            not_before: unix(validity.not_before),
            not_after: unix(validity.not_after),
            key,
            der: der.to_vec(),
            public_key,
        })
    }

    /// The DER bytes: two certificates are the same when these are.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Verifies `signature` over `message` with `algorithm`: `Ok(false)` when it does not
    /// verify, an error when this certificate's key cannot be used for it at all.
    pub fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, CertError> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let hashed = algorithm.hash.digest(message);
        match (&self.public_key, algorithm.key) {
            (PublicKey::Rsa(key), KeyKind::Rsa) => {
                let scheme = match algorithm.hash {
                    Hash::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                    Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                    Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                };
                Ok(key.verify(scheme, &hashed, signature).is_ok())
            }
            // r||s, each as long as the curve's order (RFC 4050 section 3.3, RFC 6931 2.3.6).
            (PublicKey::P256(key), KeyKind::Ecdsa) => Ok(signature.len() == 64
                && p256::ecdsa::Signature::from_slice(signature)
                    .is_ok_and(|s| key.verify_prehash(&hashed, &s).is_ok())),
            (PublicKey::P384(key), KeyKind::Ecdsa) => Ok(signature.len() == 96
                && p384::ecdsa::Signature::from_slice(signature)
                    .is_ok_and(|s| key.verify_prehash(&hashed, &s).is_ok())),
            (PublicKey::WeakRsa(bits), KeyKind::Rsa) => {
                Err(CertError::WeakKey(format!("RSA {bits} bits")))
            }
            _ => Err(CertError::WrongKeyType(self.key.clone())),
        }
    }

    /// One line for people: subject, fingerprint, validity.
    pub fn describe(&self) -> String {
        format!(
            "{} (SHA-256 {}, valid {} to {})",
            self.subject, self.sha256_fingerprint, self.not_before, self.not_after
        )
    }
}

//! The private keys that open encrypted assertions: an IAM SAML provider's keys, as the user
//! keeps them in PEM files (PKCS#8, PKCS#1, or passphrase-protected PKCS#8), and the identity
//! that reports show for a key (SHA-256 over its public key's SubjectPublicKeyInfo DER, which
//! is also how a certificate's key is compared with it).
//!
//! Key material never leaves this module in readable form: [`DecryptionKey`]'s `Debug` is
//! written by hand and shows the fingerprint and size only, errors never quote the file, and
//! the decoded DER is wiped when dropped (the `rsa` key wipes itself).

use std::fmt;

use base64::Engine;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use sha2::Digest;
use x509_cert::der::{Decode, Encode};
use zeroize::Zeroizing;

use crate::cert::Certificate;

/// A PEM file larger than this is not a key file (an RSA-8192 PKCS#8 key is under 7 KB).
pub const MAX_PEM_BYTES: usize = 1 << 20;
/// PBKDF2 iterations above this are refused rather than run (OpenSSL writes 2,048; OWASP's
/// advice for new files is 600,000; this allows ten times more, a few seconds of work).
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// scrypt memory (128 · r · N bytes) above this is refused rather than allocated (OpenSSL's
/// default, N = 2^14 and r = 8, needs 16 MiB).
pub const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
/// scrypt parallelism above this is refused (each unit repeats the whole memory-hard work).
pub const MAX_SCRYPT_PARALLELISM: u16 = 16;

const OID_RSA: &str = "1.2.840.113549.1.1.1";

/// SHA-256 over a public key's SubjectPublicKeyInfo DER: the same value for a private key and
/// for the certificate that holds its public half (`openssl pkey -pubout -outform der | sha256sum`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyFingerprint([u8; 32]);

impl KeyFingerprint {
    /// The fingerprint of a DER-encoded SubjectPublicKeyInfo.
    pub fn of_spki_der(spki_der: &[u8]) -> Self {
        Self(sha2::Sha256::digest(spki_der).into())
    }

    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for KeyFingerprint {
    /// Colon-separated upper-case hex, as certificate fingerprints are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for KeyFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyFingerprint({self})")
    }
}

impl Serialize for KeyFingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The fingerprint of a certificate's public key, comparable with [`DecryptionKey::fingerprint`].
/// RSA keys are re-encoded first, so that two encodings of one key (an absent or explicit NULL
/// parameter) compare equal; other keys are hashed as the certificate writes them. `None` when
/// the certificate's key cannot be read.
pub fn certificate_key_fingerprint(cert: &Certificate) -> Option<KeyFingerprint> {
    let parsed = x509_cert::Certificate::from_der(cert.der()).ok()?;
    let spki = parsed.tbs_certificate().subject_public_key_info();
    let der = spki.to_der().ok()?;
    if spki.algorithm.oid.to_string() == OID_RSA {
        let key = rsa::PublicKey::from_public_key_der(&der).ok()?;
        let normalized = key.to_public_key_der().ok()?;
        return Some(KeyFingerprint::of_spki_der(normalized.as_bytes()));
    }
    Some(KeyFingerprint::of_spki_der(&der))
}

/// Why a key file could not be used. Never quotes the file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Larger than [`MAX_PEM_BYTES`].
    #[error("the key file is larger than {limit} bytes: not a PEM private key")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// No `-----BEGIN … PRIVATE KEY-----` block.
    #[error("no PEM private key in the file (found {found}); expected -----BEGIN PRIVATE KEY----- (PKCS#8), -----BEGIN RSA PRIVATE KEY----- (PKCS#1) or -----BEGIN ENCRYPTED PRIVATE KEY-----")]
    NoPrivateKey {
        /// What the file holds instead (PEM labels, or "no PEM block").
        found: String,
    },
    /// More than one private key block: which one is meant cannot be guessed.
    #[error("the file holds {count} private keys; give each with its own file")]
    SeveralKeys {
        /// How many private key blocks.
        count: usize,
    },
    /// A PEM block whose base64 or DER does not decode.
    #[error("the {label} block is damaged: {why}")]
    Damaged {
        /// The PEM label.
        label: String,
        /// What failed (a decoder's message, never key bytes).
        why: String,
    },
    /// Not an RSA key: XML Encryption's key transport to a SAML provider is RSA.
    #[error("the key is {algorithm}, not RSA: AWS SAML providers and XML Encryption key transport (RSA-OAEP, RSA 1.5) use RSA keys")]
    NotRsa {
        /// The key's algorithm (a name or an OID).
        algorithm: String,
    },
    /// The RSA key's size is outside what the crypto crate accepts (1,024 to 8,192 bits).
    #[error(
        "the RSA key is not usable ({why}); AWS SAML providers take RSA keys of 2,048 bits or more"
    )]
    BadRsaKey {
        /// Why (from the RSA crate, never key bytes).
        why: String,
    },
    /// An encrypted key and no passphrase.
    #[error("the key is encrypted (ENCRYPTED PRIVATE KEY): a passphrase is needed")]
    NeedsPassphrase,
    /// The passphrase does not open the key.
    #[error("the passphrase does not open the key (or the file is damaged)")]
    WrongPassphrase,
    /// OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` PEM encryption.
    #[error("the key uses OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED); convert it to PKCS#8 with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY.pem -out KEY-pkcs8.pem`")]
    LegacyEncryption,
    /// A PKCS#8 encryption scheme other than PBES2 with PBKDF2 or scrypt and AES.
    #[error("the key is encrypted with {scheme}, which saml-doctor does not implement (it reads PBES2: PBKDF2 or scrypt with AES-CBC or AES-GCM); re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`")]
    UnsupportedEncryption {
        /// The scheme (a name or an OID).
        scheme: String,
    },
    /// Key derivation parameters that would take minutes or gigabytes.
    #[error(
        "the key's passphrase derivation asks for {what}, above saml-doctor's limit of {limit}"
    )]
    DerivationTooCostly {
        /// The parameter that is too high.
        what: String,
        /// The limit it exceeds.
        limit: String,
    },
}

/// An RSA private key that may open an encrypted assertion. Its `Debug` output shows only its
/// size and fingerprint.
#[derive(Clone)]
pub struct DecryptionKey {
    key: rsa::PrivateKey,
    fingerprint: KeyFingerprint,
    bits: usize,
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptionKey")
            .field("bits", &self.bits)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl DecryptionKey {
    /// Reads the one private key of a PEM file: PKCS#8 (`BEGIN PRIVATE KEY`), PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`), or encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`, opened
    /// with `passphrase`). Other blocks (a certificate beside the key) are skipped.
    pub fn from_pem(pem: &str, passphrase: Option<&[u8]>) -> Result<Self, KeyError> {
        if pem.len() > MAX_PEM_BYTES {
            return Err(KeyError::TooLarge {
                limit: MAX_PEM_BYTES,
            });
        }
        let blocks = pem_blocks(pem);
        let mut keys = blocks
            .iter()
            .filter(|b| b.label.ends_with("PRIVATE KEY"))
            .collect::<Vec<_>>();
        let block = match keys.len() {
            0 => {
                let found = if blocks.is_empty() {
                    "no PEM block".to_owned()
                } else {
                    blocks
                        .iter()
                        .map(|b| b.label.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(KeyError::NoPrivateKey { found });
            }
            1 => keys.remove(0),
            count => return Err(KeyError::SeveralKeys { count }),
        };
        let damaged = |why: String| KeyError::Damaged {
            label: block.label.clone(),
            why,
        };
        if block.headers.iter().any(|h| h.starts_with("Proc-Type")) {
            return Err(KeyError::LegacyEncryption);
        }
        let der = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(block.body.as_bytes())
                .map_err(|e| damaged(format!("not base64 ({e})")))?,
        );
        match block.label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der).map_err(|e| e.relabel(&block.label)),
            "RSA PRIVATE KEY" => {
                use rsa::pkcs1::DecodeRsaPrivateKey;
                let key = rsa::PrivateKey::from_pkcs1_der(&der).map_err(|e| match e {
                    rsa::pkcs1::Error::Asn1(e) => damaged(e.to_string()),
                    other => KeyError::BadRsaKey {
                        why: other.to_string(),
                    },
                })?;
                Self::from_rsa(key)
            }
            "ENCRYPTED PRIVATE KEY" => {
                let passphrase = passphrase.ok_or(KeyError::NeedsPassphrase)?;
                let info = rsa::pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der)
                    .map_err(|e| damaged(e.to_string()))?;
                check_derivation(&info.encryption_algorithm)?;
                let doc = info.decrypt(passphrase).map_err(|e| match e {
                    rsa::pkcs8::Error::EncryptedPrivateKey(
                        rsa::pkcs8::pkcs5::Error::UnsupportedAlgorithm { oid },
                    ) => KeyError::UnsupportedEncryption {
                        scheme: oid.to_string(),
                    },
                    // A wrong passphrase fails the CBC padding or, by chance, the DER inside.
                    _ => KeyError::WrongPassphrase,
                })?;
                Self::from_pkcs8_der(doc.as_bytes()).map_err(|e| match e {
                    KeyError::Damaged { .. } => KeyError::WrongPassphrase,
                    other => other,
                })
            }
            "EC PRIVATE KEY" => Err(KeyError::NotRsa {
                algorithm: "an EC key".into(),
            }),
            "DSA PRIVATE KEY" => Err(KeyError::NotRsa {
                algorithm: "a DSA key".into(),
            }),
            "OPENSSH PRIVATE KEY" => Err(KeyError::NoPrivateKey {
                found: "an OpenSSH key (convert it with `ssh-keygen -p -m PKCS8 -f KEY`)".into(),
            }),
            other => Err(KeyError::NoPrivateKey {
                found: other.to_owned(),
            }),
        }
    }

    /// A PKCS#8 PrivateKeyInfo in DER.
    fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let info = rsa::pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| KeyError::Damaged {
            label: "PRIVATE KEY".into(),
            why: e.to_string(),
        })?;
        let oid = info.algorithm.oid.to_string();
        if oid != OID_RSA {
            let algorithm = match oid.as_str() {
                "1.2.840.10045.2.1" => "an EC key".to_owned(),
                "1.3.101.112" => "an Ed25519 key".to_owned(),
                "1.2.840.113549.1.1.10" => "an RSA-PSS key (restricted to signing)".to_owned(),
                other => format!("a key of algorithm {other}"),
            };
            return Err(KeyError::NotRsa { algorithm });
        }
        let key = rsa::PrivateKey::from_pkcs8_der(der)
            .map_err(|e| KeyError::BadRsaKey { why: e.to_string() })?;
        Self::from_rsa(key)
    }

    fn from_rsa(key: rsa::PrivateKey) -> Result<Self, KeyError> {
        let spki = key
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| KeyError::BadRsaKey { why: e.to_string() })?;
        let n = key.n_bytes();
        let n = &n[n.iter().take_while(|b| **b == 0).count()..];
        let bits = n
            .first()
            .map(|b| (n.len() - 1) * 8 + (8 - b.leading_zeros() as usize))
            .unwrap_or(0);
        Ok(Self {
            key,
            fingerprint: KeyFingerprint::of_spki_der(spki.as_bytes()),
            bits,
        })
    }

    /// SHA-256 over the public key's SubjectPublicKeyInfo DER.
    pub fn fingerprint(&self) -> KeyFingerprint {
        self.fingerprint
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// True when `cert` holds this key's public half.
    pub fn matches(&self, cert: &Certificate) -> bool {
        certificate_key_fingerprint(cert) == Some(self.fingerprint)
    }

    pub(crate) fn rsa(&self) -> &rsa::PrivateKey {
        &self.key
    }
}

impl KeyError {
    fn relabel(self, label: &str) -> Self {
        match self {
            KeyError::Damaged { why, .. } => KeyError::Damaged {
                label: label.to_owned(),
                why,
            },
            other => other,
        }
    }
}

/// Refuses key derivations whose cost the file, not the user, would choose.
fn check_derivation(scheme: &rsa::pkcs8::pkcs5::EncryptionScheme) -> Result<(), KeyError> {
    use rsa::pkcs8::pkcs5::{pbes2::Kdf, EncryptionScheme};
    let params = match scheme {
        EncryptionScheme::Pbes2(params) => params,
        EncryptionScheme::Pbes1(_) => {
            return Err(KeyError::UnsupportedEncryption {
                scheme: "PBES1 (DES or RC2, obsolete)".into(),
            })
        }
        _ => {
            return Err(KeyError::UnsupportedEncryption {
                scheme: scheme.oid().to_string(),
            })
        }
    };
    match &params.kdf {
        Kdf::Pbkdf2(p) if p.iteration_count > MAX_PBKDF2_ITERATIONS => {
            Err(KeyError::DerivationTooCostly {
                what: format!("{} PBKDF2 iterations", p.iteration_count),
                limit: MAX_PBKDF2_ITERATIONS.to_string(),
            })
        }
        Kdf::Scrypt(p) => {
            let memory = 128u64
                .saturating_mul(u64::from(p.block_size))
                .saturating_mul(p.cost_parameter);
            if memory > MAX_SCRYPT_MEMORY {
                Err(KeyError::DerivationTooCostly {
                    what: format!("{memory} bytes of scrypt memory"),
                    limit: format!("{MAX_SCRYPT_MEMORY} bytes"),
                })
            } else if p.parallelization > MAX_SCRYPT_PARALLELISM {
                Err(KeyError::DerivationTooCostly {
                    what: format!("scrypt parallelism {}", p.parallelization),
                    limit: MAX_SCRYPT_PARALLELISM.to_string(),
                })
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// One `-----BEGIN label-----` … `-----END label-----` block.
struct PemBlock {
    label: String,
    /// RFC 1421 headers (`Proc-Type: …`), which only legacy encrypted keys have.
    headers: Vec<String>,
    /// The base64 body, white space removed.
    body: String,
}

/// Every well-formed PEM block, in order; text between blocks is ignored (OpenSSL writes
/// `Bag Attributes` and comments there). A block without its END line is dropped.
fn pem_blocks(text: &str) -> Vec<PemBlock> {
    let mut out = Vec::new();
    let mut current: Option<PemBlock> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            current = Some(PemBlock {
                label: label.to_owned(),
                headers: Vec::new(),
                body: String::new(),
            });
        } else if let Some(label) = line
            .strip_prefix("-----END ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            if let Some(block) = current.take() {
                if block.label == label {
                    out.push(block);
                }
            }
        } else if let Some(block) = current.as_mut() {
            if line.contains(':') {
                block.headers.push(line.to_owned());
            } else {
                block.body.push_str(line);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::pkcs5::{pbes2::Kdf, EncryptionScheme};

    const DIR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/encrypted/keys/"
    );
    const PASSPHRASE: &[u8] = b"saml-doctor test passphrase";

    fn read(name: &str) -> String {
        std::fs::read_to_string(format!("{DIR}{name}")).expect("the test key exists")
    }

    fn cert(name: &str) -> Certificate {
        let pem = read(name);
        let block = pem_blocks(&pem).remove(0);
        Certificate::from_base64(&block.body).expect("the test certificate parses")
    }

    fn pem(label: &str, der: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    #[test]
    fn every_form_of_one_key_has_one_fingerprint() {
        let pkcs8 = DecryptionKey::from_pem(&read("sp.key"), None).unwrap();
        assert_eq!(pkcs8.bits(), 2048);
        for (file, passphrase) in [
            ("sp-pkcs1.key", None),
            ("sp-pbkdf2-sha256.key", Some(PASSPHRASE)),
            ("sp-pbkdf2-sha1.key", Some(PASSPHRASE)),
            ("sp-scrypt.key", Some(PASSPHRASE)),
        ] {
            let key = DecryptionKey::from_pem(&read(file), passphrase).unwrap();
            assert_eq!(key.fingerprint(), pkcs8.fingerprint(), "{file}");
        }
        // A passphrase given for a key that has none is not needed, and harmless.
        assert!(DecryptionKey::from_pem(&read("sp.key"), Some(b"x")).is_ok());
    }

    #[test]
    fn the_fingerprint_is_sha256_over_the_certificates_public_key() {
        let key = DecryptionKey::from_pem(&read("sp.key"), None).unwrap();
        let sp = cert("sp.crt");
        // As `openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256sum` computes it:
        // over the SubjectPublicKeyInfo exactly as the certificate holds it.
        let parsed = x509_cert::Certificate::from_der(sp.der()).unwrap();
        let spki = parsed
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap();
        assert_eq!(key.fingerprint(), KeyFingerprint::of_spki_der(&spki));
        assert_eq!(certificate_key_fingerprint(&sp), Some(key.fingerprint()));
        assert!(key.matches(&sp));
        assert!(!key.matches(&cert("sp2.crt")));
        assert!(!key.matches(&cert("stranger.crt")));
        let shown = key.fingerprint().to_string();
        assert_eq!(shown.len(), 32 * 3 - 1);
        assert!(shown.chars().all(|c| c == ':' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn key_material_appears_in_no_debug_output_or_error() {
        let text = read("sp.key");
        let key = DecryptionKey::from_pem(&text, None).unwrap();
        let debug = format!("{key:?}");
        assert!(debug.starts_with("DecryptionKey { bits: 2048, fingerprint: KeyFingerprint("));
        let body = &pem_blocks(&text)[0].body;
        for chunk in body
            .as_bytes()
            .chunks(16)
            .map(|c| std::str::from_utf8(c).unwrap())
        {
            assert!(!debug.contains(chunk));
        }
        // A damaged key: the error names the block and the decoder's complaint, no bytes.
        let damaged = text.replacen("MII", "MIJ", 1);
        let err = DecryptionKey::from_pem(&damaged, None).unwrap_err();
        assert!(
            matches!(err, KeyError::Damaged { .. } | KeyError::BadRsaKey { .. }),
            "{err:?}"
        );
        for chunk in body
            .as_bytes()
            .chunks(16)
            .map(|c| std::str::from_utf8(c).unwrap())
        {
            assert!(!err.to_string().contains(chunk) && !format!("{err:?}").contains(chunk));
        }
    }

    #[test]
    fn passphrases_are_asked_for_and_checked() {
        let encrypted = read("sp-pbkdf2-sha256.key");
        assert_eq!(
            DecryptionKey::from_pem(&encrypted, None).unwrap_err(),
            KeyError::NeedsPassphrase
        );
        for wrong in [&b"wrong"[..], b"", b"saml-doctor test passphrasE"] {
            assert_eq!(
                DecryptionKey::from_pem(&encrypted, Some(wrong)).unwrap_err(),
                KeyError::WrongPassphrase
            );
        }
        assert_eq!(
            DecryptionKey::from_pem(&read("sp-scrypt.key"), Some(b"wrong")).unwrap_err(),
            KeyError::WrongPassphrase
        );
    }

    #[test]
    fn key_derivations_the_file_makes_costly_are_refused_before_running() {
        let der = |name: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(&pem_blocks(&read(name))[0].body)
                .unwrap()
        };
        let pbkdf2 = der("sp-pbkdf2-sha256.key");
        let mut info = rsa::pkcs8::EncryptedPrivateKeyInfoRef::from_der(&pbkdf2).unwrap();
        if let EncryptionScheme::Pbes2(p) = &mut info.encryption_algorithm {
            if let Kdf::Pbkdf2(k) = &mut p.kdf {
                k.iteration_count = 50_000_000;
            }
        }
        let costly = pem("ENCRYPTED PRIVATE KEY", &info.to_der().unwrap());
        assert!(matches!(
            DecryptionKey::from_pem(&costly, Some(PASSPHRASE)),
            Err(KeyError::DerivationTooCostly { .. })
        ));
        let scrypt = der("sp-scrypt.key");
        let mut info = rsa::pkcs8::EncryptedPrivateKeyInfoRef::from_der(&scrypt).unwrap();
        if let EncryptionScheme::Pbes2(p) = &mut info.encryption_algorithm {
            if let Kdf::Scrypt(k) = &mut p.kdf {
                k.cost_parameter = 1 << 22;
            }
        }
        let costly = pem("ENCRYPTED PRIVATE KEY", &info.to_der().unwrap());
        let err = DecryptionKey::from_pem(&costly, Some(PASSPHRASE)).unwrap_err();
        assert!(
            matches!(err, KeyError::DerivationTooCostly { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("scrypt memory"));
    }

    #[test]
    fn files_that_hold_no_usable_key_say_what_they_hold() {
        let sp_key = read("sp.key");
        let sp_cert = read("sp.crt");
        assert!(matches!(
            DecryptionKey::from_pem(&sp_cert, None),
            Err(KeyError::NoPrivateKey { found }) if found == "CERTIFICATE"
        ));
        assert!(matches!(
            DecryptionKey::from_pem("not a key", None),
            Err(KeyError::NoPrivateKey { found }) if found == "no PEM block"
        ));
        // A key with its certificate in one file is fine; two keys are ambiguous.
        let both = format!("{sp_cert}{sp_key}");
        assert!(DecryptionKey::from_pem(&both, None).is_ok());
        let two = format!("{sp_key}{}", read("sp2.key"));
        assert_eq!(
            DecryptionKey::from_pem(&two, None).unwrap_err(),
            KeyError::SeveralKeys { count: 2 }
        );
        let ec = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/saml-keys/hostile-idp-p256.key"
        ))
        .unwrap();
        assert!(matches!(
            DecryptionKey::from_pem(&ec, None),
            Err(KeyError::NotRsa { algorithm }) if algorithm == "an EC key"
        ));
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(
            DecryptionKey::from_pem(legacy, None).unwrap_err(),
            KeyError::LegacyEncryption
        );
        let huge = "A".repeat(MAX_PEM_BYTES + 1);
        assert!(matches!(
            DecryptionKey::from_pem(&huge, None),
            Err(KeyError::TooLarge { .. })
        ));
        // A block without its END line, or with another label at the end, is no block.
        let cut = sp_key.replace("-----END PRIVATE KEY-----", "");
        assert!(matches!(
            DecryptionKey::from_pem(&cut, None),
            Err(KeyError::NoPrivateKey { .. })
        ));
    }
}

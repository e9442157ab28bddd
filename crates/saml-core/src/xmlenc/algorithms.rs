//! The XML Encryption algorithms saml-doctor implements, read from an `EncryptionMethod`, and
//! the cryptography behind them.
//!
//! Key transport: RSA-OAEP (`xmlenc#rsa-oaep-mgf1p`: MGF1 with SHA-1 and a DigestMethod,
//! SHA-1 by default; `xmlenc11#rsa-oaep`: DigestMethod and MGF both chosen, SHA-1 by default)
//! and RSA PKCS#1 v1.5 (`xmlenc#rsa-1_5`). Content: AES-128/192/256 in GCM (`xmlenc11#aes*-gcm`:
//! a 12-byte IV first, the 128-bit tag last) and CBC (`xmlenc#aes*-cbc`: a 16-byte IV first, XML
//! Encryption's padding, whose last byte is its length and whose other bytes are arbitrary).
//! Any other URI is [`DecryptError::Unsupported`] naming it.
//!
//! A failure to decrypt is `None`, with no reason: the caller cannot word a padding oracle.

use aes_gcm::aead::AeadInOut;
use aes_gcm::KeyInit;
use cbc::cipher::{BlockModeDecrypt, KeyIvInit};
use serde::Serialize;
use zeroize::Zeroizing;

use super::error::DecryptError;
use crate::model::NS_DSIG;
use crate::xml::{Element, Node};

/// XML Encryption 1.0's namespace (also its algorithm URIs' prefix).
pub const NS_XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
/// XML Encryption 1.1's namespace (also its algorithm URIs' prefix).
pub const NS_XENC11: &str = "http://www.w3.org/2009/xmlenc11#";

/// A digest used by RSA-OAEP, for the label hash or for MGF1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OaepHash {
    /// SHA-1: the default for both.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl OaepHash {
    /// From a `ds:DigestMethod` URI (XML Encryption 1.1 section 5.7, RFC 9231 2.1.2).
    fn from_digest_uri(uri: &str) -> Option<Self> {
        Some(match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => Self::Sha1,
            "http://www.w3.org/2001/04/xmldsig-more#sha224" => Self::Sha224,
            "http://www.w3.org/2001/04/xmlenc#sha256" => Self::Sha256,
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Self::Sha384,
            "http://www.w3.org/2001/04/xmlenc#sha512" => Self::Sha512,
            _ => return None,
        })
    }

    /// From an `xenc11:MGF` URI (XML Encryption 1.1 section 5.5.2).
    fn from_mgf_uri(uri: &str) -> Option<Self> {
        Some(match uri.strip_prefix(NS_XENC11)? {
            "mgf1sha1" => Self::Sha1,
            "mgf1sha224" => Self::Sha224,
            "mgf1sha256" => Self::Sha256,
            "mgf1sha384" => Self::Sha384,
            "mgf1sha512" => Self::Sha512,
            _ => return None,
        })
    }

    /// `SHA-256`, for people.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha224 => "SHA-224",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }
}

/// How the content key is encrypted to the recipient's RSA key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "algorithm", rename_all = "snake_case")]
pub enum KeyTransport {
    /// `http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p`: MGF1 with SHA-1, `digest` for the
    /// label.
    RsaOaepMgf1p {
        /// The DigestMethod (SHA-1 when absent).
        digest: OaepHash,
    },
    /// `http://www.w3.org/2009/xmlenc11#rsa-oaep`.
    RsaOaep {
        /// The DigestMethod (SHA-1 when absent).
        digest: OaepHash,
        /// The MGF1 digest (SHA-1 when absent).
        mgf: OaepHash,
    },
    /// `http://www.w3.org/2001/04/xmlenc#rsa-1_5`: RSA PKCS#1 v1.5, open to Bleichenbacher's
    /// attack wherever a decryptor answers differently on bad padding; XML Encryption 1.1
    /// keeps it only for compatibility.
    Rsa15,
}

impl KeyTransport {
    /// The algorithm URI.
    pub fn uri(self) -> &'static str {
        match self {
            Self::RsaOaepMgf1p { .. } => "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
            Self::RsaOaep { .. } => "http://www.w3.org/2009/xmlenc11#rsa-oaep",
            Self::Rsa15 => "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
        }
    }

    /// `RSA-OAEP (SHA-256, MGF1 SHA-1)`, for people.
    pub fn describe(self) -> String {
        match self {
            Self::RsaOaepMgf1p { digest } => {
                format!("RSA-OAEP ({}, MGF1 SHA-1)", digest.name())
            }
            Self::RsaOaep { digest, mgf } => {
                format!("RSA-OAEP ({}, MGF1 {})", digest.name(), mgf.name())
            }
            Self::Rsa15 => "RSA PKCS#1 v1.5".into(),
        }
    }
}

/// How the assertion itself is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContentCipher {
    /// `xmlenc11#aes128-gcm`.
    Aes128Gcm,
    /// `xmlenc11#aes192-gcm`.
    Aes192Gcm,
    /// `xmlenc11#aes256-gcm`.
    Aes256Gcm,
    /// `xmlenc#aes128-cbc`.
    Aes128Cbc,
    /// `xmlenc#aes192-cbc`.
    Aes192Cbc,
    /// `xmlenc#aes256-cbc`.
    Aes256Cbc,
}

impl ContentCipher {
    fn from_uri(uri: &str) -> Option<Self> {
        if let Some(name) = uri.strip_prefix(NS_XENC11) {
            return Some(match name {
                "aes128-gcm" => Self::Aes128Gcm,
                "aes192-gcm" => Self::Aes192Gcm,
                "aes256-gcm" => Self::Aes256Gcm,
                _ => return None,
            });
        }
        Some(match uri.strip_prefix(NS_XENC)? {
            "aes128-cbc" => Self::Aes128Cbc,
            "aes192-cbc" => Self::Aes192Cbc,
            "aes256-cbc" => Self::Aes256Cbc,
            _ => return None,
        })
    }

    /// The algorithm URI.
    pub fn uri(self) -> &'static str {
        match self {
            Self::Aes128Gcm => "http://www.w3.org/2009/xmlenc11#aes128-gcm",
            Self::Aes192Gcm => "http://www.w3.org/2009/xmlenc11#aes192-gcm",
            Self::Aes256Gcm => "http://www.w3.org/2009/xmlenc11#aes256-gcm",
            Self::Aes128Cbc => "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            Self::Aes192Cbc => "http://www.w3.org/2001/04/xmlenc#aes192-cbc",
            Self::Aes256Cbc => "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
        }
    }

    /// `AES-256-GCM`, for people.
    pub fn name(self) -> &'static str {
        match self {
            Self::Aes128Gcm => "AES-128-GCM",
            Self::Aes192Gcm => "AES-192-GCM",
            Self::Aes256Gcm => "AES-256-GCM",
            Self::Aes128Cbc => "AES-128-CBC",
            Self::Aes192Cbc => "AES-192-CBC",
            Self::Aes256Cbc => "AES-256-CBC",
        }
    }

    /// The key size in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Self::Aes128Gcm | Self::Aes128Cbc => 16,
            Self::Aes192Gcm | Self::Aes192Cbc => 24,
            Self::Aes256Gcm | Self::Aes256Cbc => 32,
        }
    }

    /// GCM authenticates the ciphertext; CBC does not (anything decrypts to something).
    pub fn is_authenticated(self) -> bool {
        matches!(self, Self::Aes128Gcm | Self::Aes192Gcm | Self::Aes256Gcm)
    }

    /// Bytes the ciphertext has beyond the plaintext at least (IV, tag, one padding byte).
    pub(crate) fn overhead(self) -> usize {
        if self.is_authenticated() {
            GCM_IV + GCM_TAG
        } else {
            CBC_IV + 1
        }
    }
}

const GCM_IV: usize = 12;
const GCM_TAG: usize = 16;
const CBC_IV: usize = 16;
const BLOCK: usize = 16;

fn algorithm_of(method: &Element) -> Result<&str, DecryptError> {
    match method.attr("Algorithm") {
        Some(a) if !a.trim().is_empty() => Ok(a.trim()),
        _ => Err(DecryptError::malformed(
            "an EncryptionMethod without an Algorithm",
        )),
    }
}

/// Children of an algorithm's parameter element: none (white space and comments only).
fn no_content(e: &Element, what: &str) -> Result<(), DecryptError> {
    let ok = e.children.iter().all(|n| match n {
        Node::Text(t) => t.trim().is_empty(),
        Node::Comment(_) => true,
        _ => false,
    });
    if ok {
        Ok(())
    } else {
        Err(DecryptError::malformed(format!("{what} has content")))
    }
}

/// The text of a text-only element (white space kept), refusing child elements and processing
/// instructions, which a base64 or integer value never holds.
pub(crate) fn text_only(e: &Element, what: &str) -> Result<String, DecryptError> {
    let mut out = String::new();
    for n in &e.children {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Comment(_) => {}
            _ => {
                return Err(DecryptError::malformed(format!(
                    "{what} holds markup; it holds text only"
                )))
            }
        }
    }
    Ok(out)
}

/// Base64 with white space allowed.
pub(crate) fn base64(text: &str, what: &str) -> Result<Vec<u8>, DecryptError> {
    use base64::Engine;
    let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .map_err(|e| DecryptError::malformed(format!("{what} is not base64 ({e})")))
}

/// The content cipher an EncryptedData's EncryptionMethod names. A KeySize, if any, must agree.
pub(crate) fn content_cipher(method: &Element) -> Result<ContentCipher, DecryptError> {
    let uri = algorithm_of(method)?;
    let cipher = ContentCipher::from_uri(uri).ok_or_else(|| match transport_uri(uri) {
        true => DecryptError::malformed(format!(
            "EncryptedData names the key transport {uri} as its content algorithm"
        )),
        false => DecryptError::Unsupported {
            algorithm: uri.to_owned(),
        },
    })?;
    for p in method.elements() {
        if p.is(NS_XENC, "KeySize") {
            let bits = text_only(p, "KeySize")?;
            if bits.trim().parse::<usize>().ok() != Some(cipher.key_len() * 8) {
                return Err(DecryptError::malformed(format!(
                    "KeySize {} contradicts {}",
                    bits.trim(),
                    cipher.name()
                )));
            }
        } else {
            return Err(DecryptError::malformed(format!(
                "the content EncryptionMethod {uri} has a <{}> parameter, which it does not take",
                p.name
            )));
        }
    }
    Ok(cipher)
}

fn transport_uri(uri: &str) -> bool {
    matches!(
        uri,
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
            | "http://www.w3.org/2009/xmlenc11#rsa-oaep"
            | "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
    )
}

/// The key transport an EncryptedKey's EncryptionMethod names, and its OAEP label
/// (`xenc:OAEPparams`, empty when absent).
pub(crate) fn key_transport(method: &Element) -> Result<(KeyTransport, Vec<u8>), DecryptError> {
    let uri = algorithm_of(method)?;
    let (oaep, xenc11) = match uri {
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" => (true, false),
        "http://www.w3.org/2009/xmlenc11#rsa-oaep" => (true, true),
        "http://www.w3.org/2001/04/xmlenc#rsa-1_5" => (false, false),
        _ if ContentCipher::from_uri(uri).is_some() => {
            return Err(DecryptError::malformed(format!(
                "EncryptedKey names the content cipher {uri} as its key transport"
            )))
        }
        // Symmetric key wrap (kw-aes*), key agreement and the rest: nothing to open them with.
        _ => {
            return Err(DecryptError::Unsupported {
                algorithm: uri.to_owned(),
            })
        }
    };
    let (mut digest, mut mgf, mut label) = (None, None, None);
    for p in method.elements() {
        let slot_taken = if oaep && p.is(NS_XENC, "OAEPparams") {
            let v = base64(&text_only(p, "OAEPparams")?, "OAEPparams")?;
            label.replace(v).is_some()
        } else if oaep && p.is(NS_DSIG, "DigestMethod") {
            no_content(p, "DigestMethod")?;
            let d = algorithm_of(p)?;
            let hash = OaepHash::from_digest_uri(d).ok_or_else(|| DecryptError::Unsupported {
                algorithm: format!("{d} (the RSA-OAEP DigestMethod)"),
            })?;
            digest.replace(hash).is_some()
        } else if xenc11 && p.is(NS_XENC11, "MGF") {
            no_content(p, "MGF")?;
            let m = algorithm_of(p)?;
            let hash = OaepHash::from_mgf_uri(m).ok_or_else(|| DecryptError::Unsupported {
                algorithm: format!("{m} (the RSA-OAEP mask generation function)"),
            })?;
            mgf.replace(hash).is_some()
        } else {
            // An MGF under rsa-oaep-mgf1p (which fixes MGF1-SHA1), a KeySize, or an extension
            // parameter this code does not know: each could change the meaning, so none is
            // ignored.
            return Err(DecryptError::malformed(format!(
                "the key transport {uri} has a <{}> parameter, which it does not take",
                p.name
            )));
        };
        if slot_taken {
            return Err(DecryptError::malformed(format!(
                "the key transport {uri} has more than one <{}>",
                p.name
            )));
        }
    }
    let digest = digest.unwrap_or(OaepHash::Sha1);
    let transport = match (oaep, xenc11) {
        (true, true) => KeyTransport::RsaOaep {
            digest,
            mgf: mgf.unwrap_or(OaepHash::Sha1),
        },
        (true, false) => KeyTransport::RsaOaepMgf1p { digest },
        _ => KeyTransport::Rsa15,
    };
    Ok((transport, label.unwrap_or_default()))
}

/// Decrypts a content key with `key`; `None` when it does not decrypt or is not `key_len`
/// bytes long (the same answer either way).
pub(crate) fn unwrap_key(
    key: &rsa::PrivateKey,
    transport: KeyTransport,
    label: &[u8],
    ciphertext: &[u8],
    key_len: usize,
) -> Option<Zeroizing<Vec<u8>>> {
    let plain = match transport {
        KeyTransport::RsaOaepMgf1p { digest } => {
            oaep(key, digest, OaepHash::Sha1, label, ciphertext)
        }
        KeyTransport::RsaOaep { digest, mgf } => oaep(key, digest, mgf, label, ciphertext),
        // Implicit rejection: bad padding yields a synthetic message, not an error, so the
        // wrong key and a damaged key both fail later, at the length or the content.
        KeyTransport::Rsa15 => key.decrypt(rsa::Pkcs1v15Encrypt, ciphertext).ok(),
    }
    .map(Zeroizing::new)?;
    (plain.len() == key_len).then_some(plain)
}

fn oaep(
    key: &rsa::PrivateKey,
    digest: OaepHash,
    mgf: OaepHash,
    label: &[u8],
    ciphertext: &[u8],
) -> Option<Vec<u8>> {
    use sha1::Sha1;
    use sha2::{Sha224, Sha256, Sha384, Sha512};
    macro_rules! with_mgf {
        ($d:ty) => {
            match mgf {
                OaepHash::Sha1 => oaep_with::<$d, Sha1>(key, label, ciphertext),
                OaepHash::Sha224 => oaep_with::<$d, Sha224>(key, label, ciphertext),
                OaepHash::Sha256 => oaep_with::<$d, Sha256>(key, label, ciphertext),
                OaepHash::Sha384 => oaep_with::<$d, Sha384>(key, label, ciphertext),
                OaepHash::Sha512 => oaep_with::<$d, Sha512>(key, label, ciphertext),
            }
        };
    }
    match digest {
        OaepHash::Sha1 => with_mgf!(Sha1),
        OaepHash::Sha224 => with_mgf!(Sha224),
        OaepHash::Sha256 => with_mgf!(Sha256),
        OaepHash::Sha384 => with_mgf!(Sha384),
        OaepHash::Sha512 => with_mgf!(Sha512),
    }
}

fn oaep_with<D, M>(key: &rsa::PrivateKey, label: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>>
where
    D: sha2::Digest + sha2::digest::FixedOutputReset,
    M: sha2::Digest + sha2::digest::FixedOutputReset,
{
    // An empty OAEPparams and none are the same label (RFC 8017: L defaults to the empty string).
    let padding = rsa::Oaep::<D, M>::new_with_mgf_hash_and_label(label.to_vec());
    key.decrypt(padding, ciphertext).ok()
}

/// Decrypts the EncryptedData's CipherValue (IV first) with the content key; `None` on any
/// failure (a GCM tag, a CBC length or padding), with no reason given.
pub(crate) fn decrypt_content(cipher: ContentCipher, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    match cipher {
        ContentCipher::Aes128Gcm => gcm_decrypt::<aes_gcm::Aes128Gcm>(key, data),
        ContentCipher::Aes192Gcm => {
            gcm_decrypt::<aes_gcm::AesGcm<aes::Aes192, aes_gcm::aead::consts::U12>>(key, data)
        }
        ContentCipher::Aes256Gcm => gcm_decrypt::<aes_gcm::Aes256Gcm>(key, data),
        ContentCipher::Aes128Cbc => cbc_decrypt::<aes::Aes128>(key, data),
        ContentCipher::Aes192Cbc => cbc_decrypt::<aes::Aes192>(key, data),
        ContentCipher::Aes256Cbc => cbc_decrypt::<aes::Aes256>(key, data),
    }
}

fn gcm_decrypt<C: AeadInOut + KeyInit>(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < GCM_IV + GCM_TAG {
        return None;
    }
    let (iv, rest) = data.split_at(GCM_IV);
    let (ciphertext, tag) = rest.split_at(rest.len() - GCM_TAG);
    let cipher = C::new_from_slice(key).ok()?;
    let nonce = aes_gcm::aead::Nonce::<C>::try_from(iv).ok()?;
    let tag = aes_gcm::aead::Tag::<C>::try_from(tag).ok()?;
    let mut buf = ciphertext.to_vec();
    cipher
        .decrypt_inout_detached(&nonce, &[], buf.as_mut_slice().into(), &tag)
        .ok()?;
    Some(buf)
}

fn cbc_decrypt<C>(key: &[u8], data: &[u8]) -> Option<Vec<u8>>
where
    C: cbc::cipher::BlockCipherDecrypt
        + cbc::cipher::BlockSizeUser<BlockSize = cbc::cipher::consts::U16>
        + KeyInit,
{
    if data.len() < CBC_IV + BLOCK || !data.len().is_multiple_of(BLOCK) {
        return None;
    }
    let (iv, ciphertext) = data.split_at(CBC_IV);
    let mut decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    let mut buf = ciphertext.to_vec();
    for chunk in buf.chunks_exact_mut(BLOCK) {
        let block = <&mut cbc::cipher::Block<C>>::try_from(chunk).ok()?;
        decryptor.decrypt_block(block);
    }
    // XML Encryption 1.1 section 5.2: the last byte counts the padding bytes (1 to 16); the
    // others are arbitrary, unlike PKCS#7, and are not checked.
    let pad = usize::from(*buf.last()?);
    if pad == 0 || pad > BLOCK {
        return None;
    }
    buf.truncate(buf.len() - pad);
    Some(buf)
}

#[cfg(test)]
#[path = "algorithms_tests.rs"]
mod tests;

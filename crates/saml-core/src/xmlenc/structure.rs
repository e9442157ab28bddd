//! Reads an `EncryptedAssertion` into what decryption needs: the EncryptedData (its content
//! cipher and ciphertext) and the EncryptedKeys that apply to it, found where SAML 2.0 core
//! section 6.2 and XML Encryption allow them: inside EncryptedData's `ds:KeyInfo`, or beside
//! the EncryptedData and pointed at by `ds:RetrievalMethod` (`URI="#id"`), by `ds:KeyName`
//! (matching `CarriedKeyName`), or pointing back with `ReferenceList/DataReference`.
//!
//! Shapes are strict: children in schema order and number, text only where the schema has
//! text, an unknown element where it could change the meaning is [`DecryptError::Malformed`],
//! and an unimplemented feature (CipherReference, AgreementMethod, a RetrievalMethod with
//! Transforms) is [`DecryptError::Unsupported`] naming it. The EncryptedKey's own KeyInfo is
//! the exception: it only tells which key the IdP meant, every given key is tried anyway, so
//! only its X509Certificate is read and the rest (X509IssuerSerial, KeyName, …) is left be.

use std::collections::HashSet;

use serde::Serialize;

use super::algorithms::{self, base64, text_only, ContentCipher, KeyTransport, NS_XENC};
use super::error::DecryptError;
use crate::cert::Certificate;
use crate::model::{NS_ASSERTION, NS_DSIG};
use crate::xml::{Element, Limits, Node};

/// EncryptedKeys in one EncryptedAssertion, inside KeyInfo and beside it together. An IdP
/// sends one, or one per recipient key.
pub const MAX_ENCRYPTED_KEYS: usize = 8;
/// An RSA-encrypted content key is as long as the modulus: 1,024 bytes for RSA-8192.
const MAX_WRAPPED_KEY_BYTES: usize = 1024;
const TYPE_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";
const TYPE_ENCRYPTED_KEY: &str = "http://www.w3.org/2001/04/xmlenc#EncryptedKey";

/// Where the EncryptedKey that applies to the EncryptedData was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPlacement {
    /// Inside the EncryptedData's `ds:KeyInfo`.
    InKeyInfo,
    /// Beside the EncryptedData, named by a `ds:RetrievalMethod` in its KeyInfo.
    RetrievalMethod,
    /// Beside the EncryptedData, its `CarriedKeyName` matching a `ds:KeyName` in its KeyInfo.
    KeyName,
    /// Beside the EncryptedData, pointing at it with `ReferenceList/DataReference`.
    DataReference,
}

/// The EncryptedData of an EncryptedAssertion.
pub(crate) struct Data {
    pub cipher: ContentCipher,
    pub ciphertext: Vec<u8>,
}

/// An EncryptedKey that applies to the EncryptedData.
pub(crate) struct Key {
    pub transport: KeyTransport,
    pub label: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub placement: KeyPlacement,
    /// The certificates its KeyInfo carries (X509Data/X509Certificate) that parse.
    pub certificates: Vec<Certificate>,
}

/// An EncryptedAssertion, read.
pub(crate) struct Parts {
    pub data: Data,
    /// The applicable EncryptedKeys whose algorithm is implemented, in document order.
    pub keys: Vec<Key>,
}

/// Reads and checks an EncryptedAssertion. Every size is checked before anything is decoded.
pub(crate) fn read(encrypted_assertion: &Element, limits: &Limits) -> Result<Parts, DecryptError> {
    if !encrypted_assertion.is(NS_ASSERTION, "EncryptedAssertion") {
        return Err(DecryptError::malformed(format!(
            "<{}> is not a saml:EncryptedAssertion",
            encrypted_assertion.name
        )));
    }
    let slots = sequence(
        encrypted_assertion,
        "EncryptedAssertion",
        &[
            (NS_XENC, "EncryptedData", 1, 1),
            (NS_XENC, "EncryptedKey", 0, MAX_ENCRYPTED_KEYS),
        ],
    )?;
    let data = slots[0][0];
    let siblings = &slots[1];
    let data_slots = sequence(
        data,
        "EncryptedData",
        &[
            (NS_XENC, "EncryptionMethod", 1, 1),
            (NS_DSIG, "KeyInfo", 0, 1),
            (NS_XENC, "CipherData", 1, 1),
            (NS_XENC, "EncryptionProperties", 0, 1),
        ],
    )?;
    match data.attr("Type") {
        None | Some(TYPE_ELEMENT) => {}
        Some(other) => {
            return Err(DecryptError::malformed(format!(
                "EncryptedData has Type=\"{other}\"; an EncryptedAssertion encrypts one element (Type=\"{TYPE_ELEMENT}\")"
            )))
        }
    }
    if let Some(encoding) = data.attr("Encoding") {
        return Err(DecryptError::Unsupported {
            algorithm: format!("the EncryptedData Encoding {encoding}"),
        });
    }
    let cipher = algorithms::content_cipher(data_slots[0][0])?;
    let text = cipher_value(data_slots[2][0], "EncryptedData")?;
    // base64 makes 3 bytes of 4 characters: the decoded size is known before decoding.
    let approx = text.chars().filter(|c| !c.is_ascii_whitespace()).count() / 4 * 3;
    if approx
        > limits
            .max_input_bytes
            .saturating_add(cipher.overhead() + 16)
    {
        return Err(DecryptError::TooLarge {
            bytes: approx,
            limit: limits.max_input_bytes,
        });
    }
    let ciphertext = base64(&text, "the EncryptedData CipherValue")?;
    let elements = applicable_keys(data, data_slots[1].first().copied(), siblings)?;
    let mut keys = Vec::new();
    let mut unsupported = None;
    for (element, placement) in elements {
        match encrypted_key(element, placement) {
            Ok(k) => keys.push(k),
            // One recipient's key wrapped with an algorithm this code lacks does not stop
            // another recipient's from being tried.
            Err(e @ DecryptError::Unsupported { .. }) => {
                unsupported.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    if keys.is_empty() {
        return Err(unsupported.unwrap_or_else(|| {
            DecryptError::malformed("no EncryptedKey applies to the EncryptedData")
        }));
    }
    Ok(Parts {
        data: Data { cipher, ciphertext },
        keys,
    })
}

/// The EncryptedKey elements that apply to `data`, with where each was found.
fn applicable_keys<'a>(
    data: &'a Element,
    key_info: Option<&'a Element>,
    siblings: &[&'a Element],
) -> Result<Vec<(&'a Element, KeyPlacement)>, DecryptError> {
    let mut ids = HashSet::new();
    for s in siblings {
        if let Some(id) = s.attr("Id") {
            if !ids.insert(id) {
                return Err(DecryptError::malformed(format!(
                    "two EncryptedKeys have Id=\"{id}\""
                )));
            }
        }
    }
    let mut out: Vec<(&Element, KeyPlacement)> = Vec::new();
    let mut key_names = Vec::new();
    let children = key_info
        .map(element_children_of)
        .transpose()?
        .unwrap_or_default();
    // Bounded before anything is resolved: each child may be matched against every sibling.
    if children.len() > 2 * MAX_ENCRYPTED_KEYS {
        return Err(DecryptError::malformed(format!(
            "EncryptedData's KeyInfo holds {} elements; at most {} are read",
            children.len(),
            2 * MAX_ENCRYPTED_KEYS
        )));
    }
    for child in children {
        if child.is(NS_XENC, "EncryptedKey") {
            out.push((child, KeyPlacement::InKeyInfo));
        } else if child.is(NS_DSIG, "RetrievalMethod") {
            let target = retrieval_target(child, siblings)?;
            out.push((target, KeyPlacement::RetrievalMethod));
        } else if child.is(NS_DSIG, "KeyName") {
            key_names.push(text_only(child, "KeyName")?.trim().to_owned());
        } else if child.is(NS_XENC, "AgreementMethod") {
            return Err(DecryptError::Unsupported {
                algorithm: format!(
                    "key agreement {}",
                    child.attr("Algorithm").unwrap_or("(no Algorithm)")
                ),
            });
        } else {
            return Err(DecryptError::malformed(format!(
                "EncryptedData's KeyInfo holds <{}>; the content key comes from an EncryptedKey (inside it, or named by RetrievalMethod or KeyName)",
                child.name
            )));
        }
    }
    for name in &key_names {
        for s in siblings {
            let carried = s
                .child(NS_XENC, "CarriedKeyName")
                .map(|c| text_only(c, "CarriedKeyName"))
                .transpose()?;
            if carried.as_deref().map(str::trim) == Some(name.as_str()) {
                out.push((s, KeyPlacement::KeyName));
            }
        }
    }
    if out.is_empty() {
        if let Some(name) = key_names.first() {
            return Err(DecryptError::malformed(format!(
                "EncryptedData's KeyInfo names the key \"{name}\", and no EncryptedKey beside it carries that CarriedKeyName"
            )));
        }
        if let Some(id) = data.attr("Id") {
            let uri = format!("#{id}");
            for s in siblings {
                let refers = s.child(NS_XENC, "ReferenceList").is_some_and(|l| {
                    l.children_named(NS_XENC, "DataReference")
                        .any(|r| r.attr("URI") == Some(uri.as_str()))
                });
                if refers {
                    out.push((s, KeyPlacement::DataReference));
                }
            }
        }
    }
    // The same EncryptedKey found twice (by RetrievalMethod and by KeyName) is tried once.
    let mut seen: Vec<*const Element> = Vec::new();
    out.retain(|(e, _)| {
        let p: *const Element = *e;
        let new = !seen.contains(&p);
        seen.push(p);
        new
    });
    if out.len() > MAX_ENCRYPTED_KEYS {
        return Err(DecryptError::malformed(format!(
            "more than {MAX_ENCRYPTED_KEYS} EncryptedKeys apply to the EncryptedData"
        )));
    }
    Ok(out)
}

/// The EncryptedKey beside the EncryptedData that a RetrievalMethod names.
fn retrieval_target<'a>(
    method: &Element,
    siblings: &[&'a Element],
) -> Result<&'a Element, DecryptError> {
    match method.attr("Type") {
        None | Some(TYPE_ENCRYPTED_KEY) => {}
        Some(other) => {
            return Err(DecryptError::malformed(format!(
                "a RetrievalMethod in EncryptedData's KeyInfo retrieves Type=\"{other}\", not an EncryptedKey"
            )))
        }
    }
    if let Some(t) = method.elements().next() {
        return Err(DecryptError::Unsupported {
            algorithm: format!("a RetrievalMethod with <{}>", t.name),
        });
    }
    let uri = method.attr("URI").unwrap_or("");
    let id = uri.strip_prefix('#').filter(|id| !id.is_empty()).ok_or_else(|| {
        DecryptError::malformed(format!(
            "RetrievalMethod URI=\"{uri}\"; only a same-document reference (#id) to an EncryptedKey beside the EncryptedData is followed"
        ))
    })?;
    siblings
        .iter()
        .find(|s| s.attr("Id") == Some(id))
        .copied()
        .ok_or_else(|| {
            DecryptError::malformed(format!(
                "RetrievalMethod URI=\"#{id}\" names no EncryptedKey beside the EncryptedData"
            ))
        })
}

fn encrypted_key(e: &Element, placement: KeyPlacement) -> Result<Key, DecryptError> {
    let slots = sequence(
        e,
        "EncryptedKey",
        &[
            (NS_XENC, "EncryptionMethod", 1, 1),
            (NS_DSIG, "KeyInfo", 0, 1),
            (NS_XENC, "CipherData", 1, 1),
            (NS_XENC, "EncryptionProperties", 0, 1),
            (NS_XENC, "ReferenceList", 0, 1),
            (NS_XENC, "CarriedKeyName", 0, 1),
        ],
    )?;
    let (transport, label) = algorithms::key_transport(slots[0][0])?;
    let text = cipher_value(slots[2][0], "EncryptedKey")?;
    if text.len() > MAX_WRAPPED_KEY_BYTES * 2 {
        return Err(DecryptError::malformed(format!(
            "an EncryptedKey CipherValue of {} characters; an RSA-encrypted key is at most {MAX_WRAPPED_KEY_BYTES} bytes",
            text.len()
        )));
    }
    let ciphertext = base64(&text, "the EncryptedKey CipherValue")?;
    let certificates = slots[1]
        .first()
        .map(|ki| {
            ki.children_named(NS_DSIG, "X509Data")
                .flat_map(|d| d.children_named(NS_DSIG, "X509Certificate"))
                .filter_map(|c| Certificate::from_base64(&c.text()).ok())
                .collect()
        })
        .unwrap_or_default();
    Ok(Key {
        transport,
        label,
        ciphertext,
        placement,
        certificates,
    })
}

/// The base64 text of `CipherData/CipherValue`; a CipherReference is not followed.
fn cipher_value(cipher_data: &Element, owner: &str) -> Result<String, DecryptError> {
    let children = element_children_of(cipher_data)?;
    match children.as_slice() {
        [v] if v.is(NS_XENC, "CipherValue") => text_only(v, "CipherValue"),
        [r] if r.is(NS_XENC, "CipherReference") => Err(DecryptError::Unsupported {
            algorithm: format!(
                "a CipherReference (ciphertext fetched from {}) in the {owner}",
                r.attr("URI").unwrap_or("no URI")
            ),
        }),
        _ => Err(DecryptError::malformed(format!(
            "the {owner}'s CipherData holds {} elements; it holds one CipherValue",
            children.len()
        ))),
    }
}

/// The element children of `e`, refusing text other than white space and processing
/// instructions (comments are allowed: they carry no meaning here).
fn element_children_of(e: &Element) -> Result<Vec<&Element>, DecryptError> {
    let mut out = Vec::new();
    for n in &e.children {
        match n {
            Node::Element(c) => out.push(c),
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Comment(_) => {}
            Node::Text(_) => {
                return Err(DecryptError::malformed(format!(
                    "<{}> holds text between its elements",
                    e.name
                )))
            }
            Node::ProcessingInstruction { target, .. } => {
                return Err(DecryptError::malformed(format!(
                    "<{}> holds a processing instruction <?{target}?>",
                    e.name
                )))
            }
        }
    }
    Ok(out)
}

/// One slot of a schema sequence: namespace, local name, minimum and maximum count.
type Slot = (&'static str, &'static str, usize, usize);

/// Splits `e`'s element children into the slots of a schema sequence, in order; an element out
/// of order, unknown, or a count outside a slot's bounds is refused.
fn sequence<'a>(
    e: &'a Element,
    what: &str,
    slots: &[Slot],
) -> Result<Vec<Vec<&'a Element>>, DecryptError> {
    let children = element_children_of(e)?;
    let mut out: Vec<Vec<&Element>> = vec![Vec::new(); slots.len()];
    let mut slot = 0;
    for child in children {
        let found = slots[slot..]
            .iter()
            .position(|(ns, local, _, _)| child.is(ns, local))
            .map(|i| i + slot);
        let Some(i) = found else {
            let known = slots.iter().any(|(ns, local, _, _)| child.is(ns, local));
            return Err(DecryptError::malformed(if known {
                format!("{what} has <{}> out of order", child.name)
            } else {
                format!("{what} holds <{}>, which it does not take", child.name)
            }));
        };
        slot = i;
        out[i].push(child);
        if out[i].len() > slots[i].3 {
            return Err(DecryptError::malformed(format!(
                "{what} holds more than {} <{}>",
                slots[i].3, slots[i].1
            )));
        }
    }
    for ((_, local, min, _), got) in slots.iter().zip(&out) {
        if got.len() < *min {
            return Err(DecryptError::malformed(format!("{what} has no {local}")));
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "structure_tests.rs"]
mod tests;

//! The verification engine: one `ds:Signature` at a time, from its shape through its Reference
//! (which must be the element it is enveloped in), transforms, canonicalization and digest to
//! its signature value and the key that verifies it. Work is bounded by hard limits.

use super::outcome::{Checked, Outcome, Target};
use super::shape::{b64, c14n_method, expect_shape, only_child, text_only};
use crate::c14n::{self, Index, Method, Subtree};
use crate::cert::{CertError, Certificate, Hash, SignatureAlgorithm};
use crate::metadata::Metadata;
use crate::model::{NS_ASSERTION, NS_DSIG};
use crate::xml::{Document, Element, Node};

const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Hard limits on the work a message can ask for. A SAML Response carries one or two
/// signatures, each with one Reference and two Transforms.
pub const MAX_SIGNATURES: usize = 32;
/// The most Transforms one Reference may list.
pub const MAX_TRANSFORMS: usize = 4;

/// Canonicalized bytes over all signatures, beyond a multiple of the input size.
const WORK_FACTOR: usize = 4;
const WORK_BASE: usize = 1 << 20;

/// A document as the verifier sees it: the root and the processing instructions around it.
#[derive(Clone, Copy)]
pub struct Doc<'a> {
    /// The processing instructions before the root element.
    pub before_root: &'a [Node],
    /// The root element.
    pub root: &'a Element,
    /// The processing instructions after the root element.
    pub after_root: &'a [Node],
    /// When some of the root's Assertion children were decrypted in place of their
    /// EncryptedAssertions: the root as the identity provider sent it, and how many were.
    pub decrypted: Option<(&'a Element, usize)>,
}

impl<'a> Doc<'a> {
    /// The whole parsed document.
    pub fn of(document: &'a Document) -> Self {
        Self {
            before_root: &document.before_root,
            root: &document.root,
            after_root: &document.after_root,
            decrypted: None,
        }
    }

    /// The root element alone (nothing around it to canonicalize).
    pub fn root_only(root: &'a Element) -> Self {
        Self {
            before_root: &[],
            root,
            after_root: &[],
            decrypted: None,
        }
    }

    /// This document, whose root holds `count` assertions decrypted in place of the
    /// EncryptedAssertions of `as_sent` (the same root, child for child, otherwise). A
    /// signature over the whole Response signed the ciphertext: it is checked on `as_sent`.
    /// It then covers the decrypted assertions too, since the ciphertext it signs decrypts to
    /// one plaintext with the provider's key.
    pub fn with_decrypted(self, as_sent: &'a Element, count: usize) -> Self {
        Self {
            decrypted: Some((as_sent, count)),
            ..self
        }
    }
}

/// Every signature of a Response, in document order.
pub fn verify(root: &Element, metadata: Option<&Metadata>) -> Vec<Checked> {
    let index = Index::new(root);
    let trusted = metadata.map(trusted_certificates);
    verify_all(Doc::root_only(root), &index, trusted.as_deref()).unwrap_or_default()
}

/// The metadata's signing certificates that parse.
pub(super) fn trusted_certificates(m: &Metadata) -> Vec<Certificate> {
    m.signing_certificates
        .iter()
        .filter_map(|c| Certificate::from_base64(c).ok())
        .collect()
}

/// Every `ds:Signature` element in the document.
pub(super) fn signatures(root: &Element) -> Vec<&Element> {
    std::iter::once(root)
        .chain(root.descendants())
        .filter(|e| e.is(NS_DSIG, "Signature"))
        .collect()
}

/// Checks every signature; `Err(count)` when there are more than [`MAX_SIGNATURES`].
pub(super) fn verify_all(
    doc: Doc,
    index: &Index,
    trusted: Option<&[Certificate]>,
) -> Result<Vec<Checked>, usize> {
    let sigs = signatures(doc.root);
    if sigs.len() > MAX_SIGNATURES {
        return Err(sigs.len());
    }
    let assertions: Vec<&Element> = doc.root.children_named(NS_ASSERTION, "Assertion").collect();
    let mut budget = Budget {
        left: WORK_BASE.saturating_add(byte_size(doc.root).saturating_mul(WORK_FACTOR)),
    };
    let as_sent = doc.decrypted.map(|(sent, _)| {
        let sent_doc = Doc {
            root: sent,
            decrypted: None,
            ..doc
        };
        (sent_doc, Index::new(sent))
    });
    Ok(sigs
        .into_iter()
        .map(|sig| {
            let parent = index.parent(sig);
            let target = match parent {
                Some(p) if std::ptr::eq(p, doc.root) => Target::Response,
                Some(p) => assertions
                    .iter()
                    .position(|a| std::ptr::eq(*a, p))
                    .map(Target::Assertion)
                    .unwrap_or(Target::Other),
                None => Target::Other,
            };
            match (&as_sent, target) {
                (Some((sent_doc, sent_index)), Target::Response) => {
                    check_as_sent(*sent_doc, sent_index, doc.root, sig, trusted, &mut budget)
                }
                _ => check_one(doc, index, parent, sig, target, trusted, &mut budget),
            }
        })
        .collect())
}

/// Checks the Response's own signature `sig` (a child of `root`, whose decrypted assertions
/// stand in place of EncryptedAssertions) on the Response as it was sent: its child at the
/// same place.
fn check_as_sent(
    sent: Doc,
    sent_index: &Index,
    root: &Element,
    sig: &Element,
    trusted: Option<&[Certificate]>,
    budget: &mut Budget,
) -> Checked {
    let at = root
        .children
        .iter()
        .position(|n| matches!(n, Node::Element(e) if std::ptr::eq(e, sig)));
    match at.and_then(|i| sent.root.children.get(i)) {
        Some(Node::Element(sent_sig)) if sent_sig.is(NS_DSIG, "Signature") => check_one(
            sent,
            sent_index,
            Some(sent.root),
            sent_sig,
            Target::Response,
            trusted,
            budget,
        ),
        // Splicing replaces EncryptedAssertions only: anything else is a bug, rejected.
        _ => Checked {
            path: "/Response/Signature".into(),
            target: Target::Response,
            signed_id: sent.root.attr("ID").map(str::to_owned),
            embedded: None,
            embedded_error: None,
            verifies_with_embedded: false,
            outcome: Outcome::Malformed {
                why: "the Response as sent has no signature at its place".into(),
            },
        },
    }
}

/// A rough size of a subtree (names and text), to bound canonicalization work.
fn byte_size(e: &Element) -> usize {
    std::iter::once(e)
        .chain(e.descendants())
        .map(|e| {
            e.name.len()
                + e.attributes
                    .iter()
                    .map(|a| a.name.len() + a.value.len() + 4)
                    .sum::<usize>()
                + e.children
                    .iter()
                    .map(|c| match c {
                        Node::Text(t) | Node::Comment(t) => t.len(),
                        Node::ProcessingInstruction { target, data } => target.len() + data.len(),
                        Node::Element(_) => 0,
                    })
                    .sum::<usize>()
        })
        .sum()
}

struct Budget {
    left: usize,
}

impl Budget {
    fn spend(&mut self, bytes: usize) -> Result<(), Outcome> {
        if bytes > self.left {
            self.left = 0;
            return Err(Outcome::Malformed {
                why: "verifying it would exceed saml-doctor's limit on canonicalization work for one message".into(),
            });
        }
        self.left -= bytes;
        Ok(())
    }
}

/// The path of an element by local names (`/Response/Assertion/Advice/Assertion`).
pub(super) fn path_of(index: &Index, e: &Element) -> String {
    let mut names: Vec<&str> = index.ancestors(e).map(|a| a.local.as_str()).collect();
    names.reverse();
    names.push(&e.local);
    format!("/{}", names.join("/"))
}

fn check_one(
    doc: Doc,
    index: &Index,
    parent: Option<&Element>,
    sig: &Element,
    target: Target,
    trusted: Option<&[Certificate]>,
    budget: &mut Budget,
) -> Checked {
    let embedded_b64 = sig
        .child(NS_DSIG, "KeyInfo")
        .and_then(|k| k.child(NS_DSIG, "X509Data"))
        .and_then(|d| d.child(NS_DSIG, "X509Certificate"))
        .map(|c| c.text());
    let embedded = embedded_b64
        .as_deref()
        .and_then(|b| Certificate::from_base64(b).ok());
    // Any X509Certificate of KeyInfo that does not parse (not only the first).
    let embedded_error = sig
        .children_named(NS_DSIG, "KeyInfo")
        .flat_map(|k| k.children_named(NS_DSIG, "X509Data"))
        .flat_map(|d| d.children_named(NS_DSIG, "X509Certificate"))
        .find_map(|c| Certificate::from_base64(&c.text()).err())
        .map(|e| e.to_string());
    let mut checked = Checked {
        path: path_of(index, sig),
        target,
        signed_id: parent.and_then(|p| p.attr("ID")).map(str::to_owned),
        embedded,
        embedded_error,
        verifies_with_embedded: false,
        outcome: Outcome::NoKey,
    };
    let Some(parent) = parent else {
        checked.outcome = Outcome::Malformed {
            why: "it is the document element: it signs nothing".into(),
        };
        return checked;
    };
    let prepared = match prepare(doc, index, parent, sig, budget) {
        Ok(p) => p,
        Err(outcome) => {
            checked.outcome = outcome;
            return checked;
        }
    };
    if !prepared.digest_ok {
        checked.outcome = Outcome::DigestMismatch;
        return checked;
    }
    let verifies = |cert: &Certificate| {
        cert.verify(
            prepared.algorithm,
            &prepared.signed_info,
            &prepared.signature,
        )
    };
    let mut key_problem: Option<CertError> = None;
    if let Some(e) = &checked.embedded {
        match verifies(e) {
            Ok(v) => checked.verifies_with_embedded = v,
            Err(err) => key_problem = Some(err),
        }
    }
    // KeyInfo is not signed: with the metadata's keys it is not used, and a certificate there
    // that does not parse is reported beside a valid signature (`signing_cert_unreadable`).
    // Without them, KeyInfo's key is the only one there is, and an unreadable one rejects.
    if let (None, Some(e)) = (trusted, &checked.embedded_error) {
        checked.outcome = Outcome::Malformed {
            why: format!("its KeyInfo holds an X509Certificate that is not one ({e}), and without the identity provider's metadata (--metadata) that certificate is the only key to verify with"),
        };
        return checked;
    }
    let candidates: Vec<(&Certificate, bool)> = match trusted {
        Some(certs) => certs.iter().map(|c| (c, true)).collect(),
        None => checked.embedded.iter().map(|c| (c, false)).collect(),
    };
    if candidates.is_empty() {
        checked.outcome = Outcome::NoKey;
        return checked;
    }
    let mut weak: Option<String> = None;
    for (cert, from_metadata) in candidates {
        match verifies(cert) {
            Ok(true) => {
                checked.outcome = Outcome::Valid {
                    certificate: Box::new(cert.clone()),
                    from_metadata,
                };
                return checked;
            }
            Ok(false) => {}
            Err(CertError::WeakKey(w)) => weak = Some(w),
            Err(e) => key_problem = Some(e),
        }
    }
    checked.outcome = match weak {
        Some(w) => Outcome::WeakKey {
            what: CertError::WeakKey(w).to_string(),
        },
        None => Outcome::BadSignature,
    };
    let _ = key_problem;
    checked
}

struct Prepared {
    digest_ok: bool,
    algorithm: SignatureAlgorithm,
    signed_info: Vec<u8>,
    signature: Vec<u8>,
}

fn prepare(
    doc: Doc,
    index: &Index,
    parent: &Element,
    sig: &Element,
    budget: &mut Budget,
) -> Result<Prepared, Outcome> {
    let malformed = |why: String| Outcome::Malformed { why };
    let signed_info = only_child(sig, "SignedInfo", "Signature")?;
    let c14n_element = only_child(signed_info, "CanonicalizationMethod", "SignedInfo")?;
    let signed_info_method = c14n_method(c14n_element, "canonicalization method")?;
    let sig_method = only_child(signed_info, "SignatureMethod", "SignedInfo")?;
    let algorithm = SignatureAlgorithm::from_uri(sig_method.attr("Algorithm").unwrap_or_default())
        .map_err(|what| Outcome::Unsupported { what })?;
    if sig_method.elements().next().is_some() {
        // HMACOutputLength and the like: only HMAC has parameters, and HMAC is refused.
        return Err(malformed("its SignatureMethod has parameters".into()));
    }
    let references: Vec<&Element> = signed_info.children_named(NS_DSIG, "Reference").collect();
    let [reference] = references.as_slice() else {
        return Err(malformed(format!(
            "it has {} References; a SAML signature has exactly one",
            references.len()
        )));
    };
    let uri = reference.attr("URI");
    let parent_id = parent.attr("ID").unwrap_or_default();
    let whole_document = std::ptr::eq(parent, doc.root) && uri == Some("");
    let refers_to_parent = match uri.and_then(|u| u.strip_prefix('#')) {
        Some(id) if id.starts_with("xpointer(") => {
            return Err(Outcome::Unsupported {
                what: format!("the XPointer reference `#{id}`"),
            })
        }
        Some(id) => !id.is_empty() && id == parent_id,
        None => whole_document,
    };
    if !refers_to_parent {
        return Err(malformed(match uri {
            None => "its Reference has no URI".into(),
            Some(u) => format!("its Reference URI `{u}` is not the ID of the element it is in (`{parent_id}`): it signs something else"),
        }));
    }
    let transforms: Vec<&Element> = reference
        .child(NS_DSIG, "Transforms")
        .into_iter()
        .flat_map(|t| t.elements())
        .collect();
    if transforms.len() > MAX_TRANSFORMS {
        return Err(malformed(format!(
            "its Reference has {} Transforms; saml-doctor accepts at most {MAX_TRANSFORMS}",
            transforms.len()
        )));
    }
    let mut method = None;
    let mut enveloped = false;
    for t in transforms {
        if !t.is(NS_DSIG, "Transform") {
            return Err(malformed(format!(
                "its Transforms holds a <{}> element",
                t.name
            )));
        }
        let alg = t.attr("Algorithm").unwrap_or_default();
        if alg == ENVELOPED {
            if enveloped || method.is_some() {
                return Err(Outcome::Unsupported {
                    what: "an enveloped-signature transform repeated or after canonicalization"
                        .into(),
                });
            }
            enveloped = true;
        } else if alg.is_empty() {
            return Err(malformed("a Transform has no Algorithm".into()));
        } else {
            let m = c14n_method(t, "transform")?;
            if method.is_some() {
                return Err(Outcome::Unsupported {
                    what: "a second canonicalization transform".into(),
                });
            }
            method = Some(m);
        }
    }
    if !enveloped {
        return Err(malformed(
            "its Reference lacks the enveloped-signature transform".into(),
        ));
    }
    let method = method.unwrap_or(Method::Inclusive {
        with_comments: false,
    });
    let digest_method = only_child(reference, "DigestMethod", "Reference")?;
    let digest_uri = digest_method.attr("Algorithm").unwrap_or_default();
    if digest_uri.is_empty() {
        return Err(malformed("its DigestMethod has no Algorithm".into()));
    }
    let digest_hash: Hash =
        Hash::from_digest_uri(digest_uri).ok_or_else(|| Outcome::Unsupported {
            what: unsupported_digest(digest_uri),
        })?;
    if digest_method.elements().next().is_some() {
        return Err(malformed("its DigestMethod has parameters".into()));
    }
    let expected = b64(&text_only(only_child(
        reference,
        "DigestValue",
        "Reference",
    )?)?)
    .ok_or_else(|| malformed("its DigestValue is empty or not base64".into()))?;
    let signature = b64(&text_only(only_child(sig, "SignatureValue", "Signature")?)?)
        .ok_or_else(|| malformed("its SignatureValue is empty or not base64".into()))?;
    expect_shape(
        sig,
        "Signature",
        &[
            ("SignedInfo", 1, 1),
            ("SignatureValue", 1, 1),
            ("KeyInfo", 0, 1),
            ("Object", 0, usize::MAX),
        ],
    )?;
    expect_shape(
        signed_info,
        "SignedInfo",
        &[
            ("CanonicalizationMethod", 1, 1),
            ("SignatureMethod", 1, 1),
            ("Reference", 1, 1),
        ],
    )?;
    expect_shape(
        reference,
        "Reference",
        &[
            ("Transforms", 0, 1),
            ("DigestMethod", 1, 1),
            ("DigestValue", 1, 1),
        ],
    )?;
    // Markup inside a certificate is read differently by other implementations: malformed.
    // Whether the text is a certificate matters only without the metadata (see check_one).
    if let Some(key_info) = sig.child(NS_DSIG, "KeyInfo") {
        for data in key_info.children_named(NS_DSIG, "X509Data") {
            for c in data.children_named(NS_DSIG, "X509Certificate") {
                text_only(c)?;
            }
        }
    }
    budget.spend(byte_size(parent))?;
    // A same-document reference selects a node-set without comments (XML-DSig 4.3.3.3), so a
    // #WithComments method still digests none.
    let canonical = if whole_document {
        c14n::canonicalize_document(
            doc.before_root,
            doc.root,
            doc.after_root,
            &method,
            Some(sig),
        )
    } else {
        c14n::canonicalize_in(
            index,
            &Subtree {
                apex: parent,
                exclude: Some(sig),
                drop_comments: true,
            },
            &method,
        )
    };
    let digest_ok = digest_hash.digest(&canonical) == expected;
    budget.spend(byte_size(signed_info))?;
    let signed_info_c14n = c14n::canonicalize_in(
        index,
        &Subtree {
            apex: signed_info,
            exclude: None,
            drop_comments: false,
        },
        &signed_info_method,
    );
    Ok(Prepared {
        digest_ok,
        algorithm,
        signed_info: signed_info_c14n,
        signature,
    })
}

/// Why a DigestMethod is refused. A name no specification defines is refused even when its
/// meaning looks plain (`xmlenc#sha1`): xmlsec1, Apache Santuario and .NET refuse it, so AWS's
/// verifier may; the standard name is given to fix it with.
fn unsupported_digest(uri: &str) -> String {
    let standard = match uri {
        "http://www.w3.org/2001/04/xmlenc#sha1" | "http://www.w3.org/2001/04/xmldsig-more#sha1" => {
            Some("http://www.w3.org/2000/09/xmldsig#sha1 (XML Signature 1.1, Message Digests)")
        }
        "http://www.w3.org/2001/04/xmlenc#sha384" | "http://www.w3.org/2000/09/xmldsig#sha384" => {
            Some("http://www.w3.org/2001/04/xmldsig-more#sha384 (RFC 6931, section 2.1.3)")
        }
        "http://www.w3.org/2000/09/xmldsig#sha256"
        | "http://www.w3.org/2001/04/xmldsig-more#sha256" => {
            Some("http://www.w3.org/2001/04/xmlenc#sha256 (XML Signature 1.1, Message Digests)")
        }
        "http://www.w3.org/2000/09/xmldsig#sha512"
        | "http://www.w3.org/2001/04/xmldsig-more#sha512" => {
            Some("http://www.w3.org/2001/04/xmlenc#sha512 (XML Signature 1.1, Message Digests)")
        }
        _ => None,
    };
    match standard {
        Some(name) => format!("the digest method {uri}, a name no specification defines for its digest; the standard one is {name}"),
        None => format!("the digest method {uri}, which saml-doctor does not implement (it implements SHA-1, SHA-256, SHA-384, SHA-512)"),
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;

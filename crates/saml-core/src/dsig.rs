//! XML-DSig verification of the enveloped signatures in a SAML Response, and the findings it
//! leads to (`signature_invalid`, `signing_cert_not_in_metadata`, `signing_cert_expired`,
//! `issuer_mismatch`).
//!
//! Fails closed. Every `ds:Signature` anywhere in the message must verify, or the message is
//! rejected; an algorithm, transform or shape this module does not implement is a rejection
//! naming it, never a skipped check. A signature counts only for the element it is enveloped in,
//! by that element's ID (no reference to another ID; `URI=""` only for the document element);
//! IDs must be unique; every Assertion directly in the Response (the ones the rules and the
//! report read) must be covered by a signature, and the facts shown are read from one that a
//! verified signature covers. Work is bounded: signatures, transforms, inclusive prefixes and
//! canonicalized bytes have hard limits, above which the message is rejected.

use std::collections::HashSet;

use base64::Engine;
use serde::Serialize;

use crate::c14n::{self, Index, Method, Subtree};
use crate::cert::{CertError, Certificate, Hash, SignatureAlgorithm};
use crate::check::Check;
use crate::code::Code;
use crate::finding::Finding;
use crate::metadata::Metadata;
use crate::model::{NS_ASSERTION, NS_DSIG, NS_PROTOCOL};
use crate::time::AsOf;
use crate::xml::{Document, Element, Node};

const NS_EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// How early before a certificate's notAfter it is reported.
const EXPIRY_WARNING_MILLIS: i64 = 30 * 86_400 * 1000;

/// Hard limits on the work a message can ask for. A SAML Response carries one or two
/// signatures, each with one Reference and two Transforms.
pub const MAX_SIGNATURES: usize = 32;
pub const MAX_TRANSFORMS: usize = 4;
pub const MAX_INCLUSIVE_PREFIXES: usize = 64;
/// Canonicalized bytes over all signatures, beyond a multiple of the input size.
const WORK_FACTOR: usize = 4;
const WORK_BASE: usize = 1 << 20;

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

/// Everything signature verification concluded about a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub findings: Vec<Finding>,
    /// One line for the report's facts; `None` when the message has no signature.
    pub summary: Option<String>,
    pub checked: Vec<Checked>,
    /// The Response element is covered by a signature that verified.
    pub response_verified: bool,
    /// For each Assertion directly in the Response: covered by a signature that verified with
    /// a trusted (metadata) certificate.
    pub assertions_verified: Vec<bool>,
    /// For each Assertion directly in the Response: covered by a signature that verified with
    /// any key, the one it carries included (integrity, not trust).
    pub assertions_intact: Vec<bool>,
}

impl Verdict {
    /// The Assertion (among the Response's children) the report should read facts from: the
    /// first one a trusted signature covers, else the first one an intact signature covers,
    /// else the first.
    pub fn read_assertion(&self) -> usize {
        self.assertions_verified
            .iter()
            .position(|v| *v)
            .or_else(|| self.assertions_intact.iter().position(|v| *v))
            .unwrap_or(0)
    }
}

/// A document as the verifier sees it: the root and the processing instructions around it.
#[derive(Clone, Copy)]
pub struct Doc<'a> {
    pub before_root: &'a [Node],
    pub root: &'a Element,
    pub after_root: &'a [Node],
}

impl<'a> Doc<'a> {
    pub fn of(document: &'a Document) -> Self {
        Self {
            before_root: &document.before_root,
            root: &document.root,
            after_root: &document.after_root,
        }
    }

    pub fn root_only(root: &'a Element) -> Self {
        Self {
            before_root: &[],
            root,
            after_root: &[],
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
fn trusted_certificates(m: &Metadata) -> Vec<Certificate> {
    m.signing_certificates
        .iter()
        .filter_map(|c| Certificate::from_base64(c).ok())
        .collect()
}

/// Every `ds:Signature` element in the document.
fn signatures(root: &Element) -> Vec<&Element> {
    std::iter::once(root)
        .chain(root.descendants())
        .filter(|e| e.is(NS_DSIG, "Signature"))
        .collect()
}

/// Checks every signature; `Err(count)` when there are more than [`MAX_SIGNATURES`].
fn verify_all(
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
            check_one(doc, index, parent, sig, target, trusted, &mut budget)
        })
        .collect())
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
fn path_of(index: &Index, e: &Element) -> String {
    let mut names: Vec<&str> = index.ancestors(e).map(|a| a.local.as_str()).collect();
    names.reverse();
    names.push(&e.local);
    format!("/{}", names.join("/"))
}

/// The text of an element that XML-DSig defines as text only (SignatureValue, DigestValue,
/// X509Certificate): a child element, comment or processing instruction is refused, since
/// another implementation reads that content differently.
fn text_only(e: &Element) -> Result<String, Outcome> {
    if e.children.iter().any(|c| !matches!(c, Node::Text(_))) {
        return Err(Outcome::Malformed {
            why: format!(
                "its {} holds markup where XML-DSig allows only text",
                e.local
            ),
        });
    }
    Ok(e.text())
}

fn b64(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if clean.is_empty() {
        return None;
    }
    base64::engine::general_purpose::STANDARD.decode(clean).ok()
}

fn inclusive_prefixes(method_element: &Element) -> Result<Vec<String>, Outcome> {
    let list: Vec<String> = method_element
        .child(NS_EXC, "InclusiveNamespaces")
        .and_then(|i| i.attr("PrefixList"))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if list.len() > MAX_INCLUSIVE_PREFIXES {
        return Err(Outcome::Malformed {
            why: format!(
                "its InclusiveNamespaces PrefixList names {} prefixes; saml-doctor accepts at most {MAX_INCLUSIVE_PREFIXES}",
                list.len()
            ),
        });
    }
    Ok(list)
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
    let (embedded, embedded_error) = match embedded_b64.as_deref().map(Certificate::from_base64) {
        Some(Ok(c)) => (Some(c), None),
        Some(Err(e)) => (None, Some(e.to_string())),
        None => (None, None),
    };
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

/// The one element named `local` among `parent`'s children: none or several is malformed.
fn only_child<'a>(
    parent: &'a Element,
    local: &'static str,
    owner: &str,
) -> Result<&'a Element, Outcome> {
    let mut found = parent.children_named(NS_DSIG, local);
    match (found.next(), found.next()) {
        (Some(e), None) => Ok(e),
        (None, _) => Err(Outcome::Malformed {
            why: format!("its {owner} has no {local}"),
        }),
        (Some(_), Some(_)) => Err(Outcome::Malformed {
            why: format!("its {owner} has more than one {local}"),
        }),
    }
}

/// Checks that `parent`'s child elements are, in order, the XML-DSig elements `shape` lists
/// with their allowed counts (XML-DSig's schema): anything else is malformed, since another
/// implementation may read it (xmlsec1 refuses it).
fn expect_shape(
    parent: &Element,
    owner: &str,
    shape: &[(&str, usize, usize)],
) -> Result<(), Outcome> {
    let mut children = parent.elements().peekable();
    for (local, min, max) in shape {
        let mut n = 0;
        while children.peek().is_some_and(|c| c.is(NS_DSIG, local)) {
            children.next();
            n += 1;
        }
        if n < *min || n > *max {
            return Err(Outcome::Malformed {
                why: format!("its {owner} has {n} {local} elements where XML-DSig allows {min} to {max} at that place"),
            });
        }
    }
    match children.next() {
        Some(extra) => Err(Outcome::Malformed {
            why: format!(
                "its {owner} holds <{}> where XML-DSig allows none",
                extra.name
            ),
        }),
        None => Ok(()),
    }
}

fn c14n_method(element: &Element, what: &str) -> Result<Method, Outcome> {
    let uri = element.attr("Algorithm").unwrap_or_default();
    if uri.is_empty() {
        return Err(Outcome::Malformed {
            why: format!("its {what} has no Algorithm"),
        });
    }
    Method::from_uri(uri, inclusive_prefixes(element)?).ok_or_else(|| Outcome::Unsupported {
        what: format!("the {what} {uri}, which saml-doctor does not implement (it implements Canonical XML 1.0 and Exclusive XML Canonicalization 1.0, with and without comments)"),
    })
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
    let digest_hash: Hash = Hash::from_digest_uri(digest_uri).ok_or_else(|| Outcome::Unsupported {
        what: format!("the digest method {digest_uri}, which saml-doctor does not implement (it implements SHA-1, SHA-256, SHA-384, SHA-512)"),
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
    if let Some(key_info) = sig.child(NS_DSIG, "KeyInfo") {
        for data in key_info.children_named(NS_DSIG, "X509Data") {
            for c in data.children_named(NS_DSIG, "X509Certificate") {
                if let Err(e) = Certificate::from_base64(&text_only(c)?) {
                    return Err(malformed(format!(
                        "its KeyInfo holds an X509Certificate that is not one ({e})"
                    )));
                }
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

/// IDs that occur more than once in the document (a signature-wrapping pattern).
pub fn duplicate_ids(root: &Element) -> Vec<String> {
    let mut seen = std::collections::HashMap::new();
    for e in std::iter::once(root).chain(root.descendants()) {
        if let Some(id) = e.attr("ID") {
            *seen.entry(id.to_owned()).or_insert(0) += 1;
        }
    }
    let mut dups: Vec<String> = seen
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id)
        .collect();
    dups.sort();
    dups
}

/// The findings of signature verification, and a one-line summary for the report's facts.
pub fn check(
    root: &Element,
    metadata: Option<&Metadata>,
    as_of: &AsOf,
) -> (Vec<Finding>, Option<String>) {
    let v = check_document(Doc::root_only(root), metadata, as_of);
    (v.findings, v.summary)
}

fn issuer_findings(root: &Element, m: &Metadata) -> Vec<Finding> {
    let issuers: Vec<(String, String)> = std::iter::once((
        "/Response/Issuer".to_owned(),
        root.child(NS_ASSERTION, "Issuer"),
    ))
    .chain(root.children_named(NS_ASSERTION, "Assertion").map(|a| {
        (
            "/Response/Assertion/Issuer".to_owned(),
            a.child(NS_ASSERTION, "Issuer"),
        )
    }))
    .filter_map(|(p, e)| e.map(|e| (p, e.text().trim().to_owned())))
    .collect();
    issuers
        .into_iter()
        .filter(|(_, i)| *i != m.entity_id)
        .map(|(path, issuer)| {
            Finding::new(
                Code::IssuerMismatch,
                format!(
                    "{path} is `{issuer}`, but the metadata's entityID is `{}`",
                    m.entity_id
                ),
            )
            .with("issuer", issuer)
            .with("entity_id", m.entity_id.clone())
        })
        .collect()
}

/// Verifies every signature of a parsed document and says what the report may show as signed.
pub fn check_document(doc: Doc, metadata: Option<&Metadata>, as_of: &AsOf) -> Verdict {
    let root = doc.root;
    let mut findings = Vec::new();
    if let Some(m) = metadata {
        findings.extend(issuer_findings(root, m));
    }
    for id in duplicate_ids(root) {
        findings.push(
            Finding::new(Code::SignatureInvalid, format!("the ID `{id}` is used by more than one element: a signature cannot say which it covers (a signature-wrapping pattern)"))
                .with("duplicate_id", id),
        );
    }
    let assertions: Vec<&Element> = root.children_named(NS_ASSERTION, "Assertion").collect();
    let encrypted = root
        .children_named(NS_ASSERTION, "EncryptedAssertion")
        .count();
    if assertions.len() + encrypted > 1 && root.is(NS_PROTOCOL, "Response") {
        let encrypted_note = match encrypted {
            0 => String::new(),
            n => format!(" ({n} of them encrypted, covered by nothing saml-doctor can verify)"),
        };
        findings.push(
            Finding::new(
                Code::SignatureInvalid,
                format!(
                    "/Response holds {} Assertion elements{encrypted_note}: an identity provider sends one, and which of them AWS would read is not something a report can promise (python3-saml and others reject more than one; a classic signature-wrapping shape)",
                    assertions.len() + encrypted
                ),
            )
            .with("assertions", (assertions.len() + encrypted).to_string()),
        );
    }
    let index = Index::new(root);
    let trusted = metadata.map(trusted_certificates);
    let checked = match verify_all(doc, &index, trusted.as_deref()) {
        Ok(c) => c,
        Err(count) => {
            findings.push(
                Finding::new(
                    Code::SignatureInvalid,
                    format!("the message holds {count} ds:Signature elements; saml-doctor verifies at most {MAX_SIGNATURES} (a SAML Response has one or two), so none is trusted"),
                )
                .with("signatures", count.to_string())
                .with("limit", MAX_SIGNATURES.to_string()),
            );
            return Verdict {
                findings,
                summary: Some(format!(
                    "NOT verified: {count} signatures, over the limit of {MAX_SIGNATURES}"
                )),
                checked: Vec::new(),
                response_verified: false,
                assertions_verified: vec![false; assertions.len()],
                assertions_intact: vec![false; assertions.len()],
            };
        }
    };
    if checked.is_empty() {
        // signature_missing is the offline rules' to report.
        return Verdict {
            findings,
            summary: None,
            checked,
            response_verified: false,
            assertions_verified: vec![false; assertions.len()],
            assertions_intact: vec![false; assertions.len()],
        };
    }
    let with = if metadata.is_some() {
        "the metadata's certificates"
    } else {
        "the certificate it carries"
    };
    for c in &checked {
        findings.extend(outcome_finding(
            c,
            metadata,
            trusted.as_deref(),
            as_of,
            with,
        ));
    }
    // Coverage: a signature covers the element it is enveloped in, and so its descendants.
    let sigs = signatures(root);
    // Only a key from the metadata makes a signature trusted: without metadata, a signature
    // that verifies with the certificate it carries proves integrity, never who signed.
    let is_trusted = |o: &Outcome| {
        matches!(
            o,
            Outcome::Valid {
                from_metadata: true,
                ..
            }
        )
    };
    let signed_roots: Vec<(&Element, bool, bool)> = sigs
        .iter()
        .zip(&checked)
        .filter_map(|(s, c)| {
            index.parent(s).map(|p| {
                (
                    p,
                    is_trusted(&c.outcome),
                    matches!(c.outcome, Outcome::Valid { .. }),
                )
            })
        })
        .collect();
    let verified: HashSet<*const Element> = signed_roots
        .iter()
        .filter(|(_, trusted, _)| *trusted)
        .map(|(p, _, _)| *p as *const Element)
        .collect();
    let intact: HashSet<*const Element> = signed_roots
        .iter()
        .filter(|(_, _, valid)| *valid)
        .map(|(p, _, _)| *p as *const Element)
        .collect();
    let any_signature: HashSet<*const Element> = signed_roots
        .iter()
        .map(|(p, _, _)| *p as *const Element)
        .collect();
    let covered_by = |set: &HashSet<*const Element>, e: &Element| {
        set.contains(&(e as *const Element))
            || index
                .ancestors(e)
                .any(|a| set.contains(&(a as *const Element)))
    };
    let response_verified = verified.contains(&(root as *const Element));
    let assertions_verified: Vec<bool> = assertions
        .iter()
        .map(|a| covered_by(&verified, a))
        .collect();
    let assertions_intact: Vec<bool> = assertions.iter().map(|a| covered_by(&intact, a)).collect();
    for a in &assertions {
        if !covered_by(&any_signature, a) {
            let elsewhere: Vec<String> = sigs
                .iter()
                .zip(&checked)
                .filter(|(_, c)| c.target == Target::Other)
                .map(|(s, _)| {
                    index
                        .parent(s)
                        .map(|p| path_of(&index, p))
                        .unwrap_or_default()
                })
                .collect();
            let wrapped = if elsewhere.is_empty() {
                String::new()
            } else {
                format!(
                    "; signed elements sit elsewhere ({}): a signature-wrapping attack",
                    elsewhere.join(", ")
                )
            };
            findings.push(
                Finding::new(
                    Code::SignatureInvalid,
                    format!(
                        "the Assertion with ID `{}` is not covered by any valid signature, while {} signature{} in the message: AWS would not accept it{wrapped}",
                        a.attr("ID").unwrap_or("?"),
                        checked.len(),
                        if checked.len() == 1 { " is" } else { "s are" }
                    ),
                )
                .with("assertion_id", a.attr("ID").unwrap_or_default()),
            );
        }
    }
    if metadata.is_none()
        && checked
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Valid { .. }))
    {
        findings.push(Finding::skipped(
            Check::SigningCertificateTrust,
            "the signature verifies with the certificate the response carries; whether AWS trusts that certificate needs the identity provider's metadata: pass --metadata FederationMetadata.xml",
        ));
    }
    let mut verdict = Verdict {
        findings,
        summary: None,
        checked,
        response_verified,
        assertions_verified,
        assertions_intact,
    };
    verdict.summary = summary_of(&verdict, assertions.len());
    verdict
}

fn outcome_finding(
    c: &Checked,
    metadata: Option<&Metadata>,
    trusted: Option<&[Certificate]>,
    as_of: &AsOf,
    with: &str,
) -> Option<Finding> {
    let invalid = |detail: String| {
        Some(Finding::new(Code::SignatureInvalid, detail).with("path", c.path.clone()))
    };
    match &c.outcome {
        Outcome::Valid { certificate, .. } => {
            let left = certificate.not_after.millis_since(as_of.instant);
            if left >= EXPIRY_WARNING_MILLIS {
                return None;
            }
            let when = if left <= 0 {
                format!("expired on {}", certificate.not_after)
            } else {
                format!(
                    "expires on {}, {} after {}",
                    certificate.not_after,
                    crate::time::human_duration(left),
                    as_of.describe()
                )
            };
            Some(
                Finding::new(
                    Code::SigningCertExpired,
                    format!("{}: the signing certificate {} {when}", c.path, certificate.subject),
                )
                .with("not_after", certificate.not_after.to_string())
                .with("sha256_fingerprint", certificate.sha256_fingerprint.clone()),
            )
        }
        Outcome::DigestMismatch => invalid(format!(
            "{}: the digest of the signed element does not match: it was changed after it was signed",
            c.path
        )),
        Outcome::BadSignature => {
            let embedded_in_metadata = c
                .embedded
                .as_ref()
                .is_some_and(|e| trusted.unwrap_or_default().iter().any(|x| x.der() == e.der()));
            match (&c.embedded, metadata) {
                (Some(e), Some(m)) if !embedded_in_metadata => {
                    let fingerprints: Vec<&str> = trusted
                        .unwrap_or_default()
                        .iter()
                        .map(|x| x.sha256_fingerprint.as_str())
                        .collect();
                    Some(
                        Finding::new(
                            Code::SigningCertNotInMetadata,
                            format!(
                                "{}: signed by {}, which is not among the {} certificate{} of the metadata of {}{}",
                                c.path,
                                e.describe(),
                                m.signing_certificates.len(),
                                if m.signing_certificates.len() == 1 { "" } else { "s" },
                                m.entity_id,
                                if c.verifies_with_embedded { "; the response itself is intact (it verifies with that certificate): the identity provider rotated its key" } else { "" }
                            ),
                        )
                        .with("signing_certificate_sha256", e.sha256_fingerprint.clone())
                        .with("signing_certificate_subject", e.subject.clone())
                        .with("metadata_certificates_sha256", fingerprints.join(" ")),
                    )
                }
                _ => invalid(format!(
                    "{}: the signature value does not verify with {with}: the signed content was altered or the key is wrong",
                    c.path
                )),
            }
        }
        Outcome::WeakKey { what } => invalid(format!("{}: {what}", c.path)),
        Outcome::Unsupported { what } => invalid(format!(
            "{}: uses {what}; a signature saml-doctor cannot fully verify is rejected, as AWS may reject it",
            c.path
        )),
        Outcome::Malformed { why } => invalid(format!("{}: {why}", c.path)),
        Outcome::NoKey => Some(Finding::skipped(
            Check::SignatureVerification,
            format!(
                "{}: carries no certificate; pass --metadata with the identity provider's metadata",
                c.path
            ),
        )),
    }
}

/// The one-line summary for the report's facts: first whether the facts shown are covered by a
/// verified signature, then each signature's outcome.
fn summary_of(v: &Verdict, assertions: usize) -> Option<String> {
    let parts = summary(&v.checked)?;
    let read = v.read_assertion();
    let intact = v.assertions_intact.get(read).copied().unwrap_or(false);
    let lead = match (assertions, v.assertions_verified.get(read).copied()) {
        (0, _) if v.response_verified => "the response shown is covered by a valid signature",
        (0, _) => "NOT verified: no verified signature covers the response",
        (_, Some(true)) => "the assertion shown is covered by a valid signature",
        _ if intact => "NOT verified against a trusted certificate (pass --metadata): the assertion shown is intact",
        _ => "NOT verified: the assertion shown is not covered by a verified signature",
    };
    Some(format!("{lead}: {parts}"))
}

/// A one-line summary of each signature's outcome.
pub fn summary(checked: &[Checked]) -> Option<String> {
    let parts: Vec<String> = checked
        .iter()
        .map(|c| {
            let what = match c.target {
                Target::Response => "response".to_owned(),
                Target::Assertion(_) => "assertion".to_owned(),
                Target::Other => c.path.trim_end_matches("/Signature").to_owned(),
            };
            match &c.outcome {
                Outcome::Valid { certificate, from_metadata: true } => format!("{what} verified with the metadata's certificate {}", certificate.sha256_fingerprint),
                Outcome::Valid { certificate, from_metadata: false } => format!("{what} intact (verified with its own certificate {}; trust not checked)", certificate.sha256_fingerprint),
                Outcome::DigestMismatch => format!("{what} ALTERED after signing"),
                Outcome::BadSignature if c.verifies_with_embedded => format!("{what} signed by a key the metadata does not hold (the response itself is intact)"),
                Outcome::BadSignature => format!("{what} signature does NOT verify"),
                Outcome::WeakKey { .. } => format!("{what} signed with a key too weak to verify with"),
                Outcome::Unsupported { what: w } => format!("{what} signature REJECTED ({})", w.split(", which").next().unwrap_or(w)),
                Outcome::Malformed { why } => format!("{what} signature REJECTED as malformed ({why})"),
                Outcome::NoKey => format!("{what} not verified (no certificate)"),
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
#[path = "dsig_tests.rs"]
mod tests;

//! XML-DSig verification of the enveloped signatures on a SAML Response and its Assertions,
//! and the findings it leads to (`signature_invalid`, `signing_cert_not_in_metadata`,
//! `signing_cert_expired`, `issuer_mismatch`).
//!
//! Guarded against the known attacks: a signature counts only for the element it is enveloped
//! in, by that element's ID (no reference to another ID, no empty reference but for the
//! document element); IDs must be unique in the document; every assertion the rules read must be
//! covered by a verified signature (its own or the Response's), so a wrapped, unsigned assertion
//! next to a signed one is refused; NameID text is read whole, comments included, as it was
//! signed.

use base64::Engine;
use serde::Serialize;

use crate::c14n::{self, Method};
use crate::cert::{Certificate, Hash};
use crate::finding::{Code, Finding};
use crate::metadata::Metadata;
use crate::model::{NS_ASSERTION, NS_DSIG};
use crate::time::AsOf;
use crate::xml::Element;

const NS_EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// How early before a certificate's notAfter it is reported.
const EXPIRY_WARNING_MILLIS: i64 = 30 * 86_400 * 1000;

/// What a signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Response,
    /// The Assertion at this position among the Response's Assertion children.
    Assertion(usize),
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
    pub path: String,
    pub target: Target,
    /// The certificate the signature carries in KeyInfo, when it has a readable one.
    pub embedded: Option<Certificate>,
    pub embedded_error: Option<String>,
    /// Whether the signature verifies with its embedded certificate (checked when the
    /// metadata's keys fail, to tell a rotated key from a tampered response).
    pub verifies_with_embedded: bool,
    pub outcome: Outcome,
}

/// The signatures of a Response: the Response's own, then each Assertion's.
pub fn verify(root: &Element, metadata: Option<&Metadata>) -> Vec<Checked> {
    verify_with(root, metadata.map(trusted_certificates).as_deref())
}

/// The metadata's signing certificates that parse.
fn trusted_certificates(m: &Metadata) -> Vec<Certificate> {
    m.signing_certificates
        .iter()
        .filter_map(|c| Certificate::from_base64(c).ok())
        .collect()
}

/// [`verify`] with the metadata's certificates already parsed (`None`: no metadata given).
fn verify_with(root: &Element, trusted: Option<&[Certificate]>) -> Vec<Checked> {
    let mut out = Vec::new();
    if let Some(sig) = root.child(NS_DSIG, "Signature") {
        out.push(check_one(
            root,
            root,
            sig,
            "/Response/Signature".into(),
            Target::Response,
            trusted,
        ));
    }
    let assertions: Vec<&Element> = root.children_named(NS_ASSERTION, "Assertion").collect();
    let several = assertions.len() > 1;
    for (i, a) in assertions.iter().enumerate() {
        if let Some(sig) = a.child(NS_DSIG, "Signature") {
            let path = if several {
                format!("/Response/Assertion[{}]/Signature", i + 1)
            } else {
                "/Response/Assertion/Signature".into()
            };
            out.push(check_one(root, a, sig, path, Target::Assertion(i), trusted));
        }
    }
    out
}

fn b64(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(clean).ok()
}

fn inclusive_prefixes(method_element: &Element) -> Vec<String> {
    method_element
        .child(NS_EXC, "InclusiveNamespaces")
        .and_then(|i| i.attr("PrefixList"))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn check_one(
    root: &Element,
    parent: &Element,
    sig: &Element,
    path: String,
    target: Target,
    trusted: Option<&[Certificate]>,
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
        path,
        target,
        embedded,
        embedded_error,
        verifies_with_embedded: false,
        outcome: Outcome::NoKey,
    };
    let prepared = match prepare(root, parent, sig) {
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
        cert.verify(prepared.hash, &prepared.signed_info, &prepared.signature)
            .unwrap_or(false)
    };
    if let Some(e) = &checked.embedded {
        checked.verifies_with_embedded = verifies(e);
    }
    checked.outcome = match trusted {
        Some(certs) => match certs.iter().find(|c| verifies(c)) {
            Some(c) => Outcome::Valid {
                certificate: Box::new(c.clone()),
                from_metadata: true,
            },
            None => Outcome::BadSignature,
        },
        None => match &checked.embedded {
            Some(e) if checked.verifies_with_embedded => Outcome::Valid {
                certificate: Box::new(e.clone()),
                from_metadata: false,
            },
            Some(_) => Outcome::BadSignature,
            None => Outcome::NoKey,
        },
    };
    checked
}

struct Prepared {
    digest_ok: bool,
    hash: Hash,
    signed_info: Vec<u8>,
    signature: Vec<u8>,
}

fn prepare(root: &Element, parent: &Element, sig: &Element) -> Result<Prepared, Outcome> {
    let malformed = |why: &str| Outcome::Malformed {
        why: why.to_owned(),
    };
    let unsupported = |what: String| Outcome::Unsupported { what };
    let signed_info = sig
        .child(NS_DSIG, "SignedInfo")
        .ok_or_else(|| malformed("it has no SignedInfo"))?;
    let c14n_element = signed_info
        .child(NS_DSIG, "CanonicalizationMethod")
        .ok_or_else(|| malformed("it has no CanonicalizationMethod"))?;
    let c14n_uri = c14n_element.attr("Algorithm").unwrap_or_default();
    let c14n_method = Method::from_uri(c14n_uri, inclusive_prefixes(c14n_element))
        .ok_or_else(|| unsupported(format!("the canonicalization method {c14n_uri}")))?;
    let sig_uri = signed_info
        .child(NS_DSIG, "SignatureMethod")
        .and_then(|m| m.attr("Algorithm"))
        .unwrap_or_default();
    if !sig_uri.contains("rsa-") {
        return Err(unsupported(format!(
            "the signature method {sig_uri} (only RSA is verified)"
        )));
    }
    let hash = Hash::from_uri(sig_uri)
        .ok_or_else(|| unsupported(format!("the signature method {sig_uri}")))?;
    let references: Vec<&Element> = signed_info.children_named(NS_DSIG, "Reference").collect();
    let [reference] = references.as_slice() else {
        return Err(malformed(&format!(
            "it has {} References; a SAML signature has exactly one",
            references.len()
        )));
    };
    let uri = reference.attr("URI").unwrap_or_default();
    let parent_id = parent.attr("ID").unwrap_or_default();
    let refers_to_parent = match uri.strip_prefix('#') {
        Some(id) => !id.is_empty() && id == parent_id,
        None => uri.is_empty() && std::ptr::eq(root, parent),
    };
    if !refers_to_parent {
        return Err(malformed(&format!("its Reference URI `{uri}` is not the ID of the element it is in (`{parent_id}`): it signs something else")));
    }
    let mut method = None;
    let mut enveloped = false;
    for t in reference
        .child(NS_DSIG, "Transforms")
        .into_iter()
        .flat_map(|t| t.children_named(NS_DSIG, "Transform"))
    {
        let alg = t.attr("Algorithm").unwrap_or_default();
        if alg == ENVELOPED {
            enveloped = true;
        } else if let Some(m) = Method::from_uri(alg, inclusive_prefixes(t)) {
            method = Some(m);
        } else {
            return Err(unsupported(format!("the transform {alg}")));
        }
    }
    if !enveloped {
        return Err(malformed(
            "its Reference lacks the enveloped-signature transform",
        ));
    }
    let method = method.unwrap_or(Method::Inclusive {
        with_comments: false,
    });
    let digest_uri = reference
        .child(NS_DSIG, "DigestMethod")
        .and_then(|d| d.attr("Algorithm"))
        .unwrap_or_default();
    let digest_hash = Hash::from_uri(digest_uri)
        .ok_or_else(|| unsupported(format!("the digest method {digest_uri}")))?;
    let expected = reference
        .child(NS_DSIG, "DigestValue")
        .and_then(|d| b64(&d.text()))
        .ok_or_else(|| malformed("its DigestValue is not base64"))?;
    let parent_scope = c14n::scope_of(root, parent).unwrap_or_default();
    let canonical = c14n::canonicalize(parent, &parent_scope, &method, Some(sig));
    let digest_ok = digest_hash.digest(&canonical) == expected;
    let info_scope = c14n::scope_of(root, signed_info).unwrap_or_default();
    let signed_info_c14n = c14n::canonicalize(signed_info, &info_scope, &c14n_method, None);
    let signature = sig
        .child(NS_DSIG, "SignatureValue")
        .and_then(|v| b64(&v.text()))
        .ok_or_else(|| malformed("its SignatureValue is not base64"))?;
    Ok(Prepared {
        digest_ok,
        hash,
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
    let mut findings = Vec::new();
    if let Some(m) = metadata {
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
        for (path, issuer) in issuers.iter().filter(|(_, i)| *i != m.entity_id) {
            findings.push(
                Finding::new(
                    Code::IssuerMismatch,
                    format!(
                        "{path} is `{issuer}`, but the metadata's entityID is `{}`",
                        m.entity_id
                    ),
                )
                .with("issuer", issuer.clone())
                .with("entity_id", m.entity_id.clone()),
            );
        }
    }
    // A signed Assertion anywhere but where the rules read (wrapped into Extensions, say).
    let read_ids: Vec<&str> = std::iter::once(root)
        .chain(root.children_named(NS_ASSERTION, "Assertion"))
        .filter_map(|e| e.attr("ID"))
        .collect();
    for e in root.descendants() {
        if e.is(NS_ASSERTION, "Assertion")
            && e.child(NS_DSIG, "Signature").is_some()
            && e.attr("ID").is_some_and(|id| !read_ids.contains(&id))
        {
            findings.push(
                Finding::new(
                    Code::SignatureInvalid,
                    format!(
                        "a signed Assertion (ID `{}`) sits inside <{}>, not among the Response's own assertions, while an unsigned one is read instead: a signature-wrapping attack",
                        e.attr("ID").unwrap_or("?"),
                        parent_name(root, e)
                    ),
                )
                .with("assertion_id", e.attr("ID").unwrap_or_default()),
            );
        }
    }
    let trusted = metadata.map(trusted_certificates);
    let checked = verify_with(root, trusted.as_deref());
    if checked.is_empty() {
        return (findings, None); // signature_missing is the offline rules' to report
    }
    for id in duplicate_ids(root) {
        findings.push(
            Finding::new(Code::SignatureInvalid, format!("the ID `{id}` is used by more than one element: a signature cannot say which it covers (a signature-wrapping pattern)"))
                .with("duplicate_id", id),
        );
    }
    let verified_any = checked
        .iter()
        .any(|c| !matches!(c.outcome, Outcome::NoKey | Outcome::Unsupported { .. }));
    for c in &checked {
        let with = if metadata.is_some() {
            "the metadata's certificates"
        } else {
            "the certificate it carries"
        };
        match &c.outcome {
            Outcome::Valid { certificate, .. } => {
                let left = certificate.not_after.millis_since(as_of.instant);
                if left < EXPIRY_WARNING_MILLIS {
                    let when = if left <= 0 {
                        format!("expired on {}", certificate.not_after)
                    } else {
                        format!("expires on {}, {} after {}", certificate.not_after, crate::time::human_duration(left), as_of.describe())
                    };
                    findings.push(
                        Finding::new(Code::SigningCertExpired, format!("{}: the signing certificate {} {when}", c.path, certificate.subject))
                            .with("not_after", certificate.not_after.to_string())
                            .with("sha256_fingerprint", certificate.sha256_fingerprint.clone()),
                    );
                }
            }
            Outcome::DigestMismatch => findings.push(
                Finding::new(Code::SignatureInvalid, format!("{}: the digest of the signed element does not match: it was changed after it was signed", c.path)).with("path", c.path.clone()),
            ),
            Outcome::BadSignature => {
                let embedded_in_metadata =
                    c.embedded.as_ref().is_some_and(|e| trusted.iter().flatten().any(|x| x.der() == e.der()));
                match (&c.embedded, metadata) {
                    (Some(e), Some(m)) if !embedded_in_metadata => {
                        let mut f = Finding::new(
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
                        .with("signing_certificate_subject", e.subject.clone());
                        let fingerprints: Vec<&str> = trusted.iter().flatten().map(|x| x.sha256_fingerprint.as_str()).collect();
                        f = f.with("metadata_certificates_sha256", fingerprints.join(" "));
                        findings.push(f);
                    }
                    _ => findings.push(
                        Finding::new(Code::SignatureInvalid, format!("{}: the signature value does not verify with {with}: the signed content was altered or the key is wrong", c.path))
                            .with("path", c.path.clone()),
                    ),
                }
            }
            Outcome::Malformed { why } => findings.push(Finding::new(Code::SignatureInvalid, format!("{}: {why}", c.path)).with("path", c.path.clone())),
            Outcome::Unsupported { what } => findings.push(Finding::skipped("signature verification", format!("{}: uses {what}, which saml-doctor does not verify", c.path))),
            Outcome::NoKey => findings.push(Finding::skipped("signature verification", format!("{}: carries no certificate; pass --metadata with the identity provider's metadata", c.path))),
        }
    }
    // Every assertion the rules read must be covered by a verified signature.
    if verified_any {
        let response_valid = checked
            .iter()
            .any(|c| c.target == Target::Response && matches!(c.outcome, Outcome::Valid { .. }));
        for (i, a) in root.children_named(NS_ASSERTION, "Assertion").enumerate() {
            let own_valid = checked.iter().any(|c| {
                c.target == Target::Assertion(i) && matches!(c.outcome, Outcome::Valid { .. })
            });
            if !response_valid
                && !own_valid
                && !checked.iter().any(|c| c.target == Target::Assertion(i))
            {
                findings.push(
                    Finding::new(
                        Code::SignatureInvalid,
                        format!(
                            "the Assertion with ID `{}` is not covered by any valid signature, while {} signature{} elsewhere: AWS would not accept it (a signature-wrapping pattern)",
                            a.attr("ID").unwrap_or("?"),
                            checked.len(),
                            if checked.len() == 1 { " is" } else { "s are" }
                        ),
                    )
                    .with("assertion_id", a.attr("ID").unwrap_or_default()),
                );
            }
        }
    }
    if metadata.is_none()
        && checked
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Valid { .. }))
    {
        findings.push(Finding::skipped(
            "signing certificate trust",
            "the signature verifies with the certificate the response carries; whether AWS trusts that certificate needs the identity provider's metadata: pass --metadata FederationMetadata.xml",
        ));
    }
    (findings, summary(&checked))
}

fn parent_name(root: &Element, target: &Element) -> String {
    fn walk<'a>(e: &'a Element, target: &Element) -> Option<&'a Element> {
        for c in e.elements() {
            if std::ptr::eq(c, target) {
                return Some(e);
            }
            if let Some(p) = walk(c, target) {
                return Some(p);
            }
        }
        None
    }
    walk(root, target)
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

/// A one-line summary of the verification, for the report's facts.
pub fn summary(checked: &[Checked]) -> Option<String> {
    let parts: Vec<String> = checked
        .iter()
        .map(|c| {
            let what = match c.target {
                Target::Response => "response".to_owned(),
                Target::Assertion(_) => "assertion".to_owned(),
            };
            match &c.outcome {
                Outcome::Valid { certificate, from_metadata: true } => format!("{what} verified with the metadata's certificate {}", certificate.sha256_fingerprint),
                Outcome::Valid { certificate, from_metadata: false } => format!("{what} intact (verified with its own certificate {}; trust not checked)", certificate.sha256_fingerprint),
                Outcome::DigestMismatch => format!("{what} ALTERED after signing"),
                Outcome::BadSignature if c.verifies_with_embedded => format!("{what} signed by a key the metadata does not hold (the response itself is intact)"),
                Outcome::BadSignature => format!("{what} signature does NOT verify"),
                Outcome::Unsupported { what: w } => format!("{what} not verified ({w})"),
                Outcome::Malformed { why } => format!("{what} signature malformed ({why})"),
                Outcome::NoKey => format!("{what} not verified (no certificate)"),
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

//! The verdict policy: what the engine's outcomes mean for the message. Every signature must
//! verify; IDs must be unique and one Assertion is all a Response may hold; each Assertion the
//! report reads must be covered by a verified signature, and only a key from the metadata makes
//! it trusted. Out of that come the findings and the one-line summaries.

use std::collections::HashSet;

use super::engine::{path_of, signatures, trusted_certificates, verify_all, Doc, MAX_SIGNATURES};
use super::outcome::{Checked, Outcome, Target};
use crate::c14n::Index;
use crate::cert::Certificate;
use crate::check::Check;
use crate::code::Code;
use crate::finding::Finding;
use crate::metadata::Metadata;
use crate::model::{NS_ASSERTION, NS_PROTOCOL};
use crate::time::AsOf;
use crate::xml::Element;

/// How early before a certificate's notAfter it is reported.
const EXPIRY_WARNING_MILLIS: i64 = 30 * 86_400 * 1000;

/// Everything signature verification concluded about a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The findings of signature verification (`signature_invalid`, `issuer_mismatch`, ...).
    pub findings: Vec<Finding>,
    /// One line for the report's facts; `None` when the message has no signature.
    pub summary: Option<String>,
    /// Every signature of the message and its outcome, in document order.
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
        let decrypted = doc.decrypted.map_or(0, |(_, n)| n);
        let encrypted_note = match (encrypted, decrypted) {
            (0, 0) => String::new(),
            (0, d) => format!(" ({d} of them decrypted from an EncryptedAssertion)"),
            (n, 0) => format!(" ({n} of them encrypted, covered by nothing saml-doctor can verify)"),
            (n, d) => format!(" ({d} of them decrypted, {n} still encrypted and covered by nothing saml-doctor can verify)"),
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
        findings.extend(unreadable_key_info(c));
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

/// A signature the metadata's key verifies, whose KeyInfo holds a certificate that does not
/// parse: a warning, since AWS verifies with the metadata's keys and KeyInfo is not signed.
fn unreadable_key_info(c: &Checked) -> Option<Finding> {
    let why = c.embedded_error.as_ref()?;
    matches!(
        c.outcome,
        Outcome::Valid {
            from_metadata: true,
            ..
        }
    )
    .then(|| {
        Finding::new(
            Code::SigningCertUnreadable,
            format!(
                "{}: the signature verifies with the metadata's certificate, and the X509Certificate in its KeyInfo is not a certificate ({why}); it was not used",
                c.path
            ),
        )
        .with("path", c.path.clone())
        .with("error", why.clone())
    })
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
#[path = "verdict_tests.rs"]
mod tests;

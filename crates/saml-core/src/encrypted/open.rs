//! Decrypting the EncryptedAssertions of a Response with the keys given, and putting each
//! decrypted assertion in its place ([`open`]); the findings of those that cannot be.

use super::opened::Opened;
use crate::code::Code;
use crate::facts::EncryptedAssertionFacts;
use crate::finding::Finding;
use crate::keys::DecryptionKey;
use crate::model::{NS_ASSERTION, NS_DSIG, NS_PROTOCOL, REDACTED_CIPHERTEXT};
use crate::xml::{Document, Element, Limits, Node};
use crate::xmlenc::algorithms::NS_XENC;
use crate::xmlenc::{self, ContentCipher, Context, DecryptError, KeyTransport, Weakness};

/// At most this many EncryptedAssertions of one Response are decrypted: an identity provider
/// sends one, and each costs RSA private-key operations (every key given on every EncryptedKey).
pub(crate) const MAX_DECRYPTED: usize = 4;

/// What became of one EncryptedAssertion.
enum Outcome {
    /// Decrypted: the assertion to put in its place.
    Decrypted(Box<Element>),
    /// Left encrypted, with a finding that says why.
    Explained,
    /// Left encrypted because no key was given: `assertion_encrypted` says so.
    NoKey,
}

/// Opens the EncryptedAssertions among the children of `document`'s root, when it is a
/// Response, with `keys` (none: only read how each is encrypted). `limits` are the ones the
/// document was parsed with.
pub(crate) fn open(document: &Document, keys: &[DecryptionKey], limits: Limits) -> Opened {
    let root = &document.root;
    let mut opened = Opened::default();
    if !root.is(NS_PROTOCOL, "Response") {
        return opened;
    }
    let places: Vec<usize> = root
        .children
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n, Node::Element(e) if e.is(NS_ASSERTION, "EncryptedAssertion")))
        .map(|(i, _)| i)
        .collect();
    let several = places.len() > 1;
    let mut budget = limits.max_elements.saturating_sub(element_count(root));
    let mut replaced: Vec<(usize, Element)> = Vec::new();
    let mut unexplained = 0;
    for (k, &i) in places.iter().enumerate() {
        let Node::Element(ea) = &root.children[i] else {
            continue;
        };
        let path = if several {
            format!("/Response/EncryptedAssertion[{}]", k + 1)
        } else {
            "/Response/EncryptedAssertion".to_owned()
        };
        let mut facts = EncryptedAssertionFacts {
            path: path.clone(),
            ..EncryptedAssertionFacts::default()
        };
        let attempt = Attempt {
            root,
            ea,
            path: &path,
            keys,
            limits,
            tried: replaced.len(),
        };
        match attempt.run(&mut facts, &mut opened.findings) {
            Outcome::Decrypted(assertion) => {
                // The Response and its decrypted assertions stay within the element limit.
                let count = element_count(&assertion);
                if count > budget {
                    opened.findings.push(invalid(
                        &path,
                        format!("the decrypted assertion holds {count} elements, which would take the Response over the limit of {} elements", limits.max_elements),
                    ));
                    facts.decrypted = false;
                    facts.opened_with = None;
                } else {
                    budget -= count;
                    replaced.push((i, *assertion));
                }
            }
            Outcome::Explained => {}
            Outcome::NoKey => unexplained += 1,
        }
        opened.facts.push(facts);
    }
    opened.explained = unexplained == 0;
    opened.decrypted = replaced.len();
    if !replaced.is_empty() {
        let mut spliced = document.clone();
        for (i, assertion) in replaced {
            spliced.root.children[i] = Node::Element(assertion);
        }
        opened.document = Some(spliced);
    }
    opened
}

/// One EncryptedAssertion to open.
struct Attempt<'a> {
    root: &'a Element,
    ea: &'a Element,
    path: &'a str,
    keys: &'a [DecryptionKey],
    limits: Limits,
    /// How many were decrypted before this one.
    tried: usize,
}

impl Attempt<'_> {
    fn run(&self, facts: &mut EncryptedAssertionFacts, findings: &mut Vec<Finding>) -> Outcome {
        let path = self.path;
        if is_redacted(self.ea) {
            findings.push(
                Finding::new(
                    Code::SamlRedacted,
                    format!("{path}: its ciphertext was removed by saml-doctor redact, so it cannot be decrypted"),
                )
                .with("path", path),
            );
            return Outcome::Explained;
        }
        // Splicing drops the EncryptedAssertion's own markup: a signature in it (where XML
        // Encryption's KeyInfo takes none) would escape verification.
        if self
            .ea
            .descendants()
            .iter()
            .any(|e| e.is(NS_DSIG, "Signature"))
        {
            findings.push(invalid(
                path,
                "it holds a ds:Signature outside its ciphertext, where XML Encryption takes none"
                    .into(),
            ));
            return Outcome::Explained;
        }
        let Some(context) = Context::of(self.root, self.ea, self.limits) else {
            return Outcome::NoKey;
        };
        if self.keys.is_empty() {
            return match xmlenc::inspect(self.ea, &context) {
                Ok(encryption) => {
                    let first = encryption.keys.first().map(|k| k.transport);
                    describe(facts, encryption.content, first);
                    facts.encrypted_to = encryption
                        .keys
                        .iter()
                        .flat_map(|k| &k.named)
                        .filter_map(|c| c.key.map(|k| k.to_string()))
                        .collect();
                    if encryption
                        .keys
                        .iter()
                        .any(|k| k.transport == KeyTransport::Rsa15)
                    {
                        findings.push(rsa15(path));
                    }
                    Outcome::NoKey
                }
                Err(e) => {
                    findings.push(finding_of(path, &e));
                    Outcome::Explained
                }
            };
        }
        if self.tried >= MAX_DECRYPTED {
            findings.push(invalid(
                path,
                format!("saml-doctor decrypts at most {MAX_DECRYPTED} EncryptedAssertions of one Response (an identity provider sends one); this one was not decrypted"),
            ));
            return Outcome::Explained;
        }
        match xmlenc::decrypt(self.ea, self.keys, &context) {
            Ok(d) => {
                describe(facts, d.content, Some(d.transport));
                facts.decrypted = true;
                facts.opened_with = Some(d.key.to_string());
                facts.encrypted_to = d
                    .named
                    .iter()
                    .filter_map(|c| c.key.map(|k| k.to_string()))
                    .collect();
                if d.weaknesses.contains(&Weakness::Rsa15KeyTransport) {
                    findings.push(rsa15(path));
                }
                let mut assertion = d.assertion;
                // In scope where it was decrypted: the EncryptedAssertion's declarations.
                for (prefix, uri) in &self.ea.namespace_decls {
                    if !assertion.namespace_decls.iter().any(|(p, _)| p == prefix) {
                        assertion
                            .namespace_decls
                            .push((prefix.clone(), uri.clone()));
                    }
                }
                Outcome::Decrypted(Box::new(assertion))
            }
            Err(e) => {
                if let Ok(encryption) = xmlenc::inspect(self.ea, &context) {
                    let first = encryption.keys.first().map(|k| k.transport);
                    describe(facts, encryption.content, first);
                }
                findings.push(finding_of(path, &e));
                Outcome::Explained
            }
        }
    }
}

fn describe(
    facts: &mut EncryptedAssertionFacts,
    content: ContentCipher,
    transport: Option<KeyTransport>,
) {
    facts.content_algorithm = Some(content.uri().to_owned());
    facts.key_transport_algorithm = transport.map(|t| t.uri().to_owned());
    facts.algorithms = Some(match transport {
        Some(t) => format!("{}, key wrapped with {}", content.name(), t.describe()),
        None => content.name().to_owned(),
    });
}

/// True when `saml-doctor redact` replaced the EncryptedAssertion's ciphertext.
fn is_redacted(ea: &Element) -> bool {
    ea.descendants()
        .iter()
        .any(|e| e.is(NS_XENC, "CipherValue") && e.text().trim() == REDACTED_CIPHERTEXT)
}

fn element_count(e: &Element) -> usize {
    1 + e.descendants().len()
}

fn invalid(path: &str, why: String) -> Finding {
    Finding::new(Code::EncryptedAssertionInvalid, format!("{path}: {why}")).with("path", path)
}

fn rsa15(path: &str) -> Finding {
    Finding::new(
        Code::EncryptionRsa15,
        format!(
            "{path}: the content key is wrapped with RSA PKCS#1 v1.5 ({})",
            KeyTransport::Rsa15.uri()
        ),
    )
    .with("path", path)
    .with("algorithm", KeyTransport::Rsa15.uri())
}

/// The finding for a failure to decrypt. The words are the error's: one per thing the user can
/// act on, never one per cryptographic check (see [`xmlenc::error`]).
fn finding_of(path: &str, e: &DecryptError) -> Finding {
    let detail = format!("{path}: {e}");
    let list = |keys: &mut dyn Iterator<Item = String>| keys.collect::<Vec<_>>().join(" ");
    match e {
        DecryptError::NoKey => Finding::new(Code::AssertionEncrypted, detail),
        DecryptError::WrongKey { named, given } => {
            Finding::new(Code::DecryptionKeyMismatch, detail)
                .with(
                    "encrypted_to_key_sha256",
                    list(&mut named.iter().filter_map(|c| c.key.map(|k| k.to_string()))),
                )
                .with(
                    "encrypted_to_certificate_sha256",
                    list(&mut named.iter().map(|c| c.certificate_sha256.clone())),
                )
                .with(
                    "given_key_sha256",
                    list(&mut given.iter().map(|k| k.to_string())),
                )
        }
        DecryptError::NotOpened { given } => Finding::new(Code::DecryptionKeyMismatch, detail)
            .with(
                "given_key_sha256",
                list(&mut given.iter().map(|k| k.to_string())),
            ),
        DecryptError::Tampered { key } => Finding::new(Code::EncryptedAssertionAltered, detail)
            .with("key_sha256", key.to_string()),
        DecryptError::Unsupported { algorithm } => {
            Finding::new(Code::EncryptionAlgorithmUnsupported, detail)
                .with("algorithm", algorithm.clone())
        }
        DecryptError::Malformed { .. }
        | DecryptError::TooLarge { .. }
        | DecryptError::Plaintext(_)
        | DecryptError::NotAnAssertion { .. } => {
            Finding::new(Code::EncryptedAssertionInvalid, detail)
        }
    }
    .with("path", path)
}

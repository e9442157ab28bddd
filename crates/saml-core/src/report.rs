//! One call from pasted input to a report: decode, parse, run every offline rule.
//!
//! Decoding and parsing failures are findings too (`saml_not_base64`, `saml_not_xml`, …), so a
//! caller always gets a report, never an error, for anything a user can paste.

use serde::Serialize;

use crate::aws::connect::ConnectRelayState;
use crate::code::{Code, Severity};
use crate::decode::{self, Decoded, Transport, AWS_MAX_ENCODED_CHARS};
use crate::encrypted::Opened;
use crate::facts::Facts;
use crate::finding::Finding;
use crate::identity_center::facts::detect as detect_identity_center;
use crate::metadata::Metadata;
use crate::model::{self, Message, Response, NS_ASSERTION};
use crate::rules::check_response_for_target;
use crate::rules::relay_state::{check_relay_state, RelayStateInput};
use crate::time::AsOf;
use crate::xml::{Element, Node};

/// The outcome of diagnosing one SAML message.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The instant time rules were judged at.
    pub as_of: AsOf,
    /// How the message was wrapped, when it was decoded from more than XML.
    pub transport: Option<Transport>,
    /// The key facts.
    pub facts: Facts,
    /// The findings, errors first.
    pub findings: Vec<Finding>,
    /// The parsed message, when it parsed (for `--format json` consumers that need more).
    #[serde(skip)]
    pub message: Option<Message>,
}

impl Report {
    /// True when a finding is an error: the sign-in fails.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The codes of the findings, in order.
    pub fn codes(&self) -> Vec<Code> {
        self.findings.iter().map(|f| f.code).collect()
    }

    /// The Response, when the message was one.
    pub fn response(&self) -> Option<&Response> {
        match &self.message {
            Some(Message::Response(r)) => Some(r),
            _ => None,
        }
    }
}

/// What a diagnosis is judged against.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The instant to judge time rules at.
    pub as_of: AsOf,
    /// What is known about the RelayState.
    pub relay_state: RelayStateInput,
    /// The identity provider's metadata, to verify signatures and the Issuer against.
    pub metadata: Option<&'a Metadata>,
    /// The IAM SAML provider's private keys (it holds up to two), to decrypt EncryptedAssertions
    /// with. Without one, an EncryptedAssertion is reported as encrypted, with what can be read
    /// without a key.
    #[cfg(feature = "encryption")]
    pub decryption_keys: &'a [crate::keys::DecryptionKey],
}

impl<'a> Context<'a> {
    /// A context with only the instant: RelayState unknown, no metadata, no decryption key.
    pub fn new(as_of: AsOf) -> Self {
        Self {
            as_of,
            relay_state: RelayStateInput::Unknown,
            metadata: None,
            #[cfg(feature = "encryption")]
            decryption_keys: &[],
        }
    }
}

/// Decodes `input` (anything `decode::decode` accepts) and diagnoses it.
///
/// A RelayState found in the input itself (a pasted form body) is used when `relay_state`
/// is `Unknown`.
pub fn diagnose(input: &[u8], as_of: AsOf, relay_state: RelayStateInput) -> Report {
    diagnose_in(
        input,
        &Context {
            as_of,
            relay_state,
            ..Context::new(as_of)
        },
    )
}

/// [`diagnose`] with every input a diagnosis can use.
pub fn diagnose_in(input: &[u8], ctx: &Context) -> Report {
    match decode::decode(input) {
        Ok(decoded) => diagnose_decoded_in(&decoded, ctx),
        Err(e) => Report {
            as_of: ctx.as_of,
            transport: None,
            facts: Facts::default(),
            findings: vec![Finding::new(e.code(), e.to_string())],
            message: None,
        },
    }
}

/// Diagnoses an already decoded message.
pub fn diagnose_decoded(decoded: &Decoded, as_of: AsOf, relay_state: RelayStateInput) -> Report {
    diagnose_decoded_in(
        decoded,
        &Context {
            as_of,
            relay_state,
            ..Context::new(as_of)
        },
    )
}

/// [`diagnose_decoded`] with every input a diagnosis can use.
pub fn diagnose_decoded_in(decoded: &Decoded, ctx: &Context) -> Report {
    let relay_state = match (&ctx.relay_state, &decoded.relay_state) {
        (RelayStateInput::Unknown, Some(found)) => RelayStateInput::Present(found.clone()),
        (RelayStateInput::Unknown, None) if decoded.field.is_some() => RelayStateInput::Absent,
        (given, _) => given.clone(),
    };
    let mut report = diagnose_xml_in(
        &decoded.xml,
        &Context {
            relay_state,
            ..ctx.clone()
        },
    );
    report.transport = Some(decoded.transport.clone());
    report.facts.encoded_chars = decoded.encoded_chars;
    if let Some(chars) = decoded.encoded_chars.filter(|c| *c > AWS_MAX_ENCODED_CHARS) {
        report.findings.insert(
            0,
            Finding::new(Code::SamlTooLarge, format!("the base64 SAMLResponse is {chars} characters; AWS accepts at most {AWS_MAX_ENCODED_CHARS}"))
                .with("encoded_chars", chars.to_string())
                .with("limit", AWS_MAX_ENCODED_CHARS.to_string()),
        );
    }
    report
}

/// Diagnoses the XML of a message.
pub fn diagnose_xml(xml: &str, as_of: AsOf, relay_state: RelayStateInput) -> Report {
    diagnose_xml_in(
        xml,
        &Context {
            as_of,
            relay_state,
            ..Context::new(as_of)
        },
    )
}

/// [`diagnose_xml`] with every input a diagnosis can use.
pub fn diagnose_xml_in(xml: &str, ctx: &Context) -> Report {
    let as_of = ctx.as_of;
    let mut report = Report {
        as_of,
        transport: None,
        facts: Facts::default(),
        findings: Vec::new(),
        message: None,
    };
    let limits = crate::xml::Limits::default();
    let document = match crate::xml::parse_document(xml, limits) {
        Ok(document) => document,
        Err(e) => {
            report
                .findings
                .push(Finding::new(Code::SamlNotXml, e.to_string()));
            return report;
        }
    };
    // The rules read the Response with its EncryptedAssertions decrypted in place, when a key
    // opens them.
    let opened = open_encrypted(&document, ctx, limits);
    let read = opened.document.as_ref().unwrap_or(&document);
    match model::from_root(&read.root) {
        Message::Other { element, namespace } => {
            let what = match namespace.as_deref() {
                Some(model::NS_PROTOCOL) => format!("a SAML {element}"),
                Some(ns) => format!("an XML {element} element in the namespace {ns}"),
                None => format!("an XML {element} element with no namespace"),
            };
            report.findings.push(
                Finding::new(
                    Code::SamlNotAResponse,
                    format!("the message is {what}, not a samlp:Response"),
                )
                .with("element", element.clone()),
            );
            report.message = Some(Message::Other { element, namespace });
        }
        Message::Response(mut response) => {
            mark_decrypted(&mut response, &read.root, &document.root);
            let as_sent = opened
                .document
                .as_ref()
                .map(|_| (&document.root, opened.decrypted));
            let signatures = signature_verdict(read, as_sent, ctx);
            report.facts = Facts::of(&response, signatures.read_assertion);
            report.facts.encryption = opened.facts;
            report.findings = check_response_for_target(&response, &as_of);
            if opened.explained {
                // Each EncryptedAssertion has a finding of its own saying why it stays closed.
                report
                    .findings
                    .retain(|f| f.code != Code::AssertionEncrypted);
            }
            report.findings.extend(opened.findings);
            report.facts.signature = signatures.summary;
            if let Some((response_signed, assertion_signed)) = signatures.signed {
                report.facts.response_signed = response_signed;
                report.facts.assertion_signed = assertion_signed;
            }
            report.findings.extend(signatures.findings);
            report.facts.identity_center = detect_identity_center(&response);
            // The relay-state rules are Amazon Connect's through IAM federation; an Identity
            // Center sign-in lands in the access portal or the application it names.
            if report.facts.identity_center.is_none() {
                report.findings.extend(check_relay_state(&ctx.relay_state));
            }
            if let RelayStateInput::Present(url) = &ctx.relay_state {
                report.facts.relay_state = Some(url.clone());
                report.facts.connect = ConnectRelayState::parse(url).ok();
            }
            report.message = Some(Message::Response(response));
        }
    }
    report.findings.sort_by_key(|f| f.severity);
    report
}

/// What signature verification tells the report.
struct SignatureVerdict {
    findings: Vec<Finding>,
    summary: Option<String>,
    /// The Assertion the facts are read from.
    read_assertion: usize,
    /// Whether the Response, and the Assertion read, are covered by a verified signature
    /// (`None` when signatures were not verified at all).
    signed: Option<(bool, bool)>,
}

/// Marks the assertions decrypted in place of an EncryptedAssertion: `read` is `as_sent` with
/// some of its EncryptedAssertion children replaced, child for child.
fn mark_decrypted(response: &mut Response, read: &Element, as_sent: &Element) {
    let decrypted = read
        .children
        .iter()
        .zip(&as_sent.children)
        .filter_map(|(now, then)| match (now, then) {
            (Node::Element(a), Node::Element(sent)) if a.is(NS_ASSERTION, "Assertion") => {
                Some(sent.is(NS_ASSERTION, "EncryptedAssertion"))
            }
            _ => None,
        });
    for (assertion, decrypted) in response.assertions.iter_mut().zip(decrypted) {
        assertion.encrypted = decrypted;
    }
}

#[cfg(feature = "encryption")]
fn open_encrypted(
    document: &crate::xml::Document,
    ctx: &Context,
    limits: crate::xml::Limits,
) -> Opened {
    crate::encrypted::open(document, ctx.decryption_keys, limits)
}

#[cfg(not(feature = "encryption"))]
fn open_encrypted(_: &crate::xml::Document, _: &Context, _: crate::xml::Limits) -> Opened {
    Opened::default()
}

#[cfg(feature = "signatures")]
fn signature_verdict(
    document: &crate::xml::Document,
    as_sent: Option<(&Element, usize)>,
    ctx: &Context,
) -> SignatureVerdict {
    let mut doc = crate::dsig::Doc::of(document);
    if let Some((root, decrypted)) = as_sent {
        doc = doc.with_decrypted(root, decrypted);
    }
    let v = crate::dsig::check_document(doc, ctx.metadata, &ctx.as_of);
    let read = v.read_assertion();
    SignatureVerdict {
        signed: Some((
            v.response_verified,
            v.assertions_verified.get(read).copied().unwrap_or(false),
        )),
        read_assertion: read,
        findings: v.findings,
        summary: v.summary,
    }
}

#[cfg(not(feature = "signatures"))]
fn signature_verdict(
    _: &crate::xml::Document,
    _: Option<(&Element, usize)>,
    _: &Context,
) -> SignatureVerdict {
    SignatureVerdict {
        findings: vec![Finding::skipped(
            crate::check::Check::SignatureVerification,
            "saml-core was built without its `signatures` feature",
        )],
        summary: None,
        read_assertion: 0,
        signed: None,
    }
}

//! The report model: what a diagnosis found, as the text, JSON and HTML renderers all read it.
//! Its JSON serialization (`--format json`) is a contract scripts rely on: fields are added,
//! never renamed or removed.

use std::sync::Arc;

use saml_core::decode::Decoded;
use saml_core::keys::DecryptionKey;
use saml_core::{Code, Finding, RelayStateInput, Report, Severity};
use serde::Serialize;

use crate::timeline::CaptureSteps;

/// One diagnosed message and where it was found.
#[derive(Debug, Clone, Serialize)]
pub struct MessageReport {
    /// Where the message came from (a HAR entry and URL), when known.
    pub location: Option<String>,
    /// True for the message whose outcome the user saw (the last one sent to AWS).
    pub primary: bool,
    /// The offline diagnosis of the message, with the account checks' findings once they ran.
    #[serde(flatten)]
    pub report: Report,
    /// The HAR entry whose moment counts for the message (the POST to AWS, else its last
    /// sighting), when it came from a capture.
    #[serde(skip)]
    pub entry: Option<usize>,
    /// The decoded message, to diagnose it again against the IAM provider's metadata.
    #[serde(skip)]
    pub rerun: Option<Rerun>,
}

impl MessageReport {
    /// A message diagnosed on its own (pasted, not read from a capture): the primary one, with
    /// no location or HAR entry, and nothing to diagnose again with.
    pub fn standalone(report: Report) -> Self {
        MessageReport {
            location: None,
            primary: true,
            report,
            entry: None,
            rerun: None,
        }
    }
}

/// What it takes to diagnose a message again, with another trust anchor (the IAM SAML
/// provider's metadata, as STS verifies the signature).
#[derive(Debug, Clone)]
pub struct Rerun {
    /// The message as decoded.
    pub decoded: Decoded,
    /// The relay state it was diagnosed with.
    pub relay_state: RelayStateInput,
    /// The keys its EncryptedAssertions were decrypted with (shared by every message).
    pub decryption_keys: Arc<[DecryptionKey]>,
}

impl Rerun {
    /// The diagnosis context of the rerun: `as_of`, the relay state and keys it was diagnosed
    /// with, and `metadata` as the trust anchor.
    pub fn context<'a>(
        &'a self,
        as_of: saml_core::AsOf,
        metadata: Option<&'a saml_core::metadata::Metadata>,
    ) -> saml_core::Context<'a> {
        saml_core::Context {
            as_of,
            relay_state: self.relay_state.clone(),
            metadata,
            decryption_keys: &self.decryption_keys,
        }
    }
}

/// Everything one run found.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    /// The version of saml-doctor that made the report.
    pub saml_doctor: &'static str,
    /// What was diagnosed, as the report names it (a path, "standard input").
    pub input: String,
    /// Every finding of the run: about the capture itself, then each message's.
    pub findings: Vec<Finding>,
    /// The counts the verdict is made of.
    pub summary: Summary,
    /// Findings about the capture itself rather than one message (truncated HAR, no SAML…).
    pub capture_findings: Vec<Finding>,
    /// Each diagnosed message, the primary one first.
    pub messages: Vec<MessageReport>,
    /// The capture's sign-in steps, when the input was a HAR capture.
    #[serde(skip)]
    pub timeline: Option<CaptureSteps>,
    /// True once the account checks ran.
    #[serde(skip)]
    pub account_checked: bool,
}

/// The counts the verdict is made of.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct Summary {
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Notes as the report shows them: each block of skipped checks (one per message or
    /// capture) counts once, as it is printed once.
    pub info: usize,
    /// Every skipped check, one by one.
    pub skipped_checks: usize,
}

impl Diagnosis {
    /// A diagnosis of `input` from its capture findings and diagnosed messages; the flat list
    /// of findings and the summary are derived from them.
    pub fn new(
        input: String,
        capture_findings: Vec<Finding>,
        messages: Vec<MessageReport>,
    ) -> Self {
        let mut d = Self {
            saml_doctor: env!("CARGO_PKG_VERSION"),
            input,
            findings: Vec::new(),
            summary: Summary::default(),
            capture_findings,
            messages,
            timeline: None,
            account_checked: false,
        };
        d.refresh();
        d
    }

    /// Derives the flat list of findings and the summary again, after the messages' findings
    /// changed (the account checks ran).
    pub fn refresh(&mut self) {
        let mut findings = self.capture_findings.clone();
        for m in &self.messages {
            findings.extend(
                m.report
                    .findings
                    .iter()
                    .cloned()
                    .map(|f| match &m.location {
                        Some(loc) => f.located(loc),
                        None => f,
                    }),
            );
        }
        findings.sort_by_key(|f| f.severity);
        let mut summary = Summary::default();
        for f in &findings {
            match f.severity {
                _ if f.code == Code::CheckSkipped => summary.skipped_checks += 1,
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.info += 1,
            }
        }
        let blocks = std::iter::once(self.capture_findings.as_slice())
            .chain(self.messages.iter().map(|m| m.report.findings.as_slice()));
        summary.info += blocks
            .filter(|b| b.iter().any(|f| f.code == Code::CheckSkipped))
            .count();
        self.findings = findings;
        self.summary = summary;
    }

    /// True when any finding is an error: the sign-in fails.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Every finding's code, in the report's order.
    pub fn codes(&self) -> impl Iterator<Item = Code> + '_ {
        self.findings.iter().map(|f| f.code)
    }

    /// The primary message: the one whose outcome the user saw.
    pub fn primary(&self) -> Option<&MessageReport> {
        self.messages.iter().find(|m| m.primary)
    }
}

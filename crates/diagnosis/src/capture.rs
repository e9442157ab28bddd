//! The diagnosis of a HAR capture: every SAMLResponse found, the primary one (the last sent to
//! AWS) first, each judged at the moment the browser sent it and with the RelayState that
//! travelled with it; and the listing of the SAML messages a capture holds (`extract`).

use std::io::BufRead;
use std::sync::Arc;
use std::time::Instant;

use har::{Capture, LocationKind, Message, ScanError};
use saml_core::keys::DecryptionKey;
use saml_core::{Code, Finding, RelayStateInput};

use crate::error::Error;
use crate::model::{Diagnosis, MessageReport, Rerun};
use crate::observer::{timed, Observer, Phase};
use crate::offline::add_account_skips;
use crate::options::Options;
use crate::timeline::{CaptureSteps, MessageSightings};

/// How the capture is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// On a thread of its own, ahead of the parser: for regular files, whose reads never wait.
    ReadAhead,
    /// On the parsing thread, as it needs bytes: for standard input, pipes and terminals, where
    /// a read waiting on an idle writer would otherwise hold the scan open after a verdict.
    InTurn,
}

/// Scans the capture; a file that is not a HAR becomes the `har_unreadable` finding.
fn scan(
    input: &str,
    reader: Box<dyn BufRead + Send>,
    mode: ReadMode,
    observer: &mut dyn Observer,
) -> Result<Result<Capture, Finding>, Error> {
    let started = Instant::now();
    let result = match mode {
        ReadMode::ReadAhead => har::scan_read_ahead(reader, |bytes| observer.progress(bytes)),
        ReadMode::InTurn => har::scan(reader, |bytes| observer.progress(bytes)),
    };
    let spent = started.elapsed();
    match result {
        Ok(capture) => {
            observer.spent(Phase::Reading, spent.saturating_sub(capture.decode_time));
            observer.spent(Phase::Decoding, capture.decode_time);
            observer.input_size(capture.bytes);
            Ok(Ok(capture))
        }
        Err(ScanError::NotHar(why)) => {
            observer.spent(Phase::Reading, spent);
            Ok(Err(Finding::new(
                Code::HarUnreadable,
                format!("{input}: {why}"),
            )))
        }
        Err(ScanError::Io(source)) => Err(Error::Read {
            input: input.to_owned(),
            source,
        }),
    }
}

/// Diagnoses every SAMLResponse of the capture read from `reader`, named `input` in the report.
pub fn diagnose_capture(
    input: String,
    reader: Box<dyn BufRead + Send>,
    mode: ReadMode,
    options: &Options,
    observer: &mut dyn Observer,
) -> Result<Diagnosis, Error> {
    let mut capture = match scan(&input, reader, mode, observer)? {
        Ok(c) => c,
        Err(finding) => {
            let mut d = Diagnosis::new(input, vec![finding], Vec::new());
            d.timeline = Some(CaptureSteps::default());
            return Ok(d);
        }
    };
    let mut timeline = CaptureSteps {
        steps: std::mem::take(&mut capture.steps),
        entries: capture.entries,
        messages: Vec::new(),
    };
    let responses: Vec<&Message> = capture.responses().collect();
    let primary = capture.primary_response();
    // The primary response first, then the others in capture order.
    let mut order: Vec<usize> = (0..responses.len()).collect();
    if let Some(p) = primary {
        order.retain(|i| *i != p);
        order.insert(0, p);
    }
    let mut reports = Vec::new();
    let keys: Arc<[DecryptionKey]> = options.decryption_keys.clone().into();
    for i in order {
        let message = responses[i];
        let report = diagnose_message(message, Some(i) == primary, options, &keys, observer);
        timeline.messages.push(sightings(message));
        observer.diagnosed(&report);
        reports.push(report);
    }
    let mut d = Diagnosis::new(input, capture.findings(), reports);
    d.timeline = Some(timeline);
    Ok(d)
}

/// Diagnoses one message of a capture, as the browser sent it.
fn diagnose_message(
    message: &Message,
    primary: bool,
    options: &Options,
    keys: &Arc<[DecryptionKey]>,
    observer: &mut dyn Observer,
) -> MessageReport {
    let key = message.key_sighting();
    let relay = match (&options.relay_state, message.relay_state()) {
        (Some(url), _) => RelayStateInput::Present(url.clone()),
        (None, Some(found)) => RelayStateInput::Present(found.to_owned()),
        (None, None) => RelayStateInput::Absent,
    };
    let at = options.as_of(key.started);
    let rerun = message.decoded.as_ref().ok().map(|d| Rerun {
        decoded: d.clone(),
        relay_state: relay.clone(),
        decryption_keys: Arc::clone(keys),
    });
    let mut report = timed(observer, Phase::Verification, || match &message.decoded {
        Ok(decoded) => saml_core::diagnose_decoded_in(
            decoded,
            &saml_core::Context {
                as_of: at,
                relay_state: relay,
                metadata: options.metadata.as_ref(),
                decryption_keys: keys,
            },
        ),
        Err(e) => saml_core::Report {
            as_of: at,
            transport: None,
            facts: Default::default(),
            findings: vec![Finding::new(e.code(), e.to_string())],
            message: None,
        },
    });
    // Where the browser posted it (or the IdP's auto-post form would have).
    let posted_to = match key.kind {
        LocationKind::FormPost => Some(key.url.as_str()),
        LocationKind::AutoPostForm => key.form_action.as_deref(),
        LocationKind::RedirectQuery => None,
    };
    if let (Some(posted_to), Some(response)) = (posted_to, report.response()) {
        let posted =
            saml_core::identity_center::check_posted_to(response, posted_to, &report.findings);
        report.findings.extend(posted);
        report.findings.sort_by_key(|f| f.severity);
    }
    add_account_skips(&mut report);
    MessageReport {
        location: Some(key.describe()),
        primary,
        report,
        entry: Some(key.entry),
        rerun,
    }
}

/// Where a message was seen, for the timeline.
fn sightings(message: &Message) -> MessageSightings {
    MessageSightings {
        seen: message
            .sightings
            .iter()
            .map(|s| (s.entry, s.kind))
            .collect(),
        key_entry: message.key_sighting().entry,
        posted: message
            .sightings
            .iter()
            .any(|s| s.kind == LocationKind::FormPost),
    }
}

/// What a capture holds, for `extract`: every SAML message once, with every place it was seen.
#[derive(Debug)]
pub enum Extracted {
    /// The capture was read (perhaps only up to a cut).
    Capture(Box<Extraction>),
    /// The file is not a HAR capture (`har_unreadable`).
    Unreadable(Finding),
}

/// The SAML messages of a capture.
#[derive(Debug)]
pub struct Extraction {
    /// The capture, as scanned.
    pub capture: Capture,
    /// The index in `capture.messages` of the primary response, if any.
    pub primary: Option<usize>,
    /// Findings about the capture itself.
    pub findings: Vec<Finding>,
}

/// Lists the SAML messages of the capture read from `reader`.
pub fn extract_capture(
    input: &str,
    reader: Box<dyn BufRead + Send>,
    mode: ReadMode,
    observer: &mut dyn Observer,
) -> Result<Extracted, Error> {
    let capture = match scan(input, reader, mode, observer)? {
        Ok(c) => c,
        Err(finding) => return Ok(Extracted::Unreadable(finding)),
    };
    let primary = capture.primary_response().and_then(|p| {
        let target = capture.responses().nth(p)?;
        capture
            .messages
            .iter()
            .position(|m| std::ptr::eq(m, target))
    });
    let findings = capture.findings();
    Ok(Extracted::Capture(Box::new(Extraction {
        capture,
        primary,
        findings,
    })))
}

//! HAR captures in the CLI: diagnose every SAMLResponse found (the primary one first, each at
//! the moment the browser sent it, with its own RelayState), or list what was found.

use std::io::{BufRead, IsTerminal, Write};
use std::time::{Duration, Instant};

use har::{Capture, Message, ScanError};
use saml_core::decode::MessageField;
use saml_core::{AsOf, AsOfSource, Code, Finding, RelayStateInput};
use serde::Serialize;

use crate::html::{CaptureSteps, MessageSightings};
use crate::input::Source;
use crate::render::MessageReport;
use crate::timings::{self, Phase};
use crate::{Failure, Format};

/// Draws progress on stderr while a large file is read, only when stderr is a terminal.
struct Progress {
    enabled: bool,
    total: Option<u64>,
    started: Instant,
    last: Instant,
}

impl Progress {
    fn new(source: &Source) -> Self {
        let total = match source {
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
        };
        let now = Instant::now();
        Self {
            enabled: std::io::stderr().is_terminal(),
            total,
            started: now,
            last: now,
        }
    }

    fn update(&mut self, bytes: u64) {
        if !self.enabled
            || self.last.elapsed() < Duration::from_millis(200)
            || self.started.elapsed() < Duration::from_millis(500)
        {
            return;
        }
        self.last = Instant::now();
        let mib = bytes as f64 / (1024.0 * 1024.0);
        let line = match self.total.filter(|t| *t > 0) {
            Some(total) => {
                let frac = (bytes as f64 / total as f64).min(1.0);
                let filled = (frac * 30.0) as usize;
                format!(
                    "\r[{}{}] {:>3.0}%  {mib:.0} MiB",
                    "#".repeat(filled),
                    " ".repeat(30 - filled),
                    frac * 100.0
                )
            }
            None => format!("\rread {mib:.0} MiB"),
        };
        let _ = std::io::stderr().write_all(line.as_bytes());
    }

    fn finish(&self) {
        if self.enabled && self.started.elapsed() >= Duration::from_millis(500) {
            let _ = std::io::stderr().write_all(b"\r\x1b[2K");
        }
    }
}

/// Scans the capture; a file that is not a HAR becomes the `har_unreadable` finding.
fn scan(
    source: &Source,
    reader: Box<dyn BufRead + Send>,
) -> Result<Result<Capture, Finding>, Failure> {
    let mut progress = Progress::new(source);
    let started = Instant::now();
    // A regular file's reads never wait on anyone: it is read ahead on a thread of its own.
    // Standard input, or a path that is a pipe or a terminal (`<(…)`, `/dev/stdin`), may be idle,
    // and a read waiting on it would hold the scan open after a verdict.
    let regular_file = match source {
        Source::File(path) => std::fs::metadata(path).is_ok_and(|m| m.is_file()),
        Source::Stdin => false,
    };
    let result = if regular_file {
        har::scan_read_ahead(reader, |bytes| progress.update(bytes))
    } else {
        har::scan(reader, |bytes| progress.update(bytes))
    };
    let spent = started.elapsed();
    progress.finish();
    if let Ok(capture) = &result {
        timings::add(Phase::Reading, spent.saturating_sub(capture.decode_time));
        timings::add(Phase::Decoding, capture.decode_time);
        timings::read_bytes(capture.bytes);
    } else {
        timings::add(Phase::Reading, spent);
    }
    match result {
        Ok(capture) => Ok(Ok(capture)),
        Err(ScanError::NotHar(why)) => Ok(Err(Finding::new(
            Code::HarUnreadable,
            format!("{}: {why}", source.label()),
        ))),
        Err(ScanError::Io(e)) => Err(Failure(format!("cannot read {}: {e}", source.label()))),
    }
}

fn as_of_for(message: &Message, given: Option<AsOf>) -> AsOf {
    if let Some(at) = given {
        return at;
    }
    match message.key_sighting().started {
        Some(instant) => AsOf {
            instant,
            source: AsOfSource::CaptureTime,
        },
        None => AsOf {
            instant: crate::commands::now(),
            source: AsOfSource::Now,
        },
    }
}

pub fn diagnose(
    source: &Source,
    reader: Box<dyn BufRead + Send>,
    given_at: Option<AsOf>,
    relay_override: Option<String>,
    metadata: Option<&saml_core::metadata::Metadata>,
) -> Result<(Vec<Finding>, Vec<MessageReport>, CaptureSteps), Failure> {
    let mut capture = match scan(source, reader)? {
        Ok(c) => c,
        Err(finding) => return Ok((vec![finding], Vec::new(), CaptureSteps::default())),
    };
    let mut steps = CaptureSteps {
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
    for i in order {
        let message = responses[i];
        let key = message.key_sighting();
        let relay = match (&relay_override, message.relay_state()) {
            (Some(url), _) => RelayStateInput::Present(url.clone()),
            (None, Some(found)) => RelayStateInput::Present(found.to_owned()),
            (None, None) => RelayStateInput::Absent,
        };
        let at = as_of_for(message, given_at);
        let rerun = message.decoded.as_ref().ok().map(|d| crate::aws::Rerun {
            decoded: d.clone(),
            relay_state: relay.clone(),
        });
        let mut report = timings::time(Phase::Verification, || match &message.decoded {
            Ok(decoded) => saml_core::diagnose_decoded_in(
                decoded,
                &saml_core::Context {
                    as_of: at,
                    relay_state: relay,
                    metadata,
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
            har::LocationKind::FormPost => Some(key.url.as_str()),
            har::LocationKind::AutoPostForm => key.form_action.as_deref(),
            har::LocationKind::RedirectQuery => None,
        };
        if let Some(posted_to) = posted_to {
            if let Some(response) = report.response() {
                let posted = saml_core::identity_center::check_posted_to(
                    response,
                    posted_to,
                    &report.findings,
                );
                report.findings.extend(posted);
                report.findings.sort_by_key(|f| f.severity);
            }
        }
        crate::commands::add_account_skips(&mut report);
        steps.messages.push(MessageSightings {
            seen: message
                .sightings
                .iter()
                .map(|s| (s.entry, s.kind))
                .collect(),
            key_entry: key.entry,
            posted: message
                .sightings
                .iter()
                .any(|s| s.kind == har::LocationKind::FormPost),
        });
        reports.push(MessageReport {
            location: Some(key.describe()),
            primary: Some(i) == primary,
            report,
            rerun,
        });
    }
    Ok((capture.findings(), reports, steps))
}

#[derive(Serialize)]
struct Listed<'a> {
    field: MessageField,
    primary: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    xml: Option<&'a str>,
    #[serde(flatten)]
    message: &'a Message,
}

pub fn extract(
    source: &Source,
    reader: Box<dyn BufRead + Send>,
    format: Format,
    raw: bool,
) -> Result<u8, Failure> {
    let capture = match scan(source, reader)? {
        Ok(c) => c,
        Err(finding) => {
            eprintln!("saml-doctor: {} (har_unreadable)", finding.detail);
            return Ok(1);
        }
    };
    let primary_index = capture.primary_response().and_then(|p| {
        let target = capture.responses().nth(p)?;
        capture
            .messages
            .iter()
            .position(|m| std::ptr::eq(m, target))
    });
    let listed: Vec<Listed> = capture
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| Listed {
            field: m.field,
            primary: Some(i) == primary_index,
            xml: if raw {
                m.decoded.as_ref().ok().map(|d| d.xml.as_str())
            } else {
                None
            },
            message: m,
        })
        .collect();
    let capture_findings = capture.findings();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "saml_doctor": env!("CARGO_PKG_VERSION"),
                "input": source.label(),
                "entries": capture.entries,
                "truncated": capture.cut,
                "messages": listed,
                "findings": capture_findings,
            });
            crate::outln!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| Failure(e.to_string()))?
            );
        }
        Format::Text => {
            let mut out = String::new();
            out += &format!(
                "{}: {} entries, {} SAML message{}\n",
                source.label(),
                capture.entries,
                listed.len(),
                if listed.len() == 1 { "" } else { "s" }
            );
            for (n, l) in listed.iter().enumerate() {
                let field = match l.field {
                    MessageField::SamlResponse => "SAMLResponse",
                    MessageField::SamlRequest => "SAMLRequest",
                };
                let state = match &l.message.decoded {
                    Ok(d) => format!("{} base64 chars", d.encoded_chars.unwrap_or(0)),
                    Err(e) => format!("undecodable: {e}"),
                };
                out += &format!(
                    "\n{}. {field}{} ({state})\n",
                    n + 1,
                    if l.primary { " (primary)" } else { "" }
                );
                for s in &l.message.sightings {
                    let at = s
                        .started
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "?".into());
                    out += &format!("   seen in {} at {at}\n", s.describe());
                    if let Some(r) = &s.relay_state {
                        out += &format!("     RelayState {r}\n");
                    }
                }
                if let Some(xml) = l.xml {
                    match saml_core::xml::parse(xml, saml_core::xml::Limits::default()) {
                        Ok(root) => out += &root.to_pretty_string(),
                        Err(_) => out += &format!("{xml}\n"),
                    }
                }
            }
            for f in &capture_findings {
                out += &format!("\n{}: {} ({})\n", f.severity, f.detail, f.code);
            }
            crate::out!("{out}");
        }
    }
    Ok(u8::from(
        capture_findings
            .iter()
            .any(|f| f.severity == saml_core::Severity::Error),
    ))
}

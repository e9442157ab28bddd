//! Where each finding of a run goes on the page: its anchor, the message it is about and the
//! HAR entry (the timeline step) it is attached to.

use saml_core::{Area, Code, Finding};
use saml_diagnosis::{CaptureSteps, Diagnosis};

/// A finding of the run, with its anchor and the step it is about.
pub struct Placed<'a> {
    pub id: String,
    pub finding: &'a Finding,
    /// Index of the diagnosed message it is about; `None` for the capture.
    pub message: Option<usize>,
    /// The HAR entry it is about, when known.
    pub entry: Option<usize>,
    /// Shown on the timeline (skipped checks are not events of the sign-in).
    pub on_timeline: bool,
}

/// Every finding of the run, in the text report's order: the capture's, then each message's.
pub fn place<'a>(d: &'a Diagnosis, capture: Option<&CaptureSteps>) -> Vec<Placed<'a>> {
    let mut placed = Vec::new();
    for f in &d.capture_findings {
        let entry = f.entry;
        placed.push(Placed {
            id: format!("f-{}", placed.len() + 1),
            finding: f,
            message: None,
            entry,
            on_timeline: true,
        });
    }
    for (m, message) in d.messages.iter().enumerate() {
        let key = capture.and_then(|c| c.messages.get(m)).map(|s| s.key_entry);
        for f in &message.report.findings {
            placed.push(Placed {
                id: format!("f-{}", placed.len() + 1),
                finding: f,
                message: Some(m),
                entry: key,
                on_timeline: f.code != Code::CheckSkipped,
            });
        }
    }
    placed
}

/// How a finding was reached: offline, in the account, or not at all.
pub fn provenance(f: &Finding, aws_ran: bool) -> &'static str {
    if f.code == Code::CheckSkipped {
        "skipped"
    } else if f.code.info().area == Area::AwsAccount && aws_ran {
        "checked online"
    } else {
        "offline"
    }
}

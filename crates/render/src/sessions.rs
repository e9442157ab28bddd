//! The report of `saml-doctor sessions`: when each IAM Identity Center session of a sign-in ends,
//! and the answers to "why was I signed out at T" and "until when can a removed user act".

use saml_core::identity_center::sessions::{Answer, SessionKind, Timeline};
use serde::Serialize;

use crate::text::wrap;

/// The sessions of a sign-in, the answers asked for, and notes on what was assumed.
#[derive(Serialize)]
pub struct SessionsReport {
    /// When each session ends.
    pub timeline: Timeline,
    /// The questions asked, answered.
    pub answers: Vec<Answer>,
    /// What was assumed.
    pub notes: Vec<String>,
}

impl SessionsReport {
    /// The report as one JSON object.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The report for people.
    pub fn text(&self) -> String {
        let o = self;
        let tl = &o.timeline;
        let mut out = format!(
            "IAM Identity Center sessions of a sign-in at {}\n\n",
            tl.signed_in_at
        );
        for s in &tl.sessions {
            let when = if s.latest == s.ends {
                format!("ends {}", s.ends)
            } else {
                let latest = match s.kind {
                    SessionKind::ConsoleRole => "one opened just before the portal session ends",
                    SessionKind::Cli => "its last credentials",
                    _ => "at the latest",
                };
                format!("ends {} ({latest}: {})", s.ends, s.latest)
            };
            out += &format!("  {:<22} {when}\n", s.kind.name());
            out += &wrap(&format!("{:25}{}", "", s.because), 25);
            out.push('\n');
        }
        for a in &o.answers {
            let question = match a.question {
                saml_core::identity_center::sessions::Question::SignedOut => {
                    format!("Why was I signed out at {}?", a.at)
                }
                saml_core::identity_center::sessions::Question::RemovedUser => {
                    format!("Until when can a user removed at {} still act?", a.at)
                }
            };
            out += &format!("\n{question}\n");
            out += &wrap(&format!("  {}", a.answer), 2);
            out.push('\n');
            for f in &a.fixes {
                out += &wrap(&format!("  Fix: {f}"), 7);
                out.push('\n');
            }
        }
        if !o.notes.is_empty() {
            out.push('\n');
            for n in &o.notes {
                out += &wrap(&format!("Note: {n}"), 0);
                out.push('\n');
            }
        }
        out
    }
}

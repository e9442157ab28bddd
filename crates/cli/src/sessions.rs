//! `saml-doctor sessions`: when each IAM Identity Center session of a sign-in ends, why a user
//! was signed out at a given time, and until when a removed user can still act. The sign-in's
//! time and the IdP's SessionNotOnOrAfter come from a capture (or flags); the durations from
//! flags (the account's values: see the README). The arithmetic lives in
//! `saml_core::identity_center::sessions`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use saml_core::identity_center::sessions::{
    parse_duration, Answer, CliProfile, Inputs, SessionKind, Timeline,
};
use saml_core::{AsOf, AsOfSource, RelayStateInput, Timestamp};
use serde::Serialize;

use crate::input::{self, Kind, Source};
use crate::{Failure, Format};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CliKind {
    /// A profile that names an `[sso-session]` (what `aws configure sso` writes): refreshable
    SsoSession,
    /// `sso_start_url` in the profile itself: a fixed 8-hour token
    Legacy,
}

#[derive(Args)]
pub struct SessionsArgs {
    /// A HAR capture or SAMLResponse of the sign-in: gives its time and the IdP's
    /// SessionNotOnOrAfter (optional with --signed-in-at)
    file: Option<PathBuf>,
    /// When the user signed in (RFC 3339); default: when the capture's response was sent
    #[arg(long, value_name = "RFC3339")]
    signed_in_at: Option<String>,
    /// The IdP's SessionNotOnOrAfter (RFC 3339), overriding the capture's
    #[arg(long, value_name = "RFC3339")]
    idp_session_not_on_or_after: Option<String>,
    /// The access-portal session duration (Settings > Authentication): 15m to 90d, or ISO-8601
    /// like PT8H; default 8 hours
    #[arg(long, value_name = "DURATION")]
    portal_duration: Option<String>,
    /// The permission set's session duration: 1h to 12h, or ISO-8601 like PT4H; default 1 hour
    #[arg(long, value_name = "DURATION")]
    permission_set_duration: Option<String>,
    /// How the AWS CLI profile is configured
    #[arg(long, value_enum, default_value_t = CliKind::SsoSession)]
    cli: CliKind,
    /// Answer "why was I signed out at this time?" (RFC 3339)
    #[arg(long, value_name = "RFC3339")]
    signed_out_at: Option<String>,
    /// Answer "until when can a user removed at this time still act?" (RFC 3339)
    #[arg(long, value_name = "RFC3339")]
    removed_at: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn instant(flag: &str, value: &str) -> Result<Timestamp, Failure> {
    Timestamp::parse(value).map_err(|e| Failure(format!("--{flag}: {e}")))
}

fn duration(flag: &str, value: Option<&str>) -> Result<Option<i64>, Failure> {
    value
        .map(|v| parse_duration(v).map_err(|e| Failure(format!("--{flag}: {e}"))))
        .transpose()
}

/// What the capture says: when the response reached AWS, and the IdP's session cap.
struct FromCapture {
    sent_at: Option<Timestamp>,
    session_not_on_or_after: Option<Timestamp>,
    identity_center: bool,
}

fn read_capture(file: &std::path::Path, at: Option<Timestamp>) -> Result<FromCapture, Failure> {
    let source = Source::from_arg(Some(file));
    let mut reader = source.open()?;
    let given = at.map(|instant| AsOf {
        instant,
        source: AsOfSource::Given,
    });
    let report = match input::sniff(&source, &mut *reader)? {
        Kind::Har => {
            let (_, messages, _) = crate::har_input::diagnose(&source, reader, given, None, None)?;
            messages
                .into_iter()
                .find(|m| m.primary)
                .map(|m| m.report)
                .ok_or_else(|| {
                    Failure(format!(
                        "{}: no SAMLResponse in the capture",
                        source.label()
                    ))
                })?
        }
        Kind::Saml => {
            let bytes = input::read_bounded(&mut *reader, saml_core::decode::MAX_INPUT_BYTES)?;
            let as_of = given.unwrap_or(AsOf {
                instant: crate::commands::now(),
                source: AsOfSource::Now,
            });
            saml_core::diagnose(&bytes, as_of, RelayStateInput::Unknown)
        }
    };
    if report.response().is_none() {
        return Err(Failure(format!(
            "{}: not a SAML response this tool can read",
            source.label()
        )));
    }
    Ok(FromCapture {
        sent_at: (report.as_of.source == AsOfSource::CaptureTime).then_some(report.as_of.instant),
        session_not_on_or_after: report.facts.session_not_on_or_after,
        identity_center: report.facts.identity_center.is_some(),
    })
}

#[derive(Serialize)]
struct Output {
    timeline: Timeline,
    answers: Vec<Answer>,
    notes: Vec<String>,
}

pub fn sessions(args: SessionsArgs) -> Result<u8, Failure> {
    let signed_in_at = args
        .signed_in_at
        .as_deref()
        .map(|v| instant("signed-in-at", v))
        .transpose()?;
    let mut notes = Vec::new();
    let captured = args
        .file
        .as_deref()
        .map(|f| read_capture(f, signed_in_at))
        .transpose()?;
    if let Some(c) = &captured {
        if !c.identity_center {
            notes.push("the capture's response is not addressed to IAM Identity Center: these are Identity Center's sessions, and apply only if users sign in through it".to_owned());
        }
    }
    let signed_in_at = signed_in_at
        .or_else(|| captured.as_ref().and_then(|c| c.sent_at))
        .ok_or_else(|| {
            Failure(
                "give --signed-in-at, or a HAR capture that records when the response was sent"
                    .into(),
            )
        })?;
    let idp_cap = match &args.idp_session_not_on_or_after {
        Some(v) => Some(instant("idp-session-not-on-or-after", v)?),
        None => captured.as_ref().and_then(|c| c.session_not_on_or_after),
    };
    let portal_seconds = duration("portal-duration", args.portal_duration.as_deref())?;
    let permission_set_seconds = duration(
        "permission-set-duration",
        args.permission_set_duration.as_deref(),
    )?;
    if portal_seconds.is_none() {
        notes.push("access-portal session duration not given: the default 8 hours is assumed (IAM Identity Center > Settings > Authentication shows yours)".to_owned());
    }
    if permission_set_seconds.is_none() {
        notes.push("permission-set session duration not given: the default 1 hour is assumed (`saml-doctor diagnose --aws` lists the user's permission sets and their durations)".to_owned());
    }
    let timeline = Timeline::new(&Inputs {
        signed_in_at,
        idp_session_not_on_or_after: idp_cap,
        portal_seconds,
        permission_set_seconds,
        cli: match args.cli {
            CliKind::SsoSession => CliProfile::SsoSession,
            CliKind::Legacy => CliProfile::Legacy,
        },
    })
    .map_err(|e| Failure(e.to_string()))?;
    let mut answers = Vec::new();
    if let Some(v) = &args.signed_out_at {
        answers.push(timeline.why_signed_out(instant("signed-out-at", v)?));
    }
    if let Some(v) = &args.removed_at {
        answers.push(timeline.removed_user(instant("removed-at", v)?));
    }
    let output = Output {
        timeline,
        answers,
        notes,
    };
    match args.format {
        Format::Json => crate::outln!(
            "{}",
            serde_json::to_string_pretty(&output).map_err(|e| Failure(e.to_string()))?
        ),
        Format::Text => crate::out!("{}", text(&output)),
    }
    Ok(0)
}

fn text(o: &Output) -> String {
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
        out += &crate::render::wrap(&format!("{:25}{}", "", s.because), 25);
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
        out += &crate::render::wrap(&format!("  {}", a.answer), 2);
        out.push('\n');
        for f in &a.fixes {
            out += &crate::render::wrap(&format!("  Fix: {f}"), 7);
            out.push('\n');
        }
    }
    if !o.notes.is_empty() {
        out.push('\n');
        for n in &o.notes {
            out += &crate::render::wrap(&format!("Note: {n}"), 0);
            out.push('\n');
        }
    }
    out
}

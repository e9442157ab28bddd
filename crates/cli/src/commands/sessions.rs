//! `saml-doctor sessions`: when each IAM Identity Center session of a sign-in ends, why a user
//! was signed out at a given time, and until when a removed user can still act. The sign-in's
//! time and the IdP's SessionNotOnOrAfter come from a capture (or flags); the durations from
//! flags (the account's values: see the README). The arithmetic lives in
//! `saml_core::identity_center::sessions`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use saml_core::identity_center::sessions::{parse_duration, CliProfile, Inputs, Timeline};
use saml_core::{AsOfSource, Timestamp};
use saml_diagnosis::{Options, Quiet};
use saml_render::sessions::SessionsReport;

use crate::input::{self, Source};
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
    let reader = source.open()?;
    let options = Options {
        at,
        ..Options::default()
    };
    let diagnosis = input::diagnose(&source, reader, &options, &mut Quiet)?;
    let report = diagnosis
        .messages
        .into_iter()
        .find(|m| m.primary)
        .map(|m| m.report)
        .ok_or_else(|| {
            Failure(format!(
                "{}: no SAMLResponse in the capture",
                source.label()
            ))
        })?;
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

pub fn run(args: SessionsArgs) -> Result<u8, Failure> {
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
    let output = SessionsReport {
        timeline,
        answers,
        notes,
    };
    match args.format {
        Format::Json => crate::outln!("{}", output.json()),
        Format::Text => crate::out!("{}", output.text()),
    }
    Ok(0)
}

//! The subcommands: argument structs and what each one does.

use std::path::PathBuf;

use clap::Args;
use saml_core::decode::{self, MAX_INPUT_BYTES};
use saml_core::{AsOf, AsOfSource, RelayStateInput, Timestamp};

use crate::input::{self, Kind, Source};
use crate::render::{self, Diagnosis, MessageReport};
use crate::style::Style;
use crate::timings::{self, Phase};
use crate::{ColorChoice, Failure, Format};

#[derive(Args)]
pub struct DiagnoseArgs {
    /// A HAR capture, or a file holding a SAMLResponse (form value, base64, URL-encoded or
    /// XML); `-` or nothing reads standard input
    file: Option<PathBuf>,
    /// The RelayState the identity provider sends (its app's Relay State setting), for the
    /// Amazon Connect checks; a HAR capture carries its own
    #[arg(long, value_name = "URL")]
    relay_state: Option<String>,
    /// The identity provider's metadata (Azure AD: Federation Metadata XML), to verify
    /// signatures and the Issuer against what the IAM SAML provider should hold
    #[arg(long, value_name = "FILE")]
    metadata: Option<PathBuf>,
    /// Judge time rules at this instant (RFC 3339, e.g. 2024-05-14T09:31:09Z) instead of now;
    /// a HAR capture uses the time each message was sent
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// `text` for people, `json` for scripts, `html` for one self-contained page to attach to a
    /// ticket (timeline, timing picture, decoded assertion; no script, no secrets)
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write the report to this file instead of standard output (written whole or not at all)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(flatten)]
    aws: crate::aws::AwsArgs,
    #[command(flatten)]
    timing: crate::timings::TimingArgs,
}

/// How `diagnose` prints its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// For people
    Text,
    /// For scripts: one JSON object
    Json,
    /// One self-contained HTML page
    Html,
}

#[derive(Args)]
pub struct DecodeArgs {
    /// A file holding a SAML message in any encoding; `-` or nothing reads standard input
    file: Option<PathBuf>,
    /// `text` prints the XML, indented; `json` prints the typed model
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
pub struct ExtractArgs {
    /// A HAR capture; `-` or nothing reads standard input
    file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print the decoded XML of each message
    #[arg(long)]
    raw: bool,
    #[command(flatten)]
    timing: crate::timings::TimingArgs,
}

pub fn now() -> Timestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp::from_unix_millis(millis)
}

fn as_of(at: Option<&str>) -> Result<AsOf, Failure> {
    Ok(match at {
        Some(at) => AsOf {
            instant: Timestamp::parse(at).map_err(|e| Failure(format!("--at: {e}")))?,
            source: AsOfSource::Given,
        },
        None => AsOf {
            instant: now(),
            source: AsOfSource::Now,
        },
    })
}

pub fn diagnose(args: DiagnoseArgs) -> Result<u8, Failure> {
    let started = std::time::Instant::now();
    let source = Source::from_arg(args.file.as_deref());
    let mut reader = source.open()?;
    let given_at = args.at.as_deref().map(|at| as_of(Some(at))).transpose()?;
    let metadata = args.metadata.as_deref().map(read_metadata).transpose()?;
    let mut steps = None;
    let (capture_findings, mut messages) = match input::sniff(&source, &mut *reader)? {
        Kind::Har => {
            let (findings, messages, capture_steps) = crate::har_input::diagnose(
                &source,
                reader,
                given_at,
                args.relay_state,
                metadata.as_ref(),
            )?;
            steps = Some(capture_steps);
            (findings, messages)
        }
        Kind::Saml => {
            let bytes = timings::time(Phase::Reading, || {
                input::read_bounded(&mut *reader, MAX_INPUT_BYTES)
            })?;
            timings::read_bytes(bytes.len() as u64);
            let relay = match args.relay_state {
                Some(url) => RelayStateInput::Present(url),
                None => RelayStateInput::Unknown,
            };
            let at = match given_at {
                Some(at) => at,
                None => as_of(None)?,
            };
            let ctx = saml_core::Context {
                as_of: at,
                relay_state: relay,
                metadata: metadata.as_ref(),
            };
            let decoded = timings::time(Phase::Decoding, || decode::decode(&bytes).ok());
            let mut report = timings::time(Phase::Verification, || match &decoded {
                Some(d) => saml_core::diagnose_decoded_in(d, &ctx),
                None => saml_core::diagnose_in(&bytes, &ctx),
            });
            add_account_skips(&mut report);
            let rerun = decoded.map(|decoded| crate::aws::Rerun {
                relay_state: ctx.relay_state.clone(),
                decoded,
            });
            (
                Vec::new(),
                vec![MessageReport {
                    location: None,
                    primary: true,
                    report,
                    rerun,
                }],
            )
        }
    };
    if args.aws.aws {
        timings::time(Phase::AccountChecks, || {
            crate::aws::check(&args.aws, &mut messages, metadata.as_ref())
        })?;
    }
    let diagnosis = Diagnosis::new(source.label(), capture_findings, messages);
    let report = match args.format {
        ReportFormat::Json => format!("{}\n", render::json(&diagnosis)),
        ReportFormat::Text => {
            // A file gets no colour unless asked for.
            let color = match (&args.output, args.color) {
                (Some(_), ColorChoice::Auto) => ColorChoice::Never,
                (_, c) => c,
            };
            render::text(&diagnosis, Style::for_stdout(color))
        }
        ReportFormat::Html => crate::html::render(&diagnosis, steps.as_ref(), args.aws.aws),
    };
    match &args.output {
        Some(path) => write_whole(path, report.as_bytes())?,
        None => crate::out!("{report}"),
    }
    timings::report(args.timing.timings, started);
    Ok(diagnosis.exit_code())
}

/// Where an output is written before it is renamed to `path`: beside it, `<name>.partial`.
fn partial_path(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// Writes `bytes` beside `path` and renames it into place, so a failed run leaves no half
/// report; a device or FIFO (not a regular file) is written directly.
fn write_whole(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure(format!("cannot write {}: {e}", path.display()));
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::write(path, bytes).map_err(fail);
    }
    let tmp = partial_path(path);
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Account checks do not run offline: say so for each, for a message that parsed as a Response.
pub fn add_account_skips(report: &mut saml_core::Report) {
    if report.response().is_some() {
        let reason = "not run offline, `--aws` verifies it in the account";
        // An Identity Center sign-in has Identity Center's account checks, not IAM's and Connect's.
        let skips = if report.facts.identity_center.is_some() {
            connect_check::checks::identity_center::skipped(&report.facts, reason)
        } else {
            connect_check::skipped(&report.facts, reason)
        };
        report.findings.extend(skips);
    }
}

/// Reads and parses an identity provider's metadata file; failing to is a usage error.
fn read_metadata(path: &std::path::Path) -> Result<saml_core::metadata::Metadata, Failure> {
    let bytes =
        std::fs::read(path).map_err(|e| Failure(format!("--metadata {}: {e}", path.display())))?;
    if bytes.len() > 4 << 20 {
        return Err(Failure(format!(
            "--metadata {}: {} bytes is not identity-provider metadata (over 4 MiB)",
            path.display(),
            bytes.len()
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure(format!("--metadata {}: not UTF-8 text", path.display())))?;
    saml_core::metadata::parse(&text)
        .map_err(|e| Failure(format!("--metadata {}: {e}", path.display())))
}

#[derive(Args)]
pub struct MetadataArgs {
    /// An identity provider's SAML metadata (Federation Metadata XML)
    file: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// `saml-doctor metadata FILE`: what the metadata says, as AWS will read it.
pub fn metadata(args: MetadataArgs) -> Result<u8, Failure> {
    let md = read_metadata(&args.file)?;
    let certs: Vec<Result<saml_core::cert::Certificate, String>> = md
        .signing_certificates
        .iter()
        .map(|c| saml_core::cert::Certificate::from_base64(c).map_err(|e| e.to_string()))
        .collect();
    match args.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = certs
                .iter()
                .map(|c| match c {
                    Ok(c) => serde_json::to_value(c).unwrap_or_default(),
                    Err(e) => serde_json::json!({ "error": e }),
                })
                .collect();
            let out = serde_json::json!({ "entity_id": md.entity_id, "valid_until": md.valid_until, "signing_certificates": list });
            crate::outln!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| Failure(e.to_string()))?
            );
        }
        Format::Text => {
            let now = now();
            crate::outln!("entityID     {}", md.entity_id);
            match md.valid_until {
                Some(t) if t < now => {
                    crate::outln!("validUntil   {t} (passed: AWS refuses expired metadata)")
                }
                Some(t) => crate::outln!("validUntil   {t}"),
                None => crate::outln!("validUntil   (none)"),
            }
            crate::outln!(
                "{} signing certificate{}",
                certs.len(),
                if certs.len() == 1 { "" } else { "s" }
            );
            for (i, c) in certs.iter().enumerate() {
                match c {
                    Ok(c) => {
                        let state = if c.not_after < now {
                            " (EXPIRED)"
                        } else if c.not_after.millis_since(now) < 30 * 86_400_000 {
                            " (expires within 30 days)"
                        } else {
                            ""
                        };
                        crate::outln!("\n{}. {}", i + 1, c.subject);
                        crate::outln!("   serial       {}", c.serial);
                        crate::outln!("   SHA-256      {}", c.sha256_fingerprint);
                        crate::outln!("   valid        {} to {}{state}", c.not_before, c.not_after);
                        crate::outln!("   key          {}", c.key);
                    }
                    Err(e) => crate::outln!("\n{}. unreadable: {e}", i + 1),
                }
            }
        }
    }
    Ok(u8::from(
        certs.iter().any(Result::is_err) || certs.is_empty(),
    ))
}

pub fn decode(args: DecodeArgs) -> Result<u8, Failure> {
    let source = Source::from_arg(args.file.as_deref());
    let mut reader = source.open()?;
    let bytes = input::read_bounded(&mut *reader, MAX_INPUT_BYTES)?;
    let decoded = match decode::decode(&bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("saml-doctor: {}: {} ({})", source.label(), e, e.code());
            return Ok(1);
        }
    };
    match args.format {
        Format::Text => {
            match saml_core::xml::parse(&decoded.xml, saml_core::xml::Limits::default()) {
                Ok(root) if !is_saml(&root) => {
                    crate::out!("{}", root.to_pretty_string());
                    eprintln!(
                        "saml-doctor: {}: the XML is not a SAML message (its root is <{}>)",
                        source.label(),
                        root.name
                    );
                    return Ok(1);
                }
                Ok(root) => crate::out!("{}", root.to_pretty_string()),
                Err(e) => {
                    eprintln!(
                        "saml-doctor: {}: {e} (saml_not_xml); the decoded text follows",
                        source.label()
                    );
                    crate::outln!("{}", decoded.xml);
                    return Ok(1);
                }
            }
        }
        Format::Json => {
            let message = saml_core::model::parse(&decoded.xml).map_err(|e| e.to_string());
            let out = serde_json::json!({
                "transport": decoded.transport,
                "field": decoded.field,
                "relay_state": decoded.relay_state,
                "encoded_chars": decoded.encoded_chars,
                "message": message.as_ref().ok(),
                "error": message.as_ref().err(),
            });
            crate::outln!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| Failure(e.to_string()))?
            );
            if message.is_err() {
                return Ok(1);
            }
        }
    }
    Ok(0)
}

fn is_saml(root: &saml_core::xml::Element) -> bool {
    matches!(
        root.namespace.as_deref(),
        Some(saml_core::model::NS_PROTOCOL | saml_core::model::NS_ASSERTION)
    )
}

pub fn extract(args: ExtractArgs) -> Result<u8, Failure> {
    let started = std::time::Instant::now();
    let source = Source::from_arg(args.file.as_deref());
    let reader = source.open()?;
    let status = crate::har_input::extract(&source, reader, args.format, args.raw)?;
    timings::report(args.timing.timings, started);
    Ok(status)
}

/// What `redact` does with the SAMLResponse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SamlChoice {
    /// Remove SignatureValue and DigestValue: still diagnosable, no longer usable
    Strip,
    /// Remove the whole SAMLResponse
    Drop,
    /// Leave it (a live credential until it expires)
    Keep,
}

#[derive(Args)]
pub struct RedactArgs {
    /// The HAR capture; `-` or nothing reads standard input
    file: Option<PathBuf>,
    /// Where to write the redacted HAR (default: standard output)
    #[arg(short, long, value_name = "OUT.har")]
    output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = SamlChoice::Strip)]
    saml: SamlChoice,
    /// Print what was redacted where (counts by kind, no values) on standard error
    #[arg(long)]
    report: bool,
}

pub fn redact(args: RedactArgs) -> Result<u8, Failure> {
    use har::redact::{RedactError, SamlMode};
    let source = Source::from_arg(args.file.as_deref());
    let reader = source.open()?;
    let mode = match args.saml {
        SamlChoice::Strip => SamlMode::Strip,
        SamlChoice::Drop => SamlMode::Drop,
        SamlChoice::Keep => SamlMode::Keep,
    };
    let result = match &args.output {
        // A regular file (or a new one) is written beside the target and renamed into place, so
        // a failed run leaves no half-redacted file. Anything else (/dev/null, a FIFO) is written
        // directly: renaming over a device would replace it.
        Some(path) if std::fs::metadata(path).map(|m| m.is_file()).unwrap_or(true) => {
            let same_file = match (
                args.file.as_deref().map(std::fs::canonicalize),
                std::fs::canonicalize(path),
            ) {
                (Some(Ok(input)), Ok(output)) => input == output,
                _ => false,
            };
            if same_file {
                return Err(Failure(
                    "the output would overwrite the input: choose another -o".into(),
                ));
            }
            let tmp = partial_path(path);
            let file = std::fs::File::create(&tmp)
                .map_err(|e| Failure(format!("cannot write {}: {e}", tmp.display())))?;
            let result = har::redact::redact(reader, file, mode);
            match &result {
                Ok(_) => std::fs::rename(&tmp, path)
                    .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?,
                Err(_) => {
                    let _ = std::fs::remove_file(&tmp);
                }
            }
            result
        }
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
            har::redact::redact(reader, file, mode)
        }
        None => har::redact::redact(reader, std::io::stdout().lock(), mode),
    };
    let summary = match result {
        Ok(s) => s,
        Err(RedactError::NotHar(why)) => {
            eprintln!("saml-doctor: {}: {why} (har_unreadable)", source.label());
            return Ok(1);
        }
        Err(RedactError::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
        Err(e) => return Err(Failure(format!("{}: {e}", source.label()))),
    };
    if args.report {
        eprint!("{}", summary.report());
    }
    if summary.truncated {
        eprintln!("saml-doctor: warning: {} was cut short; the {} complete entries were kept (har_truncated)", source.label(), summary.entries);
    }
    Ok(0)
}

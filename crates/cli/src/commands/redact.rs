//! `saml-doctor redact`: a HAR made safe to attach to a support case (cookies, tokens, passwords
//! and keys replaced by markers; the SAMLResponse kept diagnosable but unusable), streamed.

use std::path::PathBuf;

use clap::Args;

use crate::input::Source;
use crate::output::partial_path;
use crate::Failure;

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

pub fn run(args: RedactArgs) -> Result<u8, Failure> {
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

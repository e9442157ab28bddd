//! `saml-doctor diagnose`: a HAR capture or a pasted SAML message in, the report out (text, JSON
//! or one HTML page), with the account checks when `--aws` is given.

use std::path::PathBuf;

use clap::Args;
use saml_core::Timestamp;
use saml_diagnosis::Options;

use crate::input::{self, Source};
use crate::progress::Terminal;
use crate::Failure;

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
    #[command(flatten)]
    keys: crate::keys::KeyArgs,
    #[command(flatten)]
    report: crate::report::ReportArgs,
}

pub fn run(args: DiagnoseArgs) -> Result<u8, Failure> {
    let source = Source::from_arg(args.file.as_deref());
    let reader = source.open()?;
    let mut terminal = Terminal::new(source.size());
    let options = Options {
        at: args
            .at
            .as_deref()
            .map(|at| Timestamp::parse(at).map_err(|e| Failure(format!("--at: {e}"))))
            .transpose()?,
        relay_state: args.relay_state.clone(),
        metadata: args.metadata.as_deref().map(read_metadata).transpose()?,
        decryption_keys: args.keys.read()?,
    };
    let diagnosis = input::diagnose(&source, reader, &options, &mut terminal)?;
    args.report
        .finish(diagnosis, options.metadata.as_ref(), terminal)
}

/// Reads and parses an identity provider's metadata file; failing to is a usage error.
pub fn read_metadata(path: &std::path::Path) -> Result<saml_core::metadata::Metadata, Failure> {
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

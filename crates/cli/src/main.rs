//! `saml-doctor`: finds out why a SAML sign-in into AWS / Amazon Connect fails and says how to
//! fix it. A thin layer: arguments, reading input, rendering; the work is in the libraries.
//!
//! Exit status: 0 no error finding (`trail`: no failed sign-in), 1 at least one, 2 the tool
//! could not run.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "saml-doctor",
    version,
    about = "Finds out why a SAML sign-in into AWS or Amazon Connect fails, and says how to fix it",
    after_help = "Exit status: 0 no error found, 1 at least one error found, 2 saml-doctor could not run.\nDocs: the finding codes are stable; `--format json` is for scripts."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Record a sign-in in Chrome, Chromium or Edge (fresh temporary profile) and diagnose it as
    /// it happens: start at the identity provider's app URL, sign in, read the cause and fix
    Capture(commands::capture::CaptureArgs),
    /// Diagnose a sign-in: a HAR capture, or a SAMLResponse in any encoding (form value,
    /// base64, URL-encoded, XML)
    Diagnose(commands::diagnose::DiagnoseArgs),
    /// Decode a SAMLResponse (or SAMLRequest) and print its XML, or its typed model as JSON
    Decode(commands::decode::DecodeArgs),
    /// List the SAML messages found in a HAR capture
    Extract(commands::extract::ExtractArgs),
    /// Show an identity provider's metadata: entityID, signing certificates, validUntil
    Metadata(commands::metadata::MetadataArgs),
    /// Audit IAM SAML providers, role trust policies and Amazon Connect usernames before anyone
    /// signs in: the account of the credentials, or every account of an organization
    Audit(commands::audit::AuditArgs),
    /// Print the least-privilege IAM policy `diagnose --aws` needs (`--for audit`: the audit's)
    AwsPolicy(aws::PolicyArgs),
    /// Make a HAR safe to attach to a support case: cookies, tokens, passwords and keys are
    /// replaced by markers; the SAMLResponse stays diagnosable but unusable
    Redact(commands::redact::RedactArgs),
    /// Write Amazon Connect SAML configuration: relay state, federation policy, trust policy
    #[command(subcommand)]
    Connect(commands::setup::ConnectCommand),
    /// Explain a finding code: what AWS does, why it fails, how to fix it
    Explain(commands::explain::ExplainArgs),
    /// Print a shell completion script
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff)
    Man,
    /// IAM Identity Center: when each session of a sign-in ends, why a user was signed out,
    /// until when a removed user can still act
    Sessions(commands::sessions::SessionsArgs),
    /// Who failed to sign in, and why: SAML sign-in failures in CloudTrail grouped by cause
    /// (trail folders and log files, the account's event history, or one query on Athena)
    Trail(commands::trail::TrailArgs),
}

/// How to print results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people
    Text,
    /// For scripts: one JSON object
    Json,
}

/// When to use colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Only on a terminal, and not when NO_COLOR is set
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether standard output gets colour: always, never, or on a terminal when NO_COLOR is
    /// unset.
    pub fn on_stdout(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::IsTerminal::is_terminal(&std::io::stdout())
            }
        }
    }
}

/// What went wrong when the tool could not do its job (exit status 2).
#[derive(Debug)]
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

/// Writes to stdout; when the reader has gone (`saml-doctor … | head`), ends quietly instead of
/// panicking, as ripgrep does.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("saml-doctor: cannot write output: {e}");
        std::process::exit(2);
    }
}

macro_rules! out {
    ($($arg:tt)*) => { $crate::emit(&format!($($arg)*)) };
}
macro_rules! outln {
    ($($arg:tt)*) => { $crate::emit(&format!("{}\n", format!($($arg)*))) };
}
pub(crate) use {out, outln};

mod aws;
mod commands;
mod input;
mod keys;
mod output;
mod progress;
mod report;

fn man_page() -> Result<u8, Failure> {
    let mut out = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out)?;
    emit(&String::from_utf8_lossy(&out));
    Ok(0)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Capture(args) => commands::capture::run(args),
        Command::Diagnose(args) => commands::diagnose::run(args),
        Command::Decode(args) => commands::decode::run(args),
        Command::Extract(args) => commands::extract::run(args),
        Command::Metadata(args) => commands::metadata::run(args),
        Command::Audit(args) => commands::audit::run(args),
        Command::AwsPolicy(args) => aws::policy(args),
        Command::Redact(args) => commands::redact::run(args),
        Command::Connect(command) => commands::setup::connect(command),
        Command::Explain(args) => commands::explain::run(args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "saml-doctor",
                &mut script,
            );
            emit(&String::from_utf8_lossy(&script));
            Ok(0)
        }
        Command::Man => man_page(),
        Command::Sessions(args) => commands::sessions::run(args),
        Command::Trail(args) => commands::trail::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure(message)) => {
            eprintln!("saml-doctor: {message}");
            ExitCode::from(2)
        }
    }
}

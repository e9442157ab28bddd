//! How a diagnosis ends, the same for `diagnose` and `capture`: the account checks when `--aws`
//! is given, the report rendered as `--format` says (text, JSON or one HTML page), written to
//! standard output or whole to `-o FILE`, the timing line, and the exit status.

use std::path::Path;

use clap::Args;
use saml_core::metadata::Metadata;
use saml_diagnosis::{Diagnosis, Observer, Phase};

use crate::output::{OutputArgs, ReportFormat};
use crate::progress::{Terminal, TimingArgs};
use crate::Failure;

/// The flags that say how a diagnosis is reported.
#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub printed: OutputArgs,
    #[command(flatten)]
    pub aws: crate::aws::AwsArgs,
    #[command(flatten)]
    pub timing: TimingArgs,
}

impl ReportArgs {
    /// Where the report goes, when not to standard output.
    pub fn file(&self) -> Option<&Path> {
        self.printed.output.as_deref()
    }

    /// Ends a run: the account checks (with `--aws`), the report written, the timing line; the
    /// exit status is 1 when the diagnosis holds an error finding, else 0.
    pub fn finish(
        &self,
        mut diagnosis: Diagnosis,
        metadata: Option<&Metadata>,
        mut terminal: Terminal,
    ) -> Result<u8, Failure> {
        if self.aws.aws {
            let started = std::time::Instant::now();
            self.aws.check(&mut diagnosis, metadata)?;
            diagnosis.account_checked = true;
            terminal.spent(Phase::AccountChecks, started.elapsed());
        }
        let report = match self.printed.format {
            ReportFormat::Json => format!("{}\n", saml_render::json(&diagnosis)),
            ReportFormat::Text => saml_render::text(&diagnosis, self.printed.style()),
            ReportFormat::Html => saml_render::html::render(&diagnosis),
        };
        self.printed.write(&report)?;
        terminal.finish(self.timing.timings);
        Ok(u8::from(diagnosis.has_errors()))
    }
}

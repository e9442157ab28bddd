//! How a diagnosis ends, the same for `diagnose` and `capture`: the account checks when `--aws`
//! is given, the report rendered as `--format` says (text, JSON or one HTML page), written to
//! standard output or whole to `-o FILE`, the timing line, and the exit status.

use std::path::{Path, PathBuf};

use clap::Args;
use saml_core::metadata::Metadata;
use saml_diagnosis::{Diagnosis, Observer, Phase};
use saml_render::Style;

use crate::output::ReportFormat;
use crate::progress::{Terminal, TimingArgs};
use crate::{ColorChoice, Failure};

/// The flags that say how a diagnosis is reported.
#[derive(Args)]
pub struct ReportArgs {
    /// `text` for people, `json` for scripts, `html` for one self-contained page to attach to a
    /// ticket (timeline, timing picture, decoded assertion; no script, no secrets)
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output (written whole or not at all)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub aws: crate::aws::AwsArgs,
    #[command(flatten)]
    pub timing: TimingArgs,
}

impl ReportArgs {
    /// Where the report goes, when not to standard output.
    pub fn file(&self) -> Option<&Path> {
        self.output.as_deref()
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
        let report = match self.format {
            ReportFormat::Json => format!("{}\n", saml_render::json(&diagnosis)),
            ReportFormat::Text => {
                // A file gets no colour unless asked for.
                let color = match (&self.output, self.color) {
                    (Some(_), ColorChoice::Auto) => ColorChoice::Never,
                    (_, c) => c,
                };
                saml_render::text(&diagnosis, Style::new(color.on_stdout()))
            }
            ReportFormat::Html => saml_render::html::render(&diagnosis),
        };
        crate::output::report(self.file(), &report)?;
        terminal.finish(self.timing.timings);
        Ok(u8::from(diagnosis.has_errors()))
    }
}

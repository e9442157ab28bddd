//! Writing what a command produced: in which format ([`ReportFormat`]), to standard output
//! (quietly ending when the reader has gone), or to a file written whole or not at all; and the
//! flags of a report with colour ([`OutputArgs`]: `diagnose`, `capture`, `audit`).

use std::path::{Path, PathBuf};

use clap::Args;
use saml_render::Style;

use crate::{ColorChoice, Failure};

/// The flags of a report: its format, where it goes, and colour.
#[derive(Args)]
pub struct OutputArgs {
    /// `text` for people, `json` for scripts, `html` for one self-contained page to attach to a
    /// ticket (no script, no secrets)
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output (written whole or not at all)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl OutputArgs {
    /// The text report's colours: as `--color` says, and none in a file unless asked for.
    pub fn style(&self) -> Style {
        let color = match (&self.output, self.color) {
            (Some(_), ColorChoice::Auto) => ColorChoice::Never,
            (_, c) => c,
        };
        Style::new(color.on_stdout())
    }

    /// Writes the report where `--output` says.
    pub fn write(&self, report: &str) -> Result<(), Failure> {
        self::report(self.output.as_deref(), report)
    }
}

/// How a command with a page (`diagnose`, `capture`, `trail`, `audit`) prints its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// For people
    Text,
    /// For scripts: one JSON object
    Json,
    /// One self-contained HTML page
    Html,
}

/// Where an output is written before it is renamed to `path`: beside it, `<name>.partial`.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// Writes `bytes` beside `path` and renames it into place, so a failed run leaves no half
/// report; a device or FIFO (not a regular file) is written directly.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
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

/// Writes a report to `path`, or to standard output without one.
pub fn report(path: Option<&Path>, text: &str) -> Result<(), Failure> {
    match path {
        Some(path) => write_whole(path, text.as_bytes()),
        None => {
            crate::emit(text);
            Ok(())
        }
    }
}

//! Writing what a command produced: in which format ([`ReportFormat`]), to standard output
//! (quietly ending when the reader has gone), or to a file written whole or not at all.

use std::path::{Path, PathBuf};

use crate::Failure;

/// How a command with a page (`diagnose`, `capture`, `trail`) prints its report.
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

//! Scans one HAR file with the library alone and prints what it found: entries, bytes and the
//! SAML messages. A small program to profile the scanner with, without the CLI's dependencies.
//!
//!     cargo run --release -p saml-har --example scan -- capture.har

use std::fs::File;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: scan <capture.har>");
        return ExitCode::from(2);
    };
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot open {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    // A file's reads never block for long: it can be read ahead on a thread of its own.
    let scanned = if std::env::var_os("SCAN_ONE_THREAD").is_some() {
        har::scan(file, |_| {})
    } else {
        har::scan_read_ahead(file, |_| {})
    };
    match scanned {
        Ok(capture) => {
            println!(
                "{} entries, {} bytes, {} messages, {} steps",
                capture.entries,
                capture.bytes,
                capture.messages.len(),
                capture.steps.steps.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

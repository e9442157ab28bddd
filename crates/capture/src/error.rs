//! Why a recording could not start or finish. Each message is one line a person can act on;
//! none carries a URL, cookie or body from the browser.

use std::path::PathBuf;

/// A recording that could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// No Chrome, Chromium or Edge was found on PATH or in the standard install locations.
    #[error("no Chrome, Chromium or Edge found (looked on PATH for {looked_for} and in {locations}): {hint}, or pass --browser PATH")]
    NoBrowser {
        /// The program names searched for on PATH.
        looked_for: String,
        /// The standard install locations checked.
        locations: String,
        /// How to install one on this operating system.
        hint: &'static str,
    },
    /// `--browser` names something that is not an executable file.
    #[error("--browser {}: {reason}", path.display())]
    BadBrowser {
        /// What was given.
        path: PathBuf,
        /// Why it cannot be run.
        reason: String,
    },
    /// Recording needs a facility this operating system does not offer here.
    #[error("{0}")]
    Unsupported(&'static str),
    /// The temporary profile directory could not be made.
    #[error("cannot create a temporary browser profile in {}: {source}", dir.display())]
    Profile {
        /// Where it was to be made.
        dir: PathBuf,
        /// The operating system's answer.
        source: std::io::Error,
    },
    /// The browser could not be started.
    #[error("cannot start the browser {}: {source}", browser.display())]
    Spawn {
        /// The executable.
        browser: PathBuf,
        /// The operating system's answer.
        source: std::io::Error,
    },
    /// The browser ended, or never answered, before the DevTools session was set up.
    #[error("the browser {} {what}{}", browser.display(), if stderr.is_empty() { String::new() } else { format!("; it said: {stderr}") })]
    NoDevTools {
        /// The executable.
        browser: PathBuf,
        /// What happened ("exited before answering over the DevTools pipe", ...).
        what: String,
        /// The last lines it wrote on stderr, with secrets redacted.
        stderr: String,
    },
    /// The browser refused a command the recording depends on.
    #[error("the browser refused {method}: {message}")]
    Refused {
        /// The DevTools method.
        method: &'static str,
        /// The browser's error message.
        message: String,
    },
    /// Writing the recording failed.
    #[error("cannot write the capture: {0}")]
    Write(#[source] std::io::Error),
    /// Redacting the recording failed (the HAR this crate made was not readable back).
    #[error("cannot redact the capture: {0}")]
    Redact(#[from] har::redact::RedactError),
}

//! saml-capture: records a sign-in in a real browser (Chrome, Chromium or Edge) and turns it into
//! a HAR 1.2 capture, reporting each SAML message the moment the browser sends it.
//!
//! The browser runs with a fresh temporary profile (deleted afterwards, even on Ctrl-C, a crash
//! of the browser, or this process being killed) and is driven over the DevTools protocol
//! through a pipe (`--remote-debugging-pipe`): no port is opened that anything else could
//! attach to. Every request is recorded with its method, URL, status, headers and timing; POST
//! bodies are taken before the request is sent (so a POST to an unreachable AWS is kept); the
//! bodies of pages that can carry SAML (HTML: the identity provider's auto-post form, error
//! pages) are fetched.
//!
//! ```no_run
//! let options = capture::Options {
//!     start_url: Some("https://myapps.microsoft.com/".into()),
//!     ..Default::default()
//! };
//! let mut session = capture::Session::start(options)?;
//! while let Some(event) = session.next_event()? {
//!     if let capture::Event::Saml(seen) = &event {
//!         // Diagnose `seen.found` (or `session.har_so_far()`) now.
//!         let _ = seen.is_response_posted_to_aws();
//!     }
//! }
//! let recording = session.finish()?;
//! recording.write_har(std::fs::File::create("out.har")?, har::redact::SamlMode::Keep)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Unix only (Linux, macOS): the pipe is handed to the browser as file descriptors 3 and 4.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod discover;
pub mod end;
mod error;
pub mod event;
mod har_out;
pub mod launch;
pub mod profile;
pub mod protocol;
pub mod record;
mod recorder;
mod recording;
mod saml;
mod session;
mod signals;
pub mod transport;

use std::path::PathBuf;
use std::time::Duration;

pub use end::{End, Settle, Until};
pub use error::CaptureError;
pub use event::{Event, PageLoaded, SamlSeen};
pub use record::{Page, PostState, Request};
pub use recording::Recording;
pub use session::{record, Session};

/// How to record.
#[derive(Debug, Clone)]
pub struct Options {
    /// The browser to run (`--browser`): a path, or a name on PATH. Found when `None`.
    pub browser: Option<PathBuf>,
    /// Extra browser arguments (`--browser-arg`), passed through as given, after ours.
    pub browser_args: Vec<String>,
    /// Run without a window (`--headless`).
    pub headless: bool,
    /// The first page (`START_URL`); a short hint page when `None`.
    pub start_url: Option<String>,
    /// When the recording ends (`--until`).
    pub until: Until,
    /// Ends a recording that has not ended by then (`--timeout`).
    pub timeout: Option<Duration>,
    /// How long the page after the SAML POST may take to settle (`--until saml`).
    pub settle: Settle,
    /// How long the browser may take to answer at start.
    pub startup_timeout: Duration,
    /// POST bodies up to this many bytes come with the request's own event; longer ones are
    /// fetched with `Network.getRequestPostData` while the request is under way.
    pub max_inline_post: u64,
    /// Where the temporary profile is made (the system's temporary directory when `None`).
    pub temp_dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            browser: None,
            browser_args: Vec::new(),
            headless: false,
            start_url: None,
            until: Until::Saml,
            timeout: None,
            settle: Settle::default(),
            startup_timeout: Duration::from_secs(30),
            max_inline_post: 1024 * 1024,
            temp_dir: None,
        }
    }
}

/// A URL as it may be shown: scheme, host and path (tokens in the path redacted, long segments
/// cut) and the *names* of its query parameters, never their values (the reports' own rule).
pub use har::steps::display_url;

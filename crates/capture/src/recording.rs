//! A finished recording: its requests and pages, the SAML messages seen, why it ended, and its
//! HAR, raw for a diagnosis in this process or redacted for a file.

use std::io::Write;
use std::path::PathBuf;

use har::redact::{SamlMode, Summary};

use crate::end::End;
use crate::error::CaptureError;
use crate::record::{Page, Request};
use crate::saml::SamlSeen;

/// What a session recorded.
#[derive(Debug, Clone)]
pub struct Recording {
    /// Why it ended.
    pub end: End,
    /// Every request, in the order they started (a redirect chain is one per hop): the HAR's
    /// entries, in the same order, so an `entry` index names both.
    pub requests: Vec<Request>,
    /// Every top-level document of every tab and popup.
    pub pages: Vec<Page>,
    /// The browser's product string (`Chrome/156.0.8078.114`).
    pub browser: Option<String>,
    /// Every SAML message seen, in order, as reported by the session's events.
    pub saml: Vec<SamlSeen>,
    /// Requests not recorded for being over the recording's bounds.
    pub dropped_requests: usize,
    /// Messages from the browser that could not be read.
    pub unreadable_messages: usize,
    /// The temporary profile, if it could not be deleted (a warning for the user).
    pub leftover_profile: Option<PathBuf>,
}

impl Recording {
    /// The recording as HAR 1.2 bytes, unredacted: cookies, tokens and the live SAMLResponse
    /// are in it. For a diagnosis in this process (`har::scan` reads it); never write it to a
    /// file or print it: use [`Recording::write_har`].
    pub fn har(&self) -> Vec<u8> {
        har_bytes(&self.requests, &self.pages, self.browser.as_deref())
    }

    /// Writes the recording as a HAR 1.2 file redacted by `saml-doctor redact`'s rules:
    /// cookies, authorization headers, tokens, passwords, JWTs and AWS keys become markers;
    /// the SAMLResponse is handled as `saml` says ([`SamlMode::Strip`] keeps it diagnosable but
    /// unusable, [`SamlMode::Keep`] leaves it whole, so `diagnose` gives the same findings).
    pub fn write_har<W: Write>(&self, out: W, saml: SamlMode) -> Result<Summary, CaptureError> {
        Ok(har::redact::redact(self.har().as_slice(), out, saml)?)
    }

    /// Hosts whose pages were visited, in order of first visit.
    pub fn hosts_visited(&self) -> Vec<String> {
        crate::record::hosts_visited(&self.requests)
    }
}

/// The HAR of `requests` and `pages` in memory.
pub(crate) fn har_bytes(requests: &[Request], pages: &[Page], browser: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and every value serializes (non-finite numbers as null).
    let _ = crate::har_out::write(requests, pages, browser, &mut out);
    out
}

//! When a recording ends, and why: after the first SAMLResponse was posted to AWS and the page
//! after it settled or failed (`--until saml`), when the window closes (`--until close`), at
//! the timeout, on Ctrl-C, or when the browser goes away.

use std::time::{Duration, Instant};

use crate::recorder::Recorder;

/// The end condition a caller chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Until {
    /// After the first SAMLResponse posted to an AWS endpoint and the page after it.
    #[default]
    Saml,
    /// When the user closes the browser window (every tab and popup).
    Close,
}

/// Why a recording ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// A SAMLResponse was posted to AWS (request `entry`) and the page after it settled or
    /// failed.
    SamlPosted {
        /// The POST's index among the recording's requests.
        entry: usize,
    },
    /// Every window was closed.
    WindowClosed,
    /// The timeout passed; `hosts` are the hosts whose pages were visited, in order.
    Timeout {
        /// Hosts of the top-level pages, in order of first visit.
        hosts: Vec<String>,
    },
    /// Ctrl-C, SIGTERM or SIGHUP.
    Interrupted,
    /// The browser exited with windows still open (it crashed or was killed).
    BrowserExited,
    /// The caller finished the session before any end condition.
    Stopped,
}

/// How long the page after the SAML POST may take to settle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settle {
    /// Once the POST's redirect chain ended: the longest wait for the next page's load event.
    pub quiet: Duration,
    /// From the POST: the longest wait in all (AWS's console can keep loading for long).
    pub max: Duration,
}

impl Default for Settle {
    fn default() -> Self {
        Settle {
            quiet: Duration::from_millis(1500),
            max: Duration::from_secs(20),
        }
    }
}

/// Follows the SAML POST to AWS until the page after it settled.
#[derive(Debug, Clone)]
pub(crate) struct SettleWatch {
    entry: usize,
    posted_at: Instant,
    chain_ended_at: Option<Instant>,
}

impl SettleWatch {
    /// Starts following request `entry`, posted at `now`.
    pub(crate) fn new(entry: usize, now: Instant) -> SettleWatch {
        SettleWatch {
            entry,
            posted_at: now,
            chain_ended_at: None,
        }
    }

    /// The POST's index.
    pub(crate) fn entry(&self) -> usize {
        self.entry
    }

    /// True once the page after the POST settled: the POST's redirect chain ended (failed, or
    /// reached a response that is not a redirect) and then its tab fired a load event or
    /// `settle.quiet` passed; or `settle.max` passed since the POST.
    pub(crate) fn settled(&mut self, rec: &Recorder, now: Instant, settle: Settle) -> bool {
        if now.duration_since(self.posted_at) >= settle.max {
            return true;
        }
        let Some((_failed, end, session)) = rec.chain_end(self.entry) else {
            return false;
        };
        let ended_at = *self.chain_ended_at.get_or_insert(now);
        rec.loaded_since(session, end) || now.duration_since(ended_at) >= settle.quiet
    }
}

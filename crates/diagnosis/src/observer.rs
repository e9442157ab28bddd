//! Progress and timing as callbacks: the library never writes to a terminal. A caller that wants
//! a progress bar or a timing line implements [`Observer`]; [`Quiet`] ignores everything.

use std::time::Duration;

use crate::model::MessageReport;

/// A part of the work, in the order a diagnosis goes through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Reading the input: for a HAR, the scan for SAML messages.
    Reading,
    /// URL, base64 and DEFLATE decoding of each message found.
    Decoding,
    /// The offline rules and signature verification.
    Verification,
    /// The AWS account checks.
    AccountChecks,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 4] = [
        Phase::Reading,
        Phase::Decoding,
        Phase::Verification,
        Phase::AccountChecks,
    ];

    /// The phase in words.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Reading => "reading",
            Phase::Decoding => "decoding",
            Phase::Verification => "verification",
            Phase::AccountChecks => "account checks",
        }
    }
}

/// What a diagnosis reports while it works. Every method has a default that does nothing.
pub trait Observer {
    /// `bytes` of the input have been read so far.
    fn progress(&mut self, bytes: u64) {
        let _ = bytes;
    }
    /// `spent` more time went into `phase`.
    fn spent(&mut self, phase: Phase, spent: Duration) {
        let _ = (phase, spent);
    }
    /// The whole input was `bytes` long.
    fn input_size(&mut self, bytes: u64) {
        let _ = bytes;
    }
    /// One SAML message has been diagnosed offline (before any account check).
    fn diagnosed(&mut self, message: &MessageReport) {
        let _ = message;
    }
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Observer for Quiet {}

/// Runs `work`, telling `observer` how long it took as `phase`.
pub(crate) fn timed<T>(observer: &mut dyn Observer, phase: Phase, work: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let out = work();
    observer.spent(phase, started.elapsed());
    out
}

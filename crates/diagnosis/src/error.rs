//! What stops a diagnosis from being made at all (as opposed to a finding, which is what a
//! diagnosis says about its input): the input cannot be read, or the account cannot be reached.

use std::io;

/// Why a diagnosis could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input could not be read (after reading started: a file that is not a capture is the
    /// `har_unreadable` finding, not this error).
    #[error("cannot read {input}: {source}")]
    Read {
        /// What was being read, as the report names it.
        input: String,
        /// What the reader said.
        #[source]
        source: io::Error,
    },
    /// The account checks could not start: no credentials, no region, a bad instance.
    #[error("{0}")]
    Account(String),
}

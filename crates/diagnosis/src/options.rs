//! What a caller may set for a diagnosis, and the clock it falls back on.

use saml_core::keys::DecryptionKey;
use saml_core::metadata::Metadata;
use saml_core::{AsOf, AsOfSource, Timestamp};

/// What a diagnosis is told besides its input.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Judge time rules at this instant, instead of the moment each message was sent (a
    /// capture) or now (a pasted message).
    pub at: Option<Timestamp>,
    /// The RelayState the identity provider sends, instead of the one a capture carries (a
    /// pasted message carries none: without it, the relay-state rules are one skipped check).
    pub relay_state: Option<String>,
    /// The identity provider's metadata: the keys signatures must verify with, and the Issuer.
    pub metadata: Option<Metadata>,
    /// The IAM SAML provider's private keys (it holds up to two): each EncryptedAssertion is
    /// decrypted with them and diagnosed like a plaintext assertion. Without one, it is reported
    /// as encrypted.
    pub decryption_keys: Vec<DecryptionKey>,
}

impl Options {
    /// The instant a message is judged at: `--at` when given, else `recorded` (when the capture
    /// recorded one), else now.
    pub fn as_of(&self, recorded: Option<Timestamp>) -> AsOf {
        match (self.at, recorded) {
            (Some(instant), _) => AsOf {
                instant,
                source: AsOfSource::Given,
            },
            (None, Some(instant)) => AsOf {
                instant,
                source: AsOfSource::CaptureTime,
            },
            (None, None) => AsOf {
                instant: now(),
                source: AsOfSource::Now,
            },
        }
    }
}

/// The current time, to the millisecond.
pub fn now() -> Timestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp::from_unix_millis(millis)
}

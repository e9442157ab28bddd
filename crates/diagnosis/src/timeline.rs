//! The capture as the timeline shows it: the sign-in's steps (from `saml-har`) and, for each
//! diagnosed message, where in those steps it was seen.

use har::steps::Steps;
use har::LocationKind;

/// Where one diagnosed message was seen in the capture.
#[derive(Debug, Clone)]
pub struct MessageSightings {
    /// (HAR entry, how it was carried), in capture order.
    pub seen: Vec<(usize, LocationKind)>,
    /// The entry whose moment counts: the POST to AWS, else the last sighting.
    pub key_entry: usize,
    /// The capture shows the browser posting it (to AWS, or to IAM Identity Center).
    pub posted: bool,
}

/// What the timeline needs from a HAR capture.
#[derive(Debug, Clone, Default)]
pub struct CaptureSteps {
    /// The sign-in's steps, bounded in number.
    pub steps: Steps,
    /// Complete entries read.
    pub entries: usize,
    /// One per diagnosed message, in the order of the diagnosis' messages.
    pub messages: Vec<MessageSightings>,
}

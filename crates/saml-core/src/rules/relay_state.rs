//! The relay-state rules of Amazon Connect: the RelayState that came with the response must be
//! the instance's federation URL, its destination URL-encoded.

use crate::aws::connect::ConnectRelayState;
use crate::aws::endpoints::encode_path;
use crate::check::Check;
use crate::code::Code;
use crate::finding::Finding;

/// What is known about the RelayState that came with the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayStateInput {
    /// Not known (a pasted response): the relay-state rules are skipped, not passed.
    Unknown,
    /// Known to be absent (the form post to AWS had none).
    Absent,
    /// The RelayState as it came.
    Present(String),
}

/// Relay-state rules for Amazon Connect.
pub fn check_relay_state(relay_state: &RelayStateInput) -> Vec<Finding> {
    match relay_state {
        RelayStateInput::Unknown => vec![Finding::skipped(
            Check::RelayState,
            "no RelayState was given with the response; pass --relay-state URL (the identity provider app's Relay State) or diagnose the HAR capture, which holds it",
        )],
        RelayStateInput::Absent => vec![Finding::new(Code::RelayStateMissing, "the sign-in POST to AWS carried no RelayState")],
        RelayStateInput::Present(url) => match ConnectRelayState::parse(url) {
            Err(why) => vec![Finding::new(Code::RelayStateMalformed, format!("the RelayState `{url}`: {why}")).with("relay_state", url.clone())],
            Ok(parsed) if !parsed.destination_encoded => vec![Finding::new(
                Code::RelayStateDestinationNotEncoded,
                format!("the RelayState's destination `{}` is not URL-encoded", parsed.destination.as_deref().unwrap_or_default()),
            )
            .with("relay_state", url.clone())
            .with("encoded_destination", encode_path(parsed.destination.as_deref().unwrap_or_default()))],
            Ok(_) => Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_state_rules() {
        assert_eq!(
            check_relay_state(&RelayStateInput::Unknown)[0].code,
            Code::CheckSkipped
        );
        assert_eq!(
            check_relay_state(&RelayStateInput::Absent)[0].code,
            Code::RelayStateMissing
        );
        let good = "https://us-east-1.console.aws.amazon.com/connect/federate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee?destination=%2Fconnect%2Fccp-v2";
        assert!(check_relay_state(&RelayStateInput::Present(good.into())).is_empty());
        let raw = good.replace("%2F", "/");
        let f = &check_relay_state(&RelayStateInput::Present(raw))[0];
        assert_eq!(f.code, Code::RelayStateDestinationNotEncoded);
        assert_eq!(
            f.evidence.get("encoded_destination"),
            Some("%2Fconnect%2Fccp-v2")
        );
        let bad = "https://<regionid>.console.aws.amazon.com/connect/federate/<instance-id>";
        assert_eq!(
            check_relay_state(&RelayStateInput::Present(bad.into()))[0].code,
            Code::RelayStateMalformed
        );
    }
}

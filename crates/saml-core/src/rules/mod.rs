//! The offline rules: what AWS and Amazon Connect check in a SAML sign-in, as pure functions
//! from a parsed response (and an explicit "as of" instant) to findings.
//!
//! - `protocol.rs`: status, assertions, endpoints, signatures present, Subject, Audience and
//!   the validity window ([`check_response`]).
//! - `attributes.rs`: Role, RoleSessionName, SessionDuration, SourceIdentity and session tags
//!   ([`check_aws_attributes`]).
//! - `relay_state.rs`: Amazon Connect's RelayState ([`check_relay_state`]).
//! - `attribute_names.rs`: the attribute names AWS reads.
//! - here: which rules run for the service a response signs in to
//!   ([`check_response_for_target`]). IAM Identity Center's own rules are in
//!   [`crate::identity_center`].

pub(crate) mod attribute_names;
pub(crate) mod attributes;
pub(crate) mod protocol;
pub(crate) mod relay_state;

pub use attribute_names::{
    ATTR_PRINCIPAL_TAG_PREFIX, ATTR_ROLE, ATTR_ROLE_CN, ATTR_ROLE_SESSION_NAME,
    ATTR_SESSION_DURATION, ATTR_SOURCE_IDENTITY, ATTR_TRANSITIVE_TAG_KEYS,
};
pub use attributes::check_aws_attributes;
pub use protocol::{check_response, CLOCK_SKEW_TOLERANCE_MILLIS, MAX_ASSERTION_AGE_MILLIS};
pub use relay_state::{check_relay_state, RelayStateInput};

use crate::finding::Finding;
use crate::identity_center;
use crate::model::Response;
use crate::time::AsOf;

/// Runs the rules of the service the response signs in to: IAM Identity Center's (in
/// [`identity_center`]) for a response addressed to it, IAM federation's otherwise.
pub fn check_response_for_target(response: &Response, as_of: &AsOf) -> Vec<Finding> {
    let findings = protocol::check_response(response, as_of);
    match identity_center::facts::detect(response) {
        Some(_) => identity_center::rules::check_response(response, findings),
        None => findings,
    }
}

//! IAM Identity Center's sessions, as arithmetic: when the access-portal session, the console
//! role sessions, the CLI's credentials and applications end, why a user was signed out at a
//! given moment, and until when a removed user can still act. Pure: no clock, no I/O.
//!
//! The rules, each from AWS's documentation:
//! - Access-portal session: 15 minutes to 90 days, 8 hours by default; changes apply to new
//!   sessions only. With an external IdP that sends `SessionNotOnOrAfter`, the session is the
//!   shorter of the two.
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/configure-user-session.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/user-interactive-sessions.html>
//!   ("Changes to session duration apply only to new sessions"),
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/user-session-duration-prereqs-considerations.html>
//!   (the seed article's "15 minutes to 7 days" is the 2023 range, since raised to 90 days).
//! - A permission set's SessionDuration (ISO-8601, `PT1H` to `PT12H`, default one hour) is the
//!   length of each role session opened from the portal; a role session continues after the
//!   portal session ends or is deleted.
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/authconcept.html>
//! - The CLI with an `sso-session` profile refreshes its token, and so its role credentials,
//!   until the portal session ends; a legacy profile (`sso_start_url` in the profile, no
//!   `sso-session`) has a non-refreshable token that lasts 8 hours. After a portal session ends
//!   or is deleted, the CLI can take up to an hour to stop; applications re-check the portal
//!   session every 60 minutes.
//!   <https://docs.aws.amazon.com/sdkref/latest/guide/feature-sso-credentials.html> ("Legacy
//!   non-refreshable configuration – Uses a fixed, eight-hour session"),
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/end-active-sessions.html> and the
//!   seed article (up to an hour for the CLI after a portal session ends).
//! - Cutting a user off at once: an inline Deny in the permission sets conditioned on
//!   `identitystore:userId` revokes the role sessions already issued.
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/authconcept-revoke-access.html>
//!
//! - `durations.rs`: AWS's session lengths and limits, and reading a duration.
//! - `timeline.rs`: when each session of one sign-in ends ([`Timeline`]).
//! - `answers.rs`: the two questions asked of a timeline ([`Timeline::why_signed_out`],
//!   [`Timeline::removed_user`]).

mod answers;
mod durations;
mod timeline;

pub use answers::{Answer, Question};
pub use durations::{
    parse_duration, InputError, APPLICATION_RECHECK_SECONDS, CLI_STOP_DELAY_SECONDS,
    LEGACY_CLI_TOKEN_SECONDS, MATCH_TOLERANCE_SECONDS, PERMISSION_SET_DEFAULT_SECONDS,
    PERMISSION_SET_MAX_SECONDS, PERMISSION_SET_MIN_SECONDS, PORTAL_DEFAULT_SECONDS,
    PORTAL_MAX_SECONDS, PORTAL_MIN_SECONDS,
};
pub use timeline::{CliProfile, Inputs, Session, SessionKind, Timeline};

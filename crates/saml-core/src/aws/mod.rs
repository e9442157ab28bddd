//! Typed AWS values a SAML sign-in carries: ARNs, the Role pair, RoleSessionName,
//! SessionDuration, session tags, SourceIdentity and the Amazon Connect relay-state URL.
//!
//! Each type can only hold a value AWS would accept; its parser says exactly which part of a
//! rejected value is wrong, because that sentence is what the user needs to fix it.
//!
//! - ARNs and partitions (`arn.rs`): [`Partition`], [`AccountId`], [`Region`], [`RoleArn`],
//!   [`SamlProviderArn`], [`RolePair`].
//! - Session values (`session.rs`): [`RoleSessionName`], [`SourceIdentity`],
//!   [`SessionDuration`], [`PrincipalTag`].
//! - Amazon Connect (`connect.rs`): [`InstanceId`], [`ConnectInstanceArn`],
//!   [`ConnectRelayState`].
//! - The Regions of each partition (`regions.rs`): [`Partition::regions`].
//! - [`endpoints`]: which URLs are IAM federation's SAML endpoints and Audiences, and the
//!   percent-encoding of console URLs.

pub(crate) mod arn;
pub(crate) mod connect;
pub mod endpoints;
mod newtype;
mod regions;
pub(crate) mod session;

pub use arn::{AccountId, Partition, Region, RoleArn, RolePair, SamlProviderArn};
pub use connect::{ConnectInstanceArn, ConnectRelayState, InstanceId};
pub use session::{
    is_session_name_char, PrincipalTag, RoleSessionName, SessionDuration, SourceIdentity,
    MAX_SESSION_TAGS,
};

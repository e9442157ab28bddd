//! Amazon Connect: the instance a SAML sign-in lands in and the user its RoleSessionName must
//! name. What the checks (`checks.rs`) ask of Connect is the [`ConnectApi`] trait (`api.rs`), so
//! they run on in-memory answers in tests and through the SDK ([`sdk::SdkConnect`]) in the
//! binary.

mod api;
pub(crate) mod checks;
#[cfg(feature = "aws")]
pub mod sdk;
#[cfg(test)]
pub(crate) mod tests;

pub use api::{ConnectApi, Instance, InstanceTarget, Match, User, UserPage, ACTIONS};

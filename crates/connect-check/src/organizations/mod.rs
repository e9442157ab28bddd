//! AWS Organizations: the service control policies (SCPs) above an account, which cap every
//! role in it. What the check (`checks.rs`: every level must allow the call) asks of
//! Organizations is the [`OrganizationsApi`] trait (`api.rs`), so it runs on in-memory answers
//! in tests and through the SDK ([`sdk::SdkOrganizations`]) in the binary.

mod api;
pub(crate) mod checks;
#[cfg(feature = "aws")]
pub mod sdk;

pub use api::{OrganizationLevel, OrganizationsApi, ACTIONS};

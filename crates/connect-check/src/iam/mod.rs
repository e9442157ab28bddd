//! IAM: the SAML provider that vouches for the identity provider, the role the assertion names
//! with its trust policy and permissions, and the policy evaluator that decides them as IAM
//! does ([`policy`]). What the checks (`checks/`) ask of IAM is the [`IamApi`] trait (`api.rs`),
//! so they run on in-memory answers in tests and through the SDK ([`sdk::SdkIam`]) in the
//! binary; [`Input`] is what they read from a diagnosed assertion.

mod api;
pub(crate) mod checks;
mod input;
pub mod policy;
#[cfg(feature = "aws")]
pub mod sdk;

pub use api::{IamApi, PolicyDocument, Role, SamlPrivateKey, SamlProvider, ACTIONS};
pub use input::Input;

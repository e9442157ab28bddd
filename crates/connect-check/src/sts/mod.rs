//! AWS STS: who the caller is, and reaching another account by assuming a role in it, which an
//! account audit does (the caller's account, or each member account of an organization). What
//! the audit asks of STS is the [`StsApi`] trait (`api.rs`), so it runs on in-memory accounts in
//! tests and through the SDK ([`sdk::SdkSts`]) in the binary.

mod api;
#[cfg(feature = "aws")]
pub mod sdk;

pub use api::{CallerIdentity, RoleSession, StsApi, ACTIONS};

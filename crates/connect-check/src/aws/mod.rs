//! One place that sets the AWS SDK up, for every service this crate reads and for the crates
//! that read more (CloudTrail, Athena): a [`Session`] loads the configuration once (profile,
//! region chain, credentials) on one HTTPS client ([`https_client`], rustls on ring), and each
//! service's adapter is made from it; [`classify`] and [`SdkResultExt`] turn any SDK error into
//! "does not exist" or an [`AccessError`](crate::access::AccessError), never a panic.

mod errors;
mod session;

pub use errors::{classify, Failure, SdkResultExt};
pub use session::{https_client, Session, SessionError};

//! connect-check: the checks of a SAML sign-in into AWS that need the AWS account, the IAM
//! policy evaluator they rest on, and generators for the configuration they check.
//!
//! Laid out by service, each with what the checks ask of it (a trait), the checks, and the AWS
//! SDK adapter side by side: [`connect`] (Amazon Connect), [`iam`] (IAM, with the policy
//! evaluator [`iam::policy`]), [`organizations`] (service control policies) and
//! [`identity_center`] (IAM Identity Center). [`iam_federation`] runs the checks of a sign-in
//! through an IAM SAML provider (Connect, IAM, Organizations); [`identity_center::run`] those of
//! an Identity Center sign-in. Offline, each check becomes one `check_skipped` finding that says
//! what it would verify ([`iam_federation::skipped`], [`identity_center::skipped`]), because an
//! unrun check is not a pass.
//!
//! Shared by every service: [`access`] (what a call answers when it does not), [`paging`] (one
//! way to read paged listings, with a page cap) and, with the `aws` feature, [`aws`] (one
//! [`Session`](aws::Session) that sets the SDK up, from which each adapter is made, and the
//! classification of SDK errors). [`checker_policy`] is the least-privilege policy the checks
//! need; [`setup`] writes the relay state and policies a sign-in needs.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
#[cfg(feature = "aws")]
pub mod aws;
mod checker_policy;
pub mod connect;
pub mod iam;
pub mod iam_federation;
pub mod identity_center;
pub mod organizations;
pub mod paging;
pub mod setup;
#[cfg(test)]
mod test_support;

pub use checker_policy::checker_policy;

/// The README's example, compiled as a doctest.
#[cfg(all(doctest, feature = "aws"))]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

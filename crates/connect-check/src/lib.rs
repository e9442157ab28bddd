//! connect-check: the checks of a SAML sign-in into AWS that need the AWS account, the IAM
//! policy evaluator they rest on, and generators for the configuration they check.
//!
//! Laid out by service, each with what the checks and the account audit (the `saml-audit` crate)
//! ask of it (one trait per service), the checks, and the AWS SDK adapter side by side:
//! [`connect`] (Amazon Connect), [`iam`] (IAM, with the policy evaluator [`iam::policy`]),
//! [`organizations`] (service control policies, the organization's accounts),
//! [`identity_center`] (IAM Identity Center) and [`sts`] (the caller, and assuming a role into
//! another account). [`iam_federation`] runs the checks of a sign-in
//! through an IAM SAML provider (Connect, IAM, Organizations); [`identity_center::run`] those of
//! an Identity Center sign-in. Offline, each check becomes one `check_skipped` finding that says
//! what it would verify ([`iam_federation::skipped`], [`identity_center::skipped`]), because an
//! unrun check is not a pass.
//!
//! Shared by every service: [`access`] (what a call answers when it does not), [`paging`] (one
//! way to read paged listings, with a page cap) and, with the `aws` feature, [`aws`] (one
//! [`Session`](aws::Session) that sets the SDK up, from which each adapter is made, and the
//! classification of SDK errors). [`permissions`] says which reading needs each IAM action the
//! services list, from which [`checker_policy`] and [`audit_policies`] assemble the
//! least-privilege policies; [`setup`] writes the relay state and policies a sign-in needs.

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
pub mod permissions;
pub mod setup;
pub mod sts;
#[cfg(test)]
mod test_support;

pub use checker_policy::{audit_policies, checker_policy, AuditPolicies};

/// The README's example, compiled as a doctest.
#[cfg(all(doctest, feature = "aws"))]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

//! saml-audit: the rules of `saml-doctor audit`, which finds the SAML sign-ins into AWS that will
//! fail before anyone tries: IAM SAML providers whose certificates or metadata expire or miss the
//! identity provider's current or next signing certificate, trust policies that name a missing
//! provider, do not allow `sts:AssumeRoleWithSAML` or expect a `SAML:aud` no sign-in has, and
//! Amazon Connect usernames that no RoleSessionName can ever equal.
//!
//! Pure: no AWS SDK, no clock, no files. An account is read through the traits of [`source`]
//! (the SDK adapters implement them; the tests use in-memory fakes keeping the documented
//! limits); its answers are the types of [`model`], shaped like the API's; each rule turns them
//! into `saml_core::Finding`s naming the account and the resource's ARN; an [`AccountReport`]
//! per account streams into an [`OrganizationReport`].
//!
//! The entry points: [`audit_account`] (one account's sources), [`audit_member`] (assume a role
//! into a member account, then audit it), [`list_member_accounts`] (the organization's accounts).

#![forbid(unsafe_code)]

mod audit;
pub mod connect;
pub mod context;
pub mod endpoints;
pub mod expect;
#[cfg(test)]
mod fake;
pub mod idp;
pub mod model;
pub mod options;
pub mod providers;
pub mod report;
pub mod roles;
pub mod source;

pub use audit::{audit_account, audit_member, list_member_accounts, MemberListError};
pub use context::AccountContext;
pub use expect::{ExpectError, ExpectedName, ExpectedNames, HeaderLine};
pub use idp::{IdpError, IdpMetadata, IdpSet, SigningPlan};
pub use options::{AuditOptions, DEFAULT_WARN_DAYS};
pub use report::{AccountReport, OrganizationReport, Summary};
pub use source::{
    AccessError, AccessResult, AccountAssumer, ConnectSource, IamSource, OrganizationSource,
    PagingError,
};

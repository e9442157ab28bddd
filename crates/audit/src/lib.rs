//! saml-audit: the rules of `saml-doctor audit`, which finds the SAML sign-ins into AWS that will
//! fail before anyone tries: IAM SAML providers whose certificates or metadata expire or miss the
//! identity provider's current or next signing certificate, trust policies that name a missing
//! provider, do not allow `sts:AssumeRoleWithSAML` or expect a `SAML:aud` no sign-in has, and
//! Amazon Connect usernames that no RoleSessionName can ever equal.
//!
//! Pure: no AWS SDK, no clock, no files, no runtime. An account is read through connect-check's
//! service traits (`IamApi`, `ConnectApi`, `OrganizationsApi`, `StsApi`: their SDK adapters in
//! the binary, in-memory fakes keeping the documented limits in the tests), whose answers are
//! shaped like the API's; each rule turns them into `saml_core::Finding`s naming the account and
//! the resource's ARN; an [`AccountReport`] per account streams into an [`OrganizationReport`].
//!
//! The entry points: [`audit_account`] (one account's IAM and Connect), [`caller_account`] (the
//! account the credentials belong to), [`audit_member`] (assume the audit role into a member
//! account, then audit it), [`audit_organization`] (every account of an organization, a few at a
//! time, with progress), [`list_member_accounts`] (the organization's accounts).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod audit;
mod concurrent;
pub mod connect;
pub mod context;
pub mod endpoints;
pub mod expect;
#[cfg(test)]
mod fake;
pub mod idp;
pub mod options;
pub mod organization;
pub mod providers;
pub mod report;
pub mod roles;

pub use audit::{audit_account, MAX_PAGES};
/// What a call answers when it does not (connect-check's), as the audit's reports name it.
pub use connect_check::access::AccessError;
pub use context::AccountContext;
pub use expect::{ExpectError, ExpectedName, ExpectedNames, HeaderLine};
pub use idp::{IdpError, IdpMetadata, IdpSet, SigningPlan};
pub use options::{AuditOptions, DEFAULT_WARN_DAYS};
pub use organization::{
    audit_member, audit_organization, caller_account, list_member_accounts, AuditRole,
    OrganizationPlan, Progress, DEFAULT_CONCURRENCY, SESSION_NAME,
};
pub use report::{AccountReport, OrganizationReport, Summary};

//! The IAM checks of a SAML sign-in, one file each: the SAML provider and its metadata
//! ([`provider`]) and its assertion encryption ([`encryption`]), the role and its trust policy
//! ([`role`]), and the role's permission to call `connect:GetFederationToken`
//! ([`federation_token`]). Each reports what it could not read as `check_skipped`, never as a
//! pass.

mod encryption;
mod federation_token;
mod provider;
mod role;

pub(crate) use federation_token::check_federation_token;
pub(crate) use provider::check_provider;
pub(crate) use role::check_role;

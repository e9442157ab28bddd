//! IAM Identity Center, all of it in one place: as the service provider of a SAML sign-in (its
//! URL grammar, how to tell its sign-ins from IAM federation's, the offline rules it applies
//! instead of the Role / RoleSessionName ones) and its sessions once signed in.
//!
//! - `urls.rs`: the ACS URL, the issuer URL (the Audience) and identity store ids.
//! - `facts.rs`: [`detect`], which tells an Identity Center response and reads its target.
//! - `rules.rs`: the offline rules ([`check_response`], [`check_posted_to`]).
//! - [`sessions`]: when each session of a sign-in ends, as arithmetic.
//!
//! Facts, from AWS's documentation (checked 2026-11):
//! - The IdP posts to the ACS URL the console shows under Settings > Identity source > Manage
//!   authentication: `https://<region>.signin.aws/platform/saml/acs/<id>`, the dual-stack
//!   `https://<region>.sso.signin.aws/platform/saml/acs/<id>`, or for older instances
//!   `https://<region>.signin.aws.amazon.com/platform/saml/acs/<id>`; the audience (the "issuer URL")
//!   is `https://<region>.signin.aws.amazon.com/platform/saml/<identity-store-id>`
//!   (<https://docs.aws.amazon.com/singlesignon/latest/userguide/manage-your-identity-source-idp.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-iam-identity-center.html>:
//!   a multi-Region instance has one ACS URL per Region).
//! - Identity store ids match `d-[0-9a-f]{10}` (or a UUID): IdentityStoreId in
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_GetUserId.html>.
//! - NameID must use the emailAddress format and equal an existing user's user name; no
//!   just-in-time provisioning; one assertion per response; no encrypted assertions
//!   (<https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>).
//! - Attributes for access control: `https://aws.amazon.com/SAML/Attributes/AccessControl:<key>`,
//!   single-valued, at most 50, and they become session tags
//!   (<https://docs.aws.amazon.com/singlesignon/latest/userguide/attributemappingsconcept.html>,
//!   tag limits: <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>).
//!
//! Where AWS is silent, the rules below say so and take the reading that cannot pass a sign-in
//! AWS would refuse (ACS host aliases are compared by Region and id only; duplicated keys are
//! compared without regard to case, as session-tag keys are).

pub(crate) mod facts;
pub(crate) mod rules;
pub mod sessions;
pub(crate) mod urls;

pub use facts::{detect, IdentityCenterFacts};
pub use rules::{
    check_posted_to, check_response, looks_like_email, ATTR_ACCESS_CONTROL_PREFIX,
    MAX_ACCESS_CONTROL_ATTRIBUTES, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS, NAMEID_FORMAT_EMAIL,
};
pub use urls::{
    is_aws_saml_endpoint, is_identity_center_acs, is_identity_store_id, Acs, AcsHost, IssuerUrl,
};

//! IAM Identity Center: the instance and identity store the assertion's Audience names, the user
//! whose user name is the NameID (exact, then without regard to case), whether it is enabled,
//! and the permission sets it holds with their session durations. What the checks ([`run`]) ask
//! of its two APIs (sso-admin, identitystore) is the [`IdentityCenterApi`] trait, so they run on
//! recorded answers in tests and through the SDK ([`sdk::SdkIdentityCenter`]) in the binary;
//! offline, [`skipped`] says what each would verify.
//!
//! API references, each call:
//! - sso:ListInstances <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListInstances.html>
//! - identitystore:GetUserId, AlternateIdentifier.UniqueAttribute with AttributePath `userName`
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_GetUserId.html>
//! - identitystore:DescribeUser, UserStatus ENABLED | DISABLED
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_DescribeUser.html>
//! - identitystore:ListUsers (MaxResults 1-100, NextToken)
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_ListUsers.html>
//! - identitystore:ListGroupMembershipsForMember
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_ListGroupMembershipsForMember.html>
//! - sso:ListAccountAssignmentsForPrincipal (management account, organization instances only)
//!   <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListAccountAssignmentsForPrincipal.html>
//! - sso:DescribePermissionSet, SessionDuration ISO-8601 (PT1H default, up to PT12H)
//!   <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_DescribePermissionSet.html>
//!
//! Where the references are silent the code is right either way, and says so: whether GetUserId
//! compares user names case-sensitively (an exact answer is checked again against DescribeUser's
//! spelling; no answer falls back to a client-side comparison over ListUsers), and whether
//! ListAccountAssignmentsForPrincipal on a user includes what its groups hold (the user's groups
//! are asked too, and the answers merged).

mod api;
mod checks;
mod offline;
#[cfg(feature = "aws")]
pub mod sdk;
#[cfg(test)]
mod tests;

pub use api::{
    Assignment, IdentityCenterApi, Input, Instance, PermissionSet, Principal, User, UserKey,
    UserPage, ACTIONS,
};
pub use checks::{run, MAX_USER_PAGES};
pub use offline::skipped;

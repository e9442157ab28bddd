//! What the account audit asks of STS ([`StsApi`]) and the answers it reads, with the IAM actions
//! of those calls.

use saml_core::aws::RoleSessionName;

use crate::access::AccessResult;
use crate::connect::ConnectApi;
use crate::iam::IamApi;
use crate::permissions::{Action, Purpose};

/// The STS calls made that need a permission, as IAM actions. sts:GetCallerIdentity is also
/// called, and needs none (the STS API reference: "No permissions are required to perform this
/// operation", not even an explicit Deny stops it).
pub const ACTIONS: [Action; 1] = [Action::new("sts:AssumeRole", &[Purpose::AuditOrganization])];

/// GetCallerIdentity's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    /// `Account`: the account the credentials belong to.
    pub account: String,
    /// `Arn`: the caller (`arn:<partition>:sts::<account>:assumed-role/…`,
    /// `arn:<partition>:iam::<account>:user/…`), whose partition is the account's.
    pub arn: String,
}

/// The services of an account as an assumed role reaches them.
#[derive(Debug)]
pub struct RoleSession<I, C> {
    /// IAM, as the role.
    pub iam: I,
    /// Amazon Connect, as the role.
    pub connect: C,
}

/// What the account audit asks of STS.
#[allow(async_fn_in_trait)]
pub trait StsApi {
    /// IAM as an assumed role reaches it.
    type Iam: IamApi;
    /// Amazon Connect as an assumed role reaches it.
    type Connect: ConnectApi;
    /// sts:GetCallerIdentity: the account and ARN of the credentials in use.
    async fn caller_identity(&self) -> AccessResult<CallerIdentity>;
    /// sts:AssumeRole of `role_arn` as `session_name` (CloudTrail names the session with it):
    /// the role's account's services, as that role. `Err(Denied)` when the caller may not assume
    /// it (no permission, or the role does not exist or does not trust the caller: AWS answers
    /// AccessDenied for all three).
    async fn assume_role(
        &self,
        role_arn: &str,
        session_name: &RoleSessionName,
    ) -> AccessResult<RoleSession<Self::Iam, Self::Connect>>;
}

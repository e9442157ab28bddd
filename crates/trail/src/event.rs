//! The sign-in events CloudTrail records, reduced to the few fields the report needs.
//!
//! What is read, and from where (CloudTrail record contents; the IAM, STS, Amazon Connect and
//! IAM Identity Center logging guides):
//! - `AssumeRoleWithSAML` (`sts.amazonaws.com`): on success `userIdentity` is a `SAMLUser` whose
//!   `userName` is the NameID, `requestParameters` has `roleSessionName`, `roleArn` and
//!   `principalArn` (the SAML provider), `responseElements.assumedRoleUser.arn` names the
//!   session `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. A failure carries `errorCode` and
//!   `errorMessage`, and may lack `requestParameters`, `responseElements` and parts of
//!   `userIdentity` (STS did not accept the assertion, so it has no trusted NameID).
//! - `GetFederationToken` (`connect.amazonaws.com`): called by Amazon Connect as the session
//!   above (`userIdentity.arn` is the assumed-role ARN). `UserNotFoundException` when no Connect
//!   user is named like the session, `AccessDenied…` when the role may not call it.
//! - `ExternalIdPDirectoryLogin` (`signin.amazonaws.com`; also accepted from `sso.amazonaws.com`):
//!   IAM Identity Center refusing an external identity provider's assertion, with `errorCode`/
//!   `errorMessage` or `serviceEventDetails.ExternalIdPDirectoryLogin` = `Failure`.
//!   `userIdentity.userName`, `additionalEventData.UserName` or `userIdentity.onBehalfOf.userId`
//!   name the user.
//! - `UserAuthentication` (`signin.amazonaws.com`) with `additionalEventData.CredentialType`
//!   holding `EXTERNAL_IDP`: a successful IAM Identity Center sign-in through the identity
//!   provider.
//!
//! No credential is ever read: `responseElements.credentials` is skipped unread.

use saml_core::Timestamp;

/// Which service's rules classify an event's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// AWS STS: `AssumeRoleWithSAML`.
    Sts,
    /// Amazon Connect: `GetFederationToken`.
    Connect,
    /// IAM Identity Center sign-in.
    IdentityCenter,
}

/// The kinds of sign-in event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// STS `AssumeRoleWithSAML`, successful or failed: one sign-in attempt.
    AssumeRoleWithSaml,
    /// Amazon Connect refusing `GetFederationToken` (successful calls are not kept).
    FederationTokenRefused,
    /// IAM Identity Center refusing an external identity provider's assertion.
    IdcLoginFailed,
    /// IAM Identity Center signing a user in through the external identity provider.
    IdcLoginSucceeded,
}

impl EventKind {
    /// Whose rules classify its error.
    pub fn family(self) -> Family {
        match self {
            EventKind::AssumeRoleWithSaml => Family::Sts,
            EventKind::FederationTokenRefused => Family::Connect,
            EventKind::IdcLoginFailed | EventKind::IdcLoginSucceeded => Family::IdentityCenter,
        }
    }
}

/// Why an event failed, as CloudTrail recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `errorCode`, empty when the event has none.
    pub error_code: String,
    /// `errorMessage`, empty when the event has none.
    pub message: String,
}

impl Failure {
    /// The text a person reads: the message, else the error code.
    pub fn raw(&self) -> &str {
        if self.message.is_empty() {
            &self.error_code
        } else {
            &self.message
        }
    }
}

/// One sign-in event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInEvent {
    /// Which event it is.
    pub kind: EventKind,
    /// `eventID`: the same event delivered by several trails counts once.
    pub event_id: Option<String>,
    /// `eventTime`.
    pub time: Timestamp,
    /// `None` for a successful event.
    pub failure: Option<Failure>,
    /// Who: the NameID as the event gives it; else the role session name; else the
    /// identity-store user (see the module documentation for each kind).
    pub user: Option<String>,
    /// `recipientAccountId`, else `userIdentity.accountId`.
    pub account: Option<String>,
    /// The IAM role: `requestParameters.roleArn`, or derived from the assumed-role ARN.
    pub role: Option<String>,
    /// The IAM SAML provider: `requestParameters.principalArn`.
    pub identity_provider: Option<String>,
    /// The assumed-role session, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`: what a
    /// successful `AssumeRoleWithSAML` created, or what Connect's `GetFederationToken` ran as.
    pub session: Option<String>,
}

/// The parts of an assumed-role ARN `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssumedRole<'a> {
    /// `aws`, `aws-us-gov`, `aws-cn`.
    pub partition: &'a str,
    /// The 12-digit account.
    pub account: &'a str,
    /// The role's name.
    pub role: &'a str,
    /// The role session name (RoleSessionName of a SAML sign-in).
    pub session: &'a str,
}

impl<'a> AssumedRole<'a> {
    /// Splits an assumed-role ARN; `None` for anything else. Session names cannot hold `/`
    /// (STS's pattern is `[\w+=,.@-]*`) and assumed-role ARNs carry no role path.
    pub fn parse(arn: &'a str) -> Option<Self> {
        let mut colon = arn.splitn(6, ':');
        let (prefix, partition, service, _region, account, resource) = (
            colon.next()?,
            colon.next()?,
            colon.next()?,
            colon.next()?,
            colon.next()?,
            colon.next()?,
        );
        if prefix != "arn" || service != "sts" {
            return None;
        }
        let mut slash = resource.split('/');
        let (kind, role, session) = (slash.next()?, slash.next()?, slash.next()?);
        if kind != "assumed-role" || slash.next().is_some() || role.is_empty() || session.is_empty()
        {
            return None;
        }
        Some(Self {
            partition,
            account,
            role,
            session,
        })
    }

    /// The IAM role the session belongs to.
    pub fn role_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:role/{}",
            self.partition, self.account, self.role
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumed_role_arns() {
        let a = AssumedRole::parse(
            "arn:aws:sts::111122223333:assumed-role/Connect-Agents/jane@example.com",
        )
        .unwrap();
        assert_eq!(a.session, "jane@example.com");
        assert_eq!(a.account, "111122223333");
        assert_eq!(
            a.role_arn(),
            "arn:aws:iam::111122223333:role/Connect-Agents"
        );
        for bad in [
            "",
            "arn:aws:iam::111122223333:role/Connect-Agents",
            "arn:aws:sts::111122223333:assumed-role/Connect-Agents",
            "arn:aws:sts::111122223333:assumed-role/R/S/extra",
            "arn:aws:sts::111122223333:federated-user/bob",
        ] {
            assert_eq!(AssumedRole::parse(bad), None, "{bad}");
        }
    }
}

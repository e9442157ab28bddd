//! The key facts of a sign-in, read from the response for people to read before the findings:
//! who issued it (and which product that is), to whom, for which user and roles, valid when,
//! and whether a verified signature covers what is shown.

use serde::Serialize;

use crate::aws::arn::RolePair;
use crate::aws::connect::ConnectRelayState;
use crate::identity_center::facts::IdentityCenterFacts;
use crate::model::{self, Response};
use crate::rules::attribute_names::{
    ATTR_ROLE, ATTR_ROLE_CN, ATTR_ROLE_SESSION_NAME, ATTR_SESSION_DURATION,
};
use crate::time::Timestamp;

/// Which identity provider product issued a response, guessed from its Issuer, so advice can
/// name the right console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdpKind {
    /// Microsoft Entra ID (Azure AD).
    AzureAd,
    /// Okta.
    Okta,
    /// Active Directory Federation Services.
    Adfs,
    /// Google Workspace.
    Google,
    /// Ping Identity (PingOne, PingFederate).
    Ping,
    /// OneLogin.
    OneLogin,
    /// Shibboleth.
    Shibboleth,
    /// IAM Identity Center as the identity provider.
    IamIdentityCenter,
}

impl IdpKind {
    /// The product whose Issuer this looks like, if any.
    pub fn guess(issuer: &str) -> Option<Self> {
        let i = issuer.to_ascii_lowercase();
        Some(
            if i.contains("sts.windows.net") || i.contains("login.microsoftonline") {
                Self::AzureAd
            } else if i.contains("okta.com") || i.contains("oktapreview.com") {
                Self::Okta
            } else if i.contains("/adfs/services/trust") {
                Self::Adfs
            } else if i.contains("accounts.google.com") {
                Self::Google
            } else if i.contains("pingone") || i.contains("pingidentity") {
                Self::Ping
            } else if i.contains("onelogin.com") {
                Self::OneLogin
            } else if i.contains("shibboleth") || i.ends_with("/idp/shibboleth") {
                Self::Shibboleth
            } else if i.contains("portal.sso.") && i.contains("amazonaws.com") {
                Self::IamIdentityCenter
            } else {
                return None;
            },
        )
    }

    /// The product's name as its console shows it.
    pub fn name(self) -> &'static str {
        match self {
            Self::AzureAd => "Azure AD / Entra ID",
            Self::Okta => "Okta",
            Self::Adfs => "ADFS",
            Self::Google => "Google Workspace",
            Self::Ping => "Ping Identity",
            Self::OneLogin => "OneLogin",
            Self::Shibboleth => "Shibboleth",
            Self::IamIdentityCenter => "IAM Identity Center",
        }
    }
}

/// One EncryptedAssertion of a response: how it was encrypted, and whether a key given opened
/// it. Keys appear as fingerprints only (SHA-256 over the public key), never as key material.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EncryptedAssertionFacts {
    /// Where it was: `/Response/EncryptedAssertion`, with an index when there are several.
    pub path: String,
    /// A key given opened it: the assertion the facts and rules read is its plaintext.
    pub decrypted: bool,
    /// The content cipher's URI, when the EncryptedData could be read.
    pub content_algorithm: Option<String>,
    /// The key transport's URI: of the EncryptedKey that opened it, else of the first.
    pub key_transport_algorithm: Option<String>,
    /// Both, for people: `AES-256-GCM, key wrapped with RSA-OAEP (SHA-1, MGF1 SHA-1)`.
    pub algorithms: Option<String>,
    /// SHA-256 over the public key of the key that opened it.
    pub opened_with: Option<String>,
    /// SHA-256 over the public keys of the certificates the identity provider names as the
    /// ones it encrypted to (none when its KeyInfo names no certificate).
    pub encrypted_to: Vec<String>,
}

/// The key facts of a sign-in, for people to read before the findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// The Issuer (the Response's, else the Assertion's).
    pub issuer: Option<String>,
    /// The identity provider product, guessed from the Issuer.
    pub idp: Option<IdpKind>,
    /// The top-level StatusCode.
    pub status: Option<String>,
    /// The Response's Destination.
    pub destination: Option<String>,
    /// The NameID value.
    pub name_id: Option<String>,
    /// The NameID Format.
    pub name_id_format: Option<String>,
    /// Role values as sent, whether they parse or not.
    pub roles: Vec<String>,
    /// The RoleSessionName value(s), comma-separated.
    pub role_session_name: Option<String>,
    /// The SessionDuration value(s), comma-separated.
    pub session_duration: Option<String>,
    /// The bearer SubjectConfirmation's Recipient.
    pub recipient: Option<String>,
    /// The Audience values.
    pub audiences: Vec<String>,
    /// The IssueInstant (the Response's, else the Assertion's).
    pub issue_instant: Option<Timestamp>,
    /// The Conditions' NotBefore.
    pub not_before: Option<Timestamp>,
    /// The validity's end: the Conditions' NotOnOrAfter, else the bearer confirmation's.
    pub not_on_or_after: Option<Timestamp>,
    /// The AuthnStatement's SessionNotOnOrAfter.
    pub session_not_on_or_after: Option<Timestamp>,
    /// The Response is covered by a signature that verified (with the signatures feature;
    /// without it, that it carries a signature).
    pub response_signed: bool,
    /// The assertion the facts are read from is covered by a signature that verified (its own
    /// or the Response's); without the signatures feature, that an assertion carries one.
    pub assertion_signed: bool,
    /// The Response holds an EncryptedAssertion (decrypted or not).
    pub encrypted: bool,
    /// Each EncryptedAssertion: how it was encrypted, and whether a key given opened it
    /// (absent from the JSON for a response without one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encryption: Vec<EncryptedAssertionFacts>,
    /// The RelayState that came with the response, when known.
    pub relay_state: Option<String>,
    /// The RelayState read as Amazon Connect's, when it is one.
    pub connect: Option<ConnectRelayState>,
    /// The base64 length of the message, when it was base64.
    pub encoded_chars: Option<usize>,
    /// What signature verification found, in one line.
    pub signature: Option<String>,
    /// Set when the response signs in to IAM Identity Center rather than through IAM federation.
    pub identity_center: Option<IdentityCenterFacts>,
}

impl Facts {
    /// The facts of `response`, read from its Assertion at position `read` (the one a verified
    /// signature covers, when there is one).
    pub(crate) fn of(response: &Response, read: usize) -> Self {
        let first = response
            .assertions
            .get(read)
            .or_else(|| response.assertions.first());
        let attr = |name: &str| first.and_then(|a| a.attribute_values(name));
        let bearer = first.and_then(|a| a.subject.as_ref()).and_then(|s| {
            s.confirmations
                .iter()
                .find(|c| c.method.as_deref() == Some(model::CM_BEARER))
        });
        let conditions = first.and_then(|a| a.conditions.as_ref());
        Self {
            issuer: response
                .issuer
                .clone()
                .or_else(|| first.and_then(|a| a.issuer.clone())),
            status: response.status.code.clone(),
            destination: response.destination.clone(),
            name_id: first
                .and_then(|a| a.subject.as_ref()?.name_id.as_ref())
                .map(|n| n.value.clone()),
            name_id_format: first
                .and_then(|a| a.subject.as_ref()?.name_id.as_ref()?.format.clone()),
            roles: attr(ATTR_ROLE)
                .or_else(|| attr(ATTR_ROLE_CN))
                .map(<[String]>::to_vec)
                .unwrap_or_default(),
            role_session_name: attr(ATTR_ROLE_SESSION_NAME).map(|v| v.join(", ")),
            session_duration: attr(ATTR_SESSION_DURATION).map(|v| v.join(", ")),
            recipient: bearer.and_then(|b| b.recipient.clone()),
            audiences: conditions.map(|c| c.audiences.clone()).unwrap_or_default(),
            issue_instant: response
                .issue_instant
                .or_else(|| first.and_then(|a| a.issue_instant)),
            not_before: conditions.and_then(|c| c.not_before),
            not_on_or_after: conditions
                .and_then(|c| c.not_on_or_after)
                .or_else(|| bearer.and_then(|b| b.not_on_or_after)),
            session_not_on_or_after: first.and_then(|a| {
                a.authn_statements
                    .iter()
                    .find_map(|s| s.session_not_on_or_after)
            }),
            response_signed: response.signature.is_some(),
            assertion_signed: response.assertions.iter().any(|a| a.signature.is_some()),
            encrypted: response.encrypted_assertions > 0
                || response.assertions.iter().any(|a| a.encrypted),
            idp: response
                .issuer
                .as_deref()
                .or_else(|| first.and_then(|a| a.issuer.as_deref()))
                .and_then(IdpKind::guess),
            ..Self::default()
        }
    }

    /// The Role values that parse, for account checks.
    pub fn role_pairs(&self) -> Vec<RolePair> {
        self.roles
            .iter()
            .filter_map(|r| RolePair::parse(r).ok())
            .collect()
    }
}

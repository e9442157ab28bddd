//! One CloudTrail record, read from the stream without building it: the few strings a sign-in
//! event needs are captured (each up to a cap, into buffers reused from record to record) and
//! every other value is skipped by the streaming reader. A record that is not a sign-in costs
//! no allocation.

use har::json::{Captured, Reader, Result as JsonResult, Source, ValueKind};
use saml_core::Timestamp;

use crate::classify::classify;
use crate::event::{AssumedRole, EventKind, Failure, SignInEvent};

/// The longest string captured; a longer value is read as absent (a NameID, an ARN or an
/// error message is far shorter; attacker-made files may hold anything).
const CAP: usize = 4096;

/// The strings read from one record, empty when absent.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    pub event_time: Vec<u8>,
    pub event_source: Vec<u8>,
    pub event_name: Vec<u8>,
    pub event_id: Vec<u8>,
    pub error_code: Vec<u8>,
    pub error_message: Vec<u8>,
    pub recipient_account: Vec<u8>,
    pub user_name: Vec<u8>,
    pub user_arn: Vec<u8>,
    pub user_account: Vec<u8>,
    pub on_behalf_of_user: Vec<u8>,
    pub role_session_name: Vec<u8>,
    pub role_arn: Vec<u8>,
    pub principal_arn: Vec<u8>,
    pub assumed_role_arn: Vec<u8>,
    pub credential_type: Vec<u8>,
    pub additional_user_name: Vec<u8>,
    pub user_authentication: Vec<u8>,
    pub external_login: Vec<u8>,
    key: Vec<u8>,
}

impl Fields {
    fn clear(&mut self) {
        for field in [
            &mut self.event_time,
            &mut self.event_source,
            &mut self.event_name,
            &mut self.event_id,
            &mut self.error_code,
            &mut self.error_message,
            &mut self.recipient_account,
            &mut self.user_name,
            &mut self.user_arn,
            &mut self.user_account,
            &mut self.on_behalf_of_user,
            &mut self.role_session_name,
            &mut self.role_arn,
            &mut self.principal_arn,
            &mut self.assumed_role_arn,
            &mut self.credential_type,
            &mut self.additional_user_name,
            &mut self.user_authentication,
            &mut self.external_login,
        ] {
            field.clear();
        }
    }

    /// Reads one record object (the reader positioned at its `{`).
    pub fn read<R: Source>(&mut self, r: &mut Reader<R>) -> JsonResult<()> {
        self.clear();
        let mut key = std::mem::take(&mut self.key);
        let result = self.read_with(r, &mut key);
        self.key = key;
        result
    }

    fn read_with<R: Source>(&mut self, r: &mut Reader<R>, key: &mut Vec<u8>) -> JsonResult<()> {
        let mut first = true;
        while r.next_key(&mut first, key)? {
            match key.as_slice() {
                b"eventTime" => capture(r, &mut self.event_time)?,
                b"eventSource" => capture(r, &mut self.event_source)?,
                b"eventName" => capture(r, &mut self.event_name)?,
                b"eventID" => capture(r, &mut self.event_id)?,
                b"errorCode" => capture(r, &mut self.error_code)?,
                b"errorMessage" => capture(r, &mut self.error_message)?,
                b"recipientAccountId" => capture(r, &mut self.recipient_account)?,
                b"userIdentity" => self.user_identity(r, key)?,
                b"requestParameters" => object(r, key, |r, k| match k {
                    b"roleSessionName" => capture(r, &mut self.role_session_name),
                    b"roleArn" => capture(r, &mut self.role_arn),
                    b"principalArn" => capture(r, &mut self.principal_arn),
                    _ => r.skip_value(),
                })?,
                b"responseElements" => object(r, key, |r, k| match k {
                    // The only part read; `credentials` is skipped, never captured.
                    b"assumedRoleUser" => {
                        let mut inner = Vec::new();
                        object(r, &mut inner, |r, k| match k {
                            b"arn" => capture(r, &mut self.assumed_role_arn),
                            _ => r.skip_value(),
                        })
                    }
                    _ => r.skip_value(),
                })?,
                b"additionalEventData" => object(r, key, |r, k| match k {
                    b"CredentialType" => capture(r, &mut self.credential_type),
                    b"UserName" => capture(r, &mut self.additional_user_name),
                    _ => r.skip_value(),
                })?,
                b"serviceEventDetails" => object(r, key, |r, k| match k {
                    b"UserAuthentication" => capture(r, &mut self.user_authentication),
                    b"ExternalIdPDirectoryLogin" => capture(r, &mut self.external_login),
                    _ => r.skip_value(),
                })?,
                _ => r.skip_value()?,
            }
        }
        Ok(())
    }

    fn user_identity<R: Source>(&mut self, r: &mut Reader<R>, key: &mut Vec<u8>) -> JsonResult<()> {
        object(r, key, |r, k| match k {
            b"userName" => capture(r, &mut self.user_name),
            b"arn" => capture(r, &mut self.user_arn),
            b"accountId" => capture(r, &mut self.user_account),
            b"onBehalfOf" => {
                let mut inner = Vec::new();
                object(r, &mut inner, |r, k| match k {
                    b"userId" => capture(r, &mut self.on_behalf_of_user),
                    _ => r.skip_value(),
                })
            }
            _ => r.skip_value(),
        })
    }

    /// The record's `eventTime`, when it is one.
    pub fn time(&self) -> Option<Timestamp> {
        std::str::from_utf8(&self.event_time)
            .ok()
            .and_then(|t| Timestamp::parse(t).ok())
    }

    /// The sign-in event this record is, if it is one (and has a readable time).
    pub fn sign_in(&self) -> Option<SignInEvent> {
        let kind = self.kind()?;
        let time = self.time()?;
        let failure = self.failure(kind);
        match kind {
            EventKind::FederationTokenRefused | EventKind::IdcLoginFailed if failure.is_none() => {
                return None
            }
            EventKind::IdcLoginSucceeded if failure.is_some() => return None,
            _ => {}
        }
        let account = text(&self.recipient_account).or_else(|| text(&self.user_account));
        let mut event = SignInEvent {
            kind,
            event_id: text(&self.event_id),
            time,
            failure,
            user: None,
            account,
            role: None,
            identity_provider: None,
            session: None,
        };
        match kind {
            EventKind::AssumeRoleWithSaml => {
                event.user = text(&self.user_name).or_else(|| text(&self.role_session_name));
                event.role = text(&self.role_arn);
                event.identity_provider = text(&self.principal_arn);
                event.session = text(&self.assumed_role_arn);
            }
            EventKind::FederationTokenRefused => {
                let arn = text(&self.user_arn);
                if let Some(parsed) = arn.as_deref().and_then(AssumedRole::parse) {
                    event.user = Some(parsed.session.to_owned());
                    event.role = Some(parsed.role_arn());
                }
                event.session = arn;
            }
            EventKind::IdcLoginFailed | EventKind::IdcLoginSucceeded => {
                event.user = text(&self.user_name)
                    .or_else(|| text(&self.additional_user_name))
                    .or_else(|| text(&self.on_behalf_of_user));
            }
        }
        Some(event)
    }

    fn kind(&self) -> Option<EventKind> {
        let (source, name) = (self.event_source.as_slice(), self.event_name.as_slice());
        match (source, name) {
            (b"sts.amazonaws.com", b"AssumeRoleWithSAML") => Some(EventKind::AssumeRoleWithSaml),
            (b"connect.amazonaws.com", b"GetFederationToken") => {
                Some(EventKind::FederationTokenRefused)
            }
            (b"signin.amazonaws.com" | b"sso.amazonaws.com", b"ExternalIdPDirectoryLogin") => {
                Some(EventKind::IdcLoginFailed)
            }
            (b"signin.amazonaws.com", b"UserAuthentication")
                if contains(&self.credential_type, b"EXTERNAL_IDP") =>
            {
                Some(EventKind::IdcLoginSucceeded)
            }
            _ => None,
        }
    }

    fn failure(&self, kind: EventKind) -> Option<Failure> {
        let service_says_failure = match kind {
            EventKind::IdcLoginFailed => self.external_login.eq_ignore_ascii_case(b"Failure"),
            EventKind::IdcLoginSucceeded => {
                self.user_authentication.eq_ignore_ascii_case(b"Failure")
            }
            _ => false,
        };
        if self.error_code.is_empty() && self.error_message.is_empty() && !service_says_failure {
            return None;
        }
        Some(Failure {
            error_code: String::from_utf8_lossy(&self.error_code).into_owned(),
            message: String::from_utf8_lossy(&self.error_message).into_owned(),
        })
    }
}

impl SignInEvent {
    /// Why it failed, by the rules of its service; `None` when it did not.
    pub fn cause(&self) -> Option<crate::classify::Cause> {
        self.failure
            .as_ref()
            .map(|f| classify(self.kind.family(), &f.error_code, &f.message))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A captured field as text, `None` when empty.
fn text(bytes: &[u8]) -> Option<String> {
    (!bytes.is_empty()).then(|| String::from_utf8_lossy(bytes).into_owned())
}

/// Captures a string value into `out` (cleared first); any other value is skipped and leaves
/// it empty, as does a string longer than [`CAP`].
fn capture<R: Source>(r: &mut Reader<R>, out: &mut Vec<u8>) -> JsonResult<()> {
    out.clear();
    if r.kind()? != ValueKind::String {
        return r.skip_value();
    }
    if r.string(out, CAP)? == Captured::TooLong {
        out.clear();
    }
    Ok(())
}

/// Walks an object's members with `member` (which must consume each value); a value that is
/// not an object (`null` on many failed events) is skipped.
fn object<R: Source>(
    r: &mut Reader<R>,
    key: &mut Vec<u8>,
    mut member: impl FnMut(&mut Reader<R>, &[u8]) -> JsonResult<()>,
) -> JsonResult<()> {
    if r.kind()? != ValueKind::Object {
        return r.skip_value();
    }
    let mut first = true;
    while r.next_key(&mut first, key)? {
        member(r, key)?;
    }
    Ok(())
}

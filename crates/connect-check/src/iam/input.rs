//! What the IAM-federation checks read from a diagnosed assertion: the role pairs, the session
//! it asks for (name, duration, tags, source identity), what the trust policy's conditions
//! compare (`SAML:aud`, `SAML:iss`, `SAML:sub`), the certificates it was signed with, and the
//! Connect instance it signs into.

use saml_core::aws::RolePair;
use saml_core::{Facts, Report};

use crate::connect::InstanceTarget;

/// What the checks need from a diagnosed assertion.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// The Role attribute's (role, SAML provider) pairs.
    pub roles: Vec<RolePair>,
    /// The RoleSessionName, when the assertion has exactly one.
    pub role_session_name: Option<String>,
    /// The SessionDuration asked for, in seconds.
    pub session_duration: Option<u32>,
    /// The Recipient: the sign-in endpoint, compared as `SAML:aud`.
    pub recipient: Option<String>,
    /// The Issuer, compared as `SAML:iss`.
    pub issuer: Option<String>,
    /// The NameID, compared as `SAML:sub`.
    pub name_id: Option<String>,
    /// Base64 DER of the certificates the response's signatures carry.
    pub signing_certificates: Vec<String>,
    /// PrincipalTag attributes (key, value): they need sts:TagSession and are policy context.
    pub principal_tags: Vec<(String, String)>,
    /// The SourceIdentity attribute: it needs sts:SetSourceIdentity and is policy context.
    pub source_identity: Option<String>,
    /// The Connect instance the sign-in lands in, if any.
    pub instance: Option<InstanceTarget>,
    /// The response held an EncryptedAssertion (decrypted or not).
    pub assertion_encrypted: bool,
    /// The response held an assertion in plain text (not one saml-doctor decrypted).
    pub plaintext_assertion: bool,
    /// SHA-256 over the public key of the key that decrypted the assertion, when one did.
    pub decrypted_with: Option<String>,
}

impl Input {
    /// Reads what the checks need from a report; `instance` overrides the relay state's.
    pub fn from_report(report: &Report, instance: Option<InstanceTarget>) -> Self {
        let facts: &Facts = &report.facts;
        let mut input = Input {
            roles: facts.role_pairs(),
            role_session_name: facts
                .role_session_name
                .clone()
                .filter(|n| !n.contains(", ")),
            session_duration: facts
                .session_duration
                .as_deref()
                .and_then(|d| d.parse().ok()),
            recipient: facts.recipient.clone(),
            issuer: facts.issuer.clone(),
            name_id: facts.name_id.clone(),
            instance: instance.or_else(|| {
                let c = facts.connect.as_ref()?;
                Some(InstanceTarget {
                    region: c.region.clone()?,
                    instance_id: c.instance_id.clone(),
                })
            }),
            assertion_encrypted: facts.encrypted,
            decrypted_with: facts.encryption.iter().find_map(|e| e.opened_with.clone()),
            ..Input::default()
        };
        if let Some(response) = report.response() {
            input.plaintext_assertion = response.assertions.iter().any(|a| !a.encrypted);
            let sigs = response.signature.iter().chain(
                response
                    .assertions
                    .iter()
                    .filter_map(|a| a.signature.as_ref()),
            );
            for s in sigs {
                for c in &s.certificates {
                    if !input.signing_certificates.contains(c) {
                        input.signing_certificates.push(c.clone());
                    }
                }
            }
            if let Some(a) = response.assertions.first() {
                for attr in &a.attributes {
                    if let (Some(key), [value]) = (
                        attr.name
                            .strip_prefix(saml_core::rules::ATTR_PRINCIPAL_TAG_PREFIX),
                        attr.values.as_slice(),
                    ) {
                        input.principal_tags.push((key.to_owned(), value.clone()));
                    }
                }
                input.source_identity = a
                    .attribute_values(saml_core::rules::ATTR_SOURCE_IDENTITY)
                    .and_then(|v| v.first().cloned());
            }
        }
        input
    }
}

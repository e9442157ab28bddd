//! One call from pasted input to a report: decode, parse, run every offline rule.
//!
//! Decoding and parsing failures are findings too (`saml_not_base64`, `saml_not_xml`, …), so a
//! caller always gets a report, never an error, for anything a user can paste.

use serde::Serialize;

use crate::aws::arn::RolePair;
use crate::aws::connect::ConnectRelayState;
use crate::code::{Code, Severity};
use crate::decode::{self, Decoded, Transport, AWS_MAX_ENCODED_CHARS};
use crate::finding::Finding;
use crate::identity_center::facts::{detect as detect_identity_center, IdentityCenterFacts};
use crate::metadata::Metadata;
use crate::model::{self, Message, Response};
use crate::rules::attribute_names::{
    ATTR_ROLE, ATTR_ROLE_CN, ATTR_ROLE_SESSION_NAME, ATTR_SESSION_DURATION,
};
use crate::rules::check_response_for_target;
use crate::rules::relay_state::{check_relay_state, RelayStateInput};
use crate::time::{AsOf, Timestamp};

/// Which identity provider product issued a response, guessed from its Issuer, so advice can
/// name the right console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdpKind {
    AzureAd,
    Okta,
    Adfs,
    Google,
    Ping,
    OneLogin,
    Shibboleth,
    IamIdentityCenter,
}

impl IdpKind {
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

/// The key facts of a sign-in, for people to read before the findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub issuer: Option<String>,
    pub idp: Option<IdpKind>,
    pub status: Option<String>,
    pub destination: Option<String>,
    pub name_id: Option<String>,
    pub name_id_format: Option<String>,
    /// Role values as sent, whether they parse or not.
    pub roles: Vec<String>,
    pub role_session_name: Option<String>,
    pub session_duration: Option<String>,
    pub recipient: Option<String>,
    pub audiences: Vec<String>,
    pub issue_instant: Option<Timestamp>,
    pub not_before: Option<Timestamp>,
    pub not_on_or_after: Option<Timestamp>,
    pub session_not_on_or_after: Option<Timestamp>,
    /// The Response is covered by a signature that verified (with the signatures feature;
    /// without it, that it carries a signature).
    pub response_signed: bool,
    /// The assertion the facts are read from is covered by a signature that verified (its own
    /// or the Response's); without the signatures feature, that an assertion carries one.
    pub assertion_signed: bool,
    pub encrypted: bool,
    pub relay_state: Option<String>,
    pub connect: Option<ConnectRelayState>,
    pub encoded_chars: Option<usize>,
    /// What signature verification found, in one line.
    pub signature: Option<String>,
    /// Set when the response signs in to IAM Identity Center rather than through IAM federation.
    pub identity_center: Option<IdentityCenterFacts>,
}

impl Facts {
    /// The facts of `response`, read from its Assertion at position `read` (the one a verified
    /// signature covers, when there is one).
    fn of(response: &Response, read: usize) -> Self {
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
            encrypted: response.encrypted_assertions > 0,
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

/// The outcome of diagnosing one SAML message.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub as_of: AsOf,
    pub transport: Option<Transport>,
    pub facts: Facts,
    pub findings: Vec<Finding>,
    /// The parsed message, when it parsed (for `--format json` consumers that need more).
    #[serde(skip)]
    pub message: Option<Message>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn codes(&self) -> Vec<Code> {
        self.findings.iter().map(|f| f.code).collect()
    }

    pub fn response(&self) -> Option<&Response> {
        match &self.message {
            Some(Message::Response(r)) => Some(r),
            _ => None,
        }
    }
}

/// What a diagnosis is judged against.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub as_of: AsOf,
    pub relay_state: RelayStateInput,
    /// The identity provider's metadata, to verify signatures and the Issuer against.
    pub metadata: Option<&'a Metadata>,
}

impl<'a> Context<'a> {
    pub fn new(as_of: AsOf) -> Self {
        Self {
            as_of,
            relay_state: RelayStateInput::Unknown,
            metadata: None,
        }
    }
}

/// Decodes `input` (anything `decode::decode` accepts) and diagnoses it.
///
/// A RelayState found in the input itself (a pasted form body) is used when `relay_state`
/// is `Unknown`.
pub fn diagnose(input: &[u8], as_of: AsOf, relay_state: RelayStateInput) -> Report {
    diagnose_in(
        input,
        &Context {
            as_of,
            relay_state,
            metadata: None,
        },
    )
}

/// [`diagnose`] with every input a diagnosis can use.
pub fn diagnose_in(input: &[u8], ctx: &Context) -> Report {
    match decode::decode(input) {
        Ok(decoded) => diagnose_decoded_in(&decoded, ctx),
        Err(e) => Report {
            as_of: ctx.as_of,
            transport: None,
            facts: Facts::default(),
            findings: vec![Finding::new(e.code(), e.to_string())],
            message: None,
        },
    }
}

/// Diagnoses an already decoded message.
pub fn diagnose_decoded(decoded: &Decoded, as_of: AsOf, relay_state: RelayStateInput) -> Report {
    diagnose_decoded_in(
        decoded,
        &Context {
            as_of,
            relay_state,
            metadata: None,
        },
    )
}

pub fn diagnose_decoded_in(decoded: &Decoded, ctx: &Context) -> Report {
    let relay_state = match (&ctx.relay_state, &decoded.relay_state) {
        (RelayStateInput::Unknown, Some(found)) => RelayStateInput::Present(found.clone()),
        (RelayStateInput::Unknown, None) if decoded.field.is_some() => RelayStateInput::Absent,
        (given, _) => given.clone(),
    };
    let mut report = diagnose_xml_in(
        &decoded.xml,
        &Context {
            relay_state,
            ..ctx.clone()
        },
    );
    report.transport = Some(decoded.transport.clone());
    report.facts.encoded_chars = decoded.encoded_chars;
    if let Some(chars) = decoded.encoded_chars.filter(|c| *c > AWS_MAX_ENCODED_CHARS) {
        report.findings.insert(
            0,
            Finding::new(Code::SamlTooLarge, format!("the base64 SAMLResponse is {chars} characters; AWS accepts at most {AWS_MAX_ENCODED_CHARS}"))
                .with("encoded_chars", chars.to_string())
                .with("limit", AWS_MAX_ENCODED_CHARS.to_string()),
        );
    }
    report
}

/// Diagnoses the XML of a message.
pub fn diagnose_xml(xml: &str, as_of: AsOf, relay_state: RelayStateInput) -> Report {
    diagnose_xml_in(
        xml,
        &Context {
            as_of,
            relay_state,
            metadata: None,
        },
    )
}

pub fn diagnose_xml_in(xml: &str, ctx: &Context) -> Report {
    let as_of = ctx.as_of;
    let mut report = Report {
        as_of,
        transport: None,
        facts: Facts::default(),
        findings: Vec::new(),
        message: None,
    };
    let document = match crate::xml::parse_document(xml, crate::xml::Limits::default()) {
        Ok(document) => document,
        Err(e) => {
            report
                .findings
                .push(Finding::new(Code::SamlNotXml, e.to_string()));
            return report;
        }
    };
    let root = &document.root;
    match model::from_root(root) {
        Message::Other { element, namespace } => {
            let what = match namespace.as_deref() {
                Some(model::NS_PROTOCOL) => format!("a SAML {element}"),
                Some(ns) => format!("an XML {element} element in the namespace {ns}"),
                None => format!("an XML {element} element with no namespace"),
            };
            report.findings.push(
                Finding::new(
                    Code::SamlNotAResponse,
                    format!("the message is {what}, not a samlp:Response"),
                )
                .with("element", element.clone()),
            );
            report.message = Some(Message::Other { element, namespace });
        }
        Message::Response(response) => {
            let signatures = signature_verdict(&document, ctx);
            report.facts = Facts::of(&response, signatures.read_assertion);
            report.findings = check_response_for_target(&response, &as_of);
            report.facts.signature = signatures.summary;
            if let Some((response_signed, assertion_signed)) = signatures.signed {
                report.facts.response_signed = response_signed;
                report.facts.assertion_signed = assertion_signed;
            }
            report.findings.extend(signatures.findings);
            report.facts.identity_center = detect_identity_center(&response);
            // The relay-state rules are Amazon Connect's through IAM federation; an Identity
            // Center sign-in lands in the access portal or the application it names.
            if report.facts.identity_center.is_none() {
                report.findings.extend(check_relay_state(&ctx.relay_state));
            }
            if let RelayStateInput::Present(url) = &ctx.relay_state {
                report.facts.relay_state = Some(url.clone());
                report.facts.connect = ConnectRelayState::parse(url).ok();
            }
            report.message = Some(Message::Response(response));
        }
    }
    report.findings.sort_by_key(|f| f.severity);
    report
}

/// What signature verification tells the report.
struct SignatureVerdict {
    findings: Vec<Finding>,
    summary: Option<String>,
    /// The Assertion the facts are read from.
    read_assertion: usize,
    /// Whether the Response, and the Assertion read, are covered by a verified signature
    /// (`None` when signatures were not verified at all).
    signed: Option<(bool, bool)>,
}

#[cfg(feature = "signatures")]
fn signature_verdict(document: &crate::xml::Document, ctx: &Context) -> SignatureVerdict {
    let v = crate::dsig::check_document(crate::dsig::Doc::of(document), ctx.metadata, &ctx.as_of);
    let read = v.read_assertion();
    SignatureVerdict {
        signed: Some((
            v.response_verified,
            v.assertions_verified.get(read).copied().unwrap_or(false),
        )),
        read_assertion: read,
        findings: v.findings,
        summary: v.summary,
    }
}

#[cfg(not(feature = "signatures"))]
fn signature_verdict(_: &crate::xml::Document, _: &Context) -> SignatureVerdict {
    SignatureVerdict {
        findings: vec![Finding::skipped(
            crate::check::Check::SignatureVerification,
            "saml-core was built without its `signatures` feature",
        )],
        summary: None,
        read_assertion: 0,
        signed: None,
    }
}

//! The typed model of a SAML 2.0 message: a Response with its assertions, or the kind of any
//! other message. Read by namespace, never by prefix (`saml:`, `saml2:`, default namespaces:
//! every IdP writes them differently).
//!
//! Values the rules need but that break the schema (a date that does not parse, a Response
//! without ID) do not stop parsing: they are collected as [`SchemaProblem`]s and reported.

use serde::Serialize;

use crate::time::Timestamp;
use crate::xml::{self, Element, XmlError};

/// The SAML 2.0 protocol namespace (`samlp:`).
pub const NS_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// The SAML 2.0 assertion namespace (`saml:`).
pub const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// The XML-DSig namespace (`ds:`).
pub const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The StatusCode of a successful Response.
pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
/// The bearer SubjectConfirmation method, the one AWS reads.
pub const CM_BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

/// A value from the XML that broke the schema, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaProblem {
    /// Where (`/Response/Assertion/Conditions/@NotOnOrAfter`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Any SAML message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// A `samlp:Response`, read whole.
    Response(Box<Response>),
    /// Another message: an AuthnRequest, a LogoutRequest, or XML that is not SAML at all.
    Other {
        /// The root element's local name.
        element: String,
        /// The root element's namespace.
        namespace: Option<String>,
    },
}

/// A `samlp:Response`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    /// The ID attribute.
    pub id: Option<String>,
    /// The IssueInstant attribute.
    pub issue_instant: Option<Timestamp>,
    /// The Destination attribute: where the IdP meant it to be posted.
    pub destination: Option<String>,
    /// The InResponseTo attribute (absent for an IdP-initiated sign-in).
    pub in_response_to: Option<String>,
    /// The Response's Issuer.
    pub issuer: Option<String>,
    /// The Status.
    pub status: Status,
    /// The Response's own signature, when it carries one.
    pub signature: Option<Signature>,
    /// The Assertion children, in order: the plaintext ones and those decrypted in place of
    /// their EncryptedAssertion.
    pub assertions: Vec<Assertion>,
    /// How many EncryptedAssertion elements there are (not counting those decrypted).
    pub encrypted_assertions: usize,
    /// Values that broke the schema.
    pub schema_problems: Vec<SchemaProblem>,
}

/// A Response's Status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The top-level StatusCode Value.
    pub code: Option<String>,
    /// Nested StatusCode Values, outermost first.
    pub nested_codes: Vec<String>,
    /// The StatusMessage text.
    pub message: Option<String>,
    /// StatusDetail text, when present (ADFS and Shibboleth put reasons there).
    pub detail: Option<String>,
}

impl Status {
    /// True when the top-level StatusCode is Success.
    pub fn is_success(&self) -> bool {
        self.code.as_deref() == Some(STATUS_SUCCESS)
    }
}

/// What a `ds:Signature` says about itself (verification is separate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// The SignatureValue text, white space removed.
    pub signature_value: String,
    /// The SignatureMethod algorithm URI.
    pub signature_method: Option<String>,
    /// The CanonicalizationMethod algorithm URI.
    pub canonicalization_method: Option<String>,
    /// The Reference elements.
    pub references: Vec<SignatureReference>,
    /// Base64 DER of each embedded X509Certificate, white space removed.
    pub certificates: Vec<String>,
}

/// One Reference of a signature's SignedInfo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureReference {
    /// The URI attribute (`#id` of the element signed).
    pub uri: Option<String>,
    /// The DigestMethod algorithm URI.
    pub digest_method: Option<String>,
    /// The Transform algorithm URIs, in order.
    pub transforms: Vec<String>,
}

/// What `saml-doctor redact` puts in place of SignatureValue and DigestValue.
pub const REDACTED_SIGNATURE: &str = "[redacted: signature]";

/// What `saml-doctor redact` puts in place of an EncryptedAssertion's CipherValues: a signature
/// inside the ciphertext cannot be removed without decrypting, so the ciphertext goes.
pub const REDACTED_CIPHERTEXT: &str = "[redacted: ciphertext]";

impl Signature {
    /// True when `saml-doctor redact` removed this signature's values.
    pub fn is_redacted(&self) -> bool {
        // SignatureValue is read with white space removed (it is base64).
        self.signature_value
            .chars()
            .eq(REDACTED_SIGNATURE.chars().filter(|c| !c.is_whitespace()))
    }

    /// True when the signature or one of its digests uses SHA-1.
    pub fn uses_sha1(&self) -> bool {
        let sha1 = |alg: &Option<String>| {
            alg.as_deref().is_some_and(|a| {
                a.ends_with("#rsa-sha1")
                    || a.ends_with("#sha1")
                    || a.ends_with("#dsa-sha1")
                    || a.ends_with("#ecdsa-sha1")
            })
        };
        sha1(&self.signature_method) || self.references.iter().any(|r| sha1(&r.digest_method))
    }
}

/// A `saml:Assertion`: sent as plain text, or decrypted from an EncryptedAssertion
/// ([`Assertion::encrypted`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assertion {
    /// `/Response/Assertion`, or with an index when there are several.
    pub path: String,
    /// The ID attribute.
    pub id: Option<String>,
    /// The IssueInstant attribute.
    pub issue_instant: Option<Timestamp>,
    /// The Assertion's Issuer.
    pub issuer: Option<String>,
    /// The Assertion's own signature, when it carries one.
    pub signature: Option<Signature>,
    /// The Subject.
    pub subject: Option<Subject>,
    /// The Conditions.
    pub conditions: Option<Conditions>,
    /// The AuthnStatements.
    pub authn_statements: Vec<AuthnStatement>,
    /// The attributes of every AttributeStatement, in order.
    pub attributes: Vec<Attribute>,
    /// The assertion came as an EncryptedAssertion and was decrypted in its place (absent from
    /// the JSON when false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
}

/// An Assertion's Subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The NameID.
    pub name_id: Option<NameId>,
    /// The SubjectConfirmations, in order.
    pub confirmations: Vec<SubjectConfirmation>,
}

/// A NameID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameId {
    /// Its value, trimmed.
    pub value: String,
    /// The Format attribute.
    pub format: Option<String>,
}

/// A SubjectConfirmation and its SubjectConfirmationData.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectConfirmation {
    /// The Method attribute.
    pub method: Option<String>,
    /// The Recipient: where the assertion may be posted.
    pub recipient: Option<String>,
    /// The NotOnOrAfter attribute.
    pub not_on_or_after: Option<Timestamp>,
    /// The NotBefore attribute.
    pub not_before: Option<Timestamp>,
    /// The InResponseTo attribute.
    pub in_response_to: Option<String>,
}

/// An Assertion's Conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conditions {
    /// The NotBefore attribute.
    pub not_before: Option<Timestamp>,
    /// The NotOnOrAfter attribute.
    pub not_on_or_after: Option<Timestamp>,
    /// Audience values, of every AudienceRestriction.
    pub audiences: Vec<String>,
}

/// An AuthnStatement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthnStatement {
    /// The AuthnInstant attribute.
    pub authn_instant: Option<Timestamp>,
    /// The SessionNotOnOrAfter attribute: when the IdP wants the session to end.
    pub session_not_on_or_after: Option<Timestamp>,
    /// The SessionIndex attribute.
    pub session_index: Option<String>,
    /// The AuthnContextClassRef.
    pub class_ref: Option<String>,
}

/// One attribute of an AttributeStatement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribute {
    /// The Name attribute.
    pub name: String,
    /// The NameFormat attribute.
    pub name_format: Option<String>,
    /// The FriendlyName attribute.
    pub friendly_name: Option<String>,
    /// The AttributeValue texts, in order.
    pub values: Vec<String>,
}

impl Assertion {
    /// The values of the attribute named exactly `name` (AWS matches names case-sensitively).
    pub fn attribute_values(&self, name: &str) -> Option<&[String]> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.values.as_slice())
    }
}

/// Parses a SAML message's XML.
pub fn parse(xml: &str) -> Result<Message, XmlError> {
    Ok(from_root(&xml::parse(xml, xml::Limits::default())?))
}

/// Reads a SAML message from an already parsed tree.
pub fn from_root(root: &Element) -> Message {
    if !root.is(NS_PROTOCOL, "Response") {
        return Message::Other {
            element: root.local.clone(),
            namespace: root.namespace.clone(),
        };
    }
    Message::Response(Box::new(Reader::default().response(root)))
}

#[derive(Default)]
struct Reader {
    problems: Vec<SchemaProblem>,
}

impl Reader {
    fn problem(&mut self, path: &str, message: String) {
        self.problems.push(SchemaProblem {
            path: path.to_owned(),
            message,
        });
    }

    fn time(&mut self, e: &Element, attr: &str, path: &str) -> Option<Timestamp> {
        let raw = e.attr(attr)?;
        match Timestamp::parse(raw) {
            Ok(t) => Some(t),
            Err(err) => {
                self.problem(&format!("{path}/@{attr}"), err.to_string());
                None
            }
        }
    }

    fn response(mut self, root: &Element) -> Response {
        let path = "/Response";
        let id = root.attr("ID").map(str::to_owned);
        if id.is_none() {
            self.problem(path, "the Response has no ID attribute".into());
        }
        let issue_instant = self.time(root, "IssueInstant", path);
        if root.attr("IssueInstant").is_none() {
            self.problem(path, "the Response has no IssueInstant attribute".into());
        }
        let assertion_elements: Vec<&Element> =
            root.children_named(NS_ASSERTION, "Assertion").collect();
        let several = assertion_elements.len() > 1;
        let assertions = assertion_elements
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let apath = if several {
                    format!("{path}/Assertion[{}]", i + 1)
                } else {
                    format!("{path}/Assertion")
                };
                self.assertion(a, apath)
            })
            .collect();
        Response {
            id,
            issue_instant,
            destination: root.attr("Destination").map(str::to_owned),
            in_response_to: root.attr("InResponseTo").map(str::to_owned),
            issuer: root
                .child(NS_ASSERTION, "Issuer")
                .map(|i| i.text().trim().to_owned()),
            status: status(root),
            signature: root.child(NS_DSIG, "Signature").map(signature),
            assertions,
            encrypted_assertions: root
                .children_named(NS_ASSERTION, "EncryptedAssertion")
                .count(),
            schema_problems: self.problems,
        }
    }

    fn assertion(&mut self, a: &Element, path: String) -> Assertion {
        let subject = a.child(NS_ASSERTION, "Subject").map(|s| {
            let spath = format!("{path}/Subject");
            Subject {
                name_id: s.child(NS_ASSERTION, "NameID").map(|n| NameId {
                    value: n.text().trim().to_owned(),
                    format: n.attr("Format").map(str::to_owned),
                }),
                confirmations: s
                    .children_named(NS_ASSERTION, "SubjectConfirmation")
                    .map(|c| {
                        let data = c.child(NS_ASSERTION, "SubjectConfirmationData");
                        let dpath = format!("{spath}/SubjectConfirmation/SubjectConfirmationData");
                        SubjectConfirmation {
                            method: c.attr("Method").map(str::to_owned),
                            recipient: data.and_then(|d| d.attr("Recipient")).map(str::to_owned),
                            not_on_or_after: data
                                .and_then(|d| self.time(d, "NotOnOrAfter", &dpath)),
                            not_before: data.and_then(|d| self.time(d, "NotBefore", &dpath)),
                            in_response_to: data
                                .and_then(|d| d.attr("InResponseTo"))
                                .map(str::to_owned),
                        }
                    })
                    .collect(),
            }
        });
        let conditions = a.child(NS_ASSERTION, "Conditions").map(|c| {
            let cpath = format!("{path}/Conditions");
            Conditions {
                not_before: self.time(c, "NotBefore", &cpath),
                not_on_or_after: self.time(c, "NotOnOrAfter", &cpath),
                audiences: c
                    .children_named(NS_ASSERTION, "AudienceRestriction")
                    .flat_map(|r| r.children_named(NS_ASSERTION, "Audience"))
                    .map(|a| a.text().trim().to_owned())
                    .collect(),
            }
        });
        let authn_statements = a
            .children_named(NS_ASSERTION, "AuthnStatement")
            .map(|s| {
                let spath = format!("{path}/AuthnStatement");
                AuthnStatement {
                    authn_instant: self.time(s, "AuthnInstant", &spath),
                    session_not_on_or_after: self.time(s, "SessionNotOnOrAfter", &spath),
                    session_index: s.attr("SessionIndex").map(str::to_owned),
                    class_ref: s
                        .child(NS_ASSERTION, "AuthnContext")
                        .and_then(|c| c.child(NS_ASSERTION, "AuthnContextClassRef"))
                        .map(|r| r.text().trim().to_owned()),
                }
            })
            .collect();
        let attributes = a
            .children_named(NS_ASSERTION, "AttributeStatement")
            .flat_map(|s| s.children_named(NS_ASSERTION, "Attribute"))
            .map(|attr| Attribute {
                name: attr.attr("Name").unwrap_or_default().to_owned(),
                name_format: attr.attr("NameFormat").map(str::to_owned),
                friendly_name: attr.attr("FriendlyName").map(str::to_owned),
                values: attr
                    .children_named(NS_ASSERTION, "AttributeValue")
                    .map(|v| v.text().trim().to_owned())
                    .collect(),
            })
            .collect();
        Assertion {
            id: a.attr("ID").map(str::to_owned),
            issue_instant: self.time(a, "IssueInstant", &path),
            issuer: a
                .child(NS_ASSERTION, "Issuer")
                .map(|i| i.text().trim().to_owned()),
            signature: a.child(NS_DSIG, "Signature").map(signature),
            subject,
            conditions,
            authn_statements,
            attributes,
            path,
            encrypted: false,
        }
    }
}

fn status(root: &Element) -> Status {
    let Some(status) = root.child(NS_PROTOCOL, "Status") else {
        return Status::default();
    };
    let mut code = status.child(NS_PROTOCOL, "StatusCode");
    let top = code.and_then(|c| c.attr("Value")).map(str::to_owned);
    let mut nested_codes = Vec::new();
    while let Some(inner) = code.and_then(|c| c.child(NS_PROTOCOL, "StatusCode")) {
        if let Some(v) = inner.attr("Value") {
            nested_codes.push(v.to_owned());
        }
        code = Some(inner);
    }
    let text_of = |local| {
        status
            .child(NS_PROTOCOL, local)
            .map(|m: &Element| {
                let own = m.text();
                let all: String = if own.trim().is_empty() {
                    m.descendants()
                        .iter()
                        .map(|d| d.text())
                        .collect::<Vec<_>>()
                        .join(" ")
                } else {
                    own
                };
                all.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .filter(|s| !s.is_empty())
    };
    Status {
        code: top,
        nested_codes,
        message: text_of("StatusMessage"),
        detail: text_of("StatusDetail"),
    }
}

fn signature(sig: &Element) -> Signature {
    let signed_info = sig.child(NS_DSIG, "SignedInfo");
    let alg = |e: Option<&Element>| e.and_then(|e| e.attr("Algorithm")).map(str::to_owned);
    Signature {
        signature_value: sig
            .child(NS_DSIG, "SignatureValue")
            .map(|v| v.text().split_whitespace().collect())
            .unwrap_or_default(),
        signature_method: alg(signed_info.and_then(|s| s.child(NS_DSIG, "SignatureMethod"))),
        canonicalization_method: alg(
            signed_info.and_then(|s| s.child(NS_DSIG, "CanonicalizationMethod"))
        ),
        references: signed_info
            .into_iter()
            .flat_map(|s| s.children_named(NS_DSIG, "Reference"))
            .map(|r| SignatureReference {
                uri: r.attr("URI").map(str::to_owned),
                digest_method: alg(r.child(NS_DSIG, "DigestMethod")),
                transforms: r
                    .child(NS_DSIG, "Transforms")
                    .into_iter()
                    .flat_map(|t| t.children_named(NS_DSIG, "Transform"))
                    .filter_map(|t| t.attr("Algorithm").map(str::to_owned))
                    .collect(),
            })
            .collect(),
        certificates: sig
            .child(NS_DSIG, "KeyInfo")
            .into_iter()
            .flat_map(|k| k.children_named(NS_DSIG, "X509Data"))
            .flat_map(|d| d.children_named(NS_DSIG, "X509Certificate"))
            .map(|c| c.text().chars().filter(|c| !c.is_whitespace()).collect())
            .collect(),
    }
}

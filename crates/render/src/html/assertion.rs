//! The assertion, decoded: the attributes AWS reads, each with the findings about it, the
//! characters AWS refuses highlighted, and whether a verified signature covers it.
//!
//! Never the replayable blob: no SAMLResponse, no SignatureValue, only the decoded facts.

use std::fmt::Write as _;

use saml_core::aws::{is_session_name_char, PrincipalTag};
use saml_core::identity_center::ATTR_ACCESS_CONTROL_PREFIX;
use saml_core::rules::{ATTR_PRINCIPAL_TAG_PREFIX, ATTR_SOURCE_IDENTITY};
use saml_core::{Code, Report};

use super::placed::Placed;
use crate::page::escape::{highlighted, text};

/// Whether a verified signature covers a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Verified with the identity provider's metadata certificate.
    Trusted,
    /// Intact, verified with the certificate the response carries; trust not checked.
    Intact,
    /// No verified signature covers it (unsigned, unverifiable, or a signature finding).
    NotCovered,
    /// Not part of the signed message at all (the RelayState travels beside it).
    Unsigned,
}

/// Which element a fact is read from: the Response itself, or its (first) Assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Response,
    Assertion,
    Beside,
}

/// What the signatures of a report cover: the verifier's own answer, which the report's facts
/// carry (`response_signed`, `assertion_signed`: the Response, and the Assertion the facts are
/// read from, are covered by a signature that verified).
///
/// Fails closed: with any signature finding, nothing is shown as signed. "Trusted" only when no
/// verified signature was checked against the response's own certificate alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signed {
    response: Option<Coverage>,
    assertion: Option<Coverage>,
}

const SIGNATURE_PROBLEMS: [Code; 5] = [
    Code::SignatureInvalid,
    Code::SignatureMissing,
    Code::SigningCertNotInMetadata,
    Code::SamlRedacted,
    Code::IssuerMismatch,
];

impl Signed {
    pub fn of(report: &Report) -> Self {
        let f = &report.facts;
        let problem = report
            .findings
            .iter()
            .any(|f| SIGNATURE_PROBLEMS.contains(&f.code));
        let summary = f.signature.as_deref().unwrap_or("");
        let kind = if summary.contains("trust not checked")
            || !summary.contains("metadata's certificate")
        {
            Coverage::Intact
        } else {
            Coverage::Trusted
        };
        let verified = |covered: bool| (covered && !problem).then_some(kind);
        Self {
            response: verified(f.response_signed),
            // A signature covers its element and everything in it.
            assertion: verified(f.assertion_signed || f.response_signed),
        }
    }

    fn covers(&self, level: Level) -> Coverage {
        match level {
            Level::Beside => Coverage::Unsigned,
            Level::Response => self.response.unwrap_or(Coverage::NotCovered),
            Level::Assertion => self.assertion.unwrap_or(Coverage::NotCovered),
        }
    }
}

fn coverage_cell(c: Coverage) -> &'static str {
    match c {
        Coverage::Trusted => "<td class=\"cov trusted\">✓ signed, verified with the metadata's certificate</td>",
        Coverage::Intact => "<td class=\"cov intact\">◐ signed and intact; who signed it is not checked <span class=\"muted\">(pass --metadata)</span></td>",
        Coverage::NotCovered => "<td class=\"cov none\">✗ not covered by a verified signature</td>",
        Coverage::Unsigned => "<td class=\"cov unsigned\">— not signed (sent beside the response)</td>",
    }
}

struct Row<'a> {
    name: String,
    /// The full attribute name, for rows of one attribute among several of a kind (tags):
    /// only the findings that name it are shown on the row.
    attribute: Option<String>,
    values: Vec<String>,
    bad_char: Option<&'a dyn Fn(char) -> bool>,
    codes: &'a [Code],
    level: Level,
}

fn tag_char_bad(c: char) -> bool {
    PrincipalTag::parse("k", &c.to_string()).is_err()
}

fn duration_char_bad(c: char) -> bool {
    !c.is_ascii_digit()
}

fn session_char_bad(c: char) -> bool {
    !is_session_name_char(c)
}

pub fn table(out: &mut String, report: &Report, placed: &[&Placed]) {
    let f = &report.facts;
    let signed = Signed::of(report);
    let assertion = report.response().and_then(|r| r.assertions.first());
    let attr = |name: &str| -> Vec<String> {
        assertion
            .and_then(|a| a.attribute_values(name))
            .map(<[String]>::to_vec)
            .unwrap_or_default()
    };
    let opt = |v: &Option<String>| v.iter().cloned().collect::<Vec<_>>();
    let mut rows: Vec<Row> = vec![
        Row {
            name: "Status".into(),
            attribute: None,
            values: opt(&f.status),
            bad_char: None,
            codes: &[Code::StatusNotSuccess],
            level: Level::Response,
        },
        Row {
            name: "Issuer".into(),
            attribute: None,
            values: opt(&f.issuer),
            bad_char: None,
            codes: &[Code::IssuerMismatch],
            level: Level::Response,
        },
        Row {
            name: "Destination".into(),
            attribute: None,
            values: opt(&f.destination),
            bad_char: None,
            codes: &[
                Code::DestinationNotAws,
                Code::IdcAcsMalformed,
                Code::IdcPostedToIamEndpoint,
            ],
            level: Level::Response,
        },
        Row {
            name: "Audience".into(),
            attribute: None,
            values: f.audiences.clone(),
            bad_char: None,
            codes: &[Code::AudienceNotAws, Code::IdcAudienceMalformed],
            level: Level::Assertion,
        },
        Row {
            name: "Recipient".into(),
            attribute: None,
            values: opt(&f.recipient),
            bad_char: None,
            codes: &[
                Code::RecipientNotAws,
                Code::SubjectConfirmationInvalid,
                Code::IdcAcsMalformed,
            ],
            level: Level::Assertion,
        },
        Row {
            name: "NameID".into(),
            attribute: None,
            values: opt(&f.name_id),
            bad_char: None,
            codes: &[
                Code::NameIdMissing,
                Code::IdcNameIdFormat,
                Code::IdcNameIdNotEmail,
            ],
            level: Level::Assertion,
        },
        Row {
            name: "Role".into(),
            attribute: None,
            values: f.roles.clone(),
            bad_char: None,
            codes: &[
                Code::RoleAttributeMissing,
                Code::RoleValueMalformed,
                Code::RoleProviderAccountMismatch,
                Code::MultipleRoles,
            ],
            level: Level::Assertion,
        },
        Row {
            name: "RoleSessionName".into(),
            attribute: None,
            values: opt(&f.role_session_name),
            bad_char: Some(&session_char_bad),
            codes: &[Code::RoleSessionNameMissing, Code::RoleSessionNameInvalid],
            level: Level::Assertion,
        },
        Row {
            name: "SessionDuration".into(),
            attribute: None,
            values: opt(&f.session_duration),
            bad_char: Some(&duration_char_bad),
            codes: &[Code::SessionDurationInvalid],
            level: Level::Assertion,
        },
    ];
    let source_identity = attr(ATTR_SOURCE_IDENTITY);
    if !source_identity.is_empty() {
        rows.push(Row {
            name: "SourceIdentity".into(),
            attribute: None,
            values: source_identity,
            bad_char: Some(&session_char_bad),
            codes: &[Code::SourceIdentityInvalid],
            level: Level::Assertion,
        });
    }
    for a in assertion
        .map(|a| a.attributes.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|a| a.name.starts_with(ATTR_PRINCIPAL_TAG_PREFIX))
        .take(60)
    {
        rows.push(Row {
            name: format!(
                "PrincipalTag:{}",
                &a.name[ATTR_PRINCIPAL_TAG_PREFIX.len()..]
            ),
            attribute: Some(a.name.clone()),
            values: a.values.clone(),
            bad_char: Some(&tag_char_bad),
            codes: &[Code::PrincipalTagInvalid],
            level: Level::Assertion,
        });
    }
    for a in assertion
        .map(|a| a.attributes.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|a| a.name.starts_with(ATTR_ACCESS_CONTROL_PREFIX))
        .take(60)
    {
        rows.push(Row {
            name: format!(
                "AccessControl:{}",
                &a.name[ATTR_ACCESS_CONTROL_PREFIX.len()..]
            ),
            attribute: Some(a.name.clone()),
            values: a.values.clone(),
            // They become session tags: the same characters are allowed.
            bad_char: Some(&tag_char_bad),
            codes: &[Code::IdcAccessControlAttributeInvalid],
            level: Level::Assertion,
        });
    }
    let mut relay = opt(&f.relay_state);
    if let Some(c) = &f.connect {
        if let Some(first) = relay.first_mut() {
            *first += &format!(
                "\n(Amazon Connect instance {} in {})",
                c.instance_id,
                c.region
                    .as_ref()
                    .map(|r| r.as_str())
                    .unwrap_or(c.partition.as_str())
            );
        }
    }
    rows.push(Row {
        name: "RelayState".into(),
        attribute: None,
        values: relay,
        bad_char: None,
        codes: &[
            Code::RelayStateMissing,
            Code::RelayStateMalformed,
            Code::RelayStateDestinationNotEncoded,
        ],
        level: Level::Beside,
    });

    // An IAM Identity Center sign-in does not use IAM federation's attributes: leave out the
    // ones it does not send (a finding about one still shows it).
    let identity_center = report
        .response()
        .is_some_and(|r| saml_core::identity_center::detect(r).is_some());
    if identity_center {
        let iam_only = ["Role", "RoleSessionName", "SessionDuration", "RelayState"];
        rows.retain(|r| {
            !(iam_only.contains(&r.name.as_str())
                && r.values.is_empty()
                && !placed.iter().any(|p| r.codes.contains(&p.finding.code)))
        });
    }
    out.push_str("<table class=\"facts\"><thead><tr><th scope=\"col\">What AWS reads</th><th scope=\"col\">Value, as decoded</th><th scope=\"col\">Findings</th><th scope=\"col\">Signature</th></tr></thead><tbody>\n");
    for row in &rows {
        let of_kind: Vec<&&Placed> = placed
            .iter()
            .filter(|p| row.codes.contains(&p.finding.code))
            .collect();
        let about: Vec<&&Placed> = match &row.attribute {
            // A finding naming no attribute at all (a count limit) is about every one of them.
            Some(name) if of_kind.iter().any(|p| names(&p.finding.detail, name)) => of_kind
                .into_iter()
                .filter(|p| names(&p.finding.detail, name))
                .collect(),
            Some(_) if of_kind.iter().any(|p| p.finding.detail.contains("[@Name=")) => Vec::new(),
            _ => of_kind,
        };
        let bad = about
            .iter()
            .any(|p| p.finding.severity != saml_core::Severity::Info);
        let _ = write!(
            out,
            "<tr class=\"{}\"><th scope=\"row\">{}</th><td class=\"value\">",
            if bad { "bad" } else { "ok" },
            text(&row.name)
        );
        if row.values.is_empty() {
            out.push_str("<span class=\"muted\">(absent)</span>");
        }
        for v in &row.values {
            let shown: String = v.chars().take(2048).collect();
            let body = match row.bad_char {
                Some(bad) => highlighted(&shown, bad),
                None => text(&shown),
            };
            let _ = write!(
                out,
                "<span class=\"v{}\">{body}</span>",
                if bad && row.bad_char.is_none() {
                    " whole"
                } else {
                    ""
                }
            );
        }
        out.push_str("</td><td>");
        if about.is_empty() {
            out.push_str("<span class=\"muted\">none</span>");
        }
        for p in about {
            let _ = write!(
                out,
                "<a class=\"sev-{}\" href=\"#{}\"><span class=\"sev\">{}</span> <code>{}</code></a> ",
                p.finding.severity.as_str(),
                p.id,
                crate::words::severity_label(p.finding.severity),
                p.finding.code.as_str()
            );
        }
        out.push_str("</td>");
        out.push_str(coverage_cell(signed.covers(row.level)));
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    // Fingerprints only: the key given and the plaintext never reach the page.
    for e in &f.encryption {
        let _ = writeln!(
            out,
            "<p class=\"muted\">Encrypted assertion: {}</p>",
            text(&crate::words::encryption(e, f.encryption.len() > 1))
        );
    }
    if let Some(summary) = &f.signature {
        let _ = writeln!(
            out,
            "<p class=\"muted\">Signature verification: {}</p>",
            text(summary)
        );
    }
}

/// True when `detail` names the attribute `name` (not merely one whose name starts with it).
fn names(detail: &str, name: &str) -> bool {
    detail.match_indices(name).any(|(i, _)| {
        !detail[i + name.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use saml_core::{AsOf, AsOfSource, Finding, RelayStateInput, Timestamp};

    fn report(signed: (bool, bool), summary: &str, findings: Vec<Finding>) -> Report {
        let mut r = saml_core::diagnose_xml(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1"><saml:Assertion ID="_2"/></samlp:Response>"#,
            AsOf {
                instant: Timestamp::from_unix_millis(0),
                source: AsOfSource::Given,
            },
            RelayStateInput::Unknown,
        );
        (r.facts.response_signed, r.facts.assertion_signed) = signed;
        r.facts.signature = Some(summary.to_owned());
        r.findings = findings;
        r
    }

    #[test]
    fn a_finding_belongs_to_the_attribute_it_names() {
        let d = "/Response/Assertion/AttributeStatement/Attribute[@Name='https://aws.amazon.com/SAML/Attributes/AccessControl:CostCenter'] has 2 values";
        assert!(names(
            d,
            "https://aws.amazon.com/SAML/Attributes/AccessControl:CostCenter"
        ));
        assert!(!names(
            d,
            "https://aws.amazon.com/SAML/Attributes/AccessControl:Cost"
        ));
        assert!(!names(
            d,
            "https://aws.amazon.com/SAML/Attributes/AccessControl:costcenter"
        ));
    }

    #[test]
    fn coverage_follows_the_verifier_and_fails_closed() {
        let intact = "the assertion shown is covered by a valid signature: assertion intact (verified with its own certificate AB; trust not checked)";
        let s = Signed::of(&report((false, true), intact, vec![]));
        assert_eq!(s.covers(Level::Assertion), Coverage::Intact);
        assert_eq!(s.covers(Level::Response), Coverage::NotCovered);
        assert_eq!(s.covers(Level::Beside), Coverage::Unsigned);

        let trusted = "the assertion shown is covered by a valid signature: response verified with the metadata's certificate AB";
        let s = Signed::of(&report((true, false), trusted, vec![]));
        assert_eq!(s.covers(Level::Response), Coverage::Trusted);
        assert_eq!(s.covers(Level::Assertion), Coverage::Trusted);

        // The verifier says not covered, or a signature finding: nothing is shown as signed.
        let s = Signed::of(&report((false, false), "NOT verified: …", vec![]));
        assert_eq!(s.covers(Level::Assertion), Coverage::NotCovered);
        let bad = Finding::new(Code::SignatureInvalid, "altered");
        let s = Signed::of(&report((true, true), trusted, vec![bad]));
        assert_eq!(s.covers(Level::Assertion), Coverage::NotCovered);
        assert_eq!(s.covers(Level::Response), Coverage::NotCovered);
    }
}

//! The assertion, decoded: the attributes AWS reads, each with the findings about it, the
//! characters AWS refuses highlighted, and whether a verified signature covers it.
//!
//! Never the replayable blob: no SAMLResponse, no SignatureValue, only the decoded facts.

use std::fmt::Write as _;

use saml_core::aws::{is_session_name_char, PrincipalTag};
use saml_core::rules::{ATTR_PRINCIPAL_TAG_PREFIX, ATTR_SOURCE_IDENTITY};
use saml_core::{Code, Report};

use super::escape::{highlighted, text};
use super::findings::Placed;

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

/// What the signatures of a report cover, from the verification outcome the report carries.
///
/// Fails closed: any signature finding, an outcome this code does not recognise, or more than
/// one assertion (the facts are read from the first) means "not covered".
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
        let none = Self {
            response: None,
            assertion: None,
        };
        if report
            .findings
            .iter()
            .any(|f| SIGNATURE_PROBLEMS.contains(&f.code))
        {
            return none;
        }
        let Some(summary) = report.facts.signature.as_deref() else {
            return none;
        };
        let part = |what: &str| {
            if summary.contains(&format!("{what} verified with the metadata's certificate")) {
                Some(Coverage::Trusted)
            } else if summary.contains(&format!("{what} intact (verified with its own certificate"))
            {
                Some(Coverage::Intact)
            } else {
                None
            }
        };
        let single_assertion = report.response().is_some_and(|r| r.assertions.len() == 1);
        Self {
            response: part("response"),
            assertion: part("assertion").filter(|_| single_assertion),
        }
    }

    fn covers(&self, level: Level) -> Coverage {
        match level {
            Level::Beside => Coverage::Unsigned,
            Level::Response => self.response.unwrap_or(Coverage::NotCovered),
            Level::Assertion => match (self.response, self.assertion) {
                (Some(Coverage::Trusted), _) | (_, Some(Coverage::Trusted)) => Coverage::Trusted,
                (Some(c), _) | (_, Some(c)) => c,
                _ => Coverage::NotCovered,
            },
        }
    }
}

fn coverage_cell(c: Coverage) -> &'static str {
    match c {
        Coverage::Trusted => "<td class=\"cov trusted\">✓ signed, verified with the metadata's certificate</td>",
        Coverage::Intact => "<td class=\"cov intact\">✓ signed and intact <span class=\"muted\">(trust not checked: pass --metadata)</span></td>",
        Coverage::NotCovered => "<td class=\"cov none\">✗ not covered by a verified signature</td>",
        Coverage::Unsigned => "<td class=\"cov unsigned\">— not signed (sent beside the response)</td>",
    }
}

struct Row<'a> {
    name: String,
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
            values: opt(&f.status),
            bad_char: None,
            codes: &[Code::StatusNotSuccess],
            level: Level::Response,
        },
        Row {
            name: "Issuer".into(),
            values: opt(&f.issuer),
            bad_char: None,
            codes: &[Code::IssuerMismatch],
            level: Level::Response,
        },
        Row {
            name: "Destination".into(),
            values: opt(&f.destination),
            bad_char: None,
            codes: &[Code::DestinationNotAws],
            level: Level::Response,
        },
        Row {
            name: "Audience".into(),
            values: f.audiences.clone(),
            bad_char: None,
            codes: &[Code::AudienceNotAws],
            level: Level::Assertion,
        },
        Row {
            name: "Recipient".into(),
            values: opt(&f.recipient),
            bad_char: None,
            codes: &[Code::RecipientNotAws, Code::SubjectConfirmationInvalid],
            level: Level::Assertion,
        },
        Row {
            name: "NameID".into(),
            values: opt(&f.name_id),
            bad_char: None,
            codes: &[Code::NameIdMissing],
            level: Level::Assertion,
        },
        Row {
            name: "Role".into(),
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
            values: opt(&f.role_session_name),
            bad_char: Some(&session_char_bad),
            codes: &[Code::RoleSessionNameMissing, Code::RoleSessionNameInvalid],
            level: Level::Assertion,
        },
        Row {
            name: "SessionDuration".into(),
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
            values: a.values.clone(),
            bad_char: Some(&tag_char_bad),
            codes: &[Code::PrincipalTagInvalid],
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
        values: relay,
        bad_char: None,
        codes: &[
            Code::RelayStateMissing,
            Code::RelayStateMalformed,
            Code::RelayStateDestinationNotEncoded,
        ],
        level: Level::Beside,
    });

    out.push_str("<table class=\"facts\"><thead><tr><th scope=\"col\">What AWS reads</th><th scope=\"col\">Value, as decoded</th><th scope=\"col\">Findings</th><th scope=\"col\">Signature</th></tr></thead><tbody>\n");
    for row in &rows {
        let about: Vec<&&Placed> = placed
            .iter()
            .filter(|p| row.codes.contains(&p.finding.code))
            .collect();
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
                super::findings::severity_label(p.finding.severity),
                p.finding.code.as_str()
            );
        }
        out.push_str("</td>");
        out.push_str(coverage_cell(signed.covers(row.level)));
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    if let Some(summary) = &f.signature {
        let _ = writeln!(
            out,
            "<p class=\"muted\">Signature verification: {}</p>",
            text(summary)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saml_core::{AsOf, AsOfSource, Finding, RelayStateInput, Timestamp};

    fn report(signature: Option<&str>, findings: Vec<Finding>) -> Report {
        let mut r = saml_core::diagnose_xml(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1"><saml:Assertion ID="_2"/></samlp:Response>"#,
            AsOf {
                instant: Timestamp::from_unix_millis(0),
                source: AsOfSource::Given,
            },
            RelayStateInput::Unknown,
        );
        r.facts.signature = signature.map(str::to_owned);
        r.findings = findings;
        r
    }

    #[test]
    fn coverage_follows_the_verified_signature_and_fails_closed() {
        let intact =
            "assertion intact (verified with its own certificate AB:CD; trust not checked)";
        let s = Signed::of(&report(Some(intact), vec![]));
        assert_eq!(s.covers(Level::Assertion), Coverage::Intact);
        assert_eq!(s.covers(Level::Response), Coverage::NotCovered);
        assert_eq!(s.covers(Level::Beside), Coverage::Unsigned);

        let both = "response verified with the metadata's certificate AB; assertion intact (verified with its own certificate AB; trust not checked)";
        let s = Signed::of(&report(Some(both), vec![]));
        assert_eq!(s.covers(Level::Response), Coverage::Trusted);
        assert_eq!(s.covers(Level::Assertion), Coverage::Trusted);

        // A signature finding, an unknown outcome, or none at all: nothing is shown as signed.
        let bad = Finding::new(Code::SignatureInvalid, "altered");
        let s = Signed::of(&report(Some(both), vec![bad]));
        assert_eq!(s.covers(Level::Assertion), Coverage::NotCovered);
        for summary in [
            Some("assertion ALTERED after signing"),
            Some("response signed by a key the metadata does not hold (the response itself is intact)"),
            Some("assertion not verified (ECDSA)"),
            None,
        ] {
            let s = Signed::of(&report(summary, vec![]));
            assert_eq!(s.covers(Level::Assertion), Coverage::NotCovered, "{summary:?}");
            assert_eq!(s.covers(Level::Response), Coverage::NotCovered, "{summary:?}");
        }
    }
}

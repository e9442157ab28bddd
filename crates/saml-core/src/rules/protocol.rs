//! The protocol and time rules every response to AWS must pass: the Response's status, its
//! assertions, Destination, signatures present (and not SHA-1 or redacted), the Subject and its
//! bearer confirmation, the Audience, and the validity window judged at the "as of" instant.

use super::attributes::check_aws_attributes;
use crate::aws::endpoints::{is_aws_audience, is_aws_signin_endpoint};
use crate::code::Code;
use crate::finding::Finding;
use crate::model::{Assertion, Response, CM_BEARER};
use crate::time::{human_duration, AsOf, Timestamp};

/// STS redeems an assertion only within this long after its IssueInstant.
pub const MAX_ASSERTION_AGE_MILLIS: i64 = 5 * 60 * 1000;
/// How far ahead of the capture an IssueInstant may be before the IdP's clock is called skewed.
pub const CLOCK_SKEW_TOLERANCE_MILLIS: i64 = 60 * 1000;

/// Runs every offline rule on a Response.
pub fn check_response(response: &Response, as_of: &AsOf) -> Vec<Finding> {
    let mut findings = Vec::new();
    for problem in &response.schema_problems {
        findings.push(
            Finding::new(
                Code::SamlSchemaInvalid,
                format!("{}: {}", problem.path, problem.message),
            )
            .with("path", problem.path.clone()),
        );
    }
    if !response.status.is_success() {
        let status = &response.status;
        let mut detail = match &status.code {
            Some(code) => format!("/Response/Status/StatusCode is {code}"),
            None => "the Response has no Status/StatusCode".to_owned(),
        };
        if !status.nested_codes.is_empty() {
            detail += &format!(", nested: {}", status.nested_codes.join(" > "));
        }
        if let Some(message) = &status.message {
            detail += &format!("; StatusMessage: \"{message}\"");
        }
        if let Some(d) = &status.detail {
            detail += &format!("; StatusDetail: \"{d}\"");
        }
        let mut f = Finding::new(Code::StatusNotSuccess, detail)
            .with("status_code", status.code.clone().unwrap_or_default());
        if !status.nested_codes.is_empty() {
            f = f.with("nested_status_codes", status.nested_codes.join(" "));
        }
        if let Some(message) = &status.message {
            f = f.with("status_message", message.clone());
            if let Some(aadsts) = message
                .split(|c: char| !c.is_ascii_alphanumeric())
                .find(|w| w.starts_with("AADSTS"))
            {
                f = f.with_fix_note(format!("Here the identity provider is Azure AD / Entra ID: search for {aadsts} in Microsoft's AADSTS error reference."));
            }
        }
        findings.push(f);
        return findings;
    }
    if response.assertions.is_empty() && response.encrypted_assertions == 0 {
        findings.push(Finding::new(
            Code::AssertionMissing,
            "the Response's status is Success, but it holds no saml:Assertion",
        ));
    }
    if response.encrypted_assertions > 0 {
        findings.push(
            Finding::new(
                Code::AssertionEncrypted,
                format!(
                    "/Response holds {} EncryptedAssertion element{}: roles, RoleSessionName and validity inside cannot be checked without the IAM provider's private key",
                    response.encrypted_assertions,
                    if response.encrypted_assertions == 1 { "" } else { "s" }
                ),
            )
            .with("encrypted_assertions", response.encrypted_assertions.to_string()),
        );
    }
    if let Some(destination) = &response.destination {
        if !is_aws_signin_endpoint(destination) {
            findings.push(
                Finding::new(Code::DestinationNotAws, format!("/Response/@Destination is `{destination}`, not an AWS SAML sign-in endpoint"))
                    .with("destination", destination.clone())
                    .with("expected", "https://signin.aws.amazon.com/saml"),
            );
        }
    }
    let assertion_signed = response.assertions.iter().any(|a| a.signature.is_some());
    // An EncryptedAssertion does not excuse an unsigned Response: what is inside cannot be
    // checked offline, and nothing a report shows would be covered by a signature.
    if response.signature.is_none() && !assertion_signed {
        let detail = if response.encrypted_assertions > 0 {
            "neither /Response nor a plaintext /Response/Assertion holds a ds:Signature; a signature inside the EncryptedAssertion cannot be checked offline, and the Response itself is unsigned"
        } else {
            "neither /Response nor /Response/Assertion holds a ds:Signature"
        };
        findings.push(Finding::new(Code::SignatureMissing, detail));
    }
    let signatures = response
        .signature
        .iter()
        .map(|s| ("/Response/Signature".to_owned(), s))
        .chain(response.assertions.iter().filter_map(|a| {
            a.signature
                .as_ref()
                .map(|s| (format!("{}/Signature", a.path), s))
        }));
    for (path, sig) in signatures {
        if sig.is_redacted() {
            findings.push(
                Finding::new(
                    Code::SamlRedacted,
                    format!(
                        "{path}: SignatureValue and DigestValue were removed by saml-doctor redact"
                    ),
                )
                .with("path", path.clone()),
            );
        }
        if sig.uses_sha1() {
            let algorithms: Vec<String> = sig
                .signature_method
                .iter()
                .cloned()
                .chain(
                    sig.references
                        .iter()
                        .filter_map(|r| r.digest_method.clone()),
                )
                .collect();
            findings.push(
                Finding::new(
                    Code::SignatureSha1,
                    format!("{path} uses {}", algorithms.join(" and ")),
                )
                .with("path", path.clone())
                .with("algorithms", algorithms.join(" ")),
            );
        }
    }
    let issue_instant = response
        .issue_instant
        .or_else(|| response.assertions.first().and_then(|a| a.issue_instant));
    findings.extend(check_issue_instant(issue_instant, as_of));
    for assertion in &response.assertions {
        findings.extend(check_assertion(assertion, as_of));
    }
    findings
}

fn check_issue_instant(issue_instant: Option<Timestamp>, as_of: &AsOf) -> Vec<Finding> {
    let Some(issued) = issue_instant else {
        return Vec::new();
    };
    let age = as_of.instant.millis_since(issued);
    let mut findings = Vec::new();
    if age > MAX_ASSERTION_AGE_MILLIS {
        findings.push(
            Finding::new(
                Code::AssertionTooOld,
                format!(
                    "issued at {issued}, {} before it reached AWS {}; STS allows 5 minutes",
                    human_duration(age),
                    as_of.describe()
                ),
            )
            .with("issue_instant", issued.to_string())
            .with("as_of", as_of.instant.to_string())
            .with("age_seconds", (age / 1000).to_string()),
        );
    }
    if -age > CLOCK_SKEW_TOLERANCE_MILLIS {
        findings.push(
            Finding::new(
                Code::ClockSkew,
                format!(
                    "IssueInstant {issued} is {} later than the moment the browser sent it ({})",
                    human_duration(-age),
                    as_of.instant
                ),
            )
            .with("issue_instant", issued.to_string())
            .with("as_of", as_of.instant.to_string())
            .with("skew_seconds", (-age / 1000).to_string()),
        );
    }
    findings
}

fn check_assertion(a: &Assertion, as_of: &AsOf) -> Vec<Finding> {
    let mut findings = Vec::new();
    let path = &a.path;
    let now = as_of.instant;

    // Subject.
    match a.subject.as_ref().and_then(|s| s.name_id.as_ref()) {
        Some(n) if !n.value.is_empty() => {}
        Some(_) => findings.push(Finding::new(
            Code::NameIdMissing,
            format!("{path}/Subject/NameID is empty"),
        )),
        None => findings.push(Finding::new(
            Code::NameIdMissing,
            format!("{path} has no Subject/NameID"),
        )),
    }
    let confirmations = a
        .subject
        .as_ref()
        .map(|s| s.confirmations.as_slice())
        .unwrap_or_default();
    let bearers: Vec<_> = confirmations
        .iter()
        .filter(|c| c.method.as_deref() == Some(CM_BEARER))
        .collect();
    let scd_path = format!("{path}/Subject/SubjectConfirmation/SubjectConfirmationData");
    if bearers.len() != 1 {
        let methods: Vec<&str> = confirmations
            .iter()
            .map(|c| c.method.as_deref().unwrap_or("(no Method)"))
            .collect();
        findings.push(
            Finding::new(
                Code::SubjectConfirmationInvalid,
                format!(
                    "{path}/Subject has {} bearer SubjectConfirmation{} (methods: {})",
                    bearers.len(),
                    if bearers.len() == 1 { "" } else { "s" },
                    if methods.is_empty() {
                        "none".to_owned()
                    } else {
                        methods.join(", ")
                    }
                ),
            )
            .with("bearer_confirmations", bearers.len().to_string()),
        );
    }
    for c in &bearers {
        match &c.recipient {
            Some(r) if is_aws_signin_endpoint(r) => {}
            Some(r) => findings.push(
                Finding::new(
                    Code::RecipientNotAws,
                    format!("{scd_path}/@Recipient is `{r}`, not an AWS SAML sign-in endpoint"),
                )
                .with("recipient", r.clone())
                .with("expected", "https://signin.aws.amazon.com/saml"),
            ),
            None => findings.push(Finding::new(
                Code::RecipientNotAws,
                format!("{scd_path} has no Recipient"),
            )),
        }
        if c.not_on_or_after.is_none() {
            findings.push(Finding::new(
                Code::SubjectConfirmationInvalid,
                format!("{scd_path} has no NotOnOrAfter"),
            ));
        }
    }

    // Audience.
    let audiences = a
        .conditions
        .as_ref()
        .map(|c| c.audiences.as_slice())
        .unwrap_or_default();
    if !audiences.iter().any(|aud| is_aws_audience(aud)) {
        let detail = if audiences.is_empty() {
            format!("{path}/Conditions has no AudienceRestriction/Audience")
        } else {
            format!(
                "{path}/Conditions/AudienceRestriction/Audience is {}",
                audiences
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        findings.push(
            Finding::new(Code::AudienceNotAws, detail)
                .with("audiences", audiences.join(" "))
                .with("expected", "urn:amazon:webservices"),
        );
    }

    // Validity window.
    let mut expiries: Vec<(String, Timestamp)> = Vec::new();
    let mut starts: Vec<(String, Timestamp)> = Vec::new();
    if let Some(c) = &a.conditions {
        expiries.extend(
            c.not_on_or_after
                .map(|t| (format!("{path}/Conditions/@NotOnOrAfter"), t)),
        );
        starts.extend(
            c.not_before
                .map(|t| (format!("{path}/Conditions/@NotBefore"), t)),
        );
    }
    for c in &bearers {
        expiries.extend(
            c.not_on_or_after
                .map(|t| (format!("{scd_path}/@NotOnOrAfter"), t)),
        );
        starts.extend(c.not_before.map(|t| (format!("{scd_path}/@NotBefore"), t)));
    }
    if let Some((where_, t)) = expiries
        .iter()
        .filter(|(_, t)| *t <= now)
        .min_by_key(|(_, t)| *t)
    {
        findings.push(
            Finding::new(
                Code::AssertionExpired,
                format!(
                    "{where_} is {t}, {} before the response reached AWS {}",
                    human_duration(now.millis_since(*t)),
                    as_of.describe()
                ),
            )
            .with("not_on_or_after", t.to_string())
            .with("as_of", now.to_string()),
        );
    }
    if let Some((where_, t)) = starts
        .iter()
        .filter(|(_, t)| *t > now)
        .max_by_key(|(_, t)| *t)
    {
        findings.push(
            Finding::new(
                Code::AssertionNotYetValid,
                format!(
                    "{where_} is {t}, {} after the response reached AWS {}",
                    human_duration(t.millis_since(now)),
                    as_of.describe()
                ),
            )
            .with("not_before", t.to_string())
            .with("as_of", now.to_string()),
        );
    }
    for s in &a.authn_statements {
        if let Some(t) = s.session_not_on_or_after.filter(|t| *t <= now) {
            findings.push(
                Finding::new(
                    Code::SessionExpired,
                    format!(
                        "{path}/AuthnStatement/@SessionNotOnOrAfter is {t}, before {}",
                        as_of.describe()
                    ),
                )
                .with("session_not_on_or_after", t.to_string())
                .with("as_of", now.to_string()),
            );
        }
    }

    findings.extend(check_aws_attributes(a));
    findings
}

//! The offline rules: what AWS and Amazon Connect check in a SAML sign-in, as pure functions
//! from a parsed response (and an explicit "as of" instant) to findings.

use crate::aws::{
    ConnectRelayState, PrincipalTag, RolePair, RoleSessionName, SessionDuration, SourceIdentity,
    MAX_SESSION_TAGS,
};
use crate::check::Check;
use crate::code::Code;
use crate::finding::Finding;
use crate::model::{Assertion, Response, CM_BEARER};
use crate::time::{human_duration, AsOf, Timestamp};

pub mod identity_center;

pub const ATTR_ROLE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
pub const ATTR_ROLE_CN: &str = "http://www.amazonaws.cn/SAML/Attributes/Role";
pub const ATTR_ROLE_SESSION_NAME: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
pub const ATTR_SESSION_DURATION: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
pub const ATTR_SOURCE_IDENTITY: &str = "https://aws.amazon.com/SAML/Attributes/SourceIdentity";
pub const ATTR_PRINCIPAL_TAG_PREFIX: &str = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:";
pub const ATTR_TRANSITIVE_TAG_KEYS: &str =
    "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys";

/// STS redeems an assertion only within this long after its IssueInstant.
pub const MAX_ASSERTION_AGE_MILLIS: i64 = 5 * 60 * 1000;
/// How far ahead of the capture an IssueInstant may be before the IdP's clock is called skewed.
pub const CLOCK_SKEW_TOLERANCE_MILLIS: i64 = 60 * 1000;

/// What is known about the RelayState that came with the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayStateInput {
    /// Not known (a pasted response): the relay-state rules are skipped, not passed.
    Unknown,
    /// Known to be absent (the form post to AWS had none).
    Absent,
    Present(String),
}

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

/// The Role, RoleSessionName, SessionDuration, PrincipalTag and SourceIdentity attributes.
pub fn check_aws_attributes(a: &Assertion) -> Vec<Finding> {
    let mut findings = Vec::new();
    let attr_path = |name: &str| format!("{}/AttributeStatement/Attribute[@Name='{name}']", a.path);

    // Role.
    let role_name = if a.attribute_values(ATTR_ROLE).is_some() {
        ATTR_ROLE
    } else {
        ATTR_ROLE_CN
    };
    match a.attribute_values(role_name) {
        None | Some([]) => {
            let mut detail = format!("{} has no Attribute named {ATTR_ROLE}", a.path);
            if a.attribute_values(role_name).is_some() {
                detail = format!("{} has no AttributeValue", attr_path(role_name));
            } else if let Some(near) = near_miss(a, ATTR_ROLE) {
                detail += &format!("; an attribute named `{near}` is there, but AWS matches the name exactly and case-sensitively");
            }
            findings.push(
                Finding::new(Code::RoleAttributeMissing, detail).with("expected_name", ATTR_ROLE),
            );
        }
        Some(values) => {
            let mut pairs = Vec::new();
            for (i, value) in values.iter().enumerate() {
                let where_ = format!("{}/AttributeValue[{}]", attr_path(role_name), i + 1);
                match RolePair::parse(value) {
                    Ok(pair) => {
                        if pair.role.account != pair.provider.account
                            || pair.role.partition != pair.provider.partition
                        {
                            findings.push(
                                Finding::new(
                                    Code::RoleProviderAccountMismatch,
                                    format!("{where_}: the role is in account {} ({}) but the provider in account {} ({})", pair.role.account, pair.role.partition, pair.provider.account, pair.provider.partition),
                                )
                                .with("role", pair.role.to_string())
                                .with("provider", pair.provider.to_string()),
                            );
                        }
                        pairs.push(pair);
                    }
                    Err(why) => findings.push(
                        Finding::new(
                            Code::RoleValueMalformed,
                            format!("{where_} `{value}`: {why}"),
                        )
                        .with("value", value.clone())
                        .with("path", where_),
                    ),
                }
            }
            if values.len() > 1 {
                findings.push(
                    Finding::new(
                        Code::MultipleRoles,
                        format!("{} roles: {}", values.len(), values.join("; ")),
                    )
                    .with("roles", values.join("\n")),
                );
            }
        }
    }

    // RoleSessionName.
    match a.attribute_values(ATTR_ROLE_SESSION_NAME) {
        None | Some([]) => {
            let mut detail = format!(
                "{} has no Attribute named {ATTR_ROLE_SESSION_NAME} with a value",
                a.path
            );
            if let Some(near) = near_miss(a, ATTR_ROLE_SESSION_NAME) {
                detail += &format!("; an attribute named `{near}` is there, but AWS matches the name exactly and case-sensitively");
            }
            findings.push(
                Finding::new(Code::RoleSessionNameMissing, detail)
                    .with("expected_name", ATTR_ROLE_SESSION_NAME),
            );
        }
        Some([value]) => {
            if let Err(why) = RoleSessionName::parse(value) {
                let mut f = Finding::new(
                    Code::RoleSessionNameInvalid,
                    format!("{} is `{value}`: {why}", attr_path(ATTR_ROLE_SESSION_NAME)),
                )
                .with("role_session_name", value.clone())
                .with("pattern", "[a-zA-Z_0-9+=,.@-]{2,64}");
                if value.contains("#EXT#") {
                    f = f.with_fix_note("This is an Azure AD / Entra ID guest (B2B) user: its user principal name carries #EXT#, so user.mail is the attribute to use.");
                }
                findings.push(f);
            }
        }
        Some(values) => findings.push(
            Finding::new(
                Code::RoleSessionNameInvalid,
                format!(
                    "{} has {} values ({}); AWS needs exactly one",
                    attr_path(ATTR_ROLE_SESSION_NAME),
                    values.len(),
                    values.join(", ")
                ),
            )
            .with("role_session_name", values.join("\n")),
        ),
    }

    // SessionDuration.
    if let Some(values) = a.attribute_values(ATTR_SESSION_DURATION) {
        if let Some((value, why)) = single_value_problem(values, SessionDuration::parse) {
            findings.push(
                Finding::new(
                    Code::SessionDurationInvalid,
                    format!("{}: {why}", attr_path(ATTR_SESSION_DURATION)),
                )
                .with("session_duration", value),
            );
        }
    }

    // SourceIdentity.
    if let Some(values) = a.attribute_values(ATTR_SOURCE_IDENTITY) {
        if let Some((value, why)) = single_value_problem(values, SourceIdentity::parse) {
            findings.push(
                Finding::new(
                    Code::SourceIdentityInvalid,
                    format!("{} is `{value}`: {why}", attr_path(ATTR_SOURCE_IDENTITY)),
                )
                .with("source_identity", value),
            );
        }
    }

    // PrincipalTag:<Key>.
    let tags: Vec<_> = a
        .attributes
        .iter()
        .filter_map(|attr| {
            attr.name
                .strip_prefix(ATTR_PRINCIPAL_TAG_PREFIX)
                .map(|key| (key, attr))
        })
        .collect();
    if tags.len() > MAX_SESSION_TAGS {
        findings.push(Finding::new(Code::PrincipalTagInvalid, format!("{} PrincipalTag attributes; AWS allows at most {MAX_SESSION_TAGS} session tags", tags.len())).with("tags", tags.len().to_string()));
    }
    for (key, attr) in &tags {
        let problem = match attr.values.as_slice() {
            [value] => PrincipalTag::parse(key, value).err(),
            values => Some(format!(
                "the tag `{key}` has {} values; a session tag has exactly one",
                values.len()
            )),
        };
        if let Some(why) = problem {
            findings.push(
                Finding::new(
                    Code::PrincipalTagInvalid,
                    format!("{}: {why}", attr_path(&attr.name)),
                )
                .with("tag", key.to_string()),
            );
        }
    }
    if let Some(keys) = a.attribute_values(ATTR_TRANSITIVE_TAG_KEYS) {
        for key in keys.iter().filter(|k| !tags.iter().any(|(t, _)| t == k)) {
            findings.push(
                Finding::new(
                    Code::PrincipalTagInvalid,
                    format!(
                        "{} names `{key}`, which is not among the PrincipalTag attributes",
                        attr_path(ATTR_TRANSITIVE_TAG_KEYS)
                    ),
                )
                .with("transitive_tag_key", key.clone()),
            );
        }
    }
    findings
}

/// What is wrong with an attribute AWS reads one value of: its value (as shown) and why, when
/// its one value does not `parse`, or when it has several.
fn single_value_problem<T>(
    values: &[String],
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<(String, String)> {
    match values {
        [value] => parse(value).err().map(|why| (value.clone(), why)),
        _ => Some((
            values.join(","),
            format!("{} values; AWS needs exactly one", values.len()),
        )),
    }
}

/// An attribute name that differs from `expected` only in case, surrounding white space or the
/// scheme (the classic hand-typed claim name).
fn near_miss<'a>(a: &'a Assertion, expected: &str) -> Option<&'a str> {
    let tail = expected
        .rsplit('/')
        .next()
        .unwrap_or(expected)
        .to_ascii_lowercase();
    a.attributes
        .iter()
        .map(|attr| attr.name.as_str())
        .find(|name| {
            name.trim().eq_ignore_ascii_case(expected)
                || name
                    .trim()
                    .to_ascii_lowercase()
                    .ends_with(&format!("/saml/attributes/{tail}"))
        })
        .filter(|name| *name != expected)
}

/// Relay-state rules for Amazon Connect.
pub fn check_relay_state(relay_state: &RelayStateInput) -> Vec<Finding> {
    match relay_state {
        RelayStateInput::Unknown => vec![Finding::skipped(
            Check::RelayState,
            "no RelayState was given with the response; pass --relay-state URL (the identity provider app's Relay State) or diagnose the HAR capture, which holds it",
        )],
        RelayStateInput::Absent => vec![Finding::new(Code::RelayStateMissing, "the sign-in POST to AWS carried no RelayState")],
        RelayStateInput::Present(url) => match ConnectRelayState::parse(url) {
            Err(why) => vec![Finding::new(Code::RelayStateMalformed, format!("the RelayState `{url}`: {why}")).with("relay_state", url.clone())],
            Ok(parsed) if !parsed.destination_encoded => vec![Finding::new(
                Code::RelayStateDestinationNotEncoded,
                format!("the RelayState's destination `{}` is not URL-encoded", parsed.destination.as_deref().unwrap_or_default()),
            )
            .with("relay_state", url.clone())
            .with("encoded_destination", encode_path(parsed.destination.as_deref().unwrap_or_default()))],
            Ok(_) => Vec::new(),
        },
    }
}

/// Percent-encodes every byte but RFC 3986's unreserved characters: a Connect destination path
/// the way the console expects it (`/` as `%2F`), or a form value.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() * 3);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// True for AWS's SAML sign-in endpoints (Destination and Recipient), in every partition.
pub fn is_aws_signin_endpoint(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host.to_ascii_lowercase();
    let host_ok = [
        "signin.aws.amazon.com",
        "signin.amazonaws-us-gov.com",
        "signin.amazonaws.cn",
    ]
    .iter()
    .any(|base| {
        host == *base
            || host
                .strip_suffix(base)
                .and_then(|h| h.strip_suffix('.'))
                .is_some_and(|region| crate::aws::Region::parse(region).is_ok())
    });
    let path_ok = path == "/saml"
        || path == "/static/saml"
        || path.strip_prefix("/saml/acs/").is_some_and(|id| {
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    host_ok && path_ok
}

/// True for an Audience AWS accepts: a sign-in endpoint (with Azure AD's `#n` suffix) or
/// `urn:amazon:webservices` (and its partition forms).
pub fn is_aws_audience(audience: &str) -> bool {
    if audience == "urn:amazon:webservices" || audience.starts_with("urn:amazon:webservices:") {
        return true;
    }
    let without_fragment = audience.split('#').next().unwrap_or(audience);
    is_aws_signin_endpoint(without_fragment)
}

/// Runs the rules of the service the response signs in to: IAM Identity Center's (in
/// [`identity_center`]) for a response addressed to it, IAM federation's otherwise.
pub fn check_response_for_target(response: &Response, as_of: &AsOf) -> Vec<Finding> {
    let findings = check_response(response, as_of);
    match identity_center::detect(response) {
        Some(_) => identity_center::check_response(response, findings),
        None => findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signin_endpoints() {
        for ok in [
            "https://signin.aws.amazon.com/saml",
            "https://eu-west-2.signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com/static/saml",
            "https://us-east-1.signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46",
            "https://signin.amazonaws-us-gov.com/saml",
            "https://signin.amazonaws.cn/saml",
        ] {
            assert!(is_aws_signin_endpoint(ok), "{ok}");
        }
        for bad in [
            "http://signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com/saml/",
            "https://signin.aws.amazon.com/",
            "https://signin.aws.amazon.com.evil.example/saml",
            "https://evil-signin.aws.amazon.com/saml",
            "https://login.microsoftonline.com/saml",
            "https://signin.aws.amazon.com/saml/acs/",
            "",
        ] {
            assert!(!is_aws_signin_endpoint(bad), "{bad}");
        }
    }

    #[test]
    fn audiences_include_azure_fragments() {
        assert!(is_aws_audience("urn:amazon:webservices"));
        assert!(is_aws_audience("urn:amazon:webservices:govcloud"));
        assert!(is_aws_audience("https://signin.aws.amazon.com/saml#2"));
        assert!(!is_aws_audience("https://signin.aws.amazon.com"));
        assert!(!is_aws_audience("urn:amazon:webservice"));
        assert!(!is_aws_audience("spn:00000000-0000-0000-0000-000000000000"));
    }

    #[test]
    fn relay_state_rules() {
        assert_eq!(
            check_relay_state(&RelayStateInput::Unknown)[0].code,
            Code::CheckSkipped
        );
        assert_eq!(
            check_relay_state(&RelayStateInput::Absent)[0].code,
            Code::RelayStateMissing
        );
        let good = "https://us-east-1.console.aws.amazon.com/connect/federate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee?destination=%2Fconnect%2Fccp-v2";
        assert!(check_relay_state(&RelayStateInput::Present(good.into())).is_empty());
        let raw = good.replace("%2F", "/");
        let f = &check_relay_state(&RelayStateInput::Present(raw))[0];
        assert_eq!(f.code, Code::RelayStateDestinationNotEncoded);
        assert_eq!(
            f.evidence.get("encoded_destination"),
            Some("%2Fconnect%2Fccp-v2")
        );
        let bad = "https://<regionid>.console.aws.amazon.com/connect/federate/<instance-id>";
        assert_eq!(
            check_relay_state(&RelayStateInput::Present(bad.into()))[0].code,
            Code::RelayStateMalformed
        );
    }
}

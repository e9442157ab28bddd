//! IAM Identity Center as the service provider: how to tell its sign-ins from IAM federation's,
//! and the offline rules it applies instead of the Role / RoleSessionName ones.
//!
//! Facts, from AWS's documentation (checked 2026-11):
//! - The IdP posts to the ACS URL the console shows under Settings > Identity source > Manage
//!   authentication: `https://<region>.signin.aws/platform/saml/acs/<id>`, the dual-stack
//!   `https://<region>.sso.signin.aws/platform/saml/acs/<id>`, or for older instances
//!   `https://<region>.signin.aws.amazon.com/platform/saml/acs/<id>`; the audience (the "issuer URL")
//!   is `https://<region>.signin.aws.amazon.com/platform/saml/<identity-store-id>`
//!   (<https://docs.aws.amazon.com/singlesignon/latest/userguide/manage-your-identity-source-idp.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-iam-identity-center.html>:
//!   a multi-Region instance has one ACS URL per Region).
//! - Identity store ids match `d-[0-9a-f]{10}` (or a UUID): IdentityStoreId in
//!   <https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_GetUserId.html>.
//! - NameID must use the emailAddress format and equal an existing user's user name; no
//!   just-in-time provisioning; one assertion per response; no encrypted assertions
//!   (<https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>,
//!   <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>).
//! - Attributes for access control: `https://aws.amazon.com/SAML/Attributes/AccessControl:<key>`,
//!   single-valued, at most 50, and they become session tags
//!   (<https://docs.aws.amazon.com/singlesignon/latest/userguide/attributemappingsconcept.html>,
//!   tag limits: <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>).
//!
//! Where AWS is silent, the rules below say so and take the reading that cannot pass a sign-in
//! AWS would refuse (ACS host aliases are compared by Region and id only; duplicated keys are
//! compared without regard to case, as session-tag keys are).

use serde::Serialize;

use crate::aws::Region;
use crate::code::Code;
use crate::finding::Finding;
use crate::model::{Assertion, Response, CM_BEARER};

pub const ATTR_ACCESS_CONTROL_PREFIX: &str =
    "https://aws.amazon.com/SAML/Attributes/AccessControl:";
pub const NAMEID_FORMAT_EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
/// IAM Identity Center accepts at most this many access-control attributes.
pub const MAX_ACCESS_CONTROL_ATTRIBUTES: usize = 50;
/// Session-tag limits the access-control attributes become subject to.
pub const MAX_TAG_KEY_CHARS: usize = 128;
pub const MAX_TAG_VALUE_CHARS: usize = 256;

/// Which host an ACS URL uses: all three reach the same ACS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AcsHost {
    /// `<region>.signin.aws`
    SigninAws,
    /// `<region>.sso.signin.aws` (dual-stack, IPv4 and IPv6)
    DualStack,
    /// `<region>.signin.aws.amazon.com` (instances created before the `signin.aws` domain)
    Legacy,
    /// `<region>.signin.amazonaws-us-gov.com` or `<region>.signin.amazonaws.cn`: the other
    /// partitions' sign-in hosts. AWS's pages show only the commercial hosts; accepting these
    /// keeps a GovCloud or China instance from being reported as malformed.
    OtherPartition,
}

/// An IAM Identity Center Assertion Consumer Service URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acs {
    pub region: String,
    pub id: String,
    pub host: AcsHost,
}

impl Acs {
    /// Parses an ACS URL, saying which part is wrong.
    pub fn parse(url: &str) -> Result<Acs, String> {
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| "it does not start with https://".to_owned())?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = host.to_ascii_lowercase();
        let (region, kind) = if let Some(r) = host.strip_suffix(".sso.signin.aws") {
            (r, AcsHost::DualStack)
        } else if let Some(r) = host.strip_suffix(".signin.aws") {
            (r, AcsHost::SigninAws)
        } else if let Some(r) = host.strip_suffix(".signin.aws.amazon.com") {
            (r, AcsHost::Legacy)
        } else if let Some(r) = OTHER_PARTITION_HOSTS
            .iter()
            .find_map(|h| host.strip_suffix(h))
        {
            (r, AcsHost::OtherPartition)
        } else {
            return Err(format!("the host `{host}` is not <region>.signin.aws, <region>.sso.signin.aws or <region>.signin.aws.amazon.com"));
        };
        Region::parse(region).map_err(|e| format!("the host's Region: {e}"))?;
        let id = path
            .strip_prefix("/platform/saml/acs/")
            .ok_or_else(|| format!("the path `{path}` is not /platform/saml/acs/<id>"))?;
        // The id is hex with dashes, but not a UUID's grouping: accept any such run.
        if id.is_empty()
            || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            || !id.bytes().any(|b| b.is_ascii_hexdigit())
        {
            return Err(format!(
                "the ACS id `{id}` is not the hexadecimal id (with dashes) the console shows"
            ));
        }
        Ok(Acs {
            region: region.to_owned(),
            id: id.to_ascii_lowercase(),
            host: kind,
        })
    }

    /// Same ACS (Region and id): the host aliases reach the same endpoint. AWS does not say
    /// whether a Destination on one alias is accepted when posted to another; comparing Region
    /// and id only never reports a difference AWS might not make.
    pub fn same_endpoint(&self, other: &Acs) -> bool {
        self.region == other.region && self.id == other.id
    }
}

/// The sign-in hosts of the GovCloud and China partitions, after `<region>`.
const OTHER_PARTITION_HOSTS: [&str; 2] = [".signin.amazonaws-us-gov.com", ".signin.amazonaws.cn"];

/// IAM Identity Center's issuer URL, the Audience an IdP must send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuerUrl {
    pub region: String,
    pub identity_store_id: String,
}

impl IssuerUrl {
    pub fn parse(url: &str) -> Result<IssuerUrl, String> {
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| "it does not start with https://".to_owned())?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = host.to_ascii_lowercase();
        let region = host
            .strip_suffix(".signin.aws.amazon.com")
            .or_else(|| {
                OTHER_PARTITION_HOSTS
                    .iter()
                    .find_map(|h| host.strip_suffix(h))
            })
            .ok_or_else(|| format!("the host `{host}` is not <region>.signin.aws.amazon.com"))?;
        Region::parse(region).map_err(|e| format!("the host's Region: {e}"))?;
        let id = path.strip_prefix("/platform/saml/").ok_or_else(|| {
            format!("the path `{path}` is not /platform/saml/<identity-store-id>")
        })?;
        if !is_identity_store_id(id) {
            return Err(format!(
                "`{id}` is not an identity store id (d- and ten hexadecimal characters)"
            ));
        }
        Ok(IssuerUrl {
            region: region.to_owned(),
            identity_store_id: id.to_owned(),
        })
    }
}

/// `d-[0-9a-f]{10}` or a UUID (the API's IdentityStoreId pattern).
pub fn is_identity_store_id(id: &str) -> bool {
    let hex = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if let Some(rest) = id.strip_prefix("d-") {
        return rest.len() == 10 && hex(rest);
    }
    let lens: Vec<usize> = id.split('-').map(str::len).collect();
    lens == [8, 4, 4, 4, 12] && id.split('-').all(hex)
}

/// True for a URL shaped like an Identity Center endpoint (ACS or issuer URL), even a broken one:
/// what makes a response an Identity Center one.
fn names_identity_center(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") && lower.contains("/platform/saml/") || Acs::parse(url).is_ok()
}

/// True for an IAM Identity Center ACS URL.
pub fn is_identity_center_acs(url: &str) -> bool {
    Acs::parse(url).is_ok()
}

/// True for any endpoint AWS takes a SAML response at: IAM federation's or Identity Center's.
pub fn is_aws_saml_endpoint(url: &str) -> bool {
    super::is_aws_signin_endpoint(url) || is_identity_center_acs(url)
}

/// What the response says about its Identity Center target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IdentityCenterFacts {
    /// The instance's home Region and identity store, from the Audience.
    pub region: Option<String>,
    pub identity_store_id: Option<String>,
    /// The ACS the response is addressed to (Destination, else Recipient).
    pub acs: Option<Acs>,
    /// The NameID: the user name Identity Center looks up.
    pub user_name: Option<String>,
}

/// The Identity Center facts of a response addressed to Identity Center, or `None` for any
/// other (IAM federation) response.
pub fn detect(response: &Response) -> Option<IdentityCenterFacts> {
    let audiences = || {
        response
            .assertions
            .iter()
            .filter_map(|a| a.conditions.as_ref())
            .flat_map(|c| c.audiences.iter())
    };
    let recipients = || {
        response
            .assertions
            .iter()
            .filter_map(|a| a.subject.as_ref())
            .flat_map(|s| s.confirmations.iter())
            .filter_map(|c| c.recipient.as_deref())
    };
    let targeted = audiences().any(|a| names_identity_center(a))
        || response
            .destination
            .as_deref()
            .is_some_and(names_identity_center)
        || recipients().any(names_identity_center);
    if !targeted {
        return None;
    }
    let issuer = audiences().find_map(|a| IssuerUrl::parse(a).ok());
    Some(IdentityCenterFacts {
        region: issuer.as_ref().map(|i| i.region.clone()),
        identity_store_id: issuer.map(|i| i.identity_store_id),
        acs: response
            .destination
            .as_deref()
            .and_then(|d| Acs::parse(d).ok())
            .or_else(|| recipients().find_map(|r| Acs::parse(r).ok())),
        user_name: response
            .assertions
            .first()
            .and_then(|a| a.subject.as_ref()?.name_id.as_ref())
            .map(|n| n.value.clone()),
    })
}

/// Codes of IAM federation's own rules, which Identity Center does not apply (it needs no Role
/// or RoleSessionName, and has its own endpoints, audience and encryption rule).
fn is_iam_federation_code(code: Code) -> bool {
    matches!(
        code,
        Code::DestinationNotAws
            | Code::RecipientNotAws
            | Code::AudienceNotAws
            | Code::AssertionEncrypted
            | Code::RoleAttributeMissing
            | Code::RoleValueMalformed
            | Code::RoleProviderAccountMismatch
            | Code::MultipleRoles
            | Code::RoleSessionNameMissing
            | Code::RoleSessionNameInvalid
            | Code::SessionDurationInvalid
            | Code::PrincipalTagInvalid
            | Code::SourceIdentityInvalid
    )
}

/// Identity Center's rules for a response [`detect`] recognised. `shared` is what the common
/// rules found (schema, status, signatures, validity, NameID presence): IAM federation's own
/// findings are dropped from it and Identity Center's added.
pub fn check_response(response: &Response, shared: Vec<Finding>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = shared
        .into_iter()
        .filter(|f| !is_iam_federation_code(f.code))
        .collect();
    if !response.status.is_success() {
        return findings;
    }
    if response.encrypted_assertions > 0 {
        findings.push(
            Finding::new(
                Code::IdcAssertionEncrypted,
                format!(
                    "/Response holds {} EncryptedAssertion element{}; IAM Identity Center accepts only a plain, signed assertion",
                    response.encrypted_assertions,
                    if response.encrypted_assertions == 1 { "" } else { "s" }
                ),
            )
            .with("encrypted_assertions", response.encrypted_assertions.to_string()),
        );
    }
    let total = response.assertions.len() + response.encrypted_assertions;
    if total > 1 {
        findings.push(
            Finding::new(
                Code::IdcMultipleAssertions,
                format!(
                    "/Response holds {total} assertions; IAM Identity Center accepts exactly one"
                ),
            )
            .with("assertions", total.to_string()),
        );
    }
    findings.extend(check_endpoints(response));
    for a in &response.assertions {
        findings.extend(check_audience(a));
        findings.extend(check_name_id(a));
        findings.extend(check_access_control(a));
    }
    findings
}

/// A Destination or Recipient: IAM's endpoint (the Okta blank-ACS mistake), or not an ACS.
fn check_endpoint(what: &str, url: &str) -> Option<Finding> {
    if super::is_aws_signin_endpoint(url) {
        return Some(
            Finding::new(
                Code::IdcPostedToIamEndpoint,
                format!("{what} is `{url}`, IAM federation's SAML endpoint, but the Audience is IAM Identity Center's"),
            )
            .with("url", url)
            .with("expected", "https://<region>.signin.aws/platform/saml/acs/<id>"),
        );
    }
    Acs::parse(url).err().map(|why| {
        Finding::new(
            Code::IdcAcsMalformed,
            format!("{what} `{url}` is not an IAM Identity Center ACS URL: {why}"),
        )
        .with("url", url)
        .with(
            "expected",
            "https://<region>.signin.aws/platform/saml/acs/<id>",
        )
    })
}

fn check_endpoints(response: &Response) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut named: Vec<(String, Acs)> = Vec::new();
    if let Some(d) = &response.destination {
        match check_endpoint("/Response/@Destination", d) {
            Some(f) => findings.push(f),
            None => named.extend(Acs::parse(d).ok().map(|a| ("Destination".to_owned(), a))),
        }
    }
    for a in &response.assertions {
        let bearers = a
            .subject
            .iter()
            .flat_map(|s| s.confirmations.iter())
            .filter(|c| c.method.as_deref() == Some(CM_BEARER));
        for c in bearers {
            let what = format!(
                "{}/Subject/SubjectConfirmation/SubjectConfirmationData/@Recipient",
                a.path
            );
            match &c.recipient {
                None => findings.push(Finding::new(
                    Code::IdcAcsMalformed,
                    format!("{what} is missing; IAM Identity Center needs its ACS URL there"),
                )),
                Some(r) => match check_endpoint(&what, r) {
                    // One finding for the blank-ACS mistake, whichever fields show it.
                    Some(f)
                        if f.code == Code::IdcPostedToIamEndpoint
                            && findings.iter().any(|g| g.code == f.code) => {}
                    Some(f) => findings.push(f),
                    None => {
                        named.extend(Acs::parse(r).ok().map(|acs| ("Recipient".to_owned(), acs)))
                    }
                },
            }
        }
    }
    if let Some((first_name, first)) = named.first() {
        for (name, acs) in &named[1..] {
            if !acs.same_endpoint(first) {
                findings.push(
                    Finding::new(
                        Code::IdcAcsMalformed,
                        format!(
                            "{first_name} names the ACS {} in {} but {name} names {} in {}: both must be the instance's ACS URL for the Region signed in to",
                            first.id, first.region, acs.id, acs.region
                        ),
                    )
                    .with("destination_region", first.region.clone())
                    .with("destination_acs_id", first.id.clone())
                    .with("recipient_region", acs.region.clone())
                    .with("recipient_acs_id", acs.id.clone()),
                );
                break;
            }
        }
    }
    findings
}

fn check_audience(a: &Assertion) -> Option<Finding> {
    let audiences = a
        .conditions
        .as_ref()
        .map(|c| c.audiences.as_slice())
        .unwrap_or_default();
    if audiences.iter().any(|x| IssuerUrl::parse(x).is_ok()) {
        return None;
    }
    let path = format!("{}/Conditions/AudienceRestriction/Audience", a.path);
    let detail = match audiences.first() {
        None => format!("{}/Conditions has no AudienceRestriction/Audience", a.path),
        Some(first) => {
            let why = if crate::rules::is_aws_audience(first) {
                "that is IAM federation's audience, not IAM Identity Center's issuer URL".to_owned()
            } else {
                IssuerUrl::parse(first).err().unwrap_or_default()
            };
            format!("{path} is `{first}`: {why}")
        }
    };
    Some(
        Finding::new(Code::IdcAudienceMalformed, detail)
            .with("audiences", audiences.join(" "))
            .with(
                "expected",
                "https://<region>.signin.aws.amazon.com/platform/saml/d-<10 hex>",
            ),
    )
}

/// A plain `local@domain.tld`: what a user name sent as an e-mail address must look like.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

fn check_name_id(a: &Assertion) -> Vec<Finding> {
    let Some(name_id) = a.subject.as_ref().and_then(|s| s.name_id.as_ref()) else {
        return Vec::new(); // name_id_missing, from the shared rules
    };
    let path = format!("{}/Subject/NameID", a.path);
    let value = &name_id.value;
    let mut findings = Vec::new();
    if name_id.format.as_deref() != Some(NAMEID_FORMAT_EMAIL) {
        let format = name_id
            .format
            .as_deref()
            .unwrap_or("absent (urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified)");
        let mut f = Finding::new(
            Code::IdcNameIdFormat,
            format!("{path}/@Format is {format}; IAM Identity Center needs {NAMEID_FORMAT_EMAIL}"),
        )
        .with("format", name_id.format.clone().unwrap_or_default())
        .with("expected", NAMEID_FORMAT_EMAIL)
        .with("name_id", value.clone());
        if !value.is_empty() && !looks_like_email(value) {
            f = f.with_fix_note(format!(
                "The value `{value}` is not an e-mail address either: map NameID from the attribute that holds the IAM Identity Center user name."
            ));
        }
        findings.push(f);
    } else if !value.is_empty() && !looks_like_email(value) {
        let mut f = Finding::new(
            Code::IdcNameIdNotEmail,
            format!("{path} is `{value}`, which is not an e-mail address"),
        )
        .with("name_id", value.clone());
        if value.contains("#EXT#") {
            f = f.with_fix_note("This is an Entra ID guest's user principal name (#EXT#): provision guests with their e-mail as user name and map NameID from user.mail.");
        }
        findings.push(f);
    }
    findings
}

fn check_access_control(a: &Assertion) -> Vec<Finding> {
    let mut findings = Vec::new();
    let attrs: Vec<(&str, &[String])> = a
        .attributes
        .iter()
        .filter_map(|x| {
            x.name
                .strip_prefix(ATTR_ACCESS_CONTROL_PREFIX)
                .map(|k| (k, x.values.as_slice()))
        })
        .collect();
    let attr_path = |key: &str| {
        format!(
            "{}/AttributeStatement/Attribute[@Name='{ATTR_ACCESS_CONTROL_PREFIX}{key}']",
            a.path
        )
    };
    if attrs.len() > MAX_ACCESS_CONTROL_ATTRIBUTES {
        findings.push(
            Finding::new(
                Code::IdcAccessControlAttributeInvalid,
                format!(
                    "{} has {} AccessControl attributes; IAM Identity Center accepts at most {MAX_ACCESS_CONTROL_ATTRIBUTES}",
                    a.path,
                    attrs.len()
                ),
            )
            .with("count", attrs.len().to_string())
            .with("limit", MAX_ACCESS_CONTROL_ATTRIBUTES.to_string()),
        );
    }
    let mut seen: Vec<String> = Vec::new();
    for (key, values) in &attrs {
        let folded = key.to_lowercase();
        if seen.contains(&folded) {
            findings.push(
                Finding::new(
                    Code::IdcAccessControlAttributeInvalid,
                    format!(
                        "{} is sent more than once (keys are compared without regard to case)",
                        attr_path(key)
                    ),
                )
                .with("key", *key),
            );
            continue;
        }
        seen.push(folded);
        let key_chars = key.chars().count();
        if key_chars == 0 || key_chars > MAX_TAG_KEY_CHARS {
            findings.push(
                Finding::new(
                    Code::IdcAccessControlAttributeInvalid,
                    format!("{}: the key is {key_chars} characters; 1 to {MAX_TAG_KEY_CHARS} are allowed", attr_path(key)),
                )
                .with("key", *key),
            );
        }
        match values {
            [value] => {
                let chars = value.chars().count();
                if chars > MAX_TAG_VALUE_CHARS {
                    findings.push(
                        Finding::new(
                            Code::IdcAccessControlAttributeInvalid,
                            format!("{}: the value is {chars} characters; at most {MAX_TAG_VALUE_CHARS} are allowed", attr_path(key)),
                        )
                        .with("key", *key),
                    );
                }
            }
            _ => findings.push(
                Finding::new(
                    Code::IdcAccessControlAttributeInvalid,
                    format!(
                        "{} has {} values; IAM Identity Center needs exactly one",
                        attr_path(key),
                        values.len()
                    ),
                )
                .with("key", *key)
                .with("values", values.join("\n")),
            ),
        }
    }
    findings
}

/// Rules that need the URL the browser posted the response to (from a capture): the blank-ACS
/// mistake seen in the POST itself, and a Destination naming another Region or ACS than the one
/// posted to. `already` holds the response's findings, so one fault is reported once.
pub fn check_posted_to(response: &Response, posted_url: &str, already: &[Finding]) -> Vec<Finding> {
    if detect(response).is_none() {
        return Vec::new();
    }
    let url = posted_url.split(['?', '#']).next().unwrap_or(posted_url);
    let mut findings = Vec::new();
    if super::is_aws_signin_endpoint(url) {
        if !already
            .iter()
            .any(|f| f.code == Code::IdcPostedToIamEndpoint)
        {
            findings.push(
                Finding::new(
                    Code::IdcPostedToIamEndpoint,
                    format!("the browser posted this IAM Identity Center response to `{url}`, IAM federation's SAML endpoint"),
                )
                .with("posted_to", url)
                .with("expected", "https://<region>.signin.aws/platform/saml/acs/<id>"),
            );
        }
        return findings;
    }
    let Ok(posted) = Acs::parse(url) else {
        return findings;
    };
    if already.iter().any(|f| f.code == Code::IdcAcsMalformed) {
        return findings; // the response's own endpoints disagree already: one finding says so
    }
    let named = response
        .destination
        .iter()
        .map(|d| ("/Response/@Destination".to_owned(), d.clone()))
        .chain(response.assertions.iter().flat_map(|a| {
            a.subject
                .iter()
                .flat_map(|s| s.confirmations.iter())
                .filter_map(|c| c.recipient.clone())
                .map(|r| {
                    (
                        format!(
                            "{}/Subject/SubjectConfirmation/SubjectConfirmationData/@Recipient",
                            a.path
                        ),
                        r,
                    )
                })
        }));
    for (what, value) in named {
        if let Ok(acs) = Acs::parse(&value) {
            if !acs.same_endpoint(&posted) {
                findings.push(
                    Finding::new(
                        Code::IdcAcsMalformed,
                        format!(
                            "{what} names the ACS {} in {}, but the browser posted to the ACS {} in {} (`{url}`)",
                            acs.id, acs.region, posted.id, posted.region
                        ),
                    )
                    .with("named", value.clone())
                    .with("posted_to", url),
                );
                break;
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acs_urls_of_every_host() {
        for (url, host) in [
            (
                "https://us-east-1.signin.aws/platform/saml/acs/3f9a1c2e-77b0-4d1a-9e5c",
                AcsHost::SigninAws,
            ),
            (
                "https://eu-west-1.sso.signin.aws/platform/saml/acs/ab12-cd34",
                AcsHost::DualStack,
            ),
            (
                "https://ap-southeast-2.signin.aws.amazon.com/platform/saml/acs/0a1b2c3d",
                AcsHost::Legacy,
            ),
        ] {
            let acs = Acs::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(acs.host, host);
            assert!(is_aws_saml_endpoint(url));
        }
        for bad in [
            "https://signin.aws.amazon.com/saml",
            "http://us-east-1.signin.aws/platform/saml/acs/ab12",
            "https://us-east-1.signin.aws/platform/saml/acs/",
            "https://us-east-1.signin.aws/platform/saml/acs/zz-top",
            "https://useast1.signin.aws/platform/saml/acs/ab12",
            "https://us-east-1.signin.aws/platform/saml/d-1234567890",
            "https://us-east-1.evil.example/platform/saml/acs/ab12",
        ] {
            assert!(Acs::parse(bad).is_err(), "{bad}");
        }
        assert!(is_aws_saml_endpoint("https://signin.aws.amazon.com/saml"));
        // The other partitions' sign-in hosts.
        let gov = Acs::parse(
            "https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/acs/ab12-cd34",
        )
        .unwrap();
        assert_eq!(
            (gov.region.as_str(), gov.host),
            ("us-gov-west-1", AcsHost::OtherPartition)
        );
        assert!(
            Acs::parse("https://cn-north-1.signin.amazonaws.cn/platform/saml/acs/ab12").is_ok()
        );
        assert!(IssuerUrl::parse(
            "https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/d-9067a1b2c3"
        )
        .is_ok());
    }

    #[test]
    fn issuer_urls_and_identity_store_ids() {
        let i =
            IssuerUrl::parse("https://us-east-1.signin.aws.amazon.com/platform/saml/d-9067a1b2c3")
                .unwrap();
        assert_eq!(i.region, "us-east-1");
        assert_eq!(i.identity_store_id, "d-9067a1b2c3");
        assert!(
            IssuerUrl::parse("https://us-east-1.signin.aws.amazon.com/platform/saml/d-12345")
                .is_err()
        );
        assert!(IssuerUrl::parse("https://signin.aws.amazon.com/saml").is_err());
        assert!(
            IssuerUrl::parse("https://us-east-1.signin.aws/platform/saml/d-9067a1b2c3").is_err()
        );
        assert!(is_identity_store_id("d-0123456789"));
        assert!(!is_identity_store_id("d-012345678G"));
        assert!(is_identity_store_id("0a1b2c3d-0000-1111-2222-333344445555"));
    }

    const ACS: &str = "https://us-east-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d";
    const AUD: &str = "https://us-east-1.signin.aws.amazon.com/platform/saml/d-9067a1b2c3";
    const EMAIL: &str = NAMEID_FORMAT_EMAIL;

    /// A response shaped as `detect` and the rules read it; `extra` goes in the AttributeStatement.
    fn response(
        dest: &str,
        recipient: Option<&str>,
        aud: &str,
        fmt: &str,
        name: &str,
        extra: &str,
    ) -> Response {
        let recipient = recipient
            .map(|r| format!(r#" Recipient="{r}""#))
            .unwrap_or_default();
        let xml = format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Version="2.0" IssueInstant="2024-05-14T09:31:07Z" Destination="{dest}"><saml:Issuer>http://www.okta.com/x</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a" Version="2.0" IssueInstant="2024-05-14T09:31:07Z"><saml:Issuer>http://www.okta.com/x</saml:Issuer><saml:Subject><saml:NameID Format="{fmt}">{name}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2024-05-14T09:36:07Z"{recipient}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions><saml:AudienceRestriction><saml:Audience>{aud}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AttributeStatement>{extra}</saml:AttributeStatement></saml:Assertion></samlp:Response>"#
        );
        match crate::model::parse(&xml).unwrap() {
            crate::model::Message::Response(r) => *r,
            other => panic!("{other:?}"),
        }
    }

    fn codes(r: &Response) -> Vec<Code> {
        check_response(r, Vec::new())
            .iter()
            .map(|f| f.code)
            .collect()
    }

    fn attr(key: &str, values: &[&str]) -> String {
        let v: String = values
            .iter()
            .map(|v| format!("<saml:AttributeValue>{v}</saml:AttributeValue>"))
            .collect();
        format!(r#"<saml:Attribute Name="{ATTR_ACCESS_CONTROL_PREFIX}{key}">{v}</saml:Attribute>"#)
    }

    #[test]
    fn detection_tells_identity_center_from_iam() {
        let idc = response(ACS, Some(ACS), AUD, EMAIL, "jane@example.com", "");
        let facts = detect(&idc).unwrap();
        assert_eq!(facts.identity_store_id.as_deref(), Some("d-9067a1b2c3"));
        assert_eq!(facts.acs.unwrap().region, "us-east-1");
        assert!(codes(&idc).is_empty());
        let iam = response(
            "https://signin.aws.amazon.com/saml",
            Some("https://signin.aws.amazon.com/saml"),
            "urn:amazon:webservices",
            EMAIL,
            "jane@example.com",
            "",
        );
        assert!(detect(&iam).is_none());
        // Any one Identity Center field makes it an Identity Center sign-in.
        assert!(detect(&response(
            "https://signin.aws.amazon.com/saml",
            None,
            AUD,
            EMAIL,
            "j@e.com",
            ""
        ))
        .is_some());
        assert!(detect(&response(
            ACS,
            None,
            "urn:amazon:webservices",
            EMAIL,
            "j@e.com",
            ""
        ))
        .is_some());
    }

    #[test]
    fn each_rule_on_a_response() {
        let iam = "https://signin.aws.amazon.com/saml";
        assert_eq!(
            codes(&response(iam, Some(iam), AUD, EMAIL, "j@e.com", "")),
            [Code::IdcPostedToIamEndpoint]
        );
        assert_eq!(
            codes(&response(ACS, None, AUD, EMAIL, "j@e.com", "")),
            [Code::IdcAcsMalformed]
        );
        let other = "https://eu-west-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d";
        assert_eq!(
            codes(&response(ACS, Some(other), AUD, EMAIL, "j@e.com", "")),
            [Code::IdcAcsMalformed]
        );
        // The dual-stack and legacy hosts reach the same ACS.
        let dual = "https://us-east-1.sso.signin.aws/platform/saml/acs/5c1a3e9f-2b7d";
        assert!(codes(&response(ACS, Some(dual), AUD, EMAIL, "j@e.com", "")).is_empty());
        assert_eq!(
            codes(&response(
                ACS,
                Some(ACS),
                "urn:amazon:webservices",
                EMAIL,
                "j@e.com",
                ""
            )),
            [Code::IdcAudienceMalformed]
        );
        let persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
        assert_eq!(
            codes(&response(ACS, Some(ACS), AUD, persistent, "j@e.com", "")),
            [Code::IdcNameIdFormat]
        );
        assert_eq!(
            codes(&response(ACS, Some(ACS), AUD, EMAIL, "jdoe", "")),
            [Code::IdcNameIdNotEmail]
        );
    }

    #[test]
    fn access_control_attribute_limits() {
        let ok: String = (0..MAX_ACCESS_CONTROL_ATTRIBUTES)
            .map(|n| attr(&format!("k{n}"), &["v"]))
            .collect();
        assert!(codes(&response(ACS, Some(ACS), AUD, EMAIL, "j@e.com", &ok)).is_empty());
        let too_many = format!("{ok}{}", attr("k50", &["v"]));
        assert_eq!(
            codes(&response(ACS, Some(ACS), AUD, EMAIL, "j@e.com", &too_many)),
            [Code::IdcAccessControlAttributeInvalid]
        );
        for bad in [
            attr("CostCenter", &["1", "2"]),
            attr("CostCenter", &[]),
            format!("{}{}", attr("Dept", &["a"]), attr("dept", &["b"])),
            attr(&"k".repeat(129), &["v"]),
            attr("k", &[&"v".repeat(257)]),
        ] {
            assert_eq!(
                codes(&response(ACS, Some(ACS), AUD, EMAIL, "j@e.com", &bad)),
                [Code::IdcAccessControlAttributeInvalid],
                "{bad}"
            );
        }
    }

    #[test]
    fn iam_federation_rules_give_way() {
        let r = response(ACS, Some(ACS), AUD, EMAIL, "j@e.com", "");
        let shared = vec![
            Finding::new(Code::RoleAttributeMissing, "x"),
            Finding::new(Code::RoleSessionNameMissing, "x"),
            Finding::new(Code::AudienceNotAws, "x"),
            Finding::new(Code::AssertionExpired, "kept"),
        ];
        let kept: Vec<Code> = check_response(&r, shared).iter().map(|f| f.code).collect();
        assert_eq!(kept, [Code::AssertionExpired]);
    }

    #[test]
    fn the_url_posted_to() {
        let r = response(ACS, Some(ACS), AUD, EMAIL, "j@e.com", "");
        assert!(check_posted_to(&r, ACS, &[]).is_empty());
        let f = check_posted_to(&r, "https://signin.aws.amazon.com/saml?x=1", &[]);
        assert_eq!(f[0].code, Code::IdcPostedToIamEndpoint);
        let f = check_posted_to(
            &r,
            "https://eu-west-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d",
            &[],
        );
        assert_eq!(f[0].code, Code::IdcAcsMalformed);
        let iam = response(
            "https://signin.aws.amazon.com/saml",
            Some("https://signin.aws.amazon.com/saml"),
            "urn:amazon:webservices",
            EMAIL,
            "j@e.com",
            "",
        );
        assert!(check_posted_to(&iam, ACS, &[]).is_empty());
    }

    #[test]
    fn e_mail_addresses() {
        for ok in [
            "jane@example.com",
            "j.doe+aws@sub.example.co.uk",
            "émile@exemple.fr",
        ] {
            assert!(looks_like_email(ok), "{ok}");
        }
        for bad in [
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "jane doe@example.com",
            "a@b@c.com",
            "8f2e1a9c-1111-2222-3333-444455556666",
            "jane@example..com",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}

//! IAM Identity Center's offline rules for a response addressed to it: its endpoints (the ACS
//! URL, never IAM federation's), its Audience (the issuer URL), the NameID (an e-mail address, in
//! the emailAddress format), one plain assertion, and the access-control attributes' limits.

use super::facts::detect;
use super::urls::{Acs, IssuerUrl};
use crate::aws::endpoints::{is_aws_audience, is_aws_signin_endpoint};
use crate::code::Code;
use crate::finding::Finding;
use crate::model::{Assertion, Response, CM_BEARER};

/// The prefix of the attributes for access control: `AccessControl:<key>` becomes a session tag.
pub const ATTR_ACCESS_CONTROL_PREFIX: &str =
    "https://aws.amazon.com/SAML/Attributes/AccessControl:";
/// The NameID format Identity Center requires.
pub const NAMEID_FORMAT_EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
/// IAM Identity Center accepts at most this many access-control attributes.
pub const MAX_ACCESS_CONTROL_ATTRIBUTES: usize = 50;
/// Session-tag limits the access-control attributes become subject to: a key's characters.
pub const MAX_TAG_KEY_CHARS: usize = 128;
/// Session-tag limits the access-control attributes become subject to: a value's characters.
pub const MAX_TAG_VALUE_CHARS: usize = 256;

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
    // An assertion saml-doctor decrypted was encrypted all the same: Identity Center refuses it.
    let encrypted =
        response.encrypted_assertions + response.assertions.iter().filter(|a| a.encrypted).count();
    if encrypted > 0 {
        findings.push(
            Finding::new(
                Code::IdcAssertionEncrypted,
                format!(
                    "/Response holds {encrypted} EncryptedAssertion element{}; IAM Identity Center accepts only a plain, signed assertion",
                    if encrypted == 1 { "" } else { "s" }
                ),
            )
            .with("encrypted_assertions", encrypted.to_string()),
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
    if is_aws_signin_endpoint(url) {
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
            let why = if is_aws_audience(first) {
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
    if is_aws_signin_endpoint(url) {
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

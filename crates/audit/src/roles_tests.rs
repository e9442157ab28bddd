//! Unit tests of the trust-policy rules: a healthy role of each shape (global, regional,
//! wildcard and encrypted-assertion audiences, URL-encoded, with conditions on the assertion,
//! GovCloud) and each fault, every one asserting its code and resource.

use super::*;
use saml_core::aws::AccountId;

const ACCOUNT: &str = "111122223333";
const PROVIDER: &str = "arn:aws:iam::111122223333:saml-provider/Contoso";
const ROLE: &str = "arn:aws:iam::111122223333:role/ConnectAgent";
const GLOBAL: &str = "https://signin.aws.amazon.com/saml";

fn ctx() -> AccountContext {
    AccountContext::new(AccountId::parse(ACCOUNT).unwrap(), Partition::Aws)
}

fn providers() -> Vec<KnownProvider> {
    vec![
        KnownProvider {
            arn: PROVIDER.into(),
            uuid: Some("SAMLSP4SHN3UIS2D558H46".into()),
        },
        KnownProvider {
            arn: "arn:aws:iam::111122223333:saml-provider/Okta".into(),
            uuid: None,
        },
    ]
}

fn role(document: &str) -> RoleEntry {
    RoleEntry {
        arn: ROLE.into(),
        role_name: "ConnectAgent".into(),
        role_id: "AROAEXAMPLEID123456789".into(),
        path: "/".into(),
        assume_role_policy_document: Some(document.into()),
        max_session_duration: Some(3600),
    }
}

/// A trust policy with one statement for `principal`, `action` and a `condition` object.
fn trust(principal: &str, action: &str, condition: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{principal}"}}, "Action": "{action}", "Condition": {condition}}}]}}"#
    )
}

fn saml_trust(condition: &str) -> String {
    trust(PROVIDER, ASSUME_ROLE_WITH_SAML, condition)
}

fn check(document: &str) -> RoleOutcome {
    check_role(&ctx(), &role(document), Some(&providers()))
}

fn codes(o: &RoleOutcome) -> Vec<&str> {
    o.findings.iter().map(|f| f.code.as_str()).collect()
}

/// Percent-encodes like IAM's answer (RFC 3986 unreserved characters kept).
fn url_encode(s: &str) -> String {
    saml_core::aws::endpoints::encode_path(s)
}

#[test]
fn healthy_roles_have_no_finding_and_trust_their_provider() {
    let global = format!(r#"{{"StringEquals": {{"SAML:aud": "{GLOBAL}"}}}}"#);
    let cases = [
        saml_trust(&global),
        saml_trust(r#"{"StringEquals": {"SAML:aud": ["https://signin.aws.amazon.com/saml", "https://eu-west-2.signin.aws.amazon.com/saml"]}}"#),
        saml_trust(r#"{"StringEquals": {"SAML:aud": "https://eu-west-2.signin.aws.amazon.com/saml"}}"#),
        saml_trust(r#"{"StringLike": {"SAML:aud": "https://*.signin.aws.amazon.com/saml"}}"#),
        saml_trust(r#"{"StringEquals": {"SAML:aud": "https://us-east-1.signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46"}}"#),
        saml_trust("{}"),
        // Conditions on the assertion are met by an IdP that sends what they ask for.
        saml_trust(&format!(
            r#"{{"StringEquals": {{"SAML:aud": "{GLOBAL}", "SAML:sub_type": "persistent"}}, "StringLike": {{"SAML:sub": "*@contoso.com"}}}}"#
        )),
        saml_trust(&format!(
            r#"{{"StringEquals": {{"SAML:aud": "{GLOBAL}"}}, "StringNotEquals": {{"SAML:sub": "root"}}}}"#
        )),
        // Several actions, and the provider among other principals.
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Federated": ["arn:aws:iam::111122223333:saml-provider/Contoso", "arn:aws:iam::111122223333:saml-provider/Okta"]}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"], "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}}"#.to_owned(),
        // A wildcard provider pattern.
        trust("arn:aws:iam::111122223333:saml-provider/*", "sts:AssumeRole*", &global),
    ];
    for doc in &cases {
        for form in [doc.clone(), url_encode(doc)] {
            let o = check(&form);
            assert!(o.findings.is_empty(), "{form}: {:#?}", o.findings);
            assert!(o.trusts.contains(&PROVIDER.to_owned()), "{form}");
            assert!(o.read);
        }
    }
}

#[test]
fn roles_of_other_principals_are_not_saml_roles() {
    let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
    let o = check(doc);
    assert!(o.findings.is_empty() && o.trusts.is_empty() && o.read);
}

#[test]
fn a_role_open_to_every_principal_trusts_without_naming() {
    let doc = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithSAML", "Condition": {{"StringEquals": {{"SAML:aud": "{GLOBAL}"}}}}}}]}}"#
    );
    let o = check(&doc);
    assert!(o.findings.is_empty(), "{:#?}", o.findings);
    assert_eq!(o.trusts.len(), 2);
}

#[test]
fn provider_does_not_exist() {
    let global = format!(r#"{{"StringEquals": {{"SAML:aud": "{GLOBAL}"}}}}"#);
    for (named, says) in [
        (
            "arn:aws:iam::111122223333:saml-provider/Deleted",
            "which does not exist",
        ),
        (
            "arn:aws:iam::111122223333:saml-provider/contoso",
            "differs from it only in letter case",
        ),
        (
            "arn:aws:iam::999999999999:saml-provider/Contoso",
            "a role can only trust a SAML provider of its own account",
        ),
        (
            "arn:aws:iam::111122223333:saml-provider/Ping*",
            "no provider",
        ),
    ] {
        let o = check(&trust(named, ASSUME_ROLE_WITH_SAML, &global));
        assert_eq!(codes(&o), ["trust_policy_provider_not_found"], "{named}");
        let f = &o.findings[0];
        assert_eq!(f.evidence.get("resource"), Some(ROLE));
        assert_eq!(f.evidence.get("account"), Some(ACCOUNT));
        assert_eq!(f.evidence.get("provider"), Some(named));
        assert!(f.detail.contains(says), "{}", f.detail);
        assert!(o.trusts.is_empty());
    }
    // Without the provider list nothing is said about existence.
    let o = check_role(
        &ctx(),
        &role(&trust(
            "arn:aws:iam::111122223333:saml-provider/Deleted",
            ASSUME_ROLE_WITH_SAML,
            &global,
        )),
        None,
    );
    assert!(o.findings.is_empty(), "{:#?}", o.findings);
}

#[test]
fn assume_role_with_saml_not_allowed() {
    let global = format!(r#"{{"StringEquals": {{"SAML:aud": "{GLOBAL}"}}}}"#);
    let web_identity = trust(PROVIDER, "sts:AssumeRoleWithWebIdentity", &global);
    let denied = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{PROVIDER}"}}, "Action": "sts:AssumeRoleWithSAML"}}, {{"Sid": "NoSaml", "Effect": "Deny", "Principal": {{"Federated": "{PROVIDER}"}}, "Action": "sts:*"}}]}}"#
    );
    for (doc, says) in [
        (web_identity, "not allowed by any statement"),
        (
            denied,
            "denied explicitly by trust policy of ConnectAgent/NoSaml",
        ),
    ] {
        let o = check(&doc);
        assert_eq!(codes(&o), ["iam_trust_policy_denies"], "{doc}");
        let f = &o.findings[0];
        assert_eq!(f.evidence.get("resource"), Some(ROLE));
        assert_eq!(f.evidence.get("provider"), Some(PROVIDER));
        assert!(f.detail.contains(says), "{}", f.detail);
        assert!(o.trusts.is_empty());
    }
}

#[test]
fn saml_aud_that_is_no_aws_endpoint() {
    for (aud, says) in [
        (
            "https://signin.aws.amazon.com/saml/",
            "`https://signin.aws.amazon.com/saml/`",
        ),
        ("urn:amazon:webservices", "`urn:amazon:webservices`"),
        ("https://signin.aws.amazon.com/saml#2", "saml#2"),
        (
            "https://signin.amazonaws-us-gov.com/saml",
            "is an endpoint of aws-us-gov, not of aws",
        ),
    ] {
        let o = check(&saml_trust(&format!(
            r#"{{"StringEquals": {{"SAML:aud": "{aud}"}}}}"#
        )));
        assert_eq!(codes(&o), ["trust_policy_saml_aud_not_aws"], "{aud}");
        let f = &o.findings[0];
        assert_eq!(f.evidence.get("resource"), Some(ROLE));
        assert_eq!(f.evidence.get("saml_aud"), Some(aud));
        assert!(f.detail.contains(says), "{}", f.detail);
        assert!(o.trusts.is_empty());
    }
}

#[test]
fn govcloud_roles_are_judged_by_their_partition() {
    let gov = AccountContext::new(AccountId::parse(ACCOUNT).unwrap(), Partition::AwsUsGov);
    let provider = "arn:aws-us-gov:iam::111122223333:saml-provider/Contoso";
    let list = [KnownProvider {
        arn: provider.into(),
        uuid: None,
    }];
    let ok = trust(
        provider,
        ASSUME_ROLE_WITH_SAML,
        r#"{"StringEquals": {"SAML:aud": ["https://signin.amazonaws-us-gov.com/saml", "https://us-gov-west-1.signin.amazonaws-us-gov.com/saml"]}}"#,
    );
    assert!(check_role(&gov, &role(&ok), Some(&list))
        .findings
        .is_empty());
    let wrong = trust(
        provider,
        ASSUME_ROLE_WITH_SAML,
        &format!(r#"{{"StringEquals": {{"SAML:aud": "{GLOBAL}"}}}}"#),
    );
    let o = check_role(&gov, &role(&wrong), Some(&list));
    assert_eq!(codes(&o), ["trust_policy_saml_aud_not_aws"]);
}

#[test]
fn what_the_evaluator_cannot_decide_is_a_skip() {
    let o = check(&saml_trust(&format!(
        r#"{{"StringEquals": {{"SAML:aud": "{GLOBAL}"}}, "DateLessThan": {{"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}}"#
    )));
    assert_eq!(codes(&o), ["check_skipped"]);
    assert_eq!(o.findings[0].check, Some(Check::TrustPolicy));
    assert!(o.findings[0].detail.contains("DateLessThan"));
    // Possibly trusted: the provider is not reported as trusted by no role.
    assert_eq!(o.trusts, [PROVIDER]);
}

#[test]
fn unreadable_trust_policies_are_skips() {
    for doc in [
        "not json",
        "%7B%ZZ",
        "%7B%22Statement%22%3A%20%5B%5D",
        "%FF%FE",
        "{\"Statement\": 3}",
    ] {
        let o = check(doc);
        assert_eq!(codes(&o), ["check_skipped"], "{doc}");
        assert_eq!(o.findings[0].evidence.get("resource"), Some(ROLE));
        assert!(!o.read);
    }
    let mut missing = role("");
    missing.assume_role_policy_document = None;
    let o = check_role(&ctx(), &missing, Some(&providers()));
    assert_eq!(codes(&o), ["check_skipped"]);
    assert!(!o.read);
}

#[test]
fn decoding_takes_both_readings() {
    let json = r#"{"Statement": [{"Sid": "100%"}]}"#;
    assert_eq!(decode_policy_document(json).unwrap(), json);
    assert_eq!(decode_policy_document(&url_encode(json)).unwrap(), json);
    assert_eq!(
        decode_policy_document("%7B%2"),
        Err(PolicyDocumentError::BadEscape(3))
    );
    let huge = "%20".repeat(MAX_POLICY_BYTES);
    assert!(matches!(
        decode_policy_document(&huge),
        Err(PolicyDocumentError::TooLarge(_))
    ));
}

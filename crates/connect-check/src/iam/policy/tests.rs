//! The evaluator as a whole, on policies as people write them: a table of GetFederationToken
//! policies and their decisions, conditions it cannot decide, and SAML trust policies.

use super::*;

const INSTANCE: &str =
    "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const USERID: &str = "AROAEXAMPLEID123:jane.doe@contoso.com";

fn federation_request() -> Request {
    Request::new(
        "connect:GetFederationToken",
        &format!("{INSTANCE}/user/{USERID}"),
    )
    .context("aws:userid", &[USERID])
    .context(
        "connect:InstanceId",
        &["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"],
    )
    .context("aws:PrincipalTag/team", &["support"])
}

fn decide(statements: &str) -> Decision {
    let doc = format!(r#"{{"Version": "2012-10-17", "Statement": {statements}}}"#);
    evaluate(&[Policy::parse("p", &doc).unwrap()], &federation_request())
}

fn allowed(statements: &str) -> bool {
    matches!(decide(statements), Decision::Allow(_))
}

/// (statements, allowed?) — the table the issue asks for.
const TABLE: &[(&str, bool)] = &[
    // The seed's policy, exactly.
    (
        r#"[{"Sid": "Statement1", "Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": ["arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"]}]"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:*", "Resource": "*"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:Get*", "Resource": "*"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "CONNECT:getfederationtoken", "Resource": "*"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationT?ken", "Resource": "*"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationTokens", "Resource": "*"}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": ["connect:ListUsers", "connect:GetFederationToken"], "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/*"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:*:*:instance/*/user/*"}"#,
        true,
    ),
    // Wrong instance, region, account.
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:999999999999:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"}"#,
        false,
    ),
    // The seed's placeholder left in.
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "**YOUR ARN**/user/${aws:userid}"}"#,
        false,
    ),
    // Variables.
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:username}"}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:username, 'AROAEXAMPLEID123:jane.doe@contoso.com'}"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/AROAEXAMPLEID123:${*}"}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/AROAEXAMPLEID123:*"}"#,
        true,
    ),
    // Deny wins.
    (
        r#"[{"Effect": "Allow", "Action": "connect:*", "Resource": "*"}, {"Effect": "Deny", "Action": "connect:GetFederationToken", "Resource": "*"}]"#,
        false,
    ),
    (
        r#"[{"Effect": "Allow", "Action": "connect:*", "Resource": "*"}, {"Effect": "Deny", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:*:*:instance/ffffffff-*"}]"#,
        true,
    ),
    // NotAction, NotResource.
    (
        r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "NotAction": "connect:*", "Resource": "*"}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "NotResource": "arn:aws:connect:*:*:instance/ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d/*"}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "NotResource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/*"}"#,
        false,
    ),
    (
        r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "NotAction": "connect:GetFederationToken", "Resource": "*"}]"#,
        true,
    ),
    // connect:InstanceId conditions on Resource "*".
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"connect:InstanceId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}}}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"connect:InstanceId": ["ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]}}}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"connect:InstanceId": "ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}}}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringLike": {"CONNECT:instanceid": "0a1b2c3d-*"}}}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringNotEquals": {"connect:InstanceId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}}}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}"#,
        false,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"Null": {"aws:SourceVpc": "true"}}}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "support"}}}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": ["sales", "support"]}}}"#,
        true,
    ),
    (
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"connect:InstanceId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "aws:PrincipalTag/team": "sales"}}}"#,
        false,
    ),
];

#[test]
fn policy_table() {
    assert!(TABLE.len() >= 30);
    for (i, (statements, expected)) in TABLE.iter().enumerate() {
        assert_eq!(
            allowed(statements),
            *expected,
            "row {i}: {statements} -> {}",
            decide(statements)
        );
    }
}

#[test]
fn unknown_condition_operators_are_reported_not_guessed() {
    let d = decide(
        r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}"#,
    );
    assert!(
        matches!(&d, Decision::Unknown(why) if why[0].contains("DateLessThan")),
        "{d}"
    );
    let d = decide(
        r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]"#,
    );
    assert!(
        matches!(&d, Decision::Unknown(why) if why[0].contains("IpAddress")),
        "a Deny that may apply makes the Allow uncertain: {d}"
    );
    // An unknown condition on a statement that does not apply anyway does not matter.
    let d = decide(
        r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]"#,
    );
    assert!(matches!(d, Decision::Allow(_)), "{d}");
}

#[test]
fn explicit_deny_names_the_statement() {
    let d = decide(
        r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "NoFederation", "Effect": "Deny", "Action": "connect:GetFederationToken", "Resource": "*"}]"#,
    );
    assert_eq!(d, Decision::ExplicitDeny(vec!["p/NoFederation".into()]));
}

#[test]
fn trust_policy_for_saml() {
    let trust = Policy::parse(
            "trust",
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/AzureAD"},
                "Action": "sts:AssumeRoleWithSAML", "Condition": {"StringEquals": {"SAML:aud": ["https://signin.aws.amazon.com/saml", "https://us-east-1.signin.aws.amazon.com/saml"]}}}]}"#,
        )
        .unwrap();
    let ask = |provider: &str, aud: &str| {
        evaluate(
            std::slice::from_ref(&trust),
            &Request::new("sts:AssumeRoleWithSAML", "")
                .principal("Federated", provider)
                .context("saml:aud", &[aud]),
        )
    };
    let provider = "arn:aws:iam::123456789012:saml-provider/AzureAD";
    assert!(matches!(
        ask(provider, "https://signin.aws.amazon.com/saml"),
        Decision::Allow(_)
    ));
    assert!(matches!(
        ask(provider, "https://us-east-1.signin.aws.amazon.com/saml"),
        Decision::Allow(_)
    ));
    assert_eq!(
        ask(provider, "https://eu-west-2.signin.aws.amazon.com/saml"),
        Decision::ImplicitDeny
    );
    assert_eq!(
        ask(
            "arn:aws:iam::123456789012:saml-provider/Okta",
            "https://signin.aws.amazon.com/saml"
        ),
        Decision::ImplicitDeny
    );
}
#[test]
fn finds_where_an_allow_points_instead() {
    let p = Policy::parse("p", r#"{"Statement": {"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:eu-west-2:123456789012:instance/x/user/${aws:userid}"}}"#).unwrap();
    assert_eq!(
        allowed_resources(&[p], "connect:GetFederationToken"),
        ["arn:aws:connect:eu-west-2:123456789012:instance/x/user/${aws:userid}"]
    );
}

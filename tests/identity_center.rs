//! End-to-end tests of IAM Identity Center as a target: the real `saml-doctor` binary on the
//! captures of examples/identity-center/ (made by scripts/make-identity-center-examples.py),
//! `sessions` on a capture and on flags, and what offline runs say `--aws` would check.

use serde_json::Value;

use crate::support::{json, policy_actions, root, run};

fn problems(report: &Value) -> Vec<String> {
    let mut v: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

const DIR: &str = "examples/identity-center";

#[test]
fn every_identity_center_capture_gets_its_diagnosis() {
    let cases: &[(&str, &[&str])] = &[
        ("healthy-okta-chrome", &[]),
        ("healthy-entra-edge", &[]),
        (
            "idc-posted-to-iam-endpoint-okta-chrome",
            &["idc_posted_to_iam_endpoint"],
        ),
        (
            "idc-acs-malformed-okta-chrome",
            &["idc_acs_malformed", "idc_error_page"],
        ),
        (
            "idc-audience-malformed-entra-edge",
            &["idc_audience_malformed", "idc_error_page"],
        ),
        (
            "idc-nameid-format-okta-chrome",
            &["idc_error_page", "idc_nameid_format"],
        ),
        (
            "idc-nameid-not-email-entra-edge",
            &["idc_error_page", "idc_nameid_not_email"],
        ),
        (
            "idc-assertion-encrypted-okta-chrome",
            &["idc_assertion_encrypted", "idc_error_page"],
        ),
        (
            "idc-multiple-assertions-okta-chrome",
            // The verifier also rejects a second Assertion in a Response (issue 13).
            &[
                "idc_error_page",
                "idc_multiple_assertions",
                "signature_invalid",
            ],
        ),
        (
            "idc-access-control-attribute-invalid-entra-edge",
            &[
                "idc_access_control_attribute_invalid",
                "idc_access_control_attribute_invalid",
                "idc_error_page",
            ],
        ),
        ("idc-error-page-entra-edge", &["idc_error_page"]),
    ];
    let listed: Vec<String> = std::fs::read_dir(root().join(DIR))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".har"))
        .collect();
    assert_eq!(
        listed.len(),
        cases.len(),
        "a capture without a case: {listed:?}"
    );
    for (name, expected) in cases {
        let file = format!("{DIR}/{name}.har");
        let (code, report) = json(&["diagnose", &file]);
        assert_eq!(problems(&report), *expected, "{file}");
        assert_eq!(code, i32::from(!expected.is_empty()), "{file}");
        // Never IAM federation's rules on an Identity Center sign-in.
        for iam in [
            "role_attribute_missing",
            "role_session_name_missing",
            "audience_not_aws",
            "recipient_not_aws",
            "destination_not_aws",
            "relay_state_missing",
        ] {
            assert!(
                !problems(&report).contains(&iam.to_owned()),
                "{file}: {iam}"
            );
        }
        let primary = &report["messages"][0];
        assert!(primary["facts"]["identity_center"].is_object(), "{file}");
    }
}

#[test]
fn findings_name_the_value_and_the_fix() {
    let (_, r) = json(&[
        "diagnose",
        &format!("{DIR}/idc-posted-to-iam-endpoint-okta-chrome.har"),
    ]);
    let f = &r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "idc_posted_to_iam_endpoint")
        .unwrap();
    assert!(f["detail"]
        .as_str()
        .unwrap()
        .contains("https://signin.aws.amazon.com/saml"));
    assert!(f["fix"].as_str().unwrap().contains("AWS SSO ACS URL"));
    let (_, r) = json(&[
        "diagnose",
        &format!("{DIR}/idc-acs-malformed-okta-chrome.har"),
    ]);
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "idc_acs_malformed")
        .unwrap();
    assert!(f["detail"].as_str().unwrap().contains("eu-west-1"), "{f}");
    let (_, r) = json(&["diagnose", &format!("{DIR}/idc-error-page-entra-edge.har")]);
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "idc_error_page")
        .unwrap();
    assert_eq!(
        f["evidence"]["page_text"],
        "An unexpected error has occurred"
    );
    assert!(f["detail"]
        .as_str()
        .unwrap()
        .contains("no user has the NameID"));
}

#[test]
fn a_pasted_identity_center_response_is_recognised_too() {
    let (code, r) = json(&[
        "diagnose",
        &format!("{DIR}/healthy-okta-samlresponse.txt"),
        "--at",
        "2024-05-14T09:31:09Z",
    ]);
    assert_eq!(code, 0, "{r}");
    let facts = &r["messages"][0]["facts"]["identity_center"];
    assert_eq!(facts["identity_store_id"], "d-9067a1b2c3");
    assert_eq!(facts["region"], "us-east-1");
    assert_eq!(facts["user_name"], "john.smith@example.com");
    // Offline, Identity Center's account checks (not IAM's) are skipped, each saying what it would verify.
    let skips: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "check_skipped")
        .filter_map(|f| f["evidence"]["check"].as_str())
        .collect();
    for check in [
        "Identity Center instance",
        "Identity Center user",
        "Identity Center permission sets",
    ] {
        assert!(skips.contains(&check), "{skips:?}");
    }
    assert!(
        !skips.contains(&"IAM role") && !skips.contains(&"Connect user"),
        "{skips:?}"
    );
}

#[test]
fn sessions_from_a_capture_answer_both_questions() {
    let (code, r) = json(&[
        "sessions",
        &format!("{DIR}/healthy-okta-chrome.har"),
        "--permission-set-duration",
        "PT4H",
        "--signed-out-at",
        "2024-05-14T11:31:30Z",
        "--removed-at",
        "2024-05-14T10:00:00Z",
    ]);
    assert_eq!(code, 0);
    let tl = &r["timeline"];
    assert_eq!(tl["signed_in_at"], "2024-05-14T09:31:09.118Z");
    // Okta's SessionNotOnOrAfter (2 hours) caps the 8-hour portal session.
    assert_eq!(tl["capped_by_idp"], true);
    let portal = tl["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "portal")
        .unwrap();
    assert_eq!(portal["ends"], "2024-05-14T11:31:07.845Z");
    let console = tl["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "console_role")
        .unwrap();
    assert_eq!(console["latest"], "2024-05-14T15:31:07.845Z");
    let answers = r["answers"].as_array().unwrap();
    assert_eq!(answers[0]["explained_by"], "portal");
    assert!(answers[0]["fixes"][0]
        .as_str()
        .unwrap()
        .contains("identity provider's session"));
    assert_eq!(answers[1]["until"], "2024-05-14T15:31:07.845Z");
    assert!(answers[1]["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f.as_str().unwrap().contains("identitystore:userId")));
    // And in text.
    let out = run(&[
        "sessions",
        &format!("{DIR}/healthy-okta-chrome.har"),
        "--signed-out-at",
        "2024-05-14T10:32:00Z",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Why was I signed out at 2024-05-14T10:32:00Z?"),
        "{text}"
    );
    assert!(text.contains("permission set's session duration"), "{text}");
}

#[test]
fn sessions_from_flags_and_bad_values() {
    let (code, r) = json(&[
        "sessions",
        "--signed-in-at",
        "2024-05-14T09:00:00Z",
        "--portal-duration",
        "90d",
        "--permission-set-duration",
        "12h",
        "--cli",
        "legacy",
        "--signed-out-at",
        "2024-05-14T17:00:00Z",
    ]);
    assert_eq!(code, 0);
    assert_eq!(r["answers"][0]["explained_by"], "cli");
    for (flag, value) in [
        ("--portal-duration", "91d"),
        ("--portal-duration", "10m"),
        ("--permission-set-duration", "PT13H"),
        ("--permission-set-duration", "banana"),
    ] {
        let out = run(&[
            "sessions",
            "--signed-in-at",
            "2024-05-14T09:00:00Z",
            flag,
            value,
        ]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let out = run(&["sessions"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn aws_policy_covers_the_identity_center_calls() {
    let out = run(&["aws-policy"]);
    let policy: Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions = policy_actions(&policy);
    for a in [
        "sso:ListInstances",
        "sso:ListAccountAssignmentsForPrincipal",
        "sso:DescribePermissionSet",
        "identitystore:GetUserId",
        "identitystore:DescribeUser",
        "identitystore:ListUsers",
        "identitystore:ListGroupMembershipsForMember",
    ] {
        assert!(actions.contains(&a), "{a}");
    }
}

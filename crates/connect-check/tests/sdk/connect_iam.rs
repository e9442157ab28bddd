//! The SDK adapter on recorded responses (aws-smithy-mocks): what each service answer means to
//! the checks, pagination, AccessDenied on the checker's own calls, and throttling retried by
//! the SDK. No AWS account is used.

use aws_sdk_connect::operation::describe_instance::{
    DescribeInstanceError, DescribeInstanceOutput,
};
use aws_sdk_connect::operation::search_users::{SearchUsersError, SearchUsersOutput};
use aws_sdk_connect::types::{DirectoryType, Instance as ConnectInstance, UserSearchSummary};
use aws_sdk_iam::operation::get_policy::GetPolicyOutput;
use aws_sdk_iam::operation::get_policy_version::GetPolicyVersionOutput;
use aws_sdk_iam::operation::get_role::{GetRoleError, GetRoleOutput};
use aws_sdk_iam::operation::get_role_policy::GetRolePolicyOutput;
use aws_sdk_iam::operation::get_saml_provider::GetSamlProviderOutput;
use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput;
use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput;
use aws_sdk_iam::types::{AttachedPolicy, Policy as IamPolicy, PolicyVersion, Role as IamRole};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use connect_check::access::AccessError;
use connect_check::connect::sdk::SdkConnect;
use connect_check::connect::{ConnectApi, Match};
use connect_check::iam::sdk::SdkIam;
use connect_check::iam::IamApi;
use connect_check::organizations::sdk::SdkOrganizations;
use connect_check::organizations::OrganizationsApi;

const INSTANCE: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// The adapters of the IAM-federation checks, on recorded responses.
struct Adapters {
    connect: SdkConnect,
    iam: SdkIam,
    organizations: SdkOrganizations,
}

fn account(connect: &[&Rule], iam: &[&Rule]) -> Adapters {
    Adapters {
        connect: SdkConnect::from_client(mock_client!(
            aws_sdk_connect,
            RuleMode::MatchAny,
            connect
        )),
        iam: SdkIam::from_client(mock_client!(aws_sdk_iam, RuleMode::MatchAny, iam)),
        organizations: SdkOrganizations::from_client(mock_client!(aws_sdk_organizations, &[])),
    }
}

fn user(name: &str) -> UserSearchSummary {
    UserSearchSummary::builder()
        .username(name)
        .id(format!("id-{name}"))
        .build()
}

#[tokio::test]
async fn describe_instance_answers_and_not_found() {
    let saml = mock!(aws_sdk_connect::Client::describe_instance)
        .match_requests(|r| r.instance_id() == Some(INSTANCE))
        .then_output(|| {
            DescribeInstanceOutput::builder()
                .instance(
                    ConnectInstance::builder()
                        .arn(format!(
                            "arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}"
                        ))
                        .identity_management_type(DirectoryType::Saml)
                        .instance_alias("contoso-cc")
                        .build(),
                )
                .build()
        });
    let missing = mock!(aws_sdk_connect::Client::describe_instance)
        .match_requests(|r| r.instance_id() != Some(INSTANCE))
        .then_error(|| {
            DescribeInstanceError::ResourceNotFoundException(
                aws_sdk_connect::types::error::ResourceNotFoundException::builder()
                    .message("no such instance")
                    .build(),
            )
        });
    let a = account(&[&saml, &missing], &[]);
    let i = a
        .connect
        .describe_instance(INSTANCE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(i.identity_management_type, "SAML");
    assert_eq!(i.alias.as_deref(), Some("contoso-cc"));
    assert_eq!(
        a.connect
            .describe_instance("ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn search_users_pages_and_exact_matching() {
    let page1 = mock!(aws_sdk_connect::Client::search_users)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            SearchUsersOutput::builder()
                .users(user("jane.doe@contoso.com.old"))
                .next_token("t2")
                .build()
        });
    let page2 = mock!(aws_sdk_connect::Client::search_users)
        .match_requests(|r| r.next_token() == Some("t2"))
        .then_output(|| {
            SearchUsersOutput::builder()
                .users(user("Jane.Doe@Contoso.com"))
                .build()
        });
    let a = account(&[&page1, &page2], &[]);
    let first = a
        .connect
        .search_users(INSTANCE, "jane.doe@contoso.com", Match::Contains, None)
        .await
        .unwrap();
    assert_eq!(first.next_token.as_deref(), Some("t2"));
    let second = a
        .connect
        .search_users(
            INSTANCE,
            "jane.doe@contoso.com",
            Match::Contains,
            first.next_token,
        )
        .await
        .unwrap();
    assert_eq!(second.items[0].username, "Jane.Doe@Contoso.com");
    assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1));
}

#[tokio::test]
async fn case_mismatch_through_the_sdk() {
    let exact = mock!(aws_sdk_connect::Client::search_users)
        .match_requests(|r| {
            r.search_criteria()
                .and_then(|c| c.string_condition())
                .and_then(|s| s.comparison_type())
                == Some(&aws_sdk_connect::types::StringComparisonType::Exact)
        })
        .then_output(|| SearchUsersOutput::builder().build());
    let contains = mock!(aws_sdk_connect::Client::search_users)
        .match_requests(|r| {
            r.search_criteria()
                .and_then(|c| c.string_condition())
                .and_then(|s| s.comparison_type())
                == Some(&aws_sdk_connect::types::StringComparisonType::Contains)
        })
        .then_output(|| {
            SearchUsersOutput::builder()
                .users(user("Jane.Doe@Contoso.com"))
                .build()
        });
    let instance = saml_instance();
    let a = account(&[&exact, &contains, &instance], &[]);
    let findings = user_checks(&a, "jane.doe@contoso.com").await;
    let f = findings
        .iter()
        .find(|f| f.code == saml_core::Code::ConnectUserCaseMismatch)
        .expect("case mismatch");
    assert_eq!(
        f.evidence.get("connect_username"),
        Some("Jane.Doe@Contoso.com")
    );
    assert_eq!((exact.num_calls(), contains.num_calls()), (1, 1));
}

#[tokio::test]
async fn access_denied_names_the_permission() {
    let denied = mock!(aws_sdk_connect::Client::search_users).then_error(|| {
        SearchUsersError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized to perform connect:SearchUsers")
                .build(),
        )
    });
    let iam_denied = mock!(aws_sdk_iam::Client::get_role).then_error(|| {
        GetRoleError::generic(
            ErrorMetadata::builder()
                .code("AccessDenied")
                .message("User is not authorized to perform: iam:GetRole")
                .build(),
        )
    });
    let a = account(&[&denied], &[&iam_denied]);
    assert_eq!(
        a.connect
            .search_users(INSTANCE, "x", Match::Exact, None)
            .await
            .unwrap_err(),
        AccessError::Denied {
            action: "connect:SearchUsers"
        }
    );
    assert_eq!(
        a.iam.role("R").await.unwrap_err(),
        AccessError::Denied {
            action: "iam:GetRole"
        }
    );
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk() {
    let throttled_then_ok = mock!(aws_sdk_connect::Client::search_users)
        .sequence()
        .error(|| {
            SearchUsersError::generic(
                ErrorMetadata::builder()
                    .code("ThrottlingException")
                    .message("Rate exceeded")
                    .build(),
            )
        })
        .output(|| {
            SearchUsersOutput::builder()
                .users(user("jane.doe@contoso.com"))
                .build()
        })
        .build();
    let connect = mock_client!(
        aws_sdk_connect,
        RuleMode::Sequential,
        &[&throttled_then_ok],
        |b| {
            b.retry_config(
                aws_sdk_connect::config::retry::RetryConfig::standard().with_max_attempts(3),
            )
        }
    );
    let a = SdkConnect::from_client(connect);
    let page = a
        .search_users(INSTANCE, "jane.doe@contoso.com", Match::Exact, None)
        .await
        .expect("retried after throttling");
    assert_eq!(page.items.len(), 1);
    assert_eq!(throttled_then_ok.num_calls(), 2);
    // Throttled on every attempt: reported as throttling, not as a crash.
    let always = mock!(aws_sdk_connect::Client::search_users).then_error(|| {
        SearchUsersError::generic(ErrorMetadata::builder().code("ThrottlingException").build())
    });
    let a = account(&[&always], &[]);
    assert_eq!(
        a.connect
            .search_users(INSTANCE, "x", Match::Exact, None)
            .await
            .unwrap_err(),
        AccessError::Throttled {
            action: "connect:SearchUsers"
        }
    );
}

#[tokio::test]
async fn iam_answers_are_decoded_and_paginated() {
    let trust = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
    let role = mock!(aws_sdk_iam::Client::get_role)
        .match_requests(|r| r.role_name() == Some("R"))
        .then_output(move || {
            GetRoleOutput::builder()
                .role(
                    IamRole::builder()
                        .path("/")
                        .role_name("R")
                        .role_id("AROAEXAMPLE")
                        .arn("arn:aws:iam::123456789012:role/R")
                        .create_date(aws_smithy_types::DateTime::from_secs(0))
                        .assume_role_policy_document(trust)
                        .max_session_duration(43200)
                        .permissions_boundary(
                            aws_sdk_iam::types::AttachedPermissionsBoundary::builder()
                                .permissions_boundary_arn(
                                    "arn:aws:iam::123456789012:policy/Boundary",
                                )
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let missing = mock!(aws_sdk_iam::Client::get_role)
        .match_requests(|r| r.role_name() != Some("R"))
        .then_error(|| {
            GetRoleError::NoSuchEntityException(
                aws_sdk_iam::types::error::NoSuchEntityException::builder()
                    .message("no role")
                    .build(),
            )
        });
    let provider = mock!(aws_sdk_iam::Client::get_saml_provider).then_output(|| {
        GetSamlProviderOutput::builder()
            .saml_metadata_document("<EntityDescriptor/>")
            .valid_until(aws_smithy_types::DateTime::from_secs(1_900_000_000))
            .build()
    });
    let list1 = mock!(aws_sdk_iam::Client::list_role_policies)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| {
            ListRolePoliciesOutput::builder()
                .policy_names("a")
                .is_truncated(true)
                .marker("m")
                .build()
                .unwrap()
        });
    let list2 = mock!(aws_sdk_iam::Client::list_role_policies)
        .match_requests(|r| r.marker() == Some("m"))
        .then_output(|| {
            ListRolePoliciesOutput::builder()
                .policy_names("b")
                .is_truncated(false)
                .build()
                .unwrap()
        });
    let get = mock!(aws_sdk_iam::Client::get_role_policy).then_output(|| {
        GetRolePolicyOutput::builder()
            .role_name("R")
            .policy_name("p")
            .policy_document("%7B%22Statement%22%3A%5B%5D%7D")
            .build()
            .unwrap()
    });
    let attached = mock!(aws_sdk_iam::Client::list_attached_role_policies).then_output(|| {
        ListAttachedRolePoliciesOutput::builder()
            .attached_policies(
                AttachedPolicy::builder()
                    .policy_arn("arn:aws:iam::123456789012:policy/fed")
                    .policy_name("fed")
                    .build(),
            )
            .is_truncated(false)
            .build()
    });
    let policy = mock!(aws_sdk_iam::Client::get_policy).then_output(|| {
        GetPolicyOutput::builder()
            .policy(IamPolicy::builder().default_version_id("v3").build())
            .build()
    });
    let version = mock!(aws_sdk_iam::Client::get_policy_version)
        .match_requests(|r| r.version_id() == Some("v3"))
        .then_output(|| {
            GetPolicyVersionOutput::builder()
                .policy_version(
                    PolicyVersion::builder()
                        .document("%7B%22Statement%22%3A%5B%5D%7D")
                        .build(),
                )
                .build()
        });
    let a = account(
        &[],
        &[
            &role, &missing, &provider, &list1, &list2, &get, &attached, &policy, &version,
        ],
    );
    let r = a.iam.role("R").await.unwrap().unwrap();
    assert_eq!(r.trust_policy, r#"{"Version":"2012-10-17","Statement":[]}"#);
    assert_eq!(
        (r.role_id.as_str(), r.max_session_duration),
        ("AROAEXAMPLE", 43200)
    );
    assert_eq!(
        r.permissions_boundary.as_deref(),
        Some("arn:aws:iam::123456789012:policy/Boundary")
    );
    let boundary = a
        .iam
        .managed_policy("arn:aws:iam::123456789012:policy/Boundary")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(boundary.document, r#"{"Statement":[]}"#);
    assert_eq!(a.iam.role("Other").await.unwrap(), None);
    let p = a
        .iam
        .saml_provider("arn:aws:iam::123456789012:saml-provider/P")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.valid_until.map(|t| t.to_string()).as_deref(),
        Some("2030-03-17T17:46:40Z")
    );
    let inline = a.iam.inline_policies("R").await.unwrap();
    assert_eq!(inline.len(), 2, "both pages");
    assert_eq!(inline[0].document, r#"{"Statement":[]}"#);
    let managed = a.iam.attached_policies("R").await.unwrap();
    assert_eq!(
        managed[0].name,
        "managed policy arn:aws:iam::123456789012:policy/fed"
    );
    assert_eq!(
        version.num_calls(),
        2,
        "the default version is read, for each policy"
    );
}

/// A RoleSessionName over the 25-character CONTAINS limit, stored in another case, on a service
/// whose CONTAINS is case-sensitive: the recorded SearchUsers answers only values the API
/// reference allows (2–25 characters), and ListUsers settles it in pages of 1,000.
#[tokio::test]
async fn a_long_name_in_another_case_through_the_sdk() {
    use aws_sdk_connect::operation::list_users::ListUsersOutput;
    use aws_sdk_connect::types::{StringComparisonType, UserSummary};
    const SENT: &str = "jane.doe-smithson.contractor@contoso.com";
    const STORED: &str = "Jane.Doe-Smithson.Contractor@Contoso.com";
    let comparison = |r: &aws_sdk_connect::operation::search_users::SearchUsersInput| {
        r.search_criteria()
            .and_then(|c| c.string_condition())
            .and_then(|s| s.comparison_type().cloned())
    };
    let value_len = |r: &aws_sdk_connect::operation::search_users::SearchUsersInput| {
        r.search_criteria()
            .and_then(|c| c.string_condition())
            .and_then(|s| s.value())
            .map(|v| v.chars().count())
            .unwrap_or(0)
    };
    let exact = mock!(aws_sdk_connect::Client::search_users)
        .match_requests(move |r| comparison(r) == Some(StringComparisonType::Exact))
        .then_output(|| SearchUsersOutput::builder().build());
    let contains = mock!(aws_sdk_connect::Client::search_users)
        .match_requests(move |r| {
            comparison(r) == Some(StringComparisonType::Contains)
                && (2..=25).contains(&value_len(r))
        })
        .then_output(|| SearchUsersOutput::builder().build());
    let summary = |name: String| UserSummary::builder().username(name).id("id").build();
    let list1 = mock!(aws_sdk_connect::Client::list_users)
        .match_requests(|r| r.next_token().is_none() && r.max_results() == Some(1000))
        .then_output(move || {
            ListUsersOutput::builder()
                .set_user_summary_list(Some(
                    (0..1000)
                        .map(|i| summary(format!("agent{i}@contoso.com")))
                        .collect(),
                ))
                .next_token("p2")
                .build()
        });
    let list2 = mock!(aws_sdk_connect::Client::list_users)
        .match_requests(|r| r.next_token() == Some("p2"))
        .then_output(move || {
            ListUsersOutput::builder()
                .user_summary_list(summary(STORED.into()))
                .build()
        });
    let instance = saml_instance();
    let a = account(&[&exact, &contains, &list1, &list2, &instance], &[]);
    let findings = user_checks(&a, SENT).await;
    let f = findings
        .iter()
        .find(|f| f.code == saml_core::Code::ConnectUserCaseMismatch)
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(f.evidence.get("connect_username"), Some(STORED));
    let calls = exact.num_calls() + contains.num_calls() + list1.num_calls() + list2.num_calls();
    assert!(calls <= 8, "{calls} calls");
    assert_eq!((list1.num_calls(), list2.num_calls()), (1, 1));
}

/// DescribeInstance answering a SAML instance.
fn saml_instance() -> Rule {
    mock!(aws_sdk_connect::Client::describe_instance).then_output(|| {
        DescribeInstanceOutput::builder()
            .instance(
                ConnectInstance::builder()
                    .arn("arn")
                    .identity_management_type(DirectoryType::Saml)
                    .build(),
            )
            .build()
    })
}

/// The account checks for `role_session_name` on the test instance, with no role.
async fn user_checks(a: &Adapters, role_session_name: &str) -> Vec<saml_core::Finding> {
    use connect_check::connect::InstanceTarget;
    use connect_check::iam::Input;
    use connect_check::iam_federation::run;
    use saml_core::aws::{InstanceId, Region};
    let input = Input {
        role_session_name: Some(role_session_name.into()),
        instance: Some(InstanceTarget {
            region: Region::parse("us-east-1").unwrap(),
            instance_id: InstanceId::parse(INSTANCE).unwrap(),
        }),
        ..Input::default()
    };
    let at = saml_core::AsOf {
        instant: saml_core::Timestamp::from_unix_seconds(1_800_000_000),
        source: saml_core::AsOfSource::Given,
    };
    run(&a.connect, &a.iam, &a.organizations, &input, &at).await
}

#[test]
fn the_checker_policy_is_least_privilege() {
    let p = connect_check::checker_policy().to_string();
    assert!(
        !p.contains("Get*") && !p.contains("GetFederationToken") && !p.contains("\"*:"),
        "{p}"
    );
    let policy = connect_check::iam::policy::Policy::parse("checker", &p).unwrap();
    let ask = |action: &str| {
        connect_check::iam::policy::evaluate(
            std::slice::from_ref(&policy),
            &connect_check::iam::policy::Request::new(
                action,
                "arn:aws:connect:us-east-1:1:instance/x",
            ),
        )
    };
    for action in [
        "connect:SearchUsers",
        "connect:ListUsers",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
    ] {
        assert!(
            matches!(ask(action), connect_check::iam::policy::Decision::Allow(_)),
            "{action}"
        );
    }
    assert_eq!(
        ask("connect:GetFederationToken"),
        connect_check::iam::policy::Decision::ImplicitDeny
    );
}

mod organizations {
    //! The service control policies above the role's account, read through AWS Organizations.

    use super::*;
    use aws_sdk_organizations::operation::describe_organization::{
        DescribeOrganizationError, DescribeOrganizationOutput,
    };
    use aws_sdk_organizations::operation::describe_policy::DescribePolicyOutput;
    use aws_sdk_organizations::operation::list_parents::{ListParentsError, ListParentsOutput};
    use aws_sdk_organizations::operation::list_policies_for_target::ListPoliciesForTargetOutput;
    use aws_sdk_organizations::types::{
        Organization, Parent, ParentType, Policy, PolicySummary, PolicyType,
    };

    const ACCOUNT: &str = "123456789012";
    const DENY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"connect:*","Resource":"*"}]}"#;
    const ALLOW_ALL: &str =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

    fn with_organizations(rules: &[&Rule]) -> SdkOrganizations {
        SdkOrganizations::from_client(mock_client!(
            aws_sdk_organizations,
            RuleMode::MatchAny,
            rules
        ))
    }

    fn organization(management: &str) -> Rule {
        let management = management.to_owned();
        #[allow(deprecated)]
        mock!(aws_sdk_organizations::Client::describe_organization).then_output(move || {
            DescribeOrganizationOutput::builder()
                .organization(
                    Organization::builder()
                        .id("o-abcdefghij")
                        .master_account_id(management.clone())
                        .build(),
                )
                .build()
        })
    }

    fn parent(child: &'static str, id: &'static str, kind: ParentType) -> Rule {
        mock!(aws_sdk_organizations::Client::list_parents)
            .match_requests(move |r| r.child_id() == Some(child))
            .then_output(move || {
                ListParentsOutput::builder()
                    .parents(Parent::builder().id(id).r#type(kind.clone()).build())
                    .build()
            })
    }

    fn attached(target: &'static str, policy: &'static str) -> Rule {
        mock!(aws_sdk_organizations::Client::list_policies_for_target)
            .match_requests(move |r| {
                r.target_id() == Some(target)
                    && r.filter() == Some(&PolicyType::ServiceControlPolicy)
            })
            .then_output(move || {
                ListPoliciesForTargetOutput::builder()
                    .policies(PolicySummary::builder().id(policy).name(policy).build())
                    .build()
            })
    }

    fn content(policy: &'static str, document: &'static str) -> Rule {
        mock!(aws_sdk_organizations::Client::describe_policy)
            .match_requests(move |r| r.policy_id() == Some(policy))
            .then_output(move || {
                DescribePolicyOutput::builder()
                    .policy(Policy::builder().content(document).build())
                    .build()
            })
    }

    #[tokio::test]
    async fn no_organization_means_no_scp() {
        let not_in_use = mock!(aws_sdk_organizations::Client::describe_organization).then_error(
            || {
                DescribeOrganizationError::AwsOrganizationsNotInUseException(
                    aws_sdk_organizations::types::error::AwsOrganizationsNotInUseException::builder()
                        .message("Your account is not a member of an organization.")
                        .build(),
                )
            },
        );
        let a = with_organizations(&[&not_in_use]);
        assert_eq!(a.service_control_policies(ACCOUNT).await, Ok(Vec::new()));
    }

    #[tokio::test]
    async fn the_management_account_is_not_restricted_by_scps() {
        let org = organization(ACCOUNT);
        let a = with_organizations(&[&org]);
        assert_eq!(a.service_control_policies(ACCOUNT).await, Ok(Vec::new()));
    }

    #[tokio::test]
    async fn a_member_account_gets_every_level_root_first() {
        let org = organization("999999999999");
        let up1 = parent(ACCOUNT, "ou-ab12-cdefgh34", ParentType::OrganizationalUnit);
        let up2 = parent("ou-ab12-cdefgh34", "r-ab12", ParentType::Root);
        let (root, ou, acct) = (
            attached("r-ab12", "p-fullaws"),
            attached("ou-ab12-cdefgh34", "p-denyconnect"),
            attached(ACCOUNT, "p-fullaws2"),
        );
        let (c1, c2, c3) = (
            content("p-fullaws", ALLOW_ALL),
            content("p-denyconnect", DENY),
            content("p-fullaws2", ALLOW_ALL),
        );
        let a = with_organizations(&[&org, &up1, &up2, &root, &ou, &acct, &c1, &c2, &c3]);
        let levels = a.service_control_policies(ACCOUNT).await.unwrap();
        let targets: Vec<&str> = levels.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["r-ab12", "ou-ab12-cdefgh34", ACCOUNT]);
        assert_eq!(levels[1].policies.len(), 1);
        assert_eq!(levels[1].policies[0].document, DENY);
        assert!(levels[1].policies[0].name.contains("p-denyconnect"));
    }

    #[tokio::test]
    async fn a_member_account_without_the_permission_is_denied_naming_it() {
        let org = organization("999999999999");
        let denied = mock!(aws_sdk_organizations::Client::list_parents).then_error(|| {
            // As the service answers: the modeled error's code in the metadata.
            ListParentsError::generic(
                ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("You don't have permissions to access this resource.")
                    .build(),
            )
        });
        let a = with_organizations(&[&org, &denied]);
        assert_eq!(
            a.service_control_policies(ACCOUNT).await,
            Err(AccessError::Denied {
                action: "organizations:ListParents"
            })
        );
    }
}

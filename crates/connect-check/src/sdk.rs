//! The [`Account`] of a real AWS account, through the AWS SDK for Rust, on aws-config's standard
//! chain (profiles, SSO, environment, IMDS, `AWS_ENDPOINT_URL_IAM`/`_CONNECT` overrides).
//! Throttling is retried by the SDK (standard retry mode); every other service error is mapped
//! to "does not exist", "denied to the checker" or "failed", never to a panic.

use aws_config::{BehaviorVersion, Region as SdkRegion, SdkConfig};
use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::types::{StringComparisonType, StringCondition, UserSearchCriteria};
use saml_core::decode::percent_decode;

use crate::account::{
    AccessError, AccessResult, Account, Instance, Match, OrganizationLevel, PolicyDocument, Role,
    SamlProvider, User, UserPage,
};

/// Loads the AWS configuration the way the AWS CLI does: `--profile` when given, the region
/// from `region`, else the standard chain (AWS_REGION, the profile, IMDS), else `fallback`.
pub async fn load_config(profile: Option<&str>, region: Option<&str>, fallback: &str) -> SdkConfig {
    use aws_config::environment::EnvironmentVariableRegionProvider;
    use aws_config::imds::region::ImdsRegionProvider;
    use aws_config::meta::region::RegionProviderChain;
    use aws_config::profile::ProfileFileRegionProvider;
    use aws_config::provider_config::ProviderConfig;
    let http = https_client();
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http.clone());
    let mut profile_region = ProfileFileRegionProvider::builder();
    if let Some(p) = profile {
        loader = loader.profile_name(p);
        profile_region = profile_region.profile_name(p);
    }
    // The SDK's default region chain (environment, profile, instance metadata), spelled out so
    // that its instance-metadata client gets our HTTPS client: built by the SDK it would have none.
    let imds = ImdsRegionProvider::builder()
        .configure(&ProviderConfig::default().with_http_client(http))
        .build();
    let chain = RegionProviderChain::first_try(region.map(|r| SdkRegion::new(r.to_owned())))
        .or_else(EnvironmentVariableRegionProvider::new())
        .or_else(profile_region.build())
        .or_else(imds)
        .or_else(SdkRegion::new(fallback.to_owned()));
    loader.region(chain).load().await
}

/// The HTTPS client every SDK client here uses: rustls with ring, server certificates verified
/// against the system's trust store. (The SDK's `default-https-client` is the same on aws-lc-rs,
/// which takes minutes longer to build; clients made from the loaded `SdkConfig` inherit this.)
pub fn https_client() -> aws_sdk_iam::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// Checks that credentials can be had at all, so that "no credentials" is one clear line.
pub async fn check_credentials(config: &SdkConfig) -> Result<(), String> {
    let provider = config
        .credentials_provider()
        .ok_or("no AWS credentials provider is configured")?;
    aws_credential_types::provider::ProvideCredentials::provide_credentials(&provider)
        .await
        .map(|_| ())
        .map_err(|e| format!("no AWS credentials could be loaded ({e}); set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"))
}

/// Amazon Connect in the instance's region, and IAM.
pub struct SdkAccount {
    pub connect: aws_sdk_connect::Client,
    pub iam: aws_sdk_iam::Client,
    /// AWS Organizations, for the service control policies above the role's account; `None`
    /// reports them as not evaluated.
    pub organizations: Option<aws_sdk_organizations::Client>,
    /// Draw ListUsers progress on stderr (the CLI sets it when stderr is a terminal).
    pub progress: bool,
    listed: std::cell::Cell<usize>,
}

impl SdkAccount {
    /// An account on clients already built (tests build them on recorded responses).
    pub fn from_clients(connect: aws_sdk_connect::Client, iam: aws_sdk_iam::Client) -> Self {
        Self {
            connect,
            iam,
            organizations: None,
            progress: false,
            listed: std::cell::Cell::new(0),
        }
    }

    /// Clients from `config`; Connect in `connect_region` (the instance's), which may differ from
    /// the profile's.
    pub fn new(config: &SdkConfig, connect_region: Option<&str>) -> Self {
        let mut connect = aws_sdk_connect::config::Builder::from(config);
        if let Some(r) = connect_region {
            connect = connect.region(SdkRegion::new(r.to_owned()));
        }
        Self {
            connect: aws_sdk_connect::Client::from_conf(connect.build()),
            iam: aws_sdk_iam::Client::new(config),
            organizations: Some(aws_sdk_organizations::Client::new(config)),
            progress: false,
            listed: std::cell::Cell::new(0),
        }
    }
}

/// What a service error means to the checks.
pub(crate) enum Failure {
    NotFound,
    Access(AccessError),
}

/// Classifies an SDK error. `not_found` recognizes the operation's modeled "does not exist"
/// error (whose metadata may carry no code).
pub(crate) fn classify<E, R>(
    action: &'static str,
    err: aws_sdk_connect::error::SdkError<E, R>,
    not_found: fn(&E) -> bool,
) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    if err.as_service_error().is_some_and(not_found) {
        return Failure::NotFound;
    }
    let code = err.code().unwrap_or_default().to_owned();
    match code.as_str() {
        "ResourceNotFoundException" | "NoSuchEntity" | "NoSuchEntityException" => Failure::NotFound,
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "UnrecognizedClientException"
        | "InvalidClientTokenId" => Failure::Access(AccessError::Denied { action }),
        "Throttling" | "ThrottlingException" | "TooManyRequestsException" | "LimitExceeded" => {
            Failure::Access(AccessError::Throttled { action })
        }
        _ => {
            let message = match err.message() {
                Some(m) if !code.is_empty() => format!("{code}: {m}"),
                _ if !code.is_empty() => code,
                // Network and endpoint failures: the innermost cause is the one that says why.
                _ => {
                    let mut cause: &dyn std::error::Error = &err;
                    while let Some(next) = cause.source() {
                        cause = next;
                    }
                    format!("cannot reach the service endpoint: {cause}")
                }
            };
            Failure::Access(AccessError::Failed { action, message })
        }
    }
}

/// A call whose "not found" is an answer (`None`).
pub(crate) fn optional<T>(r: Result<T, Failure>) -> AccessResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Failure::NotFound) => Ok(None),
        Err(Failure::Access(e)) => Err(e),
    }
}

/// A call whose "not found" is a failure.
pub(crate) fn required<T>(action: &'static str, r: Result<T, Failure>) -> AccessResult<T> {
    match r {
        Ok(v) => Ok(v),
        Err(Failure::NotFound) => Err(AccessError::Failed {
            action,
            message: "not found".into(),
        }),
        Err(Failure::Access(e)) => Err(e),
    }
}

/// IAM returns policy documents URL-encoded.
fn decode_document(doc: &str) -> String {
    String::from_utf8_lossy(&percent_decode(doc.as_bytes(), false)).into_owned()
}

impl Account for SdkAccount {
    async fn describe_instance(&self, instance_id: &str) -> AccessResult<Option<Instance>> {
        const ACTION: &str = "connect:DescribeInstance";
        let out = self
            .connect
            .describe_instance()
            .instance_id(instance_id)
            .send()
            .await
            .map_err(|e| classify(ACTION, e, |e| e.is_resource_not_found_exception()));
        let out = optional(out)?;
        Ok(out.and_then(|o| o.instance().cloned()).map(|i| Instance {
            arn: i.arn().unwrap_or_default().to_owned(),
            identity_management_type: i
                .identity_management_type()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            status: i
                .instance_status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            alias: i.instance_alias().map(str::to_owned),
        }))
    }

    async fn search_users(
        &self,
        instance_id: &str,
        username: &str,
        how: Match,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        const ACTION: &str = "connect:SearchUsers";
        let comparison = match how {
            Match::Exact => StringComparisonType::Exact,
            Match::Contains => StringComparisonType::Contains,
        };
        let criteria = UserSearchCriteria::builder()
            .string_condition(
                StringCondition::builder()
                    .field_name("Username")
                    .value(username)
                    .comparison_type(comparison)
                    .build(),
            )
            .build();
        let out = self
            .connect
            .search_users()
            .instance_id(instance_id)
            .search_criteria(criteria)
            .max_results(500)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| classify(ACTION, e, |_| false));
        let out = required(ACTION, out)?;
        Ok(UserPage {
            users: out
                .users()
                .iter()
                .map(|u| User {
                    username: u.username().unwrap_or_default().to_owned(),
                    id: u.id().unwrap_or_default().to_owned(),
                })
                .collect(),
            next_token: out.next_token().map(str::to_owned),
        })
    }

    async fn saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProvider>> {
        const ACTION: &str = "iam:GetSAMLProvider";
        let out = self
            .iam
            .get_saml_provider()
            .saml_provider_arn(arn)
            .send()
            .await
            .map_err(|e| classify(ACTION, e, |e| e.is_no_such_entity_exception()));
        Ok(optional(out)?.map(|o| SamlProvider {
            metadata_document: o.saml_metadata_document().unwrap_or_default().to_owned(),
            valid_until: o
                .valid_until()
                .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
        }))
    }

    async fn role(&self, name: &str) -> AccessResult<Option<Role>> {
        const ACTION: &str = "iam:GetRole";
        let out = self
            .iam
            .get_role()
            .role_name(name)
            .send()
            .await
            .map_err(|e| classify(ACTION, e, |e| e.is_no_such_entity_exception()));
        Ok(optional(out)?
            .and_then(|o| o.role().cloned())
            .map(|r| Role {
                arn: r.arn().to_owned(),
                role_id: r.role_id().to_owned(),
                trust_policy: decode_document(r.assume_role_policy_document().unwrap_or_default()),
                max_session_duration: r
                    .max_session_duration()
                    .and_then(|d| u32::try_from(d).ok())
                    .unwrap_or(3600),
                permissions_boundary: r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
            }))
    }

    async fn inline_policies(&self, role_name: &str) -> AccessResult<Vec<PolicyDocument>> {
        const LIST: &str = "iam:ListRolePolicies";
        let names = all_pages(|marker| async move {
            let out = self
                .iam
                .list_role_policies()
                .role_name(role_name)
                .set_marker(marker)
                .send()
                .await;
            let out = required(LIST, out.map_err(|e| classify(LIST, e, |_| false)))?;
            Ok((
                out.policy_names().to_vec(),
                out.marker()
                    .filter(|_| out.is_truncated())
                    .map(str::to_owned),
            ))
        })
        .await?;
        let mut docs = Vec::new();
        for name in names {
            const GET: &str = "iam:GetRolePolicy";
            let out = self
                .iam
                .get_role_policy()
                .role_name(role_name)
                .policy_name(&name)
                .send()
                .await;
            let out = required(GET, out.map_err(|e| classify(GET, e, |_| false)))?;
            docs.push(PolicyDocument {
                name: format!("inline policy {name}"),
                document: decode_document(out.policy_document()),
            });
        }
        Ok(docs)
    }

    async fn attached_policies(&self, role_name: &str) -> AccessResult<Vec<PolicyDocument>> {
        const LIST: &str = "iam:ListAttachedRolePolicies";
        let arns = all_pages(|marker| async move {
            let out = self
                .iam
                .list_attached_role_policies()
                .role_name(role_name)
                .set_marker(marker)
                .send()
                .await;
            let out = required(LIST, out.map_err(|e| classify(LIST, e, |_| false)))?;
            let arns = out
                .attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_owned))
                .collect();
            Ok((
                arns,
                out.marker()
                    .filter(|_| out.is_truncated())
                    .map(str::to_owned),
            ))
        })
        .await?;
        let mut docs = Vec::new();
        for arn in arns {
            let doc = self.policy_version(&arn).await?;
            docs.push(doc.ok_or_else(|| AccessError::Failed {
                action: "iam:GetPolicy",
                message: format!("the attached policy {arn} does not exist"),
            })?);
        }
        Ok(docs)
    }

    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        const ACTION: &str = "connect:ListUsers";
        let out = self
            .connect
            .list_users()
            .instance_id(instance_id)
            .max_results(1000)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| classify(ACTION, e, |_| false));
        let out = required(ACTION, out)?;
        let users: Vec<User> = out
            .user_summary_list()
            .iter()
            .map(|u| User {
                username: u.username().unwrap_or_default().to_owned(),
                id: u.id().unwrap_or_default().to_owned(),
            })
            .collect();
        if self.progress {
            use std::io::Write;
            let listed = self.listed.get() + users.len();
            self.listed.set(listed);
            let mut err = std::io::stderr();
            let _ = if out.next_token().is_some() {
                write!(err, "\rlisting Connect users: {listed}…")
            } else {
                write!(err, "\r\x1b[2K")
            };
        }
        Ok(UserPage {
            users,
            next_token: out.next_token().map(str::to_owned),
        })
    }

    async fn managed_policy(&self, arn: &str) -> AccessResult<Option<PolicyDocument>> {
        self.policy_version(arn).await
    }

    async fn organization_policies(
        &self,
        account_id: &str,
    ) -> AccessResult<Vec<OrganizationLevel>> {
        match &self.organizations {
            Some(client) => {
                crate::sdk_organizations::service_control_policies(client, account_id).await
            }
            None => Err(AccessError::Failed {
                action: "organizations:ListPoliciesForTarget",
                message: "no AWS Organizations client was configured".into(),
            }),
        }
    }
}

impl SdkAccount {
    /// iam:GetPolicy (for the default version) + iam:GetPolicyVersion.
    async fn policy_version(&self, arn: &str) -> AccessResult<Option<PolicyDocument>> {
        const GET_POLICY: &str = "iam:GetPolicy";
        let policy = self.iam.get_policy().policy_arn(arn).send().await;
        let Some(policy) = optional(
            policy.map_err(|e| classify(GET_POLICY, e, |e| e.is_no_such_entity_exception())),
        )?
        else {
            return Ok(None);
        };
        let version = policy
            .policy()
            .and_then(|p| p.default_version_id())
            .unwrap_or("v1")
            .to_owned();
        const GET_VERSION: &str = "iam:GetPolicyVersion";
        let out = self
            .iam
            .get_policy_version()
            .policy_arn(arn)
            .version_id(version)
            .send()
            .await;
        let out = required(
            GET_VERSION,
            out.map_err(|e| classify(GET_VERSION, e, |_| false)),
        )?;
        let document = out
            .policy_version()
            .and_then(|v| v.document())
            .map(decode_document)
            .unwrap_or_default();
        Ok(Some(PolicyDocument {
            name: format!("managed policy {arn}"),
            document,
        }))
    }
}

/// Follows IAM's `Marker` pagination: `fetch(marker)` returns a page and the next marker.
async fn all_pages<T, F, Fut>(mut fetch: F) -> AccessResult<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = AccessResult<(Vec<T>, Option<String>)>>,
{
    let mut items = Vec::new();
    let mut marker = None;
    loop {
        let (page, next) = fetch(marker).await?;
        items.extend(page);
        match next {
            Some(m) => marker = Some(m),
            None => return Ok(items),
        }
    }
}

/// The least-privilege policy the checker needs: read-only, never `connect:Get*` (which
/// includes GetFederationToken, a live sign-in token).
pub fn checker_policy() -> serde_json::Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SamlDoctorConnectReadOnly",
                "Effect": "Allow",
                "Action": ["connect:DescribeInstance", "connect:SearchUsers", "connect:ListUsers"],
                "Resource": "*"
            },
            {
                "Sid": "SamlDoctorIamReadOnly",
                "Effect": "Allow",
                "Action": [
                    "iam:GetSAMLProvider",
                    "iam:GetRole",
                    "iam:ListRolePolicies",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:GetPolicy",
                    "iam:GetPolicyVersion"
                ],
                "Resource": "*"
            },
            {
                // The service control policies above the role's account (sdk_organizations.rs);
                // only the management account or a delegated administrator may read them, and
                // without them that one check is reported as skipped.
                "Sid": "SamlDoctorOrganizationsReadOnly",
                "Effect": "Allow",
                "Action": [
                    "organizations:DescribeOrganization",
                    "organizations:ListParents",
                    "organizations:ListPoliciesForTarget",
                    "organizations:DescribePolicy"
                ],
                "Resource": "*"
            },
            {
                // IAM Identity Center (checks/identity_center.rs): read-only, no Create/Update.
                "Sid": "SamlDoctorIdentityCenterReadOnly",
                "Effect": "Allow",
                "Action": [
                    "sso:ListInstances",
                    "sso:ListAccountAssignmentsForPrincipal",
                    "sso:DescribePermissionSet",
                    "identitystore:GetUserId",
                    "identitystore:DescribeUser",
                    "identitystore:ListUsers",
                    "identitystore:ListGroupMembershipsForMember"
                ],
                "Resource": "*"
            }
        ]
    })
}

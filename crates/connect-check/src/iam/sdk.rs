//! [`IamApi`] on a real IAM, through aws-sdk-iam (a global service: the session's region serves).
//! IAM returns policy documents URL-encoded: they are decoded here, so the checks see JSON.
//! Errors are "does not exist", "denied to the checker", throttled or failed (see
//! [`crate::aws`]), never a panic.

use saml_core::decode::percent_decode;

use super::api::{IamApi, PolicyDocument, Role, SamlPrivateKey, SamlProvider};
use crate::access::{AccessError, AccessResult};
use crate::aws::{SdkResultExt, Session};
use crate::paging::{all_pages, Page, MAX_PAGES};

/// IAM.
pub struct SdkIam {
    client: aws_sdk_iam::Client,
}

impl SdkIam {
    /// IAM in the session's region.
    pub fn new(session: &Session) -> Self {
        Self::from_client(aws_sdk_iam::Client::new(session.config()))
    }

    /// IAM on a client already built (tests build one on recorded responses).
    pub fn from_client(client: aws_sdk_iam::Client) -> Self {
        Self { client }
    }

    /// iam:GetPolicy (for the default version) + iam:GetPolicyVersion.
    async fn policy_version(&self, arn: &str) -> AccessResult<Option<PolicyDocument>> {
        const GET_POLICY: &str = "iam:GetPolicy";
        const GET_VERSION: &str = "iam:GetPolicyVersion";
        let policy = self
            .client
            .get_policy()
            .policy_arn(arn)
            .send()
            .await
            .optional(GET_POLICY, |e| e.is_no_such_entity_exception())?;
        let Some(policy) = policy else {
            return Ok(None);
        };
        let version = policy
            .policy()
            .and_then(|p| p.default_version_id())
            .unwrap_or("v1")
            .to_owned();
        let out = self
            .client
            .get_policy_version()
            .policy_arn(arn)
            .version_id(version)
            .send()
            .await
            .required(GET_VERSION)?;
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

/// IAM returns policy documents URL-encoded.
fn decode_document(doc: &str) -> String {
    String::from_utf8_lossy(&percent_decode(doc.as_bytes(), false)).into_owned()
}

/// IAM's `Marker` pagination: the marker of the next page, when the answer is truncated.
fn next_marker(marker: Option<&str>, is_truncated: bool) -> Option<&str> {
    marker.filter(|_| is_truncated)
}

impl IamApi for SdkIam {
    async fn saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProvider>> {
        const ACTION: &str = "iam:GetSAMLProvider";
        let out = self
            .client
            .get_saml_provider()
            .saml_provider_arn(arn)
            .send()
            .await
            .optional(ACTION, |e| e.is_no_such_entity_exception())?;
        let time = |t: &aws_smithy_types::DateTime| {
            t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()
        };
        Ok(out.map(|o| SamlProvider {
            metadata_document: o.saml_metadata_document().unwrap_or_default().to_owned(),
            valid_until: o.valid_until().and_then(time),
            assertion_encryption_mode: o.assertion_encryption_mode().map(|m| m.as_str().to_owned()),
            private_keys: o
                .private_key_list()
                .iter()
                .map(|k| SamlPrivateKey {
                    key_id: k.key_id().unwrap_or_default().to_owned(),
                    uploaded: k.timestamp().and_then(time),
                })
                .collect(),
        }))
    }

    async fn role(&self, name: &str) -> AccessResult<Option<Role>> {
        const ACTION: &str = "iam:GetRole";
        let out = self
            .client
            .get_role()
            .role_name(name)
            .send()
            .await
            .optional(ACTION, |e| e.is_no_such_entity_exception())?;
        Ok(out.and_then(|o| o.role().cloned()).map(|r| Role {
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
        const GET: &str = "iam:GetRolePolicy";
        let names = all_pages(LIST, MAX_PAGES, |marker| async move {
            let out = self
                .client
                .list_role_policies()
                .role_name(role_name)
                .set_marker(marker)
                .send()
                .await
                .required(LIST)?;
            Ok(Page::new(
                out.policy_names().to_vec(),
                next_marker(out.marker(), out.is_truncated()),
            ))
        })
        .await?;
        let mut docs = Vec::new();
        for name in names {
            let out = self
                .client
                .get_role_policy()
                .role_name(role_name)
                .policy_name(&name)
                .send()
                .await
                .required(GET)?;
            docs.push(PolicyDocument {
                name: format!("inline policy {name}"),
                document: decode_document(out.policy_document()),
            });
        }
        Ok(docs)
    }

    async fn attached_policies(&self, role_name: &str) -> AccessResult<Vec<PolicyDocument>> {
        const LIST: &str = "iam:ListAttachedRolePolicies";
        let arns = all_pages(LIST, MAX_PAGES, |marker| async move {
            let out = self
                .client
                .list_attached_role_policies()
                .role_name(role_name)
                .set_marker(marker)
                .send()
                .await
                .required(LIST)?;
            Ok(Page::new(
                out.attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_owned)),
                next_marker(out.marker(), out.is_truncated()),
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

    async fn managed_policy(&self, arn: &str) -> AccessResult<Option<PolicyDocument>> {
        self.policy_version(arn).await
    }
}

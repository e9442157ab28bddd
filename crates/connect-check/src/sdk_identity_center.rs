//! The [`IdentityCenterAccount`] of a real AWS account, through aws-sdk-ssoadmin and
//! aws-sdk-identitystore, in the instance's home Region (the Audience's). Errors are classified
//! as the IAM and Connect adapter does (`sdk::classify`): "does not exist", "denied to the
//! checker" (naming the action), throttled, or failed; never a panic.

use aws_config::{Region as SdkRegion, SdkConfig};
use aws_sdk_identitystore::types::{AlternateIdentifier, MemberId, UniqueAttribute};
use aws_sdk_ssoadmin::types::PrincipalType;
use aws_smithy_types::Document;

use crate::account::{AccessError, AccessResult};
use crate::checks::identity_center::{
    Assignment, IdcInstance, IdcUser, IdcUserPage, IdentityCenterAccount, PermissionSet, Principal,
};
use crate::sdk::{classify, optional, required};

/// Pages the adapter reads of a listing before it stops (each at most 100 entries): bounded
/// work on any directory.
const MAX_PAGES: usize = 100;

/// IAM Identity Center's two APIs.
pub struct SdkIdentityCenter {
    pub sso_admin: aws_sdk_ssoadmin::Client,
    pub identity_store: aws_sdk_identitystore::Client,
}

impl SdkIdentityCenter {
    /// Clients from `config`, in `region` (the instance's home Region) when given.
    pub fn new(config: &SdkConfig, region: Option<&str>) -> Self {
        let mut admin = aws_sdk_ssoadmin::config::Builder::from(config);
        let mut store = aws_sdk_identitystore::config::Builder::from(config);
        if let Some(r) = region {
            admin = admin.region(SdkRegion::new(r.to_owned()));
            store = store.region(SdkRegion::new(r.to_owned()));
        }
        Self {
            sso_admin: aws_sdk_ssoadmin::Client::from_conf(admin.build()),
            identity_store: aws_sdk_identitystore::Client::from_conf(store.build()),
        }
    }
}

fn too_many(action: &'static str) -> AccessError {
    AccessError::Failed {
        action,
        message: format!("more than {MAX_PAGES} pages: stopped reading"),
    }
}

impl IdentityCenterAccount for SdkIdentityCenter {
    async fn list_instances(&self) -> AccessResult<Vec<IdcInstance>> {
        const ACTION: &str = "sso:ListInstances";
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .sso_admin
                .list_instances()
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(ACTION, e, |_| false));
            let page = required(ACTION, page)?;
            out.extend(page.instances().iter().filter_map(|i| {
                Some(IdcInstance {
                    instance_arn: i.instance_arn()?.to_owned(),
                    identity_store_id: i.identity_store_id()?.to_owned(),
                })
            }));
            match page.next_token() {
                Some(t) => token = Some(t.to_owned()),
                None => return Ok(out),
            }
        }
        Err(too_many(ACTION))
    }

    async fn get_user_id(&self, store: &str, user_name: &str) -> AccessResult<Option<String>> {
        const ACTION: &str = "identitystore:GetUserId";
        let attribute = UniqueAttribute::builder()
            .attribute_path("userName")
            .attribute_value(Document::String(user_name.to_owned()))
            .build()
            .map_err(|e| AccessError::Failed {
                action: ACTION,
                message: e.to_string(),
            })?;
        let out = self
            .identity_store
            .get_user_id()
            .identity_store_id(store)
            .alternate_identifier(AlternateIdentifier::UniqueAttribute(attribute))
            .send()
            .await
            .map_err(|e| classify(ACTION, e, |e| e.is_resource_not_found_exception()));
        Ok(optional(out)?.map(|o| o.user_id().to_owned()))
    }

    async fn describe_user(&self, store: &str, user_id: &str) -> AccessResult<Option<IdcUser>> {
        const ACTION: &str = "identitystore:DescribeUser";
        let out = self
            .identity_store
            .describe_user()
            .identity_store_id(store)
            .user_id(user_id)
            .send()
            .await
            .map_err(|e| classify(ACTION, e, |e| e.is_resource_not_found_exception()));
        Ok(optional(out)?.map(|u| IdcUser {
            user_id: u.user_id().to_owned(),
            user_name: u.user_name().unwrap_or_default().to_owned(),
            status: u.user_status().map(|s| s.as_str().to_owned()),
        }))
    }

    async fn list_users(
        &self,
        store: &str,
        next_token: Option<String>,
    ) -> AccessResult<IdcUserPage> {
        const ACTION: &str = "identitystore:ListUsers";
        let out = self
            .identity_store
            .list_users()
            .identity_store_id(store)
            .max_results(100) // the documented maximum
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| classify(ACTION, e, |_| false));
        let out = required(ACTION, out)?;
        Ok(IdcUserPage {
            users: out
                .users()
                .iter()
                .map(|u| IdcUser {
                    user_id: u.user_id().to_owned(),
                    user_name: u.user_name().unwrap_or_default().to_owned(),
                    status: u.user_status().map(|s| s.as_str().to_owned()),
                })
                .collect(),
            next_token: out.next_token().map(str::to_owned),
        })
    }

    async fn user_groups(&self, store: &str, user_id: &str) -> AccessResult<Vec<String>> {
        const ACTION: &str = "identitystore:ListGroupMembershipsForMember";
        let mut groups = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let out = self
                .identity_store
                .list_group_memberships_for_member()
                .identity_store_id(store)
                .member_id(MemberId::UserId(user_id.to_owned()))
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(ACTION, e, |_| false));
            let out = required(ACTION, out)?;
            groups.extend(
                out.group_memberships()
                    .iter()
                    .filter_map(|m| m.group_id().map(str::to_owned)),
            );
            match out.next_token() {
                Some(t) => token = Some(t.to_owned()),
                None => return Ok(groups),
            }
        }
        Err(too_many(ACTION))
    }

    async fn assignments(
        &self,
        instance_arn: &str,
        principal: Principal,
        principal_id: &str,
    ) -> AccessResult<Vec<Assignment>> {
        const ACTION: &str = "sso:ListAccountAssignmentsForPrincipal";
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let out = self
                .sso_admin
                .list_account_assignments_for_principal()
                .instance_arn(instance_arn)
                .principal_type(match principal {
                    Principal::User => PrincipalType::User,
                    Principal::Group => PrincipalType::Group,
                })
                .principal_id(principal_id)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(ACTION, e, |_| false));
            let out = required(ACTION, out)?;
            found.extend(out.account_assignments().iter().filter_map(|a| {
                Some(Assignment {
                    account_id: a.account_id()?.to_owned(),
                    permission_set_arn: a.permission_set_arn()?.to_owned(),
                })
            }));
            match out.next_token() {
                Some(t) => token = Some(t.to_owned()),
                None => return Ok(found),
            }
        }
        Err(too_many(ACTION))
    }

    async fn permission_set(&self, instance_arn: &str, arn: &str) -> AccessResult<PermissionSet> {
        const ACTION: &str = "sso:DescribePermissionSet";
        let out = self
            .sso_admin
            .describe_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(arn)
            .send()
            .await
            .map_err(|e| classify(ACTION, e, |_| false));
        let out = required(ACTION, out)?;
        let ps = out.permission_set();
        Ok(PermissionSet {
            arn: arn.to_owned(),
            name: ps.and_then(|p| p.name()).unwrap_or(arn).to_owned(),
            session_duration: ps.and_then(|p| p.session_duration()).map(str::to_owned),
        })
    }
}

//! [`IdentityCenterApi`] on a real IAM Identity Center, through aws-sdk-ssoadmin and
//! aws-sdk-identitystore, in the instance's home Region (the Audience's). Errors are classified
//! as every adapter's are (see [`crate::aws`]): "does not exist", "denied to the checker"
//! (naming the action), throttled, or failed; never a panic.

use aws_sdk_identitystore::types::{AlternateIdentifier, MemberId, UniqueAttribute, UserStatus};
use aws_sdk_ssoadmin::types::PrincipalType;
use aws_smithy_types::Document;

use super::api::{
    Assignment, IdentityCenterApi, Instance, PermissionSet, Principal, User, UserKey, UserPage,
};
use crate::access::{AccessError, AccessResult};
use crate::aws::{SdkResultExt, Session};
use crate::paging::{all_pages, Page, MAX_PAGES};

/// IAM Identity Center's two APIs, in one region.
pub struct SdkIdentityCenter {
    sso_admin: aws_sdk_ssoadmin::Client,
    identity_store: aws_sdk_identitystore::Client,
}

impl SdkIdentityCenter {
    /// Both APIs in `region` (the instance's home Region), else in the session's region.
    pub fn new(session: &Session, region: Option<&str>) -> Self {
        let config = session.config_in(region);
        Self::from_clients(
            aws_sdk_ssoadmin::Client::new(&config),
            aws_sdk_identitystore::Client::new(&config),
        )
    }

    /// Both APIs on clients already built (tests build them on recorded responses).
    pub fn from_clients(
        sso_admin: aws_sdk_ssoadmin::Client,
        identity_store: aws_sdk_identitystore::Client,
    ) -> Self {
        Self {
            sso_admin,
            identity_store,
        }
    }
}

/// A user as the checks read it, from DescribeUser's answer or a ListUsers entry.
fn user(id: &str, name: Option<&str>, status: Option<&UserStatus>) -> User {
    User {
        user_id: id.to_owned(),
        user_name: name.unwrap_or_default().to_owned(),
        status: status.map(|s| s.as_str().to_owned()),
    }
}

impl IdentityCenterApi for SdkIdentityCenter {
    async fn list_instances(&self) -> AccessResult<Vec<Instance>> {
        const ACTION: &str = "sso:ListInstances";
        all_pages(ACTION, MAX_PAGES, |token| async move {
            let page = self
                .sso_admin
                .list_instances()
                .set_next_token(token)
                .send()
                .await
                .required(ACTION)?;
            Ok(Page::new(
                page.instances().iter().filter_map(|i| {
                    Some(Instance {
                        instance_arn: i.instance_arn()?.to_owned(),
                        identity_store_id: i.identity_store_id()?.to_owned(),
                    })
                }),
                page.next_token(),
            ))
        })
        .await
    }

    async fn get_user_id(
        &self,
        store: &str,
        key: UserKey,
        value: &str,
    ) -> AccessResult<Option<String>> {
        const ACTION: &str = "identitystore:GetUserId";
        let attribute = UniqueAttribute::builder()
            .attribute_path(key.attribute_path())
            .attribute_value(Document::String(value.to_owned()))
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
            .optional(ACTION, |e| e.is_resource_not_found_exception())?;
        Ok(out.map(|o| o.user_id().to_owned()))
    }

    async fn describe_user(&self, store: &str, user_id: &str) -> AccessResult<Option<User>> {
        const ACTION: &str = "identitystore:DescribeUser";
        let out = self
            .identity_store
            .describe_user()
            .identity_store_id(store)
            .user_id(user_id)
            .send()
            .await
            .optional(ACTION, |e| e.is_resource_not_found_exception())?;
        Ok(out.map(|u| user(u.user_id(), u.user_name(), u.user_status())))
    }

    async fn list_users(&self, store: &str, next_token: Option<String>) -> AccessResult<UserPage> {
        const ACTION: &str = "identitystore:ListUsers";
        let out = self
            .identity_store
            .list_users()
            .identity_store_id(store)
            .max_results(100) // the documented maximum
            .set_next_token(next_token)
            .send()
            .await
            .required(ACTION)?;
        Ok(UserPage::new(
            out.users()
                .iter()
                .map(|u| user(u.user_id(), u.user_name(), u.user_status())),
            out.next_token(),
        ))
    }

    async fn user_groups(&self, store: &str, user_id: &str) -> AccessResult<Vec<String>> {
        const ACTION: &str = "identitystore:ListGroupMembershipsForMember";
        all_pages(ACTION, MAX_PAGES, |token| async move {
            let out = self
                .identity_store
                .list_group_memberships_for_member()
                .identity_store_id(store)
                .member_id(MemberId::UserId(user_id.to_owned()))
                .set_next_token(token)
                .send()
                .await
                .required(ACTION)?;
            Ok(Page::new(
                out.group_memberships()
                    .iter()
                    .filter_map(|m| m.group_id().map(str::to_owned)),
                out.next_token(),
            ))
        })
        .await
    }

    async fn assignments(
        &self,
        instance_arn: &str,
        principal: Principal,
        principal_id: &str,
    ) -> AccessResult<Vec<Assignment>> {
        const ACTION: &str = "sso:ListAccountAssignmentsForPrincipal";
        all_pages(ACTION, MAX_PAGES, |token| async move {
            let out = self
                .sso_admin
                .list_account_assignments_for_principal()
                .instance_arn(instance_arn)
                .principal_type(match principal {
                    Principal::User => PrincipalType::User,
                    Principal::Group => PrincipalType::Group,
                })
                .principal_id(principal_id)
                .set_next_token(token)
                .send()
                .await
                .required(ACTION)?;
            Ok(Page::new(
                out.account_assignments().iter().filter_map(|a| {
                    Some(Assignment {
                        account_id: a.account_id()?.to_owned(),
                        permission_set_arn: a.permission_set_arn()?.to_owned(),
                    })
                }),
                out.next_token(),
            ))
        })
        .await
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
            .required(ACTION)?;
        let ps = out.permission_set();
        Ok(PermissionSet {
            arn: arn.to_owned(),
            name: ps.and_then(|p| p.name()).unwrap_or(arn).to_owned(),
            session_duration: ps.and_then(|p| p.session_duration()).map(str::to_owned),
        })
    }
}

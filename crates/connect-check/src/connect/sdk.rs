//! [`ConnectApi`] on a real Amazon Connect, through aws-sdk-connect, in the instance's region.
//! Throttling is retried by the SDK (standard retry mode); every other service error is "does
//! not exist", "denied to the checker" or "failed" (see [`crate::aws`]), never a panic.

use aws_sdk_connect::types::{StringComparisonType, StringCondition, UserSearchCriteria};

use super::api::{ConnectApi, Instance, Match, User, UserPage};
use crate::access::AccessResult;
use crate::aws::{SdkResultExt, Session};

/// Told after each ListUsers page: the users listed so far, and whether more pages follow.
pub type ListProgress = Box<dyn Fn(usize, bool)>;

/// Amazon Connect in one region.
pub struct SdkConnect {
    client: aws_sdk_connect::Client,
    progress: Option<ListProgress>,
    listed: std::cell::Cell<usize>,
}

impl SdkConnect {
    /// Connect in `region` (the instance's, which may differ from the profile's), else in the
    /// session's region.
    pub fn new(session: &Session, region: Option<&str>) -> Self {
        Self::from_client(aws_sdk_connect::Client::new(&session.config_in(region)))
    }

    /// Connect on a client already built (tests build one on recorded responses).
    pub fn from_client(client: aws_sdk_connect::Client) -> Self {
        Self {
            client,
            progress: None,
            listed: std::cell::Cell::new(0),
        }
    }

    /// Tells `progress` how far a ListUsers walk has gone, after each page (it may take
    /// minutes on a large instance; the CLI draws it on a terminal).
    pub fn with_progress(mut self, progress: impl Fn(usize, bool) + 'static) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }
}

/// A user as the checks read it, from SearchUsers' or ListUsers' summary of it.
fn user(username: Option<&str>, id: Option<&str>) -> User {
    User {
        username: username.unwrap_or_default().to_owned(),
        id: id.unwrap_or_default().to_owned(),
    }
}

impl ConnectApi for SdkConnect {
    async fn describe_instance(&self, instance_id: &str) -> AccessResult<Option<Instance>> {
        const ACTION: &str = "connect:DescribeInstance";
        let out = self
            .client
            .describe_instance()
            .instance_id(instance_id)
            .send()
            .await
            .optional(ACTION, |e| e.is_resource_not_found_exception())?;
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
            .client
            .search_users()
            .instance_id(instance_id)
            .search_criteria(criteria)
            .max_results(500)
            .set_next_token(next_token)
            .send()
            .await
            .required(ACTION)?;
        Ok(UserPage::new(
            out.users().iter().map(|u| user(u.username(), u.id())),
            out.next_token(),
        ))
    }

    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        const ACTION: &str = "connect:ListUsers";
        let out = self
            .client
            .list_users()
            .instance_id(instance_id)
            .max_results(1000)
            .set_next_token(next_token)
            .send()
            .await
            .required(ACTION)?;
        let users: Vec<User> = out
            .user_summary_list()
            .iter()
            .map(|u| user(u.username(), u.id()))
            .collect();
        if let Some(progress) = &self.progress {
            let listed = self.listed.get() + users.len();
            self.listed.set(listed);
            progress(listed, out.next_token().is_some());
        }
        Ok(UserPage::new(users, out.next_token()))
    }
}

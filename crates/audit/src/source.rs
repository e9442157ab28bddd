//! The data sources an audit reads, one trait each (IAM, Amazon Connect, AWS Organizations,
//! and STS to reach a member account), so an SDK adapter implements them on the AWS SDK and a
//! test on in-memory answers that keep the documented limits. Each call answers one page; the
//! paging loops live in this crate, behind [`Pager`], which bounds them whatever the answers.
//!
//! A call that does not answer is an [`AccessError`] naming the IAM action; the audit turns it
//! into a `check_skipped` finding, never a pass.

pub use connect_check::access::{AccessError, AccessResult};
use saml_core::aws::AccountId;

use crate::model::{
    AccountPage, InstancePage, RolePage, SamlProviderDetail, SamlProviderEntry, UserPage,
};

/// ListRoles' largest `MaxItems` (IAM API reference: 1 to 1,000).
pub const LIST_ROLES_MAX_ITEMS: u32 = 1000;
/// Connect ListInstances' largest `MaxResults` (1 to 10).
pub const LIST_INSTANCES_MAX_RESULTS: u32 = 10;
/// Connect ListUsers' largest `MaxResults` (1 to 1,000).
pub const LIST_USERS_MAX_RESULTS: u32 = 1000;
/// Organizations ListAccounts' largest `MaxResults` (1 to 20).
pub const LIST_ACCOUNTS_MAX_RESULTS: u32 = 20;

/// What the audit reads from IAM.
#[allow(async_fn_in_trait)]
pub trait IamSource {
    /// iam:ListSAMLProviders: every provider of the account in one answer (the call is not
    /// paged).
    async fn list_saml_providers(&self) -> AccessResult<Vec<SamlProviderEntry>>;
    /// iam:GetSAMLProvider. `Ok(None)`: NoSuchEntity (deleted since it was listed).
    async fn get_saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProviderDetail>>;
    /// iam:ListRoles, one page: `marker` from the previous page's `Marker`, `max_items` at most
    /// [`LIST_ROLES_MAX_ITEMS`].
    async fn list_roles(&self, marker: Option<String>, max_items: u32) -> AccessResult<RolePage>;
}

/// What the audit reads from Amazon Connect (in the region the adapter is set up for).
#[allow(async_fn_in_trait)]
pub trait ConnectSource {
    /// connect:ListInstances, one page, `max_results` at most [`LIST_INSTANCES_MAX_RESULTS`].
    async fn list_instances(
        &self,
        next_token: Option<String>,
        max_results: u32,
    ) -> AccessResult<InstancePage>;
    /// connect:ListUsers of one instance, one page, `max_results` at most
    /// [`LIST_USERS_MAX_RESULTS`].
    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
        max_results: u32,
    ) -> AccessResult<UserPage>;
}

/// What the audit reads from AWS Organizations (the management account or a delegated
/// administrator).
#[allow(async_fn_in_trait)]
pub trait OrganizationSource {
    /// organizations:ListAccounts, one page, `max_results` at most
    /// [`LIST_ACCOUNTS_MAX_RESULTS`]. A page may be empty while `next_token` is set.
    async fn list_accounts(
        &self,
        next_token: Option<String>,
        max_results: u32,
    ) -> AccessResult<AccountPage>;
}

/// Reaching a member account: sts:AssumeRole of the audit role into it.
#[allow(async_fn_in_trait)]
pub trait AccountAssumer {
    /// The member account's sources, under the assumed role.
    type Account: IamSource + ConnectSource;
    /// sts:AssumeRole into `account`; `Err` names the refused call (`sts:AssumeRole`).
    async fn assume(&self, account: &AccountId) -> AccessResult<Self::Account>;
}

/// The most pages one listing may take: beyond it the answers are not ending (1,000 users a page,
/// this is 100 million users).
pub const MAX_PAGES: usize = 100_000;

/// Why a paged listing was stopped before its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    /// ListRoles said `IsTruncated` without a `Marker` to continue from.
    #[error(
        "{call} said more results follow but gave no token to continue from (after {pages} pages)"
    )]
    NoToken {
        /// The IAM action.
        call: &'static str,
        /// Pages read.
        pages: usize,
    },
    /// The service answered the token it was given: the listing would never end.
    #[error("{call} answered the same paging token twice in a row (after {pages} pages): the listing was stopped")]
    RepeatedToken {
        /// The IAM action.
        call: &'static str,
        /// Pages read.
        pages: usize,
    },
    /// More than [`MAX_PAGES`] pages.
    #[error("{call} was still paging after {pages} pages: the listing was stopped")]
    TooManyPages {
        /// The IAM action.
        call: &'static str,
        /// Pages read.
        pages: usize,
    },
}

/// Keeps a paging loop finite: it follows the tokens a service answers and stops, with a
/// [`PagingError`], on a missing or repeated token or after [`MAX_PAGES`] pages.
#[derive(Debug)]
pub struct Pager {
    call: &'static str,
    pages: usize,
    token: Option<String>,
}

impl Pager {
    /// A pager for the listing `call` (the IAM action, for the error).
    pub fn new(call: &'static str) -> Self {
        Self {
            call,
            pages: 0,
            token: None,
        }
    }

    /// The token to ask the next page with (`None` for the first).
    pub fn token(&self) -> Option<String> {
        self.token.clone()
    }

    /// Takes the answer of a page: `more` (IsTruncated, or a NextToken present) and its token.
    /// `Ok(true)`: ask the next page with [`Pager::token`]; `Ok(false)`: the listing is done.
    pub fn advance(&mut self, more: bool, next: Option<String>) -> Result<bool, PagingError> {
        self.pages += 1;
        let (call, pages) = (self.call, self.pages);
        // An empty token is no token (some services answer "" at the end).
        let next = next.filter(|t| !t.is_empty());
        match next {
            None if more => Err(PagingError::NoToken { call, pages }),
            None => Ok(false),
            Some(t) if self.token.as_deref() == Some(t.as_str()) => {
                Err(PagingError::RepeatedToken { call, pages })
            }
            Some(_) if pages >= MAX_PAGES => Err(PagingError::TooManyPages { call, pages }),
            Some(t) => {
                self.token = Some(t);
                Ok(true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_follows_tokens_and_stops_on_bad_ones() {
        let mut p = Pager::new("connect:ListUsers");
        assert_eq!(p.token(), None);
        assert_eq!(p.advance(true, Some("a".into())), Ok(true));
        assert_eq!(p.token().as_deref(), Some("a"));
        assert_eq!(p.advance(true, Some("b".into())), Ok(true));
        assert_eq!(p.advance(false, None), Ok(false));

        let mut p = Pager::new("iam:ListRoles");
        assert_eq!(
            p.advance(true, None),
            Err(PagingError::NoToken {
                call: "iam:ListRoles",
                pages: 1
            })
        );
        let mut p = Pager::new("connect:ListUsers");
        p.advance(true, Some("same".into())).unwrap();
        assert!(matches!(
            p.advance(true, Some("same".into())),
            Err(PagingError::RepeatedToken { pages: 2, .. })
        ));
        // An empty token ends the listing.
        let mut p = Pager::new("connect:ListUsers");
        assert_eq!(p.advance(false, Some(String::new())), Ok(false));
        // A service that never stops is stopped.
        let mut p = Pager::new("organizations:ListAccounts");
        let mut n = 0u64;
        let err = loop {
            n += 1;
            match p.advance(true, Some(n.to_string())) {
                Ok(true) => continue,
                Ok(false) => unreachable!(),
                Err(e) => break e,
            }
        };
        assert_eq!(
            err,
            PagingError::TooManyPages {
                call: "organizations:ListAccounts",
                pages: MAX_PAGES
            }
        );
    }
}

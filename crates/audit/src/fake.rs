//! In-memory accounts and organizations for the tests, answering as the API references document:
//! ListRoles takes MaxItems 1-1,000 and may answer fewer items while IsTruncated; ListInstances
//! takes MaxResults 1-10, ListUsers 1-1,000, ListAccounts 1-20, and those may answer an empty page
//! with a NextToken; a token the fake did not issue is refused. Every call is counted, a breach of
//! a limit is recorded (tests assert there is none) and refused, and calls can be denied or
//! throttled by action.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use saml_core::aws::AccountId;

use crate::model::{
    AccountPage, InstancePage, InstanceSummary, OrganizationAccount, RoleEntry, RolePage,
    SamlProviderDetail, SamlProviderEntry, UserPage, UserSummary,
};
use crate::source::{
    AccessError, AccessResult, AccountAssumer, ConnectSource, IamSource, OrganizationSource,
    LIST_ACCOUNTS_MAX_RESULTS, LIST_INSTANCES_MAX_RESULTS, LIST_ROLES_MAX_ITEMS,
    LIST_USERS_MAX_RESULTS,
};

/// How the fake shapes its pages.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Paging {
    /// At most this many items a page, below what was asked ("IAM might return fewer results").
    pub cap: Option<usize>,
    /// Answer an empty page with a token before each page of items (Connect, Organizations).
    pub empty_pages: bool,
}

#[derive(Default)]
pub(crate) struct Calls {
    pub count: RefCell<HashMap<&'static str, usize>>,
    pub violations: RefCell<Vec<String>>,
    issued: RefCell<HashSet<String>>,
}

impl Calls {
    fn call(
        &self,
        action: &'static str,
        refuse: &[&'static str],
        throttle: &[&'static str],
    ) -> AccessResult<()> {
        *self.count.borrow_mut().entry(action).or_default() += 1;
        if refuse.contains(&action) {
            return Err(AccessError::Denied { action });
        }
        if throttle.contains(&action) {
            return Err(AccessError::Throttled { action });
        }
        Ok(())
    }

    fn violation(&self, action: &'static str, what: String) -> AccessError {
        self.violations
            .borrow_mut()
            .push(format!("{action}: {what}"));
        AccessError::Failed {
            action,
            message: format!("ValidationException: {what}"),
        }
    }

    /// One page of `items` from the position `token` names: (items, next token). An empty page
    /// with a token is answered first when `paging.empty_pages`.
    fn page<T: Clone>(
        &self,
        action: &'static str,
        scope: &str,
        items: &[T],
        token: Option<String>,
        size: u32,
        paging: Paging,
    ) -> AccessResult<(Vec<T>, Option<String>)> {
        let max = max_page_size(action);
        if size == 0 || size > max {
            return Err(self.violation(action, format!("page size {size} outside 1-{max}")));
        }
        let (start, warmed) = match &token {
            None => (0, false),
            Some(t) => {
                if !self.issued.borrow().contains(t) {
                    return Err(self.violation(action, format!("token {t} was never issued")));
                }
                let mut parts = t.rsplitn(3, ':');
                let warmed = parts.next() == Some("data");
                let start = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                (start, warmed)
            }
        };
        if paging.empty_pages && !warmed && start < items.len() {
            return Ok((Vec::new(), Some(self.issue(scope, start, true))));
        }
        let n = (size as usize).min(paging.cap.unwrap_or(usize::MAX));
        let end = (start + n).min(items.len());
        let next = (end < items.len()).then(|| self.issue(scope, end, false));
        Ok((items[start..end].to_vec(), next))
    }

    fn issue(&self, scope: &str, at: usize, data: bool) -> String {
        let t = format!("{scope}:{at}:{}", if data { "data" } else { "warm" });
        self.issued.borrow_mut().insert(t.clone());
        t
    }
}

/// The documented largest page of each listing.
fn max_page_size(action: &str) -> u32 {
    match action {
        "iam:ListRoles" => LIST_ROLES_MAX_ITEMS,
        "connect:ListInstances" => LIST_INSTANCES_MAX_RESULTS,
        "connect:ListUsers" => LIST_USERS_MAX_RESULTS,
        "organizations:ListAccounts" => LIST_ACCOUNTS_MAX_RESULTS,
        _ => 0,
    }
}

/// One account's IAM and Connect.
#[derive(Default)]
pub(crate) struct FakeAccount {
    pub providers: Vec<(SamlProviderEntry, SamlProviderDetail)>,
    pub roles: Vec<RoleEntry>,
    pub instances: Vec<InstanceSummary>,
    /// Instance id → its users.
    pub users: HashMap<String, Vec<UserSummary>>,
    /// Providers ListSAMLProviders lists but GetSAMLProvider no longer finds (deleted between).
    pub vanished: Vec<String>,
    pub refuse: Vec<&'static str>,
    pub throttle: Vec<&'static str>,
    pub iam_paging: Paging,
    pub connect_paging: Paging,
    pub calls: Calls,
}

impl FakeAccount {
    pub fn calls(&self, action: &str) -> usize {
        self.calls.count.borrow().get(action).copied().unwrap_or(0)
    }

    pub fn violations(&self) -> Vec<String> {
        self.calls.violations.borrow().clone()
    }
}

impl IamSource for FakeAccount {
    async fn list_saml_providers(&self) -> AccessResult<Vec<SamlProviderEntry>> {
        self.calls
            .call("iam:ListSAMLProviders", &self.refuse, &self.throttle)?;
        Ok(self.providers.iter().map(|(e, _)| e.clone()).collect())
    }

    async fn get_saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProviderDetail>> {
        self.calls
            .call("iam:GetSAMLProvider", &self.refuse, &self.throttle)?;
        if self.vanished.iter().any(|v| v == arn) {
            return Ok(None);
        }
        Ok(self
            .providers
            .iter()
            .find(|(e, _)| e.arn == arn)
            .map(|(_, d)| d.clone()))
    }

    async fn list_roles(&self, marker: Option<String>, max_items: u32) -> AccessResult<RolePage> {
        const ACTION: &str = "iam:ListRoles";
        self.calls.call(ACTION, &self.refuse, &self.throttle)?;
        // IAM pages have no empty warm-up page: IsTruncated with fewer items is its quirk.
        let paging = Paging {
            empty_pages: false,
            ..self.iam_paging
        };
        let (roles, next) =
            self.calls
                .page(ACTION, "roles", &self.roles, marker, max_items, paging)?;
        Ok(RolePage {
            roles,
            is_truncated: next.is_some(),
            marker: next,
        })
    }
}

impl ConnectSource for FakeAccount {
    async fn list_instances(
        &self,
        next_token: Option<String>,
        max_results: u32,
    ) -> AccessResult<InstancePage> {
        const ACTION: &str = "connect:ListInstances";
        self.calls.call(ACTION, &self.refuse, &self.throttle)?;
        let (instances, next_token) = self.calls.page(
            ACTION,
            "instances",
            &self.instances,
            next_token,
            max_results,
            self.connect_paging,
        )?;
        Ok(InstancePage {
            instances,
            next_token,
        })
    }

    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
        max_results: u32,
    ) -> AccessResult<UserPage> {
        const ACTION: &str = "connect:ListUsers";
        self.calls.call(ACTION, &self.refuse, &self.throttle)?;
        let Some(users) = self.users.get(instance_id) else {
            return Err(AccessError::Failed {
                action: ACTION,
                message: format!("ResourceNotFoundException: instance {instance_id}"),
            });
        };
        let (users, next_token) = self.calls.page(
            ACTION,
            &format!("users-{instance_id}"),
            users,
            next_token,
            max_results,
            self.connect_paging,
        )?;
        Ok(UserPage { users, next_token })
    }
}

/// An organization: its accounts, and the member accounts reachable by AssumeRole.
#[derive(Default)]
pub(crate) struct FakeOrganization {
    pub accounts: Vec<OrganizationAccount>,
    pub members: HashMap<String, std::rc::Rc<FakeAccount>>,
    pub paging: Paging,
    pub refuse: Vec<&'static str>,
    pub calls: Calls,
}

impl OrganizationSource for FakeOrganization {
    async fn list_accounts(
        &self,
        next_token: Option<String>,
        max_results: u32,
    ) -> AccessResult<AccountPage> {
        const ACTION: &str = "organizations:ListAccounts";
        self.calls.call(ACTION, &self.refuse, &[])?;
        let (accounts, next_token) = self.calls.page(
            ACTION,
            "accounts",
            &self.accounts,
            next_token,
            max_results,
            self.paging,
        )?;
        Ok(AccountPage {
            accounts,
            next_token,
        })
    }
}

/// A member account, shared with the test that set it up (to read its counters afterwards).
pub(crate) struct Member(pub std::rc::Rc<FakeAccount>);

impl IamSource for Member {
    async fn list_saml_providers(&self) -> AccessResult<Vec<SamlProviderEntry>> {
        self.0.list_saml_providers().await
    }
    async fn get_saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProviderDetail>> {
        self.0.get_saml_provider(arn).await
    }
    async fn list_roles(&self, marker: Option<String>, max_items: u32) -> AccessResult<RolePage> {
        self.0.list_roles(marker, max_items).await
    }
}

impl ConnectSource for Member {
    async fn list_instances(
        &self,
        next_token: Option<String>,
        max_results: u32,
    ) -> AccessResult<InstancePage> {
        self.0.list_instances(next_token, max_results).await
    }
    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
        max_results: u32,
    ) -> AccessResult<UserPage> {
        self.0
            .list_users(instance_id, next_token, max_results)
            .await
    }
}

impl AccountAssumer for FakeOrganization {
    type Account = Member;

    async fn assume(&self, account: &AccountId) -> AccessResult<Member> {
        self.calls.call("sts:AssumeRole", &self.refuse, &[])?;
        self.members
            .get(account.as_str())
            .cloned()
            .map(Member)
            .ok_or(AccessError::Denied {
                action: "sts:AssumeRole",
            })
    }
}

//! In-memory accounts and organizations for the tests, implementing connect-check's service
//! traits and answering as the API references document: ListRoles answers at most 1,000 roles a
//! page and may answer fewer while more follow; ListInstances at most 10, ListUsers 1,000,
//! ListAccounts 20, and those may answer an empty page with a NextToken; a token the fake did not
//! issue is refused. Every call is counted, a breach is recorded (tests assert there is none) and
//! refused, and calls can be denied or throttled by action. A fake account is a cheap handle:
//! its clones (the sessions an assumed role gets) share its counters.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use connect_check::access::{AccessError, AccessResult};
use connect_check::connect::{
    ConnectApi, Instance, Match, User, UserPage, LIST_INSTANCES_MAX_RESULTS, LIST_USERS_MAX_RESULTS,
};
use connect_check::iam::{
    IamApi, PolicyDocument, Role, SamlProvider, SamlProviderEntry, LIST_ROLES_MAX_ITEMS,
};
use connect_check::organizations::{
    OrganizationAccount, OrganizationLevel, OrganizationsApi, LIST_ACCOUNTS_MAX_RESULTS,
};
use connect_check::paging::Page;
use connect_check::sts::{CallerIdentity, RoleSession, StsApi};
use saml_core::aws::RoleSessionName;

/// How the fake shapes its pages.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Paging {
    /// At most this many items a page, below the documented largest ("IAM might return fewer
    /// results").
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

    /// One page of `items` from the position `token` names, at most the documented largest page
    /// of `action`. An empty page with a token is answered first when `paging.empty_pages`.
    fn page<T: Clone>(
        &self,
        action: &'static str,
        scope: &str,
        items: &[T],
        token: Option<String>,
        paging: Paging,
    ) -> AccessResult<Page<T>> {
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
            return Ok(Page::new(None, Some(&self.issue(scope, start, true))));
        }
        let n = max_page_size(action).min(paging.cap.unwrap_or(usize::MAX));
        let end = (start + n).min(items.len());
        let next = (end < items.len()).then(|| self.issue(scope, end, false));
        Ok(Page::new(items[start..end].to_vec(), next.as_deref()))
    }

    fn issue(&self, scope: &str, at: usize, data: bool) -> String {
        let t = format!("{scope}:{at}:{}", if data { "data" } else { "warm" });
        self.issued.borrow_mut().insert(t.clone());
        t
    }
}

/// The documented largest page of each listing.
fn max_page_size(action: &str) -> usize {
    let max = match action {
        "iam:ListRoles" => LIST_ROLES_MAX_ITEMS,
        "connect:ListInstances" => LIST_INSTANCES_MAX_RESULTS,
        "connect:ListUsers" => LIST_USERS_MAX_RESULTS,
        "organizations:ListAccounts" => LIST_ACCOUNTS_MAX_RESULTS,
        _ => 0,
    };
    usize::try_from(max).unwrap_or(0)
}

/// One account's IAM and Connect.
#[derive(Clone, Default)]
pub(crate) struct FakeAccount {
    pub providers: Vec<(SamlProviderEntry, SamlProvider)>,
    pub roles: Vec<Role>,
    pub instances: Vec<Instance>,
    /// Instance id → its users.
    pub users: HashMap<String, Vec<User>>,
    /// Providers ListSAMLProviders lists but GetSAMLProvider no longer finds (deleted between).
    pub vanished: Vec<String>,
    pub refuse: Vec<&'static str>,
    pub throttle: Vec<&'static str>,
    pub iam_paging: Paging,
    pub connect_paging: Paging,
    pub calls: Rc<Calls>,
}

impl FakeAccount {
    pub fn calls(&self, action: &str) -> usize {
        self.calls.count.borrow().get(action).copied().unwrap_or(0)
    }

    pub fn violations(&self) -> Vec<String> {
        self.calls.violations.borrow().clone()
    }

    fn call(&self, action: &'static str) -> AccessResult<()> {
        self.calls.call(action, &self.refuse, &self.throttle)
    }
}

impl IamApi for FakeAccount {
    async fn saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProvider>> {
        self.call("iam:GetSAMLProvider")?;
        if self.vanished.iter().any(|v| v == arn) {
            return Ok(None);
        }
        Ok(self
            .providers
            .iter()
            .find(|(e, _)| e.arn == arn)
            .map(|(_, p)| p.clone()))
    }

    async fn role(&self, name: &str) -> AccessResult<Option<Role>> {
        self.call("iam:GetRole")?;
        Ok(self
            .roles
            .iter()
            .find(|r| r.arn.rsplit('/').next() == Some(name))
            .cloned())
    }

    // The fake's roles have no permission policies: the audit reads trust policies only.
    async fn inline_policies(&self, _: &str) -> AccessResult<Vec<PolicyDocument>> {
        self.call("iam:ListRolePolicies")?;
        Ok(Vec::new())
    }

    async fn attached_policies(&self, _: &str) -> AccessResult<Vec<PolicyDocument>> {
        self.call("iam:ListAttachedRolePolicies")?;
        Ok(Vec::new())
    }

    async fn managed_policy(&self, _: &str) -> AccessResult<Option<PolicyDocument>> {
        self.call("iam:GetPolicy")?;
        Ok(None)
    }

    async fn list_saml_providers(&self) -> AccessResult<Vec<SamlProviderEntry>> {
        self.call("iam:ListSAMLProviders")?;
        Ok(self.providers.iter().map(|(e, _)| e.clone()).collect())
    }

    async fn list_roles(&self, marker: Option<String>) -> AccessResult<Page<Role>> {
        const ACTION: &str = "iam:ListRoles";
        self.call(ACTION)?;
        // IAM pages have no empty warm-up page: IsTruncated with fewer items is its quirk.
        let paging = Paging {
            empty_pages: false,
            ..self.iam_paging
        };
        self.calls
            .page(ACTION, "roles", &self.roles, marker, paging)
    }
}

impl ConnectApi for FakeAccount {
    async fn describe_instance(&self, instance_id: &str) -> AccessResult<Option<Instance>> {
        self.call("connect:DescribeInstance")?;
        Ok(self.instances.iter().find(|i| i.id == instance_id).cloned())
    }

    async fn search_users(
        &self,
        instance_id: &str,
        username: &str,
        how: Match,
        _: Option<String>,
    ) -> AccessResult<UserPage> {
        self.call("connect:SearchUsers")?;
        let found = self
            .users
            .get(instance_id)
            .into_iter()
            .flatten()
            .filter(|u| match how {
                Match::Exact => u.username == username,
                Match::Contains => u.username.contains(username),
            })
            .take(500)
            .cloned();
        Ok(Page::new(found, None))
    }

    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        const ACTION: &str = "connect:ListUsers";
        self.call(ACTION)?;
        let Some(users) = self.users.get(instance_id) else {
            return Err(AccessError::Failed {
                action: ACTION,
                message: format!("ResourceNotFoundException: instance {instance_id}"),
            });
        };
        self.calls.page(
            ACTION,
            &format!("users-{instance_id}"),
            users,
            next_token,
            self.connect_paging,
        )
    }

    async fn list_instances(&self, next_token: Option<String>) -> AccessResult<Page<Instance>> {
        const ACTION: &str = "connect:ListInstances";
        self.call(ACTION)?;
        self.calls.page(
            ACTION,
            "instances",
            &self.instances,
            next_token,
            self.connect_paging,
        )
    }
}

/// An organization: its accounts, and the member accounts reachable by AssumeRole.
#[derive(Default)]
pub(crate) struct FakeOrganization {
    pub accounts: Vec<OrganizationAccount>,
    pub members: HashMap<String, FakeAccount>,
    pub paging: Paging,
    pub refuse: Vec<&'static str>,
    pub calls: Calls,
    /// The role ARNs and session names AssumeRole was asked for.
    pub assumed: RefCell<Vec<(String, String)>>,
}

impl OrganizationsApi for FakeOrganization {
    async fn service_control_policies(&self, _: &str) -> AccessResult<Vec<OrganizationLevel>> {
        self.calls
            .call("organizations:ListPoliciesForTarget", &self.refuse, &[])?;
        Ok(Vec::new())
    }

    async fn list_accounts(
        &self,
        next_token: Option<String>,
    ) -> AccessResult<Page<OrganizationAccount>> {
        const ACTION: &str = "organizations:ListAccounts";
        self.calls.call(ACTION, &self.refuse, &[])?;
        self.calls
            .page(ACTION, "accounts", &self.accounts, next_token, self.paging)
    }
}

impl StsApi for FakeOrganization {
    type Iam = FakeAccount;
    type Connect = FakeAccount;

    async fn caller_identity(&self) -> AccessResult<CallerIdentity> {
        self.calls
            .call("sts:GetCallerIdentity", &self.refuse, &[])?;
        Ok(CallerIdentity {
            account: "999999999999".into(),
            arn: "arn:aws-us-gov:iam::999999999999:user/auditor".into(),
        })
    }

    async fn assume_role(
        &self,
        role_arn: &str,
        session_name: &RoleSessionName,
    ) -> AccessResult<RoleSession<FakeAccount, FakeAccount>> {
        const ACTION: &str = "sts:AssumeRole";
        self.calls.call(ACTION, &self.refuse, &[])?;
        self.assumed
            .borrow_mut()
            .push((role_arn.to_owned(), session_name.to_string()));
        let account = role_arn.split(':').nth(4).unwrap_or_default();
        // AWS answers AccessDenied whether the role is missing or does not trust the caller.
        let member = self
            .members
            .get(account)
            .ok_or(AccessError::Denied { action: ACTION })?;
        Ok(RoleSession {
            iam: member.clone(),
            connect: member.clone(),
        })
    }
}

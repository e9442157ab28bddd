//! An account that remembers the SAML providers it read, so the checks' answer also serves as
//! the trust anchor for the signature, with no second call.

use std::cell::RefCell;

use connect_check::account::{
    AccessResult, Account, Instance, Match, OrganizationLevel, PolicyDocument, Role, SamlProvider,
    UserPage,
};

/// the trust anchor for the signature, with no second call.
pub(crate) struct Remembering<A> {
    inner: A,
    providers: RefCell<Vec<(String, SamlProvider)>>,
}

impl<A: Account> Remembering<A> {
    pub(crate) fn new(inner: A) -> Self {
        Self {
            inner,
            providers: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn remembered(&self, arn: &str) -> Option<SamlProvider> {
        self.providers
            .borrow()
            .iter()
            .find(|(a, _)| a == arn)
            .map(|(_, p)| p.clone())
    }
}

impl<A: Account> Account for Remembering<A> {
    async fn describe_instance(&self, id: &str) -> AccessResult<Option<Instance>> {
        self.inner.describe_instance(id).await
    }
    async fn search_users(
        &self,
        instance_id: &str,
        value: &str,
        how: Match,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        self.inner
            .search_users(instance_id, value, how, next_token)
            .await
    }
    async fn saml_provider(&self, arn: &str) -> AccessResult<Option<SamlProvider>> {
        if let Some(p) = self.remembered(arn) {
            return Ok(Some(p));
        }
        let p = self.inner.saml_provider(arn).await?;
        if let Some(p) = &p {
            self.providers
                .borrow_mut()
                .push((arn.to_owned(), p.clone()));
        }
        Ok(p)
    }
    async fn role(&self, name: &str) -> AccessResult<Option<Role>> {
        self.inner.role(name).await
    }
    async fn inline_policies(&self, role: &str) -> AccessResult<Vec<PolicyDocument>> {
        self.inner.inline_policies(role).await
    }
    async fn attached_policies(&self, role: &str) -> AccessResult<Vec<PolicyDocument>> {
        self.inner.attached_policies(role).await
    }
    async fn list_users(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> AccessResult<UserPage> {
        self.inner.list_users(instance_id, next_token).await
    }
    async fn managed_policy(&self, arn: &str) -> AccessResult<Option<PolicyDocument>> {
        self.inner.managed_policy(arn).await
    }
    async fn organization_policies(
        &self,
        account_id: &str,
    ) -> AccessResult<Vec<OrganizationLevel>> {
        self.inner.organization_policies(account_id).await
    }
}

//! IAM that remembers the SAML providers it read, so the checks' answer also serves as
//! the trust anchor for the signature, with no second call.

use std::cell::RefCell;

use connect_check::access::AccessResult;
use connect_check::iam::{IamApi, PolicyDocument, Role, SamlProvider};

/// the trust anchor for the signature, with no second call.
pub(crate) struct Remembering<A> {
    inner: A,
    providers: RefCell<Vec<(String, SamlProvider)>>,
}

impl<A: IamApi> Remembering<A> {
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

impl<A: IamApi> IamApi for Remembering<A> {
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
    async fn managed_policy(&self, arn: &str) -> AccessResult<Option<PolicyDocument>> {
        self.inner.managed_policy(arn).await
    }
}

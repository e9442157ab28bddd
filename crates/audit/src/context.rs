//! The account a finding is about, and the one way findings are made here: every one names the
//! account and the resource's ARN (evidence `account` and `resource`, in that order), and a call
//! that did not answer becomes a `check_skipped` naming the refused call.

use std::fmt;

use saml_core::aws::{AccountId, Partition};
use saml_core::{Check, Code, Finding};

use connect_check::access::AccessError;

/// The account being audited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountContext {
    /// Its id.
    pub id: AccountId,
    /// Its partition (`aws`, `aws-us-gov`, `aws-cn`): where its sign-in endpoints are.
    pub partition: Partition,
}

impl AccountContext {
    /// The account `id` in `partition`.
    pub fn new(id: AccountId, partition: Partition) -> Self {
        Self { id, partition }
    }

    /// `arn:<partition>:iam::<account>:root`: the resource of a finding about the whole account.
    pub fn root_arn(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition, self.id)
    }

    /// A finding of `code` about `resource`.
    pub(crate) fn finding(&self, code: Code, resource: &str, detail: impl Into<String>) -> Finding {
        Finding::new(code, detail)
            .with("account", self.id.as_str())
            .with("resource", resource)
    }

    /// A check that could not run on `resource`, and why.
    pub(crate) fn skipped(&self, check: Check, resource: &str, why: impl fmt::Display) -> Finding {
        Finding::skipped(check, format!("account {}: {why}", self.id))
            .with("account", self.id.as_str())
            .with("resource", resource)
    }

    /// A call that did not answer: `check_skipped` naming the call (`refused_call`) and, when
    /// the audit's credentials were refused, the permission to grant (`missing_permission`).
    pub(crate) fn refused(
        &self,
        check: Check,
        resource: &str,
        error: &AccessError,
        consequence: &str,
    ) -> Finding {
        let mut f = self
            .skipped(check, resource, format!("{error}; {consequence}"))
            .with("refused_call", action_of(error));
        if let AccessError::Denied { action } = error {
            f = f.with("missing_permission", *action);
        }
        f
    }
}

/// The IAM action of a call that did not answer.
pub fn action_of(error: &AccessError) -> &'static str {
    match error {
        AccessError::Denied { action }
        | AccessError::Throttled { action }
        | AccessError::Failed { action, .. } => action,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_name_account_and_resource_and_refusals_name_the_call() {
        let ctx = AccountContext::new(
            AccountId::parse("111122223333").unwrap(),
            Partition::AwsUsGov,
        );
        assert_eq!(ctx.root_arn(), "arn:aws-us-gov:iam::111122223333:root");
        let f = ctx.finding(Code::IamProviderExpired, "arn:x", "d");
        let keys: Vec<&str> = f.evidence.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["account", "resource"]);
        let f = ctx.refused(
            Check::IamProvider,
            "arn:x",
            &AccessError::Denied {
                action: "iam:ListSAMLProviders",
            },
            "the providers were not audited",
        );
        assert_eq!(f.code, Code::CheckSkipped);
        assert_eq!(f.evidence.get("account"), Some("111122223333"));
        assert_eq!(
            f.evidence.get("refused_call"),
            Some("iam:ListSAMLProviders")
        );
        assert_eq!(
            f.evidence.get("missing_permission"),
            Some("iam:ListSAMLProviders")
        );
        assert!(f.detail.contains("account 111122223333"), "{}", f.detail);
        let throttled = ctx.refused(
            Check::ConnectUser,
            "arn:x",
            &AccessError::Throttled {
                action: "connect:ListUsers",
            },
            "",
        );
        assert_eq!(
            throttled.evidence.get("refused_call"),
            Some("connect:ListUsers")
        );
        assert_eq!(throttled.evidence.get("missing_permission"), None);
    }
}

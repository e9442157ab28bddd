//! What the evaluator is asked: an action on a resource, by a principal, with the request
//! context that conditions and policy variables read.

use std::collections::HashMap;

/// What is being asked: an action on a resource, by a principal, with request context.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The action, e.g. `connect:GetFederationToken` (compared without regard to case).
    pub action: String,
    /// Empty for trust policies (no resource).
    pub resource: String,
    /// (type, value): `("Federated", "arn:aws:iam::…:saml-provider/X")`.
    pub principal: Option<(String, String)>,
    /// Context keys (case-insensitive) and their values.
    context: HashMap<String, Vec<String>>,
}

impl Request {
    /// `action` on `resource` (empty for a trust policy), with no principal or context yet.
    pub fn new(action: &str, resource: &str) -> Self {
        Self {
            action: action.to_owned(),
            resource: resource.to_owned(),
            ..Self::default()
        }
    }

    /// Made by the principal `value` of type `kind` (`Federated`, `AWS`, `Service`).
    pub fn principal(mut self, kind: &str, value: &str) -> Self {
        self.principal = Some((kind.to_owned(), value.to_owned()));
        self
    }

    /// With the context key `key` set to `values` (a single-valued key has one).
    pub fn context(mut self, key: &str, values: &[&str]) -> Self {
        self.context.insert(
            key.to_ascii_lowercase(),
            values.iter().map(|v| v.to_string()).collect(),
        );
        self
    }

    pub(super) fn get(&self, key: &str) -> Option<&[String]> {
        self.context
            .get(&key.to_ascii_lowercase())
            .map(Vec::as_slice)
    }
}

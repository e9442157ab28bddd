//! A small, strict evaluator of IAM policy documents, for the questions saml-doctor asks: may
//! this role call `connect:GetFederationToken` on this Connect user (its identity policies, its
//! permissions boundary, the organization's service control policies), and does this role's
//! trust policy let this SAML provider assume it?
//!
//! It implements what those questions need and says so when it meets anything else: explicit
//! Deny wins over Allow; Action/NotAction, Resource/NotResource and Principal/NotPrincipal with
//! `*` and `?` wildcards; policy variables (`${aws:userid}`, `${saml:sub}`, `${*}`…); the
//! string, ARN, Bool and Null condition operators with `IfExists` and `ForAnyValue:`/
//! `ForAllValues:`. A condition operator it does not know makes the statement's outcome
//! [`Decision::Unknown`], never a silent pass or fail. It evaluates the policies it is given
//! together, as one principal's; combining kinds (a boundary, each SCP level) is the caller's.
//!
//! By concern: [`parse`](Policy::parse) reads a document, [`Request`] is what is asked,
//! matching (wildcards, variables, principals) and conditions decide whether a statement
//! applies, and [`evaluate`] reaches the decision.

mod conditions;
mod evaluate;
mod matching;
mod parse;
mod request;
#[cfg(test)]
mod tests;

pub use evaluate::{allowed_resources, evaluate, Decision};
pub use matching::wildcard_match;
pub use parse::{Condition, Effect, Patterns, Policy, PolicyError, Principals, Statement};
pub use request::Request;

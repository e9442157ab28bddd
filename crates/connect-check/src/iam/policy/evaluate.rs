//! Evaluation: which statements apply to a request, and the decision IAM would reach from them
//! (an explicit Deny wins, then an Allow, else the implicit deny), with what could not be
//! decided named rather than guessed.

use std::fmt;

use super::conditions::{condition_holds, Truth};
use super::matching::{patterns_match, principal_matches};
use super::parse::{Effect, Patterns, Policy, Statement};
use super::request::Request;

/// The outcome of evaluating policies for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed by these statements (`policy/statement`), and no Deny applies.
    Allow(Vec<String>),
    /// Denied explicitly by these statements.
    ExplicitDeny(Vec<String>),
    /// No statement allows it.
    ImplicitDeny,
    /// The outcome hangs on something the evaluator does not understand (named).
    Unknown(Vec<String>),
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Allow(by) => write!(f, "allowed by {}", by.join(", ")),
            Decision::ExplicitDeny(by) => write!(f, "denied explicitly by {}", by.join(", ")),
            Decision::ImplicitDeny => f.write_str("not allowed by any statement"),
            Decision::Unknown(why) => write!(f, "cannot be decided: {}", why.join("; ")),
        }
    }
}

/// Whether a statement applies to the request.
fn statement_applies(s: &Statement, request: &Request) -> Truth {
    if !patterns_match(&s.actions, &request.action, true, request) {
        return Truth::No;
    }
    if !request.resource.is_empty()
        && !patterns_match(&s.resources, &request.resource, false, request)
    {
        return Truth::No;
    }
    if !principal_matches(s, request) {
        return Truth::No;
    }
    let mut unknown = None;
    for c in &s.conditions {
        match condition_holds(c, request) {
            Truth::No => return Truth::No,
            Truth::Unknown(why) => unknown = Some(why),
            Truth::Yes => {}
        }
    }
    match unknown {
        Some(why) => Truth::Unknown(why),
        None => Truth::Yes,
    }
}

/// Evaluates identity or trust policies together, as IAM does for one principal.
pub fn evaluate(policies: &[Policy], request: &Request) -> Decision {
    let (mut allows, mut denies, mut unknown_allows, mut unknown_denies) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in policies {
        for s in &p.statements {
            let id = format!("{}/{}", p.name, s.id);
            match (statement_applies(s, request), s.effect) {
                (Truth::Yes, Effect::Allow) => allows.push(id),
                (Truth::Yes, Effect::Deny) => denies.push(id),
                (Truth::Unknown(why), Effect::Allow) => unknown_allows.push(format!("{id}: {why}")),
                (Truth::Unknown(why), Effect::Deny) => unknown_denies.push(format!("{id}: {why}")),
                (Truth::No, _) => {}
            }
        }
    }
    if !denies.is_empty() {
        Decision::ExplicitDeny(denies)
    } else if !unknown_denies.is_empty() && (!allows.is_empty() || !unknown_allows.is_empty()) {
        Decision::Unknown(unknown_denies)
    } else if !allows.is_empty() {
        Decision::Allow(allows)
    } else if !unknown_allows.is_empty() {
        Decision::Unknown(unknown_allows)
    } else {
        Decision::ImplicitDeny
    }
}

/// The resources on which some Allow statement grants `action`, as written (for "allowed, but
/// on another instance").
pub fn allowed_resources(policies: &[Policy], action: &str) -> Vec<String> {
    let request = Request::new(action, "");
    policies
        .iter()
        .flat_map(|p| &p.statements)
        .filter(|s| s.effect == Effect::Allow && patterns_match(&s.actions, action, true, &request))
        .flat_map(|s| match &s.resources {
            Patterns::Any(list) => list.clone(),
            Patterns::NoneOf(list) => list.iter().map(|r| format!("everything but {r}")).collect(),
            Patterns::Absent => Vec::new(),
        })
        .collect()
}

//! A small, strict evaluator of IAM policy documents, for the two questions saml-doctor asks:
//! may this role call `connect:GetFederationToken` on this Connect user, and does this role's
//! trust policy let this SAML provider assume it?
//!
//! It implements what those questions need and says so when it meets anything else: explicit
//! Deny wins over Allow; Action/NotAction, Resource/NotResource and Principal/NotPrincipal with
//! `*` and `?` wildcards; policy variables (`${aws:userid}`, `${saml:sub}`, `${*}`…); the
//! string, ARN, Bool and Null condition operators with `IfExists` and `ForAnyValue:`/
//! `ForAllValues:`. A condition operator it does not know makes the statement's outcome
//! [`Decision::Unknown`], never a silent pass or fail. Permission boundaries, SCPs and session
//! policies are outside a policy document and are not evaluated.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

/// Why a policy document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an IAM policy document: {0}")]
pub struct PolicyError(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A list of patterns, or its negation (`NotAction`, `NotResource`, `NotPrincipal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patterns {
    Any(Vec<String>),
    NoneOf(Vec<String>),
    /// The element is absent (Resource in a trust policy).
    Absent,
}

/// `Principal` of a statement: `*`, or values by type (`AWS`, `Federated`, `Service`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    Absent,
    Any,
    ByType(Vec<(String, Vec<String>)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// As written, e.g. `ForAnyValue:StringLike` or `StringEqualsIfExists`.
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The Sid, or `#<n>` (position from 1) when there is none.
    pub id: String,
    pub effect: Effect,
    pub actions: Patterns,
    pub resources: Patterns,
    pub principals: Principals,
    pub not_principal: bool,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Where the policy came from (its name), for findings.
    pub name: String,
    pub statements: Vec<Statement>,
}

fn strings(v: &Value, what: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                Value::Bool(b) => Ok(b.to_string()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(PolicyError(format!("{what} holds a non-string value"))),
            })
            .collect(),
        Value::Bool(b) => Ok(vec![b.to_string()]),
        Value::Number(n) => Ok(vec![n.to_string()]),
        _ => Err(PolicyError(format!(
            "{what} is neither a string nor a list of strings"
        ))),
    }
}

fn patterns(
    obj: &serde_json::Map<String, Value>,
    name: &str,
    not_name: &str,
) -> Result<Patterns, PolicyError> {
    match (obj.get(name), obj.get(not_name)) {
        (Some(_), Some(_)) => Err(PolicyError(format!(
            "a statement has both {name} and {not_name}"
        ))),
        (Some(v), None) => Ok(Patterns::Any(strings(v, name)?)),
        (None, Some(v)) => Ok(Patterns::NoneOf(strings(v, not_name)?)),
        (None, None) => Ok(Patterns::Absent),
    }
}

fn principals(v: Option<&Value>) -> Result<Principals, PolicyError> {
    match v {
        None => Ok(Principals::Absent),
        Some(Value::String(s)) if s == "*" => Ok(Principals::Any),
        Some(Value::Object(map)) => Ok(Principals::ByType(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), strings(v, "Principal")?)))
                .collect::<Result<_, PolicyError>>()?,
        )),
        Some(_) => Err(PolicyError(
            "Principal is neither \"*\" nor an object".into(),
        )),
    }
}

impl Policy {
    /// Parses a policy document (as IAM returns it, after URL-decoding).
    pub fn parse(name: &str, json: &str) -> Result<Self, PolicyError> {
        let doc: Value = serde_json::from_str(json).map_err(|e| PolicyError(e.to_string()))?;
        let statements = match doc.get("Statement") {
            Some(Value::Array(items)) => items.clone(),
            Some(one @ Value::Object(_)) => vec![one.clone()],
            _ => return Err(PolicyError("it has no Statement".into())),
        };
        let statements = statements
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let obj = s
                    .as_object()
                    .ok_or_else(|| PolicyError(format!("statement {} is not an object", i + 1)))?;
                let effect = match obj.get("Effect").and_then(Value::as_str) {
                    Some("Allow") => Effect::Allow,
                    Some("Deny") => Effect::Deny,
                    other => {
                        return Err(PolicyError(format!(
                            "statement {} has Effect {other:?}",
                            i + 1
                        )))
                    }
                };
                let mut conditions = Vec::new();
                if let Some(cond) = obj.get("Condition") {
                    let cond = cond
                        .as_object()
                        .ok_or_else(|| PolicyError("Condition is not an object".into()))?;
                    for (operator, keys) in cond {
                        let keys = keys.as_object().ok_or_else(|| {
                            PolicyError(format!("Condition {operator} is not an object"))
                        })?;
                        for (key, values) in keys {
                            conditions.push(Condition {
                                operator: operator.clone(),
                                key: key.clone(),
                                values: strings(values, "a condition value")?,
                            });
                        }
                    }
                }
                let not_principal = obj.contains_key("NotPrincipal");
                Ok(Statement {
                    id: obj
                        .get("Sid")
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("#{}", i + 1)),
                    effect,
                    actions: patterns(obj, "Action", "NotAction")?,
                    resources: patterns(obj, "Resource", "NotResource")?,
                    principals: principals(
                        obj.get("Principal").or_else(|| obj.get("NotPrincipal")),
                    )?,
                    not_principal,
                    conditions,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            name: name.to_owned(),
            statements,
        })
    }
}

/// What is being asked: an action on a resource, by a principal, with request context.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub action: String,
    /// Empty for trust policies (no resource).
    pub resource: String,
    /// (type, value): `("Federated", "arn:aws:iam::…:saml-provider/X")`.
    pub principal: Option<(String, String)>,
    /// Context keys (case-insensitive) and their values.
    context: HashMap<String, Vec<String>>,
}

impl Request {
    pub fn new(action: &str, resource: &str) -> Self {
        Self {
            action: action.to_owned(),
            resource: resource.to_owned(),
            ..Self::default()
        }
    }

    pub fn principal(mut self, kind: &str, value: &str) -> Self {
        self.principal = Some((kind.to_owned(), value.to_owned()));
        self
    }

    pub fn context(mut self, key: &str, values: &[&str]) -> Self {
        self.context.insert(
            key.to_ascii_lowercase(),
            values.iter().map(|v| v.to_string()).collect(),
        );
        self
    }

    fn get(&self, key: &str) -> Option<&[String]> {
        self.context
            .get(&key.to_ascii_lowercase())
            .map(Vec::as_slice)
    }
}

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

/// Three-valued truth for statements whose conditions may not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Truth {
    Yes,
    No,
    Unknown(String),
}

// After substitution, `*` and `?` that must match literally (from `${*}`, `${?}` or a
// variable's value) are carried as these private-use characters.
const LITERAL_STAR: char = '\u{E000}';
const LITERAL_QUESTION: char = '\u{E001}';

fn literal(value: &str) -> String {
    value
        .replace('*', &LITERAL_STAR.to_string())
        .replace('?', &LITERAL_QUESTION.to_string())
}

fn unliteral(pattern: &str) -> String {
    pattern
        .replace(LITERAL_STAR, "*")
        .replace(LITERAL_QUESTION, "?")
}

/// Matches `value` against an IAM pattern with `*` (any run) and `?` (one character).
pub fn wildcard_match(pattern: &str, value: &str, ignore_case: bool) -> bool {
    let (p, v): (Vec<char>, Vec<char>) = if ignore_case {
        (
            pattern.to_lowercase().chars().collect(),
            value.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), value.chars().collect())
    };
    let same = |pc: char, vc: char| {
        pc == vc || (pc == LITERAL_STAR && vc == '*') || (pc == LITERAL_QUESTION && vc == '?')
    };
    // Iterative glob matching with backtracking to the last `*`: linear in practice.
    let (mut pi, mut vi) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || same(p[pi], v[vi])) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = vi;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            vi = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Replaces policy variables in a Resource or condition value; what they insert matches
/// literally. `None` when a variable has no value in the request (IAM then treats the element
/// as not matching).
fn substitute(text: &str, request: &Request) -> Option<String> {
    if !text.contains("${") {
        return Some(text.to_owned());
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let inner = &after[..end];
        // `${key, 'default'}`
        let (key, default) = match inner.split_once(',') {
            Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_owned())),
            None => (inner.trim(), None),
        };
        let value = match key {
            "*" => Some(LITERAL_STAR.to_string()),
            "?" => Some(LITERAL_QUESTION.to_string()),
            "$" => Some("$".to_owned()),
            _ => request
                .get(key)
                .and_then(|v| v.first().cloned())
                .or(default)
                .map(|v| literal(&v)),
        }?;
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn patterns_match(patterns: &Patterns, value: &str, ignore_case: bool, request: &Request) -> bool {
    let any = |list: &[String]| {
        list.iter()
            .any(|p| substitute(p, request).is_some_and(|p| wildcard_match(&p, value, ignore_case)))
    };
    match patterns {
        Patterns::Any(list) => any(list),
        Patterns::NoneOf(list) => !any(list),
        Patterns::Absent => true,
    }
}

fn principal_matches(statement: &Statement, request: &Request) -> bool {
    let matched = match (&statement.principals, &request.principal) {
        (Principals::Absent, _) => true,
        (Principals::Any, _) => true,
        (Principals::ByType(_), None) => false,
        (Principals::ByType(types), Some((kind, value))) => types.iter().any(|(t, values)| {
            t == kind
                && values
                    .iter()
                    .any(|p| p == "*" || wildcard_match(p, value, false))
        }),
    };
    if statement.not_principal {
        !matched
    } else {
        matched
    }
}

const KNOWN_BASE_OPERATORS: [&str; 14] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Bool",
    "Null",
    "StringEqualsIfExists",
    "StringLikeIfExists",
];

fn condition_holds(c: &Condition, request: &Request) -> Truth {
    let (set_op, rest) = match c.operator.split_once(':') {
        Some((q @ ("ForAnyValue" | "ForAllValues"), op)) => (Some(q), op),
        Some(_) => {
            return Truth::Unknown(format!(
                "the condition operator `{}` is not understood",
                c.operator
            ))
        }
        None => (None, c.operator.as_str()),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    if !KNOWN_BASE_OPERATORS.contains(&base) {
        return Truth::Unknown(format!(
            "the condition operator `{}` on {} is not understood",
            c.operator, c.key
        ));
    }
    let present = request.get(&c.key);
    if base == "Null" {
        let wants_null = c.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        return if present.is_none() == wants_null {
            Truth::Yes
        } else {
            Truth::No
        };
    }
    let Some(actual) = present else {
        // A missing key: IfExists holds; a negated operator holds; anything else fails.
        let negated = base.contains("Not");
        return if if_exists || negated || set_op == Some("ForAllValues") {
            Truth::Yes
        } else {
            Truth::No
        };
    };
    let mut patterns = Vec::new();
    for v in &c.values {
        match substitute(v, request) {
            Some(s) => patterns.push(s),
            None => return Truth::No,
        }
    }
    // Equality operators compare text: wildcard characters in them are plain characters.
    let expected: Vec<String> = patterns.iter().map(|p| unliteral(p)).collect();
    let one = |value: &str| -> bool {
        let positive = match base {
            "StringEquals" | "StringNotEquals" | "ArnEquals" | "ArnNotEquals" => {
                expected.iter().any(|e| e == value)
            }
            "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => {
                expected.iter().any(|e| e.eq_ignore_ascii_case(value))
            }
            "StringLike" | "StringNotLike" | "ArnLike" | "ArnNotLike" => {
                patterns.iter().any(|p| wildcard_match(p, value, false))
            }
            "Bool" => expected.iter().any(|e| e.eq_ignore_ascii_case(value)),
            _ => false,
        };
        if base.contains("Not") {
            !positive
        } else {
            positive
        }
    };
    let holds = match set_op {
        Some("ForAllValues") => actual.iter().all(|v| one(v)),
        // Single-valued keys behave like ForAnyValue.
        _ => actual.iter().any(|v| one(v)),
    };
    if holds {
        Truth::Yes
    } else {
        Truth::No
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

#[cfg(test)]
mod tests {
    use super::*;

    const INSTANCE: &str =
        "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const USERID: &str = "AROAEXAMPLEID123:jane.doe@contoso.com";

    fn federation_request() -> Request {
        Request::new(
            "connect:GetFederationToken",
            &format!("{INSTANCE}/user/{USERID}"),
        )
        .context("aws:userid", &[USERID])
        .context(
            "connect:InstanceId",
            &["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"],
        )
        .context("aws:PrincipalTag/team", &["support"])
    }

    fn decide(statements: &str) -> Decision {
        let doc = format!(r#"{{"Version": "2012-10-17", "Statement": {statements}}}"#);
        evaluate(&[Policy::parse("p", &doc).unwrap()], &federation_request())
    }

    fn allowed(statements: &str) -> bool {
        matches!(decide(statements), Decision::Allow(_))
    }

    /// (statements, allowed?) — the table the issue asks for.
    const TABLE: &[(&str, bool)] = &[
        // The seed's policy, exactly.
        (
            r#"[{"Sid": "Statement1", "Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": ["arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"]}]"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:*", "Resource": "*"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:Get*", "Resource": "*"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "CONNECT:getfederationtoken", "Resource": "*"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationT?ken", "Resource": "*"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationTokens", "Resource": "*"}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": ["connect:ListUsers", "connect:GetFederationToken"], "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/*"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:*:*:instance/*/user/*"}"#,
            true,
        ),
        // Wrong instance, region, account.
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:999999999999:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:userid}"}"#,
            false,
        ),
        // The seed's placeholder left in.
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "**YOUR ARN**/user/${aws:userid}"}"#,
            false,
        ),
        // Variables.
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:username}"}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/${aws:username, 'AROAEXAMPLEID123:jane.doe@contoso.com'}"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/AROAEXAMPLEID123:${*}"}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/user/AROAEXAMPLEID123:*"}"#,
            true,
        ),
        // Deny wins.
        (
            r#"[{"Effect": "Allow", "Action": "connect:*", "Resource": "*"}, {"Effect": "Deny", "Action": "connect:GetFederationToken", "Resource": "*"}]"#,
            false,
        ),
        (
            r#"[{"Effect": "Allow", "Action": "connect:*", "Resource": "*"}, {"Effect": "Deny", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:*:*:instance/ffffffff-*"}]"#,
            true,
        ),
        // NotAction, NotResource.
        (
            r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "NotAction": "connect:*", "Resource": "*"}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "NotResource": "arn:aws:connect:*:*:instance/ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d/*"}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "NotResource": "arn:aws:connect:us-east-1:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/*"}"#,
            false,
        ),
        (
            r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "NotAction": "connect:GetFederationToken", "Resource": "*"}]"#,
            true,
        ),
        // connect:InstanceId conditions on Resource "*".
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"connect:InstanceId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}}}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"connect:InstanceId": ["ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]}}}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"connect:InstanceId": "ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}}}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringLike": {"CONNECT:instanceid": "0a1b2c3d-*"}}}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringNotEquals": {"connect:InstanceId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}}}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}"#,
            false,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"Null": {"aws:SourceVpc": "true"}}}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "support"}}}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": ["sales", "support"]}}}"#,
            true,
        ),
        (
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"StringEquals": {"connect:InstanceId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "aws:PrincipalTag/team": "sales"}}}"#,
            false,
        ),
    ];

    #[test]
    fn policy_table() {
        assert!(TABLE.len() >= 30);
        for (i, (statements, expected)) in TABLE.iter().enumerate() {
            assert_eq!(
                allowed(statements),
                *expected,
                "row {i}: {statements} -> {}",
                decide(statements)
            );
        }
    }

    #[test]
    fn unknown_condition_operators_are_reported_not_guessed() {
        let d = decide(
            r#"{"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}"#,
        );
        assert!(
            matches!(&d, Decision::Unknown(why) if why[0].contains("DateLessThan")),
            "{d}"
        );
        let d = decide(
            r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]"#,
        );
        assert!(
            matches!(&d, Decision::Unknown(why) if why[0].contains("IpAddress")),
            "a Deny that may apply makes the Allow uncertain: {d}"
        );
        // An unknown condition on a statement that does not apply anyway does not matter.
        let d = decide(
            r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]"#,
        );
        assert!(matches!(d, Decision::Allow(_)), "{d}");
    }

    #[test]
    fn explicit_deny_names_the_statement() {
        let d = decide(
            r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "NoFederation", "Effect": "Deny", "Action": "connect:GetFederationToken", "Resource": "*"}]"#,
        );
        assert_eq!(d, Decision::ExplicitDeny(vec!["p/NoFederation".into()]));
    }

    #[test]
    fn trust_policy_for_saml() {
        let trust = Policy::parse(
            "trust",
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/AzureAD"},
                "Action": "sts:AssumeRoleWithSAML", "Condition": {"StringEquals": {"SAML:aud": ["https://signin.aws.amazon.com/saml", "https://us-east-1.signin.aws.amazon.com/saml"]}}}]}"#,
        )
        .unwrap();
        let ask = |provider: &str, aud: &str| {
            evaluate(
                std::slice::from_ref(&trust),
                &Request::new("sts:AssumeRoleWithSAML", "")
                    .principal("Federated", provider)
                    .context("saml:aud", &[aud]),
            )
        };
        let provider = "arn:aws:iam::123456789012:saml-provider/AzureAD";
        assert!(matches!(
            ask(provider, "https://signin.aws.amazon.com/saml"),
            Decision::Allow(_)
        ));
        assert!(matches!(
            ask(provider, "https://us-east-1.signin.aws.amazon.com/saml"),
            Decision::Allow(_)
        ));
        assert_eq!(
            ask(provider, "https://eu-west-2.signin.aws.amazon.com/saml"),
            Decision::ImplicitDeny
        );
        assert_eq!(
            ask(
                "arn:aws:iam::123456789012:saml-provider/Okta",
                "https://signin.aws.amazon.com/saml"
            ),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("a*c", "abbbc", false));
        assert!(wildcard_match("*", "", false));
        assert!(wildcard_match("a?c", "abc", false));
        assert!(!wildcard_match("a?c", "ac", false));
        assert!(!wildcard_match("abc", "ABC", false));
        assert!(wildcard_match("abc", "ABC", true));
        assert!(wildcard_match("*:*:*", "a:b:c", false));
        assert!(!wildcard_match(&"a*".repeat(20), &"a".repeat(19), false));
    }

    #[test]
    fn finds_where_an_allow_points_instead() {
        let p = Policy::parse("p", r#"{"Statement": {"Effect": "Allow", "Action": "connect:GetFederationToken", "Resource": "arn:aws:connect:eu-west-2:123456789012:instance/x/user/${aws:userid}"}}"#).unwrap();
        assert_eq!(
            allowed_resources(&[p], "connect:GetFederationToken"),
            ["arn:aws:connect:eu-west-2:123456789012:instance/x/user/${aws:userid}"]
        );
    }

    #[test]
    fn refuses_what_is_not_a_policy() {
        for bad in [
            "",
            "[]",
            r#"{"Statement": [{"Effect": "Maybe", "Action": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*"}]}"#,
        ] {
            assert!(Policy::parse("p", bad).is_err(), "{bad}");
        }
    }
}

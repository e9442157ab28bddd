//! Reading a policy document: the JSON IAM returns (after URL-decoding) into statements, each
//! with its effect, its action, resource and principal patterns, and its conditions. Anything
//! that is not a policy document is an error, never a policy that matches nothing.

use serde_json::Value;

/// Why a policy document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an IAM policy document: {0}")]
pub struct PolicyError(String);

/// What a statement does to the calls it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `"Effect": "Allow"`.
    Allow,
    /// `"Effect": "Deny"`: wins over every Allow.
    Deny,
}

/// A list of patterns, or its negation (`NotAction`, `NotResource`, `NotPrincipal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patterns {
    /// `Action`, `Resource`: a value matching any of these.
    Any(Vec<String>),
    /// `NotAction`, `NotResource`: a value matching none of these.
    NoneOf(Vec<String>),
    /// The element is absent (Resource in a trust policy).
    Absent,
}

/// `Principal` of a statement: `*`, or values by type (`AWS`, `Federated`, `Service`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// No `Principal` (identity policies).
    Absent,
    /// `"Principal": "*"`.
    Any,
    /// (type, patterns) pairs, e.g. `("Federated", ["arn:aws:iam::…:saml-provider/P"])`.
    ByType(Vec<(String, Vec<String>)>),
}

/// One condition of a statement: an operator applied to one context key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// As written, e.g. `ForAnyValue:StringLike` or `StringEqualsIfExists`.
    pub operator: String,
    /// The context key, as written (keys compare without regard to case).
    pub key: String,
    /// The values to compare with; policy variables are substituted when evaluated.
    pub values: Vec<String>,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The Sid, or `#<n>` (position from 1) when there is none.
    pub id: String,
    /// Allow or Deny.
    pub effect: Effect,
    /// `Action` or `NotAction`.
    pub actions: Patterns,
    /// `Resource` or `NotResource`.
    pub resources: Patterns,
    /// `Principal` or `NotPrincipal` (see `not_principal`).
    pub principals: Principals,
    /// The principals were given as `NotPrincipal`.
    pub not_principal: bool,
    /// Every condition, all of which must hold.
    pub conditions: Vec<Condition>,
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Where the policy came from (its name), for findings.
    pub name: String,
    /// Its statements, in order.
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

#[cfg(test)]
mod tests {
    use super::*;

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

//! The Condition block: the string, ARN, Bool and Null operators, with `IfExists` and the
//! `ForAnyValue:`/`ForAllValues:` set qualifiers. An operator outside that list is
//! [`Truth::Unknown`], never a guess.

use super::matching::{substitute, unliteral, wildcard_match};
use super::parse::Condition;
use super::request::Request;

/// Three-valued truth for statements whose conditions may not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Truth {
    Yes,
    No,
    Unknown(String),
}

/// The operators understood, without their `IfExists` suffix or set qualifier.
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

pub(super) fn condition_holds(c: &Condition, request: &Request) -> Truth {
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

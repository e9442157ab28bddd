//! Matching a request against a statement's patterns: IAM's `*` and `?` wildcards, policy
//! variables (`${aws:userid}`, `${*}`, `${key, 'default'}`) substituted from the request, and
//! principals by type.

use super::parse::{Patterns, Principals, Statement};
use super::request::Request;

// After substitution, `*` and `?` that must match literally (from `${*}`, `${?}` or a
// variable's value) are carried as these private-use characters.
const LITERAL_STAR: char = '\u{E000}';
const LITERAL_QUESTION: char = '\u{E001}';

fn literal(value: &str) -> String {
    value
        .replace('*', &LITERAL_STAR.to_string())
        .replace('?', &LITERAL_QUESTION.to_string())
}

pub(super) fn unliteral(pattern: &str) -> String {
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
pub(super) fn substitute(text: &str, request: &Request) -> Option<String> {
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

pub(super) fn patterns_match(
    patterns: &Patterns,
    value: &str,
    ignore_case: bool,
    request: &Request,
) -> bool {
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

pub(super) fn principal_matches(statement: &Statement, request: &Request) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

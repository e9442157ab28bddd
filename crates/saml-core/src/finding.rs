//! Findings: one problem (or fact worth knowing) in a sign-in, with the catalogue's words for its
//! code, the values it compared, and, where it has them, the check that did not run and the HAR
//! entry it is about, as typed values.

use std::borrow::Cow;
use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::check::Check;
use crate::code::{Code, Severity};

/// Named values a finding compared, in the order they were added (serialized as a JSON object).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence(Vec<(Cow<'static, str>, String)>);

impl Evidence {
    /// The value named `name`, if the finding recorded one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The named values, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }

    /// True when the finding recorded no value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One problem (or fact worth knowing) found in a sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable code: what scripts match on.
    pub code: Code,
    /// How bad it is (the catalogue's severity for the code).
    pub severity: Severity,
    /// The catalogue's one-line title for the code.
    pub title: String,
    /// The offending value and where it came from.
    pub detail: String,
    /// The concrete step that resolves it.
    pub fix: String,
    /// The values the finding compared.
    pub evidence: Evidence,
    /// For `check_skipped`: the check that did not run (its name is the `check` evidence).
    #[serde(skip)]
    pub check: Option<Check>,
    /// The HAR entry the finding is about, when it is about one (also the `entry` evidence).
    #[serde(skip)]
    pub entry: Option<usize>,
}

impl Finding {
    /// A finding with the catalogue's severity, title and fix.
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        let info = code.info();
        Self {
            code,
            severity: info.severity,
            title: info.title.to_owned(),
            detail: detail.into(),
            fix: info.fix.to_owned(),
            evidence: Evidence::default(),
            check: None,
            entry: None,
        }
    }

    /// A check that could not run, and why.
    pub fn skipped(check: Check, why: impl fmt::Display) -> Self {
        let mut f =
            Self::new(Code::CheckSkipped, format!("{check}: {why}")).with("check", check.name());
        f.check = Some(check);
        f
    }

    /// The HAR entry the finding is about.
    pub fn at_entry(mut self, entry: usize) -> Self {
        self.entry = Some(entry);
        self.with("entry", entry.to_string())
    }

    /// True for a `check_skipped` of a check that needs the AWS account.
    pub fn is_account_check_skipped(&self) -> bool {
        self.check.is_some_and(Check::needs_account)
    }

    /// Adds a named value the finding compared.
    pub fn with(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.evidence.0.push((name.into(), value.into()));
        self
    }

    /// Adds a sentence specific to this case after the catalogue's fix.
    pub fn with_fix_note(mut self, note: impl AsRef<str>) -> Self {
        self.fix.push(' ');
        self.fix.push_str(note.as_ref());
        self
    }

    /// Prefixes the detail with where the message was found (a HAR entry, say).
    pub fn located(mut self, location: &str) -> Self {
        self.detail = format!("{location}: {}", self.detail);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_serializes_as_an_ordered_object() {
        let f = Finding::new(Code::ClockSkew, "d")
            .with("b", "2")
            .with("a", "1");
        let json = serde_json::to_string(&f.evidence).unwrap();
        assert_eq!(json, r#"{"b":"2","a":"1"}"#);
    }
}

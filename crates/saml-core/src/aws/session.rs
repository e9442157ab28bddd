//! The session values of a sign-in: RoleSessionName, SourceIdentity, SessionDuration and the
//! session tags of `PrincipalTag:<Key>` attributes, each with AWS's pattern and limits.

use serde::Serialize;

use super::newtype::string_newtype;

/// The characters of RoleSessionName and SourceIdentity: `[a-zA-Z_0-9+=,.@-]`.
pub fn is_session_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// Explains why `value` is not 2-64 of `[a-zA-Z_0-9+=,.@-]`, naming the offending characters.
fn session_name_problem(value: &str) -> Option<String> {
    let len = value.chars().count();
    let mut bad: Vec<String> = Vec::new();
    for c in value.chars().filter(|c| !is_session_name_char(*c)) {
        let shown = if c.is_whitespace() || c.is_control() {
            format!("{:?} (U+{:04X})", c, c as u32)
        } else {
            format!("'{c}'")
        };
        if !bad.contains(&shown) {
            bad.push(shown);
        }
    }
    let mut problems = Vec::new();
    if len < 2 {
        problems.push(format!(
            "it is {len} character{} long; at least 2 are needed",
            if len == 1 { "" } else { "s" }
        ));
    }
    if len > 64 {
        problems.push(format!(
            "it is {len} characters long; at most 64 are allowed"
        ));
    }
    if !bad.is_empty() {
        problems.push(format!(
            "it contains {} that AWS does not allow",
            bad.join(", ")
        ));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

string_newtype!(
    /// A RoleSessionName AWS accepts: 2-64 of `[a-zA-Z_0-9+=,.@-]`. Connect matches it to the
    /// username, case-sensitively.
    RoleSessionName
);

impl RoleSessionName {
    /// Parses a RoleSessionName, naming what breaks AWS's pattern.
    pub fn parse(value: &str) -> Result<Self, String> {
        match session_name_problem(value) {
            None => Ok(Self(value.to_owned())),
            Some(p) => Err(p),
        }
    }
}

string_newtype!(
    /// A SourceIdentity AWS accepts: like a RoleSessionName, and not starting with `aws:`.
    SourceIdentity
);

impl SourceIdentity {
    /// Parses a SourceIdentity, naming what breaks AWS's pattern.
    pub fn parse(value: &str) -> Result<Self, String> {
        if let Some(p) = session_name_problem(value) {
            return Err(p);
        }
        if value.to_ascii_lowercase().starts_with("aws:") {
            return Err("it starts with `aws:`, which AWS reserves".into());
        }
        Ok(Self(value.to_owned()))
    }
}

/// A console session length AWS accepts: 900-43200 seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SessionDuration(u32);

impl SessionDuration {
    /// The shortest session AWS accepts (15 minutes).
    pub const MIN: u32 = 900;
    /// The longest session AWS accepts (12 hours).
    pub const MAX: u32 = 43_200;

    /// Parses a number of seconds in AWS's range.
    pub fn parse(value: &str) -> Result<Self, String> {
        let seconds: u64 = value
            .parse()
            .map_err(|_| format!("`{value}` is not a whole number of seconds"))?;
        if !(u64::from(Self::MIN)..=u64::from(Self::MAX)).contains(&seconds) {
            return Err(format!(
                "{seconds} seconds is outside 900 (15 minutes) to 43200 (12 hours)"
            ));
        }
        Ok(Self(seconds as u32))
    }

    /// The duration in seconds.
    pub fn seconds(self) -> u32 {
        self.0
    }
}

/// A session tag from `PrincipalTag:<Key>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalTag {
    /// The tag key (after `PrincipalTag:`).
    pub key: String,
    /// The tag value.
    pub value: String,
}

/// AWS's session tag limits.
pub const MAX_SESSION_TAGS: usize = 50;

fn tag_char_ok(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() && !c.is_control() || "_.:/=+-@".contains(c)
}

impl PrincipalTag {
    /// Checks a tag key and value against AWS's session-tag rules, saying which is wrong.
    pub fn parse(key: &str, value: &str) -> Result<Self, String> {
        let key_len = key.chars().count();
        if key_len == 0 || key_len > 128 {
            return Err(format!(
                "the key `{key}` is {key_len} characters; keys are 1-128"
            ));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(format!(
                "the key `{key}` starts with `aws:`, which AWS reserves"
            ));
        }
        if let Some(c) = key.chars().find(|c| !tag_char_ok(*c)) {
            return Err(format!("the key `{key}` contains {c:?}; allowed are letters, digits, spaces and _ . : / = + - @"));
        }
        let value_len = value.chars().count();
        if value_len > 256 {
            return Err(format!(
                "the value of `{key}` is {value_len} characters; values are at most 256"
            ));
        }
        if let Some(c) = value.chars().find(|c| !tag_char_ok(*c)) {
            return Err(format!("the value of `{key}` contains {c:?}; allowed are letters, digits, spaces and _ . : / = + - @"));
        }
        Ok(Self {
            key: key.to_owned(),
            value: value.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_session_name_names_the_offending_characters() {
        assert!(RoleSessionName::parse("jane.doe@example.com").is_ok());
        assert!(RoleSessionName::parse("a_b+c=d,e.f@g-h").is_ok());
        let err =
            RoleSessionName::parse("jane_gmail.com#EXT#@contoso.onmicrosoft.com").unwrap_err();
        assert_eq!(err, "it contains '#' that AWS does not allow");
        assert!(RoleSessionName::parse("x")
            .unwrap_err()
            .contains("1 character long"));
        assert!(RoleSessionName::parse(&"a".repeat(65))
            .unwrap_err()
            .contains("65 characters"));
        assert!(RoleSessionName::parse("Jane Doe")
            .unwrap_err()
            .contains("' ' (U+0020)"));
        assert!(RoleSessionName::parse("josé").unwrap_err().contains("'é'"));
    }

    #[test]
    fn session_duration_bounds() {
        assert_eq!(SessionDuration::parse("900").unwrap().seconds(), 900);
        assert_eq!(SessionDuration::parse("43200").unwrap().seconds(), 43200);
        for bad in [
            "899",
            "43201",
            "3600.0",
            "-1",
            "",
            "1h",
            "99999999999999999999",
        ] {
            assert!(SessionDuration::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn source_identity_and_tags() {
        assert!(SourceIdentity::parse("jane@example.com").is_ok());
        assert!(SourceIdentity::parse("aws:jane").is_err());
        assert!(PrincipalTag::parse("CostCenter", "1234 / support").is_ok());
        assert!(PrincipalTag::parse("aws:x", "1").is_err());
        assert!(PrincipalTag::parse(&"k".repeat(129), "1").is_err());
        assert!(PrincipalTag::parse("k", &"v".repeat(257)).is_err());
        assert!(PrincipalTag::parse("k", "a;b").is_err());
        assert!(PrincipalTag::parse("", "v").is_err());
    }
}

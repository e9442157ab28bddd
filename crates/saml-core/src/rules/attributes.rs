//! The rules on the attributes IAM federation reads: Role, RoleSessionName, SessionDuration,
//! SourceIdentity and the session tags (`PrincipalTag:<Key>`, TransitiveTagKeys), each parsed
//! into its AWS type, whose parser says what is wrong.

use super::attribute_names::{
    ATTR_PRINCIPAL_TAG_PREFIX, ATTR_ROLE, ATTR_ROLE_CN, ATTR_ROLE_SESSION_NAME,
    ATTR_SESSION_DURATION, ATTR_SOURCE_IDENTITY, ATTR_TRANSITIVE_TAG_KEYS,
};
use crate::aws::arn::RolePair;
use crate::aws::session::{
    PrincipalTag, RoleSessionName, SessionDuration, SourceIdentity, MAX_SESSION_TAGS,
};
use crate::code::Code;
use crate::finding::Finding;
use crate::model::Assertion;

/// The Role, RoleSessionName, SessionDuration, PrincipalTag and SourceIdentity attributes.
pub fn check_aws_attributes(a: &Assertion) -> Vec<Finding> {
    let mut findings = Vec::new();
    let attr_path = |name: &str| format!("{}/AttributeStatement/Attribute[@Name='{name}']", a.path);

    // Role.
    let role_name = if a.attribute_values(ATTR_ROLE).is_some() {
        ATTR_ROLE
    } else {
        ATTR_ROLE_CN
    };
    match a.attribute_values(role_name) {
        None | Some([]) => {
            let mut detail = format!("{} has no Attribute named {ATTR_ROLE}", a.path);
            if a.attribute_values(role_name).is_some() {
                detail = format!("{} has no AttributeValue", attr_path(role_name));
            } else if let Some(near) = near_miss(a, ATTR_ROLE) {
                detail += &format!("; an attribute named `{near}` is there, but AWS matches the name exactly and case-sensitively");
            }
            findings.push(
                Finding::new(Code::RoleAttributeMissing, detail).with("expected_name", ATTR_ROLE),
            );
        }
        Some(values) => {
            let mut pairs = Vec::new();
            for (i, value) in values.iter().enumerate() {
                let where_ = format!("{}/AttributeValue[{}]", attr_path(role_name), i + 1);
                match RolePair::parse(value) {
                    Ok(pair) => {
                        if pair.role.account != pair.provider.account
                            || pair.role.partition != pair.provider.partition
                        {
                            findings.push(
                                Finding::new(
                                    Code::RoleProviderAccountMismatch,
                                    format!("{where_}: the role is in account {} ({}) but the provider in account {} ({})", pair.role.account, pair.role.partition, pair.provider.account, pair.provider.partition),
                                )
                                .with("role", pair.role.to_string())
                                .with("provider", pair.provider.to_string()),
                            );
                        }
                        pairs.push(pair);
                    }
                    Err(why) => findings.push(
                        Finding::new(
                            Code::RoleValueMalformed,
                            format!("{where_} `{value}`: {why}"),
                        )
                        .with("value", value.clone())
                        .with("path", where_),
                    ),
                }
            }
            if values.len() > 1 {
                findings.push(
                    Finding::new(
                        Code::MultipleRoles,
                        format!("{} roles: {}", values.len(), values.join("; ")),
                    )
                    .with("roles", values.join("\n")),
                );
            }
        }
    }

    // RoleSessionName.
    match a.attribute_values(ATTR_ROLE_SESSION_NAME) {
        None | Some([]) => {
            let mut detail = format!(
                "{} has no Attribute named {ATTR_ROLE_SESSION_NAME} with a value",
                a.path
            );
            if let Some(near) = near_miss(a, ATTR_ROLE_SESSION_NAME) {
                detail += &format!("; an attribute named `{near}` is there, but AWS matches the name exactly and case-sensitively");
            }
            findings.push(
                Finding::new(Code::RoleSessionNameMissing, detail)
                    .with("expected_name", ATTR_ROLE_SESSION_NAME),
            );
        }
        Some([value]) => {
            if let Err(why) = RoleSessionName::parse(value) {
                let mut f = Finding::new(
                    Code::RoleSessionNameInvalid,
                    format!("{} is `{value}`: {why}", attr_path(ATTR_ROLE_SESSION_NAME)),
                )
                .with("role_session_name", value.clone())
                .with("pattern", "[a-zA-Z_0-9+=,.@-]{2,64}");
                if value.contains("#EXT#") {
                    f = f.with_fix_note("This is an Azure AD / Entra ID guest (B2B) user: its user principal name carries #EXT#, so user.mail is the attribute to use.");
                }
                findings.push(f);
            }
        }
        Some(values) => findings.push(
            Finding::new(
                Code::RoleSessionNameInvalid,
                format!(
                    "{} has {} values ({}); AWS needs exactly one",
                    attr_path(ATTR_ROLE_SESSION_NAME),
                    values.len(),
                    values.join(", ")
                ),
            )
            .with("role_session_name", values.join("\n")),
        ),
    }

    // SessionDuration.
    if let Some(values) = a.attribute_values(ATTR_SESSION_DURATION) {
        if let Some((value, why)) = single_value_problem(values, SessionDuration::parse) {
            findings.push(
                Finding::new(
                    Code::SessionDurationInvalid,
                    format!("{}: {why}", attr_path(ATTR_SESSION_DURATION)),
                )
                .with("session_duration", value),
            );
        }
    }

    // SourceIdentity.
    if let Some(values) = a.attribute_values(ATTR_SOURCE_IDENTITY) {
        if let Some((value, why)) = single_value_problem(values, SourceIdentity::parse) {
            findings.push(
                Finding::new(
                    Code::SourceIdentityInvalid,
                    format!("{} is `{value}`: {why}", attr_path(ATTR_SOURCE_IDENTITY)),
                )
                .with("source_identity", value),
            );
        }
    }

    // PrincipalTag:<Key>.
    let tags: Vec<_> = a
        .attributes
        .iter()
        .filter_map(|attr| {
            attr.name
                .strip_prefix(ATTR_PRINCIPAL_TAG_PREFIX)
                .map(|key| (key, attr))
        })
        .collect();
    if tags.len() > MAX_SESSION_TAGS {
        findings.push(Finding::new(Code::PrincipalTagInvalid, format!("{} PrincipalTag attributes; AWS allows at most {MAX_SESSION_TAGS} session tags", tags.len())).with("tags", tags.len().to_string()));
    }
    for (key, attr) in &tags {
        let problem = match attr.values.as_slice() {
            [value] => PrincipalTag::parse(key, value).err(),
            values => Some(format!(
                "the tag `{key}` has {} values; a session tag has exactly one",
                values.len()
            )),
        };
        if let Some(why) = problem {
            findings.push(
                Finding::new(
                    Code::PrincipalTagInvalid,
                    format!("{}: {why}", attr_path(&attr.name)),
                )
                .with("tag", key.to_string()),
            );
        }
    }
    if let Some(keys) = a.attribute_values(ATTR_TRANSITIVE_TAG_KEYS) {
        for key in keys.iter().filter(|k| !tags.iter().any(|(t, _)| t == k)) {
            findings.push(
                Finding::new(
                    Code::PrincipalTagInvalid,
                    format!(
                        "{} names `{key}`, which is not among the PrincipalTag attributes",
                        attr_path(ATTR_TRANSITIVE_TAG_KEYS)
                    ),
                )
                .with("transitive_tag_key", key.clone()),
            );
        }
    }
    findings
}

/// What is wrong with an attribute AWS reads one value of: its value (as shown) and why, when
/// its one value does not `parse`, or when it has several.
fn single_value_problem<T>(
    values: &[String],
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<(String, String)> {
    match values {
        [value] => parse(value).err().map(|why| (value.clone(), why)),
        _ => Some((
            values.join(","),
            format!("{} values; AWS needs exactly one", values.len()),
        )),
    }
}

/// An attribute name that differs from `expected` only in case, surrounding white space or the
/// scheme (the classic hand-typed claim name).
fn near_miss<'a>(a: &'a Assertion, expected: &str) -> Option<&'a str> {
    let tail = expected
        .rsplit('/')
        .next()
        .unwrap_or(expected)
        .to_ascii_lowercase();
    a.attributes
        .iter()
        .map(|attr| attr.name.as_str())
        .find(|name| {
            name.trim().eq_ignore_ascii_case(expected)
                || name
                    .trim()
                    .to_ascii_lowercase()
                    .ends_with(&format!("/saml/attributes/{tail}"))
        })
        .filter(|name| *name != expected)
}

//! The Amazon Connect checks: the instance the relay state names, and the user the
//! RoleSessionName must match, looked up in as few calls as the answer allows.

use saml_core::{Check, Code, Finding};

use super::api::{ConnectApi, InstanceTarget, Match, User};
use crate::access::AccessError;
use crate::paging::{search, Paged};

/// The Connect instance and user. Returns whether the instance exists (and so whether the
/// federation check has an instance to check against).
pub(crate) async fn check_connect(
    connect: &impl ConnectApi,
    target: Option<&InstanceTarget>,
    role_session_name: Option<&str>,
    findings: &mut Vec<Finding>,
) -> bool {
    let Some(target) = target else {
        findings.push(Finding::skipped(
            Check::ConnectInstanceAndUser,
            "no Connect instance is known: the capture has no Connect relay state; pass --instance-arn or --instance-id with --region",
        ));
        return false;
    };
    let id = target.instance_id.as_str();
    match connect.describe_instance(id).await {
        Err(e) => {
            findings.push(e.skipped(Check::ConnectInstance));
            // The user check may still be allowed.
        }
        Ok(None) => {
            findings.push(
                Finding::new(
                    Code::ConnectInstanceNotFound,
                    format!(
                        "no Connect instance {id} in {} of the account checked",
                        target.region
                    ),
                )
                .with("instance_id", id)
                .with("region", target.region.as_str()),
            );
            return false;
        }
        Ok(Some(instance)) if instance.identity_management_type != "SAML" => findings.push(
            Finding::new(
                Code::ConnectInstanceNotSaml,
                format!(
                    "instance {id}{} uses {} identity management, not SAML",
                    instance
                        .alias
                        .map(|a| format!(" ({a})"))
                        .unwrap_or_default(),
                    instance.identity_management_type
                ),
            )
            .with(
                "identity_management_type",
                instance.identity_management_type.clone(),
            ),
        ),
        Ok(Some(_)) => {}
    }
    let Some(name) = role_session_name else {
        findings.push(Finding::skipped(
            Check::ConnectUser,
            "the assertion has no single RoleSessionName to look up",
        ));
        return true;
    };
    match find_user(connect, id, name).await {
        Err(e) => findings.push(e.skipped(Check::ConnectUser)),
        Ok(UserLookup::Exact) => {}
        Ok(UserLookup::OnlyCaseInsensitive(existing)) => findings.push(
            Finding::new(
                Code::ConnectUserCaseMismatch,
                format!("RoleSessionName is `{name}`, but the Connect user is `{existing}`: they differ only in case, and Connect usernames are case-sensitive"),
            )
            .with("role_session_name", name)
            .with("connect_username", existing),
        ),
        Ok(UserLookup::None) => findings.push(
            Finding::new(Code::ConnectUserNotFound, format!("instance {id} has no user named `{name}` (the RoleSessionName)"))
                .with("role_session_name", name)
                .with("instance_id", id),
        ),
    }
    true
}

/// What the user lookup found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UserLookup {
    /// A user named exactly so.
    Exact,
    /// Only a user whose name differs in case (its name).
    OnlyCaseInsensitive(String),
    /// No user of that name in any case.
    None,
}

/// The SearchUsers limit on a CONTAINS value, in characters. The API reference of
/// `UserSearchCriteria` (Amazon Connect API Reference, "UserSearchCriteria": "The name and
/// description fields support "contains" queries with a minimum of 2 characters and a maximum
/// of 25 characters. Any queries with character lengths outside of this range will throw
/// invalid results.") is stated for name and description; we hold every CONTAINS value we send
/// to it, since nothing documents a different limit for `Username`.
const CONTAINS_MIN: usize = 2;
const CONTAINS_MAX: usize = 25;

/// Finds the Connect user named `name`, as AWS compares it (exactly: Connect usernames are
/// case-sensitive for SAML), and, when there is none, a user whose name differs only in case.
///
/// The API reference says nothing of case in `StringCondition` matching, so this is written to
/// be right whether SearchUsers compares case-sensitively or not, and every candidate it
/// returns is compared here, exactly and case-insensitively:
/// 1. one EXACT search on the whole name: the common, healthy case costs one call;
/// 2. CONTAINS searches on a window of the name that fits 2–25 characters (its start: the most
///    distinctive part of an e-mail or UPN), as sent and lower- and upper-cased, so a user
///    stored in one of those spellings is found even by a case-sensitive service; one page
///    each (a window so common that it fills a page cannot settle anything);
/// 3. when the searches cannot prove the user absent, ListUsers (connect:ListUsers,
///    `MaxResults` up to 1,000 per page in the API reference) pages through every user.
///
/// A miss in step 2 proves absence only when the service showed it ignores case (it returned
/// a candidate whose name holds the value in another case only) and the window's answer was
/// complete (no next page); otherwise a case-sensitive service could have hidden a user in
/// another spelling, and step 3 decides.
pub(crate) async fn find_user(
    connect: &impl ConnectApi,
    instance_id: &str,
    name: &str,
) -> Result<UserLookup, AccessError> {
    let exact = search(
        MAX_LIST_PAGES,
        |token| connect.search_users(instance_id, name, Match::Exact, token),
        |users| settle(&users, name),
    )
    .await?;
    if let Paged::Found(found) = exact {
        return Ok(found);
    }
    let mut ignores_case = false;
    let mut complete_for_name = false;
    for value in contains_values(name) {
        let page = connect
            .search_users(instance_id, &value, Match::Contains, None)
            .await?;
        if let Some(found) = settle(&page.items, name) {
            return Ok(found);
        }
        // Evidence that matching ignores case: a candidate that holds the value only in another
        // case (one that does not hold it at all would show fuzzy matching, not case folding).
        let folded = value.to_lowercase();
        ignores_case |= page.items.iter().any(|u| {
            !u.username.contains(value.as_str()) && u.username.to_lowercase().contains(&folded)
        });
        // The window as the name spells it, answered in full: under case-insensitive
        // matching every case variant of the name would have been among the candidates.
        complete_for_name |= page.next_token.is_none() && name.starts_with(value.as_str());
        if ignores_case && complete_for_name {
            return Ok(UserLookup::None);
        }
    }
    let listed = search(
        MAX_LIST_PAGES,
        |token| connect.list_users(instance_id, token),
        |users| settle(&users, name),
    )
    .await?;
    match listed {
        Paged::Found(found) => Ok(found),
        Paged::Ended => Ok(UserLookup::None),
        Paged::Capped => Err(AccessError::Failed {
            action: "connect:ListUsers",
            message: format!("still returning pages after {MAX_LIST_PAGES} of them"),
        }),
    }
}

/// A bound on paging, against a service that never stops returning a next token: far above
/// any instance's user quota at 1,000 users a page.
const MAX_LIST_PAGES: usize = 2_000;

/// The answer among `candidates`, if they hold it: the exact name, else one differing in case.
fn settle(candidates: &[User], name: &str) -> Option<UserLookup> {
    if candidates.iter().any(|u| u.username == name) {
        return Some(UserLookup::Exact);
    }
    let folded = name.to_lowercase();
    candidates
        .iter()
        .find(|u| u.username.to_lowercase() == folded)
        .map(|u| UserLookup::OnlyCaseInsensitive(u.username.clone()))
}

/// The CONTAINS values to search for `name`: its first 2–25 characters as sent, lower-cased and
/// upper-cased, each once; none for a name shorter than the API's minimum.
pub(crate) fn contains_values(name: &str) -> Vec<String> {
    if name.chars().count() < CONTAINS_MIN {
        return Vec::new();
    }
    let window: String = name.chars().take(CONTAINS_MAX).collect();
    let mut values = Vec::new();
    for v in [window.clone(), window.to_lowercase(), window.to_uppercase()] {
        // Case mapping can change the length (ß → SS): keep only values the API accepts.
        let len = v.chars().count();
        if (CONTAINS_MIN..=CONTAINS_MAX).contains(&len) && !values.contains(&v) {
            values.push(v);
        }
    }
    values
}

//! The Amazon Connect checks: the instance the relay state names, and the user the
//! RoleSessionName must match.

use saml_core::{Code, Finding};

use super::{skipped, Input};
use crate::account::{AccessError, Account, Match};

/// The Connect instance and user. Returns whether the instance exists (and so whether the
/// federation check has an instance to check against).
pub(super) async fn check_connect(
    account: &impl Account,
    input: &Input,
    findings: &mut Vec<Finding>,
) -> bool {
    let Some(target) = &input.instance else {
        findings.push(Finding::skipped(
            "Connect instance and user",
            "no Connect instance is known: the capture has no Connect relay state; pass --instance-arn or --instance-id with --region",
        ));
        return false;
    };
    let id = target.instance_id.as_str();
    match account.describe_instance(id).await {
        Err(e) => {
            findings.push(skipped("Connect instance", &e));
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
    let Some(name) = &input.role_session_name else {
        findings.push(Finding::skipped(
            "Connect user",
            "the assertion has no single RoleSessionName to look up",
        ));
        return true;
    };
    match find_user(account, id, name).await {
        Err(e) => findings.push(skipped("Connect user", &e)),
        Ok(UserLookup::Exact) => {}
        Ok(UserLookup::OnlyCaseInsensitive(existing)) => findings.push(
            Finding::new(
                Code::ConnectUserCaseMismatch,
                format!("RoleSessionName is `{name}`, but the Connect user is `{existing}`: they differ only in case, and Connect usernames are case-sensitive"),
            )
            .with("role_session_name", name.clone())
            .with("connect_username", existing),
        ),
        Ok(UserLookup::None) => findings.push(
            Finding::new(Code::ConnectUserNotFound, format!("instance {id} has no user named `{name}` (the RoleSessionName)"))
                .with("role_session_name", name.clone())
                .with("instance_id", id),
        ),
    }
    true
}

enum UserLookup {
    Exact,
    OnlyCaseInsensitive(String),
    None,
}

/// One EXACT search answers the common case. Only when it finds nothing does a CONTAINS search
/// on the name look for a spelling that differs in case, page by page, stopping at the first;
/// it never lists every user of the instance.
async fn find_user(
    account: &impl Account,
    instance_id: &str,
    name: &str,
) -> Result<UserLookup, AccessError> {
    let exact = account
        .search_users(instance_id, name, Match::Exact, None)
        .await?;
    if exact.users.iter().any(|u| u.username == name) {
        return Ok(UserLookup::Exact);
    }
    if let Some(u) = exact
        .users
        .iter()
        .find(|u| u.username.eq_ignore_ascii_case(name))
    {
        return Ok(UserLookup::OnlyCaseInsensitive(u.username.clone()));
    }
    let mut token = None;
    for _ in 0..20 {
        let page = account
            .search_users(instance_id, name, Match::Contains, token)
            .await?;
        if let Some(u) = page
            .users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(name))
        {
            return Ok(if u.username == name {
                UserLookup::Exact
            } else {
                UserLookup::OnlyCaseInsensitive(u.username.clone())
            });
        }
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(UserLookup::None)
}

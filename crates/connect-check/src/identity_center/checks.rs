//! The Identity Center checks: the instance the Audience names, the user the NameID names (as
//! Identity Center compares it, and a case variant when there is none), and the permission sets
//! the user holds, directly and through its groups, with their session durations.

use saml_core::identity_center::sessions::{parse_duration, PERMISSION_SET_DEFAULT_SECONDS};
use saml_core::time::human_duration;
use saml_core::{Check, Code, Finding};

use super::api::{IdentityCenterApi, Input, Instance, PermissionSet, Principal, User, UserKey};
use crate::paging::{search, Paged};

const CHECK_INSTANCE: Check = Check::IdentityCenterInstance;
const CHECK_USER: Check = Check::IdentityCenterUser;
const CHECK_ASSIGNMENTS: Check = Check::IdentityCenterAssignments;

/// Most pages of ListUsers read looking for a case variant (100 users a page): past that the
/// check says it stopped, rather than reading a huge directory.
pub const MAX_USER_PAGES: usize = 200;

/// Runs the Identity Center checks.
pub async fn run(api: &impl IdentityCenterApi, input: &Input) -> Vec<Finding> {
    let mut findings = Vec::new();
    let instance = match api.list_instances().await {
        Ok(instances) => {
            let found = match &input.identity_store_id {
                Some(store) => instances.iter().find(|i| &i.identity_store_id == store),
                // A malformed Audience names no store: with one instance, it is the one.
                None if instances.len() == 1 => instances.first(),
                None => None,
            };
            match (found, &input.identity_store_id) {
                (Some(i), _) => Some(i.clone()),
                (None, Some(store)) => {
                    let seen: Vec<&str> = instances
                        .iter()
                        .map(|i| i.identity_store_id.as_str())
                        .collect();
                    findings.push(
                        Finding::new(
                            Code::IdcInstanceNotFound,
                            format!(
                                "no instance visible to the checker uses {store} (it sees {})",
                                if seen.is_empty() {
                                    "none".to_owned()
                                } else {
                                    seen.join(", ")
                                }
                            ),
                        )
                        .with("identity_store_id", store.clone())
                        .with("instances", seen.join(" ")),
                    );
                    None
                }
                (None, None) => {
                    findings.push(Finding::skipped(CHECK_INSTANCE, "the Audience names no identity store and the checker sees more than one instance (or none)"));
                    None
                }
            }
        }
        Err(e) => {
            findings.push(e.skipped(CHECK_INSTANCE));
            None
        }
    };
    let store = input
        .identity_store_id
        .clone()
        .or_else(|| instance.as_ref().map(|i| i.identity_store_id.clone()));
    let (Some(store), Some(user_name)) = (store, input.user_name.clone()) else {
        findings.push(Finding::skipped(
            CHECK_USER,
            "the assertion names no identity store (Audience) or no user (NameID)",
        ));
        return findings;
    };
    let Some(user) = check_user(api, &store, &user_name, &mut findings).await else {
        return findings;
    };
    match &instance {
        Some(i) => check_assignments(api, i, &store, &user, &mut findings).await,
        None => findings.push(Finding::skipped(
            CHECK_ASSIGNMENTS,
            "the instance is not known (see the Identity Center instance check)",
        )),
    }
    findings.sort_by_key(|f| f.severity);
    findings
}

/// Finds the user: exact, then a case variant. Returns the user found, if any.
async fn check_user(
    api: &impl IdentityCenterApi,
    store: &str,
    user_name: &str,
    findings: &mut Vec<Finding>,
) -> Option<User> {
    let exact = match api.get_user_id(store, UserKey::UserName, user_name).await {
        Ok(id) => id,
        Err(e) => {
            findings.push(e.skipped(CHECK_USER));
            return None;
        }
    };
    let user = match exact {
        Some(id) => match api.describe_user(store, &id).await {
            Ok(Some(u)) => u,
            Ok(None) => {
                findings.push(Finding::skipped(
                    CHECK_USER,
                    format!("GetUserId answered {id}, which DescribeUser then did not find"),
                ));
                return None;
            }
            Err(e) => {
                findings.push(e.skipped(CHECK_USER));
                return None;
            }
        },
        None => {
            // Case handling is undocumented: compare client-side over every user.
            let wanted = user_name.to_lowercase();
            let listed = search(
                MAX_USER_PAGES,
                |token| api.list_users(store, token),
                |users| {
                    users
                        .into_iter()
                        .find(|u| u.user_name.to_lowercase() == wanted)
                },
            )
            .await;
            let variant = match listed {
                Ok(Paged::Found(u)) => Some(u),
                Ok(Paged::Ended) => None,
                Ok(Paged::Capped) => {
                    findings.push(Finding::skipped(CHECK_USER, format!("stopped looking for a user name differing only in case after {MAX_USER_PAGES} pages of ListUsers")));
                    None
                }
                Err(e) => {
                    findings.push(e.skipped(CHECK_USER).with_fix_note(
                        "Without it, a user differing only in case cannot be looked for.",
                    ));
                    None
                }
            };
            match variant {
                Some(u) => u,
                None => {
                    let mut f = Finding::new(Code::IdcUserNotFound, format!("{store} has no user whose user name is `{user_name}` (GetUserId on userName)"))
                        .with("identity_store_id", store)
                        .with("user_name", user_name);
                    // The classic: the NameID is the user's e-mail, but its user name differs.
                    if let Ok(Some(id)) = api.get_user_id(store, UserKey::Email, user_name).await {
                        if let Ok(Some(other)) = api.describe_user(store, &id).await {
                            f = f
                                .with("user_with_this_email", other.user_name.clone())
                                .with_fix_note(format!(
                                    "A user has `{user_name}` as e-mail address, but its user name is `{}`: map NameID from the attribute that holds the user name (with SCIM, the one provisioned as userName), not from the e-mail.",
                                    other.user_name
                                ));
                        }
                    }
                    findings.push(f);
                    return None;
                }
            }
        }
    };
    if user.user_name != user_name {
        findings.push(
            Finding::new(
                Code::IdcUserCaseMismatch,
                format!(
                    "the NameID is `{user_name}` but the user's user name is `{}`",
                    user.user_name
                ),
            )
            .with("name_id", user_name)
            .with("user_name", user.user_name.clone())
            .with("user_id", user.user_id.clone()),
        );
    }
    if user.status.as_deref() == Some("DISABLED") {
        findings.push(
            Finding::new(
                Code::IdcUserDisabled,
                format!(
                    "the user `{}` ({}) is disabled",
                    user.user_name, user.user_id
                ),
            )
            .with("user_id", user.user_id.clone())
            .with("status", "DISABLED"),
        );
    }
    Some(user)
}

async fn check_assignments(
    api: &impl IdentityCenterApi,
    instance: &Instance,
    store: &str,
    user: &User,
    findings: &mut Vec<Finding>,
) {
    let arn = &instance.instance_arn;
    let mut all = match api.assignments(arn, Principal::User, &user.user_id).await {
        Ok(a) => a,
        Err(e) => {
            findings.push(e.skipped(CHECK_ASSIGNMENTS).with_fix_note("ListAccountAssignmentsForPrincipal must be called from the organization's management account (or the delegated administrator)."));
            return;
        }
    };
    // Whether the user's own listing includes its groups' assignments is undocumented: ask the
    // groups too and merge.
    match api.user_groups(store, &user.user_id).await {
        Ok(groups) => {
            for g in groups {
                match api.assignments(arn, Principal::Group, &g).await {
                    Ok(a) => all.extend(a),
                    Err(e) => {
                        findings.push(e.skipped(CHECK_ASSIGNMENTS));
                        return;
                    }
                }
            }
        }
        Err(e) => {
            findings.push(
                e.skipped(CHECK_ASSIGNMENTS)
                    .with_fix_note("Assignments the user holds through groups are not listed."),
            );
        }
    }
    all.sort_by(|a, b| {
        (&a.account_id, &a.permission_set_arn).cmp(&(&b.account_id, &b.permission_set_arn))
    });
    all.dedup();
    if all.is_empty() {
        findings.push(
            Finding::new(
                Code::IdcNoAccountAssignment,
                format!(
                    "`{}` holds no permission set in any account, directly or through a group",
                    user.user_name
                ),
            )
            .with("user_id", user.user_id.clone()),
        );
        return;
    }
    let mut described: Vec<PermissionSet> = Vec::new();
    for a in &all {
        let ps = match described.iter().find(|p| p.arn == a.permission_set_arn) {
            Some(p) => p.clone(),
            None => match api.permission_set(arn, &a.permission_set_arn).await {
                Ok(p) => {
                    described.push(p.clone());
                    p
                }
                Err(e) => {
                    findings.push(e.skipped(CHECK_ASSIGNMENTS));
                    return;
                }
            },
        };
        let seconds = ps
            .session_duration
            .as_deref()
            .and_then(|d| parse_duration(d).ok())
            .unwrap_or(PERMISSION_SET_DEFAULT_SECONDS);
        findings.push(
            Finding::new(
                Code::IdcPermissionSetSession,
                format!(
                    "in account {}, permission set {} gives role sessions of {}{}",
                    a.account_id,
                    ps.name,
                    human_duration(seconds * 1000),
                    if ps.session_duration.is_none() {
                        " (the default)"
                    } else {
                        ""
                    }
                ),
            )
            .with("account_id", a.account_id.clone())
            .with("permission_set", ps.name.clone())
            .with("permission_set_arn", ps.arn.clone())
            .with(
                "session_duration",
                ps.session_duration.clone().unwrap_or_else(|| "PT1H".into()),
            )
            .with("session_seconds", seconds.to_string()),
        );
    }
}

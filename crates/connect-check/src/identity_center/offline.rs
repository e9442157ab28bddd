//! Offline, the Identity Center checks do not run: each becomes one `check_skipped` finding that
//! says what it would verify, because an unrun check is not a pass.

use saml_core::{Check, Facts, Finding};

use super::api::Input;

/// The Identity Center account checks, each reported as skipped with `reason`.
pub fn skipped(facts: &Facts, reason: &str) -> Vec<Finding> {
    let input = Input::from_facts(facts);
    let store = input
        .identity_store_id
        .as_deref()
        .unwrap_or("the Audience's identity store");
    let user = input.user_name.as_deref().unwrap_or("the NameID");
    [
        (Check::IdentityCenterInstance, format!("that an IAM Identity Center instance uses {store}")),
        (Check::IdentityCenterUser, format!("that {store} has an enabled user whose user name is `{user}` (and none differing only in case)")),
        (Check::IdentityCenterAssignments, format!("which permission sets `{user}` holds, in which accounts, and their session durations")),
    ]
    .into_iter()
    .map(|(check, what)| Finding::skipped(check, format!("would verify {what}; {reason}")))
    .collect()
}

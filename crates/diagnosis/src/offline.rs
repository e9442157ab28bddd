//! What offline diagnosis adds to every message: the account checks it did not run, each a
//! `check_skipped` saying what `--aws` would verify (an unrun check is not a pass).

use saml_core::Report;

/// The reason the account checks give offline.
const OFFLINE: &str = "not run offline, `--aws` verifies it in the account";

/// Adds the account checks as skipped, for a message that parsed as a Response: IAM Identity
/// Center's for an Identity Center sign-in, IAM's and Amazon Connect's otherwise.
pub fn add_account_skips(report: &mut Report) {
    if report.response().is_some() {
        let skips = if report.facts.identity_center.is_some() {
            connect_check::identity_center::skipped(&report.facts, OFFLINE)
        } else {
            connect_check::iam_federation::skipped(&report.facts, OFFLINE)
        };
        report.findings.extend(skips);
    }
}

//! The reports of `saml-doctor audit`, from saml-audit's [`OrganizationReport`] (one account or
//! many): text for people, grouped by account, worst first ([`text()`]); JSON for scripts, as the
//! report serializes (`{accounts: [{account, findings: [{code, severity, resource, title, fix,
//! …}]}], summary}`, [`json()`]); and one self-contained HTML page ([`html()`]) under the rules of
//! every saml-doctor page ([`crate::page`]).

#[cfg(test)]
mod fixture;
mod html;
mod text;
mod words;

pub use html::html;
pub use text::text;
pub use words::Scope;

use saml_audit::OrganizationReport;

/// The report as one JSON object (pretty-printed): the contract scripts rely on.
pub fn json(report: &OrganizationReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

//! The words the text and HTML reports share, so the two say the same thing.

use saml_core::Severity;
use saml_diagnosis::Summary;

/// The run's outcome in words, shared by the text and HTML reports.
pub fn verdict_words(s: &Summary) -> String {
    if s.errors > 0 {
        format!("{} error{} found", s.errors, plural(s.errors))
    } else if s.warnings > 0 {
        "no error found, but see the warnings".to_owned()
    } else {
        "no problem found".to_owned()
    }
}

/// `1 error, 0 warnings, 7 notes`.
pub fn counts(s: &Summary) -> String {
    format!(
        "{} error{}, {} warning{}, {} note{}",
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
        s.info,
        plural(s.info)
    )
}

/// "s" unless `n` is one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A severity as the reports label it.
pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "NOTE",
    }
}

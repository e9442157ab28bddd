//! The words the text and HTML reports share, so the two say the same thing.

use saml_core::{EncryptedAssertionFacts, Severity};
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

/// How an EncryptedAssertion was encrypted and whether it was opened, in one line (`path`: its
/// place, for a response holding several). Keys are named by their fingerprint only.
pub fn encryption(e: &EncryptedAssertionFacts, path: bool) -> String {
    let mut out = if path {
        format!("{}: ", e.path)
    } else {
        String::new()
    };
    out += e.algorithms.as_deref().unwrap_or("algorithms unreadable");
    match (&e.opened_with, e.decrypted) {
        (Some(key), true) => {
            out += &format!("; decrypted with the key whose public key SHA-256 is {key}");
        }
        _ if e.algorithms.is_none() => out += "; not decrypted (see the findings)",
        _ => out += "; not decrypted",
    }
    out
}

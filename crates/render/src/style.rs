//! Terminal colour for the text report: ANSI escapes when the caller says the output may be
//! coloured (a terminal, and NO_COLOR unset: the caller's decision), plain text otherwise.

use saml_core::Severity;

/// How the text report is painted.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Coloured when `color`, plain otherwise.
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    /// No colour.
    pub fn plain() -> Self {
        Self { color: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Dimmed.
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    /// The colour of a severity.
    pub fn severity(&self, severity: Severity, text: &str) -> String {
        match severity {
            Severity::Error => self.paint("1;31", text),
            Severity::Warning => self.paint("1;33", text),
            Severity::Info => self.paint("36", text),
        }
    }

    /// The colour of a good outcome.
    pub fn good(&self, text: &str) -> String {
        self.paint("1;32", text)
    }

    /// A verdict's words in the colour of the worst that was found: an error, a warning, or
    /// nothing.
    pub fn verdict(&self, errors: usize, warnings: usize, words: &str) -> String {
        if errors > 0 {
            self.severity(Severity::Error, words)
        } else if warnings > 0 {
            self.severity(Severity::Warning, words)
        } else {
            self.good(words)
        }
    }
}

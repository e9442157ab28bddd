//! The text report of `saml-doctor trail`, for people: the window and the counts, then each
//! cause (most frequent first) with its count, users, first and last failure, accounts, roles,
//! identity providers, the fix and AWS's raw messages, then the users, the warnings, and the
//! outcome in one line.

use std::fmt::Write as _;

use saml_core::Severity;
use trail::{CauseReport, Report, UserReport};

use super::{count, headline, thousands, window, Source, SHOWN_USERS};
use crate::page::escape::visible;
use crate::style::Style;
use crate::text::wrap;

/// The widest the user column grows before a long name gets a line of its own.
const USER_COLUMN: usize = 36;

/// The whole text report.
pub fn text(report: &Report, source: &Source, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.bold("CloudTrail sign-ins"));
    let s = report.sign_ins;
    let mut rows = vec![
        ("Read from", visible(&source.describe()).into_owned()),
        ("Window", window(report)),
        (
            "Events read",
            count(
                report.events_read,
                "CloudTrail record",
                "CloudTrail records",
            ),
        ),
        (
            "Sign-ins",
            format!(
                "{}, {} failed",
                count(s.attempts, "attempt", "attempts"),
                thousands(s.failed)
            ),
        ),
    ];
    if !report.causes.is_empty() {
        rows.push((
            "Causes",
            report
                .causes
                .iter()
                .map(|c| format!("{} {}", c.code, thousands(c.count)))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    for (label, value) in rows {
        let _ = writeln!(out, "{}", wrap(&format!("  {label:<12} {value}"), 15));
    }
    if !report.causes.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("Causes, most frequent first"));
        for c in &report.causes {
            cause(&mut out, c, style);
        }
    }
    if !report.users.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("Users, most failures first"));
        users(&mut out, &report.users, style);
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("Warnings"));
        for w in &report.warnings {
            let about = w
                .file
                .as_deref()
                .map(|f| format!("{}: ", visible(f)))
                .unwrap_or_default();
            let line = format!("  ⚠ {about}{}", visible(&w.message));
            let _ = writeln!(
                out,
                "{}",
                style.severity(Severity::Warning, &wrap(&line, 4))
            );
        }
    }
    let outcome = headline(report);
    let _ = writeln!(
        out,
        "\n{}",
        if s.failed > 0 {
            style.severity(Severity::Error, &outcome)
        } else {
            style.good(&outcome)
        }
    );
    out
}

fn cause(out: &mut String, c: &CauseReport, style: Style) {
    let _ = writeln!(
        out,
        "\n  {} · {}",
        style.severity(Severity::Error, c.code.as_str()),
        c.title
    );
    let _ = writeln!(
        out,
        "      {}, {}, from {} to {}",
        count(c.count, "failure", "failures"),
        count(c.users, "user", "users"),
        c.first,
        c.last
    );
    for (label, values) in [
        ("Accounts", &c.accounts),
        ("Roles", &c.roles),
        ("Identity providers", &c.identity_providers),
    ] {
        if values.is_empty() {
            continue;
        }
        let shown: Vec<String> = values.iter().map(|v| visible(v).into_owned()).collect();
        let line = format!("      {label:<19} {}", shown.join(", "));
        let _ = writeln!(out, "{}", style.dim(&wrap(&line, 26)));
    }
    let _ = writeln!(out, "{}", wrap(&format!("      Fix: {}", c.fix), 11));
    for m in &c.messages {
        let line = format!("      AWS said: \"{}\"", visible(m));
        let _ = writeln!(out, "{}", style.dim(&wrap(&line, 16)));
    }
}

fn users(out: &mut String, users: &[UserReport], style: Style) {
    let width = users
        .iter()
        .take(SHOWN_USERS)
        .map(|u| visible(&u.user).chars().count())
        .filter(|&w| w <= USER_COLUMN)
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "  {:<width$}  {:>8}  {:<20}  {:<9}  CAUSES",
            "USER", "FAILURES", "LAST FAILURE", "RECOVERED"
        ))
    );
    for u in users.iter().take(SHOWN_USERS) {
        let name = visible(&u.user);
        let codes: Vec<&str> = u.codes.iter().map(|c| c.as_str()).collect();
        let columns = format!(
            "{:>8}  {:<20}  {:<9}  {}",
            thousands(u.failures),
            u.last_failure.to_string(),
            if u.recovered { "yes" } else { "no" },
            codes.join(", ")
        );
        if name.chars().count() > width {
            let _ = writeln!(out, "  {name}");
            let _ = writeln!(out, "  {:<width$}  {columns}", "");
        } else {
            let _ = writeln!(out, "  {name:<width$}  {columns}");
        }
    }
    if users.len() > SHOWN_USERS {
        let _ = writeln!(
            out,
            "  … and {} more (--format json lists every one)",
            thousands((users.len() - SHOWN_USERS) as u64)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use trail::{analyze, Input, Options};

    fn example() -> Report {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        analyze(
            &[Input::Path(root.join("examples/cloudtrail"))],
            &Options::default(),
        )
    }

    #[test]
    fn the_example_trail_in_words() {
        let r = example();
        let source = Source::Files {
            inputs: vec!["examples/cloudtrail".into()],
        };
        let t = text(&r, &source, Style::plain());
        assert!(t.starts_with("CloudTrail sign-ins\n  Read from    examples/cloudtrail\n"));
        assert!(t.contains("  Sign-ins     25 attempts, 20 failed\n"), "{t}");
        assert!(t.contains("\n  signature_invalid · "), "{t}");
        assert!(t.contains("      4 failures, 3 users, from 2024-05-07T07:30:00Z to "));
        assert!(t.contains("      Fix: Upload the identity provider's current metadata"));
        assert!(t.contains("      AWS said: \"Response signature invalid\"\n"));
        assert!(t.contains("Identity providers  arn:aws:iam::111122223333:saml-provider/AzureAD"));
        // Every cause and every user, in the report's order.
        let mut at = 0;
        for c in &r.causes {
            let i = t[at..]
                .find(&format!("\n  {} · ", c.code))
                .unwrap_or_else(|| panic!("{} missing or out of order", c.code));
            at += i + 1;
        }
        for u in &r.users {
            assert!(t.contains(&format!("  {}", u.user)), "{}", u.user);
        }
        let bob = t
            .lines()
            .find(|l| l.starts_with("  bob@example.com"))
            .unwrap();
        assert!(
            bob.contains("       2  2024-05-08T23:10:00Z  no         connect_user_not_found"),
            "{bob}"
        );
        assert!(
            t.contains("⚠ ") && t.contains("TruncatedExample.json.gz:"),
            "{t}"
        );
        assert!(t.ends_with("\n20 of 25 sign-ins failed\n"), "{t}");
    }

    #[test]
    fn terminal_escapes_in_log_values_are_shown_not_sent() {
        let mut r = example();
        r.users[0].user = "eve\u{1b}]0;pwned\u{7}\u{1b}[2J\nfake line".into();
        r.causes[0].messages = vec!["bad\u{1b}[31m red".into()];
        let t = text(&r, &Source::Files { inputs: vec![] }, Style::plain());
        assert!(!t.contains('\u{1b}') && !t.contains('\u{7}'));
        assert!(t.contains("eveU+001B]0;pwnedU+0007U+001B[2JU+000Afake line"));
        assert!(t.contains("Read from    standard input"));
    }
}

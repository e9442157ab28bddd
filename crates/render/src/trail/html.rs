//! `trail --format html`: one self-contained page for the admin's ticket or the identity team.
//! The outcome and every cause's code first, then the failures per day by cause (SVG), each
//! cause with its fix and AWS's own messages, the users, and what could not be read.
//!
//! The same rules as the `diagnose` page ([`crate::page`]): inline CSS and SVG only, no script,
//! no external resource, a Content-Security-Policy of `default-src 'none'`, every value escaped.
//! Nothing secret reaches it: the report holds no credential (the reader never reads
//! `responseElements.credentials`), and AWS's messages go through `redact`'s patterns anyway.

use std::fmt::Write as _;

use trail::{CauseReport, Report, UserReport, WarningKind};

use super::{chart, count, headline, thousands, window, Source, SHOWN_USERS};
use crate::page::escape::{attr, scrub, text};
use crate::words::severity_label;

/// The trail page's own style, after the shared one.
const STYLE: &str = include_str!("style.css");

/// The whole page.
pub fn html(report: &Report, source: &Source) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let outcome = headline(report);
    let title = if report.sign_ins.failed > 0 {
        format!("✗ {outcome} · saml-doctor trail")
    } else {
        format!("{outcome} · saml-doctor trail")
    };
    crate::page::open(&mut out, &title, STYLE);
    verdict(&mut out, report, source);
    out.push_str("<nav aria-label=\"sections\"><a href=\"#chart\">Per day</a> <a href=\"#causes\">Causes</a> <a href=\"#users\">Users</a>");
    if !report.warnings.is_empty() {
        out.push_str(" <a href=\"#warnings\">Warnings</a>");
    }
    out.push_str("</nav>\n<main>\n");
    out.push_str("<section id=\"chart\" aria-labelledby=\"chart-h\">\n<h2 id=\"chart-h\">Failed sign-ins per day, by cause</h2>\n");
    chart::figure(&mut out, report);
    out.push_str("</section>\n<section id=\"causes\" aria-labelledby=\"causes-h\">\n<h2 id=\"causes-h\">Causes and how to fix them</h2>\n");
    if report.causes.is_empty() {
        out.push_str("<p class=\"muted\">No failed sign-in in the window.</p>\n");
    }
    for (rank, c) in report.causes.iter().enumerate() {
        cause(&mut out, c, chart::colour(rank));
    }
    out.push_str("</section>\n<section id=\"users\" aria-labelledby=\"users-h\">\n<h2 id=\"users-h\">Users who failed to sign in</h2>\n");
    users(&mut out, &report.users);
    out.push_str("</section>\n");
    warnings(&mut out, report);
    out.push_str("</main>\n");
    crate::page::close(
        &mut out,
        &format!(
            "Made by saml-doctor {} from {}. Users are named as CloudTrail gives them: the NameID, else the role session name, else the identity-store user. The page holds no credential. Finding codes are stable: <code>saml-doctor explain CODE</code> says more.",
            env!("CARGO_PKG_VERSION"),
            text(&scrub(&source.describe()))
        ),
    );
    out
}

/// The first screenful: the outcome, the window and the source, and every cause's code.
fn verdict(out: &mut String, report: &Report, source: &Source) {
    let s = report.sign_ins;
    let (class, glyph) = match (s.attempts, s.failed) {
        (_, f) if f > 0 => ("fail", "✗"),
        (0, _) => ("warn", "⚠"),
        _ => ("pass", "✓"),
    };
    let _ = writeln!(
        out,
        "<header class=\"verdict {class}\" role=\"banner\">\n<p class=\"brand\">saml-doctor trail · CloudTrail sign-ins · <span class=\"input\">{}</span></p>\n<h1><span aria-hidden=\"true\">{glyph} </span>{}</h1>",
        text(&scrub(&source.describe())),
        text(&headline(report))
    );
    if let Some(top) = report.causes.first() {
        let _ = writeln!(
            out,
            "<p class=\"fix\"><strong>Most frequent, <code>{}</code>:</strong> {} <strong>Fix:</strong> {}</p>",
            text(top.code.as_str()),
            text(&top.title),
            text(&top.fix)
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"summary\"><strong>{}</strong>, {} · window: {} · {} read</p>",
        text(&count(s.attempts, "sign-in", "sign-ins")),
        text(&format!("{} failed", thousands(s.failed))),
        text(&window(report)),
        text(&count(
            report.events_read,
            "CloudTrail record",
            "CloudTrail records"
        ))
    );
    if !report.causes.is_empty() {
        out.push_str("<ul class=\"codes causes\" aria-label=\"causes, most frequent first\">");
        for c in &report.causes {
            let _ = write!(
                out,
                "<li class=\"sev-error\"><a href=\"#cause-{code}\" title=\"{}\"><span class=\"sev\">✗</span> <code>{code}</code> <span class=\"n\">{}</span></a></li>",
                attr(&format!("{}: {}, {}", c.title, count(c.count, "failure", "failures"), count(c.users, "user", "users"))),
                thousands(c.count),
                code = text(c.code.as_str()),
            );
        }
        out.push_str("</ul>\n");
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"warned\"><a href=\"#warnings\"><span aria-hidden=\"true\">⚠ </span>{}</a></p>",
            text(&count(report.warnings.len() as u64, "warning", "warnings"))
        );
    }
    out.push_str("</header>\n");
}

/// One cause's card; `colour` is its slot in the chart.
fn cause(out: &mut String, c: &CauseReport, colour: usize) {
    let code = text(c.code.as_str());
    let _ = writeln!(
        out,
        "<article class=\"finding sev-error\" id=\"cause-{code}\">\n<h4><span class=\"sev\">✗ {}</span> <span class=\"swatch s{colour}\" aria-hidden=\"true\"></span><code>{code}</code> · {}</h4>\n<p class=\"stats\"><strong>{}</strong> · {} · first <time>{}</time> · last <time>{}</time></p>",
        severity_label(saml_core::Severity::Error),
        text(&c.title),
        text(&count(c.count, "failure", "failures")),
        text(&count(c.users, "user", "users")),
        c.first,
        c.last
    );
    let lists = [
        ("Accounts", &c.accounts),
        ("Roles", &c.roles),
        ("Identity providers", &c.identity_providers),
    ];
    if lists.iter().any(|(_, v)| !v.is_empty()) {
        out.push_str("<table class=\"where\">\n<tbody>\n");
        for (label, values) in lists.iter().filter(|(_, v)| !v.is_empty()) {
            let shown: Vec<String> = values
                .iter()
                .map(|v| format!("<code>{}</code>", text(v)))
                .collect();
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{label}</th><td>{}</td></tr>",
                shown.join(" ")
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"fix\"><strong>Fix:</strong> {}</p>",
        text(&c.fix)
    );
    if !c.messages.is_empty() {
        out.push_str("<p class=\"said\">AWS said:</p>\n<ul class=\"messages\">");
        for m in &c.messages {
            let _ = write!(out, "<li><q>{}</q></li>", text(&scrub(m)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</article>\n");
}

fn users(out: &mut String, users: &[UserReport]) {
    if users.is_empty() {
        out.push_str("<p class=\"muted\">Nobody failed to sign in in the window.</p>\n");
        return;
    }
    let recovered = users.iter().filter(|u| u.recovered).count();
    let _ = writeln!(
        out,
        "<p>{}, {} of them signed in successfully after their last failure.</p>",
        text(&count(users.len() as u64, "user", "users")),
        thousands(recovered as u64)
    );
    out.push_str("<table class=\"users\">\n<thead><tr><th scope=\"col\">User</th><th scope=\"col\" class=\"num\">Failures</th><th scope=\"col\">Causes</th><th scope=\"col\">Last failure (UTC)</th><th scope=\"col\">Recovered</th></tr></thead>\n<tbody>\n");
    for u in users.iter().take(SHOWN_USERS) {
        let codes: Vec<String> = u
            .codes
            .iter()
            .map(|c| {
                format!(
                    "<a href=\"#cause-{0}\"><code>{0}</code></a>",
                    text(c.as_str())
                )
            })
            .collect();
        let (class, recovered) = if u.recovered {
            ("yes", "✓ yes")
        } else {
            ("no", "✗ no")
        };
        let _ = writeln!(
            out,
            "<tr class=\"{class}\"><th scope=\"row\" class=\"user\">{}</th><td class=\"num\">{}</td><td>{}</td><td><time>{}</time></td><td class=\"recovered\">{recovered}</td></tr>",
            text(&u.user),
            thousands(u.failures),
            codes.join(" "),
            u.last_failure
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if users.len() > SHOWN_USERS {
        let _ = writeln!(
            out,
            "<p class=\"muted\">… and {} more: <code>--format json</code> lists every one.</p>",
            thousands((users.len() - SHOWN_USERS) as u64)
        );
    }
}

fn warnings(out: &mut String, report: &Report) {
    if report.warnings.is_empty() {
        return;
    }
    out.push_str("<section id=\"warnings\" aria-labelledby=\"warnings-h\">\n<h2 id=\"warnings-h\">What could not be read</h2>\n<ul class=\"warnings\">\n");
    for w in &report.warnings {
        let kind = match w.kind {
            WarningKind::CorruptGzip => "damaged gzip",
            WarningKind::CorruptJson => "damaged JSON",
            WarningKind::NotCloudTrail => "not CloudTrail",
            WarningKind::Unreadable => "unreadable",
            WarningKind::TooLarge => "too large",
            WarningKind::EmptyWindow => "empty window",
            WarningKind::MoreWarnings => "more",
        };
        let file = w
            .file
            .as_deref()
            .map(|f| format!(" <span class=\"path\">{}</span>:", text(f)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<li><span class=\"sev\">⚠ {kind}</span>{file} {}</li>",
            text(&w.message)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use trail::{analyze, Input, Options};

    /// The tags of this page beyond the ones every page uses.
    const TAGS: &[&str] = &["line", "details", "summary"];

    fn example() -> Report {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        analyze(
            &[Input::Path(root.join("examples/cloudtrail"))],
            &Options::default(),
        )
    }

    fn files() -> Source {
        Source::Files {
            inputs: vec!["examples/cloudtrail".into()],
        }
    }

    #[test]
    fn the_page_has_the_outcome_every_cause_and_every_user() {
        let r = example();
        let page = html(&r, &files());
        crate::page::assert_inert(&page, TAGS);
        let header = &page[..page.find("</header>").unwrap()];
        assert!(header.contains("20 of 25 sign-ins failed"));
        for c in &r.causes {
            assert!(
                header.contains(&format!("href=\"#cause-{}\"", c.code)),
                "{}",
                c.code
            );
            assert!(page.contains(&format!(
                "<article class=\"finding sev-error\" id=\"cause-{}\">",
                c.code
            )));
            assert!(page.contains(&text(&c.fix)), "{}", c.code);
        }
        for u in &r.users {
            assert!(page.contains(&format!(
                "<th scope=\"row\" class=\"user\">{}</th>",
                text(&u.user)
            )));
        }
        assert!(page.contains("<svg viewBox="));
        assert!(page.contains("<q>Response signature invalid</q>"));
        assert!(page.contains("TruncatedExample.json.gz"));
    }

    #[test]
    fn hostile_log_values_are_text() {
        let mut r = example();
        let script = "<script>alert(1)</script>";
        let img = "\"><img src=x onerror=alert(2)>";
        r.users[0].user = script.into();
        r.users[1].user = img.into();
        r.causes[0].roles = vec![format!("javascript:alert(3)//{img}")];
        r.causes[0].messages = vec![format!("{script} AKIAIOSFODNN7EXAMPLE")];
        r.warnings[0].file = Some(img.into());
        let page = html(
            &r,
            &Source::Files {
                inputs: vec![script.into()],
            },
        );
        crate::page::assert_inert(&page, TAGS);
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
        assert!(
            !page.contains("AKIAIOSFODNN7EXAMPLE"),
            "an access key id in a message"
        );
    }

    #[test]
    fn an_empty_window_says_so() {
        let r = trail::report::Summary::default().into_report(trail::Window::default(), Vec::new());
        let page = html(&r, &files());
        crate::page::assert_inert(&page, TAGS);
        assert!(page.contains("No SAML sign-in in the window"));
        assert!(page.contains("nothing to draw"));
        assert!(page.contains("<header class=\"verdict warn\""));
    }
}

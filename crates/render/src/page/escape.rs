//! Escaping for the HTML pages, and for the terminal. Every string from a capture or a CloudTrail
//! log is attacker-controlled (a failed sign-in's NameID is whatever the poster of the assertion
//! wrote): on a page it is written only as element text or as a double-quoted attribute value,
//! never into a URL attribute, a style or a script, and it goes through one of these functions
//! first.
//!
//! Characters a reader cannot see (controls, bidirectional overrides, zero-width characters)
//! are shown as `U+XXXX`, so a value cannot pretend to be another one on screen, nor send escape
//! sequences to a terminal ([`visible`]).

use std::fmt::Write as _;

/// A character that would be invisible or reorder text around it.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
            | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// Plain text for a terminal: hidden characters (escape sequences' ESC among them) written as
/// `U+XXXX`, everything else as it is.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hidden(c) {
            let _ = write!(out, "U+{:04X}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Element text: markup characters escaped, hidden characters shown as a marked `U+XXXX`.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        if is_hidden(c) && c != '\n' {
            let _ = write!(
                out,
                "<span class=\"cp\" title=\"invisible character\">U+{:04X}</span>",
                c as u32
            );
        } else {
            push_escaped(&mut out, c);
        }
    }
    out
}

/// A double-quoted attribute value (`title="…"`): markup characters escaped, hidden characters
/// written as `U+XXXX`.
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hidden(c) {
            let _ = write!(out, "U+{:04X}", c as u32);
        } else {
            push_escaped(&mut out, c);
        }
    }
    out
}

/// Element text with the characters `bad` rejects marked (`<mark>`, underlined and titled, so
/// colour is not the only signal).
pub fn highlighted(s: &str, bad: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if bad(c) {
            let shown = if is_hidden(c) || c.is_whitespace() {
                format!("U+{:04X}", c as u32)
            } else {
                let mut e = String::new();
                push_escaped(&mut e, c);
                e
            };
            let _ = write!(
                out,
                "<mark class=\"bad-char\" title=\"{} is not allowed here\">{shown}</mark>",
                attr(&format!("{c:?} (U+{:04X})", c as u32))
            );
        } else {
            out.push_str(&text(&c.to_string()));
        }
    }
    out
}

/// Free text from a report (a finding's detail, a location) made safe to show: URL query values
/// and words whose name says secret are replaced by the rules of `redact` (cookies, tokens,
/// codes, passwords, signatures, JWTs, AWS keys). SAML fields shown on purpose are not touched,
/// except for parameters named like a secret.
pub fn scrub(s: &str) -> String {
    let mut kinds = Vec::new();
    let s = har::redact::redact_patterns(s, &mut kinds);
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(q) = rest.find('?') {
        // Only a query of something that looks like a URL.
        let before = &rest[..q];
        let url_start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        if !before[url_start..].contains("://") {
            out.push_str(&rest[..=q]);
            rest = &rest[q + 1..];
            continue;
        }
        out.push_str(&rest[..=q]);
        let end = rest[q + 1..]
            .find(|c: char| c.is_whitespace() || c == '#' || c == ')' || c == '`')
            .map_or(rest.len(), |i| q + 1 + i);
        let query = &rest[q + 1..end];
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if har::redact::secret_kind(name).is_some() => {
                    let _ = value;
                    format!("{name}=[redacted]")
                }
                _ => pair.to_owned(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_and_attributes_is_escaped() {
        let hostile = r#"<script>alert(1)</script>"><img src=x onerror=alert(2)>'&"#;
        let t = text(hostile);
        assert!(!t.contains('<') || t.matches('<').count() == 0, "{t}");
        assert_eq!(
            t,
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;&amp;"
        );
        let a = attr(hostile);
        assert!(
            !a.contains('"') && !a.contains('<') && !a.contains('\''),
            "{a}"
        );
    }

    #[test]
    fn hidden_characters_become_visible() {
        // A right-to-left override would make `moc.elpmaxe` read as `example.com`.
        let t = text("admin\u{202E}moc.elpmaxe\u{200B}\u{0}");
        assert!(t.contains("U+202E") && t.contains("U+200B") && t.contains("U+0000"));
        assert!(!t.contains('\u{202E}') && !t.contains('\u{0}'));
        assert!(!attr("a\u{202E}b").contains('\u{202E}'));
        assert_eq!(visible("a\u{1b}[2Jb\u{202E}"), "aU+001B[2JbU+202E");
        assert!(matches!(
            visible("plain <b>"),
            std::borrow::Cow::Borrowed("plain <b>")
        ));
        assert_eq!(text("a\nb"), "a\nb");
    }

    #[test]
    fn offending_characters_are_marked_and_escaped() {
        let h = highlighted("jane#EXT#<b>", |c| !saml_core::aws::is_session_name_char(c));
        assert_eq!(h.matches("<mark").count(), 4, "{h}");
        assert!(h.contains(">#</mark>") && h.contains(">&lt;</mark>"));
        assert!(!h.contains("<b>"));
        let spaced = highlighted("a b", |c| c == ' ');
        assert!(spaced.contains(">U+0020</mark>"));
    }

    #[test]
    fn scrub_removes_secret_query_values_and_tokens() {
        let s = scrub("entry 1: https://login.example.com/login?sso_nonce=N1&code=C2&tenant=t, then eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnop and AKIAABCDEFGHIJKLMNOP");
        assert!(!s.contains("N1") && !s.contains("C2"), "{s}");
        assert!(s.contains("tenant=t"), "{s}");
        assert!(
            !s.contains("eyJhbGci") && !s.contains("AKIAABCDEFGHIJKLMNOP"),
            "{s}"
        );
        // A relay state's destination is a SAML field the report is about: kept.
        let r = scrub("https://us-east-1.console.aws.amazon.com/connect/federate/x?destination=%2Fconnect%2Fccp-v2 is");
        assert!(r.contains("destination=%2Fconnect%2Fccp-v2 is"), "{r}");
        assert_eq!(scrub("Why? Because"), "Why? Because");
    }
}

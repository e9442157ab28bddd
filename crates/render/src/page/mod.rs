//! What every HTML page of saml-doctor shares (the `diagnose` report and the `trail` report): the
//! document's head with its Content-Security-Policy, the shared style (`base.css`: themes, the
//! verdict header, tables, finding cards, print), and the escaping every value goes through
//! ([`escape`]).
//!
//! A page is one self-contained, inert file: inline CSS and SVG only, no script, no external
//! resource, and a policy that forbids anything else, so a value that slipped through escaping
//! still could not run or fetch.

pub mod escape;

use std::fmt::Write as _;

use escape::text;

/// The pages' policy: nothing may load, connect, run or submit; inline styles only.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'";

/// The style every page starts with; each page adds its own after it.
pub const BASE_STYLE: &str = include_str!("base.css");

/// Opens a page: the head (charset, policy, no referrer, both colour schemes, the generator),
/// `title` (escaped), the base style then `style`, and the `<body>` tag.
pub fn open(out: &mut String, title: &str, style: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"generator\" content=\"saml-doctor {}\">\n<title>{}</title>\n<style>\n{BASE_STYLE}{style}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        text(title)
    );
}

/// Closes a page opened by [`open`]: the footer holds `footer_html` (already escaped).
pub fn close(out: &mut String, footer_html: &str) {
    let _ = write!(
        out,
        "<footer><p>{footer_html}</p></footer>\n</body>\n</html>\n"
    );
}

/// Checks a page's markup (tests): after the style, every tag is the head's, one every page uses
/// (the verdict header, sections, finding cards, tables, inline SVG), or one of `tags`; no tag
/// has an event handler, a style or a source attribute, and links stay in the page.
#[cfg(test)]
pub(crate) fn assert_inert(page: &str, tags: &[&str]) {
    const HEAD: [&str; 7] = ["!doctype", "html", "head", "meta", "title", "style", "body"];
    const SHARED: [&str; 31] = [
        "header",
        "nav",
        "main",
        "section",
        "footer",
        "article",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "span",
        "strong",
        "code",
        "a",
        "ul",
        "li",
        "q",
        "time",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "figure",
        "figcaption",
        "svg",
        "g",
        "rect",
        "text",
    ];
    let style_end = page.find("</style>").expect("a style");
    for tag in page[style_end..].split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let name = tag
            .trim_start_matches('/')
            .split([' ', '\n'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        assert!(
            [&HEAD[..], &SHARED, tags]
                .iter()
                .any(|list| list.contains(&name.as_str())),
            "tag <{tag}>"
        );
        // Attribute values are escaped (no raw quote inside): splitting on quotes works.
        for (i, part) in tag.split('"').enumerate().filter(|(i, _)| i % 2 == 0) {
            for attr in part.split_whitespace().skip(usize::from(i == 0)) {
                let attr = attr.trim_end_matches('=').to_ascii_lowercase();
                let forbidden = ["src", "style", "action", "formaction", "xlink:href"];
                assert!(
                    !attr.starts_with("on") && !forbidden.contains(&attr.as_str()),
                    "attribute {attr} in <{tag}>"
                );
            }
        }
        if let Some(i) = tag.find("href=\"") {
            assert!(tag[i + 6..].starts_with('#'), "a link out: <{tag}>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_inert_and_escapes_its_title() {
        let mut page = String::new();
        open(&mut page, "<script>alert(1)</script>", ".x { }\n");
        close(&mut page, "made");
        assert!(page.contains(&format!("content=\"{CSP}\"")));
        assert!(page.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
        assert!(page.contains(&format!("{BASE_STYLE}.x {{ }}\n</style>")));
        assert!(page.ends_with("<footer><p>made</p></footer>\n</body>\n</html>\n"));
    }
}

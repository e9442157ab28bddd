//! IAM Identity Center's error pages among a capture's responses: which text it showed, and
//! what usually causes it. The pages carry no detail of their own, so naming the likely causes
//! (checked against the assertion by the report's other findings) is the most they can give.
//!
//! Cheap by design: only bodies the scanner already keeps (HTML or unknown type, under its
//! cap), only from Identity Center's own hosts, one `memmem` search per known text.

use memchr::memmem;
use serde::Serialize;

use crate::entry::Entry;

/// One of Identity Center's error pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IdcPage {
    /// The text the user sees.
    pub text: &'static str,
    /// What usually causes it, for the finding's detail.
    pub likely_causes: &'static str,
    /// The bytes searched for (a fragment that survives HTML escaping of the apostrophe).
    #[serde(skip)]
    needle: &'static [u8],
}

/// The error pages recognised.
pub const PAGES: [IdcPage; 3] = [
    IdcPage {
        text: "An unexpected error has occurred",
        likely_causes: "IAM Identity Center refused the assertion: no user has the NameID as user name (not provisioned, or SCIM not synced yet), a NameID format other than emailAddress, an Audience or ACS URL of another instance or Region, or a signature by a certificate it does not hold",
        needle: b"An unexpected error has occurred",
    },
    IdcPage {
        text: "It's not you, it is us",
        likely_causes: "usually the same rejections as \"An unexpected error has occurred\" (unknown user, NameID, Audience or ACS mismatch, the identity provider's certificate not the one configured), otherwise a fault on AWS's side: retry later",
        needle: b"s not you, it",
    },
    IdcPage {
        text: "Invalid MFA credentials",
        likely_causes: "IAM Identity Center's own multi-factor authentication refused the code: a wrong or expired code, an authenticator whose clock is off, or a device that is no longer registered",
        needle: b"Invalid MFA credentials",
    },
];

/// A page seen in the capture: (HAR entry, URL, page).
pub type Seen = (usize, String, &'static IdcPage);

/// Hosts that serve Identity Center's sign-in and portal pages.
fn is_identity_center_host(url: &str) -> bool {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
    host.ends_with(".signin.aws")
        || host.ends_with(".awsapps.com") && !path.starts_with("/connect")
        || (host.ends_with(".signin.aws.amazon.com")
            || host.ends_with(".signin.amazonaws-us-gov.com")
            || host.ends_with(".signin.amazonaws.cn"))
            && path.starts_with("/platform/")
        || host.starts_with("portal.sso.") && host.ends_with(".amazonaws.com")
}

/// The Identity Center error pages in `entry`'s response body.
pub fn find(entry: &Entry) -> Vec<Seen> {
    let Some(body) = &entry.content_text else {
        return Vec::new();
    };
    if !is_identity_center_host(&entry.url) {
        return Vec::new();
    }
    let Some(body) = crate::find::response_body(body, entry.content_encoding.as_deref()) else {
        return Vec::new();
    };
    let body: &[u8] = &body;
    PAGES
        .iter()
        .filter(|p| memmem::find_iter(body, p.needle).any(|at| !inside_script(body, at)))
        .map(|p| (entry.index, entry.url.chars().take(160).collect(), p))
        .collect()
}

/// True when `at` is inside a `<script>` element: a single-page app's bundled strings (every
/// message it could show) are not the page the user saw.
fn inside_script(body: &[u8], at: usize) -> bool {
    let before = &body[..at];
    let last = |needle: &[u8]| {
        memmem::rfind(before, needle)
            .into_iter()
            .chain(memmem::rfind(before, &needle.to_ascii_uppercase()))
            .max()
    };
    match (last(b"<script"), last(b"</script")) {
        (Some(open), Some(close)) => open > close,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, body: &str) -> Entry {
        Entry {
            url: url.into(),
            content_text: Some(body.as_bytes().to_vec()),
            ..Entry::default()
        }
    }

    #[test]
    fn each_page_on_identity_center_hosts_only() {
        let acs = "https://us-east-1.signin.aws/platform/saml/acs/3f9a-1c2e";
        let page = |t: &str| format!("<html><body><h1>{t}</h1></body></html>");
        assert_eq!(
            find(&entry(acs, &page("An unexpected error has occurred")))[0]
                .2
                .text,
            PAGES[0].text
        );
        for apostrophe in ["'", "&#39;", "&#x27;", "\u{2019}", "&rsquo;"] {
            let body = page(&format!("It{apostrophe}s not you, it is us"));
            let found = find(&entry("https://d-9067a1b2c3.awsapps.com/start/", &body));
            assert_eq!(found.len(), 1, "{body}");
        }
        assert_eq!(
            find(&entry(
                "https://portal.sso.eu-west-1.amazonaws.com/x",
                &page("Invalid MFA credentials")
            ))[0]
                .2
                .text,
            PAGES[2].text
        );
        // The same words on any other site are not Identity Center's.
        assert!(find(&entry(
            "https://contoso.okta.com/app",
            &page("An unexpected error has occurred")
        ))
        .is_empty());
        assert!(find(&entry(
            "https://contoso-cc.awsapps.com/connect/ccp",
            &page("An unexpected error has occurred")
        ))
        .is_empty());
        assert!(find(&entry(acs, "<html>Welcome</html>")).is_empty());
        // A single-page app's bundled message strings are not an error shown.
        let spa = r#"<html><head><script>var m={"err":"An unexpected error has occurred"};</script></head><body><div id="root"></div></body></html>"#;
        assert!(find(&entry("https://d-9067a1b2c3.awsapps.com/start/", spa)).is_empty());
        let shown = format!("{spa}<p>An unexpected error has occurred</p>");
        assert_eq!(
            find(&entry("https://d-9067a1b2c3.awsapps.com/start/", &shown)).len(),
            1
        );
    }

    #[test]
    fn base64_bodies_are_read() {
        use base64::Engine;
        let body =
            base64::engine::general_purpose::STANDARD.encode("<p>Invalid MFA credentials</p>");
        let mut e = entry("https://us-east-1.sso.signin.aws/platform/login", &body);
        e.content_encoding = Some("base64".into());
        assert_eq!(find(&e).len(), 1);
    }
}

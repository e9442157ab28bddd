//! Spots SAML messages in a request as it is recorded, with saml-har's own finder (the one
//! `diagnose` uses on a HAR), so a message is reported live exactly when the HAR written later
//! would show it: a form POST body, a redirect-binding query string, or an auto-post form in a
//! response body.

use har::find::{find_in_entry, find_in_html, Found, LocationKind};
use saml_core::decode::MessageField;
use saml_core::identity_center::is_aws_saml_endpoint;
use saml_core::Timestamp;

use crate::record::Request;

/// A SAML message seen in the recording, the moment it was seen.
#[derive(Debug, Clone)]
pub struct SamlSeen {
    /// The request's index among the recording's requests: its HAR entry.
    pub entry: usize,
    /// When the browser started the request (the instant a diagnosis judges it at).
    pub started: Option<Timestamp>,
    /// The request's method.
    pub method: String,
    /// The request's URL. It may carry tokens in its query: never print it whole.
    pub url: String,
    /// The message as found: field, where, raw value, RelayState, form action.
    pub found: Found,
}

impl SamlSeen {
    /// A `SAMLResponse` in a form POST to an AWS sign-in endpoint (IAM federation or an IAM
    /// Identity Center ACS URL): the browser handing the response to AWS.
    pub fn is_response_posted_to_aws(&self) -> bool {
        self.found.field == MessageField::SamlResponse
            && self.found.kind == LocationKind::FormPost
            && is_aws_saml_endpoint(self.url.split(['?', '#']).next().unwrap_or(""))
    }
}

/// Messages in `req`'s URL query and, when `post` is given, its body.
pub(crate) fn in_request(entry: usize, req: &Request, post: Option<&str>) -> Vec<SamlSeen> {
    let view = har::entry::Entry {
        index: entry,
        method: req.method.clone(),
        url: req.url.clone(),
        has_post_data: post.is_some(),
        post_text: post.map(|p| p.as_bytes().to_vec()),
        ..Default::default()
    };
    seen(entry, req, find_in_entry(&view))
}

/// Messages in a body that came only later (a POST body fetched after the request started).
pub(crate) fn in_post(entry: usize, req: &Request, post: &str) -> Vec<SamlSeen> {
    let view = har::entry::Entry {
        index: entry,
        method: req.method.clone(),
        has_post_data: true,
        post_text: Some(post.as_bytes().to_vec()),
        ..Default::default()
    };
    seen(entry, req, find_in_entry(&view))
}

/// Messages in an HTML response body (the identity provider's auto-post form).
pub(crate) fn in_body(entry: usize, req: &Request) -> Vec<SamlSeen> {
    let Some(body) = &req.body else {
        return Vec::new();
    };
    let encoding = req.body_base64.then_some("base64");
    seen(entry, req, find_in_html(body.as_bytes(), encoding))
}

fn seen(entry: usize, req: &Request, found: Vec<Found>) -> Vec<SamlSeen> {
    found
        .into_iter()
        .map(|found| SamlSeen {
            entry,
            started: req.started,
            method: req.method.clone(),
            url: req.url.clone(),
            found,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, url: &str) -> Request {
        Request {
            method: method.into(),
            url: url.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_response_posted_to_aws_or_an_identity_center_acs_is_told_apart() {
        let post = "SAMLResponse=PHNhbWxwOlJlc3BvbnNl&RelayState=https%3A%2F%2Fx";
        for (url, to_aws) in [
            ("https://signin.aws.amazon.com/saml", true),
            (
                "https://us-east-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d-4a60-8e14",
                true,
            ),
            ("https://idp.example.com/saml", false),
        ] {
            let seen = in_request(3, &req("POST", url), Some(post));
            assert_eq!(seen.len(), 1, "{url}");
            assert_eq!(seen[0].entry, 3);
            assert_eq!(seen[0].found.relay_state.as_deref(), Some("https://x"));
            assert_eq!(seen[0].is_response_posted_to_aws(), to_aws, "{url}");
        }
    }

    #[test]
    fn a_redirect_query_is_seen_before_any_body_and_a_fetched_body_alone() {
        let r = req(
            "GET",
            "https://idp.example.com/sso?SAMLRequest=fZBBT8MwDIX%2F&RelayState=abc",
        );
        let seen = in_request(0, &r, None);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].found.field, MessageField::SamlRequest);
        assert_eq!(seen[0].found.kind, LocationKind::RedirectQuery);
        // The fetched body is searched alone: the query is not reported twice.
        let seen = in_post(0, &r, "SAMLResponse=abc");
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].found.kind, LocationKind::FormPost);
    }

    #[test]
    fn an_auto_post_form_in_a_body_is_seen_plain_or_base64() {
        let html = r#"<form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="PHNhbWw+"/></form>"#;
        let mut r = req("POST", "https://idp.example.com/login");
        r.body = Some(html.into());
        let seen = in_body(1, &r);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].found.kind, LocationKind::AutoPostForm);
        assert_eq!(
            seen[0].found.form_action.as_deref(),
            Some("https://signin.aws.amazon.com/saml")
        );
        assert!(!seen[0].is_response_posted_to_aws());
        use base64::Engine;
        r.body = Some(base64::engine::general_purpose::STANDARD.encode(html));
        r.body_base64 = true;
        assert_eq!(in_body(1, &r).len(), 1);
        r.body = None;
        assert!(in_body(1, &r).is_empty());
    }
}

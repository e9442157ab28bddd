//! What a recording holds: one [`Request`] per HTTP request (a redirect chain is one per hop,
//! as in a HAR) and one [`Page`] per top-level document, with the bounds that keep a long or
//! hostile session from growing memory without end.

use saml_core::Timestamp;

use crate::protocol::ResourceTiming;

/// The most requests kept; later ones are counted in [`crate::Recording::dropped_requests`].
pub const MAX_REQUESTS: usize = 50_000;
/// The longest POST body kept (as saml-har reads at most).
pub const MAX_POST: usize = har::entry::MAX_POST_TEXT;
/// The longest response body fetched (as saml-har searches at most).
pub const MAX_BODY: usize = har::entry::MAX_HTML_BODY;
/// All bodies, POST and response, together: beyond it no more are kept.
pub const MAX_STORED: usize = 256 * 1024 * 1024;
/// Headers kept per request or response.
pub const MAX_HEADERS: usize = 256;
/// The longest header value kept (a longer one is cut).
pub const MAX_HEADER_VALUE: usize = 64 * 1024;

/// What is known of a request's body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PostState {
    /// The request has no body.
    #[default]
    None,
    /// The body, as the browser sent it (UTF-8; other bytes replaced).
    Text(String),
    /// Asked for with `Network.getRequestPostData`; not answered yet.
    Pending,
    /// There was a body, but the browser could not give it (or it was over [`MAX_POST`]).
    Missing,
}

/// One request of the sign-in (one hop of a redirect chain).
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// When the browser started it.
    pub started: Option<Timestamp>,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The URL, without its fragment.
    pub url: String,
    /// `Document`, `XHR`, `Script`, ... as the browser classed it.
    pub resource_type: String,
    /// The request headers (with Cookie, when the browser reported them).
    pub request_headers: Vec<(String, String)>,
    /// The body.
    pub post: PostState,
    /// The response status; `None` when no response came (the request failed).
    pub status: Option<u16>,
    /// The status text.
    pub status_text: String,
    /// The response headers (with Set-Cookie, when the browser reported them).
    pub response_headers: Vec<(String, String)>,
    /// The response's MIME type.
    pub mime_type: String,
    /// `http/1.1`, `h2`, ...
    pub http_version: String,
    /// The server's address.
    pub server_ip: Option<String>,
    /// The response body when it may carry SAML (HTML, error pages), as the browser gave it.
    pub body: Option<String>,
    /// `body` is base64 (a body that was not text).
    pub body_base64: bool,
    /// Decoded response bytes received.
    pub body_size: u64,
    /// Where a redirect pointed.
    pub redirect_url: Option<String>,
    /// Why the request failed (`net::ERR_NAME_NOT_RESOLVED`, ...).
    pub error: Option<String>,
    /// The page (index into the recording's pages) it belongs to.
    pub page: Option<usize>,
    /// Monotonic seconds: start and end (finished, failed, or redirected onward).
    pub(crate) start_mono: f64,
    pub(crate) end_mono: Option<f64>,
    pub(crate) timing: Option<ResourceTiming>,
    /// The DevTools session and request id it came on: the key of its redirect chain.
    pub(crate) session: String,
    pub(crate) request_id: String,
    /// A top-level navigation of a page target.
    pub(crate) main_document: bool,
    pub(crate) has_request_extra: bool,
    pub(crate) has_response_extra: bool,
}

impl Request {
    /// Ended: finished, failed, or redirected onward.
    pub fn is_complete(&self) -> bool {
        self.end_mono.is_some()
    }

    /// The host of its URL, lower-cased.
    pub fn host(&self) -> Option<String> {
        har::url::host_of(&self.url)
    }

    /// Milliseconds from start to end, when it ended.
    pub fn duration_ms(&self) -> Option<f64> {
        self.end_mono
            .map(|end| ((end - self.start_mono) * 1000.0).max(0.0))
    }
}

/// One top-level document of a tab or popup, as a HAR page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// When its navigation started.
    pub started: Option<Timestamp>,
    /// Its title, or its URL until it has one (without query or fragment).
    pub title: String,
    /// Milliseconds from the start to DOMContentLoaded and to load.
    pub on_content_load: Option<f64>,
    /// See `on_content_load`.
    pub on_load: Option<f64>,
    pub(crate) start_mono: f64,
}

/// Every host a top-level page was requested from, in order of first visit.
pub fn hosts_visited(requests: &[Request]) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    for r in requests.iter().filter(|r| r.main_document) {
        if let Some(h) = r.host() {
            if !hosts.contains(&h) {
                hosts.push(h);
            }
        }
    }
    hosts
}

/// A page title as it may be kept: Chrome titles a page that has none with its URL, query
/// and all, so anything after a `?` or `#` in a title that holds one is dropped (a real title
/// rarely does; a token in a URL often does). `redact` also redacts a title as a URL, but only
/// the parameters whose names say they are secret: this keeps the rest out of the HAR too.
pub(crate) fn safe_title(title: &str) -> String {
    let kept = title.split(['?', '#']).next().unwrap_or("");
    cut(kept.to_string(), 1024)
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub(crate) fn cut(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// The headers to keep: at most [`MAX_HEADERS`], values cut at [`MAX_HEADER_VALUE`].
pub(crate) fn keep_headers(headers: Vec<(String, String)>) -> Vec<(String, String)> {
    headers
        .into_iter()
        .take(MAX_HEADERS)
        .map(|(n, v)| (cut(n, MAX_HEADER_VALUE), cut(v, MAX_HEADER_VALUE)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_never_keeps_a_query() {
        assert_eq!(
            safe_title("127.0.0.1:8/start?case=a&access_token=t"),
            "127.0.0.1:8/start"
        );
        assert_eq!(
            safe_title("Sign in to your account"),
            "Sign in to your account"
        );
    }

    #[test]
    fn cutting_keeps_whole_characters() {
        assert_eq!(cut("héllo".into(), 2), "h");
        assert_eq!(cut("héllo".into(), 3), "hé");
        assert_eq!(cut("abc".into(), 10), "abc");
        let many: Vec<(String, String)> = (0..300)
            .map(|i| (format!("h{i}"), "x".repeat(70_000)))
            .collect();
        let kept = keep_headers(many);
        assert_eq!(kept.len(), MAX_HEADERS);
        assert!(kept.iter().all(|(_, v)| v.len() == MAX_HEADER_VALUE));
    }
}

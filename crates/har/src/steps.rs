//! The sign-in as it happened: the capture's entries that belong to the sign-in (identity
//! provider pages, the POST to AWS, the federation call, the console or Connect page, every
//! host a SAML message was seen on), for a timeline.
//!
//! Memory stays bounded whatever the capture: at most [`MAX_STEPS`] steps are kept (the first
//! ones, every step that carries a SAML message or reaches AWS's sign-in, and the latest), each
//! with a short, redacted path and the *names* of its query parameters, never their values.
//! Scripts, styles, images and fonts are not steps, nor are the Connect and console apps' own
//! API calls.

use saml_core::aws::endpoints::is_aws_signin_endpoint;
use saml_core::Timestamp;
use serde::Serialize;

use crate::entry::Entry;
use crate::find::{Found, LocationKind};
use crate::url::{host_of, split_url};

/// The most steps kept.
pub const MAX_STEPS: usize = 60;
/// Steps at the start of the capture that are never dropped to make room.
const KEEP_HEAD: usize = 12;
/// Entries on hosts not yet known to be part of the sign-in, kept in case a SAML message is
/// seen on their host later (a custom identity provider's login page before its auto-post form).
const MAX_PENDING: usize = 16;
/// Distinct hosts remembered as carrying SAML.
const MAX_SAML_HOSTS: usize = 16;
const MAX_PATH_CHARS: usize = 120;
const MAX_QUERY_NAMES: usize = 8;
const MAX_NAME_CHARS: usize = 40;

/// What a step's host is, for people reading the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The identity provider (a known product, or a host SAML messages were seen on).
    IdentityProvider,
    /// AWS's SAML sign-in endpoint (`signin.aws.amazon.com/saml` and its partitions).
    AwsSignIn,
    /// The console's federation into Amazon Connect (`…/connect/federate/<instance>`).
    Federation,
    /// The AWS console.
    Console,
    /// The Amazon Connect instance (`*.my.connect.aws`, `*.awsapps.com/connect`).
    Connect,
    /// IAM Identity Center: its sign-in and ACS (`*.signin.aws`) and access portal
    /// (`*.awsapps.com/start`).
    AccessPortal,
}

impl StepKind {
    /// The kind, for people: `AWS sign-in`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::IdentityProvider => "identity provider",
            Self::AwsSignIn => "AWS sign-in",
            Self::Federation => "federation into Connect",
            Self::Console => "AWS console",
            Self::Connect => "Amazon Connect",
            Self::AccessPortal => "IAM Identity Center",
        }
    }
}

/// One entry of the sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Position in `log.entries`, from 0.
    pub entry: usize,
    /// When the browser started the request.
    pub started: Option<Timestamp>,
    /// The request method (cut to 12 characters).
    pub method: String,
    /// Lower-case host, without user info or port.
    pub host: String,
    /// The path, without query or fragment; tokens in it replaced by markers, long segments cut.
    pub path: String,
    /// The query parameters' names (never their values).
    pub query_names: Vec<String>,
    /// The response status.
    pub status: Option<u16>,
    /// What the host is.
    pub kind: StepKind,
    /// A SAML message was found in this entry.
    pub carries_saml: bool,
}

/// The steps of a capture's sign-in.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Steps {
    /// In capture order.
    pub steps: Vec<Step>,
    /// Steps dropped to stay within [`MAX_STEPS`].
    pub omitted: usize,
    /// The capture's first `startedDateTime`, the origin of the timeline's offsets.
    pub first_started: Option<Timestamp>,
    #[serde(skip)]
    saml_hosts: Vec<String>,
    #[serde(skip)]
    pending: Vec<Step>,
}

impl Steps {
    /// Looks at one entry (with the SAML messages found in it) and keeps it if it is a step.
    pub fn observe(&mut self, entry: &Entry, found: &[Found]) {
        let started = entry
            .started
            .as_deref()
            .and_then(|s| Timestamp::parse(s).ok());
        self.observe_at(entry, started, host_of(&entry.url), found);
    }

    /// [`Self::observe`], given what the caller has already read from the entry: its start time
    /// and its URL's host ([`host_of`]).
    pub fn observe_at(
        &mut self,
        entry: &Entry,
        started: Option<Timestamp>,
        host: Option<String>,
        found: &[Found],
    ) {
        if self.first_started.is_none() {
            self.first_started = started;
        }
        let Some(host) = host else {
            return;
        };
        let carries_saml = !found.is_empty();
        if carries_saml {
            // The host the message was seen on, and where its auto-post form sends it.
            let targets = std::iter::once(host.clone()).chain(
                found
                    .iter()
                    .filter(|f| f.kind == LocationKind::AutoPostForm)
                    .filter_map(|f| f.form_action.as_deref().and_then(host_of)),
            );
            for h in targets {
                self.remember_saml_host(h);
            }
        }
        let kind = match classify(&host, &entry.url) {
            Some(kind) => kind,
            None if self.saml_hosts.contains(&host) => StepKind::IdentityProvider,
            None => {
                if is_page(entry) {
                    self.remember_pending(make_step(
                        entry,
                        started,
                        host,
                        StepKind::IdentityProvider,
                        false,
                    ));
                }
                return;
            }
        };
        let app = matches!(kind, StepKind::Connect | StepKind::Console);
        if (app && !carries_saml && !is_page(entry)) || is_static(entry) {
            return;
        }
        self.push(make_step(entry, started, host, kind, carries_saml));
    }

    fn remember_saml_host(&mut self, host: String) {
        if self.saml_hosts.contains(&host) || self.saml_hosts.len() >= MAX_SAML_HOSTS {
            return;
        }
        // Earlier pages on this host were part of the sign-in after all.
        let (promoted, rest): (Vec<Step>, Vec<Step>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|s| s.host == host);
        self.pending = rest;
        for step in promoted {
            self.push(step);
        }
        self.saml_hosts.push(host);
    }

    fn remember_pending(&mut self, step: Step) {
        if self.pending.len() >= MAX_PENDING {
            self.pending.remove(0);
        }
        self.pending.push(step);
    }

    fn push(&mut self, step: Step) {
        if self.steps.len() >= MAX_STEPS {
            // Make room by dropping the earliest ordinary step after the head.
            match (KEEP_HEAD..self.steps.len()).find(|&i| !self.steps[i].is_key()) {
                Some(i) => {
                    self.steps.remove(i);
                    self.omitted += 1;
                }
                None => {
                    self.omitted += 1;
                    return;
                }
            }
        }
        // Promoted pending steps come from earlier entries: keep capture order.
        let at = self.steps.partition_point(|s| s.entry <= step.entry);
        self.steps.insert(at, step);
    }

    /// The step of a HAR entry, when it was kept.
    pub fn for_entry(&self, entry: usize) -> Option<&Step> {
        self.steps.iter().find(|s| s.entry == entry)
    }
}

impl Step {
    /// Never dropped to make room: the SAML message's own steps and AWS's answer to it.
    fn is_key(&self) -> bool {
        self.carries_saml || matches!(self.kind, StepKind::AwsSignIn | StepKind::Federation)
    }
}

fn make_step(
    entry: &Entry,
    started: Option<Timestamp>,
    host: String,
    kind: StepKind,
    carries_saml: bool,
) -> Step {
    let (path, query) = split_url(&entry.url);
    Step {
        entry: entry.index,
        started,
        method: entry.method.chars().take(12).collect(),
        host,
        path: safe_path(path),
        query_names: query_names(query),
        status: entry.status,
        kind,
        carries_saml,
    }
}

/// The path as it may be shown: JWTs and AWS keys replaced (the rules of `redact`), segments
/// long enough to be a token cut to a marker, the whole capped.
pub fn safe_path(path: &str) -> String {
    let mut kinds = Vec::new();
    let redacted = crate::redact::redact_patterns(path, &mut kinds);
    let mut out = String::new();
    for (i, segment) in redacted.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if segment.chars().count() > 48 {
            out.push_str("[long value]");
        } else {
            out.push_str(segment);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    if out.chars().count() > MAX_PATH_CHARS {
        out = out.chars().take(MAX_PATH_CHARS).collect::<String>() + "…";
    }
    out
}

/// The distinct names of a query's parameters, in order; values are never kept.
fn query_names(query: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let name = pair.split('=').next().unwrap_or("");
        let mut kinds = Vec::new();
        let name = crate::redact::redact_patterns(name, &mut kinds);
        let name: String = if name.chars().count() > MAX_NAME_CHARS {
            "[long name]".into()
        } else {
            name
        };
        if names.len() >= MAX_QUERY_NAMES {
            names.push("…".into());
            break;
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// A URL as it may be shown to a person or put in a report: scheme, host and path (tokens in
/// the path replaced, long segments cut) and the *names* of its query parameters, never their
/// values (`https://idp.example.com/login?access_token=…&case=…`).
pub fn display_url(url: &str) -> String {
    let Some((scheme, _)) = url.split_once("://") else {
        return "[not a URL]".into();
    };
    if scheme.is_empty()
        || scheme.len() > 16
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return "[not a URL]".into();
    }
    let (path, query) = split_url(url);
    let mut out = format!(
        "{scheme}://{}{}",
        host_of(url).unwrap_or_default(),
        safe_path(path)
    );
    let names: Vec<String> = query_names(query)
        .into_iter()
        .map(|n| if n == "…" { n } else { format!("{n}=…") })
        .collect();
    if !names.is_empty() {
        out.push('?');
        out.push_str(&names.join("&"));
    }
    out
}

/// A page the user visited, as opposed to what a page loaded (its scripts, images, API calls):
/// what the HAR calls a `document`, or, in a HAR that does not say (Firefox, Safari), a
/// response that looks like one (HTML, a redirect, a form POST, a failed request) and is not a
/// static file.
pub fn is_page_visit(entry: &Entry) -> bool {
    match &entry.resource_type {
        Some(kind) => kind.eq_ignore_ascii_case("document"),
        None => is_page(entry) && !is_static(entry),
    }
}

/// Hosts that are part of a sign-in whatever the capture: AWS's and the common identity
/// providers'.
fn classify(host: &str, url: &str) -> Option<StepKind> {
    let (path, _) = split_url(url);
    let path = path.to_ascii_lowercase();
    // The host is `suffix` or a subdomain of it (no allocation: this runs for every entry).
    let under = |suffix: &str| {
        host.strip_suffix(suffix)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    };
    if is_aws_signin_endpoint(url.split(['?', '#']).next().unwrap_or(url))
        || under("signin.aws.amazon.com")
        || under("signin.amazonaws-us-gov.com")
        || under("signin.amazonaws.cn")
    {
        return Some(StepKind::AwsSignIn);
    }
    // IAM Identity Center's sign-in and ACS (`<region>.signin.aws`, `<region>.sso.signin.aws`).
    if under("signin.aws")
        || saml_core::identity_center::is_identity_center_acs(
            url.split(['?', '#']).next().unwrap_or(url),
        )
    {
        return Some(StepKind::AccessPortal);
    }
    if under("console.aws.amazon.com")
        || under("console.amazonaws-us-gov.com")
        || under("console.amazonaws.cn")
    {
        return Some(
            if path.contains("/federate") || path.contains("/federation") {
                StepKind::Federation
            } else {
                StepKind::Console
            },
        );
    }
    if host.ends_with(".my.connect.aws")
        || (host.ends_with(".awsapps.com") && path.starts_with("/connect"))
    {
        return Some(StepKind::Connect);
    }
    if host.ends_with(".awsapps.com") || (host.starts_with("portal.sso.") && under("amazonaws.com"))
    {
        return Some(StepKind::AccessPortal);
    }
    let idp = [
        "login.microsoftonline.com",
        "login.microsoft.com",
        "login.windows.net",
        "myapps.microsoft.com",
        "okta.com",
        "oktapreview.com",
        "okta-emea.com",
        "onelogin.com",
        "pingone.com",
        "pingone.eu",
        "pingidentity.com",
        "auth0.com",
        "duosecurity.com",
        "jumpcloud.com",
    ]
    .iter()
    .any(|d| under(d));
    if idp
        || (host == "accounts.google.com" && path.contains("/saml"))
        || path.contains("/adfs/")
        || path.contains("/saml")
        || path.contains("/idp/")
        || path.contains("/sso/")
    {
        return Some(StepKind::IdentityProvider);
    }
    None
}

/// A script, style sheet, image, font or media file: never a step.
fn is_static(entry: &Entry) -> bool {
    let mime = entry
        .content_mime
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    let (path, _) = split_url(&entry.url);
    let path = path.to_ascii_lowercase();
    [
        "javascript",
        "ecmascript",
        "text/css",
        "image/",
        "font/",
        "video/",
        "audio/",
        "wasm",
    ]
    .iter()
    .any(|m| mime.contains(m))
        || [
            ".js", ".mjs", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".woff",
            ".woff2", ".ttf", ".map", ".webp",
        ]
        .iter()
        .any(|e| path.ends_with(e))
}

/// A page the browser showed or was sent through: a document, a redirect or a form post.
fn is_page(entry: &Entry) -> bool {
    let mime = entry
        .content_mime
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    mime.contains("html")
        || mime.is_empty()
        || mime == "x-unknown"
        || entry.status.is_some_and(|s| (300..400).contains(&s))
        || entry.method.eq_ignore_ascii_case("POST") && !mime.contains("json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(index: usize, method: &str, url: &str, mime: &str) -> Entry {
        Entry {
            index,
            started: Some("2024-05-14T09:31:09.118Z".into()),
            method: method.into(),
            url: url.into(),
            status: Some(200),
            content_mime: Some(mime.into()),
            ..Entry::default()
        }
    }

    fn saml_found(action: Option<&str>) -> Found {
        Found {
            field: saml_core::decode::MessageField::SamlResponse,
            value: b"PHNhbWxwOlJlc3BvbnNlLz4=".to_vec(),
            kind: if action.is_some() {
                LocationKind::AutoPostForm
            } else {
                LocationKind::FormPost
            },
            relay_state: None,
            form_action: action.map(str::to_owned),
        }
    }

    #[test]
    fn a_shown_url_keeps_host_path_and_parameter_names_only() {
        assert_eq!(
            display_url("https://idp.example.com:8443/login?access_token=planted-token&case=a#x"),
            "https://idp.example.com/login?access_token=…&case=…"
        );
        assert_eq!(
            display_url("https://us-east-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d-4a60-8e14"),
            "https://us-east-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d-4a60-8e14"
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.ZmFrZS1zaWduYXR1cmU";
        let shown = display_url(&format!("https://x.example/t/{jwt}?a=b"));
        assert!(!shown.contains(jwt), "{shown}");
        let many: Vec<String> = (0..12).map(|i| format!("p{i}=v")).collect();
        let shown = display_url(&format!("https://x.example/?{}", many.join("&")));
        assert!(
            shown.ends_with("&p7=…&…") && !shown.contains("=v"),
            "{shown}"
        );
        assert_eq!(display_url("about:blank"), "[not a URL]");
        assert_eq!(display_url("<b onload=x>://a/"), "[not a URL]");
    }

    #[test]
    fn a_page_visit_is_a_document_or_looks_like_one() {
        let mut e = entry(0, "GET", "https://idp.example.com/app.js", "text/html");
        assert!(!is_page_visit(&e), "a script by its name");
        e.url = "https://idp.example.com/login".into();
        assert!(is_page_visit(&e));
        e.resource_type = Some("xhr".into());
        assert!(!is_page_visit(&e), "the browser said what it was");
        let mut failed = entry(1, "GET", "https://login.microsoftonline.com/x", "");
        failed.status = Some(0);
        assert!(is_page_visit(&failed), "a failed navigation has no type");
        failed.resource_type = Some("Document".into());
        assert!(is_page_visit(&failed));
    }

    #[test]
    fn keeps_sign_in_hosts_and_drops_the_rest() {
        let mut s = Steps::default();
        s.observe(
            &entry(0, "GET", "https://news.example.com/", "text/html"),
            &[],
        );
        s.observe(
            &entry(
                1,
                "POST",
                "https://login.microsoftonline.com/t/login",
                "text/html",
            ),
            &[],
        );
        s.observe(
            &entry(2, "POST", "https://signin.aws.amazon.com/saml", "text/html"),
            &[saml_found(None)],
        );
        s.observe(
            &entry(
                3,
                "GET",
                "https://us-east-1.console.aws.amazon.com/connect/federate/x",
                "",
            ),
            &[],
        );
        s.observe(
            &entry(
                4,
                "GET",
                "https://c.my.connect.aws/connect/ccp-v2/",
                "text/html",
            ),
            &[],
        );
        s.observe(
            &entry(
                5,
                "GET",
                "https://c.my.connect.aws/static/main.js",
                "application/javascript",
            ),
            &[],
        );
        s.observe(
            &entry(
                6,
                "GET",
                "https://c.my.connect.aws/api/contacts",
                "application/json",
            ),
            &[],
        );
        let kinds: Vec<(usize, StepKind)> = s.steps.iter().map(|s| (s.entry, s.kind)).collect();
        assert_eq!(
            kinds,
            [
                (1, StepKind::IdentityProvider),
                (2, StepKind::AwsSignIn),
                (3, StepKind::Federation),
                (4, StepKind::Connect)
            ]
        );
        assert!(s.steps[1].carries_saml);
    }

    #[test]
    fn a_custom_idp_page_is_kept_once_its_host_carries_saml() {
        let mut s = Steps::default();
        s.observe(
            &entry(0, "GET", "https://id.corp.example/login", "text/html"),
            &[],
        );
        s.observe(
            &entry(1, "GET", "https://unrelated.example/", "text/html"),
            &[],
        );
        s.observe(
            &entry(2, "POST", "https://id.corp.example/done", "text/html"),
            &[saml_found(Some("https://signin.aws.amazon.com/saml"))],
        );
        let entries: Vec<usize> = s.steps.iter().map(|s| s.entry).collect();
        assert_eq!(entries, [0, 2]);
    }

    #[test]
    fn query_values_never_kept_and_tokens_in_paths_replaced() {
        let mut s = Steps::default();
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl";
        s.observe(
            &entry(
                0,
                "GET",
                &format!("https://user:pw@login.microsoftonline.com:443/t/{jwt}/x?code=SECRET&state=abc&code=2#frag"),
                "text/html",
            ),
            &[],
        );
        let step = &s.steps[0];
        assert_eq!(step.host, "login.microsoftonline.com");
        assert_eq!(step.query_names, ["code", "state"]);
        assert!(!step.path.contains("eyJ"), "{}", step.path);
        let shown = format!("{step:?}");
        assert!(!shown.contains("SECRET") && !shown.contains("pw") && !shown.contains("frag"));
    }

    #[test]
    fn memory_is_bounded_and_key_steps_survive() {
        let mut s = Steps::default();
        for i in 0..100_000 {
            s.observe(
                &entry(
                    i,
                    "GET",
                    &format!("https://x.okta.com/page/{i}"),
                    "text/html",
                ),
                &[],
            );
            if i == 50_000 {
                s.observe(
                    &entry(i, "POST", "https://signin.aws.amazon.com/saml", "text/html"),
                    &[saml_found(None)],
                );
            }
        }
        assert_eq!(s.steps.len(), MAX_STEPS);
        assert!(s.steps.iter().any(|s| s.kind == StepKind::AwsSignIn));
        assert_eq!(s.steps[0].entry, 0);
        assert_eq!(s.steps.last().unwrap().entry, 99_999);
        assert_eq!(s.omitted, 100_001 - MAX_STEPS);
    }
}

#[cfg(test)]
mod host_tests {
    use super::*;

    #[test]
    fn lookalike_hosts_are_not_sign_in_hosts() {
        assert_eq!(classify("evil-okta.com", "https://evil-okta.com/x"), None);
        assert_eq!(
            classify("okta.com.evil.example", "https://okta.com.evil.example/x"),
            None
        );
        assert_eq!(
            classify("contoso.okta.com", "https://contoso.okta.com/x"),
            Some(StepKind::IdentityProvider)
        );
        assert_eq!(
            classify(
                "signin.aws.amazon.com",
                "https://signin.aws.amazon.com/saml"
            ),
            Some(StepKind::AwsSignIn)
        );
        assert_eq!(
            classify(
                "us-east-1.signin.aws",
                "https://us-east-1.signin.aws/platform/saml/acs/3f9a-1c2e"
            ),
            Some(StepKind::AccessPortal)
        );
        assert_eq!(classify("evilsignin.aws", "https://evilsignin.aws/x"), None);
    }
}

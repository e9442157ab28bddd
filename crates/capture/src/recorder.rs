//! Turns the browser's DevTools events into the recording, without doing any I/O itself: each
//! event goes in, and out come the commands to send (set up a new tab, fetch a POST body or a
//! page) and the [`Event`]s to report. The session module does the sending.
//!
//! A POST body is taken from the event that announces the request, before the request is
//! sent, so it is kept even when the request then fails (AWS unreachable, a proxy refusing);
//! only a body too long to come inline is fetched, at once, while the request still exists.

use std::collections::{HashMap, VecDeque};

use base64::Engine;
use saml_core::Timestamp;
use serde_json::Value;

use crate::error::CaptureError;
use crate::event::{Event, PageLoaded};
use crate::protocol::{self, Command, Headers, Response};
use crate::record::MAX_STORED;
use crate::record::{keep_headers, Page, PostState, Request, MAX_BODY, MAX_POST, MAX_REQUESTS};
use crate::saml;

/// Extra-info events waiting for their request: at most this many request ids.
const MAX_WAITING_EXTRA: usize = 1024;
/// Tabs, popups and frames recorded at once; more are let run unrecorded.
const MAX_TARGETS: usize = 256;

/// A DevTools session and a request id: the key of a redirect chain.
type Key = (String, String);

/// What a command is for, so its reply can be put where it belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Setting up a target, or letting a paused response go on: nothing to do with the reply.
    Setup,
    /// The browser-wide auto-attach: without it nothing is recorded, so a refusal is an error.
    Attach,
    /// Opening the start page.
    Navigate,
    /// The browser's version.
    Version,
    /// The POST body of request `n`.
    PostData(usize),
    /// The response body of request `n`.
    Body(usize),
    /// The body of a paused document response of request `entry`, on `session`, which is
    /// continued once the body is read.
    FetchBody {
        entry: usize,
        interception_id: String,
        session: String,
    },
}

/// What the recorder wants done.
#[derive(Debug, Clone)]
pub(crate) enum Output {
    /// Send this command on this session (the browser's own when `None`).
    Send {
        command: Command,
        session: Option<String>,
        purpose: Purpose,
    },
    /// Report this to the caller.
    Report(Event),
}

/// Which headers an extra-info event carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

impl Side {
    fn has(self, r: &Request) -> bool {
        match self {
            Side::Request => r.has_request_extra,
            Side::Response => r.has_response_extra,
        }
    }

    fn set(self, r: &mut Request, headers: Headers) {
        let kept = keep_headers(headers.0);
        match self {
            Side::Request => (r.request_headers, r.has_request_extra) = (kept, true),
            Side::Response => (r.response_headers, r.has_response_extra) = (kept, true),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TargetKind {
    /// A tab or popup: its top-level documents are HAR pages.
    Page,
    /// An out-of-process iframe: its requests are recorded, its documents are not pages.
    Frame,
}

#[derive(Debug, Clone)]
struct Target {
    target_id: String,
    kind: TargetKind,
    /// The HAR page its main frame shows.
    page: Option<usize>,
}

/// The recording as it is built.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub(crate) requests: Vec<Request>,
    pub(crate) pages: Vec<Page>,
    /// The browser's product string, once known.
    pub(crate) browser: Option<String>,
    /// The browser answered its first command: the DevTools pipe works.
    pub(crate) answered: bool,
    /// Requests not kept, over [`MAX_REQUESTS`] or [`MAX_STORED`].
    pub(crate) dropped_requests: usize,
    /// Events of a known method whose parameters did not parse, and unreadable messages.
    pub(crate) malformed: usize,
    /// Tabs and popups opened so far, and still open.
    pub(crate) pages_opened: usize,
    pub(crate) pages_open: usize,
    chains: HashMap<Key, Vec<usize>>,
    waiting_request_extra: HashMap<Key, VecDeque<Headers>>,
    waiting_response_extra: HashMap<Key, VecDeque<Headers>>,
    targets: HashMap<String, Target>,
    /// Monotonic time of the latest load event, per session.
    load_events: HashMap<String, f64>,
    stored: usize,
    /// [`MAX_REQUESTS`], lower in tests.
    pub(crate) max_requests: usize,
    start_url: String,
    navigated: bool,
    max_inline_post: u64,
}

fn send(out: &mut Vec<Output>, command: Command, session: Option<&str>, purpose: Purpose) {
    out.push(Output::Send {
        command,
        session: session.map(str::to_string),
        purpose,
    });
}

fn is_http(url: &str) -> bool {
    let scheme = url.split(':').next().unwrap_or("");
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

fn wall_clock(seconds: f64) -> Option<Timestamp> {
    let millis = seconds * 1000.0;
    // Reject what no clock gives (NaN, infinities, before 1970, after year 9999).
    (millis.is_finite() && (0.0..253_402_300_800_000.0).contains(&millis))
        .then(|| Timestamp::from_unix_millis(millis as i64))
}

impl Recorder {
    /// A recorder that opens `start_url` in the first tab, with POST bodies up to
    /// `max_inline_post` bytes taken from the request's own event.
    pub(crate) fn new(start_url: String, max_inline_post: u64) -> Recorder {
        Recorder {
            start_url,
            max_inline_post,
            max_requests: MAX_REQUESTS,
            ..Default::default()
        }
    }

    /// The commands that start a recording, on the browser's own session.
    pub(crate) fn start(&self, out: &mut Vec<Output>) {
        send(out, Command::GetVersion, None, Purpose::Version);
        send(out, Command::SetDiscoverTargets, None, Purpose::Setup);
        send(out, Command::SetAutoAttach, None, Purpose::Attach);
    }

    /// Takes in one event.
    pub(crate) fn on_event(
        &mut self,
        session: Option<&str>,
        event: protocol::Event,
        out: &mut Vec<Output>,
    ) {
        use protocol::Event as E;
        match event {
            E::Attached(a) => self.attached(a, out),
            E::Detached(d) => self.target_gone(|s, _| s == d.session_id),
            E::TargetDestroyed(t) => self.target_gone(|_, target| target.target_id == t.target_id),
            E::TargetInfoChanged(t) => {
                let info = t.target_info;
                let page = self
                    .targets
                    .values()
                    .find(|x| x.target_id == info.target_id && x.kind == TargetKind::Page)
                    .and_then(|x| x.page);
                if let (Some(p), false) = (page, info.title.is_empty()) {
                    if let Some(page) = self.pages.get_mut(p) {
                        page.title = crate::record::safe_title(&info.title);
                    }
                }
            }
            E::RequestWillBeSent(r) => {
                if let Some(s) = session {
                    self.request(s, *r, out);
                }
            }
            E::RequestExtraInfo(x) => {
                let key = (session.unwrap_or("").to_string(), x.request_id);
                self.extra_info(Side::Request, key, x.headers);
            }
            E::ResponseReceived(r) => {
                let key = (session.unwrap_or("").to_string(), r.request_id.clone());
                if let Some(i) = self.latest(&key) {
                    apply_response(&mut self.requests[i], r.response);
                }
            }
            E::ResponseExtraInfo(x) => {
                let key = (session.unwrap_or("").to_string(), x.request_id);
                self.extra_info(Side::Response, key, x.headers);
            }
            E::DataReceived(d) => {
                let key = (session.unwrap_or("").to_string(), d.request_id);
                if let (Some(i), true) = (self.latest(&key), d.data_length.is_finite()) {
                    let r = &mut self.requests[i];
                    if r.end_mono.is_some() {
                        return;
                    }
                    r.body_size = r.body_size.saturating_add(d.data_length.max(0.0) as u64);
                }
            }
            E::LoadingFinished(f) => {
                let key = (session.unwrap_or("").to_string(), f.request_id);
                if let Some(i) = self.latest(&key) {
                    if self.requests[i].end_mono.is_some() {
                        // Chrome reports the error page of a failed navigation on the same
                        // request: the request's own end was already recorded.
                        return;
                    }
                    self.requests[i].end_mono = Some(f.timestamp);
                    if self.wants_body(i) && self.requests[i].body.is_none() {
                        let request_id = self.requests[i].request_id.clone();
                        send(
                            out,
                            Command::GetResponseBody { request_id },
                            session,
                            Purpose::Body(i),
                        );
                    }
                    self.report_page(i, out);
                }
            }
            E::LoadingFailed(f) => {
                let key = (session.unwrap_or("").to_string(), f.request_id);
                if let Some(i) = self.latest(&key) {
                    let r = &mut self.requests[i];
                    if r.end_mono.is_some() {
                        return;
                    }
                    r.end_mono = Some(f.timestamp);
                    let mut error = crate::record::cut(f.error_text, 256);
                    if f.canceled && error.is_empty() {
                        error = "canceled".into();
                    }
                    r.error = Some(error);
                    self.report_page(i, out);
                }
            }
            E::DomContentEventFired(t) => self.page_timing(session, t.timestamp, false),
            E::LoadEventFired(t) => {
                if let Some(s) = session.filter(|s| self.targets.contains_key(*s)) {
                    self.load_events.insert(s.to_string(), t.timestamp);
                }
                self.page_timing(session, t.timestamp, true);
            }
            E::RequestPaused(p) => self.paused(session, p, out),
            E::Other => {}
            E::Malformed(_) => self.malformed += 1,
        }
    }

    /// Takes in the reply to a command sent for `purpose`. Only a refused browser-wide
    /// auto-attach or start page is an error: a body the browser no longer has is simply not
    /// in the recording.
    pub(crate) fn on_reply(
        &mut self,
        purpose: Purpose,
        result: Result<Value, String>,
        out: &mut Vec<Output>,
    ) -> Result<(), CaptureError> {
        match purpose {
            Purpose::Setup => Ok(()),
            Purpose::Attach => match result {
                Ok(_) => Ok(()),
                Err(message) => Err(CaptureError::Refused {
                    method: "Target.setAutoAttach",
                    message: crate::record::cut(message, 200),
                }),
            },
            // A start page that cannot be reached (an `errorText` in the result) is part of the
            // recording, not an error: the failed request is recorded, the user sees why.
            Purpose::Navigate => match result {
                Ok(_) => Ok(()),
                Err(message) => Err(CaptureError::Refused {
                    method: "Page.navigate",
                    message: crate::record::cut(message, 200),
                }),
            },
            Purpose::Version => {
                self.answered = true;
                if let Ok(v) = result.and_then(|v| {
                    serde_json::from_value::<protocol::Version>(v).map_err(|e| e.to_string())
                }) {
                    self.browser = Some(crate::record::cut(v.product, 200));
                }
                Ok(())
            }
            Purpose::PostData(i) => {
                let text = result.ok().and_then(body_text);
                let Some(r) = self.requests.get_mut(i) else {
                    return Ok(());
                };
                match text {
                    Some(t) if t.len() <= MAX_POST && self.stored + t.len() <= MAX_STORED => {
                        self.stored += t.len();
                        for seen in saml::in_post(i, r, &t) {
                            out.push(Output::Report(Event::Saml(seen)));
                        }
                        r.post = PostState::Text(t);
                    }
                    _ => r.post = PostState::Missing,
                }
                Ok(())
            }
            Purpose::Body(i) => {
                self.store_body(i, result, out);
                Ok(())
            }
            Purpose::FetchBody {
                entry,
                interception_id,
                session,
            } => {
                self.store_body(entry, result, out);
                let command = Command::FetchContinue { interception_id };
                send(out, command, Some(&session), Purpose::Setup);
                Ok(())
            }
        }
    }

    /// Keeps a fetched response body of request `i` (within the bounds) and reports the SAML
    /// messages in it.
    fn store_body(&mut self, i: usize, result: Result<Value, String>, out: &mut Vec<Output>) {
        let body = result
            .ok()
            .and_then(|v| serde_json::from_value::<protocol::Body>(v).ok());
        let (Some(b), Some(r)) = (body, self.requests.get_mut(i)) else {
            return;
        };
        let decoded = if b.base64_encoded {
            b.body.len() / 4 * 3
        } else {
            b.body.len()
        };
        if r.body.is_some() || decoded > MAX_BODY || self.stored + b.body.len() > MAX_STORED {
            return;
        }
        // The Fetch domain gives every body as base64: a page that is UTF-8 text is kept as
        // text, as a browser's own HAR export has it (and `redact` reads it as text).
        let (text, base64) = match b.base64_encoded {
            true => match base64::engine::general_purpose::STANDARD
                .decode(&b.body)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
            {
                Some(text) => (text, false),
                None => (b.body, true),
            },
            false => (b.body, false),
        };
        self.stored += text.len();
        r.body = Some(text);
        r.body_base64 = base64;
        for seen in saml::in_body(i, r) {
            out.push(Output::Report(Event::Saml(seen)));
        }
    }

    /// A document's response, held by the browser: its body is read now when it may carry
    /// SAML (the page may navigate away before `Network.getResponseBody` could get it), and
    /// the response is always let go on.
    fn paused(&mut self, session: Option<&str>, p: protocol::RequestPaused, out: &mut Vec<Output>) {
        let entry = p
            .network_id
            .as_ref()
            .and_then(|id| self.latest(&(session.unwrap_or("").to_string(), id.clone())));
        let status = p.response_status_code.and_then(|s| u16::try_from(s).ok());
        let mime = p.header("content-type").unwrap_or("");
        let small = p.header("content-length").is_none_or(|l| {
            l.trim()
                .parse::<u64>()
                .map_or(true, |n| n <= MAX_BODY as u64)
        });
        let wanted = p.response_error_reason.is_none()
            && status.is_some_and(|s| may_carry_saml(s, mime))
            && small
            && self.stored < MAX_STORED;
        let interception_id = p.request_id;
        if let (Some(entry), Some(session), true) = (entry, session, wanted) {
            send(
                out,
                Command::FetchGetResponseBody {
                    interception_id: interception_id.clone(),
                },
                Some(session),
                Purpose::FetchBody {
                    entry,
                    interception_id,
                    session: session.to_string(),
                },
            );
        } else {
            send(
                out,
                Command::FetchContinue { interception_id },
                session,
                Purpose::Setup,
            );
        }
    }

    fn attached(&mut self, a: protocol::AttachedToTarget, out: &mut Vec<Output>) {
        let session = a.session_id.as_str();
        let kind = match a.target_info.kind.as_str() {
            _ if self.targets.len() >= MAX_TARGETS => None,
            "page" => Some(TargetKind::Page),
            "iframe" => Some(TargetKind::Frame),
            "tab" => {
                // A tab wraps its page: attach to what is inside.
                send(out, Command::SetAutoAttach, Some(session), Purpose::Setup);
                send(
                    out,
                    Command::RunIfWaitingForDebugger,
                    Some(session),
                    Purpose::Setup,
                );
                return;
            }
            _ => None,
        };
        let Some(kind) = kind else {
            // Workers and the browser's own UI: let them run, unrecorded.
            send(
                out,
                Command::RunIfWaitingForDebugger,
                Some(session),
                Purpose::Setup,
            );
            let session_id = a.session_id.clone();
            send(
                out,
                Command::DetachFromTarget { session_id },
                None,
                Purpose::Setup,
            );
            return;
        };
        self.targets.insert(
            a.session_id.clone(),
            Target {
                target_id: a.target_info.target_id,
                kind,
                page: None,
            },
        );
        if kind == TargetKind::Page {
            self.pages_opened += 1;
            self.pages_open += 1;
        }
        // Commands on one session run in order: the network is recorded before the target,
        // paused since it was created, runs.
        let max_post_data_size = self.max_inline_post;
        send(
            out,
            Command::NetworkEnable { max_post_data_size },
            Some(session),
            Purpose::Setup,
        );
        send(out, Command::PageEnable, Some(session), Purpose::Setup);
        send(out, Command::FetchEnable, Some(session), Purpose::Setup);
        send(out, Command::SetAutoAttach, Some(session), Purpose::Setup);
        send(
            out,
            Command::RunIfWaitingForDebugger,
            Some(session),
            Purpose::Setup,
        );
        if kind == TargetKind::Page && !self.navigated {
            self.navigated = true;
            let url = self.start_url.clone();
            send(
                out,
                Command::Navigate { url },
                Some(session),
                Purpose::Navigate,
            );
        }
    }

    fn target_gone(&mut self, is_it: impl Fn(&str, &Target) -> bool) {
        let gone: Vec<String> = self
            .targets
            .iter()
            .filter(|(s, t)| is_it(s, t))
            .map(|(s, _)| s.clone())
            .collect();
        for s in gone {
            if let Some(t) = self.targets.remove(&s) {
                if t.kind == TargetKind::Page {
                    self.pages_open = self.pages_open.saturating_sub(1);
                }
            }
        }
    }

    fn latest(&self, key: &Key) -> Option<usize> {
        self.chains.get(key).and_then(|c| c.last().copied())
    }

    fn request(&mut self, session: &str, r: protocol::RequestWillBeSent, out: &mut Vec<Output>) {
        let Some(target) = self.targets.get(session).cloned() else {
            return;
        };
        let key: Key = (session.to_string(), r.request_id.clone());
        if let Some(redirect) = r.redirect_response {
            if let Some(i) = self.latest(&key) {
                let hop = &mut self.requests[i];
                let location = redirect.headers.get("location").map(str::to_string);
                apply_response(hop, redirect);
                hop.end_mono = Some(r.timestamp);
                hop.redirect_url = Some(location.unwrap_or_else(|| r.request.url.clone()));
            }
        }
        if !is_http(&r.request.url) {
            return;
        }
        if self.requests.len() >= self.max_requests || self.stored >= MAX_STORED {
            self.dropped_requests += 1;
            return;
        }
        let index = self.requests.len();
        let resource_type = r.resource_type.unwrap_or_default();
        let main_document = target.kind == TargetKind::Page
            && resource_type == "Document"
            && r.frame_id.as_deref() == Some(target.target_id.as_str());
        let url = crate::record::cut(r.request.url, har::entry::MAX_URL);
        let mut page = target.page;
        if main_document && self.latest(&key).is_none() {
            self.pages.push(Page {
                started: wall_clock(r.wall_time),
                title: crate::record::safe_title(&url),
                start_mono: r.timestamp,
                ..Default::default()
            });
            page = Some(self.pages.len() - 1);
            if let Some(t) = self.targets.get_mut(session) {
                t.page = page;
            }
        }
        let inline = r.request.post_data.or_else(|| {
            let parts = r.request.post_data_entries?;
            let mut bytes = Vec::new();
            for part in parts {
                let b = base64::engine::general_purpose::STANDARD
                    .decode(part.bytes?)
                    .ok()?;
                bytes.extend_from_slice(&b);
            }
            Some(String::from_utf8_lossy(&bytes).into_owned())
        });
        let post = match inline {
            Some(t) if t.len() <= MAX_POST && self.stored + t.len() <= MAX_STORED => {
                self.stored += t.len();
                PostState::Text(t)
            }
            Some(_) => PostState::Missing,
            None if r.request.has_post_data => PostState::Pending,
            None => PostState::None,
        };
        let mut req = Request {
            started: wall_clock(r.wall_time),
            method: crate::record::cut(r.request.method, 32),
            url,
            resource_type,
            request_headers: keep_headers(r.request.headers.0),
            post,
            page,
            start_mono: r.timestamp,
            session: key.0.clone(),
            request_id: key.1.clone(),
            main_document,
            ..Default::default()
        };
        for side in [Side::Request, Side::Response] {
            if let Some(h) = pop_waiting(self.waiting(side), &key) {
                side.set(&mut req, h);
            }
        }
        let known_post = match &req.post {
            PostState::Text(t) => Some(t.as_str()),
            _ => None,
        };
        let seen = saml::in_request(index, &req, known_post);
        if req.post == PostState::Pending {
            send(
                out,
                Command::GetRequestPostData {
                    request_id: key.1.clone(),
                },
                Some(session),
                Purpose::PostData(index),
            );
        }
        self.requests.push(req);
        self.chains.entry(key).or_default().push(index);
        out.extend(seen.into_iter().map(|s| Output::Report(Event::Saml(s))));
    }

    /// Headers as sent or received (cookies included), for the first hop of the chain that
    /// has none yet; kept waiting when the request is not announced yet.
    fn extra_info(&mut self, side: Side, key: Key, headers: Headers) {
        let hop = self
            .chains
            .get(&key)
            .and_then(|c| c.iter().copied().find(|&i| !side.has(&self.requests[i])));
        match hop {
            Some(i) => side.set(&mut self.requests[i], headers),
            None => push_waiting(self.waiting(side), key, headers),
        }
    }

    fn waiting(&mut self, side: Side) -> &mut HashMap<Key, VecDeque<Headers>> {
        match side {
            Side::Request => &mut self.waiting_request_extra,
            Side::Response => &mut self.waiting_response_extra,
        }
    }

    /// A response that can carry SAML, not yet too much to keep.
    fn wants_body(&self, i: usize) -> bool {
        let r = &self.requests[i];
        r.status.is_some_and(|s| may_carry_saml(s, &r.mime_type))
            && r.body_size <= MAX_BODY as u64
            && self.stored < MAX_STORED
    }

    fn report_page(&self, i: usize, out: &mut Vec<Output>) {
        let r = &self.requests[i];
        if r.main_document {
            out.push(Output::Report(Event::PageLoaded(PageLoaded {
                entry: i,
                url: r.url.clone(),
                status: r.status,
                error: r.error.clone(),
            })));
        }
    }

    fn page_timing(&mut self, session: Option<&str>, timestamp: f64, load: bool) {
        let Some(p) = session
            .and_then(|s| self.targets.get(s))
            .and_then(|t| t.page)
        else {
            return;
        };
        if let Some(page) = self.pages.get_mut(p) {
            let ms = ((timestamp - page.start_mono) * 1000.0).max(0.0);
            let slot = if load {
                &mut page.on_load
            } else {
                &mut page.on_content_load
            };
            slot.get_or_insert(ms);
        }
    }

    /// How the redirect chain that request `entry` belongs to ended: `Some((failed, end,
    /// session))` once its last hop failed or finished with a response that is not a redirect.
    pub(crate) fn chain_end(&self, entry: usize) -> Option<(bool, f64, &str)> {
        let first = self.requests.get(entry)?;
        let key = (first.session.clone(), first.request_id.clone());
        let last = &self.requests[self.latest(&key)?];
        let end = last.end_mono?;
        let redirected = last.redirect_url.is_some() && last.error.is_none();
        (!redirected).then_some((last.error.is_some(), end, last.session.as_str()))
    }

    /// A page of `session` fired its load event at or after `since` (monotonic seconds).
    pub(crate) fn loaded_since(&self, session: &str, since: f64) -> bool {
        self.load_events.get(session).is_some_and(|&t| t >= since)
    }
}

/// A response that can carry SAML: an HTML page (the auto-post form), or an error page.
fn may_carry_saml(status: u16, mime: &str) -> bool {
    let mime = mime.to_ascii_lowercase();
    let html = mime.contains("html");
    let error_text = status >= 400 && (mime.starts_with("text/") || mime.contains("json"));
    let carries = ((200..300).contains(&status) && status != 204) || status >= 400;
    carries && (html || error_text)
}

fn apply_response(r: &mut Request, resp: Response) {
    r.status = u16::try_from(resp.status).ok();
    r.status_text = crate::record::cut(resp.status_text, 256);
    if !r.has_response_extra {
        r.response_headers = keep_headers(resp.headers.0);
    }
    r.mime_type = crate::record::cut(resp.mime_type, 256);
    r.http_version = crate::record::cut(resp.protocol.unwrap_or_default(), 32);
    r.server_ip = resp.remote_ip_address.map(|ip| crate::record::cut(ip, 64));
    r.timing = resp.timing;
}

fn body_text(v: Value) -> Option<String> {
    let b: protocol::Body = serde_json::from_value(v).ok()?;
    if b.base64_encoded {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b.body)
            .ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        Some(b.body)
    }
}

fn push_waiting(map: &mut HashMap<Key, VecDeque<Headers>>, key: Key, headers: Headers) {
    if map.len() < MAX_WAITING_EXTRA || map.contains_key(&key) {
        let queue = map.entry(key).or_default();
        if queue.len() < 32 {
            queue.push_back(headers);
        }
    }
}

fn pop_waiting(map: &mut HashMap<Key, VecDeque<Headers>>, key: &Key) -> Option<Headers> {
    let queue = map.get_mut(key)?;
    let h = queue.pop_front();
    if queue.is_empty() {
        map.remove(key);
    }
    h
}

#[cfg(test)]
#[path = "recorder_tests.rs"]
mod tests;

//! The part of the Chrome DevTools protocol a recording uses, typed over `serde_json`: the
//! commands sent, the events and replies read. A whole-protocol crate generates thousands of
//! types and costs minutes of build; a recording needs about twenty.
//!
//! Everything read here comes from the browser and is treated as input: unknown methods are
//! ignored, a known event whose fields do not parse is reported as malformed (never a panic),
//! missing optional fields take their protocol defaults.

use serde::de::Deserializer;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// A command this crate sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `Browser.getVersion`: the browser's name and version, for the HAR's `log.browser`.
    GetVersion,
    /// `Target.setDiscoverTargets`: target created / destroyed events.
    SetDiscoverTargets,
    /// `Target.setAutoAttach` with flattened sessions, each new target paused until it is
    /// set up, so that a popup's or a new tab's first request is recorded too.
    SetAutoAttach,
    /// `Target.detachFromTarget`: for targets that are not pages (workers, browser UI).
    DetachFromTarget {
        /// The session to drop.
        session_id: String,
    },
    /// `Runtime.runIfWaitingForDebugger`: lets a paused new target run.
    RunIfWaitingForDebugger,
    /// `Network.enable`, with POST bodies up to `max_post_data_size` bytes sent inline in
    /// `requestWillBeSent`.
    NetworkEnable {
        /// Longer bodies come only as `hasPostData` and are fetched.
        max_post_data_size: u64,
    },
    /// `Page.enable`: navigation and load events.
    PageEnable,
    /// `Page.navigate`.
    Navigate {
        /// Where to.
        url: String,
    },
    /// `Network.getRequestPostData`: a POST body too long to come inline.
    GetRequestPostData {
        /// The request.
        request_id: String,
    },
    /// `Network.getResponseBody`.
    GetResponseBody {
        /// The request.
        request_id: String,
    },
    /// `Fetch.enable`, pausing every document's response until it is continued, so the
    /// body of a page that navigates away at once (an auto-post form) can still be read.
    FetchEnable,
    /// `Fetch.getResponseBody` of a paused response.
    FetchGetResponseBody {
        /// The interception's id (`Fetch.requestPaused`'s `requestId`).
        interception_id: String,
    },
    /// `Fetch.continueRequest`: lets a paused response go on to the page unchanged.
    FetchContinue {
        /// The interception's id.
        interception_id: String,
    },
    /// `Browser.close`: closes every window and ends the browser in order.
    BrowserClose,
}

impl Command {
    /// The protocol's method name.
    pub fn method(&self) -> &'static str {
        match self {
            Command::GetVersion => "Browser.getVersion",
            Command::SetDiscoverTargets => "Target.setDiscoverTargets",
            Command::SetAutoAttach => "Target.setAutoAttach",
            Command::DetachFromTarget { .. } => "Target.detachFromTarget",
            Command::RunIfWaitingForDebugger => "Runtime.runIfWaitingForDebugger",
            Command::NetworkEnable { .. } => "Network.enable",
            Command::PageEnable => "Page.enable",
            Command::Navigate { .. } => "Page.navigate",
            Command::GetRequestPostData { .. } => "Network.getRequestPostData",
            Command::GetResponseBody { .. } => "Network.getResponseBody",
            Command::FetchEnable => "Fetch.enable",
            Command::FetchGetResponseBody { .. } => "Fetch.getResponseBody",
            Command::FetchContinue { .. } => "Fetch.continueRequest",
            Command::BrowserClose => "Browser.close",
        }
    }

    fn params(&self) -> Value {
        match self {
            Command::SetDiscoverTargets => json!({ "discover": true }),
            Command::SetAutoAttach => {
                json!({ "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true })
            }
            Command::DetachFromTarget { session_id } => json!({ "sessionId": session_id }),
            Command::NetworkEnable { max_post_data_size } => json!({
                "maxPostDataSize": max_post_data_size,
                // Room for the pages a sign-in goes through, so their bodies can still be
                // asked for after the next page replaced them.
                "maxResourceBufferSize": 16 * 1024 * 1024,
                "maxTotalBufferSize": 128 * 1024 * 1024,
            }),
            Command::Navigate { url } => json!({ "url": url }),
            Command::GetRequestPostData { request_id }
            | Command::GetResponseBody { request_id } => {
                json!({ "requestId": request_id })
            }
            Command::FetchEnable => json!({
                "patterns": [{ "urlPattern": "*", "resourceType": "Document", "requestStage": "Response" }]
            }),
            Command::FetchGetResponseBody { interception_id }
            | Command::FetchContinue { interception_id } => json!({ "requestId": interception_id }),
            Command::GetVersion
            | Command::RunIfWaitingForDebugger
            | Command::PageEnable
            | Command::BrowserClose => json!({}),
        }
    }

    /// The message on the wire, NUL-terminated: `{"id","method","params"[,"sessionId"]}`.
    pub fn encode(&self, id: u64, session: Option<&str>) -> Vec<u8> {
        let mut msg = Map::new();
        msg.insert("id".into(), id.into());
        msg.insert("method".into(), self.method().into());
        msg.insert("params".into(), self.params());
        if let Some(s) = session {
            msg.insert("sessionId".into(), s.into());
        }
        let mut bytes = Value::Object(msg).to_string().into_bytes();
        bytes.push(0);
        bytes
    }
}

/// A message from the browser.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// The answer to a command.
    Reply {
        /// The command's id.
        id: u64,
        /// Its `result`, or the `error` message.
        result: Result<Value, String>,
    },
    /// An event, on the browser's own session (`None`) or a target's.
    Event {
        /// The flattened session it belongs to.
        session: Option<String>,
        /// What happened.
        event: Event,
    },
}

/// The events a recording uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `Target.attachedToTarget`.
    Attached(AttachedToTarget),
    /// `Target.detachedFromTarget`.
    Detached(DetachedFromTarget),
    /// `Target.targetDestroyed`.
    TargetDestroyed(TargetDestroyed),
    /// `Target.targetInfoChanged` (the page's title and URL).
    TargetInfoChanged(TargetInfoChanged),
    /// `Network.requestWillBeSent`.
    RequestWillBeSent(Box<RequestWillBeSent>),
    /// `Network.requestWillBeSentExtraInfo`: the headers as sent, cookies included.
    RequestExtraInfo(ExtraInfo),
    /// `Network.responseReceived`.
    ResponseReceived(Box<ResponseReceived>),
    /// `Network.responseReceivedExtraInfo`: the headers as received, Set-Cookie included.
    ResponseExtraInfo(ExtraInfo),
    /// `Network.dataReceived`: decoded body bytes so far.
    DataReceived(DataReceived),
    /// `Network.loadingFinished`.
    LoadingFinished(LoadingFinished),
    /// `Network.loadingFailed`.
    LoadingFailed(LoadingFailed),
    /// `Page.domContentEventFired`.
    DomContentEventFired(Timestamped),
    /// `Page.loadEventFired`.
    LoadEventFired(Timestamped),
    /// `Fetch.requestPaused`: a document's response, held until continued.
    RequestPaused(RequestPaused),
    /// Any other method: ignored.
    Other,
    /// A known method whose parameters did not parse.
    Malformed(&'static str),
}

/// The name and value pairs of a header object, in the browser's order; a value holding
/// several lines (Set-Cookie) is several headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        let mut out = Vec::with_capacity(map.len());
        for (name, value) in map {
            let value = match value {
                Value::String(s) => s,
                other => other.to_string(),
            };
            for line in value.split('\n') {
                out.push((name.clone(), line.to_string()));
            }
        }
        Ok(Headers(out))
    }
}

impl Headers {
    /// The first value of `name`, case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A target's description.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetInfo {
    /// Its id; a page's main frame has the same id.
    pub target_id: String,
    /// `page`, `iframe`, `worker`, `browser_ui`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// Its URL.
    #[serde(default)]
    pub url: String,
}

/// `Target.attachedToTarget`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachedToTarget {
    /// The flattened session for it.
    pub session_id: String,
    /// What was attached.
    pub target_info: TargetInfo,
    /// Paused until `Runtime.runIfWaitingForDebugger`.
    #[serde(default)]
    pub waiting_for_debugger: bool,
}

/// `Target.detachedFromTarget`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetachedFromTarget {
    /// The session that ended.
    pub session_id: String,
}

/// `Target.targetDestroyed`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetDestroyed {
    /// The target that went away.
    pub target_id: String,
}

/// `Target.targetInfoChanged`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetInfoChanged {
    /// Its new description.
    pub target_info: TargetInfo,
}

/// One element of `postDataEntries`: base64 of a part of the body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PostDataEntry {
    /// The part, base64-encoded.
    #[serde(default)]
    pub bytes: Option<String>,
}

/// A request as the browser describes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// Without the fragment.
    pub url: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The headers the page set (cookies come in the extra info).
    #[serde(default)]
    pub headers: Headers,
    /// The body, when it is not longer than `maxPostDataSize`.
    #[serde(default)]
    pub post_data: Option<String>,
    /// There is a body, whether or not it came inline.
    #[serde(default)]
    pub has_post_data: bool,
    /// The body as base64 parts (newer browsers, instead of or beside `postData`).
    #[serde(default)]
    pub post_data_entries: Option<Vec<PostDataEntry>>,
}

/// Timing of a response, in milliseconds after `request_time` (-1 where not applicable).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTiming {
    /// The baseline, in the monotonic seconds of `timestamp` fields.
    pub request_time: f64,
    #[serde(default = "minus_one")]
    #[allow(missing_docs)]
    pub dns_start: f64,
    #[serde(default = "minus_one")]
    #[allow(missing_docs)]
    pub dns_end: f64,
    #[serde(default = "minus_one")]
    #[allow(missing_docs)]
    pub connect_start: f64,
    #[serde(default = "minus_one")]
    #[allow(missing_docs)]
    pub connect_end: f64,
    #[serde(default = "minus_one")]
    #[allow(missing_docs)]
    pub ssl_start: f64,
    #[serde(default = "minus_one")]
    #[allow(missing_docs)]
    pub ssl_end: f64,
    #[serde(default = "minus_one")]
    #[allow(missing_docs)]
    pub send_start: f64,
    #[serde(default = "minus_one")]
    #[allow(missing_docs)]
    pub send_end: f64,
    #[serde(default = "minus_one")]
    #[allow(missing_docs)]
    pub receive_headers_end: f64,
}

fn minus_one() -> f64 {
    -1.0
}

/// A response as the browser describes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The HTTP status.
    #[serde(default)]
    pub status: i64,
    /// Its text.
    #[serde(default)]
    pub status_text: String,
    /// The headers the page may see (Set-Cookie comes in the extra info).
    #[serde(default)]
    pub headers: Headers,
    /// The MIME type the browser settled on.
    #[serde(default)]
    pub mime_type: String,
    /// `http/1.1`, `h2`, `h3`, ...
    #[serde(default)]
    pub protocol: Option<String>,
    /// The server's address.
    #[serde(default)]
    pub remote_ip_address: Option<String>,
    /// When each phase ended.
    #[serde(default)]
    pub timing: Option<ResourceTiming>,
}

/// `Network.requestWillBeSent`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestWillBeSent {
    /// Stays the same across a redirect chain.
    pub request_id: String,
    /// Equals `request_id` for a navigation.
    #[serde(default)]
    pub loader_id: String,
    /// `Document`, `XHR`, `Script`, ...
    #[serde(default, rename = "type")]
    pub resource_type: Option<String>,
    /// The frame it is for.
    #[serde(default)]
    pub frame_id: Option<String>,
    /// The request.
    pub request: Request,
    /// Monotonic seconds.
    pub timestamp: f64,
    /// Seconds since the Unix epoch.
    pub wall_time: f64,
    /// Set when this request follows a redirect: the response that redirected.
    #[serde(default)]
    pub redirect_response: Option<Response>,
}

/// `Network.responseReceived`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseReceived {
    /// The request.
    pub request_id: String,
    /// Monotonic seconds.
    pub timestamp: f64,
    /// `Document`, `XHR`, ...
    #[serde(default, rename = "type")]
    pub resource_type: Option<String>,
    /// The response.
    pub response: Response,
}

/// `Network.requestWillBeSentExtraInfo` / `responseReceivedExtraInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtraInfo {
    /// The request.
    pub request_id: String,
    /// Every header, as on the wire.
    #[serde(default)]
    pub headers: Headers,
}

/// `Network.dataReceived`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataReceived {
    /// The request.
    pub request_id: String,
    /// Decoded bytes in this chunk.
    #[serde(default)]
    pub data_length: f64,
}

/// `Network.loadingFinished`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadingFinished {
    /// The request.
    pub request_id: String,
    /// Monotonic seconds.
    pub timestamp: f64,
    /// Bytes on the wire.
    #[serde(default)]
    pub encoded_data_length: f64,
}

/// `Network.loadingFailed`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadingFailed {
    /// The request.
    pub request_id: String,
    /// Monotonic seconds.
    pub timestamp: f64,
    /// `net::ERR_NAME_NOT_RESOLVED`, ...
    #[serde(default)]
    pub error_text: String,
    /// The page or the user cancelled it.
    #[serde(default)]
    pub canceled: bool,
}

/// An event that carries only a monotonic timestamp.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Timestamped {
    /// Monotonic seconds.
    pub timestamp: f64,
}

/// A header as the Fetch domain gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HeaderEntry {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// `Fetch.requestPaused` (response stage).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestPaused {
    /// The interception's id, for `Fetch.getResponseBody` and `Fetch.continueRequest`.
    pub request_id: String,
    /// The Network domain's id of the same request.
    #[serde(default)]
    pub network_id: Option<String>,
    /// The response's status, at the response stage.
    #[serde(default)]
    pub response_status_code: Option<i64>,
    /// Why the request failed, when it did.
    #[serde(default)]
    pub response_error_reason: Option<String>,
    /// The response's headers.
    #[serde(default)]
    pub response_headers: Option<Vec<HeaderEntry>>,
}

impl RequestPaused {
    /// The first value of header `name`, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .as_ref()?
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }
}

/// `Network.getResponseBody`, `Fetch.getResponseBody` and `Network.getRequestPostData` answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    /// The body (`body` or `postData` on the wire).
    #[serde(alias = "postData")]
    pub body: String,
    /// `body` is base64.
    #[serde(default)]
    pub base64_encoded: bool,
}

/// `Browser.getVersion`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Version {
    /// `Chrome/156.0.8078.114`, `HeadlessChrome/...`, `Edg/...`.
    #[serde(default)]
    pub product: String,
}

/// The envelope of every message.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    params: Option<Value>,
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<ErrorObject>,
    #[serde(default)]
    session_id: Option<String>,
}

#[derive(Deserialize)]
struct ErrorObject {
    #[serde(default)]
    message: String,
}

/// Reads one message; `None` when it is not JSON or neither a reply nor an event.
pub fn parse_incoming(bytes: &[u8]) -> Option<Incoming> {
    let env: Envelope = serde_json::from_slice(bytes).ok()?;
    if let Some(id) = env.id {
        let result = match (env.result, env.error) {
            (_, Some(e)) => Err(e.message),
            (Some(r), None) => Ok(r),
            (None, None) => Ok(Value::Null),
        };
        return Some(Incoming::Reply { id, result });
    }
    let method = env.method?;
    let params = env.params.unwrap_or(Value::Null);
    Some(Incoming::Event {
        session: env.session_id,
        event: parse_event(&method, params),
    })
}

fn parse_event(method: &str, params: Value) -> Event {
    fn typed<T: for<'de> Deserialize<'de>>(
        params: Value,
        name: &'static str,
        wrap: impl FnOnce(T) -> Event,
    ) -> Event {
        serde_json::from_value(params).map_or(Event::Malformed(name), wrap)
    }
    match method {
        "Target.attachedToTarget" => typed(params, "Target.attachedToTarget", Event::Attached),
        "Target.detachedFromTarget" => typed(params, "Target.detachedFromTarget", Event::Detached),
        "Target.targetDestroyed" => typed(params, "Target.targetDestroyed", Event::TargetDestroyed),
        "Target.targetInfoChanged" => {
            typed(params, "Target.targetInfoChanged", Event::TargetInfoChanged)
        }
        "Network.requestWillBeSent" => typed(params, "Network.requestWillBeSent", |e| {
            Event::RequestWillBeSent(Box::new(e))
        }),
        "Network.requestWillBeSentExtraInfo" => typed(
            params,
            "Network.requestWillBeSentExtraInfo",
            Event::RequestExtraInfo,
        ),
        "Network.responseReceived" => typed(params, "Network.responseReceived", |e| {
            Event::ResponseReceived(Box::new(e))
        }),
        "Network.responseReceivedExtraInfo" => typed(
            params,
            "Network.responseReceivedExtraInfo",
            Event::ResponseExtraInfo,
        ),
        "Network.dataReceived" => typed(params, "Network.dataReceived", Event::DataReceived),
        "Network.loadingFinished" => {
            typed(params, "Network.loadingFinished", Event::LoadingFinished)
        }
        "Network.loadingFailed" => typed(params, "Network.loadingFailed", Event::LoadingFailed),
        "Page.domContentEventFired" => typed(
            params,
            "Page.domContentEventFired",
            Event::DomContentEventFired,
        ),
        "Page.loadEventFired" => typed(params, "Page.loadEventFired", Event::LoadEventFired),
        "Fetch.requestPaused" => typed(params, "Fetch.requestPaused", Event::RequestPaused),
        _ => Event::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_nul_terminated_json_with_their_session() {
        let bytes = Command::GetResponseBody {
            request_id: "42.7".into(),
        }
        .encode(9, Some("S1"));
        assert_eq!(bytes.last(), Some(&0));
        let v: Value = serde_json::from_slice(&bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(
            v,
            json!({"id": 9, "method": "Network.getResponseBody", "params": {"requestId": "42.7"}, "sessionId": "S1"})
        );
        let attach: Value = serde_json::from_slice(
            Command::SetAutoAttach
                .encode(1, None)
                .split_last()
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(attach["params"]["flatten"], true);
        assert_eq!(attach["params"]["waitForDebuggerOnStart"], true);
        assert!(attach.get("sessionId").is_none());
    }

    #[test]
    fn events_as_chromium_156_sends_them_are_read() {
        // Shapes copied from Chromium 156's output over the pipe (values shortened).
        let m = br#"{"method":"Network.requestWillBeSent","params":{"requestId":"DE75","loaderId":"DE75","documentURL":"https://signin.aws.amazon.com/saml","request":{"url":"https://signin.aws.amazon.com/saml","method":"POST","headers":{"Content-Type":"application/x-www-form-urlencoded","Origin":"http://127.0.0.1:18765"},"postData":"SAMLResponse=PHNhbWw%2B","hasPostData":true,"postDataEntries":[{"bytes":"U0FNTFJlc3BvbnNlPVBITmhiV3clMkI="}],"mixedContentType":"none","initialPriority":"VeryHigh","referrerPolicy":"strict-origin-when-cross-origin"},"timestamp":1950.23,"wallTime":1796540464.61,"initiator":{"type":"other"},"redirectHasExtraInfo":false,"type":"Document","frameId":"7373","hasUserGesture":false},"sessionId":"3468"}"#;
        let Some(Incoming::Event {
            session,
            event: Event::RequestWillBeSent(r),
        }) = parse_incoming(m)
        else {
            panic!("not read: {m:?}")
        };
        assert_eq!(session.as_deref(), Some("3468"));
        assert_eq!(r.request.method, "POST");
        assert_eq!(
            r.request.post_data.as_deref(),
            Some("SAMLResponse=PHNhbWw%2B")
        );
        assert_eq!(r.resource_type.as_deref(), Some("Document"));
        assert_eq!(
            r.request.headers.get("content-type"),
            Some("application/x-www-form-urlencoded")
        );

        let m = br#"{"method":"Network.responseReceivedExtraInfo","params":{"requestId":"AB","blockedCookies":[],"headers":{"Content-Type":"text/html","Set-Cookie":"a=1; Path=/\nb=2"},"statusCode":200},"sessionId":"S"}"#;
        let Some(Incoming::Event {
            event: Event::ResponseExtraInfo(x),
            ..
        }) = parse_incoming(m)
        else {
            panic!()
        };
        assert_eq!(
            x.headers.0,
            vec![
                ("Content-Type".into(), "text/html".into()),
                ("Set-Cookie".into(), "a=1; Path=/".into()),
                ("Set-Cookie".into(), "b=2".into()),
            ]
        );

        let m = br#"{"id":109,"result":{"frameId":"7373","loaderId":"AB","isDownload":false},"sessionId":"3468"}"#;
        assert!(matches!(
            parse_incoming(m),
            Some(Incoming::Reply {
                id: 109,
                result: Ok(_)
            })
        ));
        let m = br#"{"id":5,"error":{"code":-32000,"message":"No resource with given identifier found"}}"#;
        assert_eq!(
            parse_incoming(m),
            Some(Incoming::Reply {
                id: 5,
                result: Err("No resource with given identifier found".into())
            })
        );
    }

    #[test]
    fn unknown_malformed_and_hostile_messages_never_panic() {
        assert_eq!(
            parse_incoming(br#"{"method":"Network.policyUpdated","params":{}}"#),
            Some(Incoming::Event {
                session: None,
                event: Event::Other
            })
        );
        assert_eq!(
            parse_incoming(br#"{"method":"Network.loadingFinished","params":{"requestId":7}}"#),
            Some(Incoming::Event {
                session: None,
                event: Event::Malformed("Network.loadingFinished")
            })
        );
        for junk in [
            &b""[..],
            b"null",
            b"[]",
            b"{}",
            b"{\"id\":-1}",
            b"{\"method\":5}",
            b"\xff\xfe{",
            b"{\"method\":\"Network.requestWillBeSent\",\"params\":{\"request\":[]}}",
            b"{\"method\":\"Network.responseReceived\",\"params\":{\"requestId\":\"1\",\"timestamp\":1,\"response\":{\"headers\":{\"a\":{\"deep\":[1,2]}},\"status\":1e400}}}",
        ] {
            let _ = parse_incoming(junk);
        }
        // Header values that are not strings are kept as their JSON text.
        let m = br#"{"method":"Network.responseReceivedExtraInfo","params":{"requestId":"1","headers":{"X":5}}}"#;
        let Some(Incoming::Event {
            event: Event::ResponseExtraInfo(x),
            ..
        }) = parse_incoming(m)
        else {
            panic!()
        };
        assert_eq!(x.headers.0, vec![("X".into(), "5".into())]);
    }
}

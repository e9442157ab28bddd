//! The recorder fed event sequences shaped as Chromium sends them (see protocol.rs's tests for
//! the shapes seen over the pipe), without a browser.

use serde_json::{json, Value};

use super::*;
use crate::protocol::{parse_incoming, Incoming};
use har::find::LocationKind;
use saml_core::decode::MessageField;

const S: &str = "SESSION1";
const T: &str = "TARGET1";

fn feed(rec: &mut Recorder, msg: Value) -> Vec<Output> {
    let Some(Incoming::Event { session, event }) = parse_incoming(msg.to_string().as_bytes())
    else {
        panic!("not an event: {msg}");
    };
    let mut out = Vec::new();
    rec.on_event(session.as_deref(), event, &mut out);
    out
}

fn on(method: &str, params: Value) -> Value {
    json!({ "method": method, "params": params, "sessionId": S })
}

fn attached(rec: &mut Recorder, session: &str, target: &str, kind: &str) -> Vec<Output> {
    feed(
        rec,
        json!({"method": "Target.attachedToTarget", "params": {"sessionId": session,
            "targetInfo": {"targetId": target, "type": kind, "title": "", "url": "about:blank"},
            "waitingForDebugger": true}}),
    )
}

fn sent(out: &[Output]) -> Vec<(&'static str, Option<&str>)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send {
                command, session, ..
            } => Some((command.method(), session.as_deref())),
            Output::Report(_) => None,
        })
        .collect()
}

fn reports(out: &[Output]) -> Vec<&Event> {
    out.iter()
        .filter_map(|o| match o {
            Output::Report(e) => Some(e),
            Output::Send { .. } => None,
        })
        .collect()
}

fn request(id: &str, method: &str, url: &str, kind: &str, extra: Value) -> Value {
    let mut request = json!({"url": url, "method": method, "headers": {"User-Agent": "test"}});
    if let Value::Object(m) = extra {
        for (k, v) in m {
            request[k] = v;
        }
    }
    on(
        "Network.requestWillBeSent",
        json!({"requestId": id, "loaderId": id, "type": kind, "frameId": T, "request": request,
            "timestamp": 100.0, "wallTime": 1715679069.118}),
    )
}

fn recorder_with_page() -> Recorder {
    let mut rec = Recorder::new("http://127.0.0.1:9/start".into(), 1 << 20);
    attached(&mut rec, S, T, "page");
    rec
}

#[test]
fn a_new_tab_is_recorded_before_it_runs_and_the_first_one_opens_the_start_page() {
    let mut rec = Recorder::new("http://127.0.0.1:9/start".into(), 1 << 20);
    let mut out = Vec::new();
    rec.start(&mut out);
    assert_eq!(
        sent(&out),
        vec![
            ("Browser.getVersion", None),
            ("Target.setDiscoverTargets", None),
            ("Target.setAutoAttach", None)
        ]
    );
    let out = attached(&mut rec, S, T, "page");
    assert_eq!(
        sent(&out),
        vec![
            ("Network.enable", Some(S)),
            ("Page.enable", Some(S)),
            ("Fetch.enable", Some(S)),
            ("Target.setAutoAttach", Some(S)),
            ("Runtime.runIfWaitingForDebugger", Some(S)),
            ("Page.navigate", Some(S)),
        ]
    );
    // A popup is recorded the same way, but not navigated.
    let out = attached(&mut rec, "POPUP", "T2", "page");
    assert!(!sent(&out).contains(&("Page.navigate", Some("POPUP"))));
    assert_eq!(rec.pages_open, 2);
    // Workers and the browser's own pages run unrecorded.
    let out = attached(&mut rec, "W", "T3", "service_worker");
    assert_eq!(
        sent(&out),
        vec![
            ("Runtime.runIfWaitingForDebugger", Some("W")),
            ("Target.detachFromTarget", None)
        ]
    );
    let out = feed(
        &mut rec,
        json!({"method": "Network.requestWillBeSent", "sessionId": "W",
        "params": {"requestId": "1", "request": {"url": "https://x.example/", "method": "GET"},
        "timestamp": 1.0, "wallTime": 1.0}}),
    );
    assert!(out.is_empty() && rec.requests.is_empty());
    // Closing the tabs closes the window.
    feed(
        &mut rec,
        json!({"method": "Target.detachedFromTarget", "params": {"sessionId": "POPUP"}}),
    );
    feed(
        &mut rec,
        json!({"method": "Target.targetDestroyed", "params": {"targetId": T}}),
    );
    feed(
        &mut rec,
        json!({"method": "Target.targetDestroyed", "params": {"targetId": T}}),
    );
    assert_eq!((rec.pages_opened, rec.pages_open), (2, 0));
}

#[test]
fn a_saml_post_that_fails_keeps_its_body_and_is_reported_when_it_starts() {
    let mut rec = recorder_with_page();
    let body = "SAMLResponse=PHNhbWxwOlJlc3BvbnNlLz4%3D&RelayState=https%3A%2F%2Fconsole";
    let out = feed(
        &mut rec,
        request(
            "POST1",
            "POST",
            "https://signin.aws.amazon.com/saml",
            "Document",
            json!({"postData": body, "hasPostData": true,
                "headers": {"Content-Type": "application/x-www-form-urlencoded"}}),
        ),
    );
    let seen = reports(&out);
    assert_eq!(seen.len(), 1);
    let Event::Saml(s) = seen[0] else { panic!() };
    assert_eq!(s.found.field, MessageField::SamlResponse);
    assert_eq!(s.found.kind, LocationKind::FormPost);
    assert!(s.is_response_posted_to_aws());
    assert_eq!(s.started.unwrap().to_string(), "2024-05-14T09:31:09.118Z");
    assert!(rec.chain_end(0).is_none());

    let out = feed(
        &mut rec,
        on(
            "Network.loadingFailed",
            json!({"requestId": "POST1", "timestamp": 100.2, "type": "Document",
                "errorText": "net::ERR_NAME_NOT_RESOLVED", "canceled": false}),
        ),
    );
    let Event::PageLoaded(p) = reports(&out)[0] else {
        panic!()
    };
    assert_eq!(p.error.as_deref(), Some("net::ERR_NAME_NOT_RESOLVED"));
    let r = &rec.requests[0];
    assert_eq!(r.post, PostState::Text(body.into()));
    assert_eq!(r.status, None);
    assert_eq!(
        rec.chain_end(0).map(|(failed, _, s)| (failed, s)),
        Some((true, S))
    );
    // Chrome then reports its error page on the same request: the request's end stays.
    let out = feed(
        &mut rec,
        on(
            "Network.loadingFinished",
            json!({"requestId": "POST1", "timestamp": 100.5}),
        ),
    );
    assert!(out.is_empty());
    assert_eq!(rec.requests[0].duration_ms().map(f64::round), Some(200.0));
}

#[test]
fn a_post_body_too_long_to_come_inline_is_fetched_at_once() {
    let mut rec = recorder_with_page();
    let out = feed(
        &mut rec,
        request(
            "P",
            "POST",
            "https://us-east-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d-4a60-8e14",
            "Document",
            json!({"hasPostData": true}),
        ),
    );
    assert_eq!(sent(&out), vec![("Network.getRequestPostData", Some(S))]);
    assert!(reports(&out).is_empty());
    assert_eq!(rec.requests[0].post, PostState::Pending);
    let Output::Send { purpose, .. } = &out[0] else {
        panic!()
    };
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode("SAMLResponse=PHNhbWw%2B");
    let mut out = Vec::new();
    rec.on_reply(
        purpose.clone(),
        Ok(json!({"postData": b64, "base64Encoded": true})),
        &mut out,
    )
    .unwrap();
    let Event::Saml(s) = reports(&out)[0] else {
        panic!()
    };
    assert!(s.is_response_posted_to_aws());
    assert_eq!(
        rec.requests[0].post,
        PostState::Text("SAMLResponse=PHNhbWw%2B".into())
    );

    // A body the browser no longer has is missing, not an error.
    let out = feed(
        &mut rec,
        request(
            "Q",
            "POST",
            "https://x.example/",
            "XHR",
            json!({"hasPostData": true}),
        ),
    );
    let Output::Send { purpose, .. } = &out[0] else {
        panic!()
    };
    rec.on_reply(purpose.clone(), Err("No post data".into()), &mut Vec::new())
        .unwrap();
    assert_eq!(rec.requests[1].post, PostState::Missing);
}

#[test]
fn a_redirect_chain_is_one_request_per_hop_with_the_headers_as_sent() {
    let mut rec = recorder_with_page();
    // Extra info may come before the request it belongs to.
    feed(
        &mut rec,
        on(
            "Network.requestWillBeSentExtraInfo",
            json!({"requestId": "NAV", "headers": {"Cookie": "sp=1", "User-Agent": "test"}}),
        ),
    );
    feed(
        &mut rec,
        request("NAV", "GET", "http://127.0.0.1:9/sp", "Document", json!({})),
    );
    feed(
        &mut rec,
        on(
            "Network.responseReceivedExtraInfo",
            json!({"requestId": "NAV", "headers": {"Location": "http://127.0.0.1:9/sso?SAMLRequest=fZBBT8Mw&RelayState=r", "Set-Cookie": "a=1\nb=2"}}),
        ),
    );
    let out = feed(
        &mut rec,
        on(
            "Network.requestWillBeSent",
            json!({"requestId": "NAV", "loaderId": "NAV", "type": "Document", "frameId": T,
                "request": {"url": "http://127.0.0.1:9/sso?SAMLRequest=fZBBT8Mw&RelayState=r", "method": "GET", "headers": {}},
                "timestamp": 100.1, "wallTime": 1715679069.2,
                "redirectResponse": {"status": 302, "statusText": "Found", "headers": {"Location": "http://127.0.0.1:9/sso?SAMLRequest=fZBBT8Mw&RelayState=r"}, "mimeType": "text/html"}}),
        ),
    );
    let Event::Saml(s) = reports(&out)[0] else {
        panic!()
    };
    assert_eq!(s.entry, 1);
    assert_eq!(s.found.field, MessageField::SamlRequest);
    assert_eq!(s.found.kind, LocationKind::RedirectQuery);
    assert_eq!(rec.requests.len(), 2);
    let hop = &rec.requests[0];
    assert_eq!(hop.status, Some(302));
    assert_eq!(
        hop.redirect_url.as_deref(),
        Some("http://127.0.0.1:9/sso?SAMLRequest=fZBBT8Mw&RelayState=r")
    );
    assert!(hop
        .request_headers
        .contains(&("Cookie".into(), "sp=1".into())));
    assert_eq!(
        hop.response_headers
            .iter()
            .filter(|(n, _)| n == "Set-Cookie")
            .count(),
        2
    );
    // One page: a redirect does not start a new one.
    assert_eq!(rec.pages.len(), 1);
    assert_eq!(rec.requests[1].page, Some(0));
    // The chain has not ended while its last hop runs; it ends with that hop.
    assert!(rec.chain_end(0).is_none());
    feed(
        &mut rec,
        on(
            "Network.responseReceived",
            json!({"requestId": "NAV", "timestamp": 100.3, "type": "Document",
                "response": {"status": 200, "statusText": "OK", "headers": {"Content-Type": "text/html"}, "mimeType": "text/html", "protocol": "http/1.1"}}),
        ),
    );
    let out = feed(
        &mut rec,
        on(
            "Network.loadingFinished",
            json!({"requestId": "NAV", "timestamp": 100.4}),
        ),
    );
    assert_eq!(sent(&out), vec![("Network.getResponseBody", Some(S))]);
    assert_eq!(rec.chain_end(0).map(|(f, _, _)| f), Some(false));
    assert_eq!(
        crate::record::hosts_visited(&rec.requests),
        vec!["127.0.0.1"]
    );
}

#[test]
fn a_paused_document_has_its_body_read_and_is_always_let_go_on() {
    let mut rec = recorder_with_page();
    feed(
        &mut rec,
        request(
            "DOC",
            "POST",
            "https://idp.example.com/login",
            "Document",
            json!({"postData": "user=jane&password=x"}),
        ),
    );
    let paused = |status: i64, mime: &str, length: Option<&str>| {
        let mut headers = vec![json!({"name": "Content-Type", "value": mime})];
        if let Some(l) = length {
            headers.push(json!({"name": "Content-Length", "value": l}));
        }
        on(
            "Fetch.requestPaused",
            json!({"requestId": "interception-1", "networkId": "DOC", "resourceType": "Document",
                "request": {"url": "https://idp.example.com/login", "method": "POST", "headers": {}},
                "frameId": T, "responseStatusCode": status, "responseHeaders": headers}),
        )
    };
    // Not a page that can carry SAML: continued at once.
    for (status, mime, length) in [
        (302, "text/html", None),
        (200, "application/pdf", None),
        (200, "text/html", Some("999999999")),
    ] {
        let out = feed(&mut rec, paused(status, mime, length));
        assert_eq!(
            sent(&out),
            vec![("Fetch.continueRequest", Some(S))],
            "{status} {mime}"
        );
    }
    let out = feed(
        &mut rec,
        paused(200, "text/html; charset=utf-8", Some("400")),
    );
    assert_eq!(sent(&out), vec![("Fetch.getResponseBody", Some(S))]);
    let Output::Send { purpose, .. } = &out[0] else {
        panic!()
    };
    let html = r#"<form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="PHNhbWw+"/></form>"#;
    use base64::Engine;
    let mut out = Vec::new();
    rec.on_reply(
        purpose.clone(),
        Ok(json!({"body": base64::engine::general_purpose::STANDARD.encode(html), "base64Encoded": true})),
        &mut out,
    )
    .unwrap();
    let Event::Saml(s) = reports(&out)[0] else {
        panic!()
    };
    assert_eq!(s.found.kind, LocationKind::AutoPostForm);
    assert_eq!(sent(&out), vec![("Fetch.continueRequest", Some(S))]);
    // UTF-8 text is kept as text.
    assert_eq!(rec.requests[0].body.as_deref(), Some(html));
    assert!(!rec.requests[0].body_base64);
    // A failed read still lets the page go on.
    let out = feed(&mut rec, paused(500, "text/html", None));
    let Output::Send { purpose, .. } = &out[0] else {
        panic!()
    };
    let mut out = Vec::new();
    rec.on_reply(purpose.clone(), Err("gone".into()), &mut out)
        .unwrap();
    assert_eq!(sent(&out), vec![("Fetch.continueRequest", Some(S))]);
    // The body is not asked for a second time when the request finishes.
    feed(
        &mut rec,
        on(
            "Network.responseReceived",
            json!({"requestId": "DOC", "timestamp": 100.3, "response": {"status": 200, "mimeType": "text/html"}}),
        ),
    );
    let out = feed(
        &mut rec,
        on(
            "Network.loadingFinished",
            json!({"requestId": "DOC", "timestamp": 100.4}),
        ),
    );
    assert!(sent(&out).is_empty());
}

#[test]
fn pages_get_their_title_and_load_times() {
    let mut rec = recorder_with_page();
    feed(
        &mut rec,
        request(
            "NAV",
            "GET",
            "https://idp.example.com/",
            "Document",
            json!({}),
        ),
    );
    feed(
        &mut rec,
        request(
            "IMG",
            "GET",
            "https://cdn.example.com/logo.png",
            "Image",
            json!({}),
        ),
    );
    feed(
        &mut rec,
        json!({"method": "Target.targetInfoChanged", "params": {"targetInfo": {"targetId": T, "type": "page", "title": "Sign in", "url": "https://idp.example.com/"}}}),
    );
    feed(
        &mut rec,
        on("Page.domContentEventFired", json!({"timestamp": 100.25})),
    );
    feed(
        &mut rec,
        on("Page.loadEventFired", json!({"timestamp": 100.5})),
    );
    feed(
        &mut rec,
        on("Page.loadEventFired", json!({"timestamp": 101.0})),
    );
    let p = &rec.pages[0];
    assert_eq!(p.title, "Sign in");
    assert_eq!(p.on_content_load, Some(250.0));
    assert_eq!(p.on_load, Some(500.0));
    assert_eq!(rec.requests[1].page, Some(0));
    assert!(!rec.requests[1].main_document);
    assert!(rec.loaded_since(S, 100.9));
    assert!(!rec.loaded_since(S, 101.5));
    assert_eq!(
        crate::record::hosts_visited(&rec.requests),
        vec!["idp.example.com"]
    );
}

#[test]
fn what_the_browser_sends_is_bounded_and_nothing_unknown_panics() {
    let mut rec = recorder_with_page();
    // Events about requests never announced, non-HTTP URLs and malformed parameters.
    for msg in [
        on(
            "Network.loadingFinished",
            json!({"requestId": "nope", "timestamp": 1.0}),
        ),
        on(
            "Network.responseReceived",
            json!({"requestId": "nope", "timestamp": 1.0, "response": {"status": 99999}}),
        ),
        on(
            "Network.dataReceived",
            json!({"requestId": "nope", "dataLength": 1e300}),
        ),
        request("D", "GET", "data:text/html,hi", "Document", json!({})),
        on("Network.loadingFailed", json!({"requestId": 5})),
        on(
            "Fetch.requestPaused",
            json!({"requestId": "i", "responseStatusCode": 200}),
        ),
        on("Page.loadEventFired", json!({"timestamp": "soon"})),
    ] {
        feed(&mut rec, msg);
    }
    assert!(rec.requests.is_empty());
    assert_eq!(rec.malformed, 2);
    // A status that is no HTTP status, a wall time no clock gives.
    feed(
        &mut rec,
        on(
            "Network.requestWillBeSent",
            json!({"requestId": "X", "type": "XHR", "frameId": T,
            "request": {"url": "https://x.example/", "method": "GET"}, "timestamp": 1.0, "wallTime": -5e300}),
        ),
    );
    feed(
        &mut rec,
        on(
            "Network.responseReceived",
            json!({"requestId": "X", "timestamp": 1.0, "response": {"status": 70000}}),
        ),
    );
    assert_eq!(rec.requests[0].started, None);
    assert_eq!(rec.requests[0].status, None);
    // Beyond the bound, requests are counted, not kept.
    rec.max_requests = 40;
    for i in 0..42 {
        feed(
            &mut rec,
            request(
                &format!("r{i}"),
                "GET",
                "https://x.example/a",
                "XHR",
                json!({}),
            ),
        );
    }
    assert_eq!(rec.requests.len(), 40);
    assert_eq!(rec.dropped_requests, 3);
}

#[test]
fn only_a_refused_auto_attach_or_start_page_is_an_error() {
    let mut rec = recorder_with_page();
    let mut out = Vec::new();
    let err = rec
        .on_reply(Purpose::Attach, Err("Not supported".into()), &mut out)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the browser refused Target.setAutoAttach: Not supported"
    );
    let err = rec
        .on_reply(
            Purpose::Navigate,
            Err("Cannot navigate to invalid URL".into()),
            &mut out,
        )
        .unwrap_err();
    assert!(err.to_string().contains("Page.navigate"));
    // An unreachable start page is recorded, not an error.
    rec.on_reply(
        Purpose::Navigate,
        Ok(json!({"frameId": T, "errorText": "net::ERR_NAME_NOT_RESOLVED"})),
        &mut out,
    )
    .unwrap();
    assert!(!rec.answered);
    rec.on_reply(Purpose::Version, Err("odd".into()), &mut out)
        .unwrap();
    assert!(rec.answered && rec.browser.is_none());
    for purpose in [Purpose::Setup, Purpose::Body(99), Purpose::PostData(99)] {
        rec.on_reply(purpose, Err("No resource".into()), &mut out)
            .unwrap();
    }
    assert!(out.is_empty());
}

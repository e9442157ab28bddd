//! Writes a recording as a HAR 1.2 document, shaped as Chrome's own "Save all as HAR with
//! content" export (so `saml-doctor diagnose` and other HAR tools read it the same way): pages,
//! and per request its method, URL, headers, cookies, query string, POST body with its form
//! parameters, the response's status, headers, cookies and body (for pages that can carry
//! SAML), start time, duration and timings. A request that failed has status 0 and the
//! browser's error in `response._error`, as Chrome writes it.
//!
//! Nothing is redacted here: the caller runs the bytes through `har::redact` before they leave
//! the process (see [`crate::Recording::write_har`]).

use std::io::{self, Write};

use saml_core::decode::percent_decode;
use saml_core::Timestamp;
use serde::Serialize;

use crate::record::{Page, PostState, Request};

#[derive(Serialize)]
struct Har<'a> {
    log: Log<'a>,
}

#[derive(Serialize)]
struct Log<'a> {
    version: &'static str,
    creator: Product<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    browser: Option<Product<'a>>,
    pages: Vec<HarPage<'a>>,
    entries: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HarPage<'a> {
    started_date_time: String,
    id: String,
    title: &'a str,
    page_timings: PageTimings,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageTimings {
    on_content_load: f64,
    on_load: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pageref: Option<String>,
    started_date_time: String,
    time: f64,
    request: HarRequest<'a>,
    response: HarResponse<'a>,
    cache: Empty,
    timings: Timings,
    #[serde(rename = "serverIPAddress", skip_serializing_if = "Option::is_none")]
    server_ip_address: Option<&'a str>,
    #[serde(rename = "_resourceType")]
    resource_type: String,
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct NameValue<'a> {
    name: std::borrow::Cow<'a, str>,
    value: std::borrow::Cow<'a, str>,
}

fn nv<'a>(name: &'a str, value: &'a str) -> NameValue<'a> {
    NameValue {
        name: name.into(),
        value: value.into(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HarRequest<'a> {
    method: &'a str,
    url: &'a str,
    http_version: String,
    cookies: Vec<NameValue<'a>>,
    headers: Vec<NameValue<'a>>,
    query_string: Vec<NameValue<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_data: Option<PostData<'a>>,
    headers_size: i64,
    body_size: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostData<'a> {
    mime_type: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    params: Vec<NameValue<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HarResponse<'a> {
    status: u16,
    status_text: &'a str,
    http_version: String,
    cookies: Vec<NameValue<'a>>,
    headers: Vec<NameValue<'a>>,
    content: Content<'a>,
    #[serde(rename = "redirectURL")]
    redirect_url: &'a str,
    headers_size: i64,
    body_size: i64,
    #[serde(rename = "_error", skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Content<'a> {
    size: i64,
    mime_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
}

/// HAR timings in milliseconds; -1 where a phase did not apply.
#[derive(Serialize, Debug, PartialEq)]
struct Timings {
    blocked: f64,
    dns: f64,
    connect: f64,
    send: f64,
    wait: f64,
    receive: f64,
    ssl: f64,
}

/// Writes the HAR of `requests` and `pages`; `browser` is the browser's product string.
pub(crate) fn write(
    requests: &[Request],
    pages: &[Page],
    browser: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let browser = browser.map(|p| {
        let (name, version) = p.split_once('/').unwrap_or((p, ""));
        Product { name, version }
    });
    let har = Har {
        log: Log {
            version: "1.2",
            creator: Product {
                name: "saml-doctor",
                version: env!("CARGO_PKG_VERSION"),
            },
            browser,
            pages: pages.iter().enumerate().map(|(i, p)| page(i, p)).collect(),
            entries: requests.iter().map(entry).collect(),
        },
    };
    let mut w = io::BufWriter::new(out);
    serde_json::to_writer(&mut w, &har).map_err(io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}

fn iso(t: Option<Timestamp>) -> String {
    t.unwrap_or(Timestamp::from_unix_millis(0)).to_string()
}

fn page(i: usize, p: &Page) -> HarPage<'_> {
    HarPage {
        started_date_time: iso(p.started),
        id: format!("page_{}", i + 1),
        title: &p.title,
        page_timings: PageTimings {
            on_content_load: round(p.on_content_load.unwrap_or(-1.0)),
            on_load: round(p.on_load.unwrap_or(-1.0)),
        },
    }
}

fn entry(r: &Request) -> Entry<'_> {
    let (time, timings) = timings(r);
    let http_version = har_http_version(&r.http_version);
    let post_mime = header(&r.request_headers, "content-type").unwrap_or("");
    let post_data = match &r.post {
        PostState::Text(text) => Some(PostData {
            mime_type: post_mime,
            text,
            params: if post_mime
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
            {
                // As Chrome records them: names and values as sent, still URL-encoded.
                pairs(text).map(|(n, v)| nv(n, v)).collect()
            } else {
                Vec::new()
            },
        }),
        _ => None,
    };
    let body_size = match &r.post {
        PostState::Text(t) => t.len() as i64,
        _ => 0,
    };
    Entry {
        pageref: r.page.map(|p| format!("page_{}", p + 1)),
        started_date_time: iso(r.started),
        time,
        request: HarRequest {
            method: &r.method,
            url: &r.url,
            http_version: http_version.clone(),
            cookies: request_cookies(&r.request_headers),
            headers: r.request_headers.iter().map(|(n, v)| nv(n, v)).collect(),
            query_string: query_string(&r.url),
            post_data,
            headers_size: -1,
            body_size,
        },
        response: HarResponse {
            status: r.status.unwrap_or(0),
            status_text: &r.status_text,
            http_version,
            cookies: response_cookies(&r.response_headers),
            headers: r.response_headers.iter().map(|(n, v)| nv(n, v)).collect(),
            content: Content {
                size: match (&r.body, r.body_base64) {
                    (Some(text), false) => text.len() as i64,
                    (Some(b64), true) => (b64.len() / 4 * 3) as i64,
                    (None, _) => i64::try_from(r.body_size).unwrap_or(i64::MAX),
                },
                mime_type: &r.mime_type,
                text: r.body.as_deref(),
                encoding: (r.body.is_some() && r.body_base64).then_some("base64"),
            },
            redirect_url: r.redirect_url.as_deref().unwrap_or(""),
            headers_size: -1,
            body_size: -1,
            error: r.error.as_deref(),
        },
        cache: Empty {},
        timings,
        server_ip_address: r.server_ip.as_deref(),
        resource_type: r.resource_type.to_ascii_lowercase(),
    }
}

/// Chrome's protocol names (`h2`) as HAR versions (`http/2.0`).
fn har_http_version(protocol: &str) -> String {
    match protocol.to_ascii_lowercase().as_str() {
        "h2" | "h2c" => "http/2.0".into(),
        "h3" | "http/3" => "http/3.0".into(),
        other => other.to_string(),
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `a=1&b=2` as (name, value) pairs, undecoded.
fn pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

fn query_string(url: &str) -> Vec<NameValue<'static>> {
    let Some((_, query)) = url.split('#').next().unwrap_or(url).split_once('?') else {
        return Vec::new();
    };
    let decode =
        |s: &str| String::from_utf8_lossy(&percent_decode(s.as_bytes(), true)).into_owned();
    pairs(query)
        .map(|(n, v)| NameValue {
            name: decode(n).into(),
            value: decode(v).into(),
        })
        .collect()
}

fn request_cookies(headers: &[(String, String)]) -> Vec<NameValue<'_>> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .map(|(n, v)| nv(n, v))
        .collect()
}

fn response_cookies(headers: &[(String, String)]) -> Vec<NameValue<'_>> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| v.split(';').next()?.trim().split_once('='))
        .map(|(n, v)| nv(n, v))
        .collect()
}

fn round(ms: f64) -> f64 {
    if ms.is_finite() {
        (ms * 1000.0).round() / 1000.0
    } else {
        -1.0
    }
}

/// The entry's total time and its phases, from the browser's resource timing (milliseconds
/// after `requestTime`) as Chrome's own HAR export computes them.
fn timings(r: &Request) -> (f64, Timings) {
    let total = r.duration_ms().unwrap_or(0.0);
    let Some(t) = &r.timing else {
        let t = Timings {
            blocked: -1.0,
            dns: -1.0,
            connect: -1.0,
            send: 0.0,
            wait: round(total),
            receive: 0.0,
            ssl: -1.0,
        };
        return (round(total), t);
    };
    let span = |a: f64, b: f64| if a >= 0.0 && b >= a { b - a } else { -1.0 };
    let queued = ((t.request_time - r.start_mono) * 1000.0).max(0.0);
    let first = [t.dns_start, t.connect_start, t.send_start]
        .into_iter()
        .find(|&v| v >= 0.0)
        .unwrap_or(0.0);
    let send = span(t.send_start, t.send_end).max(0.0);
    let wait = span(t.send_end, t.receive_headers_end).max(0.0);
    let end = r.end_mono.map_or(0.0, |e| (e - t.request_time) * 1000.0);
    let receive = (end - t.receive_headers_end.max(0.0)).max(0.0);
    let timings = Timings {
        blocked: round(queued + first),
        dns: round(span(t.dns_start, t.dns_end)),
        connect: round(span(t.connect_start, t.connect_end)),
        send: round(send),
        wait: round(wait),
        receive: round(receive),
        ssl: round(span(t.ssl_start, t.ssl_end)),
    };
    // The total is the sum of the phases (ssl lies within connect), as HAR asks.
    let sum: f64 = [
        timings.blocked,
        timings.dns,
        timings.connect,
        timings.send,
        timings.wait,
        timings.receive,
    ]
    .iter()
    .filter(|v| **v > 0.0)
    .sum();
    (round(sum), timings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ResourceTiming;

    fn written(requests: &[Request], pages: &[Page]) -> serde_json::Value {
        let mut out = Vec::new();
        write(
            requests,
            pages,
            Some("HeadlessChrome/156.0.8078.114"),
            &mut out,
        )
        .unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn a_failed_saml_post_is_written_as_chrome_writes_it() {
        let body = "SAMLResponse=PHNhbWw%2B&RelayState=https%3A%2F%2Fx";
        let r = Request {
            started: Some(Timestamp::from_unix_millis(1_715_679_069_118)),
            method: "POST".into(),
            url: "https://signin.aws.amazon.com/saml".into(),
            resource_type: "Document".into(),
            request_headers: vec![
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("Cookie".into(), "a=1; b=two".into()),
            ],
            post: PostState::Text(body.into()),
            error: Some("net::ERR_NAME_NOT_RESOLVED".into()),
            page: Some(0),
            start_mono: 10.0,
            end_mono: Some(10.25),
            ..Default::default()
        };
        let har = written(&[r], &[Page::default()]);
        let log = &har["log"];
        assert_eq!(log["version"], "1.2");
        assert_eq!(log["creator"]["name"], "saml-doctor");
        assert_eq!(log["browser"]["name"], "HeadlessChrome");
        assert_eq!(log["pages"][0]["id"], "page_1");
        let e = &log["entries"][0];
        assert_eq!(e["pageref"], "page_1");
        assert_eq!(e["startedDateTime"], "2024-05-14T09:31:09.118Z");
        assert_eq!(e["time"], 250.0);
        assert_eq!(e["request"]["postData"]["text"], body);
        assert_eq!(
            e["request"]["postData"]["params"][0]["name"],
            "SAMLResponse"
        );
        assert_eq!(e["request"]["postData"]["params"][0]["value"], "PHNhbWw%2B");
        assert_eq!(e["request"]["cookies"][1]["value"], "two");
        assert_eq!(e["response"]["status"], 0);
        assert_eq!(e["response"]["_error"], "net::ERR_NAME_NOT_RESOLVED");
        assert_eq!(e["timings"]["wait"], 250.0);
        assert_eq!(e["_resourceType"], "document");
    }

    #[test]
    fn query_strings_cookies_bodies_and_timings() {
        let r = Request {
            method: "GET".into(),
            url: "http://127.0.0.1:8/start?case=a+b&access_token=t%3D1#frag".into(),
            status: Some(200),
            mime_type: "text/html".into(),
            http_version: "h2".into(),
            response_headers: vec![
                ("Set-Cookie".into(), "idp=s3cret; Path=/; HttpOnly".into()),
                ("Set-Cookie".into(), "x=y".into()),
            ],
            body: Some("PGh0bWw+".into()),
            body_base64: true,
            body_size: 6,
            start_mono: 1.0,
            end_mono: Some(1.1),
            timing: Some(ResourceTiming {
                request_time: 1.01,
                dns_start: 0.0,
                dns_end: 2.0,
                connect_start: 2.0,
                connect_end: 12.0,
                ssl_start: 4.0,
                ssl_end: 12.0,
                send_start: 13.0,
                send_end: 14.0,
                receive_headers_end: 60.0,
            }),
            ..Default::default()
        };
        let har = written(&[r], &[]);
        let e = &har["log"]["entries"][0];
        assert!(e.get("pageref").is_none());
        assert_eq!(e["request"]["queryString"][0]["value"], "a b");
        assert_eq!(e["request"]["queryString"][1]["value"], "t=1");
        assert_eq!(e["request"]["httpVersion"], "http/2.0");
        assert_eq!(e["response"]["cookies"][0]["name"], "idp");
        assert_eq!(e["response"]["cookies"][0]["value"], "s3cret");
        assert_eq!(e["response"]["content"]["encoding"], "base64");
        assert_eq!(e["response"]["content"]["size"], 6);
        let t = &e["timings"];
        assert_eq!(t["blocked"], 10.0);
        assert_eq!(t["dns"], 2.0);
        assert_eq!(t["connect"], 10.0);
        assert_eq!(t["ssl"], 8.0);
        assert_eq!(t["send"], 1.0);
        assert_eq!(t["wait"], 46.0);
        assert_eq!(t["receive"], 30.0);
        assert_eq!(e["time"], 99.0);
    }
}

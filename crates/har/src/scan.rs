//! Reading a HAR into a [`Capture`] in one streaming pass: the JSON walked on one thread, the
//! entries handed in batches to a second that finds the SAML messages in them (the same
//! message seen twice becomes one message with two sightings), notes the facts about the
//! capture that findings need, and keeps the sign-in's steps.

use std::collections::HashMap;
use std::io::Read;
use std::time::Instant;

use saml_core::decode::{self, MessageField};
// IAM federation's endpoints and IAM Identity Center's ACS URLs: both take a SAMLResponse.
use saml_core::identity_center::is_aws_saml_endpoint as is_aws_signin_endpoint;
use saml_core::Timestamp;

use crate::capture::{Capture, CutInfo, Message, Sighting, MAX_HOSTS};
use crate::entry::{self, Cut, Entry, NotHar, WalkError};
use crate::find::find_in_entry;
use crate::json::Source;
use crate::read_ahead::ReadAhead;
use crate::url::{host_of, shorten, url_without_query};

/// Why a capture could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The input is not a HAR.
    #[error("{0}")]
    NotHar(#[from] NotHar),
    /// Reading the input failed.
    #[error("cannot read the capture: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads a HAR in one streaming pass and gathers every SAML message. `progress` is called
/// after each entry with the bytes read so far.
pub fn scan<R: Read>(mut input: R, mut progress: impl FnMut(u64)) -> Result<Capture, ScanError> {
    scan_dyn(&mut input, &mut progress)
}

/// [`scan`] without type parameters, so that it, and the parser under it, are compiled here
/// with this crate's optimisation rather than in every caller (generic code is compiled where
/// it is used: a binary built for size or compile time would otherwise scan slowly).
#[inline(never)]
fn scan_dyn(input: &mut dyn Read, progress: &mut dyn FnMut(u64)) -> Result<Capture, ScanError> {
    scan_source(input, progress)
}

/// [`scan`], with the input read on a thread of its own while the bytes before are parsed:
/// faster on a machine with more than one core. For files: see [`ReadAhead::spawn`] on inputs
/// whose reads can block.
pub fn scan_read_ahead<R: Read + Send>(
    mut input: R,
    mut progress: impl FnMut(u64),
) -> Result<Capture, ScanError> {
    scan_read_ahead_dyn(&mut input, &mut progress)
}

/// [`scan_read_ahead`] without type parameters (see [`scan_dyn`]).
#[inline(never)]
fn scan_read_ahead_dyn(
    input: &mut (dyn Read + Send),
    progress: &mut dyn FnMut(u64),
) -> Result<Capture, ScanError> {
    std::thread::scope(|scope| {
        let source = ReadAhead::spawn(scope, input);
        scan_source(source, progress)
    })
}

/// Entries handed to the absorbing thread at once: enough to make the hand-over cheap, few
/// enough that the queue stays small.
const BATCH_ENTRIES: usize = 256;
/// Bytes of kept fields (URLs, bodies) after which a batch is handed over early, so that the
/// batches in flight (one queued, one being filled, one being absorbed) stay a few MiB for an
/// ordinary capture. An entry's kept fields are capped (see `entry`), so this is bounded
/// whatever the file holds.
const BATCH_BYTES: usize = 1024 * 1024;

/// The work of [`scan`] and [`scan_read_ahead`], for their two kinds of source (instantiated
/// only by [`scan_dyn`] and [`scan_read_ahead_dyn`], so only in this crate).
///
/// Two threads share it: this one reads and walks the JSON (most of the work), and hands the
/// entries, in batches and in order, to a second that looks for SAML in them and builds the
/// capture, so that on a multi-core machine the second part costs no time.
fn scan_source<S: Source>(input: S, progress: &mut dyn FnMut(u64)) -> Result<Capture, ScanError> {
    std::thread::scope(|scope| {
        let (batches, received) = std::sync::mpsc::sync_channel::<Vec<(Entry, u64)>>(1);
        let absorber = scope.spawn(move || {
            let mut capture = Capture::default();
            let mut index_of: HashMap<Vec<u8>, usize> = HashMap::new();
            let mut saml_seen = false;
            for batch in received {
                for (entry, offset) in batch {
                    capture.entries += 1;
                    capture.bytes = offset;
                    absorb(&mut capture, &mut index_of, &mut saml_seen, entry);
                }
            }
            capture
        });
        let mut batch = Vec::with_capacity(BATCH_ENTRIES);
        let mut batch_bytes = 0;
        let walked = entry::walk(input, |entry, offset| {
            batch_bytes += kept_bytes(&entry);
            batch.push((entry, offset));
            if batch.len() >= BATCH_ENTRIES || batch_bytes >= BATCH_BYTES {
                // The absorber ends only when this sender is dropped, or by panicking, which
                // the join below reports.
                let _ = batches.send(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(BATCH_ENTRIES),
                ));
                batch_bytes = 0;
            }
            progress(offset);
        });
        if !batch.is_empty() {
            let _ = batches.send(batch);
        }
        drop(batches);
        let mut capture = match absorber.join() {
            Ok(capture) => capture,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let cut = walked.map_err(|e| match e {
            WalkError::NotHar(n) => ScanError::NotHar(n),
            WalkError::Io(io) => ScanError::Io(io),
        })?;
        capture.cut = cut.map(|Cut { offset, reason }| CutInfo { offset, reason });
        Ok(capture)
    })
}

/// The bytes an entry holds on to (what a batch costs in memory).
fn kept_bytes(entry: &Entry) -> usize {
    entry.url.len()
        + entry.post_text.as_ref().map_or(0, Vec::len)
        + entry.content_text.as_ref().map_or(0, Vec::len)
        + entry
            .post_params
            .iter()
            .map(|(n, v)| n.len() + v.len())
            .sum::<usize>()
}

fn absorb(
    capture: &mut Capture,
    index_of: &mut HashMap<Vec<u8>, usize>,
    saml_seen: &mut bool,
    entry: Entry,
) {
    for (field, limit) in &entry.oversized {
        capture
            .oversized
            .push((entry.index, shorten(&entry.url, 160), field, *limit));
    }
    let path_url = url_without_query(&entry.url);
    let is_aws_post = entry.method.eq_ignore_ascii_case("POST") && is_aws_signin_endpoint(path_url);
    if is_aws_post && !has_body(&entry) {
        capture
            .posts_without_body
            .push((entry.index, entry.url.clone()));
    }
    let host = host_of(&entry.url);
    if let Some(h) = host.as_deref() {
        if !capture.hosts_visited.iter().any(|v| v == h) && crate::steps::is_page_visit(&entry) {
            if capture.hosts_visited.len() < MAX_HOSTS {
                capture.hosts_visited.push(h.to_owned());
            } else {
                capture.more_hosts += 1;
            }
        }
    }
    if is_signin_url(host.as_deref(), &entry.url)
        && capture.signin_urls.len() < 10
        && !capture
            .signin_urls
            .iter()
            .any(|(_, u)| url_without_query(u) == path_url)
    {
        capture
            .signin_urls
            .push((entry.index, shorten(&entry.url, 160)));
    }
    if is_aws_post {
        *saml_seen = true;
    }
    if capture.direct_connect_visit.is_none()
        && !*saml_seen
        && is_connect_instance_url(host.as_deref(), &entry.url)
        && is_navigation(&entry)
    {
        capture.direct_connect_visit = Some((entry.index, shorten(&entry.url, 160)));
    }
    capture
        .idc_error_pages
        .extend(crate::identity_center::find(&entry));
    let started = entry
        .started
        .as_deref()
        .and_then(|s| Timestamp::parse(s).ok());
    let found_in_entry = find_in_entry(&entry);
    capture
        .steps
        .observe_at(&entry, started, host, &found_in_entry);
    for found in found_in_entry {
        if found.field == MessageField::SamlResponse {
            *saml_seen = true;
        }
        if found.value.starts_with(b"[redacted") || found.value.starts_with(b"%5Bredacted") {
            capture.dropped_responses += usize::from(found.field == MessageField::SamlResponse);
            continue;
        }
        let decode_started = Instant::now();
        let decoded = decode::decode(&found.value);
        capture.decode_time += decode_started.elapsed();
        // The same message as posted and as it sat in the IdP's form differs in encoding only.
        let key = match &decoded {
            Ok(d) => d.xml.as_bytes().to_vec(),
            Err(_) => found.value.clone(),
        };
        let sighting = Sighting {
            entry: entry.index,
            started,
            method: entry.method.clone(),
            url: shorten(&entry.url, 2048),
            kind: found.kind,
            relay_state: found.relay_state,
            form_action: found.form_action,
        };
        match index_of.get(&key) {
            Some(&i) => capture.messages[i].sightings.push(sighting),
            None => {
                index_of.insert(key, capture.messages.len());
                capture.messages.push(Message {
                    field: found.field,
                    decoded,
                    sightings: vec![sighting],
                });
            }
        }
    }
}

/// A page the user opened (an HTML document or a redirect), not the app's own API calls, scripts
/// or images: only opening the page says the sign-in started at Connect.
fn is_navigation(entry: &Entry) -> bool {
    let mime = entry
        .content_mime
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    entry.method.eq_ignore_ascii_case("GET")
        && (mime.contains("html")
            || mime.is_empty()
            || mime == "x-unknown"
            || entry.status.is_some_and(|s| (300..400).contains(&s)))
}

fn has_body(entry: &Entry) -> bool {
    entry.post_text.as_ref().is_some_and(|t| !t.is_empty())
        || entry.post_param_count > 0
        || !entry.oversized.is_empty()
}

/// The Connect instance's own URL: `<alias>.my.connect.aws` or `<alias>.awsapps.com/connect`
/// (`host` is the URL's, from [`host_of`]).
fn is_connect_instance_url(host: Option<&str>, url: &str) -> bool {
    let Some(host) = host else {
        return false;
    };
    let path = url
        .split_once("://")
        .map(|(_, r)| r)
        .and_then(|r| r.find('/').map(|i| &r[i..]))
        .unwrap_or("/");
    host.ends_with(".my.connect.aws")
        || (host.ends_with(".awsapps.com") && path.starts_with("/connect"))
}

/// Sign-in pages of common identity providers and of AWS (`host` is the URL's, from
/// [`host_of`]).
fn is_signin_url(host: Option<&str>, url: &str) -> bool {
    let Some(host) = host else {
        return false;
    };
    let path = url_without_query(url).to_ascii_lowercase();
    host == "login.microsoftonline.com"
        || host.ends_with(".okta.com")
        || host.ends_with(".oktapreview.com")
        || path.contains("/adfs/ls")
        || host == "accounts.google.com" && path.contains("/saml")
        || host.ends_with(".onelogin.com")
        || host.ends_with(".pingone.com")
        || host.ends_with("signin.aws.amazon.com")
        || host.ends_with(".awsapps.com") && path.contains("/start")
        || path.contains("/saml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use saml_core::Code;

    fn har(entries: &[String]) -> String {
        format!(
            r#"{{"log": {{"version": "1.2", "entries": [{}]}}}}"#,
            entries.join(",")
        )
    }

    fn entry(
        started: &str,
        method: &str,
        url: &str,
        post_text: Option<&str>,
        html: Option<&str>,
    ) -> String {
        let post = post_text
            .map(|t| format!(r#", "postData": {{"mimeType": "application/x-www-form-urlencoded", "text": {}}}"#, serde_json::to_string(t).unwrap()))
            .unwrap_or_default();
        let content = html
            .map(|h| {
                format!(
                    r#"{{"mimeType": "text/html", "text": {}}}"#,
                    serde_json::to_string(h).unwrap()
                )
            })
            .unwrap_or_else(|| r#"{"mimeType": "text/html"}"#.to_owned());
        format!(
            r#"{{"startedDateTime": "{started}", "request": {{"method": "{method}", "url": "{url}", "headers": []{post}}}, "response": {{"status": 200, "content": {content}}}}}"#
        )
    }

    const XML: &str =
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>"#;

    /// What a scan found, comparable: the capture, its timeline and its findings, or the error.
    fn outcome(scanned: Result<Capture, ScanError>) -> String {
        match scanned {
            Ok(c) => {
                let codes: Vec<Code> = c.findings().iter().map(|f| f.code).collect();
                format!(
                    "{}\n{}\n{codes:?}",
                    serde_json::to_string(&c).unwrap(),
                    serde_json::to_string(&c.steps).unwrap()
                )
            }
            Err(e) => format!("error: {e}"),
        }
    }

    /// The shipped captures, each also cut short at a few points, and one long enough to span
    /// many read-ahead buffers and absorber batches.
    fn captures() -> Vec<Vec<u8>> {
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut files = Vec::new();
        for dir in [examples.clone(), examples.join("identity-center")] {
            for item in std::fs::read_dir(&dir).unwrap() {
                let path = item.unwrap().path();
                if path.extension().is_some_and(|e| e == "har") {
                    files.push(std::fs::read(path).unwrap());
                }
            }
        }
        assert!(files.len() >= 10, "the examples are where they should be");
        let mut all = Vec::new();
        for file in &files {
            for cut in [file.len() / 3, file.len() / 2, file.len() - 10] {
                all.push(file[..cut].to_vec());
            }
        }
        all.extend(files.iter().cloned());
        let healthy = std::fs::read(examples.join("healthy-azure-chrome.har")).unwrap();
        let healthy: serde_json::Value = serde_json::from_slice(&healthy).unwrap();
        let entries = healthy["log"]["entries"].as_array().unwrap();
        let long: Vec<String> = (0..150)
            .flat_map(|_| entries.iter().map(|e| e.to_string()))
            .collect();
        all.push(har(&long).into_bytes());
        all
    }

    #[test]
    fn reading_ahead_finds_what_reading_in_turn_finds() {
        let inputs = captures();
        let long = inputs.last().unwrap();
        assert!(long.len() > 3 * 1024 * 1024, "{}", long.len());
        for input in &inputs {
            let plain = outcome(scan(&input[..], |_| {}));
            let ahead = outcome(scan_read_ahead(&input[..], |_| {}));
            assert_eq!(plain, ahead);
        }
        let c = scan_read_ahead(&long[..], |_| {}).unwrap();
        assert!(c.entries > 3 * BATCH_ENTRIES, "{}", c.entries);
        assert_eq!(
            c.bytes,
            long.len() as u64 - 3,
            "every entry, up to the closing brackets"
        );
        assert_eq!(c.responses().count(), 1, "one message, seen 150 times");
        assert_eq!(c.messages[0].sightings.len() % 150, 0);
    }

    fn b64(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn one_message_seen_twice_is_one_message_with_two_sightings() {
        let value = b64(XML);
        let form = format!(
            r#"<form action="https://signin.aws.amazon.com/saml"><input name="SAMLResponse" value="{value}"/><input name="RelayState" value="https://r"/></form>"#
        );
        let body = format!(
            "SAMLResponse={}&RelayState=https%3A%2F%2Fr",
            value.replace('=', "%3D")
        );
        let h = har(&[
            entry(
                "2024-05-14T09:31:08Z",
                "POST",
                "https://login.microsoftonline.com/t/saml2",
                Some("x=1"),
                Some(&form),
            ),
            entry(
                "2024-05-14T09:31:09Z",
                "POST",
                "https://signin.aws.amazon.com/saml",
                Some(&body),
                None,
            ),
        ]);
        let c = scan(h.as_bytes(), |_| {}).unwrap();
        assert_eq!(c.messages.len(), 1);
        let m = &c.messages[0];
        assert_eq!(m.sightings.len(), 2);
        assert!(m.was_posted_to_aws());
        assert_eq!(m.key_sighting().entry, 1);
        assert_eq!(m.relay_state(), Some("https://r"));
        assert_eq!(c.primary_response(), Some(0));
        assert!(c.findings().is_empty(), "{:?}", c.findings());
    }

    #[test]
    fn no_response_says_what_was_seen() {
        let h = har(&[
            entry(
                "2024-05-14T09:31:07Z",
                "GET",
                "https://portal.example.com/start?access_token=planted",
                None,
                None,
            ),
            entry(
                "2024-05-14T09:31:08Z",
                "GET",
                "https://login.microsoftonline.com/t/saml2?SAMLRequest=fZFBT8Mw&sso_nonce=planted",
                None,
                None,
            ),
            entry(
                "2024-05-14T09:31:08Z",
                "GET",
                "https://cdn.example.net/app.js",
                None,
                None,
            ),
        ]);
        let c = scan(h.as_bytes(), |_| {}).unwrap();
        let f = c.findings();
        assert_eq!(f[0].code, Code::SamlResponseNotFound);
        assert!(
            f[0].detail.contains("1 SAMLRequest was seen"),
            "{}",
            f[0].detail
        );
        // The sign-in URL with its parameters' names, never their values.
        assert!(
            f[0].detail.contains(
                "sign-in URLs seen: entry 1: https://login.microsoftonline.com/t/saml2?SAMLRequest=…&sso_nonce=…"
            ),
            "{}",
            f[0].detail
        );
        // The pages visited, not what they loaded.
        assert!(
            f[0].detail
                .ends_with("; hosts visited: portal.example.com, login.microsoftonline.com"),
            "{}",
            f[0].detail
        );
        assert_eq!(
            f[0].evidence.get("hosts_visited"),
            Some("portal.example.com, login.microsoftonline.com")
        );
        assert!(!f[0].detail.contains("planted"), "{}", f[0].detail);
    }

    #[test]
    fn the_hosts_visited_are_bounded() {
        let entries: Vec<String> = (0..MAX_HOSTS + 3)
            .map(|i| {
                entry(
                    "2024-05-14T09:31:07Z",
                    "GET",
                    &format!("https://h{i}.example.com/"),
                    None,
                    None,
                )
            })
            .collect();
        let c = scan(har(&entries).as_bytes(), |_| {}).unwrap();
        assert_eq!(c.hosts_visited.len(), MAX_HOSTS);
        assert_eq!(c.more_hosts, 3);
        assert!(c.findings()[0]
            .detail
            .ends_with(", h15.example.com and 3 more"));
    }

    #[test]
    fn direct_connect_visit_and_missing_post_body() {
        let h = har(&[
            entry(
                "2024-05-14T09:31:08Z",
                "GET",
                "https://contoso-cc.my.connect.aws/ccp-v2/",
                None,
                None,
            ),
            entry(
                "2024-05-14T09:31:09Z",
                "POST",
                "https://signin.aws.amazon.com/saml",
                None,
                None,
            ),
        ]);
        let codes: Vec<Code> = scan(h.as_bytes(), |_| {})
            .unwrap()
            .findings()
            .iter()
            .map(|f| f.code)
            .collect();
        assert_eq!(
            codes,
            [Code::HarPostDataMissing, Code::ConnectDirectLogin],
            "the direct visit explains the missing response: no saml_response_not_found too"
        );
    }

    /// A sign-in posted to AWS, then the Connect app opened.
    fn sign_in_then_connect() -> String {
        let body = format!("SAMLResponse={}", b64(XML));
        har(&[
            entry(
                "2024-05-14T09:31:09Z",
                "POST",
                "https://signin.aws.amazon.com/saml",
                Some(&body),
                None,
            ),
            entry(
                "2024-05-14T09:31:10Z",
                "GET",
                "https://contoso-cc.my.connect.aws/ccp-v2/",
                None,
                None,
            ),
        ])
    }

    #[test]
    fn the_apps_own_api_calls_are_not_a_direct_visit() {
        let api = r#"{"startedDateTime": "2024-05-14T09:31:00Z", "request": {"method": "GET", "url": "https://contoso-cc.my.connect.aws/connect/api/v1/contacts"}, "response": {"status": 200, "content": {"mimeType": "application/json", "text": "[]"}}}"#;
        let c = scan(har(&[api.to_owned()]).as_bytes(), |_| {}).unwrap();
        assert!(c.direct_connect_visit.is_none());
    }

    #[test]
    fn connect_after_saml_is_not_a_direct_visit() {
        let h = sign_in_then_connect();
        assert!(scan(h.as_bytes(), |_| {})
            .unwrap()
            .direct_connect_visit
            .is_none());
    }

    #[test]
    fn truncated_capture_reports_complete_entries() {
        let h = sign_in_then_connect();
        let cut = &h[..h.len() - 40];
        let c = scan(cut.as_bytes(), |_| {}).unwrap();
        assert_eq!(c.entries, 1);
        assert_eq!(c.messages.len(), 1);
        let f = &c.findings()[0];
        assert_eq!(f.code, Code::HarTruncated);
        assert!(
            f.detail.contains("the 1 complete entry before it"),
            "{}",
            f.detail
        );
    }
}

//! Walks a HAR 1.2 document (`log.entries[]`) and keeps, for each entry, only what diagnosis
//! needs: index, time, method, URL, status, the POST body and, for HTML, the response body.
//!
//! Everything else (headers, cookies, timings, `_initiator` stacks, images, scripts) is skipped
//! without being copied. Captured strings are capped, so memory stays bounded whatever the file.

use crate::json::{Captured, JsonError, Reader, Source, ValueKind};

/// The longest URL kept (a redirect-binding URL is a few KB).
pub const MAX_URL: usize = 1024 * 1024;
/// The longest POST body kept (a SAMLResponse beyond this is far past AWS's limit anyway).
pub const MAX_POST_TEXT: usize = 16 * 1024 * 1024;
/// The longest response body searched for an auto-post form.
pub const MAX_HTML_BODY: usize = 8 * 1024 * 1024;

/// The fields of one HAR entry that diagnosis uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Position in `log.entries`, from 0.
    pub index: usize,
    /// `startedDateTime`, as written.
    pub started: Option<String>,
    /// The request method.
    pub method: String,
    /// The request URL (up to its cap).
    pub url: String,
    /// The response status.
    pub status: Option<u16>,
    /// The request had a `postData` object.
    pub has_post_data: bool,
    /// `postData.text`, when under its cap.
    pub post_text: Option<Vec<u8>>,
    /// `postData.params` named SAMLResponse, SAMLRequest or RelayState, as recorded.
    pub post_params: Vec<(String, Vec<u8>)>,
    /// `postData.params` entries of any name.
    pub post_param_count: usize,
    /// The response's `content.mimeType`.
    pub content_mime: Option<String>,
    /// The response's `content.encoding` (`base64` for a base64 body).
    pub content_encoding: Option<String>,
    /// The response body, when it may hold an HTML form (HTML or unknown type, under the cap).
    pub content_text: Option<Vec<u8>>,
    /// What the browser fetched it as (`_resourceType`: `document`, `xhr`, `script`, ...), when
    /// the HAR says (Chrome and Edge do).
    pub resource_type: Option<String>,
    /// Fields that could hold a SAML message but were over their limit and skipped:
    /// (field, limit in bytes).
    pub oversized: Vec<(&'static str, usize)>,
}

/// Where reading stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The byte offset where reading stopped.
    pub offset: u64,
    /// Why reading stopped.
    pub reason: String,
}

/// Why a file is not a HAR at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotHar {
    /// Nothing in the file.
    #[error("the file is empty")]
    Empty,
    /// Not JSON (the parser's reason).
    #[error("it is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not HAR (what is missing).
    #[error("it is JSON, but not a HAR: {0}")]
    NotHar(String),
}

/// Failure to read the input at all.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// The file is not a HAR.
    #[error(transparent)]
    NotHar(#[from] NotHar),
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads `log.entries` one at a time, calling `on_entry` for each complete entry. Returns how
/// reading ended: `None` at a clean end, `Some(cut)` where the file was cut or damaged after at
/// least the start of the entries array (entries before it were all delivered).
pub fn walk<R: Source>(
    input: R,
    mut on_entry: impl FnMut(Entry, u64),
) -> Result<Option<Cut>, WalkError> {
    let mut r = Reader::new(input);
    let mut entries_started = false;
    let result = walk_entries(&mut r, &mut entries_started, &mut on_entry);
    match result {
        Ok(true) => Ok(None),
        Ok(false) => Err(NotHar::NotHar("it has no log.entries array".into()).into()),
        Err(Stop::NotHar(e)) => Err(e.into()),
        Err(Stop::Json(JsonError::Io(e))) => Err(e.into()),
        // Damage before the entries start means we never saw a HAR.
        Err(Stop::Json(e)) if !entries_started => Err(NotHar::NotJson(e.to_string()).into()),
        Err(Stop::Json(e)) => Ok(Some(Cut {
            offset: r.offset(),
            reason: e.to_string(),
        })),
    }
}

enum Stop {
    Json(JsonError),
    NotHar(NotHar),
}

impl From<JsonError> for Stop {
    fn from(e: JsonError) -> Self {
        Stop::Json(e)
    }
}

fn walk_entries<R: Source>(
    r: &mut Reader<R>,
    entries_started: &mut bool,
    on_entry: &mut impl FnMut(Entry, u64),
) -> Result<bool, Stop> {
    match r.peek()? {
        None => return Err(Stop::NotHar(NotHar::Empty)),
        Some(b'{') => {}
        Some(0xFF | 0xFE) => {
            return Err(Stop::NotHar(NotHar::NotJson(
                "it is UTF-16 text; save or export it as UTF-8".into(),
            )))
        }
        Some(b'[') => {
            return Err(Stop::NotHar(NotHar::NotHar(
                "it is a JSON array; a HAR is an object with log.entries".into(),
            )))
        }
        Some(b) => {
            let shown = if b.is_ascii_graphic() {
                format!("'{}'", b as char)
            } else {
                format!("byte 0x{b:02X}")
            };
            return Err(Stop::NotHar(NotHar::NotJson(format!(
                "it starts with {shown}, not '{{'"
            ))));
        }
    }
    let (mut first, mut key) = (true, key_buffer());
    let mut found_entries = false;
    while r.next_key(&mut first, &mut key)? {
        if key != b"log" || r.kind()? != ValueKind::Object {
            r.skip_value()?;
            continue;
        }
        let (mut lfirst, mut lkey) = (true, key_buffer());
        while r.next_key(&mut lfirst, &mut lkey)? {
            if lkey != b"entries" {
                r.skip_value()?;
                continue;
            }
            if r.kind()? != ValueKind::Array {
                return Err(Stop::NotHar(NotHar::NotHar(
                    "log.entries is not an array".into(),
                )));
            }
            found_entries = true;
            *entries_started = true;
            let mut efirst = true;
            let mut index = 0;
            while r.next_element(&mut efirst)? {
                if r.kind()? == ValueKind::Object {
                    let entry = read_entry(r, index)?;
                    on_entry(entry, r.offset());
                } else {
                    r.skip_value()?;
                }
                index += 1;
            }
        }
    }
    Ok(found_entries)
}

/// The text of captured bytes, in their own allocation when they are UTF-8 (nearly always).
fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A buffer for an object's keys: room for every key a HAR's objects have, so that walking
/// an entry allocates once per object, not per key.
fn key_buffer() -> Vec<u8> {
    Vec::with_capacity(32)
}

fn small_string<R: Source>(r: &mut Reader<R>, cap: usize) -> Result<Option<String>, JsonError> {
    if r.kind()? != ValueKind::String {
        r.skip_value()?;
        return Ok(None);
    }
    let mut v = Vec::new();
    Ok(match r.string(&mut v, cap)? {
        Captured::Whole => Some(lossy(v)),
        Captured::TooLong => None,
    })
}

fn read_entry<R: Source>(r: &mut Reader<R>, index: usize) -> Result<Entry, JsonError> {
    let mut entry = Entry {
        index,
        ..Entry::default()
    };
    let (mut first, mut key) = (true, key_buffer());
    while r.next_key(&mut first, &mut key)? {
        match key.as_slice() {
            b"startedDateTime" => entry.started = small_string(r, 64)?,
            b"_resourceType" => entry.resource_type = small_string(r, 32)?,
            b"request" if r.kind()? == ValueKind::Object => read_request(r, &mut entry)?,
            b"response" if r.kind()? == ValueKind::Object => read_response(r, &mut entry)?,
            _ => r.skip_value()?,
        }
    }
    Ok(entry)
}

fn read_request<R: Source>(r: &mut Reader<R>, entry: &mut Entry) -> Result<(), JsonError> {
    let (mut first, mut key) = (true, key_buffer());
    while r.next_key(&mut first, &mut key)? {
        match key.as_slice() {
            b"method" => entry.method = small_string(r, 32)?.unwrap_or_default(),
            b"url" if r.kind()? == ValueKind::String => {
                let mut url = Vec::new();
                match r.string(&mut url, MAX_URL)? {
                    Captured::Whole => entry.url = lossy(url),
                    Captured::TooLong => entry.oversized.push(("request.url", MAX_URL)),
                }
            }
            b"postData" if r.kind()? == ValueKind::Object => {
                entry.has_post_data = true;
                read_post_data(r, entry)?;
            }
            _ => r.skip_value()?,
        }
    }
    Ok(())
}

const SAML_PARAMS: [&str; 3] = ["SAMLResponse", "SAMLRequest", "RelayState"];

fn read_post_data<R: Source>(r: &mut Reader<R>, entry: &mut Entry) -> Result<(), JsonError> {
    let (mut first, mut key) = (true, key_buffer());
    while r.next_key(&mut first, &mut key)? {
        match key.as_slice() {
            b"text" if r.kind()? == ValueKind::String => {
                let mut text = Vec::new();
                match r.string(&mut text, MAX_POST_TEXT)? {
                    Captured::Whole => entry.post_text = Some(text),
                    Captured::TooLong => entry
                        .oversized
                        .push(("request.postData.text", MAX_POST_TEXT)),
                }
            }
            b"params" if r.kind()? == ValueKind::Array => {
                let mut efirst = true;
                while r.next_element(&mut efirst)? {
                    if r.kind()? != ValueKind::Object {
                        r.skip_value()?;
                        continue;
                    }
                    entry.post_param_count += 1;
                    let (mut pfirst, mut pkey) = (true, key_buffer());
                    let (mut name, mut value) = (None, None);
                    while r.next_key(&mut pfirst, &mut pkey)? {
                        match pkey.as_slice() {
                            b"name" => name = small_string(r, 64)?,
                            b"value" if r.kind()? == ValueKind::String => {
                                let mut v = Vec::new();
                                match r.string(&mut v, MAX_POST_TEXT)? {
                                    Captured::Whole => value = Some(v),
                                    Captured::TooLong => entry
                                        .oversized
                                        .push(("request.postData.params", MAX_POST_TEXT)),
                                }
                            }
                            _ => r.skip_value()?,
                        }
                    }
                    if let (Some(name), Some(value)) = (name, value) {
                        if SAML_PARAMS.contains(&name.as_str()) {
                            entry.post_params.push((name, value));
                        }
                    }
                }
            }
            _ => r.skip_value()?,
        }
    }
    Ok(())
}

fn read_response<R: Source>(r: &mut Reader<R>, entry: &mut Entry) -> Result<(), JsonError> {
    let (mut first, mut key) = (true, key_buffer());
    while r.next_key(&mut first, &mut key)? {
        match key.as_slice() {
            b"status" => {
                if r.kind()? == ValueKind::Other {
                    entry.status = r.scalar()?.parse().ok();
                } else {
                    r.skip_value()?;
                }
            }
            b"content" if r.kind()? == ValueKind::Object => {
                let (mut cfirst, mut ckey) = (true, key_buffer());
                while r.next_key(&mut cfirst, &mut ckey)? {
                    match ckey.as_slice() {
                        b"mimeType" => entry.content_mime = small_string(r, 256)?,
                        b"encoding" => entry.content_encoding = small_string(r, 32)?,
                        b"text"
                            if r.kind()? == ValueKind::String
                                && may_hold_form(entry.content_mime.as_deref()) =>
                        {
                            let mut text = Vec::new();
                            match r.string(&mut text, MAX_HTML_BODY)? {
                                Captured::Whole => entry.content_text = Some(text),
                                // Only an HTML page could be the IdP's auto-post form.
                                Captured::TooLong
                                    if entry
                                        .content_mime
                                        .as_deref()
                                        .is_some_and(|m| m.contains("html")) =>
                                {
                                    entry
                                        .oversized
                                        .push(("response.content.text", MAX_HTML_BODY))
                                }
                                Captured::TooLong => {}
                            }
                        }
                        _ => r.skip_value()?,
                    }
                }
            }
            _ => r.skip_value()?,
        }
    }
    Ok(())
}

/// Whether a response of this type may be the IdP's auto-submitting form page. Unknown types
/// are read (Safari often omits them); images, scripts, styles, fonts and JSON are not.
fn may_hold_form(mime: Option<&str>) -> bool {
    let Some(mime) = mime else { return true };
    let mime = mime.to_ascii_lowercase();
    if mime.is_empty() {
        return true;
    }
    mime.contains("html")
        || mime.starts_with("text/plain")
        || mime.contains("xml")
        || mime == "application/octet-stream"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(har: &str) -> (Vec<Entry>, Option<Cut>) {
        let mut out = Vec::new();
        let cut = walk(har.as_bytes(), |e, _| out.push(e)).unwrap();
        (out, cut)
    }

    const ONE: &str = r#"{"log": {"version": "1.2", "creator": {"name": "WebInspector"}, "pages": [], "entries": [
      {"startedDateTime": "2024-05-14T09:31:09.123Z", "_initiator": {"type": "script", "stack": {"callFrames": [{"url": "x\"]}"}]}},
       "request": {"method": "POST", "url": "https://signin.aws.amazon.com/saml", "headers": [{"name": "Cookie", "value": "secret"}],
         "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "SAMLResponse=abc", "params": [{"name": "SAMLResponse", "value": "abc"}, {"name": "x", "value": "y"}]}},
       "response": {"status": 302, "content": {"size": 0, "mimeType": "text/html", "text": "<html/>"}}},
      {"startedDateTime": "2024-05-14T09:31:10Z", "_resourceType": "image", "request": {"method": "GET", "url": "https://a/img"},
       "response": {"status": 200, "content": {"mimeType": "image/png", "text": "iVBORw0KGgo=", "encoding": "base64"}}}
    ]}}"#;

    #[test]
    fn keeps_what_diagnosis_needs() {
        let (e, cut) = entries(ONE);
        assert_eq!(cut, None);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].method, "POST");
        assert_eq!(e[0].url, "https://signin.aws.amazon.com/saml");
        assert_eq!(e[0].status, Some(302));
        assert_eq!(e[0].post_text.as_deref(), Some(&b"SAMLResponse=abc"[..]));
        assert_eq!(
            e[0].post_params,
            vec![("SAMLResponse".to_owned(), b"abc".to_vec())]
        );
        assert_eq!(e[0].post_param_count, 2);
        assert_eq!(e[0].content_text.as_deref(), Some(&b"<html/>"[..]));
        assert_eq!(e[1].content_text, None, "images are skipped");
        assert_eq!(e[0].resource_type, None);
        assert_eq!(e[1].resource_type.as_deref(), Some("image"));
        assert_eq!(e[1].index, 1);
    }

    #[test]
    fn a_cut_file_keeps_complete_entries() {
        for cut_at in [
            ONE.find("iVBOR").unwrap(),
            ONE.find("https://a/img").unwrap(),
        ] {
            let (e, cut) = entries(&ONE[..cut_at]);
            assert_eq!(e.len(), 1, "cut at {cut_at}");
            assert!(cut.is_some());
        }
    }

    #[test]
    fn refuses_what_is_not_a_har() {
        for (input, expected) in [
            ("", "empty"),
            ("hello", "not JSON"),
            ("[1,2]", "JSON array"),
            (r#"{"a": 1}"#, "no log.entries"),
            (r#"{"log": {"entries": {"a": 1}}}"#, "not an array"),
        ] {
            let err = walk(input.as_bytes(), |_, _| {}).unwrap_err();
            assert!(err.to_string().contains(expected), "{input}: {err}");
        }
    }
}

//! Makes a HAR safe to attach to a support case: cookies, authorization headers, tokens,
//! passwords, JWTs and AWS keys are replaced by a fixed marker naming what was there
//! (`[redacted: cookie]`), never by a hash a short secret could be recovered from.
//!
//! The SAMLResponse is special: by default it stays diagnosable but unusable (its
//! SignatureValue and DigestValue are replaced, the rest re-encoded as it was).
//!
//! Streaming with bounded memory: `log.entries` is read one entry at a time into a tree whose
//! strings are capped (a longer string, such as a 300 MB body, becomes a marker), redacted by
//! where each value sits, and written out. A truncated input yields a valid HAR of its complete
//! entries.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::Engine;
use saml_core::decode::{self, percent_decode};
use saml_core::model::REDACTED_SIGNATURE;
use serde_json::{Map, Value};

use crate::find::{decode_entities, html_attr_span};
use crate::json::{Captured, JsonError, Reader, ValueKind};

/// The longest string kept; longer ones (huge bodies) are replaced by a marker.
pub const MAX_STRING: usize = 16 * 1024 * 1024;
/// Deeper nesting than this is replaced by a marker (a HAR is a dozen levels deep).
const MAX_DEPTH: usize = 64;

/// What to do with SAMLResponse values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SamlMode {
    /// Remove SignatureValue and DigestValue, keep the rest diagnosable (the default).
    #[default]
    Strip,
    /// Replace the whole value with a marker.
    Drop,
    /// Leave it as it is (it is a live credential until it expires).
    Keep,
}

/// What was redacted, by kind and by where, without the values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub entries: usize,
    pub truncated: bool,
    /// (kind, place) -> count.
    pub counts: BTreeMap<(String, String), usize>,
}

impl Summary {
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// Counts by kind, with the places: `cookie 9 (request.cookies 6, request.headers 3)`.
    pub fn report(&self) -> String {
        let mut by_kind: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
        for ((kind, place), n) in &self.counts {
            by_kind.entry(kind).or_default().push((place, *n));
        }
        let mut out = format!(
            "redacted {} value{} in {} entries{}\n",
            self.total(),
            if self.total() == 1 { "" } else { "s" },
            self.entries,
            if self.truncated {
                " (the input was truncated: its complete entries were kept)"
            } else {
                ""
            }
        );
        for (kind, places) in by_kind {
            let n: usize = places.iter().map(|(_, n)| n).sum();
            let places: Vec<String> = places.iter().map(|(p, n)| format!("{p} {n}")).collect();
            out += &format!("  {kind:<22} {n:>5}  ({})\n", places.join(", "));
        }
        out
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RedactError {
    #[error("{0}")]
    NotHar(String),
    #[error("cannot read the capture: {0}")]
    Read(std::io::Error),
    #[error("cannot write the redacted capture: {0}")]
    Write(std::io::Error),
}

fn marker(kind: &str) -> String {
    format!("[redacted: {kind}]")
}

struct Redactor {
    mode: SamlMode,
    summary: Summary,
    /// Inside `log.entries`: a cut there is a truncated capture, not an unreadable one.
    in_entries: bool,
}

/// Holds output back until the entries array starts, so that input refused as "not a HAR"
/// leaves nothing half-written behind.
struct Gate<W: Write> {
    held: Option<Vec<u8>>,
    inner: W,
}

impl<W: Write> Gate<W> {
    fn open(&mut self) -> std::io::Result<()> {
        if let Some(held) = self.held.take() {
            self.inner.write_all(&held)?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Gate<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.held {
            Some(held) => held.write(buf),
            None => self.inner.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.held {
            Some(_) => Ok(()),
            None => self.inner.flush(),
        }
    }
}

/// Reads a HAR from `input` and writes it, redacted, to `output`.
pub fn redact<R: Read, W: Write>(
    mut input: R,
    mut output: W,
    mode: SamlMode,
) -> Result<Summary, RedactError> {
    redact_dyn(&mut input, &mut output, mode)
}

/// The work of [`redact`], compiled once here with this crate's optimisation rather than in
/// every caller (a binary built for size or compile time still redacts at full speed).
#[inline(never)]
fn redact_dyn(
    input: &mut dyn Read,
    output: &mut dyn Write,
    mode: SamlMode,
) -> Result<Summary, RedactError> {
    let mut r = Reader::new(input);
    let mut w = Gate {
        held: Some(Vec::new()),
        inner: std::io::BufWriter::with_capacity(1 << 16, output),
    };
    let mut red = Redactor {
        mode,
        summary: Summary::default(),
        in_entries: false,
    };
    let result = red.document(&mut r, &mut w);
    match result {
        Ok(()) => {}
        Err(Stop::Json(JsonError::Io(e))) => return Err(RedactError::Read(e)),
        Err(Stop::Write(e)) => return Err(RedactError::Write(e)),
        Err(Stop::NotHar(m)) => return Err(RedactError::NotHar(m)),
        Err(Stop::Json(e)) => {
            if !red.in_entries {
                return Err(RedactError::NotHar(format!(
                    "it is not a readable HAR: {e}"
                )));
            }
            // Cut inside the entries: close what is open so the output is a valid HAR.
            red.summary.truncated = true;
            w.write_all(b"]}}\n").map_err(RedactError::Write)?;
        }
    }
    w.open().map_err(RedactError::Write)?;
    w.flush().map_err(RedactError::Write)?;
    Ok(red.summary)
}

enum Stop {
    Json(JsonError),
    Write(std::io::Error),
    NotHar(String),
}

impl From<JsonError> for Stop {
    fn from(e: JsonError) -> Self {
        Stop::Json(e)
    }
}

impl Redactor {
    fn document<R: Read, W: Write>(
        &mut self,
        r: &mut Reader<R>,
        w: &mut Gate<W>,
    ) -> Result<(), Stop> {
        let write = |w: &mut Gate<W>, b: &[u8]| w.write_all(b).map_err(Stop::Write);
        match r.peek()? {
            Some(b'{') => {}
            None => return Err(Stop::NotHar("the file is empty".into())),
            Some(_) => {
                return Err(Stop::NotHar(
                    "it is not a HAR: it does not start with '{'".into(),
                ))
            }
        }
        let (mut first, mut key) = (true, Vec::new());
        write(w, b"{")?;
        let mut first_out = true;
        let mut saw_entries = false;
        while r.next_key(&mut first, &mut key)? {
            let name = write_key(w, &mut first_out, &key)?;
            if name != "log" || r.kind()? != ValueKind::Object {
                let mut v = read_tree(r, 0)?;
                self.generic(&mut v, "other");
                serde_json::to_writer(&mut *w, &v).map_err(|e| Stop::Write(e.into()))?;
                continue;
            }
            let (mut lfirst, mut lkey) = (true, Vec::new());
            write(w, b"{")?;
            let mut lfirst_out = true;
            while r.next_key(&mut lfirst, &mut lkey)? {
                let lname = write_key(w, &mut lfirst_out, &lkey)?;
                if lname == "entries" && r.kind()? != ValueKind::Array {
                    return Err(Stop::NotHar(
                        "it is JSON, but not a HAR: log.entries is not an array".into(),
                    ));
                }
                if lname != "entries" {
                    let mut v = read_tree(r, 0)?;
                    if lname == "pages" {
                        self.pages(&mut v);
                    } else {
                        self.generic(&mut v, "log");
                    }
                    serde_json::to_writer(&mut *w, &v).map_err(|e| Stop::Write(e.into()))?;
                    continue;
                }
                saw_entries = true;
                self.in_entries = true;
                w.open().map_err(Stop::Write)?;
                write(w, b"[")?;
                let mut efirst = true;
                let mut n = 0;
                while r.next_element(&mut efirst)? {
                    let mut entry = read_tree(r, 0)?;
                    self.entry(&mut entry);
                    if n > 0 {
                        write(w, b",")?;
                    }
                    serde_json::to_writer(&mut *w, &entry).map_err(|e| Stop::Write(e.into()))?;
                    n += 1;
                    self.summary.entries = n;
                }
                self.in_entries = false;
                write(w, b"]")?;
            }
            write(w, b"}")?;
        }
        write(w, b"}\n")?;
        if !saw_entries {
            return Err(Stop::NotHar(
                "it is JSON, but not a HAR: it has no log.entries array".into(),
            ));
        }
        Ok(())
    }
}

/// Writes `,"key":` (no comma before the first key of an object) and returns the key.
fn write_key<W: Write>(w: &mut W, first: &mut bool, key: &[u8]) -> Result<String, Stop> {
    let name = String::from_utf8_lossy(key).into_owned();
    let separator = if std::mem::replace(first, false) {
        ""
    } else {
        ","
    };
    let quoted = serde_json::to_string(&name).unwrap_or_default();
    write!(w, "{separator}{quoted}:").map_err(Stop::Write)?;
    Ok(name)
}

/// Reads one value into a tree, capping strings and depth.
fn read_tree<R: Read>(r: &mut Reader<R>, depth: usize) -> Result<Value, JsonError> {
    if depth > MAX_DEPTH {
        r.skip_value()?;
        return Ok(Value::String(marker("nested too deep")));
    }
    Ok(match r.kind()? {
        ValueKind::String => {
            let mut buf = Vec::new();
            match r.string(&mut buf, MAX_STRING)? {
                Captured::Whole => Value::String(String::from_utf8_lossy(&buf).into_owned()),
                Captured::TooLong => Value::String(marker("value over 16 MiB")),
            }
        }
        ValueKind::Object => {
            let mut map = Map::new();
            let (mut first, mut key) = (true, Vec::new());
            while r.next_key(&mut first, &mut key)? {
                let k = String::from_utf8_lossy(&key).into_owned();
                let v = read_tree(r, depth + 1)?;
                map.insert(k, v);
            }
            Value::Object(map)
        }
        ValueKind::Array => {
            let mut items = Vec::new();
            let mut first = true;
            while r.next_element(&mut first)? {
                items.push(read_tree(r, depth + 1)?);
            }
            Value::Array(items)
        }
        ValueKind::Other => {
            let text = r.scalar()?;
            serde_json::from_str(&text).unwrap_or(Value::Null)
        }
    })
}

/// Words in a parameter, header or JSON key name that mark its value as a secret.
const SECRET_WORDS: [&str; 22] = [
    "token",
    "code",
    "password",
    "passwd",
    "pwd",
    "secret",
    "session",
    "sid",
    "sig",
    "signature",
    "key",
    "apikey",
    "credential",
    "credentials",
    "assertion",
    "samlart",
    "authorization",
    "cookie",
    "csrf",
    "xsrf",
    "canary",
    "nonce",
];
const SECRET_PARTS: [&str; 9] = [
    "password",
    "passwd",
    "token",
    "secret",
    "session",
    "credential",
    "signature",
    "apikey",
    "accesskey",
];

/// The kind of secret a name announces, if any.
pub fn secret_kind(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "cookie" | "set-cookie" => return Some("cookie"),
        "authorization" | "proxy-authorization" => return Some("authorization"),
        "x-amz-security-token" => return Some("aws-session-token"),
        "x-amz-credential" => return Some("aws-credential"),
        "x-amz-signature" => return Some("aws-signature"),
        "samlart" => return Some("saml-artifact"),
        // `auth` alone is a credential; inside a name (`mfaAuthMethod`) it is not.
        "auth" => return Some("authorization"),
        _ => {}
    }
    if lower.contains("passw") || lower == "pwd" {
        return Some("password");
    }
    if let Some(part) = SECRET_PARTS.iter().find(|p| lower.contains(*p)) {
        return Some(match *part {
            "passwd" => "password",
            "apikey" | "accesskey" => "key",
            p => p,
        });
    }
    // Whole words of camelCase, kebab-case and snake_case names: `code`, `sig`, `key`, `sid`.
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            words.push(std::mem::take(&mut current));
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    words.push(current);
    words
        .iter()
        .find_map(|w| SECRET_WORDS.iter().find(|s| *s == w).copied())
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Replaces JWTs, AWS access key ids and AWS secret keys found anywhere in free text.
pub fn redact_patterns(text: &str, counts: &mut Vec<&'static str>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        // A JWT: eyJ<b64url>.<b64url>.<b64url>
        if bytes[i..].starts_with(b"eyJ") && (i == 0 || !is_token_char(bytes[i - 1])) {
            let mut j = i;
            let mut dots = 0;
            while j < bytes.len() && (is_token_char(bytes[j]) || (bytes[j] == b'.' && dots < 2)) {
                if bytes[j] == b'.' {
                    dots += 1;
                }
                j += 1;
            }
            if dots == 2 && j - i > 20 {
                out.push_str(&text[copied..i]);
                out.push_str(&marker("jwt"));
                counts.push("jwt");
                i = j;
                copied = j;
                continue;
            }
        }
        // An AWS access key id: AKIA/ASIA + 16 upper-case letters or digits.
        if (bytes[i..].starts_with(b"AKIA") || bytes[i..].starts_with(b"ASIA"))
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && bytes.len() >= i + 20
            && bytes[i + 4..i + 20]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && bytes.get(i + 20).is_none_or(|b| !b.is_ascii_alphanumeric())
        {
            out.push_str(&text[copied..i]);
            out.push_str(&marker("aws-access-key"));
            counts.push("aws-access-key");
            i += 20;
            copied = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    redact_secret_assignments(&out, counts)
}

/// `aws_secret_access_key = …`, `"SecretAccessKey": "…"`, `secretAccessKey: …`: a 40-character
/// secret after a name that says what it is.
fn redact_secret_assignments(text: &str, counts: &mut Vec<&'static str>) -> String {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("secret") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(rel) = lower[search..].find("secret") {
        let at = search + rel;
        search = at + 6;
        // Within 30 characters: a separator, then a 40-character base64 run.
        let window_end = (at + 40).min(text.len());
        let Some(sep) = text[at..window_end].find(['=', ':']) else {
            continue;
        };
        let mut start = at + sep + 1;
        let b = text.as_bytes();
        while start < b.len() && matches!(b[start], b' ' | b'"' | b'\'' | b'\t') {
            start += 1;
        }
        let mut end = start;
        while end < b.len()
            && (b[end].is_ascii_alphanumeric()
                || b[end] == b'/'
                || b[end] == b'+'
                || b[end] == b'=')
        {
            end += 1;
        }
        if end - start >= 40 && start >= copied {
            out.push_str(&text[copied..start]);
            out.push_str(&marker("aws-secret-key"));
            counts.push("aws-secret-key");
            copied = end;
            search = end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

impl Redactor {
    fn count(&mut self, kind: &str, place: &str) {
        *self
            .summary
            .counts
            .entry((kind.to_owned(), place.to_owned()))
            .or_default() += 1;
    }

    fn patterns(&mut self, text: &str, place: &str) -> String {
        let mut found = Vec::new();
        let out = redact_patterns(text, &mut found);
        for kind in found {
            self.count(kind, place);
        }
        out
    }

    fn entry(&mut self, entry: &mut Value) {
        let Some(obj) = entry.as_object_mut() else {
            return;
        };
        let mime_of = |v: &Value| {
            v.get("mimeType")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase()
        };
        for (key, value) in obj.iter_mut() {
            match key.as_str() {
                "request" => {
                    let Some(req) = value.as_object_mut() else {
                        continue;
                    };
                    for (rk, rv) in req.iter_mut() {
                        match rk.as_str() {
                            "url" => self.url_value(rv, "request.url"),
                            "headers" => self.name_values(rv, "request.headers", Self::header),
                            "cookies" => self.cookies(rv, "request.cookies"),
                            "queryString" => {
                                self.name_values(rv, "request.queryString", Self::param)
                            }
                            "postData" => {
                                let mime = mime_of(rv);
                                let Some(post) = rv.as_object_mut() else {
                                    continue;
                                };
                                for (pk, pv) in post.iter_mut() {
                                    match pk.as_str() {
                                        "params" => self.name_values(
                                            pv,
                                            "request.postData.params",
                                            Self::param,
                                        ),
                                        "text" => {
                                            if let Some(t) = pv.as_str() {
                                                *pv = Value::String(self.body(
                                                    t,
                                                    &mime,
                                                    "request.postData.text",
                                                ));
                                            }
                                        }
                                        "mimeType" => {}
                                        _ => self.generic(pv, "request.postData"),
                                    }
                                }
                            }
                            _ => self.generic(rv, "request"),
                        }
                    }
                }
                "response" => {
                    let Some(resp) = value.as_object_mut() else {
                        continue;
                    };
                    for (rk, rv) in resp.iter_mut() {
                        match rk.as_str() {
                            "redirectURL" => self.url_value(rv, "response.redirectURL"),
                            "headers" => self.name_values(rv, "response.headers", Self::header),
                            "cookies" => self.cookies(rv, "response.cookies"),
                            "content" => {
                                let mime = mime_of(rv);
                                let base64 = rv
                                    .get("encoding")
                                    .and_then(Value::as_str)
                                    .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
                                let Some(content) = rv.as_object_mut() else {
                                    continue;
                                };
                                for (ck, cv) in content.iter_mut() {
                                    match (ck.as_str(), cv.as_str()) {
                                        ("text", Some(t)) if base64 => {
                                            if let Some(new) = self.base64_body(t, &mime) {
                                                *cv = Value::String(new);
                                            }
                                        }
                                        ("text", Some(t)) => {
                                            *cv = Value::String(self.body(
                                                t,
                                                &mime,
                                                "response.content.text",
                                            ))
                                        }
                                        ("mimeType" | "encoding", _) => {}
                                        _ => self.generic(cv, "response.content"),
                                    }
                                }
                            }
                            _ => self.generic(rv, "response"),
                        }
                    }
                }
                _ => self.generic(
                    value,
                    if key.starts_with('_') {
                        "browser fields"
                    } else {
                        "entry"
                    },
                ),
            }
        }
    }

    /// `log.pages`: a page's title is free text, but a browser titles a page that has none with
    /// its URL (Chrome drops the scheme: `idp.example.com/start?code=…`), so every title is
    /// redacted as a URL: secret-named parameters in a query or fragment become markers (text
    /// without one is left as it is). Everything else goes through [`Self::generic`].
    fn pages(&mut self, pages: &mut Value) {
        let Some(list) = pages.as_array_mut() else {
            return self.generic(pages, "log.pages");
        };
        for page in list {
            let Some(fields) = page.as_object_mut() else {
                self.generic(page, "log.pages");
                continue;
            };
            for (key, value) in fields.iter_mut() {
                match (key.as_str(), value.as_str()) {
                    ("title", Some(title)) => {
                        *value = Value::String(self.url(title, "log.pages.title"))
                    }
                    _ => self.generic(value, "log.pages"),
                }
            }
        }
    }

    /// Any value anywhere: secret-named keys are redacted whole, strings are searched for
    /// tokens, URLs have their secret parameters redacted.
    fn generic(&mut self, v: &mut Value, place: &str) {
        match v {
            Value::String(s) => {
                let new = if s.starts_with("http://") || s.starts_with("https://") {
                    self.url(s, place)
                } else {
                    self.patterns(s, place)
                };
                *s = new;
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.generic(i, place)),
            Value::Object(map) => {
                for (k, val) in map.iter_mut() {
                    match secret_kind(k) {
                        Some(kind)
                            if !matches!(val, Value::Null | Value::Bool(_)) && !is_marker(val) =>
                        {
                            *val = Value::String(marker(kind));
                            self.count(kind, place);
                        }
                        _ => self.generic(val, place),
                    }
                }
            }
            _ => {}
        }
    }

    fn name_values(
        &mut self,
        list: &mut Value,
        place: &str,
        f: fn(&mut Self, &str, &str, &str) -> String,
    ) {
        let Some(items) = list.as_array_mut() else {
            self.generic(list, place);
            return;
        };
        for item in items {
            let name = item
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let Some(obj) = item.as_object_mut() else {
                continue;
            };
            for (k, v) in obj.iter_mut() {
                match (k.as_str(), v.as_str()) {
                    ("value", Some(s)) => *v = Value::String(f(self, &name, s, place)),
                    ("name", _) => {}
                    _ => self.generic(v, place),
                }
            }
        }
    }

    fn cookies(&mut self, list: &mut Value, place: &str) {
        let Some(items) = list.as_array_mut() else {
            return;
        };
        for item in items {
            let Some(obj) = item.as_object_mut() else {
                continue;
            };
            if let Some(v) = obj.get_mut("value") {
                *v = Value::String(marker("cookie"));
                self.count("cookie", place);
            }
        }
    }

    fn header(&mut self, name: &str, value: &str, place: &str) -> String {
        if let Some(kind) = secret_kind(name) {
            self.count(kind, place);
            return marker(kind);
        }
        if matches!(
            name.to_ascii_lowercase().as_str(),
            "referer" | "location" | "origin" | "content-location" | "link"
        ) {
            return self.url(value, place);
        }
        self.patterns(value, place)
    }

    fn param(&mut self, name: &str, value: &str, place: &str) -> String {
        match name {
            "SAMLResponse" => return self.saml(value, place),
            "SAMLRequest" | "RelayState" => return value.to_owned(),
            _ => {}
        }
        if let Some(kind) = secret_kind(name) {
            self.count(kind, place);
            return marker(kind);
        }
        self.patterns(value, place)
    }

    fn url_value(&mut self, v: &mut Value, place: &str) {
        if let Some(s) = v.as_str() {
            *v = Value::String(self.url(s, place));
        }
    }

    /// Redacts a URL's secret query parameters (and fragment parameters, where OAuth puts tokens).
    fn url(&mut self, url: &str, place: &str) -> String {
        let (base, fragment) = match url.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (url, None),
        };
        let mut out = match base.split_once('?') {
            Some((path, query)) => {
                format!("{}?{}", self.patterns(path, place), self.form(query, place))
            }
            None => self.patterns(base, place),
        };
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(&if f.contains('=') {
                self.form(f, place)
            } else {
                self.patterns(f, place)
            });
        }
        out
    }

    /// `a=1&b=2` with each value redacted by its name.
    fn form(&mut self, body: &str, place: &str) -> String {
        body.split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => {
                    let decoded_name =
                        String::from_utf8_lossy(&percent_decode(name.as_bytes(), true))
                            .into_owned();
                    format!("{name}={}", self.param(&decoded_name, value, place))
                }
                None => self.patterns(pair, place),
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    fn body(&mut self, text: &str, mime: &str, place: &str) -> String {
        let trimmed = text.trim_start();
        if mime.contains("x-www-form-urlencoded")
            || (!trimmed.starts_with(['{', '[', '<'])
                && text.contains('=')
                && !text.contains(char::is_whitespace))
        {
            return self.form(text, place);
        }
        if mime.contains("json") || trimmed.starts_with(['{', '[']) {
            if let Ok(mut v) = serde_json::from_str::<Value>(text) {
                self.generic(&mut v, place);
                return serde_json::to_string(&v).unwrap_or_else(|_| marker("body"));
            }
        }
        if mime.contains("html") || trimmed.starts_with('<') {
            return self.html(text, place);
        }
        self.patterns(text, place)
    }

    fn base64_body(&mut self, text: &str, mime: &str) -> Option<String> {
        let texty = mime.is_empty()
            || mime.contains("html")
            || mime.contains("json")
            || mime.contains("text")
            || mime.contains("xml")
            || mime.contains("javascript");
        if !texty {
            return None;
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(text.split_whitespace().collect::<String>())
            .ok()?;
        let decoded = String::from_utf8(raw).ok()?;
        let redacted = self.body(&decoded, mime, "response.content.text (base64)");
        Some(base64::engine::general_purpose::STANDARD.encode(redacted))
    }

    /// HTML: hidden inputs carrying a SAMLResponse or a secret-named value, then free-text patterns.
    fn html(&mut self, html: &str, place: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(start) = find_ignore_case(rest, "<input") {
            let Some(end) = rest[start..].find('>').map(|e| start + e) else {
                break;
            };
            out.push_str(&rest[..start]);
            let tag = &rest[start..=end];
            out.push_str(&self.input_tag(tag, place));
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        self.patterns(&out, place)
    }

    fn input_tag(&mut self, tag: &str, place: &str) -> String {
        let Some((nstart, nend)) = html_attr_span(tag.as_bytes(), b"name") else {
            return tag.to_owned();
        };
        let name = decode_entities(&tag[nstart..nend]);
        let Some((vstart, vend)) = html_attr_span(tag.as_bytes(), b"value") else {
            return tag.to_owned();
        };
        let value = decode_entities(&tag[vstart..vend]);
        let new = match name.as_str() {
            "SAMLResponse" => self.saml(&value, place),
            "SAMLRequest" | "RelayState" => return tag.to_owned(),
            _ => match secret_kind(&name) {
                Some(kind) => {
                    self.count(kind, place);
                    marker(kind)
                }
                None => return tag.to_owned(),
            },
        };
        let escaped = new
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;");
        format!("{}{}{}", &tag[..vstart], escaped, &tag[vend..])
    }

    /// A SAMLResponse value, as the mode says.
    fn saml(&mut self, value: &str, place: &str) -> String {
        match self.mode {
            SamlMode::Keep => value.to_owned(),
            SamlMode::Drop => {
                self.count("saml-response", place);
                marker("saml-response")
            }
            SamlMode::Strip => match strip_signatures(value) {
                Some(v) => {
                    self.count("saml-signature", place);
                    v
                }
                None => {
                    // Not decodable: it cannot be kept diagnosable, so it is dropped.
                    self.count("saml-response", place);
                    marker("saml-response")
                }
            },
        }
    }
}

fn is_marker(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.starts_with("[redacted: "))
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Replaces SignatureValue and DigestValue of a SAMLResponse (any prefix) and re-encodes it as
/// it was encoded (base64, URL-encoded as many times as before). `None` if it does not decode.
pub fn strip_signatures(value: &str) -> Option<String> {
    let decoded = decode::decode(value.as_bytes()).ok()?;
    let mut xml = decoded.xml.clone();
    for local in ["SignatureValue", "DigestValue"] {
        xml = replace_element_text(&xml, local, REDACTED_SIGNATURE);
    }
    let mut out = if decoded.transport.base64 {
        let bytes = if decoded.transport.deflated {
            decode::deflate(xml.as_bytes())
        } else {
            xml.into_bytes()
        };
        base64::engine::general_purpose::STANDARD.encode(bytes)
    } else {
        xml
    };
    for _ in 0..decoded.transport.url_decoding_rounds {
        out = saml_core::rules::encode_path(&out);
    }
    Some(out)
}

/// Replaces the text of every element with this local name (`<ds:SignatureValue>…</…>`).
fn replace_element_text(xml: &str, local: &str, with: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(open) = find_start_tag(rest, local) {
        let Some(gt) = rest[open..].find('>').map(|g| open + g) else {
            break;
        };
        if rest.as_bytes()[gt - 1] == b'/' {
            out.push_str(&rest[..=gt]);
            rest = &rest[gt + 1..];
            continue;
        }
        let Some(close) = rest[gt..].find("</").map(|c| gt + c) else {
            break;
        };
        out.push_str(&rest[..=gt]);
        out.push_str(with);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

fn find_start_tag(xml: &str, local: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(rel) = xml[from..].find(local) {
        let at = from + rel;
        from = at + local.len();
        let after = xml.as_bytes().get(at + local.len()).copied();
        if !matches!(after, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
            continue;
        }
        // Walk back over an optional prefix to the `<`.
        let head = &xml[..at];
        let prefix_start = head.rfind(|c: char| {
            !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == ':')
        })?;
        if head.as_bytes()[prefix_start] == b'<' && !head[prefix_start + 1..].contains('/') {
            let prefix = &head[prefix_start + 1..];
            if prefix.is_empty() || prefix.ends_with(':') {
                return Some(prefix_start);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for (name, kind) in [
            ("Cookie", "cookie"),
            ("Set-Cookie", "cookie"),
            ("Authorization", "authorization"),
            ("X-Amz-Security-Token", "aws-session-token"),
            ("X-Amz-Signature", "aws-signature"),
            ("passwd", "password"),
            ("Password", "password"),
            ("flowToken", "token"),
            ("sessionToken", "token"),
            ("client_secret", "secret"),
            ("code", "code"),
            ("SAMLart", "saml-artifact"),
            ("x-api-key", "key"),
            ("canary", "canary"),
            ("JSESSIONID", "session"),
            ("sig", "sig"),
        ] {
            assert_eq!(secret_kind(name), Some(kind), "{name}");
        }
        for name in [
            "accept-encoding",
            "content-type",
            "user-agent",
            "login",
            "loginfmt",
            "RelayState",
            "keep-alive",
            "destination",
            "designer",
            "mfaAuthMethod",
        ] {
            assert_eq!(secret_kind(name), None, "{name}");
        }
    }

    #[test]
    fn patterns_in_free_text() {
        let mut kinds = Vec::new();
        let text = "id=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2lnbmF0dXJl key AKIAIOSFODNN7EXAMPLE and aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end";
        let out = redact_patterns(text, &mut kinds);
        assert_eq!(out, "id=[redacted: jwt] key [redacted: aws-access-key] and aws_secret_access_key = [redacted: aws-secret-key] end");
        assert_eq!(kinds, ["jwt", "aws-access-key", "aws-secret-key"]);
        assert_eq!(
            redact_patterns("AKIAIOSFODNN7EXAMPLEX eyJ.short", &mut kinds),
            "AKIAIOSFODNN7EXAMPLEX eyJ.short"
        );
    }

    fn redacted(har: &str) -> (String, Summary) {
        let mut out = Vec::new();
        let summary = redact(har.as_bytes(), &mut out, SamlMode::Strip).unwrap();
        (String::from_utf8(out).unwrap(), summary)
    }

    #[test]
    fn a_page_titled_with_its_url_loses_the_secrets_in_it() {
        let har = r#"{"log": {"pages": [
            {"id": "page_1", "title": "idp.example.com/start?case=a&access_token=planted-1#id_token=planted-2"},
            {"id": "page_2", "title": "https://idp.example.com/cb?code=planted-3"},
            {"id": "page_3", "title": "Sign in? Yes & no = maybe", "note": {"password": "planted-4"}},
            {"id": "page_4", "title": 7}
        ], "entries": []}}"#;
        let (out, summary) = redacted(har);
        assert!(!out.contains("planted"), "{out}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        let titles: Vec<&Value> = (0..4).map(|i| &doc["log"]["pages"][i]["title"]).collect();
        assert_eq!(
            titles[0],
            "idp.example.com/start?case=a&access_token=[redacted: token]#id_token=[redacted: token]"
        );
        assert_eq!(
            titles[1],
            "https://idp.example.com/cb?code=[redacted: code]"
        );
        assert_eq!(
            titles[2], "Sign in? Yes & no = maybe",
            "a title with no secret is kept"
        );
        assert_eq!(titles[3], 7);
        // Counted once each, where they were.
        let at =
            |kind: &str, place: &str| summary.counts.get(&(kind.into(), place.into())).copied();
        assert_eq!(at("token", "log.pages.title"), Some(2));
        assert_eq!(at("code", "log.pages.title"), Some(1));
        assert_eq!(at("password", "log.pages"), Some(1));
    }

    #[test]
    fn strips_signatures_and_keeps_the_encoding() {
        let xml = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature><ds:SignedInfo><ds:Reference><ds:DigestValue>abc=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>
c2lnbmF0dXJl</ds:SignatureValue></ds:Signature><SignatureValue>x</SignatureValue></samlp:Response>"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
        let encoded = saml_core::rules::encode_path(&b64);
        let stripped = strip_signatures(&encoded).unwrap();
        assert!(stripped.contains('%'), "still URL-encoded");
        let back = decode::decode(stripped.as_bytes()).unwrap().xml;
        assert!(
            !back.contains("c2lnbmF0dXJl") && !back.contains("abc="),
            "{back}"
        );
        assert_eq!(back.matches(REDACTED_SIGNATURE).count(), 3);
        assert!(strip_signatures("not a saml response").is_none());
    }
}

//! The HAR field policy: what in an entry is redacted how. Cookies and secret-named headers and
//! parameters are replaced whole; URLs (the request's, Referer, Location, redirectURL) lose
//! their secret parameters; form, JSON and HTML bodies (base64 ones decoded and re-encoded) are
//! redacted by the names in them; SAMLResponse values go by the [`SamlMode`]; page titles,
//! which a browser may fill with a URL, are redacted as URLs; every other string is searched
//! for secret-shaped values.

use base64::Engine;
use saml_core::decode::percent_decode;
use serde_json::Value;

use super::saml::strip_signatures;
use super::secrets::{is_marker, marker, redact_patterns, secret_kind};
use super::summary::Summary;
use crate::find::{decode_entities, html_attr_span};

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

/// Applies the policy to entries and values, counting what it replaces.
pub(super) struct Policy {
    mode: SamlMode,
    /// What was replaced so far.
    pub(super) summary: Summary,
}

impl Policy {
    pub(super) fn new(mode: SamlMode) -> Self {
        Self {
            mode,
            summary: Summary::default(),
        }
    }

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

    /// Redacts one entry of `log.entries`, field by field.
    pub(super) fn entry(&mut self, entry: &mut Value) {
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
    pub(super) fn pages(&mut self, pages: &mut Value) {
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
    pub(super) fn generic(&mut self, v: &mut Value, place: &str) {
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

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::SamlMode;
    use crate::redact::{redact, Summary};

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
}

//! Finds SAML messages in one HAR entry, wherever a browser records them: the form POST body
//! (`postData.params` or `postData.text`), the identity provider's auto-submitting HTML form in
//! a response body (entity-encoded, possibly base64), and redirect-binding query strings; each
//! with the RelayState that travels beside it.

use base64::Engine;
use saml_core::decode::{form_value, percent_decode, MessageField};
use serde::Serialize;

use crate::entry::Entry;

/// Where in an entry a message was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    /// The request's form body: the browser posting the message.
    FormPost,
    /// A hidden input of an HTML form in the response body: the page that posts it next.
    AutoPostForm,
    /// The request URL's query string (HTTP-Redirect binding).
    RedirectQuery,
}

impl LocationKind {
    /// How it was carried, for people: `form POST body`.
    pub fn describe(self) -> &'static str {
        match self {
            LocationKind::FormPost => "form POST body",
            LocationKind::AutoPostForm => "auto-post HTML form in the response",
            LocationKind::RedirectQuery => "redirect query string",
        }
    }
}

/// A raw message value found in an entry, not yet decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Which field it is.
    pub field: MessageField,
    /// How it was carried.
    pub kind: LocationKind,
    /// As recorded (possibly URL-encoded); the decoder undoes whatever encoding is there.
    pub value: Vec<u8>,
    /// The RelayState beside it, decoded to the URL the user configured.
    pub relay_state: Option<String>,
    /// For an auto-post form: where the form posts to.
    pub form_action: Option<String>,
}

/// Every SAML message value in `entry`.
pub fn find_in_entry(entry: &Entry) -> Vec<Found> {
    let mut found = Vec::new();
    if let Some(query) = entry
        .url
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(q))
    {
        // Nearly every URL of a capture has no SAML field: one search says so.
        if memchr::memmem::find(query.as_bytes(), b"SAML").is_some() {
            let relay = form_value(query.as_bytes(), b"RelayState").map(|v| decode_text(v, true));
            for (name, field) in FIELDS {
                if let Some(v) = form_value(query.as_bytes(), name.as_bytes()) {
                    found.push(Found {
                        field,
                        kind: LocationKind::RedirectQuery,
                        value: v.to_vec(),
                        relay_state: relay.clone(),
                        form_action: None,
                    });
                }
            }
        }
    }
    found.extend(find_in_post(entry));
    if let Some(body) = &entry.content_text {
        found.extend(find_in_html(body, entry.content_encoding.as_deref()));
    }
    found
}

const FIELDS: [(&str, MessageField); 2] = [
    ("SAMLResponse", MessageField::SamlResponse),
    ("SAMLRequest", MessageField::SamlRequest),
];

fn find_in_post(entry: &Entry) -> Vec<Found> {
    let mut found = Vec::new();
    // The raw body is authoritative: browsers differ on whether `params` values are decoded.
    if let Some(text) = &entry.post_text {
        let relay = form_value(text, b"RelayState").map(|v| decode_text(v, true));
        for (name, field) in FIELDS {
            if let Some(v) = form_value(text, name.as_bytes()) {
                found.push(Found {
                    field,
                    kind: LocationKind::FormPost,
                    value: v.to_vec(),
                    relay_state: relay.clone(),
                    form_action: None,
                });
            }
        }
        if !found.is_empty() {
            return found;
        }
    }
    let relay = entry
        .post_params
        .iter()
        .find(|(n, _)| n == "RelayState")
        .map(|(_, v)| {
            // Chrome records params still URL-encoded, Firefox decoded: decode only what is encoded.
            if v.windows(3).any(|w| w == b"://") {
                String::from_utf8_lossy(v).into_owned()
            } else {
                decode_text(v, true)
            }
        });
    for (name, field) in FIELDS {
        if let Some((_, v)) = entry.post_params.iter().find(|(n, _)| n == name) {
            found.push(Found {
                field,
                kind: LocationKind::FormPost,
                value: v.clone(),
                relay_state: relay.clone(),
                form_action: None,
            });
        }
    }
    found
}

fn decode_text(v: &[u8], plus_is_space: bool) -> String {
    String::from_utf8_lossy(&percent_decode(v, plus_is_space)).into_owned()
}

/// A response body as the server sent it: base64-decoded when the HAR stored it so (line breaks
/// allowed), `None` when that base64 is broken.
pub(crate) fn response_body<'a>(
    body: &'a [u8],
    encoding: Option<&str>,
) -> Option<std::borrow::Cow<'a, [u8]>> {
    if !encoding.is_some_and(|e| e.eq_ignore_ascii_case("base64")) {
        return Some(std::borrow::Cow::Borrowed(body));
    }
    let clean: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .ok()
        .map(std::borrow::Cow::Owned)
}

/// Searches an HTML body for `<input name="SAMLResponse" value="…">` (and SAMLRequest), with
/// the RelayState input and the action of the form around it.
pub fn find_in_html(body: &[u8], encoding: Option<&str>) -> Vec<Found> {
    let Some(html) = response_body(body, encoding) else {
        return Vec::new();
    };
    let html: &[u8] = &html;
    if memchr::memmem::find(html, b"SAML").is_none() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut form_action: Option<String> = None;
    let mut pending: Vec<Found> = Vec::new();
    let mut relay: Option<String> = None;
    let mut pos = 0;
    let flush = |pending: &mut Vec<Found>, relay: &mut Option<String>, found: &mut Vec<Found>| {
        for mut f in pending.drain(..) {
            f.relay_state = relay.clone();
            found.push(f);
        }
        *relay = None;
    };
    while let Some(rel) = memchr::memchr(b'<', &html[pos..]) {
        let start = pos + rel + 1;
        let end = match memchr::memchr(b'>', &html[start..]) {
            Some(e) => start + e,
            None => break,
        };
        let tag = &html[start..end];
        pos = end + 1;
        let name_end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(tag.len());
        let tag_name = tag[..name_end].to_ascii_lowercase();
        match tag_name.as_slice() {
            b"form" => {
                flush(&mut pending, &mut relay, &mut found);
                form_action = html_attr(tag, b"action");
            }
            b"/form" => flush(&mut pending, &mut relay, &mut found),
            b"input" => {
                let (Some(name), Some(value)) = (html_attr(tag, b"name"), html_attr(tag, b"value"))
                else {
                    continue;
                };
                match name.as_str() {
                    "RelayState" => relay = Some(value),
                    "SAMLResponse" | "SAMLRequest" => pending.push(Found {
                        field: if name == "SAMLResponse" {
                            MessageField::SamlResponse
                        } else {
                            MessageField::SamlRequest
                        },
                        kind: LocationKind::AutoPostForm,
                        value: value.into_bytes(),
                        relay_state: None,
                        form_action: form_action.clone(),
                    }),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    flush(&mut pending, &mut relay, &mut found);
    found
}

/// The value of an attribute in a tag's text, entity-decoded. Quoted with `"` or `'`, or bare.
fn html_attr(tag: &[u8], name: &[u8]) -> Option<String> {
    html_attr_span(tag, name).map(|(s, e)| decode_entities(&String::from_utf8_lossy(&tag[s..e])))
}

/// Where the (raw, still entity-encoded) value of attribute `name` sits in a tag's text, which
/// may include its `<` and `>`. Names match case-insensitively; a bare value ends at white space
/// or `>`, without the `/` of a self-closing tag. Shared with redaction, which replaces it.
pub(crate) fn html_attr_span(tag: &[u8], name: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < tag.len() {
        // Find the next attribute name.
        while i < tag.len() && !tag[i].is_ascii_alphabetic() {
            if tag[i] == b'"' || tag[i] == b'\'' {
                let q = tag[i];
                i += 1;
                while i < tag.len() && tag[i] != q {
                    i += 1;
                }
            }
            i += 1;
        }
        // An unclosed quote runs to the end: never index past it.
        i = i.min(tag.len());
        let name_start = i;
        while i < tag.len()
            && (tag[i].is_ascii_alphanumeric() || matches!(tag[i], b'-' | b'_' | b':'))
        {
            i += 1;
        }
        let attr_name = &tag[name_start..i];
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= tag.len() || tag[i] != b'=' {
            continue;
        }
        i += 1;
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let span = if i < tag.len() && (tag[i] == b'"' || tag[i] == b'\'') {
            let q = tag[i];
            let s = i + 1;
            let e = tag[s..]
                .iter()
                .position(|&b| b == q)
                .map(|p| s + p)
                .unwrap_or(tag.len());
            i = (e + 1).min(tag.len());
            (s, e)
        } else {
            let s = i;
            while i < tag.len() && !tag[i].is_ascii_whitespace() && tag[i] != b'>' {
                i += 1;
            }
            let ends_tag = i == tag.len() || tag[i] == b'>';
            let e = if ends_tag && i > s && tag[i - 1] == b'/' {
                i - 1
            } else {
                i
            };
            (s, e)
        };
        if attr_name.eq_ignore_ascii_case(name) {
            return Some(span);
        }
    }
    None
}

/// Decodes the HTML character references IdPs use in form values.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Bytes, not chars: `;` is ASCII, so where it is found is a char boundary. (Slicing the
        // str at byte 12 could cut a character in two: found by the fuzzer.)
        let Some(semi) = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';')
        else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_auto_post_form_with_entities_and_relay_state() {
        let html = br#"<html><body onload="document.forms[0].submit()"><form method="POST" name="hiddenform" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="PHNhbWxw&#x2b;Ok=" /><input type="hidden" name="RelayState" value="https://us-east-1.console.aws.amazon.com/connect/federate/x?destination=%2Fconnect%2Fccp&amp;new_domain=true" /><noscript><input type="submit" value="Continue"/></noscript></form></body></html>"#;
        let found = find_in_html(html, None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, b"PHNhbWxw+Ok=");
        assert_eq!(
            found[0].form_action.as_deref(),
            Some("https://signin.aws.amazon.com/saml")
        );
        assert_eq!(
            found[0].relay_state.as_deref(),
            Some("https://us-east-1.console.aws.amazon.com/connect/federate/x?destination=%2Fconnect%2Fccp&new_domain=true")
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(html);
        assert_eq!(find_in_html(b64.as_bytes(), Some("base64")), found);
    }

    #[test]
    fn value_before_name_and_single_quotes() {
        let html = b"<form action='https://signin.aws.amazon.com/saml'><INPUT value='abc' type=hidden name='SAMLResponse'></form>";
        let found = find_in_html(html, None);
        assert_eq!(found[0].value, b"abc");
        assert_eq!(found[0].relay_state, None);
    }

    #[test]
    fn the_response_may_be_the_last_form_parameter() {
        let entry = Entry {
            method: "POST".into(),
            url: "https://signin.aws.amazon.com/saml".into(),
            post_text: Some(b"RelayState=https%3A%2F%2Fx&SAMLResponse=PHNh%2BYmx3".to_vec()),
            ..Entry::default()
        };
        let found = find_in_entry(&entry);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, b"PHNh%2BYmx3");
        assert_eq!(found[0].relay_state.as_deref(), Some("https://x"));
    }

    #[test]
    fn params_only_and_firefox_decoded_relay_state() {
        let entry = Entry {
            post_params: vec![
                ("SAMLResponse".into(), b"PHNh".to_vec()),
                (
                    "RelayState".into(),
                    b"https://x/f?destination=%2Fccp".to_vec(),
                ),
            ],
            ..Entry::default()
        };
        let found = find_in_entry(&entry);
        assert_eq!(
            found[0].relay_state.as_deref(),
            Some("https://x/f?destination=%2Fccp"),
            "already decoded: left alone"
        );
    }

    #[test]
    fn redirect_binding_query() {
        let entry = Entry {
            url: "https://login.microsoftonline.com/t/saml2?SAMLRequest=fZFBT8Mw&RelayState=abc"
                .into(),
            ..Entry::default()
        };
        let found = find_in_entry(&entry);
        assert_eq!(found[0].field, MessageField::SamlRequest);
        assert_eq!(found[0].kind, LocationKind::RedirectQuery);
        assert_eq!(found[0].relay_state.as_deref(), Some("abc"));
    }

    #[test]
    fn unclosed_quotes_in_a_tag() {
        // Found by the fuzzer: an unclosed quote ran the index past the end of the tag.
        assert_eq!(html_attr(b"x \"", b"name"), None);
        assert_eq!(
            html_attr(b"input name=\"SAMLResponse\" value=\"abc", b"value").as_deref(),
            Some("abc")
        );
        assert!(find_in_html(b"<form SAML><input name='SAMLResponse' value='x>", None).len() <= 1);
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&amp;b&#43;c&#x3D;&bogus;&"),
            "a&b+c=&bogus;&"
        );
    }
}

//! Turns whatever a user pastes into the XML of a SAML message.
//!
//! Accepted: the XML itself; a base64 value with or without line breaks, in the standard or the
//! URL-safe alphabet, padded or not; the same URL-encoded (once or twice), as a browser sends it in
//! a form body; a whole form body or URL holding `SAMLResponse=`/`SAMLRequest=` (and `RelayState=`);
//! and the redirect binding's raw DEFLATE. Every error says what is wrong and where.

use base64::engine::general_purpose::GeneralPurpose;
use base64::engine::{DecodePaddingMode, GeneralPurposeConfig};
use base64::Engine;
use serde::Serialize;

use crate::code::Code;

/// AWS rejects base64-encoded responses longer than this.
pub const AWS_MAX_ENCODED_CHARS: usize = 100_000;

/// Input larger than this is not decoded at all: it is hundreds of times AWS's limit, and
/// decoding it would only spend memory on a message AWS refuses anyway.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;

/// The most a DEFLATE-compressed message may inflate to (guards against compression bombs).
pub const MAX_INFLATED_BYTES: usize = 8 * 1024 * 1024;

/// Which form field the message came from, when the input said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MessageField {
    /// `SAMLResponse`: the identity provider's answer.
    #[serde(rename = "SAMLResponse")]
    SamlResponse,
    /// `SAMLRequest`: the service provider's request.
    #[serde(rename = "SAMLRequest")]
    SamlRequest,
}

/// How the message was wrapped on its way, so a report can say what it undid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Transport {
    /// Percent-decoding rounds applied (0, 1 or 2).
    pub url_decoding_rounds: u8,
    /// The message was base64 (the POST binding always is).
    pub base64: bool,
    /// The base64 used the URL-safe alphabet (`-_` for `+/`).
    pub url_safe_alphabet: bool,
    /// Raw DEFLATE (the HTTP-Redirect binding).
    pub deflated: bool,
}

/// A decoded SAML message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decoded {
    /// The message's XML.
    pub xml: String,
    /// Base64 characters, padding included and white space not: what AWS's size limit applies to.
    pub encoded_chars: Option<usize>,
    /// How it was wrapped.
    pub transport: Transport,
    /// The form field it came in, when the input named one.
    pub field: Option<MessageField>,
    /// The RelayState that came with it, when the input was a form body or URL.
    pub relay_state: Option<String>,
}

/// Why the input could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Nothing to decode.
    #[error("the input is empty")]
    Empty,
    /// The input is over the size this decoder reads.
    #[error("the input is {bytes} bytes, over the {limit}-byte limit this tool decodes (AWS itself refuses responses over {AWS_MAX_ENCODED_CHARS} base64 characters)")]
    TooLarge {
        /// The input's size.
        bytes: usize,
        /// The largest input decoded ([`MAX_INPUT_BYTES`]).
        limit: usize,
    },
    /// UTF-16 text, which this decoder does not read.
    #[error("the input is UTF-16 text (it starts with a byte-order mark); save it as UTF-8 or plain ASCII")]
    Utf16,
    /// A character that is not base64.
    #[error(
        "not base64: {found} at offset {offset} (after URL-decoding) is not a base64 character"
    )]
    NotBase64 {
        /// Where, after URL-decoding.
        offset: usize,
        /// The character, as shown to the user.
        found: String,
    },
    /// Base64 padding with data after it.
    #[error("not base64: padding `=` at offset {offset} is followed by more data")]
    MisplacedPadding {
        /// Where the padding is.
        offset: usize,
    },
    /// A base64 length no whole number of bytes has (a value cut short).
    #[error("not base64: {chars} characters cannot be a whole number of bytes (a character is missing or extra; was the value cut?)")]
    BadLength {
        /// The number of base64 characters.
        chars: usize,
    },
    /// Base64 that decodes to neither XML nor DEFLATE-compressed XML.
    #[error("decodes from base64 to {bytes} bytes that are neither XML nor DEFLATE-compressed XML (they start with {start})")]
    NotXml {
        /// The decoded size.
        bytes: usize,
        /// How the decoded bytes start, as shown to the user.
        start: String,
    },
    /// XML that is not UTF-8.
    #[error("the decoded XML is not UTF-8: invalid byte at offset {offset}")]
    NotUtf8 {
        /// The first invalid byte.
        offset: usize,
    },
    /// The DEFLATE data inflates past the limit.
    #[error("the DEFLATE data inflates past {MAX_INFLATED_BYTES} bytes; refusing to go on (a compression bomb?)")]
    InflateTooLarge,
}

impl DecodeError {
    /// The finding code this error is reported as.
    pub fn code(&self) -> Code {
        match self {
            DecodeError::TooLarge { .. } => Code::SamlTooLarge,
            DecodeError::Empty
            | DecodeError::Utf16
            | DecodeError::NotBase64 { .. }
            | DecodeError::MisplacedPadding { .. }
            | DecodeError::BadLength { .. } => Code::SamlNotBase64,
            DecodeError::NotXml { .. }
            | DecodeError::NotUtf8 { .. }
            | DecodeError::InflateTooLarge => Code::SamlNotXml,
        }
    }
}

/// Decodes a pasted SAML message (see the module documentation for what is accepted).
pub fn decode(input: &[u8]) -> Result<Decoded, DecodeError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(DecodeError::TooLarge {
            bytes: input.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    if input.starts_with(&[0xFF, 0xFE]) || input.starts_with(&[0xFE, 0xFF]) {
        return Err(DecodeError::Utf16);
    }
    let input = trim_ascii(input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input));
    if input.is_empty() {
        return Err(DecodeError::Empty);
    }
    if input[0] == b'<' {
        return Ok(Decoded {
            xml: utf8(input)?.to_owned(),
            encoded_chars: None,
            transport: Transport::default(),
            field: None,
            relay_state: None,
        });
    }

    let (value, field, relay_state) = match form_field(input) {
        Some((field, value)) => {
            let relay = form_value(input, b"RelayState")
                .map(|v| String::from_utf8_lossy(&percent_decode(v, true)).into_owned());
            (value, Some(field), relay)
        }
        None => (input, None, None),
    };

    let mut transport = Transport::default();
    let mut text = value.to_vec();
    // Base64 never contains `%`, so a `%XX` escape means URL encoding. `+` is kept as is: in a
    // form body a real `+` is sent as `%2B`, and a pasted base64 value needs its `+` intact.
    while transport.url_decoding_rounds < 2 && has_percent_escape(&text) {
        text = percent_decode(&text, false);
        transport.url_decoding_rounds += 1;
    }
    let text = trim_ascii(&text);
    if text.first() == Some(&b'<') {
        return Ok(Decoded {
            xml: utf8(text)?.to_owned(),
            encoded_chars: None,
            transport,
            field,
            relay_state,
        });
    }

    let (bytes, encoded_chars, url_safe) = base64_decode(text)?;
    transport.base64 = true;
    transport.url_safe_alphabet = url_safe;
    let payload = trim_ascii(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
    let xml = if payload.first() == Some(&b'<') {
        utf8(payload)?.to_owned()
    } else {
        let inflated = inflate(&bytes).ok_or_else(|| DecodeError::NotXml {
            bytes: bytes.len(),
            start: describe_start(&bytes),
        })??;
        transport.deflated = true;
        let inflated_trimmed = trim_ascii(&inflated);
        if inflated_trimmed.first() != Some(&b'<') {
            return Err(DecodeError::NotXml {
                bytes: bytes.len(),
                start: describe_start(&bytes),
            });
        }
        utf8(inflated_trimmed)?.to_owned()
    };
    Ok(Decoded {
        xml,
        encoded_chars: Some(encoded_chars),
        transport,
        field,
        relay_state,
    })
}

/// Percent-decodes `input`; with `plus_is_space`, `+` becomes a space (form encoding of text
/// fields such as RelayState). Invalid escapes are kept literally, as browsers do.
pub fn percent_decode(input: &[u8], plus_is_space: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'%' if i + 2 < input.len() => match (hex(input[i + 1]), hex(input[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The value of `name=` in a form body or query string (`a=1&name=value&b=2`), not decoded.
pub fn form_value<'a>(input: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let query = match memchr_byte(b'?', input) {
        Some(q) if !starts_with_field(input, name) => &input[q + 1..],
        _ => input,
    };
    query.split(|&b| b == b'&' || b == b';').find_map(|pair| {
        let pair = trim_ascii(pair);
        let rest = pair.strip_prefix(name)?;
        let value = rest.strip_prefix(b"=")?;
        // A fragment or white space ends the value.
        let end = value
            .iter()
            .position(|&b| b == b'#' || b.is_ascii_whitespace())
            .unwrap_or(value.len());
        Some(&value[..end])
    })
}

fn starts_with_field(input: &[u8], name: &[u8]) -> bool {
    input.starts_with(name) && input.get(name.len()) == Some(&b'=')
}

fn form_field(input: &[u8]) -> Option<(MessageField, &[u8])> {
    if let Some(v) = form_value(input, b"SAMLResponse") {
        return Some((MessageField::SamlResponse, v));
    }
    form_value(input, b"SAMLRequest").map(|v| (MessageField::SamlRequest, v))
}

fn memchr_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn has_percent_escape(text: &[u8]) -> bool {
    text.windows(3)
        .any(|w| w[0] == b'%' && hex(w[1]).is_some() && hex(w[2]).is_some())
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn trim_ascii(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() || *first == 0 {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() || *last == 0 {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|e| DecodeError::NotUtf8 {
        offset: e.valid_up_to(),
    })
}

/// Validates and decodes base64 leniently (white space anywhere, either alphabet, padding
/// optional), returning the bytes, the count of base64 characters and whether the URL-safe
/// alphabet was used.
fn base64_decode(text: &[u8]) -> Result<(Vec<u8>, usize, bool), DecodeError> {
    // A value copied out of HAR JSON keeps escapes (`\/`, `\n`); `\\` is never base64, so
    // dropping these escapes cannot change a valid value.
    let unescaped;
    let text = if text.contains(&b'\\') {
        unescaped = strip_json_escapes(text);
        &unescaped[..]
    } else {
        text
    };
    let mut clean = Vec::with_capacity(text.len());
    let mut url_safe = false;
    let mut padding_at = None;
    for (offset, &b) in text.iter().enumerate() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {}
            b'-' | b'_' => url_safe = true,
            b'=' => {
                padding_at.get_or_insert(offset);
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => {
                return Err(DecodeError::NotBase64 {
                    offset,
                    found: describe_char(&text[offset..]),
                })
            }
        }
        if let Some(offset) = padding_at {
            return Err(DecodeError::MisplacedPadding { offset });
        }
        clean.push(match b {
            b'-' => b'+',
            b'_' => b'/',
            _ => b,
        });
    }
    if clean.is_empty() {
        return Err(DecodeError::Empty);
    }
    if clean.len() % 4 == 1 {
        return Err(DecodeError::BadLength { chars: clean.len() });
    }
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let bytes = engine
        .decode(&clean)
        .map_err(|_| DecodeError::BadLength { chars: clean.len() })?;
    let padding = text.iter().filter(|&&b| b == b'=').count();
    Ok((bytes, clean.len() + padding, url_safe))
}

fn strip_json_escapes(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match (text[i], text.get(i + 1)) {
            (b'\\', Some(b'/')) => {
                out.push(b'/');
                i += 2;
            }
            (b'\\', Some(b'n' | b'r' | b't')) => i += 2,
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Compresses with raw DEFLATE, as the redirect binding sends messages.
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(bytes, 6)
}

/// Raw DEFLATE (RFC 1951) as the redirect binding sends, or zlib-wrapped as some tools do.
/// `None` when the bytes are neither.
fn inflate(bytes: &[u8]) -> Option<Result<Vec<u8>, DecodeError>> {
    use miniz_oxide::inflate::{
        decompress_to_vec_with_limit, decompress_to_vec_zlib_with_limit, TINFLStatus,
    };
    let attempt = |r: Result<Vec<u8>, miniz_oxide::inflate::DecompressError>| match r {
        Ok(v) => Some(Ok(v)),
        Err(e) if e.status == TINFLStatus::HasMoreOutput => Some(Err(DecodeError::InflateTooLarge)),
        Err(_) => None,
    };
    attempt(decompress_to_vec_with_limit(bytes, MAX_INFLATED_BYTES))
        .or_else(|| attempt(decompress_to_vec_zlib_with_limit(bytes, MAX_INFLATED_BYTES)))
}

fn describe_char(rest: &[u8]) -> String {
    match std::str::from_utf8(&rest[..rest.len().min(4)])
        .ok()
        .and_then(|s| s.chars().next())
        .or_else(|| {
            std::str::from_utf8(rest)
                .ok()
                .and_then(|s| s.chars().next())
        }) {
        Some(c) if c.is_control() || c.is_whitespace() => format!("{:?} (U+{:04X})", c, c as u32),
        Some(c) => format!("'{c}'"),
        None => format!("byte 0x{:02X}", rest[0]),
    }
}

fn describe_start(bytes: &[u8]) -> String {
    let head: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02X}")).collect();
    format!("bytes {}", head.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    const XML: &str =
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>"#;

    #[test]
    fn reads_plain_xml_with_bom_and_white_space() {
        let d = decode(format!("\u{feff}\n  {XML}\n").as_bytes()).unwrap();
        assert_eq!(d.xml, XML);
        assert_eq!(d.encoded_chars, None);
    }

    #[test]
    fn reads_base64_with_line_breaks() {
        let b64 = STANDARD.encode(XML);
        let wrapped: String = b64
            .as_bytes()
            .chunks(20)
            .map(|c| format!("{}\r\n", std::str::from_utf8(c).unwrap()))
            .collect();
        let d = decode(wrapped.as_bytes()).unwrap();
        assert_eq!(d.xml, XML);
        assert_eq!(d.encoded_chars, Some(b64.len()));
        assert!(d.transport.base64);
    }

    #[test]
    fn reads_url_encoded_and_double_encoded_values() {
        let xml = format!("{XML}<!-- ??>>>~~~ -->"); // forces + and / into the base64
        let b64 = STANDARD.encode(&xml);
        assert!(b64.contains('+') || b64.contains('/'));
        let once = b64
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        let twice = once.replace('%', "%25");
        for (input, rounds) in [(once.as_str(), 1), (twice.as_str(), 2)] {
            let d = decode(input.as_bytes()).unwrap();
            assert_eq!(d.xml, xml);
            assert_eq!(d.transport.url_decoding_rounds, rounds);
        }
    }

    #[test]
    fn reads_url_safe_alphabet_without_padding() {
        let xml = format!("{XML}<!-- ??>>>~~~ -->");
        let d = decode(URL_SAFE_NO_PAD.encode(&xml).as_bytes()).unwrap();
        assert_eq!(d.xml, xml);
        assert!(d.transport.url_safe_alphabet);
    }

    #[test]
    fn reads_a_form_body_with_relay_state_and_the_response_last() {
        let b64 = STANDARD.encode(XML).replace('=', "%3D");
        let body = format!("RelayState=https%3A%2F%2Fus-east-1.console.aws.amazon.com%2Fconnect%2Ffederate%2Fabc&SAMLResponse={b64}");
        let d = decode(body.as_bytes()).unwrap();
        assert_eq!(d.xml, XML);
        assert_eq!(d.field, Some(MessageField::SamlResponse));
        assert_eq!(
            d.relay_state.as_deref(),
            Some("https://us-east-1.console.aws.amazon.com/connect/federate/abc")
        );
    }

    #[test]
    fn reads_the_redirect_binding() {
        let request =
            r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r"/>"#;
        let deflated = miniz_oxide::deflate::compress_to_vec(request.as_bytes(), 6);
        let encoded = STANDARD
            .encode(deflated)
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        let url = format!(
            "https://login.microsoftonline.com/tenant/saml2?SAMLRequest={encoded}&RelayState=x"
        );
        let d = decode(url.as_bytes()).unwrap();
        assert_eq!(d.xml, request);
        assert!(d.transport.deflated);
        assert_eq!(d.field, Some(MessageField::SamlRequest));
    }

    #[test]
    fn says_where_base64_breaks() {
        let err = decode(b"PHNhbWxwOlJlc3Bvbn*Nl").unwrap_err();
        assert_eq!(
            err,
            DecodeError::NotBase64 {
                offset: 18,
                found: "'*'".into()
            }
        );
        assert_eq!(err.code(), Code::SamlNotBase64);
        let err = decode(b"PHNh\0YmxwOlJl").unwrap_err();
        assert!(
            matches!(err, DecodeError::NotBase64 { offset: 4, .. }),
            "{err}"
        );
        assert!(matches!(
            decode(b"PHNh==YmFy").unwrap_err(),
            DecodeError::MisplacedPadding { offset: 4 }
        ));
        assert!(matches!(
            decode(b"PHNhb").unwrap_err(),
            DecodeError::BadLength { chars: 5 }
        ));
    }

    #[test]
    fn refuses_what_is_not_xml_after_base64() {
        let err = decode(STANDARD.encode("hello, this is not xml").as_bytes()).unwrap_err();
        assert!(matches!(err, DecodeError::NotXml { .. }), "{err}");
        assert_eq!(err.code(), Code::SamlNotXml);
    }

    #[test]
    fn refuses_empty_utf16_and_oversized_input() {
        assert_eq!(decode(b"  \n ").unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b"\xFF\xFE<\0").unwrap_err(), DecodeError::Utf16);
        let big = vec![b'A'; MAX_INPUT_BYTES + 1];
        assert_eq!(decode(&big).unwrap_err().code(), Code::SamlTooLarge);
    }

    #[test]
    fn stops_a_deflate_bomb() {
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b'<'; MAX_INFLATED_BYTES + 10], 9);
        let err = decode(STANDARD.encode(bomb).as_bytes()).unwrap_err();
        assert_eq!(err, DecodeError::InflateTooLarge);
    }

    #[test]
    fn percent_decoding_keeps_invalid_escapes() {
        assert_eq!(percent_decode(b"a%2Fb%zz%4", false), b"a/b%zz%4");
        assert_eq!(percent_decode(b"a+b%2B", true), b"a b+");
        assert_eq!(percent_decode(b"%", false), b"%");
    }
}

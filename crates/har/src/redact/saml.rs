//! A SAMLResponse made unusable but still diagnosable: its SignatureValue and DigestValue
//! replaced, the rest re-encoded exactly as it was encoded.
//!
//! An EncryptedAssertion's ciphertext goes too (every `CipherValue`, the content key's and the
//! assertion's): a signature inside the ciphertext cannot be removed without decrypting, and
//! redact holds no key and never decrypts, so the encrypted assertion, still signed inside,
//! would stay usable with the provider's key. What is left (the Response, the algorithms, the
//! certificate the identity provider encrypted to) is still diagnosed, and the report says the
//! ciphertext was redacted.

use base64::Engine;
use saml_core::aws::endpoints::encode_path;
use saml_core::decode;
use saml_core::model::{REDACTED_CIPHERTEXT, REDACTED_SIGNATURE};

/// Replaces SignatureValue and DigestValue of a SAMLResponse (any prefix), and the
/// CipherValues of its encrypted parts, and re-encodes it as it was encoded (base64,
/// URL-encoded as many times as before). `None` if it does not decode.
pub fn strip_signatures(value: &str) -> Option<String> {
    let decoded = decode::decode(value.as_bytes()).ok()?;
    let mut xml = decoded.xml.clone();
    for local in ["SignatureValue", "DigestValue"] {
        xml = replace_element_text(&xml, local, REDACTED_SIGNATURE);
    }
    xml = replace_element_text(&xml, "CipherValue", REDACTED_CIPHERTEXT);
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
        out = encode_path(&out);
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
    fn strips_signatures_and_keeps_the_encoding() {
        let xml = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature><ds:SignedInfo><ds:Reference><ds:DigestValue>abc=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>
c2lnbmF0dXJl</ds:SignatureValue></ds:Signature><SignatureValue>x</SignatureValue></samlp:Response>"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
        let encoded = encode_path(&b64);
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

    #[test]
    fn an_encrypted_assertion_loses_its_ciphertext() {
        // An encrypted assertion signed inside: what is signed cannot be reached without the
        // key, so both CipherValues go; the algorithms and KeyInfo stay for the diagnosis.
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/encrypted/"
        );
        let xml =
            std::fs::read_to_string(format!("{dir}encrypted-then-response-signed.xml")).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&xml);
        let back = decode::decode(strip_signatures(&b64).unwrap().as_bytes())
            .unwrap()
            .xml;
        assert_eq!(back.matches(REDACTED_CIPHERTEXT).count(), 2, "{back}");
        for (i, part) in xml
            .split("CipherValue>")
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
        {
            let value = part.trim_end_matches("</xenc:").trim_end_matches("</e:");
            assert!(
                value.len() > 40 && !back.contains(value),
                "CipherValue {i} kept"
            );
        }
        assert!(back.contains("http://www.w3.org/2009/xmlenc11#aes256-gcm"));
        assert!(back.contains("X509Certificate"));
    }
}

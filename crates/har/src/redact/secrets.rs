//! What counts as a secret: a name that announces one (a header, parameter, cookie or JSON key
//! named like a token, password, session or key), or a value shaped like one anywhere in free
//! text (a JWT, an AWS access key id, an AWS secret key after a name that says so). Each is
//! replaced by a marker naming its kind.

use serde_json::Value;

pub(super) fn marker(kind: &str) -> String {
    format!("[redacted: {kind}]")
}

pub(super) fn is_marker(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.starts_with("[redacted: "))
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
}

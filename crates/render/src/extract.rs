//! The listing of the SAML messages a capture holds (`saml-doctor extract`): each distinct
//! message once, with every place it was seen, as text or one JSON object.

use saml_core::decode::MessageField;
use saml_core::Severity;
use saml_diagnosis::Extraction;
use serde::Serialize;

#[derive(Serialize)]
struct Listed<'a> {
    field: MessageField,
    primary: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    xml: Option<&'a str>,
    #[serde(flatten)]
    message: &'a har::Message,
}

fn listed(x: &Extraction, raw: bool) -> Vec<Listed<'_>> {
    x.capture
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| Listed {
            field: m.field,
            primary: Some(i) == x.primary,
            xml: if raw {
                m.decoded.as_ref().ok().map(|d| d.xml.as_str())
            } else {
                None
            },
            message: m,
        })
        .collect()
}

/// The listing as one JSON object (with each message's decoded XML when `raw`).
pub fn json(input: &str, x: &Extraction, raw: bool) -> String {
    let out = serde_json::json!({
        "saml_doctor": env!("CARGO_PKG_VERSION"),
        "input": input,
        "entries": x.capture.entries,
        "truncated": x.capture.cut,
        "messages": listed(x, raw),
        "findings": x.findings,
    });
    serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The listing for people (with each message's decoded XML, indented, when `raw`).
pub fn text(input: &str, x: &Extraction, raw: bool) -> String {
    let listed = listed(x, raw);
    let mut out = format!(
        "{input}: {} entries, {} SAML message{}\n",
        x.capture.entries,
        listed.len(),
        if listed.len() == 1 { "" } else { "s" }
    );
    for (n, l) in listed.iter().enumerate() {
        let field = match l.field {
            MessageField::SamlResponse => "SAMLResponse",
            MessageField::SamlRequest => "SAMLRequest",
        };
        let state = match &l.message.decoded {
            Ok(d) => format!("{} base64 chars", d.encoded_chars.unwrap_or(0)),
            Err(e) => format!("undecodable: {e}"),
        };
        out += &format!(
            "\n{}. {field}{} ({state})\n",
            n + 1,
            if l.primary { " (primary)" } else { "" }
        );
        for s in &l.message.sightings {
            let at = s
                .started
                .map(|t| t.to_string())
                .unwrap_or_else(|| "?".into());
            out += &format!("   seen in {} at {at}\n", s.describe());
            if let Some(r) = &s.relay_state {
                out += &format!("     RelayState {r}\n");
            }
        }
        if let Some(xml) = l.xml {
            match saml_core::xml::parse(xml, saml_core::xml::Limits::default()) {
                Ok(root) => out += &root.to_pretty_string(),
                Err(_) => out += &format!("{xml}\n"),
            }
        }
    }
    for f in &x.findings {
        out += &format!("\n{}: {} ({})\n", f.severity, f.detail, f.code);
    }
    out
}

/// True when the capture itself has an error finding (the listing's exit status).
pub fn has_errors(x: &Extraction) -> bool {
    x.findings.iter().any(|f| f.severity == Severity::Error)
}

//! `saml-doctor decode`: a SAML message in any encoding, printed as its XML (indented) or its
//! typed model as JSON.

use std::path::PathBuf;

use clap::Args;
use saml_core::decode::{self, MAX_INPUT_BYTES};

use crate::input::{self, Source};
use crate::{Failure, Format};

#[derive(Args)]
pub struct DecodeArgs {
    /// A file holding a SAML message in any encoding; `-` or nothing reads standard input
    file: Option<PathBuf>,
    /// `text` prints the XML, indented; `json` prints the typed model
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: DecodeArgs) -> Result<u8, Failure> {
    let source = Source::from_arg(args.file.as_deref());
    let mut reader = source.open()?;
    let bytes = input::read_bounded(&mut *reader, MAX_INPUT_BYTES)?;
    let decoded = match decode::decode(&bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("saml-doctor: {}: {} ({})", source.label(), e, e.code());
            return Ok(1);
        }
    };
    match args.format {
        Format::Text => {
            match saml_core::xml::parse(&decoded.xml, saml_core::xml::Limits::default()) {
                Ok(root) if !is_saml(&root) => {
                    crate::out!("{}", root.to_pretty_string());
                    eprintln!(
                        "saml-doctor: {}: the XML is not a SAML message (its root is <{}>)",
                        source.label(),
                        root.name
                    );
                    return Ok(1);
                }
                Ok(root) => crate::out!("{}", root.to_pretty_string()),
                Err(e) => {
                    eprintln!(
                        "saml-doctor: {}: {e} (saml_not_xml); the decoded text follows",
                        source.label()
                    );
                    crate::outln!("{}", decoded.xml);
                    return Ok(1);
                }
            }
        }
        Format::Json => {
            let message = saml_core::model::parse(&decoded.xml).map_err(|e| e.to_string());
            let out = serde_json::json!({
                "transport": decoded.transport,
                "field": decoded.field,
                "relay_state": decoded.relay_state,
                "encoded_chars": decoded.encoded_chars,
                "message": message.as_ref().ok(),
                "error": message.as_ref().err(),
            });
            crate::outln!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| Failure(e.to_string()))?
            );
            if message.is_err() {
                return Ok(1);
            }
        }
    }
    Ok(0)
}

fn is_saml(root: &saml_core::xml::Element) -> bool {
    matches!(
        root.namespace.as_deref(),
        Some(saml_core::model::NS_PROTOCOL | saml_core::model::NS_ASSERTION)
    )
}

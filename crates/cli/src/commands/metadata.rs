//! `saml-doctor metadata`: what an identity provider's metadata says, as AWS will read it:
//! entityID, validUntil, and each signing certificate's subject, serial, fingerprint and validity.

use std::path::PathBuf;

use clap::Args;
use saml_diagnosis::now;

use super::diagnose::read_metadata;
use crate::{Failure, Format};

#[derive(Args)]
pub struct MetadataArgs {
    /// An identity provider's SAML metadata (Federation Metadata XML)
    file: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// `saml-doctor metadata FILE`: what the metadata says, as AWS will read it.
pub fn run(args: MetadataArgs) -> Result<u8, Failure> {
    let md = read_metadata(&args.file)?;
    let certs: Vec<Result<saml_core::cert::Certificate, String>> = md
        .signing_certificates
        .iter()
        .map(|c| saml_core::cert::Certificate::from_base64(c).map_err(|e| e.to_string()))
        .collect();
    match args.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = certs
                .iter()
                .map(|c| match c {
                    Ok(c) => serde_json::to_value(c).unwrap_or_default(),
                    Err(e) => serde_json::json!({ "error": e }),
                })
                .collect();
            let out = serde_json::json!({ "entity_id": md.entity_id, "valid_until": md.valid_until, "signing_certificates": list });
            crate::outln!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| Failure(e.to_string()))?
            );
        }
        Format::Text => {
            let now = now();
            crate::outln!("entityID     {}", md.entity_id);
            match md.valid_until {
                Some(t) if t < now => {
                    crate::outln!("validUntil   {t} (passed: AWS refuses expired metadata)")
                }
                Some(t) => crate::outln!("validUntil   {t}"),
                None => crate::outln!("validUntil   (none)"),
            }
            crate::outln!(
                "{} signing certificate{}",
                certs.len(),
                if certs.len() == 1 { "" } else { "s" }
            );
            for (i, c) in certs.iter().enumerate() {
                match c {
                    Ok(c) => {
                        let state = if c.not_after < now {
                            " (EXPIRED)"
                        } else if c.not_after.millis_since(now) < 30 * 86_400_000 {
                            " (expires within 30 days)"
                        } else {
                            ""
                        };
                        crate::outln!("\n{}. {}", i + 1, c.subject);
                        crate::outln!("   serial       {}", c.serial);
                        crate::outln!("   SHA-256      {}", c.sha256_fingerprint);
                        crate::outln!("   valid        {} to {}{state}", c.not_before, c.not_after);
                        crate::outln!("   key          {}", c.key);
                    }
                    Err(e) => crate::outln!("\n{}. unreadable: {e}", i + 1),
                }
            }
        }
    }
    Ok(u8::from(
        certs.iter().any(Result::is_err) || certs.is_empty(),
    ))
}

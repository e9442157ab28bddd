//! The SAML provider check: the provider the Role attribute names exists, its encryption
//! settings admit the assertion (`encryption.rs`), its metadata holds the certificate the
//! response was signed with, and neither the metadata nor a certificate in it expires within 30
//! days.

use saml_core::aws::RolePair;
use saml_core::{AsOf, Check, Code, Finding};

use super::encryption::check_encryption;
use crate::iam::api::IamApi;
use crate::iam::input::Input;

/// How close to expiry the metadata or a certificate is worth a warning.
const EXPIRY_WARNING_MILLIS: i64 = 30 * 86_400 * 1000;

/// The SAML provider of `pair`.
pub(crate) async fn check_provider(
    iam: &impl IamApi,
    input: &Input,
    pair: &RolePair,
    as_of: &AsOf,
    findings: &mut Vec<Finding>,
) {
    let arn = pair.provider.as_str();
    let provider = match iam.saml_provider(arn).await {
        Err(e) => return findings.push(e.skipped(Check::IamProvider)),
        Ok(None) => {
            return findings.push(
                Finding::new(
                    Code::IamProviderNotFound,
                    format!("the SAML provider {arn} (from the Role attribute) does not exist"),
                )
                .with("provider", arn),
            );
        }
        Ok(Some(p)) => p,
    };
    check_encryption(input, arn, &provider, findings);
    let metadata = match saml_core::metadata::parse(&provider.metadata_document) {
        Ok(m) => m,
        Err(e) => {
            return findings.push(Finding::skipped(
                Check::IamProviderMetadata,
                format!("the metadata IAM holds for {arn} could not be read: {e}"),
            ))
        }
    };
    let held: Vec<String> = metadata.signing_certificates.clone();
    if !input.signing_certificates.is_empty()
        && !input.signing_certificates.iter().any(|c| held.contains(c))
    {
        let describe = |b64: &str| {
            saml_core::cert::Certificate::from_base64(b64)
                .map(|c| c.describe())
                .unwrap_or_else(|e| e.to_string())
        };
        findings.push(
            Finding::new(
                Code::IamProviderCertMismatch,
                format!(
                    "the response is signed with {}, but the metadata IAM holds for {arn} has {}",
                    describe(&input.signing_certificates[0]),
                    if held.is_empty() {
                        "no signing certificate".to_owned()
                    } else {
                        held.iter()
                            .map(|c| describe(c))
                            .collect::<Vec<_>>()
                            .join("; ")
                    }
                ),
            )
            .with("provider", arn),
        );
    }
    let mut expiring = Vec::new();
    if let Some(t) = provider
        .valid_until
        .as_deref()
        .and_then(|v| saml_core::Timestamp::parse(v).ok())
    {
        if t.millis_since(as_of.instant) < EXPIRY_WARNING_MILLIS {
            expiring.push(format!("ValidUntil {t}"));
        }
    }
    for c in held
        .iter()
        .filter_map(|c| saml_core::cert::Certificate::from_base64(c).ok())
    {
        if c.not_after.millis_since(as_of.instant) < EXPIRY_WARNING_MILLIS {
            expiring.push(format!(
                "certificate {} (notAfter {})",
                c.subject, c.not_after
            ));
        }
    }
    if !expiring.is_empty() {
        findings.push(
            Finding::new(
                Code::IamProviderMetadataExpiring,
                format!(
                    "the metadata of {arn}: {} has passed or passes within 30 days of {}",
                    expiring.join(", "),
                    as_of.instant
                ),
            )
            .with("provider", arn),
        );
    }
}

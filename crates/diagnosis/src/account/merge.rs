//! How the account checks' answers enter a report: the offline "not run" notes replaced by the
//! checks' findings, the message diagnosed again with the IAM SAML provider's metadata as the
//! trust anchor (as STS verifies the signature), and where a `--metadata` file differs from it.

use saml_core::metadata::Metadata;
use saml_core::{Code, Finding, Report};

use crate::model::MessageReport;

/// Puts the account findings into the message's report, diagnosed again against the provider's
/// metadata when there is one.
pub(crate) fn apply(
    message: &mut MessageReport,
    mut findings: Vec<Finding>,
    anchor: Option<(String, Metadata)>,
    given: Option<&Metadata>,
    cert_mismatch: bool,
) {
    let (Some((arn, metadata)), Some(rerun)) = (anchor, &message.rerun) else {
        return replace_skips(&mut message.report, findings);
    };
    let ctx = rerun.context(message.report.as_of, Some(&metadata));
    let mut report = saml_core::diagnose_decoded_in(&rerun.decoded, &ctx);
    if cert_mismatch {
        // One problem, one finding: the account check names the provider and its fix.
        report
            .findings
            .retain(|f| f.code != Code::SigningCertNotInMetadata);
    }
    if let Some(signature) = &mut report.facts.signature {
        *signature += &format!("; trust anchor: the metadata of {arn}");
    }
    if let Some(given) = given {
        findings.extend(metadata_difference(given, &metadata, &arn));
    }
    report.findings.extend(findings);
    report.findings.sort_by_key(|f| f.severity);
    message.report = report;
}

/// Which signing certificates of the `--metadata` file and of the provider's metadata differ.
fn metadata_difference(given: &Metadata, held: &Metadata, arn: &str) -> Option<Finding> {
    let describe = |b64: &str| {
        saml_core::cert::Certificate::from_base64(b64)
            .map(|c| c.describe())
            .unwrap_or_else(|e| format!("an unreadable certificate ({e})"))
    };
    let only = |a: &Metadata, b: &Metadata| -> Vec<String> {
        a.signing_certificates
            .iter()
            .filter(|c| !b.signing_certificates.contains(c))
            .map(|c| describe(c))
            .collect()
    };
    let (only_given, only_held) = (only(given, held), only(held, given));
    if only_given.is_empty() && only_held.is_empty() {
        return None;
    }
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join("; ")
        }
    };
    Some(
        Finding::new(
            Code::IamProviderMetadataDiffers,
            format!(
                "AWS verifies with the certificates of {arn}, not the --metadata file's: only in the file: {}; only in IAM: {}",
                list(&only_given),
                list(&only_held)
            ),
        )
        .with("provider", arn)
        .with("only_in_file", only_given.join(" | "))
        .with("only_in_iam", only_held.join(" | ")),
    )
}

pub(crate) fn replace_skips(report: &mut Report, findings: Vec<saml_core::Finding>) {
    report.findings.retain(|f| !f.is_account_check_skipped());
    report.findings.extend(findings);
    report.findings.sort_by_key(|f| f.severity);
}

#[cfg(test)]
mod tests {
    use super::*;
    fn metadata(certs: &[&str]) -> Metadata {
        let cert = |file: &str| -> String {
            let pem = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../tests/fixtures/saml-keys")
                    .join(file),
            )
            .unwrap();
            pem.lines().filter(|l| !l.starts_with("-----")).collect()
        };
        Metadata {
            entity_id: "https://idp.example/".into(),
            valid_until: None,
            signing_certificates: certs.iter().map(|c| cert(c)).collect(),
        }
    }

    #[test]
    fn metadata_difference_names_each_side() {
        const ARN: &str = "arn:aws:iam::123456789012:saml-provider/P";
        let same = metadata(&["azure.crt"]);
        assert!(metadata_difference(&same, &same.clone(), ARN).is_none());
        let file = metadata(&["azure.crt", "okta.crt"]);
        let held = metadata(&["okta.crt"]);
        let f = metadata_difference(&file, &held, ARN).unwrap();
        assert_eq!(f.code, Code::IamProviderMetadataDiffers);
        assert!(f.detail.contains("only in IAM: none"), "{}", f.detail);
        assert!(
            f.evidence
                .get("only_in_file")
                .is_some_and(|v| v.contains("Azure")),
            "{f:?}"
        );
        assert!(f.detail.contains(ARN));
    }
}

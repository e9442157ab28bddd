//! The IAM SAML provider rules: the provider's expiry (its ValidUntil and its metadata's
//! validUntil), its signing certificates' expiry, assertion encryption without a private key,
//! and, against the identity providers' current metadata, the entityID and the current and
//! next signing certificates (see [`crate::idp`] for what current and next mean).

use saml_core::cert::Certificate;
use saml_core::{Check, Code, Finding, Timestamp};

use crate::context::AccountContext;
use crate::idp::MatchKind;
use crate::options::AuditOptions;
use connect_check::iam::{AssertionEncryptionMode, SamlProvider, SamlProviderEntry};

/// What the trust-policy rules need to know of a provider of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownProvider {
    /// Its ARN.
    pub arn: String,
    /// Its SAMLProviderUUID, which names its ACS URL for encrypted assertions.
    pub uuid: Option<String>,
}

fn days(millis: i64) -> i64 {
    millis.div_euclid(86_400_000)
}

fn describe_all(certificates: &[Certificate]) -> String {
    if certificates.is_empty() {
        return "no signing certificate".to_owned();
    }
    certificates
        .iter()
        .map(Certificate::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The provider's end: its ValidUntil and its metadata's validUntil.
fn check_expiry(
    ctx: &AccountContext,
    arn: &str,
    ends: &[(&str, Timestamp)],
    options: &AuditOptions,
    out: &mut Vec<Finding>,
) {
    for (what, end) in ends {
        let left = end.millis_since(options.as_of);
        let f = if left <= 0 {
            ctx.finding(
                Code::IamProviderExpired,
                arn,
                format!(
                    "{arn}: {what} {end} has passed (judged at {})",
                    options.as_of
                ),
            )
        } else if left <= options.warn_millis() {
            ctx.finding(
                Code::IamProviderMetadataExpiring,
                arn,
                format!(
                    "{arn}: {what} {end} is {} days away, within {} days of {}",
                    days(left),
                    options.warn_days,
                    options.as_of
                ),
            )
        } else {
            continue;
        };
        out.push(f.with("valid_until", end.to_string()));
    }
}

fn check_certificate_expiry(
    ctx: &AccountContext,
    arn: &str,
    c: &Certificate,
    options: &AuditOptions,
    out: &mut Vec<Finding>,
) {
    let left = c.not_after.millis_since(options.as_of);
    let detail = if left <= 0 {
        format!(
            "{arn} holds the signing certificate {}, which expired on {}",
            c.describe(),
            c.not_after
        )
    } else if left <= options.warn_millis() {
        format!(
            "{arn} holds the signing certificate {}, which expires on {} ({} days from {}, within the {} days warned of)",
            c.describe(),
            c.not_after,
            days(left),
            options.as_of,
            options.warn_days
        )
    } else {
        return;
    };
    out.push(
        ctx.finding(Code::IamProviderMetadataExpiring, arn, detail)
            .with("certificate", c.sha256_fingerprint.clone())
            .with("not_after", c.not_after.to_string()),
    );
}

/// Compares the provider's certificates and entityID with the identity provider's current
/// metadata, when one of the `--metadata` files describes it.
fn check_against_idp(
    ctx: &AccountContext,
    arn: &str,
    entity_id: &str,
    held: &[Certificate],
    options: &AuditOptions,
    out: &mut Vec<Finding>,
) {
    let Some((idp, kind)) = options.idps.match_provider(entity_id, held) else {
        return;
    };
    if kind == MatchKind::EntityIdDiffers {
        out.push(
            ctx.finding(
                Code::IamProviderEntityIdMismatch,
                arn,
                format!(
                    "{arn} holds metadata for the entityID `{entity_id}`, but the identity provider of {} is `{}`: STS compares the response's Issuer with the provider's entityID",
                    idp.source_name, idp.entity_id
                ),
            )
            .with("provider_entity_id", entity_id)
            .with("idp_entity_id", idp.entity_id.clone())
            .with("metadata_file", idp.source_name.clone()),
        );
    }
    let Some(plan) = idp.signing_plan(options.as_of) else {
        return;
    };
    let holds = |c: &Certificate| held.iter().any(|h| h.der() == c.der());
    if !holds(plan.current) {
        let held_next: Vec<&Certificate> = plan.next.iter().copied().filter(|c| holds(c)).collect();
        let mut detail = format!(
            "{arn} does not hold {}, the current signing certificate of {} ({}); it holds {}",
            plan.current.describe(),
            idp.entity_id,
            idp.source_name,
            describe_all(held)
        );
        if !held_next.is_empty() {
            detail.push_str(
                ": it holds the next certificate, so sign-ins work only if the identity provider has already rolled over to it",
            );
        }
        out.push(
            ctx.finding(Code::IamProviderMissingCurrentCert, arn, detail)
                .with("certificate", plan.current.sha256_fingerprint.clone())
                .with("metadata_file", idp.source_name.clone()),
        );
    }
    for next in plan.next.iter().filter(|c| !holds(c)) {
        out.push(
            ctx.finding(
                Code::IamProviderMissingNextCert,
                arn,
                format!(
                    "{arn} does not hold {}, the next signing certificate of {} ({}): sign-ins through it fail from the identity provider's rollover, at the latest when the current certificate expires on {} (if they already fail with \"Response signature invalid\", the rollover has happened)",
                    next.describe(),
                    idp.entity_id,
                    idp.source_name,
                    plan.current.not_after
                ),
            )
            .with("certificate", next.sha256_fingerprint.clone())
            .with("not_before", next.not_before.to_string())
            .with("metadata_file", idp.source_name.clone()),
        );
    }
}

/// Audits one provider: `entry` is its ListSAMLProviders entry, `detail` its GetSAMLProvider
/// answer. No finding means healthy.
pub fn check_provider(
    ctx: &AccountContext,
    entry: &SamlProviderEntry,
    detail: &SamlProvider,
    options: &AuditOptions,
) -> Vec<Finding> {
    let arn = entry.arn.as_str();
    let mut out = Vec::new();
    let metadata = saml_core::metadata::parse(&detail.metadata_document);

    let mut ends: Vec<(&str, Timestamp)> = Vec::new();
    if let Some(t) = detail.valid_until.or(entry.valid_until) {
        ends.push(("ValidUntil", t));
    }
    if let Some(t) = metadata.as_ref().ok().and_then(|m| m.valid_until) {
        if !ends.iter().any(|(_, e)| *e == t) {
            ends.push(("the metadata's validUntil", t));
        }
    }
    check_expiry(ctx, arn, &ends, options, &mut out);

    if detail.assertion_encryption_mode == Some(AssertionEncryptionMode::Required)
        && detail.private_keys.is_empty()
    {
        out.push(ctx.finding(
            Code::IamProviderEncryptionKeyMissing,
            arn,
            format!("{arn} has AssertionEncryptionMode Required and an empty PrivateKeyList"),
        ));
    }

    let metadata = match metadata {
        Ok(m) => m,
        Err(e) => {
            out.push(ctx.skipped(
                Check::IamProviderMetadata,
                arn,
                format!("the metadata IAM holds for {arn} cannot be read ({e}): its certificates and entityID were not audited"),
            ));
            return out;
        }
    };
    let mut held: Vec<Certificate> = Vec::new();
    for (i, b64) in metadata.signing_certificates.iter().enumerate() {
        match Certificate::from_base64(b64) {
            Ok(c) if held.iter().any(|h| h.der() == c.der()) => {}
            Ok(c) => held.push(c),
            Err(e) => out.push(ctx.skipped(
                Check::IamProviderMetadata,
                arn,
                format!("signing certificate {} of the metadata IAM holds for {arn} cannot be read ({e}): its expiry was not audited", i + 1),
            )),
        }
    }
    for c in &held {
        check_certificate_expiry(ctx, arn, c, options, &mut out);
    }
    check_against_idp(ctx, arn, &metadata.entity_id, &held, options, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idp::tests::{at, fixture, idp};
    use crate::idp::IdpSet;
    use connect_check::iam::SamlPrivateKey;
    use saml_core::aws::{AccountId, Partition};

    const ARN: &str = "arn:aws:iam::111122223333:saml-provider/Contoso";

    fn ctx() -> AccountContext {
        AccountContext::new(AccountId::parse("111122223333").unwrap(), Partition::Aws)
    }

    fn options(idp_files: &[&str]) -> AuditOptions {
        let mut o = AuditOptions::new(at());
        o.idps = IdpSet::new(idp_files.iter().map(|f| idp(f)).collect()).unwrap();
        o
    }

    fn audit(provider_file: &str, idp_files: &[&str]) -> Vec<Finding> {
        let entry = SamlProviderEntry {
            arn: ARN.into(),
            valid_until: None,
            create_date: None,
        };
        let detail = SamlProvider {
            metadata_document: fixture(provider_file),
            ..SamlProvider::default()
        };
        check_provider(&ctx(), &entry, &detail, &options(idp_files))
    }

    fn codes(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn healthy_providers_have_no_finding() {
        for (provider, idps) in [
            ("provider-current.xml", &["idp-current.xml"][..]),
            ("provider-current.xml", &[][..]),
            ("provider-two.xml", &["idp-rollover.xml"][..]),
            ("provider-two.xml", &["idp-current.xml"][..]),
            // Another identity provider's: not compared.
            ("provider-okta.xml", &["idp-rollover.xml"][..]),
        ] {
            let f = audit(provider, idps);
            assert!(f.is_empty(), "{provider} against {idps:?}: {f:#?}");
        }
    }

    #[test]
    fn current_only_provider_fails_at_the_rollover() {
        let f = audit("provider-current.xml", &["idp-rollover.xml"]);
        assert_eq!(codes(&f), ["iam_provider_missing_next_cert"]);
        assert_eq!(f[0].evidence.get("resource"), Some(ARN));
        assert_eq!(f[0].evidence.get("account"), Some("111122223333"));
        let next = &idp("idp-rollover.xml").certificates[1];
        assert_eq!(
            f[0].evidence.get("certificate"),
            Some(next.sha256_fingerprint.as_str())
        );
        assert_eq!(f[0].severity, saml_core::Severity::Warning);
        assert!(
            f[0].detail.contains("2028-01-01T00:00:00Z"),
            "{}",
            f[0].detail
        );
    }

    #[test]
    fn old_only_provider_fails_now_and_its_certificate_expired() {
        let f = audit("provider-old.xml", &["idp-rollover.xml"]);
        assert_eq!(
            codes(&f),
            [
                "iam_provider_metadata_expiring",
                "iam_provider_missing_current_cert",
                "iam_provider_missing_next_cert"
            ]
        );
        assert!(
            f[0].detail.contains("expired on 2026-03-01"),
            "{}",
            f[0].detail
        );
        let current = &idp("idp-rollover.xml").certificates[0];
        assert_eq!(
            f[1].evidence.get("certificate"),
            Some(current.sha256_fingerprint.as_str())
        );
        assert!(f.iter().all(|x| x.evidence.get("resource") == Some(ARN)));
    }

    #[test]
    fn holding_only_the_next_certificate_is_reported() {
        let o = options(&["idp-rollover.xml"]);
        // The next certificate alone: what a provider looks like when someone uploaded the new
        // certificate too early.
        let next_only = fixture("provider-two.xml").replacen(
            &format!(
                "<X509Certificate>{}</X509Certificate>",
                cert_b64(&fixture("provider-two.xml"), 0)
            ),
            "",
            1,
        );
        let entry = SamlProviderEntry {
            arn: ARN.into(),
            valid_until: None,
            create_date: None,
        };
        let detail = SamlProvider {
            metadata_document: next_only,
            ..SamlProvider::default()
        };
        let f = check_provider(&ctx(), &entry, &detail, &o);
        assert_eq!(codes(&f), ["iam_provider_missing_current_cert"]);
        assert!(
            f[0].detail.contains("already rolled over"),
            "{}",
            f[0].detail
        );
    }

    fn cert_b64(xml: &str, index: usize) -> String {
        xml.split("<X509Certificate>")
            .nth(index + 1)
            .and_then(|s| s.split("</X509Certificate>").next())
            .unwrap()
            .to_owned()
    }

    #[test]
    fn expired_and_expiring_metadata() {
        let f = audit("provider-expired.xml", &["idp-current.xml"]);
        assert_eq!(codes(&f), ["iam_provider_expired"]);
        assert_eq!(
            f[0].evidence.get("valid_until"),
            Some("2026-04-01T00:00:00Z")
        );
        assert_eq!(f[0].evidence.get("resource"), Some(ARN));

        let f = audit("provider-expiring.xml", &[]);
        assert_eq!(codes(&f), ["iam_provider_metadata_expiring"]);
        assert!(f[0].detail.contains("2026-06-15"), "{}", f[0].detail);
        assert!(f[0].detail.contains("14 days"), "{}", f[0].detail);

        // The API's ValidUntil counts as well as the document's, and --warn-days moves the window.
        let entry = SamlProviderEntry {
            arn: ARN.into(),
            valid_until: Some(Timestamp::parse("2026-07-15T00:00:00Z").unwrap()),
            create_date: None,
        };
        let detail = SamlProvider {
            metadata_document: fixture("provider-current.xml"),
            ..SamlProvider::default()
        };
        let mut o = options(&[]);
        assert!(check_provider(&ctx(), &entry, &detail, &o).is_empty());
        o.warn_days = 60;
        let f = check_provider(&ctx(), &entry, &detail, &o);
        assert_eq!(codes(&f), ["iam_provider_metadata_expiring"]);
        assert!(f[0].detail.starts_with(&format!("{ARN}: ValidUntil")));
    }

    #[test]
    fn entity_id_differs() {
        let f = audit("provider-other-entity.xml", &["idp-rollover.xml"]);
        assert_eq!(codes(&f), ["iam_provider_entity_id_mismatch"]);
        assert_eq!(
            f[0].evidence.get("idp_entity_id"),
            Some("https://sts.windows.net/0a1b2c3d-1111-2222-3333-444455556666/")
        );
        assert_eq!(f[0].evidence.get("resource"), Some(ARN));
    }

    #[test]
    fn encryption_required_without_a_key() {
        let entry = SamlProviderEntry {
            arn: ARN.into(),
            valid_until: None,
            create_date: None,
        };
        let mut detail = SamlProvider {
            metadata_document: fixture("provider-current.xml"),
            assertion_encryption_mode: Some(AssertionEncryptionMode::Required),
            ..SamlProvider::default()
        };
        let f = check_provider(&ctx(), &entry, &detail, &options(&[]));
        assert_eq!(codes(&f), ["iam_provider_encryption_key_missing"]);
        assert_eq!(f[0].evidence.get("resource"), Some(ARN));
        detail.private_keys.push(SamlPrivateKey {
            key_id: "ABCDEFGHIJKLMNOPQRSTUV".into(),
            timestamp: None,
        });
        assert!(check_provider(&ctx(), &entry, &detail, &options(&[])).is_empty());
        detail.private_keys.clear();
        detail.assertion_encryption_mode = Some(AssertionEncryptionMode::Allowed);
        assert!(check_provider(&ctx(), &entry, &detail, &options(&[])).is_empty());
    }

    #[test]
    fn unreadable_metadata_is_a_skip_not_a_pass() {
        let entry = SamlProviderEntry {
            arn: ARN.into(),
            valid_until: None,
            create_date: None,
        };
        for doc in ["", "<x/>", "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"] {
            let detail = SamlProvider {
                metadata_document: doc.into(),
                ..SamlProvider::default()
            };
            let f = check_provider(&ctx(), &entry, &detail, &options(&["idp-current.xml"]));
            assert_eq!(codes(&f), ["check_skipped"], "{doc}");
            assert_eq!(f[0].check, Some(Check::IamProviderMetadata));
            assert_eq!(f[0].evidence.get("resource"), Some(ARN));
        }
        let bad_cert = fixture("provider-current.xml").replace(
            &cert_b64(&fixture("provider-current.xml"), 0),
            "bm90IGEgY2VydGlmaWNhdGU=",
        );
        let detail = SamlProvider {
            metadata_document: bad_cert,
            ..SamlProvider::default()
        };
        let f = check_provider(&ctx(), &entry, &detail, &options(&["idp-current.xml"]));
        assert_eq!(
            codes(&f),
            ["check_skipped", "iam_provider_missing_current_cert"]
        );
    }
}

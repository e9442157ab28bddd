//! Signature verification against signatures made by independent implementations (xmlsec1 and
//! Python's signxml; see scripts/make-signed-fixtures.py), and the attacks a verifier must refuse.
#![cfg(feature = "signatures")]

use std::path::PathBuf;

use saml_core::metadata::{self, Metadata};
use saml_core::{diagnose_xml_in, AsOf, AsOfSource, Code, Context, Report, Severity, Timestamp};

const AT: &str = "2026-11-20T10:00:02Z";

fn read(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/signed")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn md(name: &str) -> Metadata {
    metadata::parse(&read(name)).unwrap()
}

fn run(response: &str, metadata: Option<&Metadata>) -> Report {
    let as_of = AsOf {
        instant: Timestamp::parse(AT).unwrap(),
        source: AsOfSource::Given,
    };
    diagnose_xml_in(
        &read(response),
        &Context {
            metadata,
            ..Context::new(as_of)
        },
    )
}

fn problems(r: &Report) -> Vec<Code> {
    r.findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.code)
        .collect()
}

#[test]
fn valid_signatures_from_both_implementations_verify_against_metadata() {
    let current = md("metadata-current.xml");
    for file in [
        "xmlsec1-response-signed.xml",
        "xmlsec1-assertion-signed.xml",
        "xmlsec1-both-signed.xml",
        "signxml-response-signed.xml",
        "signxml-assertion-signed.xml",
        "signxml-both-signed.xml",
    ] {
        let r = run(file, Some(&current));
        assert!(problems(&r).is_empty(), "{file}: {:#?}", r.findings);
        let summary = r.facts.signature.clone().unwrap();
        assert!(
            summary.contains("verified with the metadata's certificate"),
            "{file}: {summary}"
        );
        assert!(!summary.contains("NOT"), "{file}: {summary}");
    }
    let both = run("xmlsec1-both-signed.xml", Some(&current))
        .facts
        .signature
        .unwrap();
    assert_eq!(both.matches("verified").count(), 2, "{both}");
}

#[test]
fn sha1_verifies_and_is_warned_about() {
    let r = run("xmlsec1-sha1.xml", Some(&md("metadata-current.xml")));
    assert_eq!(problems(&r), [Code::SignatureSha1]);
    assert!(r.facts.signature.unwrap().contains("verified"));
}

#[test]
fn tampering_is_caught() {
    for file in ["tampered-nameid.xml", "tampered-attribute.xml"] {
        for metadata in [Some(md("metadata-current.xml")), None] {
            let r = run(file, metadata.as_ref());
            assert_eq!(problems(&r), [Code::SignatureInvalid], "{file}");
            let f = r
                .findings
                .iter()
                .find(|f| f.code == Code::SignatureInvalid)
                .unwrap();
            assert!(
                f.detail.contains("changed after it was signed"),
                "{file}: {}",
                f.detail
            );
        }
    }
}

#[test]
fn signature_wrapping_is_refused() {
    let r = run("wrapped-assertion.xml", Some(&md("metadata-current.xml")));
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::SignatureInvalid)
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert!(f.detail.contains("signature-wrapping"), "{}", f.detail);
    // The unsigned assertion's user is what a naive reader would take: it must not pass.
    assert!(r.has_errors());
    let r = run("duplicate-ids.xml", Some(&md("metadata-current.xml")));
    let details: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::SignatureInvalid)
        .map(|f| f.detail.as_str())
        .collect();
    assert!(
        details.iter().any(|d| d.contains("more than one element")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("not covered by any valid signature")),
        "{details:?}"
    );
}

#[test]
fn comments_in_name_id_are_read_as_signed() {
    let r = run("comment-in-nameid.xml", Some(&md("metadata-current.xml")));
    assert!(
        problems(&r).is_empty(),
        "the signature over the commented NameID is valid: {:#?}",
        r.findings
    );
    assert_eq!(
        r.facts.name_id.as_deref(),
        Some("jane.doe@contoso.com.evil.example"),
        "the whole signed value, not the part before the comment"
    );
}

#[test]
fn a_rotated_key_is_named_as_such() {
    for file in [
        "xmlsec1-signed-by-rotated-key.xml",
        "signxml-signed-by-rotated-key.xml",
    ] {
        let r = run(file, Some(&md("metadata-current.xml")));
        assert_eq!(
            problems(&r),
            [Code::SigningCertNotInMetadata],
            "{file}: {:#?}",
            r.findings
        );
        let f = &r.findings[0];
        assert!(
            f.detail
                .contains("Microsoft Azure Federated SSO Certificate (2026)"),
            "{}",
            f.detail
        );
        assert!(
            f.detail.contains("the identity provider rotated its key"),
            "{}",
            f.detail
        );
        assert!(f.evidence.get("signing_certificate_sha256").is_some());
        // With the rotation in progress (two certificates, the second signs) it verifies.
        let r = run(file, Some(&md("metadata-rotation.xml")));
        assert!(problems(&r).is_empty(), "{file}: {:#?}", r.findings);
    }
}

#[test]
fn an_expiring_signing_certificate_is_warned_about() {
    let r = run(
        "xmlsec1-signed-by-expiring-key.xml",
        Some(&md("metadata-expiring.xml")),
    );
    assert_eq!(problems(&r), [Code::SigningCertExpired]);
    assert!(
        r.findings[0]
            .detail
            .contains("expires on 2026-12-05T00:00:00Z"),
        "{}",
        r.findings[0].detail
    );
}

#[test]
fn issuer_must_match_the_metadata() {
    let r = run(
        "xmlsec1-assertion-signed.xml",
        Some(&md("metadata-other-issuer.xml")),
    );
    assert!(
        problems(&r).contains(&Code::IssuerMismatch),
        "{:#?}",
        r.findings
    );
}

#[test]
fn without_metadata_integrity_is_checked_and_trust_is_skipped() {
    let r = run("xmlsec1-assertion-signed.xml", None);
    assert!(problems(&r).is_empty(), "{:#?}", r.findings);
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == Code::CheckSkipped && f.detail.contains("--metadata")));
    assert!(r.facts.signature.unwrap().contains("trust not checked"));
}

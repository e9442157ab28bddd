//! Unit tests of the verifier, on the vectors `scripts/make-dsig-vectors.py` signs with xmlsec1
//! (testdata/dsig: `NAME.valid.xml`, `NAME.invalid.xml`, `NAME.weak-key.xml`) and on edits of
//! them for each class of message that must be rejected.

use std::path::{Path, PathBuf};

use super::*;
use crate::report::{diagnose_xml_in, Context};
use crate::time::{AsOfSource, Timestamp};
use crate::xml::{parse_document, Limits};
use crate::Severity;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/dsig")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap()
}

fn metadata_for(file: &str) -> Metadata {
    let key = if file.starts_with("ecdsa-p256") {
        "p256"
    } else if file.starts_with("ecdsa-p384") {
        "p384"
    } else if file.starts_with("rsa-512") {
        "rsa-512"
    } else {
        "rsa-2048"
    };
    let pem = read(&format!("keys/{key}.crt"));
    let b64: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    Metadata {
        entity_id: "https://idp.example.org/".into(),
        valid_until: None,
        signing_certificates: vec![b64],
    }
}

fn as_of() -> AsOf {
    AsOf {
        instant: Timestamp::parse("2026-11-20T10:00:00Z").unwrap(),
        source: AsOfSource::Given,
    }
}

fn verdict(xml: &str, md: &Metadata) -> Verdict {
    let doc = parse_document(xml, Limits::default()).unwrap();
    check_document(Doc::of(&doc), Some(md), &as_of())
}

fn invalid_details(v: &Verdict) -> Vec<&str> {
    v.findings
        .iter()
        .filter(|f| f.code == Code::SignatureInvalid)
        .map(|f| f.detail.as_str())
        .collect()
}

#[test]
fn every_vector_gets_the_verdict_its_name_promises() {
    let mut seen = 0;
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(stem) = name.strip_suffix(".xml") else {
            continue;
        };
        let (_, expect) = stem.rsplit_once('.').unwrap();
        let v = verdict(&read(&name), &metadata_for(&name));
        let errors: Vec<&Finding> = v
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        match expect {
            "valid" => {
                assert!(errors.is_empty(), "{name}: {errors:#?}");
                assert_eq!(v.assertions_verified, [true], "{name}");
                assert!(
                    v.checked
                        .iter()
                        .all(|c| matches!(c.outcome, Outcome::Valid { .. })),
                    "{name}"
                );
            }
            "invalid" => {
                assert!(!invalid_details(&v).is_empty(), "{name}: {:#?}", v.findings);
                assert_eq!(v.assertions_verified, [false], "{name}");
            }
            "weak-key" => {
                let details = invalid_details(&v);
                assert!(
                    details
                        .iter()
                        .any(|d| d.contains("too weak") && d.contains("2048")),
                    "{name}: {details:?}"
                );
                assert!(
                    !details.iter().any(|d| d.contains("altered")),
                    "{name}: {details:?}"
                );
                assert_eq!(v.assertions_verified, [false], "{name}");
            }
            other => panic!("{name}: unknown expectation {other}"),
        }
        seen += 1;
    }
    assert!(seen >= 18, "only {seen} vectors");
}

/// Each edit of an honest vector that a verifier must refuse, and the words the refusal names.
#[test]
fn what_is_not_implemented_is_rejected_by_name_never_skipped() {
    const SIG: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    const DIG: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#\"";
    let honest = read("rsa-sha384.valid.xml");
    let md = metadata_for("rsa-sha384");
    let cases: &[(&str, &str, &str)] = &[
        (
            SIG,
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
            "HMAC",
        ),
        (SIG, "http://www.w3.org/2000/09/xmldsig#hmac-sha1", "HMAC"),
        (
            SIG,
            "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
            "dsa-sha1",
        ),
        (
            SIG,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
            "rsa-md5",
        ),
        (SIG, "", "empty SignatureMethod"),
        (
            DIG,
            "http://www.w3.org/2001/04/xmldsig-more#md5",
            "xmldsig-more#md5",
        ),
        (
            DIG,
            "http://www.w3.org/2001/04/xmldsig-more#sha224",
            "sha224",
        ),
        (DIG, "", "DigestMethod has no Algorithm"),
        (EXC, "http://www.w3.org/2006/12/xml-c14n11\"", "xml-c14n11"),
        (
            EXC,
            "http://www.w3.org/TR/1999/REC-xpath-19991116\"",
            "REC-xpath",
        ),
        (
            EXC,
            "http://www.w3.org/TR/1999/REC-xslt-19991116\"",
            "REC-xslt",
        ),
        (
            "URI=\"#_a-7d1e\"",
            "URI=\"#xpointer(id('_a-7d1e'))\"",
            "XPointer",
        ),
        ("URI=\"#_a-7d1e\"", "URI=\"\"", "signs something else"),
        (
            "URI=\"#_a-7d1e\"",
            "URI=\"#_r-7d1e\"",
            "signs something else",
        ),
        (
            "<ds:DigestValue>",
            "<ds:DigestValue>!!",
            "DigestValue is empty or not base64",
        ),
    ];
    for (from, to, named) in cases {
        assert!(honest.contains(from), "{from}");
        let edited = honest.replacen(from, to, 1);
        let v = verdict(&edited, &md);
        let details = invalid_details(&v);
        assert!(
            details.iter().any(|d| d.contains(named)),
            "{to}: {details:?}"
        );
        assert!(
            !v.findings.iter().any(|f| f.code == Code::CheckSkipped),
            "{to}: {:#?}",
            v.findings
        );
        assert_eq!(v.assertions_verified, [false], "{to}");
    }
    // Missing pieces are named too.
    for (element, named) in [
        ("SignatureMethod", "has no SignatureMethod"),
        ("DigestMethod", "has no DigestMethod"),
        ("CanonicalizationMethod", "has no CanonicalizationMethod"),
    ] {
        let start = honest.find(&format!("<ds:{element}")).unwrap();
        let end = start + honest[start..].find("/>").unwrap() + 2;
        let edited = format!("{}{}", &honest[..start], &honest[end..]);
        let details = invalid_details(&verdict(&edited, &md)).join(" | ");
        assert!(details.contains(named), "{element}: {details}");
    }
}

#[test]
fn hmac_never_verifies_with_a_certificate() {
    // Even with a "signature" computed as an HMAC keyed by the certificate's bytes.
    let honest = read("ecdsa-p256-sha256.valid.xml");
    let edited = honest.replace(
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
    );
    let v = verdict(&edited, &metadata_for("ecdsa-p256"));
    assert_eq!(v.assertions_verified, [false]);
    assert!(invalid_details(&v).iter().any(|d| d.contains("HMAC")));
}

#[test]
fn the_facts_come_from_the_verified_assertion_not_the_first() {
    let honest = read("rsa-sha384.valid.xml");
    let decoy = r##"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_decoy" IssueInstant="2026-11-20T10:00:00Z" Version="2.0"><saml:Issuer>https://idp.example.org/</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"/><ds:Reference URI="#_decoy"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature><saml:Subject><saml:NameID>attacker@evil.example</saml:NameID></saml:Subject></saml:Assertion>"##;
    let at = honest.find("<saml:Assertion").unwrap();
    let xml = format!("{}{decoy}{}", &honest[..at], &honest[at..]);
    let md = metadata_for("rsa-sha384");
    let v = verdict(&xml, &md);
    assert_eq!(v.assertions_verified, [false, true]);
    assert_eq!(v.read_assertion(), 1);
    let details = invalid_details(&v).join(" | ");
    assert!(details.contains("2 Assertion elements"), "{details}");
    assert!(details.contains("HMAC"), "{details}");
    let ctx = Context {
        as_of: as_of(),
        relay_state: crate::RelayStateInput::Unknown,
        metadata: Some(&md),
    };
    let report = diagnose_xml_in(&xml, &ctx);
    assert_eq!(
        report.facts.name_id.as_deref(),
        Some("jane.doe@contoso.com")
    );
    assert!(report.facts.assertion_signed);
    assert!(report.has_errors(), "the message is still rejected");
}

#[test]
fn an_unverified_assertion_is_never_shown_as_signed() {
    let honest = read("rsa-sha384.valid.xml");
    let md = metadata_for("rsa-sha384");
    let tampered = honest.replace(
        "<saml:NameID>jane.doe@contoso.com",
        "<saml:NameID>attacker@evil.example",
    );
    let ctx = Context {
        as_of: as_of(),
        relay_state: crate::RelayStateInput::Unknown,
        metadata: Some(&md),
    };
    let report = diagnose_xml_in(&tampered, &ctx);
    assert!(!report.facts.assertion_signed);
    assert!(!report.facts.response_signed);
    assert!(report
        .facts
        .signature
        .as_deref()
        .unwrap()
        .starts_with("NOT verified"));
    assert!(report.has_errors());
}

#[test]
fn every_signature_must_verify_wherever_it_is() {
    // A broken signature on an element nobody reads still rejects the message.
    let honest = read("advice-signed-assertion.valid.xml");
    let md = metadata_for("advice");
    let v = verdict(&honest, &md);
    assert_eq!(v.checked.len(), 2);
    assert!(
        v.findings.iter().all(|f| f.severity != Severity::Error),
        "{:#?}",
        v.findings
    );
    let inner = honest.rfind("jane.doe@contoso.com</saml:NameID>").unwrap();
    let broken = format!("{}evil{}", &honest[..inner], &honest[inner + 4..]);
    let v = verdict(&broken, &md);
    assert!(
        invalid_details(&v)
            .iter()
            .any(|d| d.contains("/Advice/Assertion/Signature")),
        "{:#?}",
        v.findings
    );
}

#[test]
fn work_is_bounded_by_hard_limits() {
    let sigs = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>"
        .repeat(MAX_SIGNATURES + 1);
    let xml = format!("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\"><x>{sigs}</x></samlp:Response>");
    let v = verdict(&xml, &metadata_for("rsa"));
    assert!(invalid_details(&v)
        .iter()
        .any(|d| d.contains("verifies at most")));
    assert!(v.checked.is_empty());
    // Too many transforms or inclusive prefixes.
    let honest = read("rsa-sha384.valid.xml");
    let many =
        "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
            .repeat(MAX_TRANSFORMS + 1);
    let edited = honest.replacen("<ds:Transforms>", &format!("<ds:Transforms>{many}"), 1);
    assert!(invalid_details(&verdict(&edited, &metadata_for("rsa")))
        .iter()
        .any(|d| d.contains("at most")));
    let prefixes: String = (0..=MAX_INCLUSIVE_PREFIXES)
        .map(|i| format!("p{i} "))
        .collect();
    let edited = honest.replacen(
        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
        &format!("<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"{prefixes}\"/></ds:CanonicalizationMethod>"),
        1,
    );
    assert!(invalid_details(&verdict(&edited, &metadata_for("rsa")))
        .iter()
        .any(|d| d.contains("PrefixList")));
}

#[test]
fn an_encrypted_assertion_switches_no_check_off() {
    let enc = "<saml:EncryptedAssertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"/></saml:EncryptedAssertion>";
    let unsigned = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\" Version=\"2.0\" IssueInstant=\"2026-11-20T10:00:00Z\"><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>{enc}</samlp:Response>"
    );
    let ctx = Context {
        as_of: as_of(),
        relay_state: crate::RelayStateInput::Unknown,
        metadata: None,
    };
    let report = diagnose_xml_in(&unsigned, &ctx);
    assert!(
        report.codes().contains(&Code::SignatureMissing),
        "{:#?}",
        report.findings
    );
    // Beside a signed plaintext assertion whose ID is reused: the duplicate is caught, and the
    // plaintext assertion is still checked.
    let honest = read("rsa-sha384.valid.xml");
    let with_enc = honest.replacen(
        "<saml:Assertion",
        &format!(
            "{}<saml:Assertion",
            enc.replace("<xenc:EncryptedData", "<xenc:EncryptedData ID=\"_a-7d1e\"")
        ),
        1,
    );
    let md = metadata_for("rsa");
    let v = verdict(&with_enc, &md);
    assert!(
        invalid_details(&v)
            .iter()
            .any(|d| d.contains("more than one element")),
        "{:#?}",
        v.findings
    );
}

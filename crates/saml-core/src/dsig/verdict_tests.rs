//! The verdict on every vector, and the policy's promises: the facts come from a verified
//! assertion, an unverified one is never shown as signed, every signature must verify wherever
//! it is, and an encrypted assertion switches no check off.

use super::*;
use crate::dsig::test_vectors::{as_of, dir, invalid_details, metadata_for, read, verdict};
use crate::report::{diagnose_xml_in, Context};
use crate::Severity;

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
        metadata: Some(&md),
        ..Context::new(as_of())
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
        metadata: Some(&md),
        ..Context::new(as_of())
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
fn an_encrypted_assertion_switches_no_check_off() {
    let enc = "<saml:EncryptedAssertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"/></saml:EncryptedAssertion>";
    let unsigned = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\" Version=\"2.0\" IssueInstant=\"2026-11-20T10:00:00Z\"><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>{enc}</samlp:Response>"
    );
    let ctx = Context::new(as_of());
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

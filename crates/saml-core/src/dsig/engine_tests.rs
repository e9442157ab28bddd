//! The engine on edits of an honest vector: what it does not implement is rejected by name,
//! HMAC never verifies with a certificate, and work is bounded by hard limits.

use super::*;
use crate::code::Code;
use crate::dsig::shape::MAX_INCLUSIVE_PREFIXES;
use crate::dsig::test_vectors::{invalid_details, metadata_for, read, verdict};

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

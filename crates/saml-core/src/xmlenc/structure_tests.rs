//! The shapes an EncryptedAssertion may take, and every refusal, on small documents built
//! here (structure is read before any key is used, so no ciphertext needs to be real).

use super::*;
use crate::xml::parse;

const NS: &str = r#"xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#;
const GCM: &str =
    r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>"#;
const CIPHER: &str = "<xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData>";

fn ek(attrs: &str, extra: &str) -> String {
    format!(
        r#"<xenc:EncryptedKey{attrs}><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>{CIPHER}{extra}</xenc:EncryptedKey>"#
    )
}

fn data(attrs: &str, key_info: &str) -> String {
    format!("<xenc:EncryptedData{attrs}>{GCM}{key_info}{CIPHER}</xenc:EncryptedData>")
}

fn ea(inner: &str) -> Result<Parts, DecryptError> {
    let doc = format!("<saml:EncryptedAssertion {NS}>{inner}</saml:EncryptedAssertion>");
    read(&parse(&doc, Limits::default()).unwrap(), &Limits::default())
}

fn placements(inner: &str) -> Vec<KeyPlacement> {
    ea(inner)
        .unwrap_or_else(|e| panic!("{inner}: {e}"))
        .keys
        .iter()
        .map(|k| k.placement)
        .collect()
}

fn malformed(inner: &str, says: &str) {
    match ea(inner) {
        Err(DecryptError::Malformed { why }) => assert!(why.contains(says), "{why}"),
        Err(other) => panic!("{inner}: {other:?}"),
        Ok(_) => panic!("{inner}: accepted"),
    }
}

fn unsupported(inner: &str, says: &str) {
    match ea(inner) {
        Err(DecryptError::Unsupported { algorithm }) => {
            assert!(algorithm.contains(says), "{algorithm}")
        }
        Err(other) => panic!("{inner}: {other:?}"),
        Ok(_) => panic!("{inner}: accepted"),
    }
}

#[test]
fn finds_the_encrypted_key_wherever_saml_allows_it() {
    let in_key_info = data("", &format!("<ds:KeyInfo>{}</ds:KeyInfo>", ek("", "")));
    assert_eq!(placements(&in_key_info), [KeyPlacement::InKeyInfo]);
    let retrieval = data(
        "",
        r##"<ds:KeyInfo><ds:RetrievalMethod URI="#k1" Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey"/></ds:KeyInfo>"##,
    ) + &ek(r#" Id="k0""#, "")
        + &ek(r#" Id="k1""#, "");
    assert_eq!(placements(&retrieval), [KeyPlacement::RetrievalMethod]);
    let by_name = data(
        "",
        "<ds:KeyInfo><ds:KeyName> key-2 </ds:KeyName></ds:KeyInfo>",
    ) + &ek("", "<xenc:CarriedKeyName>key-1</xenc:CarriedKeyName>")
        + &ek("", "<xenc:CarriedKeyName>key-2</xenc:CarriedKeyName>");
    assert_eq!(placements(&by_name), [KeyPlacement::KeyName]);
    let back = data(r#" Id="d1""#, "")
        + &ek(
            "",
            r##"<xenc:ReferenceList><xenc:DataReference URI="#d1"/></xenc:ReferenceList>"##,
        );
    assert_eq!(placements(&back), [KeyPlacement::DataReference]);
    // Named twice (RetrievalMethod and KeyName): tried once.
    let twice = data(
        "",
        r##"<ds:KeyInfo><ds:RetrievalMethod URI="#k1"/><ds:KeyName>n</ds:KeyName></ds:KeyInfo>"##,
    ) + &ek(
        r#" Id="k1""#,
        "<xenc:CarriedKeyName>n</xenc:CarriedKeyName>",
    );
    assert_eq!(placements(&twice), [KeyPlacement::RetrievalMethod]);
    // Comments and white space anywhere between elements are fine.
    let commented = format!("\n <!-- c --> {in_key_info}<!-- d -->\n");
    assert_eq!(placements(&commented), [KeyPlacement::InKeyInfo]);
}

#[test]
fn refuses_unexpected_shapes() {
    let good_key_info = format!("<ds:KeyInfo>{}</ds:KeyInfo>", ek("", ""));
    let good = data("", &good_key_info);
    malformed("", "has no EncryptedData");
    malformed(&format!("{good}{good}"), "more than 1 <EncryptedData>");
    malformed(&format!("{}{good}", ek("", "")), "out of order");
    malformed(&format!("{good}<saml:Assertion/>"), "does not take");
    malformed(&format!("{good}text"), "text between its elements");
    malformed(&format!("<?pi?>{good}"), "processing instruction");
    malformed(
        &data(
            r#" Type="http://www.w3.org/2001/04/xmlenc#Content""#,
            &good_key_info,
        ),
        "Type=",
    );
    malformed(
        &format!("<xenc:EncryptedData><ds:KeyInfo/>{CIPHER}</xenc:EncryptedData>"),
        "has no EncryptionMethod",
    );
    malformed(
        &good.replace(
            "<xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>",
            "<xenc:CipherValue>AA<x/>AA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>",
        ),
        "holds markup",
    );
    malformed(
        &good.replace(
            "<xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>",
            "<xenc:CipherValue>A!AA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>",
        ),
        "not base64",
    );
    malformed(
        &data("", "<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>"),
        "KeyInfo holds <ds:X509Data>",
    );
    malformed(
        &data(
            "",
            r##"<ds:KeyInfo><ds:RetrievalMethod URI="#nowhere"/></ds:KeyInfo>"##,
        ),
        "names no EncryptedKey",
    );
    malformed(
        &(data(
            "",
            r#"<ds:KeyInfo><ds:RetrievalMethod URI="https://evil.example/k"/></ds:KeyInfo>"#,
        ) + &ek(r#" Id="k""#, "")),
        "same-document reference",
    );
    malformed(
        &(data(
            "",
            r##"<ds:KeyInfo><ds:RetrievalMethod URI="#k" Type="http://www.w3.org/2000/09/xmldsig#X509Data"/></ds:KeyInfo>"##,
        ) + &ek(r#" Id="k""#, "")),
        "not an EncryptedKey",
    );
    malformed(
        &(data("", "<ds:KeyInfo><ds:KeyName>a</ds:KeyName></ds:KeyInfo>")
            + &ek("", "<xenc:CarriedKeyName>b</xenc:CarriedKeyName>")),
        "carries that CarriedKeyName",
    );
    malformed(&(data("", "") + &ek("", "")), "no EncryptedKey applies");
    malformed(
        &(data("", "") + &ek(r#" Id="k""#, "") + &ek(r#" Id="k""#, "")),
        "two EncryptedKeys have Id=\"k\"",
    );
    let many: String = (0..9).map(|_| ek("", "")).collect();
    malformed(&format!("{}{many}", data("", "")), "more than 8");
    let many: String = (0..9).map(|_| ek("", "")).collect();
    malformed(
        &data("", &format!("<ds:KeyInfo>{many}</ds:KeyInfo>")),
        "more than 8",
    );
    let many: String = (0..17).map(|_| "<ds:KeyName>x</ds:KeyName>").collect();
    malformed(
        &data("", &format!("<ds:KeyInfo>{many}</ds:KeyInfo>")),
        "at most 16 are read",
    );
    let long_key = ek("", "").replace("AAAA", &"A".repeat(4000));
    malformed(
        &data("", &format!("<ds:KeyInfo>{long_key}</ds:KeyInfo>")),
        "at most 1024 bytes",
    );
    malformed(
        &data(
            "",
            &format!("<ds:KeyInfo>{}</ds:KeyInfo>", ek("", "<xenc:Bogus/>")),
        ),
        "EncryptedKey holds <xenc:Bogus>",
    );
    let element = parse("<a/>", Limits::default()).unwrap();
    assert!(matches!(
        read(&element, &Limits::default()),
        Err(DecryptError::Malformed { .. })
    ));
}

#[test]
fn names_what_it_does_not_implement() {
    let good_key_info = format!("<ds:KeyInfo>{}</ds:KeyInfo>", ek("", ""));
    unsupported(
        &data(
            r#" Encoding="http://www.w3.org/2000/09/xmldsig#base64""#,
            &good_key_info,
        ),
        "Encoding http://www.w3.org/2000/09/xmldsig#base64",
    );
    unsupported(
        &format!(
            r#"<xenc:EncryptedData>{GCM}{good_key_info}<xenc:CipherData><xenc:CipherReference URI="https://evil.example/ct"/></xenc:CipherData></xenc:EncryptedData>"#
        ),
        "CipherReference (ciphertext fetched from https://evil.example/ct)",
    );
    unsupported(
        &data(
            "",
            r#"<ds:KeyInfo><xenc:AgreementMethod Algorithm="http://www.w3.org/2009/xmlenc11#ECDH-ES"/></ds:KeyInfo>"#,
        ),
        "key agreement http://www.w3.org/2009/xmlenc11#ECDH-ES",
    );
    unsupported(
        &(data(
            "",
            r##"<ds:KeyInfo><ds:RetrievalMethod URI="#k"><ds:Transforms/></ds:RetrievalMethod></ds:KeyInfo>"##,
        ) + &ek(r#" Id="k""#, "")),
        "RetrievalMethod with <ds:Transforms>",
    );
    unsupported(
        &format!(
            r#"<xenc:EncryptedData><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#tripledes-cbc"/>{good_key_info}{CIPHER}</xenc:EncryptedData>"#
        ),
        "http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
    );
    // A key wrapped with an unimplemented algorithm is skipped when another one applies, and
    // named when it is the only one.
    let kw = ek("", "").replace(
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
        "http://www.w3.org/2001/04/xmlenc#kw-aes256",
    );
    assert_eq!(
        placements(&data(
            "",
            &format!("<ds:KeyInfo>{kw}{}</ds:KeyInfo>", ek("", ""))
        )),
        [KeyPlacement::InKeyInfo]
    );
    unsupported(
        &data("", &format!("<ds:KeyInfo>{kw}</ds:KeyInfo>")),
        "kw-aes256",
    );
}

#[test]
fn a_ciphertext_beyond_the_xml_limit_is_refused_before_decoding() {
    let big = data("", &format!("<ds:KeyInfo>{}</ds:KeyInfo>", ek("", ""))).replace(
        "<xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>",
        &format!(
            "<xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>",
            "QUFB\n".repeat(2000)
        ),
    );
    let doc = format!("<saml:EncryptedAssertion {NS}>{big}</saml:EncryptedAssertion>");
    let root = parse(&doc, Limits::default()).unwrap();
    let limits = Limits {
        max_input_bytes: 4096,
        ..Limits::default()
    };
    assert_eq!(
        read(&root, &limits).err(),
        Some(DecryptError::TooLarge {
            bytes: 6000,
            limit: 4096
        })
    );
    assert!(read(&root, &Limits::default()).is_ok());
}

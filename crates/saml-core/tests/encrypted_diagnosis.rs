//! The whole diagnosis of encrypted responses (tests/fixtures/encrypted, made by
//! scripts/make-encrypted-fixtures.py with xmlsec): with the provider's key, each decrypted
//! assertion gets every rule a plaintext one gets (the signature inside it verified against
//! the identity provider's metadata, the second-assertion rule, wrapping, time), and each
//! failure to decrypt is its own finding; without a key, what can be read is reported.

use std::path::PathBuf;

use saml_core::keys::DecryptionKey;
use saml_core::metadata::{self, Metadata};
use saml_core::{diagnose_xml_in, AsOf, AsOfSource, Code, Context, Report, Severity, Timestamp};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/encrypted")
}

fn key(name: &str) -> DecryptionKey {
    let pem = std::fs::read_to_string(dir().join(format!("keys/{name}.key"))).unwrap();
    DecryptionKey::from_pem(&pem, None).unwrap()
}

fn metadata() -> Metadata {
    let xml = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/signed/metadata-current.xml"),
    )
    .unwrap();
    metadata::parse(&xml).unwrap()
}

fn manifest() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir().join("manifest.json")).unwrap()).unwrap()
}

fn diagnose(file: &str, keys: &[DecryptionKey]) -> Report {
    let xml = std::fs::read_to_string(dir().join(file)).unwrap();
    let md = metadata();
    let as_of = AsOf {
        instant: Timestamp::parse(manifest()["at"].as_str().unwrap()).unwrap(),
        source: AsOfSource::Given,
    };
    diagnose_xml_in(
        &xml,
        &Context {
            metadata: Some(&md),
            decryption_keys: keys,
            ..Context::new(as_of)
        },
    )
}

fn codes(r: &Report, severity: Severity) -> Vec<Code> {
    r.findings
        .iter()
        .filter(|f| f.severity == severity)
        .map(|f| f.code)
        .collect()
}

#[test]
fn every_case_gives_its_finding_with_the_providers_key() {
    let sp = key("sp");
    let sp2 = key("sp2");
    for case in manifest()["cases"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let keys: Vec<DecryptionKey> = case["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| if k == "sp" { sp.clone() } else { sp2.clone() })
            .collect();
        let r = diagnose(file, &keys);
        let errors = codes(&r, Severity::Error);
        let warnings = codes(&r, Severity::Warning);
        let rsa15 = case["transport"].as_str().unwrap().ends_with("rsa-1_5");
        assert_eq!(
            warnings.contains(&Code::EncryptionRsa15),
            rsa15,
            "{file}: {warnings:?}"
        );
        assert!(
            r.facts.encrypted,
            "{file}: the report says it was encrypted"
        );
        let expected = match case["outcome"].as_str().unwrap() {
            "decrypts" => None,
            "wrong_key" | "not_opened" => Some(Code::DecryptionKeyMismatch),
            "tampered" => Some(Code::EncryptedAssertionAltered),
            "unsupported" => Some(Code::EncryptionAlgorithmUnsupported),
            other => panic!("{file}: unknown outcome {other}"),
        };
        if let Some(code) = expected {
            assert!(errors.contains(&code), "{file}: {errors:?}");
            assert!(!r.facts.encryption[0].decrypted, "{file}");
            assert!(
                !codes(&r, Severity::Info).contains(&Code::AssertionEncrypted),
                "{file}: one finding says why"
            );
            continue;
        }
        let facts = &r.facts.encryption[0];
        assert!(facts.decrypted, "{file}: {:?}", r.findings);
        assert!(facts.opened_with.is_some());
        assert_eq!(
            facts.content_algorithm.as_deref(),
            case["content"].as_str(),
            "{file}"
        );
        let signature_errors: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.code == Code::SignatureInvalid)
            .map(|f| f.detail.as_str())
            .collect();
        match file {
            // The assertion decrypted is unsigned, and the Response too.
            "unsigned-assertion.xml" => {
                assert!(errors.contains(&Code::SignatureMissing), "{errors:?}");
                assert!(!r.facts.assertion_signed);
            }
            // A plaintext assertion beside the encrypted one: two assertions.
            "beside-plaintext-assertion.xml" => {
                assert!(
                    signature_errors
                        .iter()
                        .any(|d| d.contains("2 Assertion elements (1 of them decrypted")),
                    "{signature_errors:?}"
                );
            }
            // The decrypted assertion is an unsigned one with the signed one in its Advice.
            "wrapping-inside-ciphertext.xml" => {
                assert!(
                    signature_errors
                        .iter()
                        .any(|d| d.contains("_evil") && d.contains("signature-wrapping")),
                    "{signature_errors:?}"
                );
                assert!(!r.facts.assertion_signed);
                assert_eq!(r.facts.name_id.as_deref(), Some("admin@contoso.com"));
            }
            // The Response's signature covers the ciphertext, so the assertion it decrypts to.
            "encrypted-then-response-signed.xml" => {
                assert!(signature_errors.is_empty(), "{signature_errors:?}");
                assert!(r.facts.response_signed && r.facts.assertion_signed);
            }
            _ => {
                assert!(signature_errors.is_empty(), "{file}: {signature_errors:?}");
                assert!(r.facts.assertion_signed, "{file}: {:?}", r.facts.signature);
                assert!(
                    r.facts
                        .signature
                        .as_deref()
                        .is_some_and(|s| s.contains("metadata's certificate")),
                    "{file}"
                );
                let a = &r.response().unwrap().assertions[0];
                assert!(a.encrypted, "{file}: the assertion is marked as decrypted");
                assert_eq!(
                    r.facts.role_session_name.as_deref(),
                    Some("jane.doe@contoso.com")
                );
            }
        }
    }
}

#[test]
fn without_a_key_the_algorithms_and_the_intended_key_are_read() {
    let r = diagnose("oaep-mgf1p-sha256_aes256-gcm.xml", &[]);
    assert!(codes(&r, Severity::Info).contains(&Code::AssertionEncrypted));
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::AssertionEncrypted)
        .unwrap();
    assert!(f.fix.contains("--decryption-key"), "{}", f.fix);
    let facts = &r.facts.encryption[0];
    assert!(!facts.decrypted);
    assert_eq!(
        facts.algorithms.as_deref(),
        Some("AES-256-GCM, key wrapped with RSA-OAEP (SHA-256, MGF1 SHA-1)")
    );
    assert_eq!(facts.encrypted_to, [key("sp").fingerprint().to_string()]);
    assert!(r.facts.role_session_name.is_none());
    // An unsupported algorithm is said without a key too, and RSA 1.5 is flagged.
    let r = diagnose("unsupported-tripledes.xml", &[]);
    assert!(codes(&r, Severity::Error).contains(&Code::EncryptionAlgorithmUnsupported));
    let r = diagnose("rsa15_aes128-cbc.xml", &[]);
    assert!(codes(&r, Severity::Warning).contains(&Code::EncryptionRsa15));
}

#[test]
fn a_wrong_key_names_both_fingerprints_and_no_key_material() {
    let r = diagnose("wrong-key.xml", &[key("sp")]);
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::DecryptionKeyMismatch)
        .unwrap();
    let stranger = std::fs::read_to_string(dir().join("keys/stranger.crt")).unwrap();
    let cert_b64: String = stranger
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let named = saml_core::cert::Certificate::from_base64(&cert_b64).unwrap();
    let named = saml_core::keys::certificate_key_fingerprint(&named).unwrap();
    assert!(f.detail.contains(&named.to_string()), "{}", f.detail);
    assert!(f.detail.contains(&key("sp").fingerprint().to_string()));
    let json = serde_json::to_string(&r).unwrap();
    let pem = std::fs::read_to_string(dir().join("keys/sp.key")).unwrap();
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!json.contains(line), "key material in the report");
    }
}

//! Decryption of every file in tests/fixtures/encrypted/ (encrypted by xmlsec, see
//! scripts/make-encrypted-fixtures.py), judged by its manifest: what must decrypt decrypts to
//! exactly the bytes xmlsec decrypts it to, with the algorithms and key the manifest names; what
//! must fail fails with the manifest's reason, and every altered ciphertext with one message.

use std::collections::HashMap;

use serde_json::Value;

use super::*;
use crate::keys::DecryptionKey;
use crate::model::NS_ASSERTION;
use crate::xml::{self, Limits, Node};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/encrypted/"
);

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}{name}")).expect("the fixture exists")
}

fn key(name: &str) -> DecryptionKey {
    DecryptionKey::from_pem(&read(&format!("keys/{name}.key")), None).expect("the test key loads")
}

fn cert_key(name: &str) -> KeyFingerprint {
    let pem = read(&format!("keys/{name}.crt"));
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    certificate_key_fingerprint(&Certificate::from_base64(&body).unwrap()).unwrap()
}

fn manifest() -> Vec<Value> {
    let m: Value = serde_json::from_str(&read("manifest.json")).unwrap();
    m["cases"].as_array().unwrap().clone()
}

/// The Response of a fixture and the result of decrypting its EncryptedAssertion.
fn open(file: &str, keys: &[DecryptionKey]) -> (Element, Result<Decrypted, DecryptError>) {
    open_with(file, keys, Limits::default())
}

/// [`open`], the plaintext held to `limits` (the fixture itself read with the defaults: its
/// KeyInfo nests as deep as the assertion it encrypts).
fn open_with(
    file: &str,
    keys: &[DecryptionKey],
    limits: Limits,
) -> (Element, Result<Decrypted, DecryptError>) {
    let root = xml::parse(&read(file), Limits::default()).expect("the fixture parses");
    let ea = root
        .child(NS_ASSERTION, "EncryptedAssertion")
        .expect("an EncryptedAssertion");
    let context = Context::of(&root, ea, limits).unwrap();
    let result = decrypt(ea, keys, &context);
    (root.clone(), result)
}

fn transport_of(case: &Value) -> KeyTransport {
    let hash = |v: &Value| match v.as_str().unwrap_or("sha1") {
        "sha1" => OaepHash::Sha1,
        "sha224" => OaepHash::Sha224,
        "sha256" => OaepHash::Sha256,
        "sha384" => OaepHash::Sha384,
        "sha512" => OaepHash::Sha512,
        other => panic!("{other}"),
    };
    match case["transport"].as_str().unwrap() {
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" => KeyTransport::RsaOaepMgf1p {
            digest: hash(&case["digest"]),
        },
        "http://www.w3.org/2009/xmlenc11#rsa-oaep" => KeyTransport::RsaOaep {
            digest: hash(&case["digest"]),
            mgf: hash(&case["mgf"]),
        },
        "http://www.w3.org/2001/04/xmlenc#rsa-1_5" => KeyTransport::Rsa15,
        other => panic!("{other}"),
    }
}

#[test]
fn every_fixture_decrypts_or_fails_as_its_manifest_says() {
    let keys: HashMap<&str, DecryptionKey> = ["sp", "sp2", "stranger"]
        .into_iter()
        .map(|n| (n, key(n)))
        .collect();
    let mut tampered_messages = Vec::new();
    let cases = manifest();
    assert!(cases.len() >= 50, "the corpus is all there");
    for case in &cases {
        let file = case["file"].as_str().unwrap();
        let given: Vec<DecryptionKey> = case["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| keys[k.as_str().unwrap()].clone())
            .collect();
        let (_, result) = open(file, &given);
        match case["outcome"].as_str().unwrap() {
            "decrypts" => {
                let d = result.unwrap_or_else(|e| panic!("{file}: {e}"));
                let plain = read(case["plaintext"].as_str().unwrap());
                assert_eq!(d.plaintext, plain, "{file}: the plaintext xmlsec decrypts");
                assert!(d.assertion.is(NS_ASSERTION, "Assertion"), "{file}");
                let opener = case["opened_by"].as_str().unwrap_or("sp");
                assert_eq!(d.key, keys[opener].fingerprint(), "{file}");
                assert_eq!(d.transport, transport_of(case), "{file}");
                assert_eq!(d.content.uri(), case["content"].as_str().unwrap(), "{file}");
                let placement = serde_json::to_value(d.placement).unwrap();
                assert_eq!(placement, case["placement"], "{file}");
                assert_eq!(
                    d.weaknesses.contains(&Weakness::Rsa15KeyTransport),
                    d.transport == KeyTransport::Rsa15,
                    "{file}"
                );
                if d.placement == KeyPlacement::InKeyInfo {
                    assert_eq!(d.named.len(), 1, "{file}: the IdP names the certificate");
                    assert_eq!(d.named[0].key, Some(d.key), "{file}");
                }
            }
            "wrong_key" => match result {
                Err(DecryptError::WrongKey { named, given: g }) => {
                    let stranger = cert_key(case["named"].as_str().unwrap());
                    assert_eq!(named.len(), 1);
                    assert_eq!(
                        named[0].key,
                        Some(stranger),
                        "{file}: names the IdP's certificate"
                    );
                    assert_eq!(g, [keys["sp"].fingerprint(), keys["sp2"].fingerprint()]);
                    let text = DecryptError::WrongKey { named, given: g }.to_string();
                    assert!(
                        text.contains(&stranger.to_string())
                            && text.contains(&keys["sp"].fingerprint().to_string()),
                        "{text}"
                    );
                }
                other => panic!("{file}: {other:?}"),
            },
            "not_opened" => assert_eq!(
                result.unwrap_err(),
                DecryptError::NotOpened {
                    given: vec![keys["sp"].fingerprint()]
                },
                "{file}"
            ),
            "tampered" => match result {
                Err(e @ DecryptError::Tampered { .. }) => {
                    assert_eq!(
                        e,
                        DecryptError::Tampered {
                            key: keys["sp"].fingerprint()
                        }
                    );
                    tampered_messages.push((file, e.to_string()));
                }
                other => panic!("{file}: {other:?}"),
            },
            "unsupported" => assert_eq!(
                result.unwrap_err(),
                DecryptError::Unsupported {
                    algorithm: case["algorithm"].as_str().unwrap().to_owned()
                },
                "{file}"
            ),
            other => panic!("{file}: outcome {other}"),
        }
    }
    // A GCM tag, a CBC padding, a CBC plaintext that is not XML and an OAEP decoding failure:
    // one message, so the wording is no oracle.
    assert_eq!(tampered_messages.len(), 4);
    assert!(
        tampered_messages.windows(2).all(|w| w[0].1 == w[1].1),
        "{tampered_messages:#?}"
    );
}

#[test]
fn every_key_is_tried_and_the_order_does_not_matter() {
    let (sp, sp2) = (key("sp"), key("sp2"));
    for keys in [[sp.clone(), sp2.clone()], [sp2.clone(), sp.clone()]] {
        let (_, d) = open("second-provider-key.xml", &keys);
        assert_eq!(d.unwrap().key, sp2.fingerprint());
    }
    assert!(matches!(
        open("second-provider-key.xml", std::slice::from_ref(&sp)).1,
        Err(DecryptError::WrongKey { .. })
    ));
    assert_eq!(
        open("second-provider-key.xml", &[]).1.unwrap_err(),
        DecryptError::NoKey
    );
    // The same key twice is harmless.
    assert!(
        open("oaep-mgf1p-sha1_aes128-gcm.xml", &[sp2, sp.clone(), sp])
            .1
            .is_ok()
    );
}

#[test]
fn what_is_encrypted_can_be_read_without_a_key() {
    let root = xml::parse(&read("rsa15_aes256-cbc.xml"), Limits::default()).unwrap();
    let ea = root.child(NS_ASSERTION, "EncryptedAssertion").unwrap();
    let e = inspect(ea, &Context::default()).unwrap();
    assert_eq!(e.content, ContentCipher::Aes256Cbc);
    assert_eq!(e.keys.len(), 1);
    assert_eq!(e.keys[0].transport, KeyTransport::Rsa15);
    assert_eq!(e.keys[0].placement, KeyPlacement::InKeyInfo);
    assert_eq!(e.keys[0].named[0].key, Some(cert_key("sp")));
    assert!(e.keys[0].named[0]
        .subject
        .contains("AWS SAML provider decryption key 1"));
}

/// The Response with each EncryptedAssertion replaced by the Assertion it decrypts to, as the
/// XML Encryption decryptor does.
fn replaced(root: &Element, assertion: &Element) -> Element {
    let mut out = root.clone();
    for n in &mut out.children {
        if let Node::Element(e) = n {
            if e.is(NS_ASSERTION, "EncryptedAssertion") {
                *n = Node::Element(assertion.clone());
            }
        }
    }
    out
}

#[test]
fn the_signature_inside_verifies_once_decrypted_in_its_context() {
    let metadata = crate::metadata::parse(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/signed/metadata-current.xml"
        ))
        .unwrap(),
    )
    .unwrap();
    for file in [
        "oaep11-sha256-mgf1sha256_aes256-gcm.xml",
        "rsa15_aes128-cbc.xml",
        "context-namespaces.xml",
        "key-beside-key-name.xml",
    ] {
        let (root, d) = open(file, &[key("sp")]);
        let d = d.unwrap();
        let checked = crate::dsig::verify(&replaced(&root, &d.assertion), Some(&metadata));
        assert_eq!(checked.len(), 1, "{file}");
        assert!(
            matches!(
                checked[0].outcome,
                crate::dsig::Outcome::Valid {
                    from_metadata: true,
                    ..
                }
            ),
            "{file}: {:?}",
            checked[0].outcome
        );
    }
    // The context matters: without the Response's `saml:` declaration the plaintext is no XML.
    let root = xml::parse(&read("context-namespaces.xml"), Limits::default()).unwrap();
    let ea = root.child(NS_ASSERTION, "EncryptedAssertion").unwrap();
    assert!(matches!(
        decrypt(ea, &[key("sp")], &Context::default()),
        Err(DecryptError::Plaintext(_))
    ));
}

#[test]
fn the_decrypted_content_is_held_to_the_documents_limits() {
    let sp = [key("sp")];
    let shallow = Limits {
        max_depth: 5,
        ..Limits::default()
    };
    // Too shallow for the assertion's nesting: refused as XML (GCM authenticated it).
    assert!(matches!(
        open_with("oaep-mgf1p-sha1_aes256-gcm.xml", &sp, shallow).1,
        Err(DecryptError::Plaintext(crate::xml::XmlError::TooDeep {
            limit: 5
        }))
    ));
    // A ciphertext larger than the limit is refused before anything is decrypted.
    let small = Limits {
        max_input_bytes: 512,
        ..Limits::default()
    };
    assert!(matches!(
        open_with("oaep-mgf1p-sha1_aes256-gcm.xml", &sp, small).1,
        Err(DecryptError::TooLarge { limit: 512, .. })
    ));
    // Under CBC the same refusal reads as any failure to open: no oracle on the plaintext.
    assert_eq!(
        open_with("oaep-mgf1p-sha1_aes256-cbc.xml", &sp, shallow)
            .1
            .unwrap_err(),
        DecryptError::Tampered {
            key: sp[0].fingerprint()
        }
    );
}

//! XML Encryption: parsing an EncryptedAssertion and decrypting it with fixed keys (the test
//! provider's, and a stranger's). Seeds: tests/fixtures/encrypted/ (xmlsec's ciphertexts for
//! every algorithm pair and key placement), so mutations land on valid ciphertexts, wrapped
//! keys, algorithm URIs and structure alike.
//!
//! Oracle: no panic, and bounded work; every success is one saml:Assertion; and a success
//! under an authenticated cipher (GCM) gives one of the plaintexts xmlsec encrypted: the
//! fuzzer cannot encrypt (it would need the RSA public-key operation), so it can only move,
//! copy and damage the seeds' ciphertexts, and damage must never authenticate. (CBC is
//! malleable by design: a flipped IV bit flips a plaintext bit, which the signature inside
//! catches; so CBC successes are only held to the first two rules.)
//!
//! Then the whole diagnosis of the same input with those keys and the signed fixtures'
//! metadata, where a decrypted assertion is put in the Response and every rule runs on it:
//! no panic, and the assertion shown as signed under a trusted signature only when the
//! plaintext it was read from is one the identity provider signed (xmlsec's, which only
//! `signed-assertion` and `context-namespaces` are) or a signed Response covers it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use saml_core::keys::DecryptionKey;
use saml_core::model::NS_ASSERTION;
use saml_core::xml::{self, Limits};
use saml_core::xmlenc::{self, Context};

const PLAINTEXTS: &[&str] = &[
    include_str!("../../tests/fixtures/encrypted/signed-assertion.plain.xml"),
    include_str!("../../tests/fixtures/encrypted/unsigned-assertion.plain.xml"),
    include_str!("../../tests/fixtures/encrypted/context-namespaces.plain.xml"),
    include_str!("../../tests/fixtures/encrypted/wrapping-inside.plain.xml"),
];

fn metadata() -> &'static saml_core::metadata::Metadata {
    static MD: OnceLock<saml_core::metadata::Metadata> = OnceLock::new();
    MD.get_or_init(|| {
        saml_core::metadata::parse(include_str!(
            "../../tests/fixtures/signed/metadata-current.xml"
        ))
        .expect("the fixtures' metadata parses")
    })
}

fn keys() -> &'static [DecryptionKey] {
    static KEYS: OnceLock<Vec<DecryptionKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            include_str!("../../tests/fixtures/encrypted/keys/sp.key"),
            include_str!("../../tests/fixtures/encrypted/keys/stranger.key"),
        ]
        .iter()
        .map(|pem| DecryptionKey::from_pem(pem, None).expect("the test keys load"))
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(root) = xml::parse(text, Limits::default()) else { return };
    let targets: Vec<&xml::Element> = std::iter::once(&root)
        .chain(root.children_named(NS_ASSERTION, "EncryptedAssertion"))
        .filter(|e| e.is(NS_ASSERTION, "EncryptedAssertion"))
        .collect();
    for ea in targets {
        let context = Context::of(&root, ea, Limits::default()).expect("found in its own tree");
        let _ = xmlenc::inspect(ea, &context);
        if let Ok(d) = xmlenc::decrypt(ea, keys(), &context) {
            assert!(d.assertion.is(NS_ASSERTION, "Assertion"));
            if d.content.is_authenticated() {
                assert!(
                    PLAINTEXTS.contains(&d.plaintext.as_str()),
                    "an authenticated plaintext xmlsec never encrypted: {:?}",
                    d.plaintext
                );
            }
        }
    }
    let as_of = saml_core::AsOf {
        instant: saml_core::Timestamp::parse("2026-11-20T10:00:02Z").expect("a valid instant"),
        source: saml_core::AsOfSource::Given,
    };
    let report = saml_core::diagnose_xml_in(
        text,
        &saml_core::Context {
            metadata: Some(metadata()),
            decryption_keys: keys(),
            ..saml_core::Context::new(as_of)
        },
    );
    let decrypted = report.facts.encryption.iter().any(|e| e.decrypted);
    if decrypted && report.facts.assertion_signed && !report.facts.response_signed {
        // The fuzzer cannot sign: a trusted signature inside a decrypted assertion is one of
        // the signed plaintexts, moved whole.
        let names = report.facts.name_id.as_deref();
        assert!(
            names.is_none() || names == Some("jane.doe@contoso.com"),
            "a decrypted assertion shown as signed names {names:?}"
        );
    }
});

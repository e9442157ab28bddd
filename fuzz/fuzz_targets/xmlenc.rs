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
});

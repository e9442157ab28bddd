//! XML-DSig verification: canonicalization, references, digests, RSA, the wrapping guards,
//! against a fixed metadata. Seeded with the signed fixtures, so mutations start from documents
//! whose signatures verify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use saml_core::{AsOf, AsOfSource, Timestamp};

const METADATA: &str = include_str!("../../tests/fixtures/signed/metadata-rotation.xml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(root) = saml_core::xml::parse(text, saml_core::xml::Limits::default()) else { return };
    let metadata = saml_core::metadata::parse(METADATA).expect("the fixture metadata parses");
    let as_of = AsOf { instant: Timestamp::from_unix_seconds(1_795_168_802), source: AsOfSource::Given };
    let checked = saml_core::dsig::verify(&root, Some(&metadata));
    let _ = saml_core::dsig::summary(&checked);
    let _ = saml_core::dsig::check(&root, Some(&metadata), &as_of);
    let _ = saml_core::dsig::check(&root, None, &as_of);
    let _ = saml_core::dsig::duplicate_ids(&root);
});

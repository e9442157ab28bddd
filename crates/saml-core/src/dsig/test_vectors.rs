//! The verifier's test vectors, which `scripts/make-dsig-vectors.py` signs with xmlsec1
//! (testdata/dsig: `NAME.valid.xml`, `NAME.invalid.xml`, `NAME.weak-key.xml`), the metadata
//! holding each one's key, and the verdict on a vector or an edit of one.

use std::path::{Path, PathBuf};

use super::engine::Doc;
use super::verdict::{check_document, Verdict};
use crate::code::Code;
use crate::metadata::Metadata;
use crate::time::{AsOf, AsOfSource, Timestamp};
use crate::xml::{parse_document, Limits};

pub(super) fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/dsig")
}

pub(super) fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap()
}

pub(super) fn metadata_for(file: &str) -> Metadata {
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

pub(super) fn as_of() -> AsOf {
    AsOf {
        instant: Timestamp::parse("2026-11-20T10:00:00Z").unwrap(),
        source: AsOfSource::Given,
    }
}

pub(super) fn verdict(xml: &str, md: &Metadata) -> Verdict {
    let doc = parse_document(xml, Limits::default()).unwrap();
    check_document(Doc::of(&doc), Some(md), &as_of())
}

pub(super) fn invalid_details(v: &Verdict) -> Vec<&str> {
    v.findings
        .iter()
        .filter(|f| f.code == Code::SignatureInvalid)
        .map(|f| f.detail.as_str())
        .collect()
}

//! Each algorithm on vectors made here with the same crates' encrypting halves (the fixtures
//! in tests/fixtures/encrypted/, made by xmlsec, cover interoperability), and the parsing of
//! EncryptionMethod: defaults, parameters, and every refusal.

use aes_gcm::aead::AeadInOut;
use cbc::cipher::BlockModeEncrypt;

use super::*;
use crate::keys::DecryptionKey;
use crate::xml::{parse, Limits};

/// A deterministic random source for the encrypting side (OAEP seeds, PKCS#1 v1.5 padding).
struct Counter(u8);

impl rsa::rand_core::TryRng for Counter {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            // Never zero: PKCS#1 v1.5 padding bytes must not be.
            self.0 = self.0.wrapping_add(37) | 1;
            *b = self.0;
        }
        Ok(())
    }
}

impl rsa::rand_core::TryCryptoRng for Counter {}

fn sp() -> DecryptionKey {
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/encrypted/keys/sp.key"
    ))
    .unwrap();
    DecryptionKey::from_pem(&pem, None).unwrap()
}

fn oaep_encrypt<D, M>(key: &DecryptionKey, label: &[u8], msg: &[u8]) -> Vec<u8>
where
    D: sha2::Digest + sha2::digest::FixedOutputReset,
    M: sha2::Digest + sha2::digest::FixedOutputReset,
{
    let padding = rsa::Oaep::<D, M>::new_with_mgf_hash_and_label(label.to_vec());
    key.rsa()
        .to_public_key()
        .encrypt(&mut Counter(0), padding, msg)
        .unwrap()
}

const CEK: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

#[test]
fn rsa_oaep_with_each_digest_and_mask_generation_digest() {
    use sha1::Sha1;
    use sha2::{Sha224, Sha256, Sha384, Sha512};
    let key = sp();
    let k = key.rsa();
    let cases: Vec<(OaepHash, OaepHash, Vec<u8>)> = vec![
        (
            OaepHash::Sha1,
            OaepHash::Sha1,
            oaep_encrypt::<Sha1, Sha1>(&key, b"", &CEK),
        ),
        (
            OaepHash::Sha224,
            OaepHash::Sha224,
            oaep_encrypt::<Sha224, Sha224>(&key, b"", &CEK),
        ),
        (
            OaepHash::Sha256,
            OaepHash::Sha1,
            oaep_encrypt::<Sha256, Sha1>(&key, b"", &CEK),
        ),
        (
            OaepHash::Sha256,
            OaepHash::Sha256,
            oaep_encrypt::<Sha256, Sha256>(&key, b"", &CEK),
        ),
        (
            OaepHash::Sha384,
            OaepHash::Sha512,
            oaep_encrypt::<Sha384, Sha512>(&key, b"", &CEK),
        ),
        (
            OaepHash::Sha512,
            OaepHash::Sha384,
            oaep_encrypt::<Sha512, Sha384>(&key, b"", &CEK),
        ),
    ];
    for (digest, mgf, ct) in &cases {
        let t = KeyTransport::RsaOaep {
            digest: *digest,
            mgf: *mgf,
        };
        assert_eq!(
            unwrap_key(k, t, b"", ct, 32).as_deref().map(Vec::as_slice),
            Some(&CEK[..]),
            "{t:?}"
        );
        // Any other pairing fails, and says nothing more than None.
        for other in [OaepHash::Sha1, OaepHash::Sha256, OaepHash::Sha512] {
            if other != *mgf {
                let t = KeyTransport::RsaOaep {
                    digest: *digest,
                    mgf: other,
                };
                assert!(unwrap_key(k, t, b"", ct, 32).is_none(), "{t:?}");
            }
        }
        // The content key must be as long as the content cipher needs.
        assert!(unwrap_key(
            k,
            KeyTransport::RsaOaep {
                digest: *digest,
                mgf: *mgf
            },
            b"",
            ct,
            16
        )
        .is_none());
    }
    // rsa-oaep-mgf1p is MGF1-SHA1 with the DigestMethod for the label.
    let ct = &cases[2].2;
    let t = KeyTransport::RsaOaepMgf1p {
        digest: OaepHash::Sha256,
    };
    assert!(unwrap_key(k, t, b"", ct, 32).is_some());
    // OAEPparams is the label: it must match.
    let labelled = oaep_encrypt::<Sha1, Sha1>(&key, b"label", &CEK);
    let t = KeyTransport::RsaOaepMgf1p {
        digest: OaepHash::Sha1,
    };
    assert!(unwrap_key(k, t, b"label", &labelled, 32).is_some());
    assert!(unwrap_key(k, t, b"", &labelled, 32).is_none());
    assert!(unwrap_key(k, t, b"other", &labelled, 32).is_none());
    // Damaged or mis-sized ciphertexts.
    let mut flipped = labelled.clone();
    flipped[10] ^= 1;
    assert!(unwrap_key(k, t, b"label", &flipped, 32).is_none());
    assert!(unwrap_key(k, t, b"label", &labelled[1..], 32).is_none());
    assert!(unwrap_key(k, t, b"label", &[], 32).is_none());
}

#[test]
fn rsa_pkcs1_v15_rejects_implicitly() {
    let key = sp();
    let ct = key
        .rsa()
        .to_public_key()
        .encrypt(&mut Counter(7), rsa::Pkcs1v15Encrypt, &CEK[..16])
        .unwrap();
    let got = unwrap_key(key.rsa(), KeyTransport::Rsa15, b"", &ct, 16);
    assert_eq!(got.as_deref().map(Vec::as_slice), Some(&CEK[..16]));
    // A damaged ciphertext gives a synthetic message, not an error: it fails at the length here
    // or at the content later, never with a reason of its own.
    let mut flipped = ct.clone();
    flipped[0] ^= 0x80;
    let got = unwrap_key(key.rsa(), KeyTransport::Rsa15, b"", &flipped, 16);
    assert_ne!(got.as_deref().map(Vec::as_slice), Some(&CEK[..16]));
}

fn gcm_encrypt(key: &[u8], iv: [u8; 12], plain: &[u8]) -> Vec<u8> {
    let mut buf = plain.to_vec();
    let tag = match key.len() {
        16 => aes_gcm::Aes128Gcm::new_from_slice(key)
            .unwrap()
            .encrypt_inout_detached(&iv.into(), &[], buf.as_mut_slice().into()),
        24 => aes_gcm::AesGcm::<aes::Aes192, aes_gcm::aead::consts::U12>::new_from_slice(key)
            .unwrap()
            .encrypt_inout_detached(&iv.into(), &[], buf.as_mut_slice().into()),
        _ => aes_gcm::Aes256Gcm::new_from_slice(key)
            .unwrap()
            .encrypt_inout_detached(&iv.into(), &[], buf.as_mut_slice().into()),
    }
    .unwrap();
    [&iv[..], &buf, &tag[..]].concat()
}

#[test]
fn aes_gcm_has_the_iv_first_and_the_tag_last() {
    let plain = b"<Assertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"/>";
    for (cipher, len) in [
        (ContentCipher::Aes128Gcm, 16),
        (ContentCipher::Aes192Gcm, 24),
        (ContentCipher::Aes256Gcm, 32),
    ] {
        let data = gcm_encrypt(&CEK[..len], [9; 12], plain);
        assert_eq!(data.len(), 12 + plain.len() + 16);
        assert_eq!(
            decrypt_content(cipher, &CEK[..len], &data).as_deref(),
            Some(&plain[..])
        );
        for at in [0, 12, data.len() - 1] {
            let mut bad = data.clone();
            bad[at] ^= 1;
            assert!(
                decrypt_content(cipher, &CEK[..len], &bad).is_none(),
                "{cipher:?} byte {at}"
            );
        }
        assert!(decrypt_content(cipher, &CEK[..len], &data[..27]).is_none());
        assert!(decrypt_content(cipher, &[0; 32][..len], &data).is_none());
        // An empty plaintext is IV and tag only.
        let empty = gcm_encrypt(&CEK[..len], [1; 12], b"");
        assert_eq!(
            decrypt_content(cipher, &CEK[..len], &empty),
            Some(Vec::new())
        );
    }
}

/// CBC with XML Encryption's padding: `pad` bytes, the last one their count, the others `fill`.
fn cbc_encrypt(key: &[u8], iv: [u8; 16], plain: &[u8], pad: usize, fill: u8) -> Vec<u8> {
    let mut buf = plain.to_vec();
    buf.extend(std::iter::repeat_n(fill, pad - 1));
    buf.push(pad as u8);
    assert_eq!(buf.len() % 16, 0, "the test pads to whole blocks");
    macro_rules! run {
        ($c:ty) => {{
            let mut e = ::cbc::Encryptor::<$c>::new_from_slices(key, &iv).unwrap();
            for chunk in buf.chunks_exact_mut(16) {
                e.encrypt_block(<&mut ::cbc::cipher::Block<$c>>::try_from(chunk).unwrap());
            }
        }};
    }
    match key.len() {
        16 => run!(aes::Aes128),
        24 => run!(aes::Aes192),
        _ => run!(aes::Aes256),
    }
    [&iv[..], &buf].concat()
}

#[test]
fn aes_cbc_padding_is_xml_encryptions_not_pkcs7() {
    let plain = b"0123456789"; // 10 bytes: 6 of padding.
    for (cipher, len) in [
        (ContentCipher::Aes128Cbc, 16),
        (ContentCipher::Aes192Cbc, 24),
        (ContentCipher::Aes256Cbc, 32),
    ] {
        let k = &CEK[..len];
        // Arbitrary padding bytes are accepted (xmlsec writes random ones).
        for fill in [0u8, 6, 0xA5] {
            let data = cbc_encrypt(k, [3; 16], plain, 6, fill);
            assert_eq!(
                decrypt_content(cipher, k, &data).as_deref(),
                Some(&plain[..])
            );
        }
        // A whole block of padding.
        let data = cbc_encrypt(k, [3; 16], b"0123456789abcdef", 16, 0);
        assert_eq!(
            decrypt_content(cipher, k, &data).as_deref(),
            Some(&b"0123456789abcdef"[..])
        );
        // A padding length of 0 or above the block size is refused.
        let zero = cbc_encrypt(k, [3; 16], b"0123456789abcdef", 16, 0);
        let at = zero.len() - 17;
        let mut bad = zero.clone();
        bad[at] ^= 16; // the last byte decrypts to 16 ^ 16 = 0
        assert!(decrypt_content(cipher, k, &bad).is_none());
        let mut bad = zero;
        bad[at] ^= 16 ^ 17; // … to 17
        assert!(decrypt_content(cipher, k, &bad).is_none());
        // Not whole blocks, no ciphertext block, nothing at all.
        let data = cbc_encrypt(k, [3; 16], plain, 6, 0);
        assert!(decrypt_content(cipher, k, &data[..data.len() - 1]).is_none());
        assert!(decrypt_content(cipher, k, &data[..16]).is_none());
        assert!(decrypt_content(cipher, k, &[]).is_none());
    }
}

fn method(xml: &str) -> Element {
    let doc = format!(
        "<xenc:EncryptionMethod xmlns:xenc=\"{NS_XENC}\" xmlns:xenc11=\"{NS_XENC11}\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" {xml}"
    );
    parse(&doc, Limits::default()).unwrap()
}

#[test]
fn encryption_methods_are_read_with_their_defaults() {
    let t = |xml: &str| key_transport(&method(xml));
    assert_eq!(
        t(r#"Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>"#).unwrap(),
        (
            KeyTransport::RsaOaepMgf1p {
                digest: OaepHash::Sha1
            },
            vec![]
        )
    );
    assert_eq!(
        t(r#"Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"/>"#)
            .unwrap()
            .0,
        KeyTransport::RsaOaep {
            digest: OaepHash::Sha1,
            mgf: OaepHash::Sha1
        }
    );
    assert_eq!(
        t(r#"Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"><xenc:OAEPparams> bGFi
        ZWw= </xenc:OAEPparams><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#sha384"/><xenc11:MGF Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha224"/></xenc:EncryptionMethod>"#)
        .unwrap(),
        (KeyTransport::RsaOaep { digest: OaepHash::Sha384, mgf: OaepHash::Sha224 }, b"label".to_vec())
    );
    assert_eq!(
        t(r#"Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-1_5"/>"#)
            .unwrap()
            .0,
        KeyTransport::Rsa15
    );
    let c = |xml: &str| content_cipher(&method(xml));
    assert_eq!(
        c(r#"Algorithm="http://www.w3.org/2009/xmlenc11#aes192-gcm"/>"#).unwrap(),
        ContentCipher::Aes192Gcm
    );
    assert_eq!(
        c(r#"Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"><xenc:KeySize>256</xenc:KeySize></xenc:EncryptionMethod>"#).unwrap(),
        ContentCipher::Aes256Cbc
    );
    for cipher in [
        ContentCipher::Aes128Gcm,
        ContentCipher::Aes192Gcm,
        ContentCipher::Aes256Gcm,
        ContentCipher::Aes128Cbc,
        ContentCipher::Aes192Cbc,
        ContentCipher::Aes256Cbc,
    ] {
        assert_eq!(ContentCipher::from_uri(cipher.uri()), Some(cipher));
    }
}

#[test]
fn encryption_methods_refuse_what_they_do_not_implement_by_name() {
    let unsupported = |r: Result<_, DecryptError>, uri: &str| match r {
        Err(DecryptError::Unsupported { algorithm }) => {
            assert!(algorithm.starts_with(uri), "{algorithm}")
        }
        other => panic!("{uri}: {other:?}"),
    };
    for uri in [
        "http://www.w3.org/2001/04/xmlenc#kw-aes128",
        "http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
        "http://www.w3.org/2009/xmlenc11#ECDH-ES",
        "urn:example:rot13",
    ] {
        let m = method(&format!("Algorithm=\"{uri}\"/>"));
        if uri.contains("kw-aes") || uri.contains("ECDH") {
            unsupported(key_transport(&m).map(|_| ()), uri);
        }
        unsupported(content_cipher(&m).map(|_| ()), uri);
    }
    let m = method(
        r#"Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#md5"/></xenc:EncryptionMethod>"#,
    );
    unsupported(
        key_transport(&m).map(|_| ()),
        "http://www.w3.org/2001/04/xmldsig-more#md5",
    );
    let m = method(
        r#"Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"><xenc11:MGF Algorithm="http://www.w3.org/2009/xmlenc11#mgf1md5"/></xenc:EncryptionMethod>"#,
    );
    unsupported(
        key_transport(&m).map(|_| ()),
        "http://www.w3.org/2009/xmlenc11#mgf1md5",
    );
}

#[test]
fn encryption_methods_refuse_malformed_parameters() {
    let malformed = |xml: &str, transport: bool| {
        let m = method(xml);
        let r = if transport {
            key_transport(&m).map(|_| ())
        } else {
            content_cipher(&m).map(|_| ())
        };
        assert!(
            matches!(r, Err(DecryptError::Malformed { .. })),
            "{xml}: {r:?}"
        );
    };
    const MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
    const OAEP11: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
    const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
    for (xml, transport) in [
        (r#"Algorithm=""/>"#.to_owned(), true),
        ("/>".to_owned(), false),
        // rsa-oaep-mgf1p fixes its MGF.
        (format!(r#"Algorithm="{MGF1P}"><xenc11:MGF Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"/></xenc:EncryptionMethod>"#), true),
        (format!(r#"Algorithm="{OAEP11}"><ds:DigestMethod Algorithm="{SHA256}"/><ds:DigestMethod Algorithm="{SHA256}"/></xenc:EncryptionMethod>"#), true),
        (format!(r#"Algorithm="{OAEP11}"><ds:DigestMethod Algorithm="{SHA256}"><ds:Transforms/></ds:DigestMethod></xenc:EncryptionMethod>"#), true),
        (format!(r#"Algorithm="{OAEP11}"><xenc:OAEPparams>not base64!</xenc:OAEPparams></xenc:EncryptionMethod>"#), true),
        (format!(r#"Algorithm="{OAEP11}"><xenc:OAEPparams><x/></xenc:OAEPparams></xenc:EncryptionMethod>"#), true),
        (format!(r#"Algorithm="{OAEP11}"><xenc:KeySize>2048</xenc:KeySize></xenc:EncryptionMethod>"#), true),
        (format!(r#"Algorithm="{OAEP11}"><ext xmlns="urn:x"/></xenc:EncryptionMethod>"#), true),
        (r#"Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-1_5"><xenc:OAEPparams>AA==</xenc:OAEPparams></xenc:EncryptionMethod>"#.to_owned(), true),
        // Roles swapped.
        (r#"Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>"#.to_owned(), true),
        (format!(r#"Algorithm="{MGF1P}"/>"#), false),
        // A KeySize that contradicts the cipher, or a parameter a cipher does not take.
        (r#"Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"><xenc:KeySize>256</xenc:KeySize></xenc:EncryptionMethod>"#.to_owned(), false),
        (r#"Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"><xenc:OAEPparams>AA==</xenc:OAEPparams></xenc:EncryptionMethod>"#.to_owned(), false),
    ] {
        malformed(&xml, transport);
    }
}

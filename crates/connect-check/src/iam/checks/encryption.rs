//! The IAM SAML provider's assertion encryption against the response the identity provider
//! sent: GetSAMLProvider's `AssertionEncryptionMode` (`Required` refuses a plaintext assertion)
//! and `PrivateKeyList` (the keys AWS decrypts an encrypted assertion with).
//!
//! IAM API Reference: GetSAMLProvider returns `AssertionEncryptionMode` (valid values `Required |
//! Allowed`) and `PrivateKeyList`, whose `SAMLPrivateKey` members hold `KeyId` ("the unique
//! identifier for the SAML private key", 22 to 64 of `[A-Z0-9]`) and `Timestamp` (when it was
//! uploaded); CreateSAMLProvider and UpdateSAMLProvider take the key itself (`AddPrivateKey`,
//! "a .pem file that uses AES-GCM or AES-CBC encryption algorithm to decrypt SAML assertions")
//! and remove one by its KeyId. No call returns a key or its public half, and the reference
//! does not say how a KeyId is made: it cannot be derived from a key the user gives, so which
//! uploaded key is the one that opened the assertion cannot be checked, and is reported as a
//! check that could not run. What can be compared is: is there a key at all, and does the
//! mode admit the assertion as it came.

use saml_core::{Check, Code, Finding};

use crate::iam::api::SamlProvider;
use crate::iam::input::Input;

/// The mode and keys of the provider `arn` against the assertion `input` describes.
pub(crate) fn check_encryption(
    input: &Input,
    arn: &str,
    provider: &SamlProvider,
    findings: &mut Vec<Finding>,
) {
    // The reference spells the values `Required` and `Allowed` and says nothing of case:
    // compared without regard to case, so the rule holds however IAM writes it.
    let mode = provider.assertion_encryption_mode.as_deref();
    let required = mode.is_some_and(|m| m.eq_ignore_ascii_case("Required"));
    let keys = &provider.private_keys;
    if required && input.plaintext_assertion {
        findings.push(
            Finding::new(
                Code::IamProviderRequiresEncryption,
                format!("{arn} has AssertionEncryptionMode Required, and the response's assertion is in plain text"),
            )
            .with("provider", arn)
            .with("assertion_encryption_mode", mode.unwrap_or_default()),
        );
    }
    if required && keys.is_empty() {
        findings.push(
            Finding::new(
                Code::IamProviderEncryptionKeyMissing,
                format!("{arn} has AssertionEncryptionMode Required and an empty PrivateKeyList"),
            )
            .with("provider", arn),
        );
        return;
    }
    if !input.assertion_encrypted {
        return;
    }
    if keys.is_empty() {
        findings.push(
            Finding::new(
                Code::IamProviderNoDecryptionKey,
                format!(
                    "the response's assertion is encrypted, and {arn} holds no private key (PrivateKeyList is empty; AssertionEncryptionMode {})",
                    mode.unwrap_or("not set")
                ),
            )
            .with("provider", arn),
        );
        return;
    }
    let held: Vec<String> = keys
        .iter()
        .map(|k| match &k.uploaded {
            Some(t) => format!("KeyId {} uploaded {t}", k.key_id),
            None => format!("KeyId {}", k.key_id),
        })
        .collect();
    let given = match &input.decrypted_with {
        Some(fp) => format!("the key that decrypted the assertion (public key SHA-256 {fp})"),
        None => "the key the identity provider encrypts to".to_owned(),
    };
    findings.push(
        Finding::skipped(
            Check::IamProviderDecryptionKey,
            format!(
                "{arn} holds {} private key{} ({}), and IAM returns only KeyIds, identifiers not derived from the key, so whether {given} is one of them cannot be read from the account; if AWS refuses the response while saml-doctor decrypts it with that key, the provider does not hold it: upload it (`aws iam update-saml-provider --add-private-key`) and remove the KeyId it replaces",
                keys.len(),
                if keys.len() == 1 { "" } else { "s" },
                held.join(", ")
            ),
        )
        .with("provider", arn),
    );
}

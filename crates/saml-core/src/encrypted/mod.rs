//! The EncryptedAssertions of a Response, opened for diagnosis: each one decrypted with the keys
//! given and put in the Response in its place, so that every rule (the signature inside it
//! included) reads it exactly as a plaintext assertion; or, where that cannot be done, the
//! finding that says why. Without a key, what can be read all the same is reported: the
//! algorithms, and the certificate the identity provider encrypted to.
//!
//! The decrypted assertion takes the EncryptedAssertion's place among the Response's children,
//! with the namespace declarations the EncryptedAssertion made (the plaintext was parsed in
//! their scope, as XML Encryption prescribes), so a canonicalization sees the namespaces it was
//! decrypted in. Its content is hostile input like any other: parsed within the document's
//! limits, the whole Response with its decrypted assertions within the element limit, and at
//! most four assertions decrypted per Response (`open::MAX_DECRYPTED`).

#[cfg(feature = "encryption")]
mod open;
mod opened;

#[cfg(feature = "encryption")]
pub(crate) use open::open;
pub(crate) use opened::Opened;

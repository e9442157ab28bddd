//! The identity providers' current metadata (`--metadata`, one file per IdP): their signing
//! certificates sorted into the *current* and the *next* one, and which IAM SAML provider each
//! file describes.
//!
//! **Current and next**, judged at an instant `as_of`, over the metadata's signing certificates
//! (KeyDescriptor `use="signing"` or without `use`, in the IDPSSODescriptor):
//! - the certificates *in service* are those that have not expired (`notAfter > as_of`);
//! - the **current** certificate is the one in service that has been valid the longest (the
//!   earliest `notBefore`; on a tie, the first in the document): identity providers publish a
//!   new certificate beside the one they sign with, and sign with the older one until they roll
//!   over (AD FS's secondary certificate, Entra ID's and Okta's new certificate awaiting
//!   activation). When none is in service, the current one is the one that expired last: the
//!   identity provider still signs with it;
//! - every other certificate in service is a **next** certificate (valid later than the current
//!   one, or not valid yet): the identity provider signs with it from its rollover on;
//! - expired certificates other than the current one are neither: nobody signs with them.
//!
//! An IAM SAML provider holding the current and every next certificate keeps working across
//! the rollover. The metadata alone cannot say whether the identity provider has already rolled
//! over; the findings say so where it matters.

use saml_core::cert::{CertError, Certificate};
use saml_core::metadata::{self, MetadataError};
use saml_core::Timestamp;

/// Why an identity provider's metadata file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdpError {
    /// Not SAML 2.0 identity-provider metadata.
    #[error("{source_name}: {error}")]
    Metadata {
        /// The file, as the user named it.
        source_name: String,
        /// Why.
        error: MetadataError,
    },
    /// A signing certificate that cannot be read: it cannot be compared, so the file is refused
    /// rather than half used.
    #[error("{source_name}: signing certificate {index} cannot be read: {error}")]
    Certificate {
        /// The file.
        source_name: String,
        /// Its position among the signing certificates, from 1.
        index: usize,
        /// Why.
        error: CertError,
    },
    /// No signing certificate at all.
    #[error("{source_name}: the metadata of {entity_id} has no signing certificate")]
    NoCertificate {
        /// The file.
        source_name: String,
        /// Its entityID.
        entity_id: String,
    },
    /// Two files describe the same entityID: which is current is unknown.
    #[error("{first} and {second} both describe {entity_id}: give one metadata file per identity provider")]
    DuplicateEntityId {
        /// The entityID.
        entity_id: String,
        /// The first file.
        first: String,
        /// The second file.
        second: String,
    },
}

/// One identity provider's current metadata.
#[derive(Debug, Clone)]
pub struct IdpMetadata {
    /// Where it came from (the file name), for findings.
    pub source_name: String,
    /// Its entityID: the Issuer of its responses.
    pub entity_id: String,
    /// Its signing certificates, in document order, without repeats.
    pub certificates: Vec<Certificate>,
}

/// The identity provider's certificates, sorted at an instant (see the module documentation).
#[derive(Debug, Clone)]
pub struct SigningPlan<'a> {
    /// The certificate it signs with now.
    pub current: &'a Certificate,
    /// The certificates it signs with from its rollover on.
    pub next: Vec<&'a Certificate>,
}

impl IdpMetadata {
    /// Reads metadata the identity provider publishes. `source_name` names it in errors and
    /// findings.
    pub fn parse(source_name: &str, xml: &str) -> Result<Self, IdpError> {
        let m = metadata::parse(xml).map_err(|error| IdpError::Metadata {
            source_name: source_name.to_owned(),
            error,
        })?;
        let mut certificates: Vec<Certificate> = Vec::new();
        for (i, b64) in m.signing_certificates.iter().enumerate() {
            let c = Certificate::from_base64(b64).map_err(|error| IdpError::Certificate {
                source_name: source_name.to_owned(),
                index: i + 1,
                error,
            })?;
            if !certificates.iter().any(|k| k.der() == c.der()) {
                certificates.push(c);
            }
        }
        if certificates.is_empty() {
            return Err(IdpError::NoCertificate {
                source_name: source_name.to_owned(),
                entity_id: m.entity_id,
            });
        }
        Ok(Self {
            source_name: source_name.to_owned(),
            entity_id: m.entity_id,
            certificates,
        })
    }

    /// The current and next certificates at `as_of`; `None` only for metadata without any
    /// certificate (which [`IdpMetadata::parse`] refuses).
    pub fn signing_plan(&self, as_of: Timestamp) -> Option<SigningPlan<'_>> {
        let in_service: Vec<&Certificate> = self
            .certificates
            .iter()
            .filter(|c| c.not_after > as_of)
            .collect();
        // `min_by_key` keeps the first of equals: document order breaks ties.
        let current = match in_service.iter().min_by_key(|c| c.not_before) {
            Some(c) => *c,
            // `max_by_key` keeps the last of equals: reversed, that is the first in the document.
            None => self.certificates.iter().rev().max_by_key(|c| c.not_after)?,
        };
        let next = in_service
            .into_iter()
            .filter(|c| c.der() != current.der())
            .collect();
        Some(SigningPlan { current, next })
    }
}

/// How an IAM SAML provider was matched to an identity provider's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// The same entityID.
    SameEntityId,
    /// Another entityID, but the same identity provider: it shares a signing certificate, or
    /// differs only in letter case or a trailing slash.
    EntityIdDiffers,
}

/// The identity providers given with `--metadata`.
#[derive(Debug, Clone, Default)]
pub struct IdpSet {
    idps: Vec<IdpMetadata>,
}

fn loose(entity_id: &str) -> String {
    entity_id.trim_end_matches('/').to_ascii_lowercase()
}

impl IdpSet {
    /// The set of `idps`; two files with one entityID are refused.
    pub fn new(idps: Vec<IdpMetadata>) -> Result<Self, IdpError> {
        for (i, a) in idps.iter().enumerate() {
            if let Some(b) = idps[i + 1..].iter().find(|b| b.entity_id == a.entity_id) {
                return Err(IdpError::DuplicateEntityId {
                    entity_id: a.entity_id.clone(),
                    first: a.source_name.clone(),
                    second: b.source_name.clone(),
                });
            }
        }
        Ok(Self { idps })
    }

    /// True when no metadata was given.
    pub fn is_empty(&self) -> bool {
        self.idps.is_empty()
    }

    /// The identity providers.
    pub fn iter(&self) -> impl Iterator<Item = &IdpMetadata> {
        self.idps.iter()
    }

    /// The identity provider an IAM SAML provider describes: by entityID; failing that, one
    /// sharing a signing certificate with it (`held`), then one whose entityID differs only in
    /// case or a trailing slash. `None`: the provider is another identity provider's.
    pub fn match_provider(
        &self,
        entity_id: &str,
        held: &[Certificate],
    ) -> Option<(&IdpMetadata, MatchKind)> {
        if let Some(idp) = self.idps.iter().find(|i| i.entity_id == entity_id) {
            return Some((idp, MatchKind::SameEntityId));
        }
        let shares = |i: &&IdpMetadata| {
            i.certificates
                .iter()
                .any(|c| held.iter().any(|h| h.der() == c.der()))
        };
        self.idps
            .iter()
            .find(shares)
            .or_else(|| {
                let wanted = loose(entity_id);
                self.idps.iter().find(|i| loose(&i.entity_id) == wanted)
            })
            .map(|i| (i, MatchKind::EntityIdDiffers))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const AT: &str = "2026-06-01T00:00:00Z";

    pub(crate) fn at() -> Timestamp {
        Timestamp::parse(AT).unwrap()
    }

    /// A fixture of tests/fixtures/audit (written by scripts/make-audit-fixtures.py).
    pub(crate) fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../../tests/fixtures/audit/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    pub(crate) fn idp(name: &str) -> IdpMetadata {
        IdpMetadata::parse(name, &fixture(name)).unwrap()
    }

    fn cn(c: &Certificate) -> String {
        c.subject.clone()
    }

    #[test]
    fn current_is_the_longest_valid_and_next_the_newer() {
        let rollover = idp("idp-rollover.xml");
        let plan = rollover.signing_plan(at()).unwrap();
        assert_eq!(cn(plan.current), "CN=Contoso IdP signing (2025)");
        assert_eq!(
            plan.next.iter().map(|c| cn(c)).collect::<Vec<_>>(),
            ["CN=Contoso IdP signing (2026)"]
        );
        // Before the next certificate is valid it is still the next one.
        let early = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        let plan = rollover.signing_plan(early).unwrap();
        assert_eq!(cn(plan.current), "CN=Contoso IdP signing (2025)");
        assert_eq!(plan.next.len(), 1);
        // Once the current one has expired, the next one is current.
        let later = Timestamp::parse("2028-06-01T00:00:00Z").unwrap();
        let plan = rollover.signing_plan(later).unwrap();
        assert_eq!(cn(plan.current), "CN=Contoso IdP signing (2026)");
        assert!(plan.next.is_empty());
        // When every certificate has expired, the last to expire is still the one in use.
        let after_all = Timestamp::parse("2030-01-01T00:00:00Z").unwrap();
        assert_eq!(
            cn(rollover.signing_plan(after_all).unwrap().current),
            "CN=Contoso IdP signing (2026)"
        );
        let current = idp("idp-current.xml");
        let single = current.signing_plan(at()).unwrap();
        assert_eq!(cn(single.current), "CN=Contoso IdP signing (2025)");
        assert!(single.next.is_empty());
    }

    #[test]
    fn providers_are_matched_by_entity_id_then_certificate() {
        let set = IdpSet::new(vec![idp("idp-rollover.xml")]).unwrap();
        let held = |name: &str| idp(name).certificates;
        let (m, kind) = set
            .match_provider(
                "https://sts.windows.net/0a1b2c3d-1111-2222-3333-444455556666/",
                &held("provider-old.xml"),
            )
            .unwrap();
        assert_eq!(
            (m.source_name.as_str(), kind),
            ("idp-rollover.xml", MatchKind::SameEntityId)
        );
        let other = set
            .match_provider(
                "https://sts.windows.net/99999999-aaaa-bbbb-cccc-ddddeeeeffff/",
                &held("provider-other-entity.xml"),
            )
            .unwrap();
        assert_eq!(other.1, MatchKind::EntityIdDiffers);
        let slash = set
            .match_provider(
                "HTTPS://sts.windows.net/0a1b2c3d-1111-2222-3333-444455556666",
                &[],
            )
            .unwrap();
        assert_eq!(slash.1, MatchKind::EntityIdDiffers);
        assert!(set
            .match_provider(
                "http://www.okta.com/exk1stranger",
                &held("provider-okta.xml")
            )
            .is_none());
    }

    #[test]
    fn refuses_unusable_metadata() {
        let dup = IdpSet::new(vec![idp("idp-current.xml"), idp("idp-rollover.xml")]);
        assert!(matches!(dup, Err(IdpError::DuplicateEntityId { .. })));
        let no_cert = r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e"><IDPSSODescriptor/></EntityDescriptor>"#;
        assert!(matches!(
            IdpMetadata::parse("x.xml", no_cert),
            Err(IdpError::NoCertificate { .. })
        ));
        let bad_cert = r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e"><IDPSSODescriptor><KeyDescriptor><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>AAAA</X509Certificate></X509Data></KeyInfo></KeyDescriptor></IDPSSODescriptor></EntityDescriptor>"#;
        let err = IdpMetadata::parse("x.xml", bad_cert).unwrap_err();
        assert!(
            err.to_string().starts_with("x.xml: signing certificate 1"),
            "{err}"
        );
        assert!(matches!(
            IdpMetadata::parse("x.xml", "<html/>"),
            Err(IdpError::Metadata { .. })
        ));
    }
}

//! SAML 2.0 identity-provider metadata (Azure AD's Federation Metadata XML, Okta's, ADFS's):
//! the entityID, the IDPSSODescriptor's signing certificates and `validUntil`. Extensions it
//! does not need (WS-Federation RoleDescriptors, the metadata's own signature) are ignored.

use serde::Serialize;

use crate::time::Timestamp;
use crate::xml::{self, Element, XmlError};

/// The namespace of SAML 2.0 metadata.
pub const NS_METADATA: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

/// An identity provider as its metadata describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metadata {
    /// The identity provider's entityID: the Issuer its responses must carry.
    pub entity_id: String,
    /// The metadata's validUntil, when it has one.
    pub valid_until: Option<Timestamp>,
    /// Base64 DER of each signing certificate (KeyDescriptor use="signing" or without use), in
    /// document order, white space removed.
    pub signing_certificates: Vec<String>,
}

/// Why metadata could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// It is not well-formed XML.
    #[error("the metadata is not XML: {0}")]
    Xml(#[from] XmlError),
    /// It is XML, but not an identity provider's SAML 2.0 metadata.
    #[error("the metadata is not SAML 2.0 metadata: {0}")]
    NotMetadata(String),
}

/// Parses identity-provider metadata. A UTF-8 byte-order mark is accepted here, though AWS's
/// IAM refuses metadata that has one.
pub fn parse(xml: &str) -> Result<Metadata, MetadataError> {
    let root = xml::parse(xml.trim_start_matches('\u{feff}'), xml::Limits::default())?;
    let (entity, outer_valid_until) = if root.is(NS_METADATA, "EntityDescriptor") {
        (&root, None)
    } else if root.is(NS_METADATA, "EntitiesDescriptor") {
        let entity = root
            .descendants()
            .into_iter()
            .find(|e| {
                e.is(NS_METADATA, "EntityDescriptor")
                    && e.child(NS_METADATA, "IDPSSODescriptor").is_some()
            })
            .ok_or_else(|| {
                MetadataError::NotMetadata(
                    "the EntitiesDescriptor holds no identity provider".into(),
                )
            })?;
        (entity, root.attr("validUntil"))
    } else {
        return Err(MetadataError::NotMetadata(format!(
            "the root element is <{}>, not md:EntityDescriptor",
            root.name
        )));
    };
    let entity_id = entity
        .attr("entityID")
        .ok_or_else(|| MetadataError::NotMetadata("the EntityDescriptor has no entityID".into()))?
        .to_owned();
    let idp = entity
        .child(NS_METADATA, "IDPSSODescriptor")
        .ok_or_else(|| {
            MetadataError::NotMetadata(format!(
                "{entity_id} has no IDPSSODescriptor: it is not an identity provider"
            ))
        })?;
    let signing_certificates = idp
        .children_named(NS_METADATA, "KeyDescriptor")
        .filter(|k| matches!(k.attr("use"), None | Some("signing")))
        .flat_map(certificates_in)
        .collect();
    let valid_until = entity
        .attr("validUntil")
        .or(outer_valid_until)
        .map(|v| {
            Timestamp::parse(v).map_err(|e| MetadataError::NotMetadata(format!("validUntil: {e}")))
        })
        .transpose()?;
    Ok(Metadata {
        entity_id,
        valid_until,
        signing_certificates,
    })
}

fn certificates_in(key_descriptor: &Element) -> Vec<String> {
    key_descriptor
        .child(NS_DSIG, "KeyInfo")
        .into_iter()
        .flat_map(|k| k.children_named(NS_DSIG, "X509Data"))
        .flat_map(|d| d.children_named(NS_DSIG, "X509Certificate"))
        .map(|c| c.text().chars().filter(|c| !c.is_whitespace()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AZURE: &str = r#"<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_x" entityID="https://sts.windows.net/t/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><RoleDescriptor xsi:type="fed:SecurityTokenServiceType" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>ROLE</X509Certificate></X509Data></KeyInfo></KeyDescriptor></RoleDescriptor><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>
 AAAA
 BBBB</X509Certificate></X509Data></KeyInfo></KeyDescriptor><KeyDescriptor use="encryption"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>ENC</X509Certificate></X509Data></KeyInfo></KeyDescriptor><KeyDescriptor><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>CCCC</X509Certificate></X509Data></KeyInfo></KeyDescriptor></IDPSSODescriptor></EntityDescriptor>"#;

    #[test]
    fn reads_azure_federation_metadata() {
        let m = parse(AZURE).unwrap();
        assert_eq!(m.entity_id, "https://sts.windows.net/t/");
        assert_eq!(
            m.signing_certificates,
            ["AAAABBBB", "CCCC"],
            "IDP signing keys only, not RoleDescriptor or encryption keys"
        );
        assert_eq!(m.valid_until, None);
    }

    #[test]
    fn reads_entities_descriptor_and_valid_until() {
        let xml = r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2030-01-01T00:00:00Z"><md:EntityDescriptor entityID="sp"><md:SPSSODescriptor/></md:EntityDescriptor><md:EntityDescriptor entityID="http://www.okta.com/exk1"><md:IDPSSODescriptor/></md:EntityDescriptor></md:EntitiesDescriptor>"#;
        let m = parse(xml).unwrap();
        assert_eq!(m.entity_id, "http://www.okta.com/exk1");
        assert_eq!(m.valid_until.unwrap().to_string(), "2030-01-01T00:00:00Z");
    }

    #[test]
    fn refuses_what_is_not_idp_metadata() {
        assert!(parse("<html/>").is_err());
        assert!(parse(r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="sp"><SPSSODescriptor/></EntityDescriptor>"#).is_err());
        assert!(parse("<!DOCTYPE x><x/>").is_err());
    }
}

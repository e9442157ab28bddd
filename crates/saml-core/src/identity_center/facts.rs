//! Which responses sign in to IAM Identity Center, and what they say about their target: the
//! instance's Region and identity store, the ACS posted to and the user name.

use serde::Serialize;

use super::urls::{names_identity_center, Acs, IssuerUrl};
use crate::model::Response;

/// What the response says about its Identity Center target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IdentityCenterFacts {
    /// The instance's home Region and identity store, from the Audience.
    pub region: Option<String>,
    /// The identity store id in the Audience.
    pub identity_store_id: Option<String>,
    /// The ACS the response is addressed to (Destination, else Recipient).
    pub acs: Option<Acs>,
    /// The NameID: the user name Identity Center looks up.
    pub user_name: Option<String>,
}

/// The Identity Center facts of a response addressed to Identity Center, or `None` for any
/// other (IAM federation) response.
pub fn detect(response: &Response) -> Option<IdentityCenterFacts> {
    let audiences = || {
        response
            .assertions
            .iter()
            .filter_map(|a| a.conditions.as_ref())
            .flat_map(|c| c.audiences.iter())
    };
    let recipients = || {
        response
            .assertions
            .iter()
            .filter_map(|a| a.subject.as_ref())
            .flat_map(|s| s.confirmations.iter())
            .filter_map(|c| c.recipient.as_deref())
    };
    let targeted = audiences().any(|a| names_identity_center(a))
        || response
            .destination
            .as_deref()
            .is_some_and(names_identity_center)
        || recipients().any(names_identity_center);
    if !targeted {
        return None;
    }
    let issuer = audiences().find_map(|a| IssuerUrl::parse(a).ok());
    Some(IdentityCenterFacts {
        region: issuer.as_ref().map(|i| i.region.clone()),
        identity_store_id: issuer.map(|i| i.identity_store_id),
        acs: response
            .destination
            .as_deref()
            .and_then(|d| Acs::parse(d).ok())
            .or_else(|| recipients().find_map(|r| Acs::parse(r).ok())),
        user_name: response
            .assertions
            .first()
            .and_then(|a| a.subject.as_ref()?.name_id.as_ref())
            .map(|n| n.value.clone()),
    })
}

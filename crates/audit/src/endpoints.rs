//! The AWS SAML sign-in endpoints of each partition: the values STS gives the `SAML:aud` context
//! key (the URL the response was posted to, its Recipient), to evaluate trust policies with.
//!
//! Which endpoints exist is saml-core's [`is_aws_signin_endpoint`]; this module lists them
//! for a partition, so a condition written with wildcards (`https://*.signin.aws.amazon.com/saml`)
//! is evaluated on real values rather than on its own text. A region missing from the list only
//! matters for such a wildcard condition: literal endpoints of the policy are evaluated as they
//! are written.

use saml_core::aws::endpoints::is_aws_signin_endpoint;
use saml_core::aws::{Partition, Region};

/// Every SAML sign-in endpoint of `partition`: the global `/saml` and `/static/saml`, each
/// region's `/saml`, and, for a provider with a SAMLProviderUUID (`provider_id`), each region's
/// ACS URL `/saml/acs/<id>`, where encrypted assertions are posted.
pub fn signin_endpoints(partition: Partition, provider_id: Option<&str>) -> Vec<String> {
    let host = partition.signin_host();
    let mut out = vec![
        format!("https://{host}/saml"),
        format!("https://{host}/static/saml"),
    ];
    for region in partition.regions() {
        out.push(format!("https://{region}.{host}/saml"));
    }
    if let Some(id) = provider_id.filter(|id| !id.is_empty()) {
        for region in partition.regions() {
            out.push(format!("https://{region}.{host}/saml/acs/{id}"));
        }
    }
    out
}

/// The partition of an AWS SAML sign-in endpoint; `None` when `url` is none.
pub fn endpoint_partition(url: &str) -> Option<Partition> {
    if !is_aws_signin_endpoint(url) {
        return None;
    }
    let host = url
        .strip_prefix("https://")?
        .split('/')
        .next()?
        .to_ascii_lowercase();
    [Partition::Aws, Partition::AwsUsGov, Partition::AwsCn]
        .into_iter()
        .find(|p| {
            let base = p.signin_host();
            host == base
                || host
                    .strip_suffix(base)
                    .and_then(|h| h.strip_suffix('.'))
                    .is_some_and(|r| Region::parse(r).is_ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_endpoint_is_an_endpoint_of_its_partition() {
        for p in [Partition::Aws, Partition::AwsUsGov, Partition::AwsCn] {
            let all = signin_endpoints(p, Some("SAMLSP4SHN3UIS2D558H46"));
            assert_eq!(all.len(), 2 + 2 * p.regions().len());
            for url in &all {
                assert_eq!(endpoint_partition(url), Some(p), "{url}");
            }
            for r in p.regions() {
                assert_eq!(
                    Partition::of_region(&Region::parse(r).unwrap()),
                    p,
                    "{r} is listed under {p}"
                );
            }
        }
        assert!(signin_endpoints(Partition::Aws, None)
            .contains(&"https://eu-west-2.signin.aws.amazon.com/saml".to_owned()));
        assert_eq!(
            endpoint_partition("https://signin.amazonaws-us-gov.com/saml"),
            Some(Partition::AwsUsGov)
        );
        for not in [
            "https://signin.aws.amazon.com/saml/",
            "https://signin.aws.amazon.com",
            "urn:amazon:webservices",
            "https://evil.example/saml",
        ] {
            assert_eq!(endpoint_partition(not), None, "{not}");
        }
    }
}

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

/// Commercial regions (`aws` partition) with a regional sign-in endpoint.
const AWS_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];
const GOV_REGIONS: &[&str] = &["us-gov-west-1", "us-gov-east-1"];
const CN_REGIONS: &[&str] = &["cn-north-1", "cn-northwest-1"];

/// The regions of `partition` this module knows.
pub fn regions(partition: Partition) -> &'static [&'static str] {
    match partition {
        Partition::Aws => AWS_REGIONS,
        Partition::AwsUsGov => GOV_REGIONS,
        Partition::AwsCn => CN_REGIONS,
    }
}

/// Every SAML sign-in endpoint of `partition`: the global `/saml` and `/static/saml`, each
/// region's `/saml`, and, for a provider with a SAMLProviderUUID (`provider_id`), each region's
/// ACS URL `/saml/acs/<id>`, where encrypted assertions are posted.
pub fn signin_endpoints(partition: Partition, provider_id: Option<&str>) -> Vec<String> {
    let host = partition.signin_host();
    let mut out = vec![
        format!("https://{host}/saml"),
        format!("https://{host}/static/saml"),
    ];
    for region in regions(partition) {
        out.push(format!("https://{region}.{host}/saml"));
    }
    if let Some(id) = provider_id.filter(|id| !id.is_empty()) {
        for region in regions(partition) {
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
            assert_eq!(all.len(), 2 + 2 * regions(p).len());
            for url in &all {
                assert_eq!(endpoint_partition(url), Some(p), "{url}");
            }
            for r in regions(p) {
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

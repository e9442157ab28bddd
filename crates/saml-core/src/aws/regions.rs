//! The Regions of each AWS partition, for what has to list them: the regional SAML sign-in
//! endpoints a wildcard `SAML:aud` condition is evaluated on, and the `region` partition
//! projection of an Athena table over CloudTrail.
//!
//! A list kept by hand (no SDK here): a Region AWS opens later is missing until it is added.
//! Where that matters the callers say so: a literal endpoint is judged by its grammar
//! ([`super::endpoints::is_aws_signin_endpoint`]), not by this list.

use super::Partition;

/// The commercial partition's Regions (`aws`), in alphabetical order.
const AWS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];
/// AWS GovCloud (US).
const AWS_US_GOV: &[&str] = &["us-gov-east-1", "us-gov-west-1"];
/// China (Beijing and Ningxia).
const AWS_CN: &[&str] = &["cn-north-1", "cn-northwest-1"];

impl Partition {
    /// The partition's Regions, in alphabetical order.
    pub fn regions(self) -> &'static [&'static str] {
        match self {
            Self::Aws => AWS,
            Self::AwsUsGov => AWS_US_GOV,
            Self::AwsCn => AWS_CN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::Region;

    #[test]
    fn every_listed_region_parses_and_belongs_to_its_partition() {
        for partition in [Partition::Aws, Partition::AwsUsGov, Partition::AwsCn] {
            let list = partition.regions();
            assert!(
                list.windows(2).all(|w| w[0] < w[1]),
                "{partition}: sorted, no duplicate"
            );
            for name in list {
                let region = Region::parse(name).expect(name);
                assert_eq!(Partition::of_region(&region), partition, "{name}");
            }
        }
    }
}

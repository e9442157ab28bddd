//! IAM Identity Center's URL grammar: its Assertion Consumer Service URLs (on every host alias),
//! its issuer URL (the Audience an identity provider sends) and identity store ids.

use serde::Serialize;

use crate::aws::arn::Region;
use crate::aws::endpoints::is_aws_signin_endpoint;

/// Which host an ACS URL uses: all three reach the same ACS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AcsHost {
    /// `<region>.signin.aws`
    SigninAws,
    /// `<region>.sso.signin.aws` (dual-stack, IPv4 and IPv6)
    DualStack,
    /// `<region>.signin.aws.amazon.com` (instances created before the `signin.aws` domain)
    Legacy,
    /// `<region>.signin.amazonaws-us-gov.com` or `<region>.signin.amazonaws.cn`: the other
    /// partitions' sign-in hosts. AWS's pages show only the commercial hosts; accepting these
    /// keeps a GovCloud or China instance from being reported as malformed.
    OtherPartition,
}

/// An IAM Identity Center Assertion Consumer Service URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acs {
    /// The Region in the host.
    pub region: String,
    /// The ACS id, in lower case.
    pub id: String,
    /// Which host alias the URL uses.
    pub host: AcsHost,
}

impl Acs {
    /// Parses an ACS URL, saying which part is wrong.
    pub fn parse(url: &str) -> Result<Acs, String> {
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| "it does not start with https://".to_owned())?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = host.to_ascii_lowercase();
        let (region, kind) = if let Some(r) = host.strip_suffix(".sso.signin.aws") {
            (r, AcsHost::DualStack)
        } else if let Some(r) = host.strip_suffix(".signin.aws") {
            (r, AcsHost::SigninAws)
        } else if let Some(r) = host.strip_suffix(".signin.aws.amazon.com") {
            (r, AcsHost::Legacy)
        } else if let Some(r) = OTHER_PARTITION_HOSTS
            .iter()
            .find_map(|h| host.strip_suffix(h))
        {
            (r, AcsHost::OtherPartition)
        } else {
            return Err(format!("the host `{host}` is not <region>.signin.aws, <region>.sso.signin.aws or <region>.signin.aws.amazon.com"));
        };
        Region::parse(region).map_err(|e| format!("the host's Region: {e}"))?;
        let id = path
            .strip_prefix("/platform/saml/acs/")
            .ok_or_else(|| format!("the path `{path}` is not /platform/saml/acs/<id>"))?;
        // The id is hex with dashes, but not a UUID's grouping: accept any such run.
        if id.is_empty()
            || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            || !id.bytes().any(|b| b.is_ascii_hexdigit())
        {
            return Err(format!(
                "the ACS id `{id}` is not the hexadecimal id (with dashes) the console shows"
            ));
        }
        Ok(Acs {
            region: region.to_owned(),
            id: id.to_ascii_lowercase(),
            host: kind,
        })
    }

    /// Same ACS (Region and id): the host aliases reach the same endpoint. AWS does not say
    /// whether a Destination on one alias is accepted when posted to another; comparing Region
    /// and id only never reports a difference AWS might not make.
    pub fn same_endpoint(&self, other: &Acs) -> bool {
        self.region == other.region && self.id == other.id
    }
}

/// The sign-in hosts of the GovCloud and China partitions, after `<region>`.
const OTHER_PARTITION_HOSTS: [&str; 2] = [".signin.amazonaws-us-gov.com", ".signin.amazonaws.cn"];

/// IAM Identity Center's issuer URL, the Audience an IdP must send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuerUrl {
    /// The instance's home Region.
    pub region: String,
    /// The identity store id (`d-` and ten hexadecimal characters, or a UUID).
    pub identity_store_id: String,
}

impl IssuerUrl {
    /// Parses an issuer URL, saying which part is wrong.
    pub fn parse(url: &str) -> Result<IssuerUrl, String> {
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| "it does not start with https://".to_owned())?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = host.to_ascii_lowercase();
        let region = host
            .strip_suffix(".signin.aws.amazon.com")
            .or_else(|| {
                OTHER_PARTITION_HOSTS
                    .iter()
                    .find_map(|h| host.strip_suffix(h))
            })
            .ok_or_else(|| format!("the host `{host}` is not <region>.signin.aws.amazon.com"))?;
        Region::parse(region).map_err(|e| format!("the host's Region: {e}"))?;
        let id = path.strip_prefix("/platform/saml/").ok_or_else(|| {
            format!("the path `{path}` is not /platform/saml/<identity-store-id>")
        })?;
        if !is_identity_store_id(id) {
            return Err(format!(
                "`{id}` is not an identity store id (d- and ten hexadecimal characters)"
            ));
        }
        Ok(IssuerUrl {
            region: region.to_owned(),
            identity_store_id: id.to_owned(),
        })
    }
}

/// `d-[0-9a-f]{10}` or a UUID (the API's IdentityStoreId pattern).
pub fn is_identity_store_id(id: &str) -> bool {
    let hex = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if let Some(rest) = id.strip_prefix("d-") {
        return rest.len() == 10 && hex(rest);
    }
    let lens: Vec<usize> = id.split('-').map(str::len).collect();
    lens == [8, 4, 4, 4, 12] && id.split('-').all(hex)
}

/// True for a URL shaped like an Identity Center endpoint (ACS or issuer URL), even a broken one:
/// what makes a response an Identity Center one.
pub(crate) fn names_identity_center(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") && lower.contains("/platform/saml/") || Acs::parse(url).is_ok()
}

/// True for an IAM Identity Center ACS URL.
pub fn is_identity_center_acs(url: &str) -> bool {
    Acs::parse(url).is_ok()
}

/// True for any endpoint AWS takes a SAML response at: IAM federation's or Identity Center's.
pub fn is_aws_saml_endpoint(url: &str) -> bool {
    is_aws_signin_endpoint(url) || is_identity_center_acs(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acs_urls_of_every_host() {
        for (url, host) in [
            (
                "https://us-east-1.signin.aws/platform/saml/acs/3f9a1c2e-77b0-4d1a-9e5c",
                AcsHost::SigninAws,
            ),
            (
                "https://eu-west-1.sso.signin.aws/platform/saml/acs/ab12-cd34",
                AcsHost::DualStack,
            ),
            (
                "https://ap-southeast-2.signin.aws.amazon.com/platform/saml/acs/0a1b2c3d",
                AcsHost::Legacy,
            ),
        ] {
            let acs = Acs::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(acs.host, host);
            assert!(is_aws_saml_endpoint(url));
        }
        for bad in [
            "https://signin.aws.amazon.com/saml",
            "http://us-east-1.signin.aws/platform/saml/acs/ab12",
            "https://us-east-1.signin.aws/platform/saml/acs/",
            "https://us-east-1.signin.aws/platform/saml/acs/zz-top",
            "https://useast1.signin.aws/platform/saml/acs/ab12",
            "https://us-east-1.signin.aws/platform/saml/d-1234567890",
            "https://us-east-1.evil.example/platform/saml/acs/ab12",
        ] {
            assert!(Acs::parse(bad).is_err(), "{bad}");
        }
        assert!(!is_identity_center_acs(
            "https://signin.aws.amazon.com/saml"
        ));
        // The other partitions' sign-in hosts.
        let gov = Acs::parse(
            "https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/acs/ab12-cd34",
        )
        .unwrap();
        assert_eq!(
            (gov.region.as_str(), gov.host),
            ("us-gov-west-1", AcsHost::OtherPartition)
        );
        assert!(
            Acs::parse("https://cn-north-1.signin.amazonaws.cn/platform/saml/acs/ab12").is_ok()
        );
        assert!(IssuerUrl::parse(
            "https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/d-9067a1b2c3"
        )
        .is_ok());
    }

    #[test]
    fn issuer_urls_and_identity_store_ids() {
        let i =
            IssuerUrl::parse("https://us-east-1.signin.aws.amazon.com/platform/saml/d-9067a1b2c3")
                .unwrap();
        assert_eq!(i.region, "us-east-1");
        assert_eq!(i.identity_store_id, "d-9067a1b2c3");
        assert!(
            IssuerUrl::parse("https://us-east-1.signin.aws.amazon.com/platform/saml/d-12345")
                .is_err()
        );
        assert!(IssuerUrl::parse("https://signin.aws.amazon.com/saml").is_err());
        assert!(
            IssuerUrl::parse("https://us-east-1.signin.aws/platform/saml/d-9067a1b2c3").is_err()
        );
        assert!(is_identity_store_id("d-0123456789"));
        assert!(!is_identity_store_id("d-012345678G"));
        assert!(is_identity_store_id("0a1b2c3d-0000-1111-2222-333344445555"));
    }
}

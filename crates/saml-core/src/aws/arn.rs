//! Partitions, account ids, Regions and IAM ARNs: the parts of the Role attribute's value
//! (`role-ARN,provider-ARN`), each checked part by part.

use std::fmt;

use serde::{Serialize, Serializer};

use super::newtype::string_newtype;

/// An AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Partition {
    /// The commercial partition.
    #[serde(rename = "aws")]
    Aws,
    /// China (Beijing and Ningxia).
    #[serde(rename = "aws-cn")]
    AwsCn,
    /// AWS GovCloud (US).
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
}

impl Partition {
    /// Reads a partition name (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "aws" => Some(Self::Aws),
            "aws-cn" => Some(Self::AwsCn),
            "aws-us-gov" => Some(Self::AwsUsGov),
            _ => None,
        }
    }

    /// The partition name as ARNs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::AwsCn => "aws-cn",
            Self::AwsUsGov => "aws-us-gov",
        }
    }

    /// The partition a region belongs to.
    pub fn of_region(region: &Region) -> Self {
        if region.0.starts_with("cn-") {
            Self::AwsCn
        } else if region.0.starts_with("us-gov-") {
            Self::AwsUsGov
        } else {
            Self::Aws
        }
    }

    /// The SAML sign-in host of the partition.
    pub fn signin_host(self) -> &'static str {
        match self {
            Self::Aws => "signin.aws.amazon.com",
            Self::AwsCn => "signin.amazonaws.cn",
            Self::AwsUsGov => "signin.amazonaws-us-gov.com",
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

string_newtype!(
    /// A 12-digit AWS account id.
    AccountId
);
string_newtype!(
    /// An AWS region name such as `eu-west-2` or `us-gov-west-1`.
    Region
);

impl AccountId {
    /// Parses a 12-digit account id.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!("the account id `{s}` is not 12 digits"))
        }
    }
}

impl Region {
    /// Parses a Region name (`us-east-1`, `us-gov-west-1`, `cn-north-1`), saying why one is not.
    pub fn parse(s: &str) -> Result<Self, String> {
        // <area>[-gov|-iso…]-<direction>-<n>: us-east-1, ap-southeast-2, us-gov-west-1, cn-north-1.
        let parts: Vec<&str> = s.split('-').collect();
        let ok = parts.len() >= 3
            && parts[0].len() == 2
            && parts
                .iter()
                .take(parts.len() - 1)
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
            && !parts[parts.len() - 1].is_empty();
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!("`{s}` is not an AWS region name like us-east-1"))
        }
    }
}

/// The parts every ARN has: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ArnParts<'a> {
    pub(super) partition: &'a str,
    pub(super) service: &'a str,
    pub(super) region: &'a str,
    pub(super) account: &'a str,
    pub(super) resource: &'a str,
}

pub(super) fn split_arn(s: &str) -> Result<ArnParts<'_>, String> {
    let mut parts = s.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(format!(
            "`{s}` is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)"
        ));
    };
    Ok(ArnParts {
        partition,
        service,
        region,
        account,
        resource,
    })
}

/// An IAM ARN of one resource type (role or saml-provider), checked part by part.
fn iam_arn<'a>(s: &'a str, resource_type: &str) -> Result<(Partition, AccountId, &'a str), String> {
    let p = split_arn(s)?;
    let partition = Partition::parse(p.partition).ok_or_else(|| {
        format!(
            "`{s}` has the partition `{}`; expected aws, aws-cn or aws-us-gov",
            p.partition
        )
    })?;
    if p.service != "iam" {
        return Err(format!(
            "`{s}` is an ARN of the service `{}`, not iam",
            p.service
        ));
    }
    if !p.region.is_empty() {
        return Err(format!(
            "`{s}` has the region `{}`; IAM ARNs have none (arn:{}:iam::<account>:…)",
            p.region, p.partition
        ));
    }
    let account = AccountId::parse(p.account).map_err(|e| format!("`{s}`: {e}"))?;
    let name = p
        .resource
        .strip_prefix(resource_type)
        .and_then(|r| r.strip_prefix('/'))
        .ok_or_else(|| {
            format!(
                "`{s}` is not a {resource_type} ARN (its resource is `{}`)",
                p.resource
            )
        })?;
    Ok((partition, account, name))
}

fn name_chars_ok(name: &str, extra: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
}

/// `arn:aws:iam::<account>:role/[path/]<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleArn {
    arn: String,
    /// The partition the role is in.
    pub partition: Partition,
    /// The account the role is in.
    pub account: AccountId,
    /// The role name, without its path.
    pub name: String,
}

impl RoleArn {
    /// Parses a role ARN, saying which part is wrong.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (partition, account, path_and_name) = iam_arn(s, "role")?;
        let name = path_and_name.rsplit('/').next().unwrap_or_default();
        if !name_chars_ok(name, "+=,.@_-")
            || name.len() > 64
            || !name_chars_ok(&path_and_name.replace('/', ""), "+=,.@_-")
        {
            return Err(format!(
                "`{s}`: the role name `{name}` is not 1-64 of letters, digits and +=,.@_-"
            ));
        }
        Ok(Self {
            arn: s.to_owned(),
            partition,
            account,
            name: name.to_owned(),
        })
    }

    /// The ARN as written.
    pub fn as_str(&self) -> &str {
        &self.arn
    }
}

/// `arn:aws:iam::<account>:saml-provider/<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SamlProviderArn {
    arn: String,
    /// The partition the provider is in.
    pub partition: Partition,
    /// The account the provider is in.
    pub account: AccountId,
    /// The provider name.
    pub name: String,
}

impl SamlProviderArn {
    /// Parses a saml-provider ARN, saying which part is wrong.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (partition, account, name) = iam_arn(s, "saml-provider")?;
        if !name_chars_ok(name, "._-") || name.len() > 128 {
            return Err(format!(
                "`{s}`: the provider name `{name}` is not 1-128 of letters, digits and ._-"
            ));
        }
        Ok(Self {
            arn: s.to_owned(),
            partition,
            account,
            name: name.to_owned(),
        })
    }

    /// The ARN as written.
    pub fn as_str(&self) -> &str {
        &self.arn
    }
}

macro_rules! display_serialize_as_str {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    )*};
}
display_serialize_as_str!(RoleArn, SamlProviderArn);

/// One value of the Role attribute: a role and the SAML provider it trusts, in either order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RolePair {
    /// The role to assume.
    pub role: RoleArn,
    /// The SAML provider the role trusts.
    pub provider: SamlProviderArn,
    /// True when the value named the provider first (AWS accepts both orders).
    pub provider_first: bool,
}

impl RolePair {
    /// Parses `role-ARN,provider-ARN` (or the reverse), naming the part that is wrong.
    pub fn parse(value: &str) -> Result<Self, String> {
        if value.trim().is_empty() {
            return Err("the value is empty".into());
        }
        if let Some(pos) = value.find(char::is_whitespace) {
            return Err(format!(
                "the value has white space at character {} (`{}`); AWS needs `role-ARN,provider-ARN` with nothing between",
                pos + 1,
                value.escape_debug()
            ));
        }
        let parts: Vec<&str> = value.split(',').collect();
        if parts.len() != 2 {
            return Err(format!(
                "the value has {} comma-separated parts; it needs exactly two, a role ARN and a saml-provider ARN",
                parts.len()
            ));
        }
        let kind = |s: &str| match split_arn(s) {
            Ok(p) if p.resource.starts_with("saml-provider/") => "provider",
            Ok(p) if p.resource.starts_with("role/") => "role",
            _ => "other",
        };
        let (role, provider, provider_first) = match (kind(parts[0]), kind(parts[1])) {
            ("role", "provider") | ("role", "other") | ("other", "provider") => {
                (parts[0], parts[1], false)
            }
            ("provider", "role") | ("provider", "other") | ("other", "role") => {
                (parts[1], parts[0], true)
            }
            ("role", "role") => {
                return Err("both parts are role ARNs; one must be the saml-provider ARN".into())
            }
            ("provider", "provider") => {
                return Err("both parts are saml-provider ARNs; one must be the role ARN".into())
            }
            _ => {
                return Err(format!(
                    "neither part is a role or saml-provider ARN (`{}`, `{}`)",
                    parts[0], parts[1]
                ))
            }
        };
        let role = RoleArn::parse(role).map_err(|e| format!("role part: {e}"))?;
        let provider =
            SamlProviderArn::parse(provider).map_err(|e| format!("provider part: {e}"))?;
        Ok(Self {
            role,
            provider,
            provider_first,
        })
    }
}

impl fmt::Display for RolePair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.provider_first {
            write!(f, "{},{}", self.provider, self.role)
        } else {
            write!(f, "{},{}", self.role, self.provider)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:iam::123456789012:role/AzureAD_Agent_Role";
    const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/AzureAD_Connect_Agent";

    #[test]
    fn role_pair_in_either_order() {
        let a = RolePair::parse(&format!("{ROLE},{PROVIDER}")).unwrap();
        let b = RolePair::parse(&format!("{PROVIDER},{ROLE}")).unwrap();
        assert_eq!((a.role.as_str(), a.provider.as_str()), (ROLE, PROVIDER));
        assert_eq!(
            (b.role.name.as_str(), b.provider.name.as_str()),
            ("AzureAD_Agent_Role", "AzureAD_Connect_Agent")
        );
        assert!(b.provider_first && !a.provider_first);
        assert_eq!(b.to_string(), format!("{PROVIDER},{ROLE}"));
        let gov = RolePair::parse("arn:aws-us-gov:iam::123456789012:role/path/to/R,arn:aws-us-gov:iam::123456789012:saml-provider/P").unwrap();
        assert_eq!(
            (gov.role.partition, gov.role.name.as_str()),
            (Partition::AwsUsGov, "R")
        );
    }

    #[test]
    fn role_pair_says_which_part_is_wrong() {
        let cases = [
            (format!("{ROLE}, {PROVIDER}"), "white space at character 51"),
            (ROLE.to_owned(), "1 comma-separated parts"),
            (format!("{ROLE},{ROLE}"), "both parts are role ARNs"),
            (
                format!("{PROVIDER},{PROVIDER}"),
                "both parts are saml-provider ARNs",
            ),
            (
                format!("{ROLE},arn:aws:iam::123456789012:oidc-provider/x"),
                "provider part",
            ),
            (
                format!("{ROLE},arn:aws:iam::12345:saml-provider/P"),
                "not 12 digits",
            ),
            (
                format!("arn:aws:iam:us-east-1:123456789012:role/R,{PROVIDER}"),
                "IAM ARNs have none",
            ),
            (
                format!("arn:amazon:iam::123456789012:role/R,{PROVIDER}"),
                "partition `amazon`",
            ),
            (
                format!("arn:aws:sts::123456789012:role/R,{PROVIDER}"),
                "service `sts`",
            ),
            ("a,b".to_owned(), "neither part"),
        ];
        for (value, expected) in cases {
            let err = RolePair::parse(&value).unwrap_err();
            assert!(err.contains(expected), "{value}: {err}");
        }
    }
}

//! Typed AWS values a SAML sign-in carries: ARNs, the Role pair, RoleSessionName,
//! SessionDuration, session tags, SourceIdentity and the Amazon Connect relay-state URL.
//!
//! Each type can only hold a value AWS would accept; its parser says exactly which part of a
//! rejected value is wrong, because that sentence is what the user needs to fix it.

use std::fmt;

use serde::{Serialize, Serializer};

/// An AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Partition {
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-cn")]
    AwsCn,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
}

impl Partition {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "aws" => Some(Self::Aws),
            "aws-cn" => Some(Self::AwsCn),
            "aws-us-gov" => Some(Self::AwsUsGov),
            _ => None,
        }
    }

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

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }
    };
}

string_newtype!(
    /// A 12-digit AWS account id.
    AccountId
);
string_newtype!(
    /// An AWS region name such as `eu-west-2` or `us-gov-west-1`.
    Region
);
string_newtype!(
    /// An Amazon Connect instance id (a lowercase UUID).
    InstanceId
);

impl AccountId {
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!("the account id `{s}` is not 12 digits"))
        }
    }
}

impl Region {
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

impl InstanceId {
    pub fn parse(s: &str) -> Result<Self, String> {
        let groups: Vec<&str> = s.split('-').collect();
        let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        if lens == [8, 4, 4, 4, 12]
            && s.bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Self(s.to_owned()))
        } else if lens == [8, 4, 4, 4, 12] && s.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
        {
            Err(format!(
                "the instance id `{s}` has upper-case letters; Connect instance ids are lower case"
            ))
        } else {
            Err(format!("`{s}` is not a Connect instance id (a UUID like aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee)"))
        }
    }
}

/// The parts every ARN has: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ArnParts<'a> {
    partition: &'a str,
    service: &'a str,
    region: &'a str,
    account: &'a str,
    resource: &'a str,
}

fn split_arn(s: &str) -> Result<ArnParts<'_>, String> {
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
    pub partition: Partition,
    pub account: AccountId,
    /// The role name, without its path.
    pub name: String,
}

impl RoleArn {
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

    pub fn as_str(&self) -> &str {
        &self.arn
    }
}

/// `arn:aws:iam::<account>:saml-provider/<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SamlProviderArn {
    arn: String,
    pub partition: Partition,
    pub account: AccountId,
    pub name: String,
}

impl SamlProviderArn {
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
    pub role: RoleArn,
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

/// The characters of RoleSessionName and SourceIdentity: `[a-zA-Z_0-9+=,.@-]`.
pub fn is_session_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// Explains why `value` is not 2-64 of `[a-zA-Z_0-9+=,.@-]`, naming the offending characters.
fn session_name_problem(value: &str) -> Option<String> {
    let len = value.chars().count();
    let mut bad: Vec<String> = Vec::new();
    for c in value.chars().filter(|c| !is_session_name_char(*c)) {
        let shown = if c.is_whitespace() || c.is_control() {
            format!("{:?} (U+{:04X})", c, c as u32)
        } else {
            format!("'{c}'")
        };
        if !bad.contains(&shown) {
            bad.push(shown);
        }
    }
    let mut problems = Vec::new();
    if len < 2 {
        problems.push(format!(
            "it is {len} character{} long; at least 2 are needed",
            if len == 1 { "" } else { "s" }
        ));
    }
    if len > 64 {
        problems.push(format!(
            "it is {len} characters long; at most 64 are allowed"
        ));
    }
    if !bad.is_empty() {
        problems.push(format!(
            "it contains {} that AWS does not allow",
            bad.join(", ")
        ));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

string_newtype!(
    /// A RoleSessionName AWS accepts: 2-64 of `[a-zA-Z_0-9+=,.@-]`. Connect matches it to the
    /// username, case-sensitively.
    RoleSessionName
);

impl RoleSessionName {
    pub fn parse(value: &str) -> Result<Self, String> {
        match session_name_problem(value) {
            None => Ok(Self(value.to_owned())),
            Some(p) => Err(p),
        }
    }
}

string_newtype!(
    /// A SourceIdentity AWS accepts: like a RoleSessionName, and not starting with `aws:`.
    SourceIdentity
);

impl SourceIdentity {
    pub fn parse(value: &str) -> Result<Self, String> {
        if let Some(p) = session_name_problem(value) {
            return Err(p);
        }
        if value.to_ascii_lowercase().starts_with("aws:") {
            return Err("it starts with `aws:`, which AWS reserves".into());
        }
        Ok(Self(value.to_owned()))
    }
}

/// A console session length AWS accepts: 900-43200 seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SessionDuration(u32);

impl SessionDuration {
    pub const MIN: u32 = 900;
    pub const MAX: u32 = 43_200;

    pub fn parse(value: &str) -> Result<Self, String> {
        let seconds: u64 = value
            .parse()
            .map_err(|_| format!("`{value}` is not a whole number of seconds"))?;
        if !(u64::from(Self::MIN)..=u64::from(Self::MAX)).contains(&seconds) {
            return Err(format!(
                "{seconds} seconds is outside 900 (15 minutes) to 43200 (12 hours)"
            ));
        }
        Ok(Self(seconds as u32))
    }

    pub fn seconds(self) -> u32 {
        self.0
    }
}

/// A session tag from `PrincipalTag:<Key>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalTag {
    pub key: String,
    pub value: String,
}

/// AWS's session tag limits.
pub const MAX_SESSION_TAGS: usize = 50;

fn tag_char_ok(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() && !c.is_control() || "_.:/=+-@".contains(c)
}

impl PrincipalTag {
    pub fn parse(key: &str, value: &str) -> Result<Self, String> {
        let key_len = key.chars().count();
        if key_len == 0 || key_len > 128 {
            return Err(format!(
                "the key `{key}` is {key_len} characters; keys are 1-128"
            ));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(format!(
                "the key `{key}` starts with `aws:`, which AWS reserves"
            ));
        }
        if let Some(c) = key.chars().find(|c| !tag_char_ok(*c)) {
            return Err(format!("the key `{key}` contains {c:?}; allowed are letters, digits, spaces and _ . : / = + - @"));
        }
        let value_len = value.chars().count();
        if value_len > 256 {
            return Err(format!(
                "the value of `{key}` is {value_len} characters; values are at most 256"
            ));
        }
        if let Some(c) = value.chars().find(|c| !tag_char_ok(*c)) {
            return Err(format!("the value of `{key}` contains {c:?}; allowed are letters, digits, spaces and _ . : / = + - @"));
        }
        Ok(Self {
            key: key.to_owned(),
            value: value.to_owned(),
        })
    }
}

/// `arn:aws:connect:<region>:<account>:instance/<instance-id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ConnectInstanceArn {
    pub partition: Partition,
    pub region: Region,
    pub account: AccountId,
    pub instance_id: InstanceId,
}

impl ConnectInstanceArn {
    pub fn parse(s: &str) -> Result<Self, String> {
        let p = split_arn(s.trim())?;
        let partition = Partition::parse(p.partition).ok_or_else(|| {
            format!(
                "`{s}` has the partition `{}`; expected aws, aws-cn or aws-us-gov",
                p.partition
            )
        })?;
        if p.service != "connect" {
            return Err(format!(
                "`{s}` is an ARN of the service `{}`, not connect",
                p.service
            ));
        }
        let region = Region::parse(p.region).map_err(|e| format!("`{s}`: {e}"))?;
        if Partition::of_region(&region) != partition {
            return Err(format!(
                "`{s}`: the region {region} is not in the partition {partition}"
            ));
        }
        let account = AccountId::parse(p.account).map_err(|e| format!("`{s}`: {e}"))?;
        let id = p
            .resource
            .strip_prefix("instance/")
            .ok_or_else(|| format!("`{s}` is not an instance ARN (its resource is `{}`; copy the Instance ARN from the Connect console)", p.resource))?;
        let instance_id = InstanceId::parse(id).map_err(|e| format!("`{s}`: {e}"))?;
        Ok(Self {
            partition,
            region,
            account,
            instance_id,
        })
    }

    /// The ARN of a Connect user of this instance, as GetFederationToken authorizes it.
    pub fn user_arn(&self, user: &str) -> String {
        format!("{self}/user/{user}")
    }

    /// The relay state that lands a signed-in user on `destination` (a path like
    /// `/connect/ccp-v2`) in this instance, with the destination URL-encoded.
    pub fn relay_state(&self, destination: Option<&str>) -> String {
        let host = match self.partition {
            Partition::AwsUsGov => "console.amazonaws-us-gov.com".to_owned(),
            Partition::AwsCn => format!("{}.console.amazonaws.cn", self.region),
            Partition::Aws => format!("{}.console.aws.amazon.com", self.region),
        };
        let mut url = format!("https://{host}/connect/federate/{}", self.instance_id);
        if let Some(d) = destination {
            url.push_str("?destination=");
            url.push_str(&crate::rules::encode_path(d));
        }
        url
    }
}

impl fmt::Display for ConnectInstanceArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:connect:{}:{}:instance/{}",
            self.partition, self.region, self.account, self.instance_id
        )
    }
}

/// A parsed Amazon Connect relay state:
/// `https://<region>.console.aws.amazon.com/connect/federate/<instance-id>[?destination=…]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectRelayState {
    pub url: String,
    pub region: Option<Region>,
    pub partition: Partition,
    pub instance_id: InstanceId,
    /// The destination, percent-decoded.
    pub destination: Option<String>,
    /// False when the raw destination holds characters that should have been percent-encoded.
    pub destination_encoded: bool,
}

impl ConnectRelayState {
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.is_empty() {
            return Err("it is empty".into());
        }
        if let Some(pos) = url.find(char::is_whitespace) {
            return Err(format!(
                "it contains white space at character {}; remove it",
                pos + 1
            ));
        }
        let rest = url.strip_prefix("https://").ok_or_else(|| {
            format!(
                "it must start with https:// (it starts with `{}`)",
                url.chars().take(10).collect::<String>()
            )
        })?;
        let (host, path_and_query) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = host.to_ascii_lowercase();
        let (region, partition) = if host == "console.amazonaws-us-gov.com" {
            (None, Partition::AwsUsGov)
        } else if let Some(region) = host.strip_suffix(".console.aws.amazon.com") {
            (
                Some(Region::parse(region).map_err(|e| format!("the host names no region: {e}"))?),
                Partition::Aws,
            )
        } else if let Some(region) = host.strip_suffix(".console.amazonaws.cn") {
            (
                Some(Region::parse(region).map_err(|e| format!("the host names no region: {e}"))?),
                Partition::AwsCn,
            )
        } else if host == "console.aws.amazon.com" {
            return Err("the host has no region: use https://<region>.console.aws.amazon.com, the region of the Connect instance".into());
        } else {
            return Err(format!(
                "the host `{host}` is not the AWS console (<region>.console.aws.amazon.com)"
            ));
        };
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        let path = path.split('#').next().unwrap_or_default();
        let id = path
            .strip_prefix("/connect/federate/")
            .ok_or_else(|| format!("the path `{path}` is not /connect/federate/<instance-id>"))?;
        let id = id.strip_suffix('/').unwrap_or(id);
        let instance_id =
            InstanceId::parse(id).map_err(|e| format!("the path's last part: {e}"))?;
        let mut destination = None;
        let mut destination_encoded = true;
        for pair in query.unwrap_or_default().split('&') {
            if let Some(raw) = pair.strip_prefix("destination=") {
                destination_encoded = !raw.contains(['/', ':', '?']);
                destination = Some(
                    String::from_utf8_lossy(&crate::decode::percent_decode(raw.as_bytes(), false))
                        .into_owned(),
                );
            }
        }
        if let Some(d) = &destination {
            if d.is_empty() {
                return Err("`destination=` is empty".into());
            }
            if !d.starts_with('/') && !d.starts_with("https://") {
                return Err(format!(
                    "the destination `{d}` is neither a path starting with / nor an https URL"
                ));
            }
        }
        Ok(Self {
            url: url.to_owned(),
            region,
            partition,
            instance_id,
            destination,
            destination_encoded,
        })
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

    #[test]
    fn role_session_name_names_the_offending_characters() {
        assert!(RoleSessionName::parse("jane.doe@example.com").is_ok());
        assert!(RoleSessionName::parse("a_b+c=d,e.f@g-h").is_ok());
        let err =
            RoleSessionName::parse("jane_gmail.com#EXT#@contoso.onmicrosoft.com").unwrap_err();
        assert_eq!(err, "it contains '#' that AWS does not allow");
        assert!(RoleSessionName::parse("x")
            .unwrap_err()
            .contains("1 character long"));
        assert!(RoleSessionName::parse(&"a".repeat(65))
            .unwrap_err()
            .contains("65 characters"));
        assert!(RoleSessionName::parse("Jane Doe")
            .unwrap_err()
            .contains("' ' (U+0020)"));
        assert!(RoleSessionName::parse("josé").unwrap_err().contains("'é'"));
    }

    #[test]
    fn session_duration_bounds() {
        assert_eq!(SessionDuration::parse("900").unwrap().seconds(), 900);
        assert_eq!(SessionDuration::parse("43200").unwrap().seconds(), 43200);
        for bad in [
            "899",
            "43201",
            "3600.0",
            "-1",
            "",
            "1h",
            "99999999999999999999",
        ] {
            assert!(SessionDuration::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn source_identity_and_tags() {
        assert!(SourceIdentity::parse("jane@example.com").is_ok());
        assert!(SourceIdentity::parse("aws:jane").is_err());
        assert!(PrincipalTag::parse("CostCenter", "1234 / support").is_ok());
        assert!(PrincipalTag::parse("aws:x", "1").is_err());
        assert!(PrincipalTag::parse(&"k".repeat(129), "1").is_err());
        assert!(PrincipalTag::parse("k", &"v".repeat(257)).is_err());
        assert!(PrincipalTag::parse("k", "a;b").is_err());
        assert!(PrincipalTag::parse("", "v").is_err());
    }

    #[test]
    fn instance_arn_and_generated_relay_state_round_trip() {
        let arn = ConnectInstanceArn::parse("arn:aws:connect:ap-southeast-2:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee").unwrap();
        assert_eq!(arn.to_string(), "arn:aws:connect:ap-southeast-2:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
        let url = arn.relay_state(Some("/connect/ccp-v2"));
        assert_eq!(url, "https://ap-southeast-2.console.aws.amazon.com/connect/federate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee?destination=%2Fconnect%2Fccp-v2");
        let parsed = ConnectRelayState::parse(&url).unwrap();
        assert_eq!(parsed.instance_id, arn.instance_id);
        assert!(parsed.destination_encoded);
        let gov = ConnectInstanceArn::parse("arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee").unwrap();
        assert!(ConnectRelayState::parse(&gov.relay_state(None)).is_ok());
        for bad in [
            "arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/user/x",
            "arn:aws:connect:us-gov-west-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            "arn:aws:iam::123456789012:role/x",
            "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        ] {
            assert!(ConnectInstanceArn::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn relay_state_parses_the_federate_url() {
        let r = ConnectRelayState::parse(
            "https://ap-southeast-2.console.aws.amazon.com/connect/federate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee?destination=%2Fconnect%2Fccp-v2&new_domain=true",
        )
        .unwrap();
        assert_eq!(r.region.unwrap().as_str(), "ap-southeast-2");
        assert_eq!(
            r.instance_id.as_str(),
            "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
        );
        assert_eq!(r.destination.as_deref(), Some("/connect/ccp-v2"));
        assert!(r.destination_encoded);
        let gov = ConnectRelayState::parse("https://console.amazonaws-us-gov.com/connect/federate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee").unwrap();
        assert_eq!(gov.partition, Partition::AwsUsGov);
        let raw = ConnectRelayState::parse("https://us-east-1.console.aws.amazon.com/connect/federate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee?destination=/connect/ccp").unwrap();
        assert!(!raw.destination_encoded);
    }

    #[test]
    fn relay_state_says_which_part_is_wrong() {
        let id = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
        let cases = [
            (
                format!("http://us-east-1.console.aws.amazon.com/connect/federate/{id}"),
                "https://",
            ),
            (
                format!("https://console.aws.amazon.com/connect/federate/{id}"),
                "no region",
            ),
            (
                format!("https://<regionid>.console.aws.amazon.com/connect/federate/{id}"),
                "region",
            ),
            (
                format!("https://us-east-1.console.aws.amazon.com/connect/federated/{id}"),
                "/connect/federate/<instance-id>",
            ),
            (
                "https://us-east-1.console.aws.amazon.com/connect/federate/aaaaaaaa-bbbb-cccc-dddd"
                    .to_owned(),
                "not a Connect instance id",
            ),
            (
                format!(
                    "https://us-east-1.console.aws.amazon.com/connect/federate/{}",
                    id.to_uppercase()
                ),
                "upper-case",
            ),
            (
                format!("https://us-east-1.console.aws.amazon.com/connect/federate/ {id}"),
                "white space at character 59",
            ),
            (
                format!("https://example.my.connect.aws/connect/federate/{id}"),
                "not the AWS console",
            ),
            (
                format!(
                    "https://us-east-1.console.aws.amazon.com/connect/federate/{id}?destination="
                ),
                "empty",
            ),
        ];
        for (url, expected) in cases {
            let err = ConnectRelayState::parse(&url).unwrap_err();
            assert!(err.contains(expected), "{url}: {err}");
        }
    }
}

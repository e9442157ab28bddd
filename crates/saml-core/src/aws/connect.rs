//! Amazon Connect's values: instance ids, instance ARNs and the relay-state URL that lands a
//! federated user in an instance (`/connect/federate/<instance-id>?destination=...`).

use std::fmt;

use serde::Serialize;

use super::arn::{split_arn, AccountId, Partition, Region};
use super::newtype::string_newtype;
use crate::aws::endpoints::encode_path;

string_newtype!(
    /// An Amazon Connect instance id (a lowercase UUID).
    InstanceId
);

impl InstanceId {
    /// Parses an instance id, saying why one is not (upper case included: Connect writes ids in lower case).
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

/// `arn:aws:connect:<region>:<account>:instance/<instance-id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ConnectInstanceArn {
    /// The partition of the instance.
    pub partition: Partition,
    /// The Region of the instance.
    pub region: Region,
    /// The account of the instance.
    pub account: AccountId,
    /// The instance id.
    pub instance_id: InstanceId,
}

impl ConnectInstanceArn {
    /// Parses an instance ARN (`arn:aws:connect:<region>:<account>:instance/<id>`), saying which part is wrong.
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
            url.push_str(&encode_path(d));
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
    /// The relay state as given.
    pub url: String,
    /// The console Region in the host (GovCloud's console host names none).
    pub region: Option<Region>,
    /// The partition of the console host.
    pub partition: Partition,
    /// The Connect instance the user lands in.
    pub instance_id: InstanceId,
    /// The destination, percent-decoded.
    pub destination: Option<String>,
    /// False when the raw destination holds characters that should have been percent-encoded.
    pub destination_encoded: bool,
}

impl ConnectRelayState {
    /// Parses a relay-state URL, saying which part is wrong.
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

//! AWS's SAML endpoints as URLs: which Destination, Recipient and Audience values name IAM
//! federation's sign-in endpoint (in every partition), and the percent-encoding AWS's console
//! URLs use. Pure string checks, below every rule that reads a URL; IAM Identity Center's ACS
//! URLs are in [`crate::identity_center`].

use super::arn::Region;

/// Percent-encodes every byte but RFC 3986's unreserved characters: a Connect destination path
/// the way the console expects it (`/` as `%2F`), or a form value.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() * 3);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// True for AWS's SAML sign-in endpoints (Destination and Recipient), in every partition.
pub fn is_aws_signin_endpoint(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host.to_ascii_lowercase();
    let host_ok = [
        "signin.aws.amazon.com",
        "signin.amazonaws-us-gov.com",
        "signin.amazonaws.cn",
    ]
    .iter()
    .any(|base| {
        host == *base
            || host
                .strip_suffix(base)
                .and_then(|h| h.strip_suffix('.'))
                .is_some_and(|region| Region::parse(region).is_ok())
    });
    let path_ok = path == "/saml"
        || path == "/static/saml"
        || path.strip_prefix("/saml/acs/").is_some_and(|id| {
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    host_ok && path_ok
}

/// True for an Audience AWS accepts: a sign-in endpoint (with Azure AD's `#n` suffix) or
/// `urn:amazon:webservices` (and its partition forms).
pub fn is_aws_audience(audience: &str) -> bool {
    if audience == "urn:amazon:webservices" || audience.starts_with("urn:amazon:webservices:") {
        return true;
    }
    let without_fragment = audience.split('#').next().unwrap_or(audience);
    is_aws_signin_endpoint(without_fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signin_endpoints() {
        for ok in [
            "https://signin.aws.amazon.com/saml",
            "https://eu-west-2.signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com/static/saml",
            "https://us-east-1.signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46",
            "https://signin.amazonaws-us-gov.com/saml",
            "https://signin.amazonaws.cn/saml",
        ] {
            assert!(is_aws_signin_endpoint(ok), "{ok}");
        }
        for bad in [
            "http://signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com/saml/",
            "https://signin.aws.amazon.com/",
            "https://signin.aws.amazon.com.evil.example/saml",
            "https://evil-signin.aws.amazon.com/saml",
            "https://login.microsoftonline.com/saml",
            "https://signin.aws.amazon.com/saml/acs/",
            "",
        ] {
            assert!(!is_aws_signin_endpoint(bad), "{bad}");
        }
    }

    #[test]
    fn audiences_include_azure_fragments() {
        assert!(is_aws_audience("urn:amazon:webservices"));
        assert!(is_aws_audience("urn:amazon:webservices:govcloud"));
        assert!(is_aws_audience("https://signin.aws.amazon.com/saml#2"));
        assert!(!is_aws_audience("https://signin.aws.amazon.com"));
        assert!(!is_aws_audience("urn:amazon:webservice"));
        assert!(!is_aws_audience("spn:00000000-0000-0000-0000-000000000000"));
    }
}

//! Why a sign-in failed: the error code and message CloudTrail recorded, mapped to a finding code
//! of the catalogue (so the fix is the one `diagnose` gives), or to the cause `unknown`, which
//! keeps the raw message.
//!
//! The rules are one table, read in order, first match wins. The local reader applies it in
//! Rust and [`crate::sql`] writes the same table into the Athena query as a `CASE`, so the two
//! cannot drift apart. Messages are matched case-insensitively on fixed substrings (the texts
//! AWS shows on the sign-in page and in the API's errors, quoted in the catalogue).

use std::fmt;

use saml_core::Code;
use serde::{Serialize, Serializer};

use crate::event::Family;

/// What made a sign-in fail: a finding code, or a message no rule knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cause {
    /// A code of the catalogue.
    Known(Code),
    /// No rule matched: the report keeps the raw messages.
    Unknown,
}

/// The contract string of [`Cause::Unknown`].
pub const UNKNOWN: &str = "unknown";

const UNKNOWN_TITLE: &str = "A failure saml-doctor has no rule for";
const UNKNOWN_FIX: &str = "Read the raw messages below: they are AWS's own words. To find the cause, capture a failing sign-in as a HAR (browser developer tools, Network tab, \"Preserve log\") and run `saml-doctor diagnose` on it; `saml-doctor explain` lists what it recognises.";

impl Cause {
    /// The contract string: the finding code, or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Known(code) => code.as_str(),
            Cause::Unknown => UNKNOWN,
        }
    }

    /// Reads a contract string back (the Athena rows carry it as text).
    pub fn from_name(name: &str) -> Option<Cause> {
        if name == UNKNOWN {
            return Some(Cause::Unknown);
        }
        Code::from_name(name).map(Cause::Known)
    }

    /// One line: what went wrong.
    pub fn title(self) -> &'static str {
        match self {
            Cause::Known(code) => code.info().title,
            Cause::Unknown => UNKNOWN_TITLE,
        }
    }

    /// The fix, from the catalogue.
    pub fn fix(self) -> &'static str {
        match self {
            Cause::Known(code) => code.info().fix,
            Cause::Unknown => UNKNOWN_FIX,
        }
    }
}

impl PartialOrd for Cause {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Cause {
    /// By contract string, so every list of causes reads the same from both engines.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Cause {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// The event's `errorCode`, exactly.
    ErrorCode(&'static str),
    /// Every one of these (lower-case ASCII) occurs in the lower-cased `errorMessage`.
    Message(&'static [&'static str]),
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Which service's events it applies to.
    pub family: Family,
    /// What in the event must match: its `errorCode`, or words of its `errorMessage`.
    pub test: Test,
    /// The finding code a matching failure gets.
    pub code: Code,
}

const fn msg(family: Family, needles: &'static [&'static str], code: Code) -> Rule {
    Rule {
        family,
        test: Test::Message(needles),
        code,
    }
}

const fn err(family: Family, error_code: &'static str, code: Code) -> Rule {
    Rule {
        family,
        test: Test::ErrorCode(error_code),
        code,
    }
}

use Family::{Connect, IdentityCenter as Idc, Sts};

/// The table, first match wins. STS's messages are the ones the AWS sign-in page and the
/// troubleshooting guide quote ("RoleSessionName in AuthnResponse must match
/// `[a-zA-Z_0-9+=,.@-]{2,64}`", "Not authorized to perform sts:AssumeRoleWithSAML", …). IAM Identity
/// Center documents no message texts for ExternalIdPDirectoryLogin: its rules match the words
/// of the checks its troubleshooting page lists (user, NameID format, audience, ACS,
/// encryption, signature), and anything else stays `unknown` with its message.
pub const RULES: &[Rule] = &[
    // AssumeRoleWithSAML, in the order of the issue's table; "is required" before "must match"
    // since both name RoleSessionName.
    msg(
        Sts,
        &["rolesessionname is required"],
        Code::RoleSessionNameMissing,
    ),
    msg(
        Sts,
        &["rolesessionname", "must match"],
        Code::RoleSessionNameInvalid,
    ),
    msg(
        Sts,
        &["source identity must match"],
        Code::SourceIdentityInvalid,
    ),
    msg(Sts, &["response signature invalid"], Code::SignatureInvalid),
    msg(
        Sts,
        &["issuer not present in specified provider"],
        Code::IssuerMismatch,
    ),
    msg(
        Sts,
        &["not authorized to perform sts:assumerolewithsaml"],
        Code::IamTrustPolicyDenies,
    ),
    msg(
        Sts,
        &["must be redeemed within 5 minutes"],
        Code::AssertionTooOld,
    ),
    // The provider's ARN stands between the two parts.
    msg(
        Sts,
        &["provider", "doesn't exist"],
        Code::IamProviderNotFound,
    ),
    msg(
        Sts,
        &["provider", "does not exist"],
        Code::IamProviderNotFound,
    ),
    msg(Sts, &["the required audience"], Code::AudienceNotAws),
    msg(
        Sts,
        &["durationseconds exceeds maxsessionduration"],
        Code::SessionDurationExceedsRoleMax,
    ),
    // Beyond the table: texts the catalogue quotes as what AWS shows for these codes.
    msg(Sts, &["response has expired"], Code::AssertionExpired),
    msg(Sts, &["request arn is invalid"], Code::IamRoleNotFound),
    msg(
        Sts,
        &["principal exists outside the account of the role"],
        Code::RoleProviderAccountMismatch,
    ),
    err(Sts, "PackedPolicyTooLarge", Code::PrincipalTagInvalid),
    // Amazon Connect's GetFederationToken, by error code (its messages are generic).
    err(Connect, "UserNotFoundException", Code::ConnectUserNotFound),
    err(Connect, "AccessDenied", Code::FederationTokenNotAllowed),
    err(
        Connect,
        "AccessDeniedException",
        Code::FederationTokenNotAllowed,
    ),
    err(
        Connect,
        "ResourceNotFoundException",
        Code::ConnectInstanceNotFound,
    ),
    // IAM Identity Center's ExternalIdPDirectoryLogin.
    msg(Idc, &["disabled"], Code::IdcUserDisabled),
    msg(Idc, &["user", "not found"], Code::IdcUserNotFound),
    msg(Idc, &["user", "does not exist"], Code::IdcUserNotFound),
    msg(Idc, &["no user"], Code::IdcUserNotFound),
    msg(Idc, &["nameid", "format"], Code::IdcNameIdFormat),
    msg(Idc, &["encrypt"], Code::IdcAssertionEncrypted),
    msg(Idc, &["multiple assertions"], Code::IdcMultipleAssertions),
    msg(
        Idc,
        &["more than one assertion"],
        Code::IdcMultipleAssertions,
    ),
    msg(Idc, &["audience"], Code::IdcAudienceMalformed),
    msg(Idc, &["destination"], Code::IdcAcsMalformed),
    msg(Idc, &["recipient"], Code::IdcAcsMalformed),
    msg(Idc, &["assertion consumer service"], Code::IdcAcsMalformed),
    msg(Idc, &["signature"], Code::IdcSignatureInvalid),
    msg(Idc, &["certificate"], Code::IdcSignatureInvalid),
    msg(Idc, &["expired"], Code::AssertionExpired),
    msg(Idc, &["attribute"], Code::IdcAccessControlAttributeInvalid),
];

/// The cause of a failed event of `family`, from its `errorCode` and `errorMessage` (empty when
/// the event has none).
pub fn classify(family: Family, error_code: &str, message: &str) -> Cause {
    let lower = message.to_lowercase();
    RULES
        .iter()
        .filter(|rule| rule.family == family)
        .find(|rule| match rule.test {
            Test::ErrorCode(want) => error_code == want,
            Test::Message(needles) => needles.iter().all(|n| lower.contains(n)),
        })
        .map_or(Cause::Unknown, |rule| Cause::Known(rule.code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_table_maps_each_sts_message() {
        let table = [
            (
                "RoleSessionName is required in AuthnResponse",
                "role_session_name_missing",
            ),
            (
                "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
                "role_session_name_invalid",
            ),
            (
                "Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64}",
                "source_identity_invalid",
            ),
            ("Response signature invalid", "signature_invalid"),
            (
                "Failed to assume role: Issuer not present in specified provider",
                "issuer_mismatch",
            ),
            (
                "Not authorized to perform sts:AssumeRoleWithSAML",
                "iam_trust_policy_denies",
            ),
            (
                "Token must be redeemed within 5 minutes of issuance",
                "assertion_too_old",
            ),
            (
                "SAML provider arn:aws:iam::111122223333:saml-provider/Okta doesn't exist",
                "iam_provider_not_found",
            ),
            (
                "SAML Assertion doesn't contain the required audience",
                "audience_not_aws",
            ),
            (
                "Requested DurationSeconds exceeds MaxSessionDuration set for this role",
                "session_duration_exceeds_role_max",
            ),
        ];
        for (message, code) in table {
            assert_eq!(
                classify(Sts, "InvalidIdentityToken", message).as_str(),
                code
            );
        }
    }

    #[test]
    fn connect_by_error_code_and_unknown_keeps_nothing_silent() {
        assert_eq!(
            classify(Connect, "UserNotFoundException", "User not found").as_str(),
            "connect_user_not_found"
        );
        assert_eq!(
            classify(Connect, "AccessDenied", "").as_str(),
            "federation_token_not_allowed"
        );
        // A Connect error code is not an STS rule, and an STS text is not a Connect rule.
        assert_eq!(classify(Sts, "UserNotFoundException", "x"), Cause::Unknown);
        assert_eq!(
            classify(Connect, "", "Response signature invalid"),
            Cause::Unknown
        );
        assert_eq!(
            classify(Sts, "InvalidIdentityToken", "Something new"),
            Cause::Unknown
        );
    }

    #[test]
    fn identity_center_words() {
        let cases = [
            (
                "User john@example.com not found in identity store",
                "idc_user_not_found",
            ),
            ("The user is disabled", "idc_user_disabled"),
            ("NameID format is not supported", "idc_nameid_format"),
            (
                "Invalid signature on SAML response",
                "idc_signature_invalid",
            ),
            ("Audience mismatch", "idc_audience_malformed"),
        ];
        for (message, code) in cases {
            assert_eq!(classify(Idc, "", message).as_str(), code, "{message}");
        }
    }

    #[test]
    fn causes_read_back_and_sort_by_name() {
        for rule in RULES {
            let cause = Cause::Known(rule.code);
            assert_eq!(Cause::from_name(cause.as_str()), Some(cause));
            assert!(
                match rule.test {
                    Test::Message(n) =>
                        n.iter().all(|n| n.bytes().all(|b| !b.is_ascii_uppercase())),
                    Test::ErrorCode(c) => !c.is_empty(),
                },
                "needles are lower-case"
            );
        }
        assert_eq!(Cause::from_name("unknown"), Some(Cause::Unknown));
        assert!(Cause::Known(Code::SignatureInvalid) > Cause::Known(Code::AssertionTooOld));
        assert!(Cause::Unknown > Cause::Known(Code::SignatureInvalid));
    }
}

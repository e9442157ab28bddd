//! A report to render in the tests: a faulty account (with hostile values an account could hold:
//! a metadata entityID and a SAML:aud written to break out of the page), an account that could
//! not be assumed, a healthy one, an expected-names file with an invalid name, and an inactive
//! account.

use saml_audit::{AccessError, AccountContext, AccountReport, OrganizationReport};
use saml_core::aws::{AccountId, Partition};
use saml_core::{Code, Finding};

pub(crate) const HOSTILE: &str = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";

pub(crate) fn report() -> OrganizationReport {
    let ctx = |id: &str| AccountContext::new(AccountId::parse(id).unwrap(), Partition::Aws);
    let faulty = ctx("111122223333");
    let f = |code: Code, resource: &str, detail: String| {
        Finding::new(code, detail)
            .with("account", "111122223333")
            .with("resource", resource.to_owned())
    };
    let provider = "arn:aws:iam::111122223333:saml-provider/Contoso";
    let mut org = OrganizationReport::new();
    org.add(AccountReport::new(
        faulty.id.clone(),
        vec![
            f(
                Code::IamProviderMissingNextCert,
                provider,
                format!("{provider} does not hold the next certificate of `{HOSTILE}`"),
            ),
            f(
                Code::TrustPolicySamlAudNotAws,
                "arn:aws:iam::111122223333:role/Agent",
                format!("SAML:aud `{HOSTILE}` is not an AWS sign-in endpoint"),
            ),
            f(
                Code::IamProviderMissingCurrentCert,
                provider,
                "it does not hold the current certificate".into(),
            ),
            f(
                Code::IamProviderNotTrusted,
                provider,
                "no role trusts it".into(),
            ),
        ],
    ));
    org.add(AccountReport::unassumable(
        &ctx("444455556666"),
        AccessError::Denied {
            action: "sts:AssumeRole",
        },
        "arn:aws:iam::444455556666:role/SamlDoctorAudit",
        "the role must exist and trust the auditor",
    ));
    org.add(AccountReport::new(ctx("777788889999").id, Vec::new()));
    org.add_input_findings(vec![Finding::new(
        Code::RoleSessionNameInvalid,
        "people.csv:3: `Jane Doe` can never be a RoleSessionName",
    )
    .with("resource", "people.csv:3")]);
    org.note_inactive();
    org
}

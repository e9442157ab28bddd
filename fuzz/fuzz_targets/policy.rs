//! IAM policy parsing and evaluation, wildcards and variables included.
#![no_main]

use connect_check::iam::policy::{evaluate, wildcard_match, Policy, Request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(policy) = Policy::parse("fuzz", s) {
        let request = Request::new("connect:GetFederationToken", "arn:aws:connect:us-east-1:123456789012:instance/x/user/AROA:jane")
            .context("aws:userid", &["AROA:jane"])
            .principal("Federated", "arn:aws:iam::123456789012:saml-provider/P");
        let _ = evaluate(&[policy], &request);
    }
    if let Some((p, v)) = s.split_once('\n') {
        let _ = wildcard_match(p, v, data.len() % 2 == 0);
    }
});

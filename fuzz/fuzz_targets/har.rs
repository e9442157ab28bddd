//! HAR scanning (streaming JSON, SAML extraction from forms, HTML and URLs) and redaction.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(capture) = har::scan(data, |_| {}) {
        let _ = capture.findings();
        let _ = capture.primary_response();
    }
    let mut out = Vec::new();
    if let Ok(summary) = har::redact::redact(data, &mut out, har::redact::SamlMode::Strip) {
        let _ = summary.report();
        // Redacted output is always JSON a HAR reader accepts.
        assert!(har::scan(out.as_slice(), |_| {}).is_ok(), "redacted output must be a readable HAR");
    }
    let _ = har::find::find_in_html(data, None);
});

//! Anything a user can paste: decoding (URL, base64, DEFLATE), parsing and every offline rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use saml_core::{diagnose, AsOf, AsOfSource, RelayStateInput, Timestamp};

fuzz_target!(|data: &[u8]| {
    let as_of = AsOf { instant: Timestamp::from_unix_seconds(1_715_679_069), source: AsOfSource::Given };
    let relay = match data.first() {
        Some(b) if b % 3 == 0 => RelayStateInput::Absent,
        Some(b) if b % 3 == 1 => RelayStateInput::Present(String::from_utf8_lossy(&data[1..data.len().min(200)]).into_owned()),
        _ => RelayStateInput::Unknown,
    };
    let report = diagnose(data, as_of, relay);
    let _ = report.has_errors();
});

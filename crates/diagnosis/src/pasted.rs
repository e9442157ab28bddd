//! The diagnosis of a pasted SAML message (any encoding: XML, base64, URL-encoded, a form body,
//! the redirect binding's DEFLATE).

use saml_core::decode;
use saml_core::RelayStateInput;

use crate::model::{Diagnosis, MessageReport, Rerun};
use crate::observer::{timed, Observer, Phase};
use crate::offline::add_account_skips;
use crate::options::Options;

/// Diagnoses one pasted message, named `input` in the report. Anything a user can paste gives
/// a report: decoding and parsing failures are findings.
pub fn diagnose_pasted(
    input: String,
    bytes: &[u8],
    options: &Options,
    observer: &mut dyn Observer,
) -> Diagnosis {
    observer.input_size(bytes.len() as u64);
    let relay_state = match &options.relay_state {
        Some(url) => RelayStateInput::Present(url.clone()),
        None => RelayStateInput::Unknown,
    };
    let ctx = saml_core::Context {
        as_of: options.as_of(None),
        relay_state,
        metadata: options.metadata.as_ref(),
        decryption_keys: &options.decryption_keys,
    };
    let decoded = timed(observer, Phase::Decoding, || decode::decode(bytes).ok());
    let mut report = timed(observer, Phase::Verification, || match &decoded {
        Some(d) => saml_core::diagnose_decoded_in(d, &ctx),
        None => saml_core::diagnose_in(bytes, &ctx),
    });
    add_account_skips(&mut report);
    let message = MessageReport {
        rerun: decoded.map(|decoded| Rerun {
            relay_state: ctx.relay_state.clone(),
            decoded,
            decryption_keys: options.decryption_keys.clone().into(),
        }),
        ..MessageReport::standalone(report)
    };
    observer.diagnosed(&message);
    Diagnosis::new(input, Vec::new(), vec![message])
}

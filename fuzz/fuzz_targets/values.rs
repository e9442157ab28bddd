//! The typed AWS values and time parsing: every parser must refuse or accept, never panic, and
//! what it accepts must print back to something it accepts again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use saml_core::aws::{ConnectInstanceArn, ConnectRelayState, PrincipalTag, RolePair, RoleSessionName, SessionDuration, SourceIdentity};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(pair) = RolePair::parse(s) {
        assert_eq!(RolePair::parse(&pair.to_string()).as_ref(), Ok(&pair));
    }
    if let Ok(arn) = ConnectInstanceArn::parse(s) {
        let relay = arn.relay_state(Some("/connect/ccp-v2"));
        assert!(ConnectRelayState::parse(&relay).is_ok(), "{relay}");
    }
    let _ = ConnectRelayState::parse(s);
    let _ = RoleSessionName::parse(s);
    let _ = SourceIdentity::parse(s);
    let _ = SessionDuration::parse(s);
    if let Some((k, v)) = s.split_once('=') {
        let _ = PrincipalTag::parse(k, v);
    }
    if let Ok(t) = saml_core::Timestamp::parse(s) {
        let _ = saml_core::Timestamp::parse(&t.to_string()).expect("printed timestamps parse");
    }
    let _ = saml_core::decode::percent_decode(data, true);
});

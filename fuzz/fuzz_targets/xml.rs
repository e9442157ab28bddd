//! The XML tree (limits, DOCTYPE refusal, namespaces), the SAML model and pretty-printing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(root) = saml_core::xml::parse(text, saml_core::xml::Limits::default()) {
        let pretty = root.to_pretty_string();
        // What we print must parse again to the same tree shape.
        let again = saml_core::xml::parse(&pretty, saml_core::xml::Limits::default()).expect("pretty output parses");
        assert_eq!(again.local, root.local);
    }
    let _ = saml_core::model::parse(text);
});

//! IAM for the audit's moto test: moto's, through a loopback proxy that forwards every request
//! byte for byte (they are signed, and moto checks the signatures) and adds one thing moto 5.2.1
//! does not keep: `AssertionEncryptionMode` (added to IAM's SAML providers in 2025). For the
//! providers the test names, GetSAMLProvider's answer says `Required`, with moto's empty
//! PrivateKeyList left as it is; everything else is moto's answer unchanged.

use std::net::TcpListener;

use super::http::{exchange, read_request, respond};

/// Starts the proxy in front of `moto`; GetSAMLProvider of a provider whose ARN ends in one of
/// `encrypted` (`saml-provider/NAME`) answers AssertionEncryptionMode Required. Returns its URL.
pub fn start(moto: &str, encrypted: Vec<String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = moto
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (upstream, encrypted) = (upstream.clone(), encrypted.clone());
            std::thread::spawn(move || {
                let Some(request) = read_request(&stream) else {
                    return;
                };
                let Some((status, headers, mut body)) = exchange(&upstream, &request.raw) else {
                    return respond(stream, "502 Bad Gateway", &[], b"moto did not answer");
                };
                let form = String::from_utf8_lossy(&request.body);
                let asks_encrypted = form.contains("Action=GetSAMLProvider")
                    && encrypted
                        .iter()
                        .any(|name| form.contains(&format!("saml-provider%2F{name}")));
                if asks_encrypted && status.starts_with("200") {
                    let text = String::from_utf8_lossy(&body).replacen(
                        "<GetSAMLProviderResult>",
                        "<GetSAMLProviderResult><AssertionEncryptionMode>Required</AssertionEncryptionMode>",
                        1,
                    );
                    body = text.into_bytes();
                }
                let kept: Vec<(&str, &str)> = headers
                    .iter()
                    .filter(|(k, _)| {
                        !["content-length", "connection", "transfer-encoding"]
                            .contains(&k.to_ascii_lowercase().as_str())
                    })
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                respond(stream, &status, &kept, &body);
            });
        }
    });
    url
}

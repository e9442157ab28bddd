//! The real binary against AWS stand-ins on loopback (moto's IAM, STS, Organizations, SSO admin,
//! identity store and Athena, started by .ci/run; small recorded-response servers for what moto
//! lacks), one module per command: `diagnose --aws` for IAM federation and for
//! IAM Identity Center, `audit --aws`, `trail --aws` and `--athena`. Without MOTO_ENDPOINT each
//! says it did not run, and fails when SAML_DOCTOR_REQUIRE_MOTO is set (as CI sets it).

/// One test at a time on the shared moto server: the audit switches moto's request
/// authorization on while it runs, which the other tests' unsigned set-up calls would fail under.
static MOTO: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The moto endpoint with this test's turn on it, or None (and a NOT RUN line) without one.
async fn moto_turn() -> Option<(String, tokio::sync::MutexGuard<'static, ()>)> {
    let endpoint = crate::support::moto_endpoint()?;
    Some((endpoint, MOTO.lock().await))
}

/// [`moto_turn`] for a test without a runtime.
fn moto_turn_blocking() -> Option<(String, tokio::sync::MutexGuard<'static, ()>)> {
    let endpoint = crate::support::moto_endpoint()?;
    Some((endpoint, MOTO.blocking_lock()))
}

mod audit;
mod federation;
mod identity_center;
mod trail;

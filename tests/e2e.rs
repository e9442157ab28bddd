//! The end-to-end tests: the real `saml-doctor` binary driven as a user runs it, over the files
//! in examples/ and tests/fixtures/, one module per concern. One test binary, so the tests that
//! wait (a browser signing in, a paced API, a moto server) run beside the ones that compute (the
//! xmlsec1 differential, the report snapshots) instead of one binary after another.
//!
//! `cargo test --test e2e MODULE::` runs one module, e.g. `cargo test --test e2e capture::`.

mod support;

mod aws;
mod bad_input;
mod capture;
mod cli;
mod differential;
mod encrypted;
mod hostile;
mod html;
mod identity_center;
mod snapshots;
mod trail;

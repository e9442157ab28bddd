//! What the end-to-end tests share: the repository root and the real `saml-doctor` binary run
//! on it, as a user would, with its output as text or as the JSON report.

// Each test binary includes this module and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The binary with `args`, from the repository root, without colour.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// The binary with `args --format json`: its exit status and report.
pub fn json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = run(&all);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{stdout}"));
    (out.status.code().unwrap(), value)
}

/// Every finding's code in a JSON report, in the report's order.
pub fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// Every action an IAM policy document (`aws-policy`'s output) allows, statement by statement.
pub fn policy_actions(policy: &Value) -> Vec<&str> {
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect()
}

/// The local moto server the account-check tests run against (MOTO_ENDPOINT, started by
/// .ci/run). Without it a test says it did not run, and fails if SAML_DOCTOR_REQUIRE_MOTO is set
/// (as CI sets it).
pub fn moto_endpoint() -> Option<String> {
    let moto = std::env::var("MOTO_ENDPOINT").ok();
    if moto.is_none() {
        eprintln!("NOT RUN: set MOTO_ENDPOINT to a moto server (`moto_server -H 127.0.0.1 -p 5055`); .ci/run does");
        assert!(
            std::env::var_os("SAML_DOCTOR_REQUIRE_MOTO").is_none(),
            "SAML_DOCTOR_REQUIRE_MOTO is set but MOTO_ENDPOINT is not"
        );
    }
    moto
}

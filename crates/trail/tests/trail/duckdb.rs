//! The Athena query, tested by running it: the SQL that `--athena` sends is transpiled from
//! Trino to DuckDB with sqlglot and run in DuckDB (scripts/trail-duckdb.py) on a table loaded
//! from the same fixtures the local engine reads; its rows go through the same function as
//! Athena's, and the report must equal the local engine's, window by window.
//!
//! Needs python3 with duckdb and sqlglot (`.ci/run` installs the pinned versions). Without them
//! the test says so and passes, unless SAML_DOCTOR_REQUIRE_DUCKDB=1 (as in CI), where it fails.

use std::path::PathBuf;
use std::process::Command;

use saml_core::Timestamp;
use trail::sql::{query, report_from_rows};
use trail::{analyze, Input, Options, Report, WarningKind, Window};

const INPUTS: [&str; 3] = [
    "examples/cloudtrail",
    "crates/trail/testdata/lookup-events.json",
    "crates/trail/testdata/trail-log.json",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn required() -> bool {
    std::env::var("SAML_DOCTOR_REQUIRE_DUCKDB").is_ok_and(|v| v == "1")
}

fn duckdb_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb, sqlglot"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            !required(),
            "SAML_DOCTOR_REQUIRE_DUCKDB=1 but python3 cannot import duckdb and sqlglot: pip install duckdb==1.4.1 sqlglot==30.31.0"
        );
        eprintln!("skipped: python3 cannot import duckdb and sqlglot (pip install duckdb==1.4.1 sqlglot==30.31.0)");
    }
    ok
}

fn via_duckdb(window: Window, name: &str) -> Report {
    let sql = query(
        "\"trail\".\"cloudtrail_logs\"",
        "\"timestamp\" BETWEEN '2023/01/01' AND '2024/12/31'",
        &window,
    );
    let file = std::env::temp_dir().join(format!("saml-trail-{}-{name}.sql", std::process::id()));
    std::fs::write(&file, &sql).unwrap();
    let out = Command::new("python3")
        .arg(root().join("scripts/trail-duckdb.py"))
        .args(["--query".as_ref(), file.as_os_str()])
        .args(["--table", "trail.cloudtrail_logs"])
        .args(INPUTS.iter().map(|p| root().join(p)))
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "trail-duckdb.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Vec<Option<String>>> = serde_json::from_slice(&out.stdout).unwrap();
    report_from_rows(&rows, window, vec![]).unwrap()
}

fn locally(window: Window) -> Report {
    let inputs: Vec<Input> = INPUTS.iter().map(|p| Input::Path(root().join(p))).collect();
    let mut report = analyze(
        &inputs,
        &Options {
            window,
            threads: None,
        },
    );
    // The files the local reader warns about (the truncated delivery) are not in the table.
    report
        .warnings
        .retain(|w| w.kind == WarningKind::EmptyWindow);
    report
}

#[test]
fn the_query_on_duckdb_gives_the_local_report() {
    if !duckdb_available() {
        return;
    }
    let t = |s| Some(Timestamp::parse(s).unwrap());
    let windows = [
        ("all", Window::default()),
        (
            "days-7-8",
            Window {
                since: t("2024-05-07T00:00:00Z"),
                until: t("2024-05-09T00:00:00Z"),
            },
        ),
        (
            // Starts between bob's sign-in and Connect's refusal: the refusal stands alone.
            "from-bob-refusal",
            Window {
                since: t("2024-05-06T09:00:02Z"),
                until: None,
            },
        ),
        (
            "empty",
            Window {
                since: t("2030-01-01T00:00:00Z"),
                until: None,
            },
        ),
    ];
    for (name, window) in windows {
        let local = locally(window);
        let sql = via_duckdb(window, name);
        assert_eq!(sql, local, "window {name}");
    }
    // The comparison means something: the full window has every cause.
    assert!(locally(Window::default()).causes.len() >= 15);
}

//! Every report the binary gives on the shipped inputs is the one recorded in tests/snapshots/
//! (written by scripts/report-snapshots.py): the same bytes on standard output and the same exit
//! status, for JSON, text and the example captures' HTML. A change meant to alter a report
//! regenerates the snapshots, and the diff shows what changed; any other change must leave them
//! as they are.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What differs between the report and its snapshot, if anything.
fn compare(entry: &Value) -> Option<String> {
    let args: Vec<&str> = entry["args"]
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let name = entry["snapshot"].as_str()?;
    let want_exit = entry["exit"].as_i64()?;
    let out = match Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(&args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
    {
        Ok(out) => out,
        Err(e) => return Some(format!("{name}: cannot run the binary: {e}")),
    };
    let want = std::fs::read(root().join("tests/snapshots").join(name)).unwrap_or_default();
    let exit = i64::from(out.status.code().unwrap_or(-1));
    if exit != want_exit {
        return Some(format!(
            "{name}: exit status {exit}, the snapshot says {want_exit}"
        ));
    }
    if out.stdout != want {
        let got = String::from_utf8_lossy(&out.stdout);
        let want = String::from_utf8_lossy(&want);
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        return Some(format!(
            "{name}: differs from line {}:\n    now:      {}\n    snapshot: {}",
            line + 1,
            got.lines().nth(line).unwrap_or("(end)"),
            want.lines().nth(line).unwrap_or("(end)")
        ));
    }
    None
}

#[test]
fn every_report_is_the_one_recorded() {
    let manifest = std::fs::read_to_string(root().join("tests/snapshots/manifest.json"))
        .expect("tests/snapshots/manifest.json (run scripts/report-snapshots.py)");
    let entries: Vec<Value> = serde_json::from_str(&manifest).expect("manifest is JSON");
    assert!(entries.len() > 400, "only {} snapshots", entries.len());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let chunk = entries.len().div_ceil(workers);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().filter_map(compare).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker panicked"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} reports differ from tests/snapshots/ (if the change is meant, run scripts/report-snapshots.py and review the diff):\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
}

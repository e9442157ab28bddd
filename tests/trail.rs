//! End-to-end tests of `saml-doctor trail` on the real binary, offline: the example organization
//! trail (examples/cloudtrail, written by scripts/make-trail-fixtures.py) and saved
//! `aws cloudtrail lookup-events` output in every format, the window, bad input, the exit status,
//! and the Athena query and table it writes. (`--aws` and `--athena` against local AWS
//! endpoints: tests/aws/trail.rs.)

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::{root, run};

const TRAIL: &str = "examples/cloudtrail";
const LOOKUP: &str = "crates/trail/testdata/lookup-events.json";

/// `trail ARGS --format json`: exit status, report, standard error.
fn trail_json(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["trail"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let out = run(&all);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code().unwrap(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn cause<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no cause {code}"))
}

fn user<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user"] == name)
        .unwrap_or_else(|| panic!("no user {name}"))
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn the_example_trail_folder() {
    let (code, r, stderr) = trail_json(&[TRAIL]);
    assert_eq!(code, 1, "a failed sign-in in the window: exit 1");
    assert!(stderr.is_empty(), "{stderr}");
    // The contract: the fields scripts rely on, in order, and where the events came from.
    for key in [
        "events_read",
        "sign_ins",
        "causes",
        "users",
        "warnings",
        "source",
    ] {
        assert!(r.get(key).is_some(), "{key}");
    }
    assert_eq!(r["sign_ins"]["attempts"], 25);
    assert_eq!(r["sign_ins"]["failed"], 20);
    assert_eq!(
        r["source"],
        serde_json::json!({"kind": "files", "inputs": [TRAIL]})
    );
    let causes = r["causes"].as_array().unwrap();
    for c in causes {
        for key in ["code", "count", "users", "first", "last", "fix", "messages"] {
            assert!(keys(c).contains(&key), "{key} in {c}");
        }
    }
    // Most frequent first.
    let counts: Vec<u64> = causes
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let sig = cause(&r, "signature_invalid");
    assert_eq!(
        (sig["count"].as_u64(), sig["users"].as_u64()),
        (Some(4), Some(3))
    );
    assert_eq!(sig["first"], "2024-05-07T07:30:00Z");
    assert_eq!(
        sig["messages"],
        serde_json::json!(["Response signature invalid"])
    );
    assert!(sig["fix"]
        .as_str()
        .unwrap()
        .starts_with("Upload the identity provider's current metadata"));
    for u in r["users"].as_array().unwrap() {
        assert_eq!(
            keys(u),
            ["user", "failures", "codes", "last_failure", "recovered"]
        );
    }
    // bob got AWS credentials, then Connect refused him: one failed sign-in with Connect's
    // cause (not a success and a failure); the second refusal, a day later, is its own.
    let bob = user(&r, "bob@example.com");
    assert_eq!(bob["failures"], 2);
    assert_eq!(bob["codes"], serde_json::json!(["connect_user_not_found"]));
    assert_eq!(bob["recovered"], false);
    // carol's sign-in was refused twice by Connect: counted once; she signed in the next day.
    assert_eq!(cause(&r, "federation_token_not_allowed")["count"], 1);
    let carol = user(&r, "carol@example.com");
    assert_eq!(
        (carol["failures"].as_u64(), carol["recovered"].as_bool()),
        (Some(1), Some(true))
    );
    // The guest user's failures were delivered by two trails: counted once each.
    let jane = user(&r, "jane_gmail.com#EXT#@contoso.onmicrosoft.com");
    assert_eq!(
        (jane["failures"].as_u64(), jane["recovered"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(
        cause(&r, "unknown")["messages"][0],
        "Something went wrong that no rule knows (ExampleNewError)"
    );
    // The damaged delivery is a warning naming it; the rest was read.
    let warnings = r["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["kind"], "corrupt_gzip");
    assert!(warnings[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("TruncatedExample.json.gz"));
}

#[test]
fn the_text_report_says_the_same() {
    let out = run(&["trail", TRAIL]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  Sign-ins     25 attempts, 20 failed\n"),
        "{text}"
    );
    assert!(text.contains("\n  signature_invalid · A signature does not verify\n      4 failures, 3 users, from 2024-05-07T07:30:00Z to 2024-05-08T08:30:00Z\n"), "{text}");
    assert!(text.contains("      AWS said: \"User not found\"\n"));
    let bob = text
        .lines()
        .find(|l| l.starts_with("  bob@example.com"))
        .unwrap();
    assert!(
        bob.ends_with("2  2024-05-08T23:10:00Z  no         connect_user_not_found"),
        "{bob}"
    );
    assert!(
        text.contains("TruncatedExample.json.gz:\n    damaged or truncated gzip"),
        "{text}"
    );
    assert!(text.ends_with("\n20 of 25 sign-ins failed\n"));
    // NO_COLOR (crate::support::run sets it) and a pipe: no escape sequence.
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn saved_lookup_events_output_from_a_file_and_from_standard_input() {
    let (code, r, _) = trail_json(&[LOOKUP]);
    assert_eq!(code, 1);
    assert_eq!(
        (
            r["sign_ins"]["attempts"].as_u64(),
            r["sign_ins"]["failed"].as_u64()
        ),
        (Some(3), Some(2))
    );
    assert_eq!(
        user(&r, "tina@example.com")["codes"],
        serde_json::json!(["connect_user_not_found"])
    );
    assert_eq!(user(&r, "sam@example.com")["recovered"], true);
    assert!(r["warnings"].as_array().unwrap().is_empty());

    let bytes = std::fs::read(root().join(LOOKUP)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(["trail", "-", "--format", "json"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut piped: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        piped["source"]["inputs"],
        serde_json::json!(["standard input"])
    );
    let mut from_file = r;
    piped.as_object_mut().unwrap().remove("source");
    from_file.as_object_mut().unwrap().remove("source");
    assert_eq!(piped, from_file);
}

#[test]
fn the_window() {
    let (code, r, _) = trail_json(&[
        TRAIL,
        "--since",
        "2024-05-07",
        "--until",
        "2024-05-08T00:00:00Z",
    ]);
    assert_eq!(code, 1);
    assert_eq!(r["sign_ins"]["failed"], 12);
    assert_eq!(r["since"], "2024-05-07T00:00:00Z");
    assert_eq!(r["until"], "2024-05-08T00:00:00Z");
    assert!(r["per_day"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["day"] == "2024-05-07"));
    // Starting between bob's sign-in and Connect's refusal: the refusal stands alone.
    let (_, r, _) = trail_json(&[
        TRAIL,
        "--since",
        "2024-05-06T09:00:02Z",
        "--until",
        "2024-05-07",
    ]);
    assert_eq!(cause(&r, "connect_user_not_found")["count"], 1);
    // A duration back from now (the examples are from 2024: within ten years).
    let (code, r, _) = trail_json(&[TRAIL, "--since", "3650d"]);
    assert_eq!((code, r["sign_ins"]["failed"].as_u64()), (1, Some(20)));
    // An empty window: a warning saying so, and nothing failed (exit 0).
    let (code, r, _) = trail_json(&[TRAIL, "--since", "2030-01-01"]);
    assert_eq!(code, 0);
    assert_eq!(r["sign_ins"]["attempts"], 0);
    assert!(r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["kind"] == "empty_window"));
    // Bounds that make no window, or are not times: could not run (exit 2), one line.
    for args in [
        ["--since", "2024-05-09", "--until", "2024-05-01"],
        ["--since", "yesterday", "--until", "2024-05-01"],
    ] {
        let mut all = vec!["trail", TRAIL];
        all.extend(args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with("saml-doctor: --since") && err.lines().count() == 1,
            "{err}"
        );
    }
}

/// A scratch folder for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("saml-doctor-trail-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn bad_input_is_a_warning_and_the_rest_is_read() {
    let dir = scratch("bad");
    // Random bytes named like a delivery, a gzip cut short, JSON that is not CloudTrail, an
    // empty file, and one good log beside them.
    std::fs::write(
        dir.join("noise.json.gz"),
        [0x1f, 0x8b, 8, 0, 0xde, 0xad, 0xbe, 0xef],
    )
    .unwrap();
    std::fs::write(dir.join("short.json.gz"), [0x1f, 0x8b]).unwrap();
    std::fs::write(dir.join("har.json"), br#"{"log":{"entries":[]}}"#).unwrap();
    std::fs::write(dir.join("empty.json"), b"").unwrap();
    std::fs::copy(
        root().join("crates/trail/testdata/trail-log.json"),
        dir.join("good.json"),
    )
    .unwrap();
    let (code, r, stderr) = trail_json(&[dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(r["sign_ins"]["failed"], 1, "the good log is read");
    let warned: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["file"].as_str())
        .collect();
    for name in ["noise.json.gz", "short.json.gz", "har.json", "empty.json"] {
        assert!(
            warned.iter().any(|f| f.ends_with(name)),
            "{name}: {warned:?}"
        );
    }
    // A file given by name that is not CloudTrail: a warning, no failure (exit 0).
    let (code, r, _) = trail_json(&["crates/trail/testdata/not-cloudtrail.json"]);
    assert_eq!(code, 0);
    assert_eq!(r["warnings"][0]["kind"], "not_cloud_trail");
    // A path that does not exist is a mistake on the command line.
    let out = run(&["trail", "examples/no-such-trail"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("examples/no-such-trail: no such file or folder"));
    let _ = std::fs::remove_dir_all(dir);
}

/// One failed AssumeRoleWithSAML whose user, role and message are hostile.
fn hostile_log(dir: &std::path::Path) -> PathBuf {
    let event = serde_json::json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "SAMLUser", "userName": "<script>alert('user')</script>"},
        "eventTime": "2024-05-07T10:00:00Z",
        "eventSource": "sts.amazonaws.com",
        "eventName": "AssumeRoleWithSAML",
        "errorCode": "InvalidIdentityToken",
        "errorMessage": "\"><img src=x onerror=alert('message')> AKIAIOSFODNN7EXAMPLE",
        "requestParameters": {
            "roleSessionName": "\"><img src=x onerror=alert('session')>",
            "roleArn": "javascript:alert('role')//\"><svg onload=alert(1)>",
            "principalArn": "arn:aws:iam::111122223333:saml-provider/<b>bold</b>"
        },
        "eventID": "0f3b8c6e-hostile",
        "recipientAccountId": "111122223333\u{1b}[2J"
    });
    let path = dir.join("hostile.json");
    std::fs::write(&path, serde_json::json!({"Records": [event]}).to_string()).unwrap();
    path
}

#[test]
fn the_page_is_self_contained_and_shows_hostile_values_as_text() {
    let dir = scratch("page");
    let log = hostile_log(&dir);
    let page_path = dir.join("trail.html");
    let out = run(&[
        "trail",
        TRAIL,
        log.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        page_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let page = std::fs::read_to_string(&page_path).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
    assert!(page.contains("<svg viewBox="), "the chart");
    assert!(page.contains("21 of 26 sign-ins failed"));
    for code in ["signature_invalid", "connect_user_not_found", "unknown"] {
        assert!(page.contains(&format!("id=\"cause-{code}\"")), "{code}");
    }
    // The hostile values are there, as text; nothing of them is markup.
    assert!(page.contains("&lt;script&gt;alert(&#39;user&#39;)&lt;/script&gt;"));
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(&#39;message&#39;)&gt;"));
    assert!(page.contains("javascript:alert(&#39;role&#39;)"));
    for raw in ["<script", "<img", "<svg onload", "<b>", "onerror=alert('"] {
        assert!(!page.contains(raw), "{raw} in the page");
    }
    assert!(
        !page.contains("AKIAIOSFODNN7EXAMPLE"),
        "an access key id in the page"
    );
    assert!(!page.contains('\u{1b}'));
    // The text report shows the terminal escape as text, too.
    let text = String::from_utf8(run(&["trail", log.to_str().unwrap()]).stdout).unwrap();
    assert!(
        text.contains("111122223333U+001B[2J") && !text.contains('\u{1b}'),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The binary with `command` (words separated by spaces): exit status, stdout then stderr.
fn sh(command: &str) -> (i32, String) {
    stdout_of(&command.split(' ').collect::<Vec<_>>())
}

fn stdout_of(args: &[&str]) -> (i32, String) {
    let out: Output = run(args);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn print_sql_writes_the_one_query_and_runs_nothing() {
    let (code, sql) = sh("trail --print-sql --database security --table cloudtrail_logs --since 2024-05-06 --until 2024-05-09");
    assert_eq!(code, 0);
    assert!(sql.starts_with("-- saml-doctor trail: SAML sign-in failures by cause"));
    assert!(sql.contains("FROM \"security\".\"cloudtrail_logs\""));
    // The window's partitions only (and the day after it, for late deliveries).
    assert!(
        sql.contains("WHERE \"timestamp\" BETWEEN '2024/05/06' AND '2024/05/10'"),
        "{sql}"
    );
    assert!(sql.contains(">= from_iso8601_timestamp('2024-05-06T00:00:00Z')"));
    assert!(sql.contains("< from_iso8601_timestamp('2024-05-09T00:00:00Z')"));
    // A table whose account partition is injected: the query names the accounts.
    let (_, sql) = sh("trail --print-sql --database security --table t --account 111122223333,444455556666 --since 2024-05-06");
    assert!(sql.contains("AND account IN ('111122223333', '444455556666')"));
    // Without --since: the last week.
    let (_, sql) = sh("trail --print-sql --database security --table t");
    assert!(sql.contains("\"timestamp\" BETWEEN '"));
    // Names that would be SQL are refused before anything is written.
    for (flag, value) in [
        ("--table", "logs\"; DROP TABLE x; --"),
        ("--account", "1' OR '1'='1"),
    ] {
        let mut args = vec![
            "trail",
            "--print-sql",
            "--database",
            "security",
            "--table",
            "t",
        ];
        args.extend([flag, value]);
        let (code, out) = stdout_of(&args);
        assert_eq!(code, 2, "{flag} {value}: {out}");
        assert!(!out.contains("SELECT"), "{out}");
    }
    // --print-sql needs to know the table.
    assert_eq!(sh("trail --print-sql --database security").0, 2);
}

#[test]
fn athena_table_writes_the_create_table_statement() {
    let (code, ddl) =
        sh("trail athena-table --bucket org-trail-logs --prefix central --org o-a1b2c3d4e5");
    assert_eq!(code, 0);
    assert!(ddl.starts_with("CREATE EXTERNAL TABLE `cloudtrail_logs` ("));
    assert!(ddl.contains("LOCATION 's3://org-trail-logs/central/AWSLogs/o-a1b2c3d4e5/'"));
    assert!(ddl.contains("'storage.location.template'='s3://org-trail-logs/central/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}'"));
    assert!(ddl.contains("'projection.account.type'='injected'"));
    assert!(ddl.contains("'projection.timestamp.format'='yyyy/MM/dd'"));
    // The columns the query reads, lower-case, as AWS documents them.
    for column in [
        "useridentity STRUCT<",
        "requestparameters STRING",
        "responseelements STRING",
        "additionaleventdata STRING",
        "serviceeventdetails STRING",
    ] {
        assert!(ddl.contains(column), "{column}");
    }
    // An account trail, with its accounts listed and a table name in a database.
    let (code, ddl) =
        sh("trail athena-table --bucket acct-trail --name security.trail --account 111122223333");
    assert_eq!(code, 0);
    assert!(ddl.starts_with("CREATE EXTERNAL TABLE `security`.`trail` ("));
    assert!(ddl.contains("LOCATION 's3://acct-trail/AWSLogs/'"));
    assert!(ddl.contains("'projection.account.values'='111122223333'"));
    // The table and the query agree on names: the query runs on the table written here.
    let (_, sql) = sh("trail --print-sql --database security --table trail --since 2024-05-06");
    assert!(sql.contains("FROM \"security\".\"trail\""));
    for (flag, value) in [
        ("--bucket", "Bad_Bucket"),
        ("--org", "o-short"),
        ("--prefix", "x'y"),
    ] {
        let mut args = vec!["trail", "athena-table", "--bucket", "b-ok"];
        args.extend([flag, value]);
        let (code, out) = stdout_of(&args);
        assert_eq!(code, 2, "{flag} {value}");
        assert!(!out.contains("CREATE"), "{out}");
    }
}

#[test]
fn remote_flags_are_checked_before_anything_runs() {
    // --aws reads the event history, not files; --athena needs its table.
    for args in [
        vec!["trail", TRAIL, "--aws"],
        vec!["trail", "--athena", "--database", "security"],
        vec!["trail", TRAIL, "--profile", "p"],
        vec![
            "trail",
            "--aws",
            "--athena",
            "--database",
            "d",
            "--table",
            "t",
        ],
        vec![
            "trail",
            "--athena",
            "--database",
            "d",
            "--table",
            "t",
            "--region",
            "us-east-1,eu-west-1",
        ],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let help = String::from_utf8(run(&["trail", "--help"]).stdout).unwrap();
    assert!(help.contains("Exit status: 0 no failed sign-in in the window, 1 at least one"));
}

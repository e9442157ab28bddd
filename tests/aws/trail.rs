//! `saml-doctor trail --aws` and `--athena` on the real binary, against local AWS endpoints
//! (`AWS_ENDPOINT_URL_CLOUDTRAIL`, `AWS_ENDPOINT_URL_ATHENA`), with the credentials and Region
//! from the environment as a user would set them.
//!
//! - `--athena` against moto's Athena (MOTO_ENDPOINT, as .ci/run starts it). moto runs no SQL: the
//!   query `--print-sql` writes is run in DuckDB over the example trail (scripts/trail-duckdb.py,
//!   as crates/trail/tests/trail/duckdb.rs does), its rows are seeded as moto's query results, and the
//!   binary's report must equal its own report of the same folder and window.
//! - `--aws` against a recorded-response CloudTrail (moto 5.2.1's CloudTrail has no
//!   LookupEvents): a loopback server speaking LookupEvents' JSON protocol, holding to the API
//!   reference (one lookup attribute, 1 to 50 results a page, tokens tied to their query, two
//!   calls a second per Region, else a ThrottlingException), serving the events of the saved
//!   `lookup-events` output. The report must equal the one of that file.
//!
//! Without MOTO_ENDPOINT, or python3 with duckdb and sqlglot, the Athena test says it did not
//! run, and fails if SAML_DOCTOR_REQUIRE_MOTO or SAML_DOCTOR_REQUIRE_DUCKDB is set (as CI sets
//! them).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{root, run};

const TRAIL: &str = "examples/cloudtrail";
const LOOKUP: &str = "crates/trail/testdata/lookup-events.json";

/// The binary with AWS set up through the environment only: test credentials, `region`, the
/// given endpoint overrides, no config file, no instance metadata, no SDK retries.
fn with_aws(args: &[&str], region: &str, endpoints: &[(&str, &str)]) -> (i32, Value, String) {
    let empty = root().join("tests/fixtures/aws-config-empty");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_saml-doctor"));
    cmd.arg("trail")
        .args(args)
        .args(["--format", "json"])
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", region)
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_MAX_ATTEMPTS", "1");
    for (name, url) in endpoints {
        cmd.env(name, url);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {stdout}\n{stderr}"));
    (out.status.code().unwrap(), report, stderr)
}

/// The report of the same events read locally, for comparison: without the warnings of files
/// the remote side never sees, and without `source`.
fn local(args: &[&str]) -> Value {
    let mut all = vec!["trail"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let mut report: Value = serde_json::from_slice(&run(&all).stdout).unwrap();
    strip(&mut report);
    report
}

fn strip(report: &mut Value) {
    let r = report.as_object_mut().unwrap();
    r.remove("source");
    if let Some(Value::Array(w)) = r.get_mut("warnings") {
        w.retain(|w| w["kind"] == "empty_window");
    }
}

// ---- --athena, against moto --------------------------------------------------------------

fn duckdb_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb, sqlglot"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("NOT RUN: python3 cannot import duckdb and sqlglot (pip install duckdb==1.4.1 sqlglot==30.31.0)");
        assert!(
            std::env::var("SAML_DOCTOR_REQUIRE_DUCKDB").map_or(true, |v| v != "1"),
            "SAML_DOCTOR_REQUIRE_DUCKDB=1 but python3 cannot import duckdb and sqlglot"
        );
    }
    ok
}

/// POSTs JSON to the moto server's control API.
fn moto_post(endpoint: &str, path: &str, body: &str) {
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).expect("moto is reachable");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 20") || answer.starts_with("HTTP/1.0 20"),
        "{path}: {answer}"
    );
}

#[test]
fn athena_runs_the_printed_query_and_reads_back_the_report() {
    let Some((moto, _turn)) = crate::aws::moto_turn_blocking() else {
        return;
    };
    if !duckdb_available() {
        return;
    }
    let window = ["--since", "2024-05-07", "--until", "2024-05-09"];
    let table = ["--database", "trail", "--table", "cloudtrail_logs"];
    // The query the binary sends, run where SQL runs: DuckDB over the same folder.
    let mut args = vec!["trail", "--print-sql"];
    args.extend(table);
    args.extend(window);
    let sql = run(&args).stdout;
    let file =
        std::env::temp_dir().join(format!("saml-doctor-trail-aws-{}.sql", std::process::id()));
    std::fs::write(&file, &sql).unwrap();
    let out = Command::new("python3")
        .arg(root().join("scripts/trail-duckdb.py"))
        .args(["--query".as_ref(), file.as_os_str()])
        .args(["--table", "trail.cloudtrail_logs", TRAIL])
        .current_dir(root())
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Vec<Option<String>>> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.len() > 20, "the grouped rows of the analysis");
    // Seeded as moto's next results in us-west-2 (a Region no other test seeds), as Athena
    // returns them: every value text, the column names first.
    let results: Vec<Value> = rows
        .iter()
        .map(|r| json!({"Data": r.iter().map(|v| match v { Some(v) => json!({"VarCharValue": v}), None => json!({}) }).collect::<Vec<_>>()}))
        .collect();
    let seed = json!({"account_id": "123456789012", "region": "us-west-2", "results": [{"rows": results, "column_info": []}]});
    moto_post(
        &moto,
        "/moto-api/static/athena/query-results",
        &seed.to_string(),
    );

    let mut args = vec![
        "--athena",
        "--output-location",
        "s3://athena-results-example/trail/",
    ];
    args.extend(table);
    args.extend(window);
    let (code, mut report, stderr) =
        with_aws(&args, "us-west-2", &[("AWS_ENDPOINT_URL_ATHENA", &moto)]);
    assert_eq!(code, 1, "failed sign-ins in the window: {stderr}");
    assert_eq!(report["source"]["kind"], "athena");
    assert_eq!(report["source"]["table"], "trail.cloudtrail_logs");
    // moto scans nothing; Athena bills 10 MB at least: $0.00005.
    assert_eq!(report["source"]["scanned_bytes"], 0);
    assert!(
        stderr.contains("(query ") && stderr.contains(": 0 B scanned, $0.00005)"),
        "{stderr}"
    );
    strip(&mut report);
    let mut local_args = vec![TRAIL];
    local_args.extend(window);
    assert_eq!(report, local(&local_args));
    // Days 7 and 8 only: bob's and carol's failures of day 6 are out.
    assert_eq!(report["sign_ins"]["failed"], 14);

    // --output-location must be an S3 URL: refused before any call.
    let mut args = vec!["--athena", "--output-location", "https://example.com/"];
    args.extend(table);
    let out = Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .arg("trail")
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---- --aws, against a recorded-response CloudTrail -------------------------------------

/// What the fake saw: each call's Region, event name and token, when, and whether it was
/// throttled.
#[derive(Debug, Clone)]
struct Call {
    region: String,
    name: String,
    token: Option<String>,
    at: Instant,
    throttled: bool,
    /// `StartTime` and `EndTime`, seconds since 1970.
    window: (Option<f64>, Option<f64>),
}

struct Fake {
    events: Vec<Value>,
    calls: Vec<Call>,
    /// Calls to throttle whatever the pace (as if another client used the account's budget).
    throttle_first_in: Option<String>,
}

/// The saved `lookup-events` output's events, with `EventTime` in seconds as the API sends it.
fn recorded_events() -> Vec<Value> {
    let doc: Value = serde_json::from_slice(&std::fs::read(root().join(LOOKUP)).unwrap()).unwrap();
    doc["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut e = e.clone();
            let time = e["EventTime"].as_str().unwrap().replace("+00:00", "Z");
            let secs = epoch_seconds(&time);
            e["EventTime"] = json!(secs);
            e
        })
        .collect()
}

/// Seconds since 1970 of an RFC 3339 UTC instant (days from the civil date).
fn epoch_seconds(t: &str) -> i64 {
    let n = |a: usize, b: usize| t[a..b].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19)
}

/// The answer to one LookupEvents request, as the API reference describes the call.
fn lookup_answer(fake: &mut Fake, region: &str, body: &Value) -> (u16, Value) {
    let error = |kind: &str, message: &str| (400, json!({"__type": kind, "message": message}));
    let attributes = body["LookupAttributes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if attributes.len() != 1 || attributes[0]["AttributeKey"] != "EventName" {
        return error(
            "InvalidLookupAttributesException",
            "one lookup attribute per call",
        );
    }
    let name = attributes[0]["AttributeValue"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let max = body["MaxResults"].as_i64().unwrap_or(50);
    if !(1..=50).contains(&max) {
        return error("InvalidMaxResultsException", "MaxResults is 1 to 50");
    }
    let token = body["NextToken"].as_str().map(str::to_owned);
    let (from, to) = (body["StartTime"].as_f64(), body["EndTime"].as_f64());
    let now = Instant::now();
    // Two calls a second per Region: a third call within a second is throttled. (The server
    // sees the calls a little later than the client sends them: 10% slack for that.)
    let mine: Vec<&Call> = fake
        .calls
        .iter()
        .filter(|c| c.region == region && !c.throttled)
        .collect();
    let too_fast =
        mine.len() >= 2 && now.duration_since(mine[mine.len() - 2].at) < Duration::from_millis(900);
    let forced = fake.throttle_first_in.as_deref() == Some(region);
    let throttled = too_fast || forced;
    if forced {
        fake.throttle_first_in = None;
    }
    fake.calls.push(Call {
        region: region.to_owned(),
        name: name.clone(),
        token: token.clone(),
        at: now,
        throttled,
        window: (from, to),
    });
    if throttled {
        return error("ThrottlingException", "Rate exceeded");
    }
    let start = token
        .as_deref()
        .map(|t| {
            match t
                .strip_prefix(&format!("{name}:"))
                .and_then(|i| i.parse::<usize>().ok())
            {
                Some(i) => Ok(i),
                None => Err(()),
            }
        })
        .transpose();
    let Ok(start) = start else {
        return error("InvalidNextTokenException", "a token of another query");
    };
    // The recorded events are us-east-1's; one a page, so that the client pages.
    let matching: Vec<&Value> = fake
        .events
        .iter()
        .filter(|e| region == "us-east-1" && e["EventName"] == name.as_str())
        .filter(|e| {
            let t = e["EventTime"].as_f64().unwrap();
            from.is_none_or(|f| t >= f) && to.is_none_or(|u| t <= u)
        })
        .collect();
    let i = start.unwrap_or(0);
    let mut answer =
        json!({"Events": matching.get(i).map(|e| vec![(*e).clone()]).unwrap_or_default()});
    if i + 1 < matching.len() {
        answer["NextToken"] = json!(format!("{name}:{}", i + 1));
    }
    (200, answer)
}

/// The Region a signed request is for: its credential scope (`…/DATE/REGION/cloudtrail/…`).
fn region_of(authorization: &str) -> String {
    authorization
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').nth(2))
        .unwrap_or("")
        .to_owned()
}

/// A CloudTrail LookupEvents endpoint on a loopback port. Returns its URL.
fn fake_cloudtrail(fake: Arc<Mutex<Fake>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let fake = Arc::clone(&fake);
            std::thread::spawn(move || serve(stream, &fake));
        }
    });
    url
}

fn serve(stream: TcpStream, fake: &Mutex<Fake>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let (mut length, mut target, mut authorization) = (0, String::new(), String::new());
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                let v = v.trim().to_owned();
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => length = v.parse().unwrap_or(0),
                    "x-amz-target" => target = v,
                    "authorization" => authorization = v,
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (status, answer) = if target == "CloudTrail_20131101.LookupEvents" {
            let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            lookup_answer(&mut fake.lock().unwrap(), &region_of(&authorization), &body)
        } else {
            (
                400,
                json!({"__type": "UnknownOperationException", "message": target}),
            )
        };
        let answer = answer.to_string();
        let mut out = &stream;
        let reason = if status == 200 { "OK" } else { "Bad Request" };
        let _ = write!(
            out,
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
    }
}

#[test]
fn aws_reads_the_event_history_of_each_region_within_the_rate_limit() {
    let fake = Arc::new(Mutex::new(Fake {
        events: recorded_events(),
        calls: Vec::new(),
        throttle_first_in: Some("eu-west-2".into()),
    }));
    let url = fake_cloudtrail(Arc::clone(&fake));
    let window = ["--since", "2024-05-10", "--until", "2024-05-11"];
    let mut args = vec!["--aws"];
    args.extend(window);
    // No --region: the configured Region (AWS_REGION) and us-east-1, where STS logs.
    let (code, mut report, stderr) =
        with_aws(&args, "eu-west-2", &[("AWS_ENDPOINT_URL_CLOUDTRAIL", &url)]);
    assert_eq!(code, 1, "{stderr}");
    // The window is older than the event history keeps: said once; no progress drawn off a
    // terminal.
    assert_eq!(
        stderr,
        "saml-doctor: note: the event history keeps 90 days; older events are only in a trail (read its folder, or use --athena)\n"
    );
    assert_eq!(
        report["source"],
        json!({"kind": "event_history", "regions": ["eu-west-2", "us-east-1"]})
    );
    strip(&mut report);
    let mut local_args = vec![LOOKUP];
    local_args.extend(window);
    assert_eq!(
        report,
        local(&local_args),
        "the same report as the saved output's"
    );
    assert_eq!(report["sign_ins"]["failed"], 2);

    let calls = fake.lock().unwrap().calls.clone();
    let seen: Vec<String> = calls
        .iter()
        .map(|c| {
            format!(
                "{} {} {}{}",
                c.region,
                c.name,
                c.token.as_deref().unwrap_or("-"),
                if c.throttled { " throttled" } else { "" }
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            // The throttled call is tried again after a pause.
            "eu-west-2 AssumeRoleWithSAML - throttled",
            "eu-west-2 AssumeRoleWithSAML -",
            "eu-west-2 GetFederationToken -",
            "eu-west-2 ExternalIdPDirectoryLogin -",
            "eu-west-2 UserAuthentication -",
            "us-east-1 AssumeRoleWithSAML -",
            "us-east-1 AssumeRoleWithSAML AssumeRoleWithSAML:1",
            "us-east-1 AssumeRoleWithSAML AssumeRoleWithSAML:2",
            "us-east-1 GetFederationToken -",
            "us-east-1 ExternalIdPDirectoryLogin -",
            "us-east-1 UserAuthentication -",
        ]
    );
    // Never throttled for going too fast: at most two calls in any second of a Region.
    for region in ["eu-west-2", "us-east-1"] {
        let at: Vec<Instant> = calls
            .iter()
            .filter(|c| c.region == region && !c.throttled)
            .map(|c| c.at)
            .collect();
        for w in at.windows(3) {
            assert!(
                w[2].duration_since(w[0]) >= Duration::from_millis(900),
                "{region}: {seen:?}"
            );
        }
    }
}

#[test]
fn aws_reads_the_regions_asked_for_and_fails_cleanly_without_an_endpoint() {
    let fake = Arc::new(Mutex::new(Fake {
        events: recorded_events(),
        calls: Vec::new(),
        throttle_first_in: None,
    }));
    let url = fake_cloudtrail(Arc::clone(&fake));
    let (code, report, _) = with_aws(
        &[
            "--aws",
            "--region",
            "us-east-1",
            "--since",
            "2024-05-10T09:04:00Z",
            "--until",
            "2024-05-11",
        ],
        "eu-west-2",
        &[("AWS_ENDPOINT_URL_CLOUDTRAIL", &url)],
    );
    assert_eq!(code, 1);
    assert_eq!(report["source"]["regions"], json!(["us-east-1"]));
    // The window reaches the API: sam's first failure (09:00) is before it.
    assert_eq!(report["sign_ins"]["failed"], 1);
    let since = epoch_seconds("2024-05-10T09:04:00Z") as f64;
    let until = epoch_seconds("2024-05-11T00:00:00Z") as f64;
    let calls = fake.lock().unwrap().calls.clone();
    // Two pages of AssumeRoleWithSAML (the 09:00 one is outside the window), one of each other.
    assert_eq!(calls.len(), 5, "{calls:?}");
    assert!(
        calls
            .iter()
            .all(|c| c.region == "us-east-1" && c.window == (Some(since), Some(until))),
        "{calls:?}"
    );

    // Nothing listens: one line saying which call failed where, exit 2.
    let empty = root().join("tests/fixtures/aws-config-empty");
    let out = Command::new(env!("CARGO_BIN_EXE_saml-doctor"))
        .args(["trail", "--aws", "--region", "us-east-1"])
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_ENDPOINT_URL_CLOUDTRAIL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("saml-doctor: cloudtrail:LookupEvents in us-east-1 failed: "),
        "{err}"
    );
}

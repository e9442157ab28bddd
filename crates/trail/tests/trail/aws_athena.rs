//! The Athena call flow: start, poll, page the results (the first row holds the column names),
//! the bytes scanned, and a query that did not succeed reported with Athena's reason.
//!
//! Against moto's Athena (MOTO_ENDPOINT, as `.ci/run` starts it): moto does not run queries;
//! results are seeded through `/moto-api/static/athena/query-results`, and its state manager
//! holds each query QUEUED then RUNNING for a few polls. moto has no FAILED state (its
//! executions go QUEUED, RUNNING, SUCCEEDED, or CANCELLED when stopped), so FAILED and paging
//! over several pages are tested on recorded responses (aws-smithy-mocks) too. Without
//! MOTO_ENDPOINT the moto test says it did not run, and fails if SAML_DOCTOR_REQUIRE_MOTO is set.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use aws_sdk_athena::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_athena::operation::get_query_execution::GetQueryExecutionOutput;
use aws_sdk_athena::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_athena::operation::start_query_execution::StartQueryExecutionOutput;
use aws_sdk_athena::types::{
    Datum, QueryExecution, QueryExecutionState, QueryExecutionStatistics, QueryExecutionStatus,
    ResultSet, Row,
};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use saml_core::Timestamp;
use trail::aws::athena::{analyze_on_athena, run_query, AthenaError, Poll, Target};
use trail::sql::QuerySpec;

fn fast() -> Poll {
    Poll {
        first: Duration::from_millis(5),
        longest: Duration::from_millis(20),
        timeout: Duration::from_secs(20),
    }
}

fn spec() -> QuerySpec {
    QuerySpec {
        database: "security".into(),
        table: "cloudtrail_logs".into(),
        since: Timestamp::parse("2024-05-06T00:00:00Z").unwrap(),
        until: Some(Timestamp::parse("2024-05-09T00:00:00Z").unwrap()),
        now: Timestamp::parse("2024-05-10T00:00:00Z").unwrap(),
        accounts: vec![],
    }
}

/// The rows the analysis query returns for two failures of one user (header first).
fn rows() -> Vec<Vec<Option<&'static str>>> {
    vec![
        vec![
            Some("kind"),
            Some("a"),
            Some("b"),
            Some("c"),
            Some("d"),
            Some("e"),
        ],
        vec![
            Some("totals"),
            Some("5120"),
            Some("3"),
            Some("2"),
            None,
            None,
        ],
        vec![
            Some("cause"),
            Some("signature_invalid"),
            Some("2"),
            Some("1"),
            Some("1715066400000"),
            Some("1715155800000"),
        ],
        vec![
            Some("cause_message"),
            Some("signature_invalid"),
            Some("Response signature invalid"),
            None,
            None,
            None,
        ],
        vec![
            Some("user"),
            Some("dan@example.com"),
            Some("2"),
            Some("1715155800000"),
            Some("true"),
            None,
        ],
        vec![
            Some("user_code"),
            Some("dan@example.com"),
            Some("signature_invalid"),
            None,
            None,
            None,
        ],
        vec![
            Some("day"),
            Some("19850"),
            Some("signature_invalid"),
            Some("1"),
            None,
            None,
        ],
        vec![
            Some("day"),
            Some("19851"),
            Some("signature_invalid"),
            Some("1"),
            None,
            None,
        ],
    ]
}

fn row(values: &[Option<&str>]) -> Row {
    Row::builder()
        .set_data(Some(
            values
                .iter()
                .map(|v| {
                    let d = Datum::builder();
                    match v {
                        Some(v) => d.var_char_value(*v).build(),
                        None => d.build(),
                    }
                })
                .collect(),
        ))
        .build()
}

fn execution(state: QueryExecutionState, reason: Option<&str>) -> GetQueryExecutionOutput {
    GetQueryExecutionOutput::builder()
        .query_execution(
            QueryExecution::builder()
                .query_execution_id("q-1")
                .status(
                    QueryExecutionStatus::builder()
                        .state(state)
                        .set_state_change_reason(reason.map(str::to_owned))
                        .build(),
                )
                .statistics(
                    QueryExecutionStatistics::builder()
                        .data_scanned_in_bytes(48_318_382_080)
                        .build(),
                )
                .build(),
        )
        .build()
}

#[tokio::test]
async fn start_poll_and_page_on_recorded_responses() {
    let start = mock!(aws_sdk_athena::Client::start_query_execution)
        .match_requests(|r| {
            r.query_execution_context().and_then(|c| c.database()) == Some("security")
                && r.work_group() == Some("analysts")
                && r.query_string()
                    .is_some_and(|q| q.contains("FROM \"security\".\"cloudtrail_logs\""))
        })
        .then_output(|| {
            StartQueryExecutionOutput::builder()
                .query_execution_id("q-1")
                .build()
        });
    let polls = mock!(aws_sdk_athena::Client::get_query_execution)
        .sequence()
        .output(|| execution(QueryExecutionState::Queued, None))
        .output(|| execution(QueryExecutionState::Running, None))
        .output(|| execution(QueryExecutionState::Succeeded, None))
        .build();
    // Two pages: the header only on the first, as Athena does; pages of at most 1,000 rows.
    let all = rows();
    let (first, second) = (all[..4].to_vec(), all[4..].to_vec());
    let page1 = mock!(aws_sdk_athena::Client::get_query_results)
        .match_requests(|r| r.next_token().is_none() && r.max_results() == Some(1000))
        .then_output(move || {
            GetQueryResultsOutput::builder()
                .result_set(
                    ResultSet::builder()
                        .set_rows(Some(first.iter().map(|r| row(r)).collect()))
                        .build(),
                )
                .next_token("t-2")
                .build()
        });
    let page2 = mock!(aws_sdk_athena::Client::get_query_results)
        .match_requests(|r| r.next_token() == Some("t-2"))
        .then_output(move || {
            GetQueryResultsOutput::builder()
                .result_set(
                    ResultSet::builder()
                        .set_rows(Some(second.iter().map(|r| row(r)).collect()))
                        .build(),
                )
                .build()
        });
    let client = mock_client!(
        aws_sdk_athena,
        RuleMode::MatchAny,
        &[&start, &polls, &page1, &page2]
    );
    let target = Target {
        database: "security".into(),
        workgroup: Some("analysts".into()),
        output_location: None,
    };
    let run = analyze_on_athena(&client, &spec(), &target, &fast())
        .await
        .unwrap();
    let (report, scanned) = (run.report, run.scanned_bytes);
    assert_eq!(polls.num_calls(), 3);
    assert_eq!(run.query_execution_id, "q-1");
    assert_eq!(scanned, 48_318_382_080);
    assert!((trail::sql::cost_dollars(scanned) - 0.2416).abs() < 1e-3);
    assert_eq!(report.events_read, 5120);
    assert_eq!(report.causes[0].code.as_str(), "signature_invalid");
    assert_eq!(report.causes[0].first.to_string(), "2024-05-07T07:20:00Z");
    assert_eq!(report.per_day.len(), 2);
    assert!(report.users[0].recovered);
}

#[tokio::test]
async fn a_failed_query_reports_athena_s_reason() {
    let start = mock!(aws_sdk_athena::Client::start_query_execution).then_output(|| {
        StartQueryExecutionOutput::builder()
            .query_execution_id("q-1")
            .build()
    });
    let failed = mock!(aws_sdk_athena::Client::get_query_execution).then_output(|| {
        execution(
            QueryExecutionState::Failed,
            Some("TABLE_NOT_FOUND: line 9:8: Table 'awsdatacatalog.security.cloudtrail_logs' does not exist"),
        )
    });
    let client = mock_client!(aws_sdk_athena, RuleMode::MatchAny, &[&start, &failed]);
    let err = run_query(&client, "SELECT 1", &Target::default(), &fast())
        .await
        .unwrap_err();
    match err {
        AthenaError::NotSucceeded { state, reason, .. } => {
            assert_eq!(state, "FAILED");
            assert!(reason.starts_with("TABLE_NOT_FOUND"), "{reason}");
        }
        other => panic!("{other}"),
    }
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

#[tokio::test]
async fn the_call_flow_against_moto() {
    let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") else {
        eprintln!("NOT RUN: set MOTO_ENDPOINT to a moto server (`python3 -m moto.server -H 127.0.0.1 -p 5055`); .ci/run does");
        assert!(
            std::env::var_os("SAML_DOCTOR_REQUIRE_MOTO").is_none(),
            "SAML_DOCTOR_REQUIRE_MOTO is set but MOTO_ENDPOINT is not"
        );
        return;
    };
    // Each query stays QUEUED, then RUNNING, for two polls before it succeeds.
    moto_post(
        &endpoint,
        "/moto-api/state-manager/set-transition",
        r#"{"model_name": "athena::execution", "transition": {"progression": "manual", "times": 2}}"#,
    );
    let results: Vec<serde_json::Value> = rows()
        .iter()
        .map(|r| {
            serde_json::json!({"Data": r.iter().map(|v| match v {
                Some(v) => serde_json::json!({"VarCharValue": v}),
                None => serde_json::json!({}),
            }).collect::<Vec<_>>()})
        })
        .collect();
    let seed = serde_json::json!({
        "account_id": "123456789012",
        "region": "eu-west-2",
        "results": [{"rows": results, "column_info": []}],
    });
    moto_post(
        &endpoint,
        "/moto-api/static/athena/query-results",
        &seed.to_string(),
    );
    let config = aws_sdk_athena::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-2"))
        .endpoint_url(&endpoint)
        .http_client(connect_check::aws::https_client())
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .build();
    let client = aws_sdk_athena::Client::from_conf(config);
    let target = Target {
        database: "security".into(),
        workgroup: None,
        output_location: Some("s3://athena-results-example/trail/".into()),
    };
    let run = analyze_on_athena(&client, &spec(), &target, &fast())
        .await
        .unwrap();
    let (report, scanned) = (run.report, run.scanned_bytes);
    assert_eq!(report.events_read, 5120);
    assert_eq!(report.sign_ins.failed, 2);
    assert_eq!(report.users[0].user, "dan@example.com");
    // moto reports no data scanned; Athena bills at least 10 MB.
    assert_eq!(scanned, 0);

    // A query stopped while this crate polls it ends CANCELLED: reported with its state.
    moto_post(
        &endpoint,
        "/moto-api/state-manager/set-transition",
        r#"{"model_name": "athena::execution", "transition": {"progression": "manual", "times": 100000}}"#,
    );
    let ids = |out: aws_sdk_athena::operation::list_query_executions::ListQueryExecutionsOutput| {
        out.query_execution_ids().to_vec()
    };
    let before = ids(client.list_query_executions().send().await.unwrap());
    let stopper = async {
        loop {
            let now = ids(client.list_query_executions().send().await.unwrap());
            if let Some(new) = now.iter().find(|id| !before.contains(id)) {
                client
                    .stop_query_execution()
                    .query_execution_id(new)
                    .send()
                    .await
                    .unwrap();
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let poll = fast();
    let (result, ()) = tokio::join!(run_query(&client, "SELECT 1", &target, &poll), stopper);
    moto_post(
        &endpoint,
        "/moto-api/state-manager/set-transition",
        r#"{"model_name": "athena::execution", "transition": {"progression": "immediate"}}"#,
    );
    match result {
        Err(AthenaError::NotSucceeded { state, .. }) => assert_eq!(state, "CANCELLED"),
        other => panic!("{other:?}"),
    }
}

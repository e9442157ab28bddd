//! The event history through `LookupEvents`, on recorded responses (aws-smithy-mocks) from a
//! fake that holds to the API reference: one lookup attribute per call, at most 50 events a
//! page, paging tokens, and two calls per second per Region (a faster caller is throttled). The
//! events are those of the saved `lookup-events` output, so the report must equal the local
//! engine's on that file.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cloudtrail::operation::lookup_events::{LookupEventsError, LookupEventsOutput};
use aws_sdk_cloudtrail::types::{Event, LookupAttributeKey};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use trail::aws::lookup::{read_history, LookupError, Pace, Progress};
use trail::{analyze, Input, Options, Window};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/lookup-events.json")
}

/// The saved output's events: (event name, CloudTrailEvent text).
fn events() -> Vec<(String, String)> {
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture()).unwrap()).unwrap();
    doc["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["EventName"].as_str().unwrap().to_owned(),
                e["CloudTrailEvent"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn event(text: &str) -> Event {
    Event::builder().cloud_trail_event(text).build()
}

fn throttled() -> LookupEventsError {
    LookupEventsError::generic(
        ErrorMetadata::builder()
            .code("ThrottlingException")
            .message("Rate exceeded")
            .build(),
    )
}

#[tokio::test]
async fn pages_through_each_event_name_within_the_rate_limit() {
    let all = events();
    // The AssumeRoleWithSAML events one per page, to page through them.
    let saml: Vec<String> = all
        .iter()
        .filter(|(n, _)| n == "AssumeRoleWithSAML")
        .map(|(_, t)| t.clone())
        .collect();
    assert_eq!(saml.len(), 3);
    let calls: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
    let log = Arc::clone(&calls);
    let all_for_rule = all.clone();
    let rule = mock!(aws_sdk_cloudtrail::Client::lookup_events)
        .match_requests(move |r| {
            // The API reference: one attribute per call, at most 50 events a page.
            let attributes = r.lookup_attributes();
            let ok = attributes.len() == 1
                && attributes[0].attribute_key() == &LookupAttributeKey::EventName
                && r.max_results().is_some_and(|m| (1..=50).contains(&m));
            let name = attributes.first().map_or("", |a| a.attribute_value());
            log.lock().unwrap().push((
                Instant::now(),
                format!("{name}:{}", r.next_token().unwrap_or("")),
            ));
            ok
        })
        .then_compute_output(move |r| {
            let name = r.lookup_attributes()[0].attribute_value();
            let page = match r.next_token() {
                None => 0,
                Some(t) => t.trim_start_matches("page-").parse::<usize>().unwrap(),
            };
            let of_name: Vec<&String> = all_for_rule
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, t)| t)
                .collect();
            let mut out = LookupEventsOutput::builder();
            if let Some(text) = of_name.get(page) {
                out = out.events(event(text));
            }
            if page + 1 < of_name.len() {
                out = out.next_token(format!("page-{}", page + 1));
            }
            out.build()
        });
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&rule]);
    let mut seen = Vec::new();
    let report = read_history(
        &[("us-east-1".to_owned(), client)],
        &Window::default(),
        &Pace::default(),
        &mut |p: Progress<'_>| seen.push((p.event_name.to_owned(), p.events)),
    )
    .await
    .unwrap();

    // 3 pages of AssumeRoleWithSAML, one of GetFederationToken, one empty page each for the
    // Identity Center event names.
    let calls = calls.lock().unwrap().clone();
    let keys: Vec<&str> = calls.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "AssumeRoleWithSAML:",
            "AssumeRoleWithSAML:page-1",
            "AssumeRoleWithSAML:page-2",
            "GetFederationToken:",
            "ExternalIdPDirectoryLogin:",
            "UserAuthentication:",
        ]
    );
    // Never more than two calls in any second.
    for w in calls.windows(3) {
        assert!(
            w[2].0.duration_since(w[0].0) >= Duration::from_millis(1000),
            "three calls within a second: {keys:?}"
        );
    }
    assert_eq!(seen.last().unwrap().1, 4);
    // The same events as the saved output: the same report.
    let local = analyze(&[Input::Path(fixture())], &Options::default());
    assert_eq!(report, local);
    assert_eq!(report.sign_ins.failed, 2);
}

fn no_retry(b: aws_sdk_cloudtrail::config::Builder) -> aws_sdk_cloudtrail::config::Builder {
    b.retry_config(aws_sdk_cloudtrail::config::retry::RetryConfig::disabled())
}

#[tokio::test]
async fn throttled_calls_are_retried_then_reported() {
    let (_, text) = events().into_iter().next().unwrap();
    let is_saml = |r: &aws_sdk_cloudtrail::operation::lookup_events::LookupEventsInput| {
        r.lookup_attributes()[0].attribute_value() == "AssumeRoleWithSAML"
    };
    let rule = mock!(aws_sdk_cloudtrail::Client::lookup_events)
        .match_requests(is_saml)
        .sequence()
        .error(throttled)
        .times(2)
        .output(move || LookupEventsOutput::builder().events(event(&text)).build())
        .build();
    let rest = mock!(aws_sdk_cloudtrail::Client::lookup_events)
        .match_requests(move |r| !is_saml(r))
        .then_output(|| LookupEventsOutput::builder().build());
    // The SDK's own retries off, to count this crate's (in use, the SDK retries first).
    let client = mock_client!(
        aws_sdk_cloudtrail,
        RuleMode::MatchAny,
        &[&rule, &rest],
        no_retry
    );
    let pace = Pace {
        interval: Duration::ZERO,
        backoff: Duration::from_millis(1),
        retries: 3,
    };
    let report = read_history(
        &[("us-east-1".to_owned(), client)],
        &Window::default(),
        &pace,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 3);
    assert_eq!(report.sign_ins.attempts, 1);

    let always = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_error(throttled);
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&always], no_retry);
    let err = read_history(
        &[("eu-west-2".to_owned(), client)],
        &Window::default(),
        &pace,
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        LookupError::Throttled {
            region: "eu-west-2".into(),
            retries: 3
        }
    );
    assert_eq!(always.num_calls(), 4);

    let denied = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_error(|| {
        LookupEventsError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized to perform: cloudtrail:LookupEvents")
                .build(),
        )
    });
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&denied]);
    let err = read_history(
        &[("us-east-1".to_owned(), client)],
        &Window::default(),
        &pace,
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, LookupError::Failed { message, .. } if message.starts_with("AccessDeniedException")),
        "{err}"
    );
}

//! The account's event history through CloudTrail's `LookupEvents`: the last 90 days of
//! management events, which every account keeps without a trail.
//!
//! As the API reference says: one lookup attribute per call (so one series of calls per
//! sign-in event name), at most 50 events a page with a `NextToken` for the next, and at most
//! two calls per second per account and Region, beyond which the service throttles. Calls in a
//! Region are spaced [`Pace::interval`] apart (Regions are read one after the other), and a
//! throttled call is retried after a growing pause, on top of the SDK's own retries. Each
//! event's `CloudTrailEvent` goes through the same reader as a trail's files.

use std::time::{Duration, Instant};

use aws_sdk_cloudtrail::error::ProvideErrorMetadata;
use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};

use crate::aggregate::Aggregator;
use crate::report::Report;
use crate::window::Window;

/// The sign-in events looked up, one series of calls each.
pub const EVENT_NAMES: [&str; 4] = [
    "AssumeRoleWithSAML",
    "GetFederationToken",
    "ExternalIdPDirectoryLogin",
    "UserAuthentication",
];

/// `LookupEvents`' largest page.
pub const PAGE: i32 = 50;

/// How fast to call.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// The least time between two calls in one Region (2 per second: 500 ms).
    pub interval: Duration,
    /// The first pause after a throttled call; doubled on each further one.
    pub backoff: Duration,
    /// Throttled calls retried before giving up.
    pub retries: u32,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            interval: Duration::from_millis(500),
            backoff: Duration::from_secs(1),
            retries: 6,
        }
    }
}

/// Where the lookup is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress<'a> {
    /// The Region being read.
    pub region: &'a str,
    /// The event name being looked up.
    pub event_name: &'a str,
    /// Events received so far, all Regions.
    pub events: u64,
}

/// Why the event history could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// A call failed for a reason other than throttling, or its lookup attribute could not be
    /// built.
    #[error("cloudtrail:LookupEvents in {region} failed: {message}")]
    Failed {
        /// The Region whose event history was being read.
        region: String,
        /// The SDK's error as one line (`Code: message` when the service gave both).
        message: String,
    },
    /// A call was still throttled after [`Pace::retries`] retries.
    #[error("cloudtrail:LookupEvents in {region} is still throttled after {retries} retries: try again later, or with a shorter --since")]
    Throttled {
        /// The Region whose event history was being read.
        region: String,
        /// The retries made after the first throttled call ([`Pace::retries`]).
        retries: u32,
    },
}

/// Reads the sign-in events of the window from each Region's event history into a report.
pub async fn read_history(
    clients: &[(String, aws_sdk_cloudtrail::Client)],
    window: &Window,
    pace: &Pace,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Report, LookupError> {
    let mut aggregator = Aggregator::new();
    let mut received = 0u64;
    for (region, client) in clients {
        let mut last_call: Option<Instant> = None;
        for name in EVENT_NAMES {
            let mut token: Option<String> = None;
            loop {
                let page = call(
                    client,
                    region,
                    name,
                    window,
                    token.clone(),
                    pace,
                    &mut last_call,
                )
                .await?;
                for event in page.events() {
                    received += 1;
                    if let Some(text) = event.cloud_trail_event() {
                        crate::ingest(text, window, &mut aggregator);
                    }
                }
                progress(Progress {
                    region,
                    event_name: name,
                    events: received,
                });
                match page.next_token() {
                    // A token handed back unchanged would page forever.
                    Some(next) if !next.is_empty() && token.as_deref() != Some(next) => {
                        token = Some(next.to_owned());
                    }
                    _ => break,
                }
            }
        }
    }
    Ok(aggregator.finish().into_report(*window, Vec::new()))
}

async fn call(
    client: &aws_sdk_cloudtrail::Client,
    region: &str,
    name: &str,
    window: &Window,
    token: Option<String>,
    pace: &Pace,
    last_call: &mut Option<Instant>,
) -> Result<aws_sdk_cloudtrail::operation::lookup_events::LookupEventsOutput, LookupError> {
    let failed = |message: String| LookupError::Failed {
        region: region.to_owned(),
        message,
    };
    let attribute = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventName)
        .attribute_value(name)
        .build()
        .map_err(|e| failed(e.to_string()))?;
    let mut pause = pace.backoff;
    for attempt in 0..=pace.retries {
        if let Some(last) = *last_call {
            let next = last + pace.interval;
            let now = Instant::now();
            if next > now {
                tokio::time::sleep(next - now).await;
            }
        }
        *last_call = Some(Instant::now());
        let result = client
            .lookup_events()
            .lookup_attributes(attribute.clone())
            .max_results(PAGE)
            .set_start_time(window.since.map(|t| DateTime::from_millis(t.unix_millis())))
            .set_end_time(window.until.map(|t| DateTime::from_millis(t.unix_millis())))
            .set_next_token(token.clone())
            .send()
            .await;
        match result {
            Ok(page) => return Ok(page),
            Err(e) if is_throttling(e.code()) && attempt < pace.retries => {
                tokio::time::sleep(pause).await;
                pause = pause.saturating_mul(2);
            }
            Err(e) if is_throttling(e.code()) => break,
            Err(e) => return Err(failed(super::error_text(&e))),
        }
    }
    Err(LookupError::Throttled {
        region: region.to_owned(),
        retries: pace.retries,
    })
}

fn is_throttling(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            "ThrottlingException"
                | "Throttling"
                | "TooManyRequestsException"
                | "RequestLimitExceeded"
        )
    )
}

//! The analysis query on Amazon Athena: `StartQueryExecution`, `GetQueryExecution` polled until
//! the query is done (`QUEUED`, `RUNNING`, then `SUCCEEDED`, `FAILED` or `CANCELLED`), then
//! `GetQueryResults` page by page (at most 1,000 rows a page; the first row of a SELECT's first
//! page holds the column names). A query that did not succeed is an error carrying Athena's
//! `StateChangeReason`. The bytes scanned (`Statistics.DataScannedInBytes`) are what the query
//! costs ([`crate::sql::cost_dollars`]).

use std::time::{Duration, Instant};

use aws_sdk_athena::error::ProvideErrorMetadata;
use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState, ResultConfiguration};

use crate::report::Report;
use crate::sql::{analysis_query, report_from_rows, QuerySpec, RowsError, SqlError};
use crate::window::Window;

/// `GetQueryResults`' largest page.
pub const PAGE: i32 = 1000;

/// The most rows read back: the analysis returns grouped rows (causes, users, days), so more
/// means a table or query that is not ours.
pub const MAX_ROWS: usize = 2_000_000;

/// Where and how the query runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The Glue database of the table.
    pub database: String,
    /// The workgroup (Athena's default, `primary`, when absent).
    pub workgroup: Option<String>,
    /// `s3://…` for the results, when the workgroup does not set one.
    pub output_location: Option<String>,
}

/// How the query is waited for.
#[derive(Debug, Clone, Copy)]
pub struct Poll {
    /// The first pause between two `GetQueryExecution` calls; it grows by half each time.
    pub first: Duration,
    /// The longest pause.
    pub longest: Duration,
    /// Give up after this long.
    pub timeout: Duration,
}

impl Default for Poll {
    fn default() -> Self {
        Self {
            first: Duration::from_millis(500),
            longest: Duration::from_secs(5),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// A finished query's rows and statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryOutput {
    /// Athena's id of the query, to find it in the console.
    pub query_execution_id: String,
    /// Every row, header first; a NULL is `None`.
    pub rows: Vec<Vec<Option<String>>>,
    /// `Statistics.DataScannedInBytes`.
    pub scanned_bytes: u64,
}

/// Why the query gave no rows.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AthenaError {
    /// The analysis query could not be written (a bad name or account, or an empty window).
    #[error(transparent)]
    Sql(#[from] SqlError),
    /// An Athena API call failed, or its answer lacked the query execution id.
    #[error("athena:{action} failed: {message}")]
    Call {
        /// The operation called: `StartQueryExecution`, `GetQueryExecution` or
        /// `GetQueryResults`.
        action: &'static str,
        /// The SDK's error as one line (`Code: message` when the service gave both).
        message: String,
    },
    /// The query ended `FAILED` or `CANCELLED`.
    #[error("the Athena query {id} ended {state}: {reason}")]
    NotSucceeded {
        /// Athena's id of the query.
        id: String,
        /// The final state, as Athena spells it (`FAILED` or `CANCELLED`).
        state: String,
        /// `Status.StateChangeReason`, else `AthenaError.ErrorMessage`, else a note that
        /// Athena gave none.
        reason: String,
    },
    /// The query was still queued or running after [`Poll::timeout`]; it was not stopped.
    #[error("the Athena query {id} was still running after {seconds} s; it goes on in Athena (stop it there if it is not wanted)")]
    Timeout {
        /// Athena's id of the query, to find or stop it in the console.
        id: String,
        /// The timeout waited, in whole seconds.
        seconds: u64,
    },
    /// More than [`MAX_ROWS`] rows came back, so the query or table is not the analysis's.
    #[error("the Athena query returned more than {MAX_ROWS} rows: not the analysis query's")]
    TooManyRows,
    /// The rows do not read as the analysis query's (bad header, kind or value).
    #[error("the Athena query's rows are not the analysis query's: {0}")]
    Rows(#[from] RowsError),
}

/// Runs `sql` and reads every row back.
pub async fn run_query(
    client: &aws_sdk_athena::Client,
    sql: &str,
    target: &Target,
    poll: &Poll,
) -> Result<QueryOutput, AthenaError> {
    let call = |action: &'static str| {
        move |e: &dyn ErrorText| AthenaError::Call {
            action,
            message: e.text(),
        }
    };
    let mut start = client
        .start_query_execution()
        .query_string(sql)
        .query_execution_context(
            QueryExecutionContext::builder()
                .database(&target.database)
                .build(),
        )
        .set_work_group(target.workgroup.clone());
    if let Some(location) = &target.output_location {
        start = start.result_configuration(
            ResultConfiguration::builder()
                .output_location(location)
                .build(),
        );
    }
    let started = start
        .send()
        .await
        .map_err(|e| call("StartQueryExecution")(&e))?;
    let id = started
        .query_execution_id()
        .ok_or_else(|| AthenaError::Call {
            action: "StartQueryExecution",
            message: "no QueryExecutionId in the answer".into(),
        })?
        .to_owned();

    let began = Instant::now();
    let mut pause = poll.first;
    let scanned_bytes = loop {
        let out = client
            .get_query_execution()
            .query_execution_id(&id)
            .send()
            .await
            .map_err(|e| call("GetQueryExecution")(&e))?;
        let execution = out.query_execution();
        let status = execution.and_then(|e| e.status());
        let state = status.and_then(|s| s.state()).cloned();
        match state {
            Some(QueryExecutionState::Succeeded) => {
                break execution
                    .and_then(|e| e.statistics())
                    .and_then(|s| s.data_scanned_in_bytes())
                    .and_then(|b| u64::try_from(b).ok())
                    .unwrap_or(0);
            }
            Some(QueryExecutionState::Failed) | Some(QueryExecutionState::Cancelled) => {
                let reason = status
                    .and_then(|s| s.state_change_reason())
                    .or_else(|| {
                        status
                            .and_then(|s| s.athena_error())
                            .and_then(|e| e.error_message())
                    })
                    .unwrap_or("Athena gave no reason")
                    .to_owned();
                return Err(AthenaError::NotSucceeded {
                    id,
                    state: state.map_or_else(String::new, |s| s.as_str().to_owned()),
                    reason,
                });
            }
            _ => {}
        }
        if began.elapsed() >= poll.timeout {
            return Err(AthenaError::Timeout {
                id,
                seconds: poll.timeout.as_secs(),
            });
        }
        tokio::time::sleep(pause).await;
        pause = (pause + pause / 2).min(poll.longest);
    };

    let mut rows = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_query_results()
            .query_execution_id(&id)
            .max_results(PAGE)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| call("GetQueryResults")(&e))?;
        if let Some(set) = page.result_set() {
            for row in set.rows() {
                if rows.len() >= MAX_ROWS {
                    return Err(AthenaError::TooManyRows);
                }
                rows.push(
                    row.data()
                        .iter()
                        .map(|d| d.var_char_value().map(str::to_owned))
                        .collect(),
                );
            }
        }
        match page.next_token() {
            Some(next) if !next.is_empty() && token.as_deref() != Some(next) => {
                token = Some(next.to_owned())
            }
            _ => break,
        }
    }
    Ok(QueryOutput {
        query_execution_id: id,
        rows,
        scanned_bytes,
    })
}

/// What the `--athena` analysis gave: the report, and what the query cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AthenaRun {
    /// The report, as the local engine would give it on the same events.
    pub report: Report,
    /// Athena's id of the query, to find it in the console.
    pub query_execution_id: String,
    /// `Statistics.DataScannedInBytes`: what the query is billed on
    /// ([`crate::sql::cost_dollars`]).
    pub scanned_bytes: u64,
}

/// The whole `--athena` analysis: the query for `spec`, run on `target`, its rows as a report.
pub async fn analyze_on_athena(
    client: &aws_sdk_athena::Client,
    spec: &QuerySpec,
    target: &Target,
    poll: &Poll,
) -> Result<AthenaRun, AthenaError> {
    let sql = analysis_query(spec)?;
    let output = run_query(client, &sql, target, poll).await?;
    let window = Window {
        since: Some(spec.since),
        until: spec.until,
    };
    Ok(AthenaRun {
        report: report_from_rows(&output.rows, window, Vec::new())?,
        query_execution_id: output.query_execution_id,
        scanned_bytes: output.scanned_bytes,
    })
}

/// An SDK error as one line, whatever the operation.
trait ErrorText {
    fn text(&self) -> String;
}

impl<E, R> ErrorText for aws_sdk_athena::error::SdkError<E, R>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    fn text(&self) -> String {
        super::error_text(self)
    }
}

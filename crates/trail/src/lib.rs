//! saml-trail: who in an organization cannot sign in through SAML, and why, from what AWS
//! CloudTrail already records: STS `AssumeRoleWithSAML`, Amazon Connect `GetFederationToken` and
//! IAM Identity Center's external-IdP sign-ins, grouped by cause, where each cause is a finding
//! code of the catalogue (so the fix is the one `saml-doctor diagnose` gives).
//!
//! Three ways in, one report ([`Report`]):
//! - local files: a trail's folder (`AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`),
//!   log files, or saved `aws cloudtrail lookup-events` output, read in parallel and streamed
//!   ([`analyze`]);
//! - the account's event history through `LookupEvents` (feature `aws`, [`aws::lookup`]), whose
//!   events go through the same [`ingest`] path;
//! - an organization trail on Amazon Athena: one query ([`sql::analysis_query`]) whose grouped
//!   rows become the same report ([`sql::report_from_rows`]); [`ddl::create_table`] writes the
//!   table it runs on.
//!
//! ```
//! use trail::{analyze, Input, Options};
//! let report = analyze(&[Input::Path("testdata/trail-log.json".into())], &Options::default());
//! assert!(report.sign_ins.failed > 0);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod aggregate;
#[cfg(feature = "aws")]
pub mod aws;
pub mod classify;
pub mod ddl;
pub mod engine;
pub mod event;
pub mod read;
mod record;
pub mod report;
pub mod sql;
mod sql_rows;
pub mod window;

pub use aggregate::Aggregator;
pub use classify::{classify, Cause};
pub use engine::{analyze, Input, Options};
pub use event::{EventKind, Family, SignInEvent};
pub use read::{read_input, ReadError, ReadStats};
pub use report::{CauseReport, DayCount, Report, SignIns, UserReport, Warning, WarningKind};
pub use window::{parse_bound, Window};

/// Reads one CloudTrail event given as JSON text (a `CloudTrailEvent` of `LookupEvents`) into
/// `aggregator`, if it is a sign-in event in `window`. Returns whether it was a record at all.
pub fn ingest(event_json: &str, window: &Window, aggregator: &mut Aggregator) -> bool {
    let mut stats = ReadStats::default();
    let mut add = |e: SignInEvent| aggregator.add(e);
    let wrapped_ok = read::read_record_text(event_json.as_bytes(), window, &mut stats, &mut add);
    aggregator.add_read(stats.records);
    wrapped_ok
}

//! The whole analysis as one Athena (Trino) query over the CloudTrail table AWS documents (see
//! [`crate::ddl`]), restricted to the window's partitions and returning only grouped rows, which
//! [`report_from_rows`] turns into the same [`crate::Report`] as the local engine.
//!
//! The query implements the rules of [`crate::aggregate`] step by step (the CTE names follow
//! them) and writes the classification table ([`crate::classify::RULES`]) as a `CASE`. Every
//! output row has six text columns `kind, a, b, c, d, e`:
//!
//! | kind | a | b | c | d | e |
//! |---|---|---|---|---|---|
//! | `totals` | events read | attempts | failed | | |
//! | `cause` | code | failures | distinct users | first (ms) | last (ms) |
//! | `cause_message`, `cause_account`, `cause_role`, `cause_idp` | code | value | | | |
//! | `user` | user | failures | last failure (ms) | recovered (`true`/`false`) | |
//! | `user_code` | user | code | | | |
//! | `day` | day (days since 1970-01-01) | code | failures | | |
//!
//! Times travel as milliseconds since the epoch, so the text of `eventTime` need not be
//! compared between engines.

use std::fmt::Write;

use saml_core::Timestamp;

use crate::classify::{Test, RULES};
use crate::event::Family;
use crate::report::{LIST_CAP, MESSAGE_CHARS, VALUE_CHARS};
use crate::window::Window;

pub use crate::sql_rows::{report_from_rows, RowsError};

/// The Athena query's cost: $5 per TB scanned, at least 10 MB per query.
pub const DOLLARS_PER_TB: f64 = 5.0;
/// Athena bills at least this many bytes per query.
pub const MIN_BILLED_BYTES: u64 = 10_000_000;

/// What a query is about to cost, from `DataScannedInBytes`.
pub fn cost_dollars(scanned_bytes: u64) -> f64 {
    scanned_bytes.max(MIN_BILLED_BYTES) as f64 / 1e12 * DOLLARS_PER_TB
}

/// Where the query runs, and on what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuerySpec {
    /// The Glue database.
    pub database: String,
    /// The table ([`crate::ddl::create_table`]).
    pub table: String,
    /// From (required: a query without it would scan every partition) to `until` (or now).
    pub since: Timestamp,
    /// The end of the window (exclusive); `None` is now.
    pub until: Option<Timestamp>,
    /// The instant the query is written at, for the last partition when `until` is open.
    pub now: Timestamp,
    /// For a table whose `account` partition is injected, the accounts to read (Athena requires
    /// them); empty for a table that lists its accounts.
    pub accounts: Vec<String>,
}

/// Why no query could be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqlError {
    /// A database or table name that is empty, longer than 255 bytes or not all ASCII letters,
    /// digits and `_` (its first 80 characters).
    #[error("`{0}` is not a database or table name Athena accepts (letters, digits and _ only)")]
    BadName(String),
    /// An account that is not 12 ASCII digits (its first 80 characters).
    #[error("`{0}` is not a 12-digit AWS account id")]
    BadAccount(String),
    /// The window's end (`until`, else now) is not after `since`.
    #[error("the window ends before it starts")]
    EmptyWindow,
}

/// A Glue/Athena name: letters, digits and underscores (so it needs no escaping).
pub fn valid_name(name: &str) -> Result<&str, SqlError> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(name)
    } else {
        Err(SqlError::BadName(name.chars().take(80).collect()))
    }
}

/// A 12-digit account id.
pub fn valid_account(account: &str) -> Result<&str, SqlError> {
    if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
        Ok(account)
    } else {
        Err(SqlError::BadAccount(account.chars().take(80).collect()))
    }
}

/// A SQL string literal.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The partition value of the day of `t` (`yyyy/MM/dd`).
fn partition_day(t: Timestamp) -> String {
    crate::window::day_of(t).replace('-', "/")
}

/// The analysis query.
pub fn analysis_query(spec: &QuerySpec) -> Result<String, SqlError> {
    let database = valid_name(&spec.database)?;
    let table = valid_name(&spec.table)?;
    let end = spec.until.unwrap_or(spec.now);
    if end <= spec.since {
        return Err(SqlError::EmptyWindow);
    }
    // A file is delivered up to about 15 minutes after its events and filed under the day of
    // delivery: read one day past the window's end.
    let last_partition = partition_day(end.plus_seconds(86_400));
    let mut partitions = format!(
        "\"timestamp\" BETWEEN {} AND {}",
        quote(&partition_day(spec.since)),
        quote(&last_partition)
    );
    if !spec.accounts.is_empty() {
        let accounts = spec
            .accounts
            .iter()
            .map(|a| valid_account(a).map(quote))
            .collect::<Result<Vec<_>, _>>()?;
        write!(partitions, " AND account IN ({})", accounts.join(", ")).ok();
    }
    let window = Window {
        since: Some(spec.since),
        until: spec.until,
    };
    Ok(query(
        &format!("\"{database}\".\"{table}\""),
        &partitions,
        &window,
    ))
}

/// The query over `source` (a quoted table name), keeping rows matching `filter` (the
/// partitions) and, when it is bounded, the window. Public for the test that runs it on DuckDB.
pub fn query(source: &str, filter: &str, window: &Window) -> String {
    let ts = "try(from_iso8601_timestamp(eventtime))";
    let mut time_filter = String::new();
    if let Some(s) = window.since {
        write!(
            time_filter,
            " AND {ts} >= from_iso8601_timestamp({})",
            quote(&s.to_string())
        )
        .ok();
    }
    if let Some(u) = window.until {
        write!(
            time_filter,
            " AND {ts} < from_iso8601_timestamp({})",
            quote(&u.to_string())
        )
        .ok();
    }
    let json =
        |column: &str, path: &str| format!("nullif(json_extract_scalar({column}, '$.{path}'), '')");
    let cut = |expr: String, n: usize| format!("substr({expr}, 1, {n})");
    let causes = cause_case();
    let has_error = "(nullif(errorcode, '') IS NOT NULL OR nullif(errormessage, '') IS NOT NULL)";
    let assumed_role =
        "regexp_like(ui_arn, '^arn:[^:]*:sts:[^:]*:[^:]*:assumed-role/[^/]+/[^/]+$')";
    format!(
        r#"-- saml-doctor trail: SAML sign-in failures by cause, per user and per day.
WITH base AS (
  SELECT eventid, eventtime, eventsource, eventname, errorcode, errormessage,
    useridentity.username AS ui_username, useridentity.arn AS ui_arn,
    useridentity.accountid AS ui_account, useridentity.onbehalfof.userid AS ui_obo_user,
    recipientaccountid, requestparameters, responseelements, additionaleventdata, serviceeventdetails
  FROM {source}
  WHERE {filter}{time_filter}
),
totals AS (SELECT count(*) AS events_read FROM base),
-- The sign-in events, each delivery of a duplicated eventID but one dropped.
raw_signin AS (
  SELECT *,
    CASE
      WHEN eventsource = 'sts.amazonaws.com' AND eventname = 'AssumeRoleWithSAML' THEN 'arws'
      WHEN eventsource = 'connect.amazonaws.com' AND eventname = 'GetFederationToken' THEN 'gft'
      WHEN eventsource IN ('signin.amazonaws.com', 'sso.amazonaws.com') AND eventname = 'ExternalIdPDirectoryLogin' THEN 'idc_fail'
      WHEN eventsource = 'signin.amazonaws.com' AND eventname = 'UserAuthentication'
        AND strpos(coalesce(json_extract_scalar(additionaleventdata, '$.CredentialType'), ''), 'EXTERNAL_IDP') > 0 THEN 'idc_ok'
    END AS kind,
    CAST(round(to_unixtime({ts}) * 1000) AS BIGINT) AS t,
    row_number() OVER (PARTITION BY nullif(eventid, '') ORDER BY eventtime) AS copy
  FROM base
  WHERE eventname IN ('AssumeRoleWithSAML', 'GetFederationToken', 'ExternalIdPDirectoryLogin', 'UserAuthentication')
),
judged AS (
  SELECT *,
    CASE kind
      WHEN 'idc_fail' THEN {has_error} OR lower(coalesce(json_extract_scalar(serviceeventdetails, '$.ExternalIdPDirectoryLogin'), '')) = 'failure'
      WHEN 'idc_ok' THEN {has_error} OR lower(coalesce(json_extract_scalar(serviceeventdetails, '$.UserAuthentication'), '')) = 'failure'
      ELSE {has_error}
    END AS failed,
    CASE WHEN kind = 'gft' AND {assumed_role} THEN split_part(ui_arn, '/', 3) END AS gft_session_name
  FROM raw_signin
  WHERE kind IS NOT NULL AND t IS NOT NULL AND (nullif(eventid, '') IS NULL OR copy = 1)
),
signin AS (
  SELECT kind, t, failed,
    row_number() OVER () AS sid,
    CASE WHEN failed THEN
      CASE
{causes}        ELSE 'unknown'
      END
    END AS cause,
    {message} AS message,
    {who} AS who,
    {account} AS account,
    CASE kind
      WHEN 'arws' THEN {role_arws}
      WHEN 'gft' THEN CASE WHEN {assumed_role} THEN {role_gft} END
    END AS role,
    CASE WHEN kind = 'arws' THEN {idp} END AS idp,
    CASE kind
      WHEN 'arws' THEN {session_arws}
      WHEN 'gft' THEN nullif(ui_arn, '')
    END AS session
  FROM judged
  WHERE kind = 'arws' OR (kind IN ('gft', 'idc_fail') AND failed) OR (kind = 'idc_ok' AND NOT failed)
),
arws_ok AS (SELECT * FROM signin WHERE kind = 'arws' AND NOT failed AND session IS NOT NULL),
refusal AS (SELECT * FROM signin WHERE kind = 'gft'),
-- Each Connect refusal belongs to the latest successful sign-in of its session at most 12 hours before it.
owner AS (
  SELECT r.sid, max(s.t) AS st
  FROM refusal r JOIN arws_ok s ON s.session = r.session AND s.t <= r.t AND r.t - s.t <= 43200000
  GROUP BY r.sid
),
-- That sign-in fails with its earliest refusal's cause.
chosen AS (
  SELECT session, st, t, cause, message FROM (
    SELECT r.session, o.st, r.t, r.cause, r.message,
      row_number() OVER (PARTITION BY r.session, o.st ORDER BY r.t, r.cause, r.message) AS rank
    FROM refusal r JOIN owner o ON o.sid = r.sid
  ) ranked
  WHERE rank = 1
),
failure AS (
  SELECT who, account, role, idp, cause, message, t FROM signin WHERE kind IN ('arws', 'idc_fail') AND failed
  UNION ALL
  SELECT who, account, role, idp, cause, message, t FROM refusal WHERE sid NOT IN (SELECT sid FROM owner)
  UNION ALL
  SELECT s.who, s.account, s.role, s.idp, c.cause, c.message, c.t
  FROM arws_ok s JOIN chosen c ON c.session = s.session AND c.st = s.t
),
success AS (
  SELECT who, t FROM signin WHERE (kind = 'arws' AND NOT failed AND session IS NULL) OR kind = 'idc_ok'
  UNION ALL
  SELECT s.who, s.t FROM arws_ok s
  WHERE NOT EXISTS (SELECT 1 FROM chosen c WHERE c.session = s.session AND c.st = s.t)
),
attempts AS (
  SELECT (SELECT count(*) FROM signin WHERE kind <> 'gft')
    + (SELECT count(*) FROM refusal WHERE sid NOT IN (SELECT sid FROM owner)) AS n
),
lists AS (
  SELECT DISTINCT 'cause_message' AS kind, cause, message AS v FROM failure WHERE message <> ''
  UNION ALL SELECT DISTINCT 'cause_account', cause, account FROM failure WHERE account IS NOT NULL
  UNION ALL SELECT DISTINCT 'cause_role', cause, role FROM failure WHERE role IS NOT NULL
  UNION ALL SELECT DISTINCT 'cause_idp', cause, idp FROM failure WHERE idp IS NOT NULL
),
user_failure AS (SELECT who, count(*) AS n, max(t) AS last FROM failure GROUP BY who),
user_success AS (SELECT who, max(t) AS last FROM success GROUP BY who)
SELECT 'totals' AS kind, CAST((SELECT events_read FROM totals) AS VARCHAR) AS a,
  CAST((SELECT n FROM attempts) AS VARCHAR) AS b, CAST((SELECT count(*) FROM failure) AS VARCHAR) AS c,
  CAST(NULL AS VARCHAR) AS d, CAST(NULL AS VARCHAR) AS e
UNION ALL
SELECT 'cause', cause, CAST(count(*) AS VARCHAR), CAST(count(DISTINCT who) AS VARCHAR),
  CAST(min(t) AS VARCHAR), CAST(max(t) AS VARCHAR)
FROM failure GROUP BY cause
UNION ALL
SELECT kind, cause, v, NULL, NULL, NULL FROM (
  SELECT kind, cause, v, row_number() OVER (PARTITION BY kind, cause ORDER BY v) AS rank FROM lists
) capped WHERE rank <= {LIST_CAP}
UNION ALL
SELECT 'user', f.who, CAST(f.n AS VARCHAR), CAST(f.last AS VARCHAR),
  CASE WHEN s.last > f.last THEN 'true' ELSE 'false' END, NULL
FROM user_failure f LEFT JOIN user_success s ON s.who = f.who
UNION ALL
SELECT DISTINCT 'user_code', who, cause, NULL, NULL, NULL FROM failure
UNION ALL
SELECT 'day', CAST(CAST(floor(t / 86400000.0) AS BIGINT) AS VARCHAR), cause, CAST(count(*) AS VARCHAR), NULL, NULL
FROM failure GROUP BY CAST(floor(t / 86400000.0) AS BIGINT), cause
"#,
        message = cut(
            "coalesce(nullif(errormessage, ''), nullif(errorcode, ''), '')".to_owned(),
            MESSAGE_CHARS
        ),
        who = cut(
            format!(
                "coalesce(CASE kind WHEN 'arws' THEN coalesce(nullif(ui_username, ''), {}) WHEN 'gft' THEN gft_session_name ELSE coalesce(nullif(ui_username, ''), {}, nullif(ui_obo_user, '')) END, '(unknown)')",
                json("requestparameters", "roleSessionName"),
                json("additionaleventdata", "UserName"),
            ),
            VALUE_CHARS
        ),
        account = cut(
            "coalesce(nullif(recipientaccountid, ''), nullif(ui_account, ''))".to_owned(),
            VALUE_CHARS
        ),
        role_arws = cut(json("requestparameters", "roleArn"), VALUE_CHARS),
        role_gft = cut(
            "'arn:' || split_part(ui_arn, ':', 2) || ':iam::' || split_part(ui_arn, ':', 5) || ':role/' || split_part(ui_arn, '/', 2)".to_owned(),
            VALUE_CHARS
        ),
        idp = cut(json("requestparameters", "principalArn"), VALUE_CHARS),
        session_arws = json("responseelements", "assumedRoleUser.arn"),
    )
}

/// The classification table as the branches of a `CASE` (for failed events).
fn cause_case() -> String {
    let mut out = String::new();
    for rule in RULES {
        let kinds = match rule.family {
            Family::Sts => "kind = 'arws'",
            Family::Connect => "kind = 'gft'",
            Family::IdentityCenter => "kind IN ('idc_fail', 'idc_ok')",
        };
        let test = match rule.test {
            Test::ErrorCode(code) => format!("coalesce(errorcode, '') = {}", quote(code)),
            Test::Message(needles) => needles
                .iter()
                .map(|n| {
                    format!(
                        "strpos(lower(coalesce(errormessage, '')), {}) > 0",
                        quote(n)
                    )
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        };
        writeln!(
            out,
            "        WHEN {kinds} AND {test} THEN {}",
            quote(rule.code.as_str())
        )
        .ok();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> QuerySpec {
        QuerySpec {
            database: "security".into(),
            table: "cloudtrail_logs".into(),
            since: Timestamp::parse("2024-05-01T00:00:00Z").unwrap(),
            until: None,
            now: Timestamp::parse("2024-05-08T12:00:00Z").unwrap(),
            accounts: vec![],
        }
    }

    #[test]
    fn restricted_to_the_window_partitions() {
        let sql = analysis_query(&spec()).unwrap();
        assert!(sql.contains("FROM \"security\".\"cloudtrail_logs\""));
        assert!(sql.contains("\"timestamp\" BETWEEN '2024/05/01' AND '2024/05/09'"));
        assert!(sql.contains(">= from_iso8601_timestamp('2024-05-01T00:00:00Z')"));
        // Every rule is in the CASE, with its quote doubled.
        assert!(sql.contains("'provider') > 0 AND strpos(lower(coalesce(errormessage, '')), 'provider doesn''t exist'")
            || sql.contains("'doesn''t exist'"));
        for rule in RULES {
            assert!(sql.contains(&format!("THEN '{}'", rule.code.as_str())));
        }
    }

    #[test]
    fn names_and_accounts_are_checked() {
        let mut s = spec();
        s.table = "logs\"; DROP TABLE x; --".into();
        assert!(matches!(analysis_query(&s), Err(SqlError::BadName(_))));
        let mut s = spec();
        s.accounts = vec!["111122223333".into()];
        assert!(analysis_query(&s)
            .unwrap()
            .contains("AND account IN ('111122223333')"));
        s.accounts = vec!["1111' OR '1'='1".into()];
        assert!(matches!(analysis_query(&s), Err(SqlError::BadAccount(_))));
        let mut s = spec();
        s.until = Some(s.since);
        assert_eq!(analysis_query(&s), Err(SqlError::EmptyWindow));
    }

    #[test]
    fn cost_has_a_floor() {
        assert_eq!(cost_dollars(0), 10_000_000.0 / 1e12 * 5.0);
        assert!((cost_dollars(2_000_000_000_000) - 10.0).abs() < 1e-9);
    }
}

//! `saml-doctor trail`: who failed to sign in, and why, from CloudTrail, grouped by cause. Reads
//! trail folders and log files (or saved `lookup-events` output), the account's event history
//! (`--aws`), or runs one query on Amazon Athena (`--athena`); `--print-sql` and `athena-table`
//! write the query and the table for Athena. Arguments, input, output and exit status only: the
//! work is `saml-trail`'s, the reports `saml-render`'s.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{ArgGroup, Args, Subcommand};
use saml_core::Timestamp;
use saml_render::trail::Source;
use saml_render::Style;
use trail::ddl::{create_table, TableSpec};
use trail::sql::{analysis_query, QuerySpec};
use trail::{analyze, parse_bound, Input, Options, Report, Window};

use crate::output::ReportFormat;
use crate::{ColorChoice, Failure};

/// `--aws` and `--athena` read this far back without `--since`: a week, so that a first run
/// neither pages through 90 days of event history at two calls a second nor scans a year of
/// an organization trail.
const DEFAULT_SINCE_DAYS: i64 = 7;

#[derive(Args)]
#[command(
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true,
    group(ArgGroup::new("remote").args(["aws", "athena"])),
    group(ArgGroup::new("query").args(["athena", "print_sql"]).multiple(true)),
    after_help = "Exit status: 0 no failed sign-in in the window, 1 at least one (for monitoring scripts), 2 saml-doctor could not run.\nA damaged or foreign file is a warning on the report, and the rest is read."
)]
pub struct TrailArgs {
    #[command(subcommand)]
    command: Option<TrailCommand>,
    /// Trail folders (AWSLogs/…, walked for *.json.gz and *.json), log files, or the saved
    /// output of `aws cloudtrail lookup-events`, recognised by content; `-` or nothing reads
    /// standard input
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Only events from this instant (2024-05-01T10:00:00Z), day (2024-05-01, UTC) or duration
    /// back from now (7d, 36h, 2w, 90m); default: 7d with --aws and --athena, every event of
    /// the files otherwise
    #[arg(long, value_name = "T|DURATION")]
    since: Option<String>,
    /// Only events before this instant, day or duration back from now
    #[arg(long, value_name = "T")]
    until: Option<String>,
    /// `text` for people, `json` for scripts, `html` for one self-contained page (a chart of
    /// failures per day by cause, the causes with their fixes, the users)
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write the report to this file instead of standard output (written whole or not at all)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Read the account's event history (LookupEvents: the last 90 days, no trail needed), at
    /// most two calls a second per Region as the API allows
    #[arg(long, conflicts_with = "paths")]
    aws: bool,
    /// The AWS profile to use (default: the standard chain: AWS_PROFILE, environment, SSO, IMDS)
    #[arg(long, value_name = "NAME", requires = "remote")]
    profile: Option<String>,
    /// --aws: the Regions to read (repeat or separate with commas; default: the profile's and
    /// us-east-1, where the global STS endpoint logs); --athena: the Region of the table
    #[arg(
        long,
        value_name = "REGION",
        value_delimiter = ',',
        requires = "remote"
    )]
    region: Vec<String>,
    /// Run the analysis as one query on Amazon Athena, over an organization trail's table
    /// (`trail athena-table` writes it), restricted to the window's partitions; prints the data
    /// scanned and its cost
    #[arg(long, conflicts_with = "paths", requires_all = ["database", "table"])]
    athena: bool,
    /// The Glue database of the table
    #[arg(long, value_name = "DB", requires = "query")]
    database: Option<String>,
    /// The table (`trail athena-table --name`)
    #[arg(long, value_name = "T", requires = "query")]
    table: Option<String>,
    /// The Athena workgroup (default: Athena's, `primary`)
    #[arg(long, value_name = "W", requires = "athena")]
    workgroup: Option<String>,
    /// Where Athena writes the query's results, when the workgroup sets no place
    #[arg(long, value_name = "s3://…", requires = "athena")]
    output_location: Option<String>,
    /// The accounts to read (repeat or separate with commas): required by a table made without
    /// `athena-table --account`, whose account partition is then named in each query
    #[arg(
        long = "account",
        value_name = "ID",
        value_delimiter = ',',
        requires = "query"
    )]
    accounts: Vec<String>,
    /// Print the Athena query for the window and run nothing
    #[arg(long, conflicts_with_all = ["paths", "aws"], requires_all = ["database", "table"])]
    print_sql: bool,
}

#[derive(Subcommand)]
enum TrailCommand {
    /// Print the CREATE TABLE statement for a trail's logs in S3 on Athena: AWS's CloudTrail
    /// table, partitioned by account, Region and day with partition projection (nothing to load)
    AthenaTable(AthenaTableArgs),
}

#[derive(Args)]
struct AthenaTableArgs {
    /// The trail's S3 bucket
    #[arg(long, value_name = "B")]
    bucket: String,
    /// The trail's key prefix, if it has one
    #[arg(long, value_name = "P")]
    prefix: Option<String>,
    /// For an organization trail, the organization's id
    #[arg(long, value_name = "o-…")]
    org: Option<String>,
    /// The table's name, optionally DATABASE.TABLE
    #[arg(long, value_name = "T", default_value = "cloudtrail_logs")]
    name: String,
    /// The accounts whose logs the table reads (repeat or separate with commas); without them,
    /// each query names its accounts (`trail --athena --account`)
    #[arg(long = "account", value_name = "ID", value_delimiter = ',')]
    accounts: Vec<String>,
}

pub fn run(args: TrailArgs) -> Result<u8, Failure> {
    if let Some(TrailCommand::AthenaTable(table)) = &args.command {
        return athena_table(table);
    }
    let now = saml_diagnosis::now();
    let remote = args.aws || args.athena || args.print_sql;
    let window = window(&args, now, remote)?;
    if args.print_sql {
        crate::out!("{}", analysis_query(&query_spec(&args, window, now)?)?);
        return Ok(0);
    }
    let (report, source) = if args.athena {
        remote::athena(&args, query_spec(&args, window, now)?)?
    } else if args.aws {
        remote::history(&args, window, now)?
    } else {
        local(&args.paths, window)?
    };
    let page = match args.format {
        ReportFormat::Json => format!("{}\n", saml_render::trail::json(&report, &source)),
        ReportFormat::Html => saml_render::trail::html(&report, &source),
        ReportFormat::Text => {
            // A file gets no colour.
            let color = args.output.is_none() && ColorChoice::Auto.on_stdout();
            saml_render::trail::text(&report, &source, Style::new(color))
        }
    };
    crate::output::report(args.output.as_deref(), &page)?;
    Ok(u8::from(report.sign_ins.failed > 0))
}

/// The window of `--since` and `--until`; remote reads start a week back without `--since`.
fn window(args: &TrailArgs, now: Timestamp, remote: bool) -> Result<Window, Failure> {
    let bound = |flag: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(|v| parse_bound(v, now).map_err(|e| Failure(format!("--{flag}: {e}"))))
            .transpose()
    };
    let mut window = Window {
        since: bound("since", &args.since)?,
        until: bound("until", &args.until)?,
    };
    if remote && window.since.is_none() {
        window.since = Some(now.plus_seconds(-DEFAULT_SINCE_DAYS * 86_400));
    }
    if let (Some(since), Some(until)) = (window.since, window.until) {
        if since >= until {
            return Err(Failure(format!(
                "--since ({since}) is not before --until ({until}): the window is empty"
            )));
        }
    }
    Ok(window)
}

fn query_spec(args: &TrailArgs, window: Window, now: Timestamp) -> Result<QuerySpec, Failure> {
    let (Some(database), Some(table)) = (&args.database, &args.table) else {
        return Err(Failure(
            "--athena and --print-sql need --database and --table".into(),
        ));
    };
    Ok(QuerySpec {
        database: database.clone(),
        table: table.clone(),
        since: window.since.unwrap_or(now),
        until: window.until,
        now,
        accounts: args.accounts.clone(),
    })
}

/// Reads files, folders and standard input. A path that does not exist is a mistake on the
/// command line (exit 2); a file that cannot be read as CloudTrail is a warning on the report.
fn local(paths: &[PathBuf], window: Window) -> Result<(Report, Source), Failure> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        std::fs::metadata(path).map_err(|e| {
            Failure(match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("cannot read {}: no such file or folder", path.display())
                }
                _ => format!("cannot read {}: {e}", path.display()),
            })
        })?;
        inputs.push(Input::Path(path.clone()));
    }
    if inputs.is_empty() {
        if std::io::stdin().is_terminal() {
            return Err(Failure(
                "give trail folders or log files (or - for standard input), or read the event history with --aws, or an organization trail with --athena".into(),
            ));
        }
        inputs.push(Input::Stdin);
    }
    let report = analyze(
        &inputs,
        &Options {
            window,
            threads: None,
        },
    );
    let source = Source::Files {
        inputs: inputs
            .iter()
            .map(|i| match i {
                Input::Path(p) => p.display().to_string(),
                Input::Stdin => "standard input".to_owned(),
            })
            .collect(),
    };
    Ok((report, source))
}

/// `trail athena-table`.
fn athena_table(args: &AthenaTableArgs) -> Result<u8, Failure> {
    let ddl = create_table(&TableSpec {
        bucket: args.bucket.clone(),
        prefix: args.prefix.clone(),
        organization: args.org.clone(),
        name: args.name.clone(),
        accounts: args.accounts.clone(),
    })?;
    crate::out!("{ddl}");
    Ok(0)
}

/// `--aws` and `--athena`, on the SDK (the cargo feature `trail-aws`).
#[cfg(feature = "trail-aws")]
mod remote {
    use saml_core::Timestamp;
    use saml_render::trail::Source;
    use trail::aws::athena::{analyze_on_athena, Poll, Target};
    use trail::aws::lookup::{read_history, Pace, Progress};
    use trail::aws::{athena_client, cloudtrail_clients, Session};
    use trail::sql::{cost_dollars, QuerySpec};
    use trail::{Report, Window};

    use super::TrailArgs;
    use crate::progress::StatusLine;
    use crate::Failure;

    /// How long CloudTrail's event history goes back.
    const HISTORY_DAYS: i64 = 90;

    /// Loads the SDK configuration once and checks that it has credentials.
    async fn session(args: &TrailArgs, region: Option<&str>) -> Result<Session, Failure> {
        let session = Session::load(args.profile.as_deref(), region, "us-east-1").await;
        session.check_credentials().await?;
        Ok(session)
    }

    /// `--aws`: the event history of each Region, at the pace LookupEvents allows.
    pub fn history(
        args: &TrailArgs,
        window: Window,
        now: Timestamp,
    ) -> Result<(Report, Source), Failure> {
        if window
            .since
            .is_some_and(|s| s < now.plus_seconds(-HISTORY_DAYS * 86_400))
        {
            eprintln!("saml-doctor: note: the event history keeps {HISTORY_DAYS} days; older events are only in a trail (read its folder, or use --athena)");
        }
        crate::aws::runtime()?.block_on(async {
            let session = session(args, None).await?;
            let clients = cloudtrail_clients(&session, &args.region);
            let regions: Vec<String> = clients.iter().map(|(r, _)| r.clone()).collect();
            let mut status = StatusLine::new();
            let mut progress = |p: Progress<'_>| {
                status.show(&format!(
                    "reading the event history: {} in {}, {} events so far…",
                    p.event_name, p.region, p.events
                ));
            };
            let report = read_history(&clients, &window, &Pace::default(), &mut progress).await;
            status.clear();
            Ok((report?, Source::EventHistory { regions }))
        })
    }

    /// `--athena`: the one query, then what it scanned and cost.
    pub fn athena(args: &TrailArgs, spec: QuerySpec) -> Result<(Report, Source), Failure> {
        if args.region.len() > 1 {
            return Err(Failure(
                "--athena runs in one Region, the table's: give one --region".into(),
            ));
        }
        if let Some(location) = &args.output_location {
            if !location.starts_with("s3://") {
                return Err(Failure(format!(
                    "--output-location {location}: give an S3 URL, s3://BUCKET/PREFIX/"
                )));
            }
        }
        let target = Target {
            database: spec.database.clone(),
            workgroup: args.workgroup.clone(),
            output_location: args.output_location.clone(),
        };
        let table = format!("{}.{}", spec.database, spec.table);
        crate::aws::runtime()?.block_on(async {
            let session = session(args, args.region.first().map(String::as_str)).await?;
            let client = athena_client(&session, None);
            let mut status = StatusLine::new();
            status.show("running the query on Athena…");
            let run = analyze_on_athena(&client, &spec, &target, &Poll::default()).await;
            status.clear();
            let run = run?;
            let cost = cost_dollars(run.scanned_bytes);
            let source = Source::Athena {
                table,
                query_execution_id: run.query_execution_id,
                scanned_bytes: run.scanned_bytes,
                cost_dollars: cost,
            };
            eprintln!("saml-doctor: {}", source.describe());
            Ok((run.report, source))
        })
    }
}

/// Without the cargo feature `trail-aws`, `--aws` and `--athena` say how to get them.
#[cfg(not(feature = "trail-aws"))]
mod remote {
    use saml_core::Timestamp;
    use saml_render::trail::Source;
    use trail::sql::QuerySpec;
    use trail::{Report, Window};

    use super::TrailArgs;
    use crate::Failure;

    fn missing() -> Failure {
        Failure("this saml-doctor was built without `trail --aws` and `--athena` (cargo feature trail-aws, on by default): rebuild with `cargo build --release -p saml-doctor --features trail-aws`; trail folders, log files, --print-sql and athena-table work without it".into())
    }

    pub fn history(_: &TrailArgs, _: Window, _: Timestamp) -> Result<(Report, Source), Failure> {
        Err(missing())
    }

    pub fn athena(_: &TrailArgs, _: QuerySpec) -> Result<(Report, Source), Failure> {
        Err(missing())
    }
}

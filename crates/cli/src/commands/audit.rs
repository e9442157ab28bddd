//! `saml-doctor audit --aws`: the account the credentials belong to, or every account of an
//! organization through a role assumed in each, audited before anyone signs in; the report out
//! as text, JSON or one HTML page. Arguments, files, progress on a terminal and the exit status
//! here; the audit is saml-audit's, the reports saml-render's.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use clap::Args;
use connect_check::aws::Session;
use connect_check::connect::sdk::SdkConnect;
use connect_check::iam::sdk::SdkIam;
use connect_check::organizations::sdk::SdkOrganizations;
use connect_check::sts::sdk::SdkSts;
use saml_audit::expect::MAX_EXPECT_BYTES;
use saml_audit::{
    audit_account, audit_organization, caller_account, AuditOptions, AuditRole, ExpectedNames,
    HeaderLine, IdpMetadata, IdpSet, OrganizationPlan, OrganizationReport, Progress,
    DEFAULT_CONCURRENCY, DEFAULT_WARN_DAYS,
};
use saml_core::aws::{AccountId, Region};
use saml_core::Timestamp;
use saml_render::audit::Scope;

use crate::output::{OutputArgs, ReportFormat};
use crate::Failure;

/// Tries per AWS call, the first and its retries (standard retry mode: exponential backoff with
/// jitter, on throttling and transient errors only). Several accounts are read at once, and IAM's
/// and Organizations' request rates are account- and organization-wide: three tries, the SDK's
/// default, give up too soon under load. A profile or AWS_MAX_ATTEMPTS asking for more wins.
pub const ATTEMPTS: u32 = 10;

/// The largest identity-provider metadata file read.
const MAX_METADATA_BYTES: u64 = 4 << 20;

#[derive(Args)]
#[command(
    after_help = "Exit status: 0 no error found, 1 at least one error finding, 2 saml-doctor could not run (no credentials, the organization's accounts could not be listed, or no audited account could be read at all).\n\nThe principal needs the reads of `saml-doctor aws-policy --for audit`; in organization mode, the auditing principal needs the first policy of `aws-policy --for audit-organization` and every member account a role NAME with the second, trusting the auditing principal."
)]
pub struct AuditArgs {
    /// Read the accounts from AWS (the audit reads nothing else: the flag says it calls AWS)
    #[arg(long, required = true)]
    aws: bool,
    /// The AWS profile to use (default: the standard chain: AWS_PROFILE, environment, SSO, IMDS)
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The region whose Amazon Connect instances are audited, and STS's (default: the profile's,
    /// else us-east-1); IAM and Organizations are global
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// The metadata each identity provider publishes now (Azure AD: Federation Metadata XML), one
    /// file per IdP, matched to the providers by entityID: a provider that lacks its current
    /// or next signing certificate is reported before the rollover breaks sign-ins
    #[arg(long, value_name = "IDP_METADATA.xml", num_args = 1.., action = clap::ArgAction::Append)]
    metadata: Vec<PathBuf>,
    /// Report certificates and metadata that expire within this many days
    #[arg(long, value_name = "N", default_value_t = DEFAULT_WARN_DAYS)]
    warn_days: u32,
    /// A CSV with one column, the RoleSessionName the identity provider will send for each
    /// person: those with no Amazon Connect user of exactly that name are reported
    #[arg(long, value_name = "FILE")]
    expect: Option<PathBuf>,
    /// Judge time rules at this instant (RFC 3339, e.g. 2026-12-01T00:00:00Z) instead of now:
    /// what will have expired by then
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Audit every account of the organization (from its management account or a delegated
    /// administrator), through the role --role-name in each
    #[arg(long, requires = "role_name")]
    organization: bool,
    /// The role assumed in each member account (its name, with its path if it has one)
    #[arg(long, value_name = "NAME", requires = "organization")]
    role_name: Option<String>,
    /// Only these accounts (comma-separated ids), without listing the organization
    #[arg(
        long,
        value_name = "ID,…",
        value_delimiter = ',',
        requires = "organization"
    )]
    accounts: Vec<String>,
    /// Accounts audited at a time
    #[arg(long, value_name = "N", default_value_t = NonZeroUsize::new(DEFAULT_CONCURRENCY).unwrap_or(NonZeroUsize::MIN), requires = "organization")]
    concurrency: NonZeroUsize,
    #[command(flatten)]
    report: OutputArgs,
}

pub fn run(args: AuditArgs) -> Result<u8, Failure> {
    let options = options(&args)?;
    let region = args
        .region
        .as_deref()
        .map(|r| Region::parse(r).map_err(|e| Failure(format!("--region: {e}"))))
        .transpose()?;
    let plan = args.organization.then(|| plan(&args)).transpose()?;
    let runtime = crate::aws::runtime()?;
    let (report, subject) = runtime.block_on(async {
        let session = Session::load(
            args.profile.as_deref(),
            region.as_ref().map(Region::as_str),
            "us-east-1",
        )
        .await
        .with_min_attempts(ATTEMPTS);
        session.check_credentials().await?;
        let sts = SdkSts::new(&session, None);
        let me = caller_account(&sts).await.map_err(|e| {
            Failure(format!(
                "cannot tell which account the credentials belong to: {e}"
            ))
        })?;
        let Some(plan) = &plan else {
            let account = audit_account(
                &me,
                &SdkIam::new(&session),
                &SdkConnect::new(&session, None),
                &options,
            )
            .await;
            let mut report = OrganizationReport::new();
            report.add(account);
            return Ok::<_, Failure>((report, format!("account {}", me.id)));
        };
        let mut terminal = Terminal::new();
        let report = audit_organization(
            &SdkOrganizations::new(&session),
            &sts,
            me.partition,
            plan,
            &options,
            &mut |p| terminal.draw(&p),
        )
        .await
        .map_err(|e| {
            Failure(format!(
                "cannot list the organization's accounts from account {}: {e}",
                me.id
            ))
        })?;
        terminal.clear();
        let subject = match &plan.accounts {
            Some(ids) => format!(
                "{} accounts of the organization, through the role {}",
                ids.len(),
                plan.role.as_str()
            ),
            None => format!(
                "the organization of account {}, through the role {}",
                me.id,
                plan.role.as_str()
            ),
        };
        Ok((report, subject))
    })?;
    let mut report = report;
    if let Some(expect) = &options.expect {
        report.add_input_findings(expect.findings());
    }
    let scope = Scope {
        subject: &subject,
        judged_at: options.as_of,
    };
    let rendered = match args.report.format {
        ReportFormat::Json => format!("{}\n", saml_render::audit::json(&report)),
        ReportFormat::Text => saml_render::audit::text(&report, &scope, args.report.style()),
        ReportFormat::Html => saml_render::audit::html(&report, &scope),
    };
    args.report.write(&rendered)?;
    let s = report.summary();
    if s.accounts_audited > 0 && s.accounts_unreachable == s.accounts_audited {
        return Err(Failure(format!(
            "no audited account could be read ({}): see the report for the refused calls",
            subject
        )));
    }
    Ok(u8::from(report.has_errors()))
}

/// The audit's inputs besides the account: the instant, the window, the metadata files and the
/// expected names.
fn options(args: &AuditArgs) -> Result<AuditOptions, Failure> {
    let as_of = match &args.at {
        Some(at) => Timestamp::parse(at).map_err(|e| Failure(format!("--at: {e}")))?,
        None => now(),
    };
    let mut options = AuditOptions::new(as_of);
    options.warn_days = args.warn_days;
    let idps = args
        .metadata
        .iter()
        .map(|path| read_idp(path))
        .collect::<Result<Vec<_>, _>>()?;
    options.idps = IdpSet::new(idps).map_err(|e| Failure(format!("--metadata: {e}")))?;
    if let Some(path) = &args.expect {
        let bytes = read_limited(path, MAX_EXPECT_BYTES as u64, "--expect")?;
        let names = ExpectedNames::parse(&path.display().to_string(), &bytes, HeaderLine::Auto)
            .map_err(|e| Failure(format!("--expect {}: {e}", path.display())))?;
        options.expect = Some(names);
    }
    Ok(options)
}

/// The organization mode's plan, from the flags.
fn plan(args: &AuditArgs) -> Result<OrganizationPlan, Failure> {
    let role = AuditRole::parse(args.role_name.as_deref().unwrap_or_default())
        .map_err(|e| Failure(format!("--role-name: {e}")))?;
    let accounts = if args.accounts.is_empty() {
        None
    } else {
        let mut ids: Vec<AccountId> = Vec::new();
        for id in &args.accounts {
            let id =
                AccountId::parse(id.trim()).map_err(|e| Failure(format!("--accounts: {e}")))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Some(ids)
    };
    Ok(OrganizationPlan {
        role,
        accounts,
        concurrency: args.concurrency,
    })
}

fn now() -> Timestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Timestamp::from_unix_millis(millis)
}

/// A file of at most `limit` bytes; a larger one, or one that cannot be read, is a usage error.
fn read_limited(path: &Path, limit: u64, flag: &str) -> Result<Vec<u8>, Failure> {
    use std::io::Read as _;
    let fail = |e: std::io::Error| Failure(format!("{flag} {}: {e}", path.display()));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(fail)?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() as u64 > limit {
        return Err(Failure(format!(
            "{flag} {}: larger than the {limit} bytes read",
            path.display()
        )));
    }
    Ok(bytes)
}

fn read_idp(path: &Path) -> Result<IdpMetadata, Failure> {
    let bytes = read_limited(path, MAX_METADATA_BYTES, "--metadata")?;
    let xml = String::from_utf8(bytes)
        .map_err(|_| Failure(format!("--metadata {}: not UTF-8 text", path.display())))?;
    IdpMetadata::parse(&path.display().to_string(), &xml)
        .map_err(|e| Failure(format!("--metadata {e}")))
}

/// The organization audit's progress on standard error, only on a terminal.
struct Terminal {
    on: bool,
    drawn: bool,
}

impl Terminal {
    fn new() -> Self {
        Self {
            on: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            drawn: false,
        }
    }

    fn draw(&mut self, p: &Progress<'_>) {
        if !self.on {
            return;
        }
        use std::io::Write;
        self.drawn = true;
        let _ = write!(
            std::io::stderr(),
            "\r\x1b[2Kauditing accounts: {}/{} (last {}: {} finding{})",
            p.audited,
            p.total,
            p.account,
            p.findings,
            if p.findings == 1 { "" } else { "s" }
        );
    }

    fn clear(&mut self) {
        if self.drawn {
            use std::io::Write;
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

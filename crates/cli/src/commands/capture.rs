//! `saml-doctor capture`: records a sign-in in a browser with a fresh temporary profile
//! (`saml-capture`), says what each SAML message means the moment it is sent, and ends with the
//! full report, the same as `diagnose` gives on the recording.
//!
//! Every verdict comes from `saml-diagnosis`' one pipeline: a message is diagnosed live by
//! running `diagnose_capture` on the recording so far, and the final report on the whole
//! recording. Only the account checks (`--aws`) wait for the end: the browser waits on this
//! process while it works.

use std::collections::HashMap;
use std::io::{Cursor, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use capture::{display_url, End, Event, PageLoaded, SamlSeen, Session, Until};
use clap::Args;
use har::find::LocationKind;
use har::redact::SamlMode;
use saml_core::decode::MessageField;
use saml_core::{Code, Severity};
use saml_diagnosis::{diagnose_capture, Diagnosis, Options, Quiet, ReadMode};
use saml_render::words::{plural, severity_label};
use saml_render::Style;

use crate::progress::Terminal;
use crate::report::ReportArgs;
use crate::{ColorChoice, Failure};

/// How the report names what it diagnosed.
const INPUT: &str = "the browser recording";
/// SAMLResponse sightings diagnosed live; later ones are left to the report at the end (each
/// live diagnosis reads the whole recording so far).
const MAX_LIVE: usize = 32;

#[derive(Args)]
#[command(
    after_help = "Standard output: the report (nothing with -o FILE). Standard error: \
what happens while you sign in (pages loaded, each SAML message with its verdict and codes), \
then how the recording ended. With -o FILE both go to standard output.\n\
Exit status: 0 no error found, 1 at least one error found, 2 no recording (e.g. no browser)."
)]
pub struct CaptureArgs {
    /// Where the sign-in starts: the identity provider's app URL (e.g.
    /// https://myapps.microsoft.com/…), the AWS access portal or the Amazon Connect login URL;
    /// without it, a blank page with a hint opens
    start_url: Option<String>,
    /// The browser: Chrome, Chromium or Edge, as a path or a name on PATH (default: the first
    /// found on PATH and in the standard install locations)
    #[arg(long, value_name = "PATH")]
    browser: Option<PathBuf>,
    /// An extra argument for the browser, passed as given (repeatable), e.g.
    /// --browser-arg=--proxy-server=proxy.example.com:8080
    #[arg(long = "browser-arg", value_name = "ARG", allow_hyphen_values = true)]
    browser_args: Vec<String>,
    /// Run the browser without a window
    #[arg(long)]
    headless: bool,
    /// When the recording ends: `saml` once the first SAMLResponse has been posted to AWS and
    /// the page after it has loaded or failed; `close` when every browser window is closed
    #[arg(long, value_enum, default_value_t = UntilArg::Saml)]
    until: UntilArg,
    /// End a sign-in that has not ended by then (e.g. 90s, 5m); no limit by default
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    /// Also write the recording as a HAR 1.2 file for a support case, through `redact`'s rules:
    /// cookies, tokens and passwords removed, the SAMLResponse kept whole (so `diagnose OUT.har`
    /// gives the same findings; it is a credential until it expires)
    #[arg(long, value_name = "OUT.har")]
    har: Option<PathBuf>,
    /// The identity provider's metadata (Azure AD: Federation Metadata XML), to verify
    /// signatures and the Issuer against what the IAM SAML provider should hold
    #[arg(long, value_name = "FILE")]
    metadata: Option<PathBuf>,
    #[command(flatten)]
    keys: crate::keys::KeyArgs,
    #[command(flatten)]
    report: ReportArgs,
}

/// `--until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum UntilArg {
    /// After the first SAMLResponse posted to AWS and the page after it
    Saml,
    /// When the browser window is closed
    Close,
}

pub fn run(args: CaptureArgs) -> Result<u8, Failure> {
    let metadata = args
        .metadata
        .as_deref()
        .map(super::diagnose::read_metadata)
        .transpose()?;
    let options = recording_options(&args)?;
    let until = options.until;
    let timeout = options.timeout;
    let browser = options.browser.clone().unwrap_or_default();
    let diagnosis_options = Options {
        metadata,
        decryption_keys: args.keys.read()?,
        ..Options::default()
    };
    let mut live = Live::new(&args);
    let mut session = Session::start(options)?;
    live.started(&browser, until, timeout);
    while let Some(event) = session.next_event()? {
        match event {
            Event::PageLoaded(page) => live.page(&page),
            Event::Saml(seen) => live.saml(&seen, &session, &diagnosis_options),
        }
    }
    let recording = session.finish()?;
    live.ended(&recording.end, timeout);
    if let Some(dir) = &recording.leftover_profile {
        eprintln!(
            "saml-doctor: warning: the temporary profile {} could not be deleted: delete it yourself",
            dir.display()
        );
    }
    if let Some(path) = &args.har {
        let mut bytes = Vec::new();
        let summary = recording.write_har(&mut bytes, SamlMode::Keep)?;
        crate::output::write_whole(path, &bytes)?;
        live.line(&format!(
            "wrote {} ({} request{}; {} value{} redacted: cookies, tokens, passwords; the SAMLResponse is kept whole and signs in until it expires: share it only with your support case)",
            path.display(),
            summary.entries,
            plural(summary.entries),
            summary.total(),
            plural(summary.total()),
        ));
    }
    let har = recording.har();
    let mut terminal = Terminal::new(Some(har.len() as u64));
    let diagnosis = diagnose_capture(
        INPUT.into(),
        Box::new(Cursor::new(har)),
        ReadMode::InTurn,
        &diagnosis_options,
        &mut terminal,
    )?;
    args.report
        .finish(diagnosis, diagnosis_options.metadata.as_ref(), terminal)
}

/// The recording's options from the flags.
fn recording_options(args: &CaptureArgs) -> Result<capture::Options, Failure> {
    let timeout = match &args.timeout {
        None => None,
        Some(t) => {
            let seconds = saml_core::identity_center::sessions::parse_duration(t)
                .map_err(|e| Failure(format!("--timeout: {e}")))?;
            if seconds <= 0 {
                return Err(Failure("--timeout: must be longer than zero".into()));
            }
            Some(Duration::from_secs(seconds.unsigned_abs()))
        }
    };
    let start_url = match args.start_url.as_deref().map(str::trim) {
        None => None,
        Some("") => return Err(Failure("START_URL is empty".into())),
        // `myapps.microsoft.com/…` as typed into an address bar.
        Some(url) if !url.contains("://") && !url.starts_with("about:") => {
            Some(format!("https://{url}"))
        }
        Some(url) => Some(url.to_owned()),
    };
    Ok(capture::Options {
        browser: Some(capture::discover::find_browser(args.browser.as_deref())?),
        browser_args: args.browser_args.clone(),
        headless: args.headless,
        start_url,
        until: match args.until {
            UntilArg::Saml => Until::Saml,
            UntilArg::Close => Until::Close,
        },
        timeout,
        ..capture::Options::default()
    })
}

/// What is printed while the user signs in: on standard error when the report goes to standard
/// output, else on standard output. URLs are shown with their parameters' names only.
struct Live {
    to_stdout: bool,
    style: Style,
    /// Where each SAML sighting was, as shown: (HAR entry, how it was carried) -> words.
    places: HashMap<(usize, LocationKind), String>,
    /// The codes shown for each message, by its first sighting.
    shown: HashMap<(usize, LocationKind), Vec<Code>>,
    diagnosed: usize,
    /// The request of the last page shown (a failed page may report twice).
    last_page: Option<usize>,
}

impl Live {
    fn new(args: &CaptureArgs) -> Live {
        let to_stdout = args.report.file().is_some();
        let color = match args.report.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if to_stdout => ColorChoice::Auto.on_stdout(),
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
            }
        };
        Live {
            to_stdout,
            style: Style::new(color),
            places: HashMap::new(),
            shown: HashMap::new(),
            diagnosed: 0,
            last_page: None,
        }
    }

    fn line(&self, text: &str) {
        if self.to_stdout {
            crate::emit(&format!("{text}\n"));
        } else {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
    }

    fn started(&self, browser: &std::path::Path, until: Until, timeout: Option<Duration>) {
        let ends = match until {
            Until::Saml => "once the SAMLResponse has been posted to AWS",
            Until::Close => "when you close the browser window",
        };
        let limit = timeout.map_or(String::new(), |t| format!(", or after {}", human(t)));
        self.line(&format!(
            "saml-doctor: recording in {} with a fresh temporary profile (nothing of your own \
             profile is read; it is deleted at the end). Sign in; the recording ends {ends}{limit}. \
             Ctrl-C ends it early.",
            browser.display()
        ));
    }

    fn page(&mut self, page: &PageLoaded) {
        if self.last_page.replace(page.entry) == Some(page.entry) {
            return;
        }
        let status = match (&page.error, page.status) {
            (Some(error), _) => format!("failed ({error})"),
            (None, Some(status)) => status.to_string(),
            (None, None) => "no answer".into(),
        };
        self.line(&format!("  page  {status}  {}", display_url(&page.url)));
    }

    /// A SAML message was sent: a SAMLResponse is diagnosed on the recording so far, and each
    /// message not shown before (or whose verdict changed) is shown.
    fn saml(&mut self, seen: &SamlSeen, session: &Session, options: &Options) {
        let place = place(seen);
        self.places
            .insert((seen.entry, seen.found.kind), place.clone());
        if seen.found.field == MessageField::SamlRequest {
            self.line(&format!(
                "  SAMLRequest {place}: the sign-in was sent to the identity provider"
            ));
            return;
        }
        if self.diagnosed == MAX_LIVE {
            self.line("  (more SAML messages: see the report at the end)");
        }
        self.diagnosed += 1;
        if self.diagnosed > MAX_LIVE {
            return;
        }
        let har = session.har_so_far();
        let diagnosis = match diagnose_capture(
            INPUT.into(),
            Box::new(Cursor::new(har)),
            ReadMode::InTurn,
            options,
            &mut Quiet,
        ) {
            Ok(d) => d,
            Err(e) => return self.line(&format!("  (not diagnosed: {e})")),
        };
        self.verdicts(&diagnosis, (seen.entry, seen.found.kind));
    }

    /// Each message of `d` not shown before, or shown with other codes; and the message seen
    /// at `now`, when it was shown before from an earlier place.
    fn verdicts(&mut self, d: &Diagnosis, now: (usize, LocationKind)) {
        let Some(timeline) = &d.timeline else {
            return;
        };
        for (message, sightings) in d.messages.iter().zip(&timeline.messages) {
            let Some(&first) = sightings.seen.first() else {
                continue;
            };
            let findings: Vec<_> = message
                .report
                .findings
                .iter()
                .filter(|f| f.severity != Severity::Info && f.code != Code::CheckSkipped)
                .collect();
            let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
            let seen_now = sightings.seen.contains(&now);
            let place = |at| {
                self.places
                    .get(&at)
                    .cloned()
                    .unwrap_or_else(|| format!("in HAR entry {}", at.0))
            };
            match self.shown.get(&first) {
                None => self.line(&format!("  SAMLResponse {}", place(first))),
                Some(before) if *before == codes => {
                    if seen_now && now != first {
                        self.line(&format!(
                            "  the same SAMLResponse, {}; verdict unchanged",
                            place(now)
                        ));
                    }
                    continue;
                }
                Some(_) => self.line(&format!(
                    "  the same SAMLResponse, {}; its verdict changed:",
                    place(if seen_now { now } else { first })
                )),
            }
            for f in &findings {
                let label = self.style.severity(f.severity, severity_label(f.severity));
                self.line(&format!("    {label:<8} {} · {}", f.code, f.title));
            }
            let errors = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            let verdict = match (errors, findings.len()) {
                (0, 0) => self.style.good("no problem found offline"),
                (0, n) => format!("no error, {n} warning{}", plural(n)),
                (e, _) => self.style.severity(
                    Severity::Error,
                    &format!("{e} error{}: AWS refuses it", plural(e)),
                ),
            };
            self.line(&format!(
                "    verdict: {verdict} (the full report follows at the end)"
            ));
            self.shown.insert(first, codes);
        }
    }

    fn ended(&self, end: &End, timeout: Option<Duration>) {
        let why = match end {
            End::SamlPosted { .. } => {
                "the SAMLResponse was posted to AWS and the page after it loaded or failed".into()
            }
            End::WindowClosed => "the browser window was closed".into(),
            End::Timeout { .. } => format!(
                "--timeout {} passed",
                timeout.map_or_else(|| "?".into(), human)
            ),
            End::Interrupted => "interrupted".into(),
            End::BrowserExited => "the browser exited (it crashed or was killed)".into(),
            End::Stopped => "stopped".into(),
        };
        self.line(&format!(
            "saml-doctor: recording ended: {why}; the browser is closed and its profile deleted."
        ));
    }
}

/// Where a message was seen, for a person: how it travelled and the URL without values.
fn place(seen: &SamlSeen) -> String {
    let url = display_url(&seen.url);
    match seen.found.kind {
        LocationKind::FormPost if seen.is_response_posted_to_aws() => {
            format!("posted to AWS: {} {url}", seen.method)
        }
        LocationKind::FormPost => format!("posted: {} {url}", seen.method),
        LocationKind::AutoPostForm => format!(
            "in the auto-post form of {url}{}",
            seen.found
                .form_action
                .as_deref()
                .map_or(String::new(), |a| format!(" (to {})", display_url(a)))
        ),
        LocationKind::RedirectQuery => format!("in the query of {} {url}", seen.method),
    }
}

/// `90 s`, `5 min`.
fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

//! A recording session: starts the browser, feeds the recorder what the pipe brings, sends what
//! the recorder asks, reports events, decides when the recording ends, and shuts everything
//! down (browser closed, whole process group ended, profile deleted), also when dropped early.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::process::ChildStdin;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::discover::find_browser;
use crate::end::{End, SettleWatch};
use crate::error::CaptureError;
use crate::event::Event;
use crate::launch::{launch, Browser};
use crate::profile::TempProfile;
use crate::protocol::{Command, Incoming};
use crate::recorder::{Output, Purpose, Recorder};
use crate::recording::Recording;
use crate::transport::{spawn_reader, Received, Sender};
use crate::{signals, Options};

/// How often the end conditions are checked while nothing arrives.
const TICK: Duration = Duration::from_millis(50);
/// After the end condition: the longest wait for bodies still being fetched.
const DRAIN: Duration = Duration::from_secs(2);
/// After `Browser.close`: the longest wait for the browser to go before its group is killed.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// SAML sightings kept in the [`Recording`] (each is also reported as an event, and every one
/// is in the HAR).
const MAX_SAML_KEPT: usize = 256;

/// The page opened when no start URL is given.
const HINT_PAGE: &str = "<!doctype html><meta charset=utf-8><title>saml-doctor capture</title>\
<body style='font:16px system-ui,sans-serif;margin:3em;max-width:40em'>\
<h1>saml-doctor is recording</h1>\
<p>Open your identity provider's sign-in page, the AWS access portal or the Amazon Connect login \
URL in this tab, and sign in as usual.</p>\
<p>The recording ends once the SAML response has been posted to AWS, or when you close this \
window. Nothing of your own browser profile is used.</p>";

/// A running recording. Dropping it without [`Session::finish`] still closes the browser and
/// deletes the profile.
#[derive(Debug)]
pub struct Session {
    // Field order is drop order: the browser's group goes before its profile directory.
    browser: Browser,
    profile: TempProfile,
    sender: Sender<ChildStdin>,
    rx: Receiver<Received>,
    recorder: Recorder,
    pending: HashMap<u64, Purpose>,
    queue: VecDeque<Event>,
    saml: Vec<crate::SamlSeen>,
    options: Options,
    started: Instant,
    settle: Option<SettleWatch>,
    /// The end, once decided, and until when bodies still in flight are waited for.
    ending: Option<(End, Instant)>,
    end: Option<End>,
    /// The browser's end of the pipe closed (as the reader reports it, after every message the
    /// browser wrote before it).
    closed: bool,
    /// A command could not be written: the browser is going. Nothing more is sent, but the end
    /// waits for the reader, which may still hold the browser's last events (the tabs closing).
    send_failed: bool,
    error: Option<CaptureError>,
    _signals: signals::Guard,
}

impl Session {
    /// Finds and starts the browser with a fresh profile, sets up the DevTools session and
    /// opens the start page. Returns once the browser has answered.
    pub fn start(options: Options) -> Result<Session, CaptureError> {
        let browser_path = find_browser(options.browser.as_deref())?;
        let profile = TempProfile::create(options.temp_dir.as_deref())?;
        let signals = signals::register();
        let (browser, pipe) = launch(
            &browser_path,
            &profile,
            options.headless,
            &options.browser_args,
        )?;
        let rx = spawn_reader(pipe.from_browser).map_err(|source| CaptureError::Spawn {
            browser: browser_path.clone(),
            source,
        })?;
        let start_url = options
            .start_url
            .clone()
            .unwrap_or_else(|| format!("data:text/html;charset=utf-8,{}", data_encode(HINT_PAGE)));
        let mut session = Session {
            browser,
            profile,
            sender: Sender::new(pipe.to_browser),
            rx,
            recorder: Recorder::new(start_url, options.max_inline_post),
            pending: HashMap::new(),
            queue: VecDeque::new(),
            saml: Vec::new(),
            options,
            started: Instant::now(),
            settle: None,
            ending: None,
            end: None,
            closed: false,
            send_failed: false,
            error: None,
            _signals: signals,
        };
        let mut out = Vec::new();
        session.recorder.start(&mut out);
        session.perform(out);
        session.await_browser()?;
        session.started = Instant::now();
        Ok(session)
    }

    /// Waits for the browser's first answer (its version).
    fn await_browser(&mut self) -> Result<(), CaptureError> {
        let deadline = Instant::now() + self.options.startup_timeout;
        while !self.recorder.answered {
            let what = if self.closed {
                "exited before answering over the DevTools pipe (is it Chrome, Chromium or Edge?)"
                    .to_string()
            } else if Instant::now() >= deadline {
                format!(
                    "did not answer over the DevTools pipe within {} s (is it Chrome, Chromium or Edge?)",
                    self.options.startup_timeout.as_secs()
                )
            } else {
                self.receive(TICK)?;
                continue;
            };
            self.browser.kill_group();
            std::thread::sleep(Duration::from_millis(100));
            return Err(CaptureError::NoDevTools {
                browser: self.browser.path().to_path_buf(),
                what,
                stderr: self.browser.stderr_tail(),
            });
        }
        Ok(())
    }

    /// The next thing the recording saw, blocking until there is one; `Ok(None)` once the
    /// recording has ended (see [`Session::end`]).
    ///
    /// The browser is driven only while this runs, and it holds each page's response until
    /// the session has read its body: call it again promptly (do slow work, such as account
    /// checks, on another thread or after the end).
    pub fn next_event(&mut self) -> Result<Option<Event>, CaptureError> {
        loop {
            if let Some(e) = self.queue.pop_front() {
                return Ok(Some(e));
            }
            if let Some(e) = self.error.take() {
                return Err(e);
            }
            if self.end.is_some() {
                return Ok(None);
            }
            let now = Instant::now();
            match &self.ending {
                Some((_, until)) if now >= *until || self.closed || !self.fetching() => {
                    self.end = self.ending.take().map(|(end, _)| end);
                    continue;
                }
                Some(_) => {}
                None => {
                    if let Some(end) = self.check_end(now) {
                        self.ending = Some((end, now + DRAIN));
                        continue;
                    }
                }
            }
            if self.closed {
                std::thread::sleep(TICK);
            } else {
                self.receive(TICK)?;
            }
        }
    }

    /// Why the recording ended, once it has.
    pub fn end(&self) -> Option<&End> {
        self.end.as_ref()
    }

    /// The recording so far as HAR 1.2 bytes, unredacted: for a diagnosis in this process,
    /// never to be written out as is (see [`Recording::write_har`]).
    pub fn har_so_far(&self) -> Vec<u8> {
        crate::recording::har_bytes(
            &self.recorder.requests,
            &self.recorder.pages,
            self.recorder.browser.as_deref(),
        )
    }

    /// The temporary profile directory (deleted at the end).
    pub fn profile_dir(&self) -> &Path {
        self.profile.root()
    }

    /// The process group the browser and all its helper processes run in.
    pub fn process_group(&self) -> u32 {
        self.browser.process_group()
    }

    /// Ends the recording (if no end condition ended it yet, its end is [`End::Stopped`]),
    /// closes the browser, ends its process group and deletes the profile.
    pub fn finish(mut self) -> Result<Recording, CaptureError> {
        if self.end.is_none() {
            self.end = Some(self.ending.take().map_or(End::Stopped, |(e, _)| e));
        }
        self.close_browser();
        let leftover_profile = self
            .profile
            .remove()
            .err()
            .map(|_| self.profile.root().to_path_buf());
        let hosts = crate::record::hosts_visited(&self.recorder.requests);
        let end = match self.end.take() {
            Some(End::Timeout { .. }) => End::Timeout { hosts },
            Some(e) => e,
            None => End::Stopped,
        };
        Ok(Recording {
            end,
            requests: std::mem::take(&mut self.recorder.requests),
            pages: std::mem::take(&mut self.recorder.pages),
            browser: self.recorder.browser.take(),
            saml: std::mem::take(&mut self.saml),
            dropped_requests: self.recorder.dropped_requests,
            unreadable_messages: self.recorder.malformed,
            leftover_profile,
        })
    }

    /// `Browser.close`, a wait for the browser to go, then the whole process group killed
    /// (helpers that outlive the browser), and the launcher shell reaped.
    fn close_browser(&mut self) {
        if !self.closed && self.sender.send(&Command::BrowserClose, None).is_ok() {
            let deadline = Instant::now() + CLOSE_GRACE;
            while !self.closed && Instant::now() < deadline {
                match self.rx.recv_timeout(TICK) {
                    Ok(Received::Closed) | Err(RecvTimeoutError::Disconnected) => {
                        self.closed = true
                    }
                    _ => {}
                }
            }
        }
        self.browser.kill_group();
        self.browser.wait();
    }

    /// Bodies asked for and not answered yet.
    fn fetching(&self) -> bool {
        self.pending.values().any(|p| {
            matches!(
                p,
                Purpose::PostData(_) | Purpose::Body(_) | Purpose::FetchBody { .. }
            )
        })
    }

    fn check_end(&mut self, now: Instant) -> Option<End> {
        if signals::interrupted() {
            return Some(End::Interrupted);
        }
        let all_closed = self.recorder.pages_opened > 0 && self.recorder.pages_open == 0;
        if self.closed {
            return Some(if all_closed {
                End::WindowClosed
            } else {
                End::BrowserExited
            });
        }
        if all_closed {
            return Some(End::WindowClosed);
        }
        if let Some(watch) = &mut self.settle {
            if watch.settled(&self.recorder, now, self.options.settle) {
                return Some(End::SamlPosted {
                    entry: watch.entry(),
                });
            }
        }
        match self.options.timeout {
            Some(t) if now.duration_since(self.started) >= t => Some(End::Timeout {
                hosts: crate::record::hosts_visited(&self.recorder.requests),
            }),
            _ => None,
        }
    }

    /// Reads what the browser sent within `wait` and acts on it.
    fn receive(&mut self, wait: Duration) -> Result<(), CaptureError> {
        let first = match self.rx.recv_timeout(wait) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => return Ok(()),
            Err(RecvTimeoutError::Disconnected) => Received::Closed,
        };
        let mut out = Vec::new();
        // Whatever else is already waiting is taken in the same turn.
        for msg in std::iter::once(first).chain(self.rx.try_iter().take(256)) {
            match msg {
                Received::Message(Incoming::Reply { id, result }) => {
                    if let Some(purpose) = self.pending.remove(&id) {
                        if let Err(e) = self.recorder.on_reply(purpose, result, &mut out) {
                            self.error.get_or_insert(e);
                        }
                    }
                }
                Received::Message(Incoming::Event { session, event }) => {
                    self.recorder.on_event(session.as_deref(), event, &mut out);
                }
                Received::Unreadable => self.recorder.malformed += 1,
                Received::Oversized(id) => {
                    self.recorder.malformed += 1;
                    // The answer is lost, but whatever waits for it (a paused page) must go on.
                    if let Some(purpose) = id.and_then(|id| self.pending.remove(&id)) {
                        let lost = Err("the answer was over the size limit".to_string());
                        if let Err(e) = self.recorder.on_reply(purpose, lost, &mut out) {
                            self.error.get_or_insert(e);
                        }
                    }
                }
                Received::Closed => {
                    self.closed = true;
                    break;
                }
            }
        }
        self.perform(out);
        Ok(())
    }

    /// Sends the commands and queues the events the recorder asked for.
    fn perform(&mut self, out: Vec<Output>) {
        for o in out {
            match o {
                Output::Send {
                    command,
                    session,
                    purpose,
                } => {
                    if self.closed || self.send_failed {
                        continue;
                    }
                    match self.sender.send(&command, session.as_deref()) {
                        Ok(id) => {
                            self.pending.insert(id, purpose);
                        }
                        // The browser is gone; the reader reports it in turn, after the
                        // events it had already written (deciding now would misread a last
                        // window closing as a crash).
                        Err(_) => self.send_failed = true,
                    }
                }
                Output::Report(event) => {
                    if let Event::Saml(seen) = &event {
                        if self.settle.is_none()
                            && self.options.until == crate::Until::Saml
                            && seen.is_response_posted_to_aws()
                        {
                            self.settle = Some(SettleWatch::new(seen.entry, Instant::now()));
                        }
                        if self.saml.len() < MAX_SAML_KEPT {
                            self.saml.push(seen.clone());
                        }
                    }
                    self.queue.push_back(event);
                }
            }
        }
    }
}

/// Percent-encodes a page for a `data:` URL.
fn data_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Runs a whole recording: starts it, calls `on_event` for each event as it happens, and
/// finishes it when an end condition is met.
pub fn record(
    options: Options,
    mut on_event: impl FnMut(&Event),
) -> Result<Recording, CaptureError> {
    let mut session = Session::start(options)?;
    while let Some(event) = session.next_event()? {
        on_event(&event);
    }
    session.finish()
}

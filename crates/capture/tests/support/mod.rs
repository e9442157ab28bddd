//! What the real-browser tests share: the fake identity provider (tests/capture/fake_idp.py)
//! on 127.0.0.1, the browser to use (or a loud failure when SAML_DOCTOR_REQUIRE_CHROMIUM=1 and
//! there is none), a recording run to its end, and the checks that nothing is left behind.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use capture::{Event, Options, Recording, Session, Until};

/// Nothing outside this machine is ever resolved: every host but 127.0.0.1 is NOTFOUND, so
/// AWS is unreachable and the SAML POST is recorded as sent.
pub const HOST_RULES: &str = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1";
/// Planted by the fake identity provider (Set-Cookie) and the start URL (a query token).
pub const COOKIE: &str = "planted-cookie-7f3a9c1e5b";
pub const TOKEN: &str = "planted-token-2d8e6b4a0c";
pub const PASSWORD: &str = "planted-password-Summer2024";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Says why a test cannot run: a failure when SAML_DOCTOR_REQUIRE_CHROMIUM=1 (CI, which
/// installs what is needed), else a note and `None`.
fn missing<T>(what: String) -> Option<T> {
    if std::env::var("SAML_DOCTOR_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
        panic!("SAML_DOCTOR_REQUIRE_CHROMIUM=1 but {what}");
    }
    eprintln!("skipped: {what} (CI sets SAML_DOCTOR_REQUIRE_CHROMIUM=1 and installs it)");
    None
}

/// The browser (`CHROMIUM`, else the one discovery finds), or `None` when there is none.
pub fn browser() -> Option<PathBuf> {
    let given = std::env::var_os("CHROMIUM").map(PathBuf::from);
    match capture::discover::find_browser(given.as_deref()) {
        Ok(path) => Some(path),
        Err(e) => missing(format!("no browser: {e}")),
    }
}

/// The fake identity provider, killed when dropped.
pub struct FakeIdp {
    child: Child,
    pub port: u16,
}

impl FakeIdp {
    /// Starts it; it needs python3 with signxml and lxml (which CI installs).
    pub fn start() -> Option<FakeIdp> {
        let Ok(mut child) = Command::new("python3")
            .arg("tests/capture/fake_idp.py")
            .arg(COOKIE)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
        else {
            return missing("no python3 for the fake identity provider".into());
        };
        let mut line = String::new();
        let read = BufReader::new(child.stdout.take()?).read_line(&mut line);
        match read.ok().and_then(|_| line.trim().parse().ok()) {
            Some(port) => Some(FakeIdp { child, port }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                missing("the fake identity provider did not start (it needs python3 with signxml==5.2.0 and lxml: see .ci/run)".into())
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for FakeIdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Options for a headless run on this machine's closed network.
pub fn options(browser: &Path, start_url: String, until: Until, timeout: u64) -> Options {
    Options {
        browser: Some(browser.to_path_buf()),
        browser_args: vec![HOST_RULES.to_string(), "--disable-gpu".to_string()],
        headless: true,
        start_url: Some(start_url),
        until,
        timeout: Some(Duration::from_secs(timeout)),
        ..Default::default()
    }
}

/// A finished run: every event in order, the recording, and what must be gone.
pub struct Run {
    pub events: Vec<Event>,
    pub recording: Recording,
    pub profile: PathBuf,
    pub group: u32,
}

/// Records until the end, calling `during` on each event with the session's process group.
pub fn run(options: Options, mut during: impl FnMut(&Event, u32)) -> Run {
    let mut session = Session::start(options).expect("the recording starts");
    let (profile, group) = (session.profile_dir().to_path_buf(), session.process_group());
    assert!(profile.is_dir(), "the profile exists while recording");
    let mut events = Vec::new();
    while let Some(event) = session.next_event().expect("the recording runs") {
        during(&event, group);
        events.push(event);
    }
    let recording = session.finish().expect("the recording finishes");
    Run {
        events,
        recording,
        profile,
        group,
    }
}

/// Processes still running (zombies excluded) in `group` or naming `profile` on their command
/// line, after waiting up to 5 s for them to go.
pub fn leftovers(group: u32, profile: &Path) -> Vec<String> {
    let profile = profile.to_string_lossy().into_owned();
    wait_for_none(|| {
        processes(|pgrp, cmdline, _| pgrp == Some(group) || cmdline.contains(&profile))
    })
}

/// Processes still running (zombies excluded) that name `dir` on their command line or in
/// their environment (a browser started with TMPDIR=`dir` and every helper it starts), after
/// waiting up to 5 s for them to go: how a test finds what a run of the binary left.
pub fn processes_naming(dir: &Path) -> Vec<String> {
    let dir = dir.to_string_lossy().into_owned();
    wait_for_none(|| {
        processes(|_, cmdline, environ| cmdline.contains(&dir) || environ.contains(&dir))
    })
}

fn wait_for_none(find: impl Fn() -> Vec<String>) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found = find();
        if found.is_empty() || Instant::now() >= deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Running processes (zombies excluded) for which `matches(process group, command line,
/// environment)` holds.
fn processes(matches: impl Fn(Option<u32>, &str, &str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its ')'.
        let Some(after) = stat.rsplit_once(')').map(|(_, a)| a) else {
            continue;
        };
        let fields: Vec<&str> = after.split_whitespace().collect();
        if fields.first() == Some(&"Z") {
            continue;
        }
        let pgrp = fields.get(2).and_then(|g| g.parse::<u32>().ok());
        let read = |file: &str| {
            String::from_utf8_lossy(&std::fs::read(entry.path().join(file)).unwrap_or_default())
                .into_owned()
        };
        if matches(pgrp, &read("cmdline"), &read("environ")) {
            found.push(format!("{name}: {}", stat.trim()));
        }
    }
    found
}

/// The browser's main process: the child of the launcher shell that leads the group.
pub fn browser_main_pid(group: u32) -> Option<u32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((head, after)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = after.split_whitespace().collect();
        if fields.get(1).and_then(|p| p.parse::<u32>().ok()) == Some(group) {
            return head.split_whitespace().next()?.parse().ok();
        }
    }
    None
}

/// Sends `signal` (KILL, TERM, INT) to `pid`.
pub fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args(["-s", signal, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -s {signal} {pid}");
}

/// Nothing of the run is left: no browser process, no profile directory.
pub fn assert_nothing_left(run: &Run) {
    assert!(
        !run.profile.exists(),
        "the profile {} is left behind",
        run.profile.display()
    );
    assert_eq!(run.recording.leftover_profile, None);
    let left = leftovers(run.group, &run.profile);
    assert!(left.is_empty(), "browser processes left behind: {left:#?}");
}

//! Starts the browser with the DevTools protocol on a pipe, in its own process group, with a
//! fresh profile and the flags that keep it quiet on a closed network.
//!
//! `--remote-debugging-pipe` makes the browser read commands on file descriptor 3 and write
//! answers on 4; no port is opened. The standard library cannot hand a child descriptors other
//! than 0-2 without `unsafe`, so the browser is started through `/bin/sh`, which moves our
//! piped stdin and stdout to 3 and 4 (`exec 3<&0 4>&1`) before starting it. The same small
//! script is the profile's last line of defence: it waits for the browser and deletes the
//! profile directory, so the profile goes even if this process is killed outright (its end of
//! the pipe closes, the browser quits, the script removes the directory).
//!
//! Windows has no `/bin/sh` and passes pipes as handles (`--remote-debugging-io-pipes`), which
//! the standard library cannot make inheritable: recording is not supported there yet.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::error::CaptureError;
use crate::profile::TempProfile;

/// How much of the browser's stderr is kept, to explain a browser that would not start.
const STDERR_TAIL: usize = 8 * 1024;

/// The flags every recording starts the browser with, then `extra` (the user's
/// `--browser-arg`s, passed through as given), then the first page, `about:blank`.
pub fn browser_args(user_data_dir: &Path, headless: bool, extra: &[String]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["--remote-debugging-pipe".into(), {
        let mut a = OsString::from("--user-data-dir=");
        a.push(user_data_dir);
        a
    }];
    // Quiet on a closed network: no first-run UI, no update, sync, metrics or safe-browsing
    // fetches (each would be refused, many at a time, and slow the start), and no keyring or
    // keychain prompt for the throw-away profile's passwords.
    args.extend(
        [
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--disable-breakpad",
            "--metrics-recording-only",
            "--password-store=basic",
            "--use-mock-keychain",
        ]
        .map(OsString::from),
    );
    if headless {
        args.push("--headless".into());
    }
    // Chromium refuses to start as root with its sandbox on; a root user gets it without.
    if running_as_root() && !extra.iter().any(|a| a == "--no-sandbox") {
        args.push("--no-sandbox".into());
    }
    args.extend(extra.iter().map(OsString::from));
    args.push("about:blank".into());
    args
}

#[cfg(target_os = "linux")]
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the effective user.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(not(target_os = "linux"))]
fn running_as_root() -> bool {
    false
}

/// The running browser: the shell that started it leads its process group.
#[derive(Debug)]
pub struct Browser {
    child: Child,
    path: PathBuf,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// The launcher shell was reaped: its id may since name another process group.
    reaped: bool,
}

/// The two ends of the DevTools pipe.
#[derive(Debug)]
pub struct Pipe {
    /// Commands go here (the browser's descriptor 3).
    pub to_browser: ChildStdin,
    /// Answers and events come from here (the browser's descriptor 4).
    pub from_browser: ChildStdout,
}

/// The shell script between this process and the browser: `$0` is the profile directory, the
/// rest is the browser's command line. It removes the profile with `/bin/rm` first: the PATH
/// it inherits may not lead to `rm`.
#[cfg(unix)]
const WRAPPER: &str = r#"dir=$0
exec 3<&0 4>&1 0</dev/null 1>/dev/null
"$@" &
pid=$!
exec 3<&- 4>&-
wait "$pid"
status=$?
/bin/rm -rf -- "$dir" 2>/dev/null || rm -rf -- "$dir"
exit "$status""#;

/// Starts `browser` on `profile` (see the module's documentation).
#[cfg(unix)]
pub fn launch(
    browser: &Path,
    profile: &TempProfile,
    headless: bool,
    extra: &[String],
) -> Result<(Browser, Pipe), CaptureError> {
    use std::os::unix::process::CommandExt;

    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(WRAPPER)
        .arg(profile.root())
        .arg(browser)
        .args(browser_args(&profile.user_data_dir(), headless, extra))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group: a terminal's Ctrl-C reaches only this process, which closes
        // the browser in order, and the whole group (renderers, GPU, network service) can be
        // ended at once.
        .process_group(0);
    if cfg!(target_os = "linux") {
        isolate_home(&mut cmd, profile);
    }
    let mut child = cmd.spawn().map_err(|source| CaptureError::Spawn {
        browser: browser.to_path_buf(),
        source,
    })?;
    let (Some(to_browser), Some(from_browser)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(CaptureError::Spawn {
            browser: browser.to_path_buf(),
            source: std::io::Error::other("no pipe to the browser"),
        });
    };
    let stderr = Arc::new(Mutex::new(Vec::new()));
    if let Some(mut pipe) = child.stderr.take() {
        let tail = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                if let Ok(mut t) = tail.lock() {
                    t.extend_from_slice(&buf[..n]);
                    let excess = t.len().saturating_sub(STDERR_TAIL);
                    t.drain(..excess);
                }
            }
        });
    }
    Ok((
        Browser {
            child,
            path: browser.to_path_buf(),
            stderr,
            reaped: false,
        },
        Pipe {
            to_browser,
            from_browser,
        },
    ))
}

/// Recording needs `/bin/sh` and inheritable descriptors 3 and 4.
#[cfg(not(unix))]
pub fn launch(
    _browser: &Path,
    _profile: &TempProfile,
    _headless: bool,
    _extra: &[String],
) -> Result<(Browser, Pipe), CaptureError> {
    Err(CaptureError::Unsupported(
        "recording a sign-in is not supported on Windows yet (the DevTools pipe needs handles this \
         program cannot pass to the browser): save a HAR from the browser's developer tools and run \
         `saml-doctor diagnose FILE.har`",
    ))
}

/// The browser and any launcher script see a HOME inside the temporary profile, so neither
/// reads the user's dot-files (Debian's launcher looks into ~/.config/chromium; Chromium reads
/// ~/.pki/nssdb). The X server's cookie stays reachable where the display needs it.
#[cfg(unix)]
fn isolate_home(cmd: &mut Command, profile: &TempProfile) {
    let home = profile.home_dir();
    if std::env::var_os("XAUTHORITY").is_none() {
        if let Some(real) = std::env::var_os("HOME") {
            let xauth = PathBuf::from(real).join(".Xauthority");
            if xauth.is_file() {
                cmd.env("XAUTHORITY", xauth);
            }
        }
    }
    cmd.env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("HOME", home);
}

impl Browser {
    /// The browser's process group: the launcher shell, the browser and every helper process.
    pub fn process_group(&self) -> u32 {
        self.child.id()
    }

    /// The executable that was started.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Ends every process of the group at once. Only while the launcher shell is not yet
    /// reaped: until then the group's id cannot have been reused by an unrelated process.
    pub fn kill_group(&mut self) {
        if self.reaped {
            return;
        }
        #[cfg(unix)]
        {
            let group = self.process_group().to_string();
            // The shell's `kill` takes a negative id for a group; no `unsafe` libc call needed.
            let _ = Command::new("/bin/sh")
                .args(["-c", r#"kill -s KILL -- "-$0" 2>/dev/null"#, &group])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
    }

    /// Waits for the launcher shell to exit and reaps it.
    pub fn wait(&mut self) {
        let _ = self.child.wait();
        self.reaped = true;
    }

    /// The last lines the browser wrote on stderr, with JWTs and keys redacted, for an error
    /// message about a browser that would not start.
    pub fn stderr_tail(&self) -> String {
        let bytes = self.stderr.lock().map(|t| t.clone()).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let last = lines[lines.len().saturating_sub(3)..].join(" | ");
        har::redact::redact_patterns(&last, &mut Vec::new())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.kill_group();
        self.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_gets_a_pipe_a_fresh_profile_and_quiet_flags() {
        let extra = vec![
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1".to_string(),
            "--lang=de".to_string(),
        ];
        let args = browser_args(Path::new("/tmp/p/profile"), true, &extra);
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        for flag in [
            "--remote-debugging-pipe",
            "--user-data-dir=/tmp/p/profile",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--headless",
        ] {
            assert!(args.iter().any(|a| a == flag), "{flag} missing: {args:?}");
        }
        assert!(!args
            .iter()
            .any(|a| a.starts_with("--remote-debugging-port")));
        // The user's arguments are passed through whole, after ours, before the first page.
        let n = args.len();
        assert_eq!(args[n - 3], extra[0]);
        assert_eq!(args[n - 2], "--lang=de");
        assert_eq!(args[n - 1], "about:blank");
        let windowed = browser_args(Path::new("/p"), false, &[]);
        assert!(!windowed.iter().any(|a| a == "--headless"));
    }
}

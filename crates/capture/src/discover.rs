//! Finds a Chromium-family browser (Chrome, Chromium, Edge): the one `--browser` names, else the
//! first found on PATH, else in the operating system's standard install locations.
//!
//! Only Chromium-family browsers speak the DevTools protocol over a pipe; Firefox and Safari do
//! not, so they are not looked for.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::CaptureError;

/// The operating systems whose install locations are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux and the BSDs (the same package names and `/opt` locations).
    Linux,
    /// macOS: app bundles in `/Applications` and `~/Applications`.
    MacOs,
    /// Windows: Program Files and the per-user `%LOCALAPPDATA%`.
    Windows,
}

impl Os {
    /// The operating system this program runs on.
    pub const fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }

    fn install_hint(self) -> &'static str {
        match self {
            Os::Linux => "install one (Debian or Ubuntu: `sudo apt-get install chromium`; Fedora: `sudo dnf install chromium`; or Google Chrome from https://www.google.com/chrome/)",
            Os::MacOs => "install Google Chrome (https://www.google.com/chrome/) or Microsoft Edge into /Applications",
            Os::Windows => "install Google Chrome or Microsoft Edge",
        }
    }
}

/// Where to look for a browser, in order of preference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// Program names searched for in each PATH directory.
    pub names: Vec<&'static str>,
    /// Full paths of standard installs.
    pub paths: Vec<PathBuf>,
}

/// The places to look on `os`; `env` reads an environment variable (HOME, ProgramFiles, ...).
pub fn places(os: Os, env: &dyn Fn(&str) -> Option<OsString>) -> Places {
    match os {
        Os::Linux => Places {
            names: vec![
                "google-chrome",
                "google-chrome-stable",
                "chromium",
                "chromium-browser",
                "microsoft-edge",
                "microsoft-edge-stable",
            ],
            // The snap last: its private /tmp hides the temporary profile from this program.
            paths: [
                "/opt/google/chrome/chrome",
                "/usr/bin/google-chrome",
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/lib/chromium/chromium",
                "/opt/microsoft/msedge/msedge",
                "/usr/bin/microsoft-edge",
                "/snap/bin/chromium",
            ]
            .iter()
            .map(PathBuf::from)
            .collect(),
        },
        Os::MacOs => {
            let bundles = [
                "Google Chrome.app/Contents/MacOS/Google Chrome",
                "Chromium.app/Contents/MacOS/Chromium",
                "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
                "Google Chrome Beta.app/Contents/MacOS/Google Chrome Beta",
                "Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary",
            ];
            let mut roots = vec![PathBuf::from("/Applications")];
            if let Some(home) = env("HOME") {
                roots.push(PathBuf::from(home).join("Applications"));
            }
            Places {
                names: vec!["google-chrome", "chromium", "microsoft-edge"],
                paths: roots
                    .iter()
                    .flat_map(|r| bundles.iter().map(move |b| r.join(b)))
                    .collect(),
            }
        }
        Os::Windows => {
            let installs = [
                r"Google\Chrome\Application\chrome.exe",
                r"Microsoft\Edge\Application\msedge.exe",
                r"Chromium\Application\chrome.exe",
            ];
            let roots: Vec<PathBuf> = ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"]
                .iter()
                .filter_map(|v| env(v))
                .map(PathBuf::from)
                .collect();
            Places {
                names: vec!["chrome.exe", "msedge.exe"],
                paths: installs
                    .iter()
                    .flat_map(|i| roots.iter().map(move |r| r.join(i)))
                    .collect(),
            }
        }
    }
}

/// The browser to run: `explicit` (a path, or a name looked up on PATH) when given, else the
/// first browser found on PATH or in this operating system's standard locations.
pub fn find_browser(explicit: Option<&Path>) -> Result<PathBuf, CaptureError> {
    find_with(
        Os::current(),
        &|name| std::env::var_os(name),
        &is_executable,
        explicit,
    )
}

/// [`find_browser`] with the operating system, environment and file test given, for tests.
pub fn find_with(
    os: Os,
    env: &dyn Fn(&str) -> Option<OsString>,
    is_exec: &dyn Fn(&Path) -> bool,
    explicit: Option<&Path>,
) -> Result<PathBuf, CaptureError> {
    let path_dirs: Vec<PathBuf> = env("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(given) = explicit {
        return explicit_browser(given, &path_dirs, is_exec);
    }
    let places = places(os, env);
    let on_path = places
        .names
        .iter()
        .flat_map(|n| path_dirs.iter().map(move |d| d.join(n)));
    if let Some(found) = on_path
        .chain(places.paths.iter().cloned())
        .find(|p| is_exec(p))
    {
        return Ok(found);
    }
    Err(CaptureError::NoBrowser {
        looked_for: places.names.join(", "),
        locations: places
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        hint: os.install_hint(),
    })
}

fn explicit_browser(
    given: &Path,
    path_dirs: &[PathBuf],
    is_exec: &dyn Fn(&Path) -> bool,
) -> Result<PathBuf, CaptureError> {
    // A bare name ("chromium") is looked up on PATH, as a shell would.
    if given.components().count() == 1 && !given.exists() {
        if let Some(found) = path_dirs.iter().map(|d| d.join(given)).find(|p| is_exec(p)) {
            return Ok(found);
        }
    }
    let bad = |reason: &str| CaptureError::BadBrowser {
        path: given.to_path_buf(),
        reason: reason.to_string(),
    };
    if is_exec(given) {
        Ok(given.to_path_buf())
    } else if given.is_dir() {
        Err(bad(
            "is a directory (on macOS, give the program inside the app: …/Google Chrome.app/Contents/MacOS/Google Chrome)",
        ))
    } else if given.exists() {
        Err(bad("is not an executable file"))
    } else {
        Err(bad("no such file, nor a program of that name on PATH"))
    }
}

/// A regular file this user may execute.
pub fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn each_os_lists_chrome_chromium_and_edge_in_its_standard_places() {
        let linux = places(Os::Linux, &env_of(&[]));
        assert!(linux
            .paths
            .contains(&PathBuf::from("/opt/google/chrome/chrome")));
        assert!(linux.paths.contains(&PathBuf::from("/usr/bin/chromium")));
        assert!(linux
            .paths
            .contains(&PathBuf::from("/opt/microsoft/msedge/msedge")));
        assert_eq!(linux.paths.last().unwrap(), Path::new("/snap/bin/chromium"));

        let mac = places(Os::MacOs, &env_of(&[("HOME", "/Users/jane")]));
        assert!(mac.paths.contains(&PathBuf::from(
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
        )));
        assert!(mac.paths.contains(&PathBuf::from(
            "/Users/jane/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"
        )));

        let win = places(
            Os::Windows,
            &env_of(&[
                ("ProgramFiles", r"C:\Program Files"),
                ("ProgramFiles(x86)", r"C:\Program Files (x86)"),
                ("LOCALAPPDATA", r"C:\Users\jane\AppData\Local"),
            ]),
        );
        let shown: Vec<String> = win.paths.iter().map(|p| p.display().to_string()).collect();
        assert!(shown
            .iter()
            .any(|p| p.starts_with(r"C:\Program Files (x86)") && p.ends_with("msedge.exe")));
        assert!(shown
            .iter()
            .any(|p| p.starts_with(r"C:\Users\jane") && p.ends_with("chrome.exe")));
        assert_eq!(win.names, vec!["chrome.exe", "msedge.exe"]);
    }

    #[test]
    fn path_comes_before_the_standard_locations_and_names_keep_their_order() {
        let env = env_of(&[("PATH", "/home/jane/bin:/usr/local/bin")]);
        let exists = |p: &Path| {
            p == Path::new("/usr/local/bin/chromium")
                || p == Path::new("/home/jane/bin/microsoft-edge")
                || p == Path::new("/opt/google/chrome/chrome")
        };
        // chromium is named before microsoft-edge, whichever PATH directory holds it.
        assert_eq!(
            find_with(Os::Linux, &env, &exists, None).unwrap(),
            PathBuf::from("/usr/local/bin/chromium")
        );
        let only_opt = |p: &Path| p == Path::new("/opt/google/chrome/chrome");
        assert_eq!(
            find_with(Os::Linux, &env, &only_opt, None).unwrap(),
            PathBuf::from("/opt/google/chrome/chrome")
        );
    }

    #[test]
    fn no_browser_is_one_error_saying_how_to_install_one_or_pass_browser() {
        for os in [Os::Linux, Os::MacOs, Os::Windows] {
            let err = find_with(os, &env_of(&[("PATH", "/nowhere")]), &|_| false, None)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("no Chrome, Chromium or Edge found"),
                "{err}"
            );
            assert!(err.contains("install"), "{err}");
            assert!(err.ends_with("or pass --browser PATH"), "{err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
        let linux = find_with(Os::Linux, &env_of(&[]), &|_| false, None)
            .unwrap_err()
            .to_string();
        assert!(linux.contains("apt-get install chromium"), "{linux}");
    }

    #[test]
    fn explicit_browser_is_a_path_or_a_name_on_path() {
        let dir =
            std::env::temp_dir().join(format!("saml-capture-discover-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join("my-chrome");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        let not_exe = dir.join("notes.txt");
        std::fs::write(&not_exe, "").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path = dir.display().to_string();
        let env = env_of(&[("PATH", path.as_str())]);
        let os = Os::current();
        assert_eq!(
            find_with(os, &env, &is_executable, Some(&exe)).unwrap(),
            exe
        );
        assert_eq!(
            find_with(os, &env, &is_executable, Some(Path::new("my-chrome"))).unwrap(),
            exe
        );
        let missing = find_with(os, &env, &is_executable, Some(Path::new("/no/such/chrome")))
            .unwrap_err()
            .to_string();
        assert_eq!(
            missing,
            "--browser /no/such/chrome: no such file, nor a program of that name on PATH"
        );
        #[cfg(unix)]
        {
            let err = find_with(os, &env, &is_executable, Some(&not_exe))
                .unwrap_err()
                .to_string();
            assert!(err.ends_with("is not an executable file"), "{err}");
        }
        let err = find_with(os, &env, &is_executable, Some(&dir))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a directory"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

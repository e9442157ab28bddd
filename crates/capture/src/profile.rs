//! The browser's fresh temporary profile: a private directory under the system's temporary
//! directory holding the browser's user-data directory and, on Linux, the HOME the browser
//! sees, so nothing of the user's real profile (cookies, saved passwords, extensions, signed-in
//! accounts, NSS certificates) is read or changed. Removed when dropped.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::CaptureError;

/// The prefix of every profile directory's name, so a stray one is recognisable.
pub const PREFIX: &str = "saml-doctor-capture-";

/// A temporary profile directory, deleted on [`TempProfile::remove`] or drop.
#[derive(Debug)]
pub struct TempProfile {
    root: PathBuf,
    removed: bool,
}

impl TempProfile {
    /// Makes a new, empty, private directory under `parent` (the system's temporary directory
    /// when `None`).
    pub fn create(parent: Option<&Path>) -> Result<TempProfile, CaptureError> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let err = |source| CaptureError::Profile {
            dir: parent.clone(),
            source,
        };
        // A name nobody can predict in advance is not needed: creation fails on a name that
        // exists (no following of a planted link), and then another is tried.
        for _ in 0..16 {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let root = parent.join(format!("{PREFIX}{}-{nanos:08x}-{n}", std::process::id()));
            match private_dir(&root) {
                Ok(()) => {
                    let profile = TempProfile {
                        root,
                        removed: false,
                    };
                    for sub in [profile.user_data_dir(), profile.home_dir()] {
                        private_dir(&sub).map_err(err)?;
                    }
                    return Ok(profile);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(err(e)),
            }
        }
        Err(err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free name after 16 tries",
        )))
    }

    /// The directory removed at the end: everything the browser wrote is under it.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The browser's `--user-data-dir`.
    pub fn user_data_dir(&self) -> PathBuf {
        self.root.join("profile")
    }

    /// The HOME the browser sees (Linux), so that neither it nor a launcher script reads the
    /// user's own dot-files.
    pub fn home_dir(&self) -> PathBuf {
        self.root.join("home")
    }

    /// Deletes the directory. The browser's helper processes may still be writing for a moment
    /// after the browser ends, so a failure is retried for up to two seconds.
    pub fn remove(&mut self) -> io::Result<()> {
        if self.removed {
            return Ok(());
        }
        let mut last = Ok(());
        for attempt in 0..20 {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(100));
            }
            last = match std::fs::remove_dir_all(&self.root) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                other => other,
            };
            if last.is_ok() && !self.root.exists() {
                self.removed = true;
                return Ok(());
            }
        }
        last
    }
}

impl Drop for TempProfile {
    fn drop(&mut self) {
        let _ = self.remove();
    }
}

fn private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_is_private_fresh_and_removed_on_drop() {
        let a = TempProfile::create(None).unwrap();
        let b = TempProfile::create(None).unwrap();
        assert_ne!(a.root(), b.root());
        assert!(a
            .root()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(PREFIX));
        assert!(a.user_data_dir().is_dir() && a.home_dir().is_dir());
        assert_eq!(std::fs::read_dir(a.user_data_dir()).unwrap().count(), 0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(a.root()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let root = a.root().to_path_buf();
        std::fs::write(a.user_data_dir().join("Cookies"), "x").unwrap();
        drop(a);
        assert!(!root.exists());
        let mut b = b;
        b.remove().unwrap();
        b.remove().unwrap();
        assert!(!b.root().exists());
    }

    #[test]
    fn an_unusable_parent_is_a_clear_error() {
        let err = TempProfile::create(Some(Path::new("/nonexistent/parent")))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot create a temporary browser profile in /nonexistent/parent"),
            "{err}"
        );
    }
}

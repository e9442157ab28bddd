//! Ctrl-C (SIGINT), SIGTERM and SIGHUP during a recording end it in order (the browser is
//! closed and its profile deleted) instead of killing this process on the spot.
//!
//! The handlers, signal-hook's safe flag setters, are installed once per process and never
//! removed. While no recording runs they do what the signal would have done anyway (the
//! default action, i.e. the process ends); while one runs they set a flag the recording polls.
//! After the first signal of a recording the default comes back, so a second Ctrl-C ends the
//! process at once: the browser then sees its pipe close and quits, and the launcher script
//! still deletes the profile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

/// A signal arrived while a recording ran.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// No recording runs (or one was already interrupted): signals take their default action.
static DEFAULT_ACTION: AtomicBool = AtomicBool::new(true);
/// Recordings running in this process.
static RUNNING: Mutex<usize> = Mutex::new(0);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Registration for the lifetime of one recording; dropping it ends the registration.
#[derive(Debug)]
pub(crate) struct Guard(());

/// Installs the handlers (once) and counts a recording as running.
pub(crate) fn register() -> Guard {
    INSTALLED.get_or_init(install);
    let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    if *running == 0 {
        INTERRUPTED.store(false, Ordering::SeqCst);
    }
    *running += 1;
    DEFAULT_ACTION.store(false, Ordering::SeqCst);
    Guard(())
}

/// True when a signal asked the running recordings to end. The next signal then takes its
/// default action.
pub(crate) fn interrupted() -> bool {
    let hit = INTERRUPTED.load(Ordering::SeqCst);
    if hit {
        DEFAULT_ACTION.store(true, Ordering::SeqCst);
    }
    hit
}

impl Drop for Guard {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        *running = running.saturating_sub(1);
        if *running == 0 {
            DEFAULT_ACTION.store(true, Ordering::SeqCst);
        }
    }
}

#[cfg(unix)]
fn install() -> bool {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::flag;
    let mut ok = true;
    for sig in [SIGINT, SIGTERM, SIGHUP] {
        // Order matters: the default action (when armed) ends the process before the flag
        // would be set for nobody.
        ok &= flag::register_conditional_default(sig, &DEFAULT_ACTION).is_ok();
        ok &= flag::register(sig, &INTERRUPTED).is_ok();
    }
    ok
}

#[cfg(not(unix))]
fn install() -> bool {
    false
}

//! `--timings` (`-v`): one stderr line saying where a run's time went (reading the input,
//! decoding the SAML messages, verifying them: rules and signatures, account checks), for bug
//! reports about slow runs. Phases add their durations to one process-wide record as they finish,
//! so no signature has to carry it through.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::Args;

#[derive(Args, Clone, Copy, Debug, Default)]
pub struct TimingArgs {
    /// Print one line on stderr with how long reading, decoding, verification and account
    /// checks took
    #[arg(long, short = 'v', visible_alias = "verbose")]
    pub timings: bool,
}

/// A part of the work, in the order the line reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading the input: for a HAR, the scan for SAML messages.
    Reading,
    /// URL, base64 and DEFLATE decoding of each message found.
    Decoding,
    /// The offline rules and signature verification.
    Verification,
    /// The AWS account checks (`--aws`).
    AccountChecks,
}

const PHASES: [(Phase, &str); 4] = [
    (Phase::Reading, "reading"),
    (Phase::Decoding, "decoding"),
    (Phase::Verification, "verification"),
    (Phase::AccountChecks, "account checks"),
];

struct Record {
    spent: [Option<Duration>; 4],
    bytes: Option<u64>,
}

static RECORD: Mutex<Record> = Mutex::new(Record {
    spent: [None; 4],
    bytes: None,
});

fn slot(phase: Phase) -> usize {
    PHASES.iter().position(|(p, _)| *p == phase).unwrap_or(0)
}

/// Adds `spent` to `phase`.
pub fn add(phase: Phase, spent: Duration) {
    if let Ok(mut record) = RECORD.lock() {
        let slot = &mut record.spent[slot(phase)];
        *slot = Some(slot.unwrap_or_default() + spent);
    }
}

/// Runs `work` and adds its duration to `phase`.
pub fn time<T>(phase: Phase, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = work();
    add(phase, started.elapsed());
    out
}

/// The size of the input read, for the throughput.
pub fn read_bytes(bytes: u64) {
    if let Ok(mut record) = RECORD.lock() {
        record.bytes = Some(bytes);
    }
}

/// The line, e.g. `timings: reading 412.3 ms (268.8 MB, 652 MB/s), decoding 0.4 ms,
/// verification 2.1 ms, account checks not run; total 415.0 ms`.
pub fn line(total: Duration) -> String {
    let Ok(record) = RECORD.lock() else {
        return format!("timings: total {}", ms(total));
    };
    let parts: Vec<String> = PHASES
        .iter()
        .map(|(phase, name)| match record.spent[slot(*phase)] {
            None => format!("{name} not run"),
            Some(d) if *phase == Phase::Reading => match record.bytes {
                Some(b) if d.as_secs_f64() > 0.0 => format!(
                    "{name} {} ({:.1} MB, {:.0} MB/s)",
                    ms(d),
                    b as f64 / 1e6,
                    b as f64 / 1e6 / d.as_secs_f64()
                ),
                _ => format!("{name} {}", ms(d)),
            },
            Some(d) => format!("{name} {}", ms(d)),
        })
        .collect();
    format!("timings: {}; total {}", parts.join(", "), ms(total))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// Prints the line on stderr when `enabled`.
pub fn report(enabled: bool, started: Instant) {
    if enabled {
        eprintln!("saml-doctor: {}", line(started.elapsed()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_every_phase() {
        add(Phase::Reading, Duration::from_millis(200));
        read_bytes(100_000_000);
        time(Phase::Decoding, || ());
        let line = line(Duration::from_millis(250));
        assert!(
            line.starts_with("timings: reading 200.0 ms (100.0 MB, 500 MB/s), decoding "),
            "{line}"
        );
        assert!(
            line.contains("verification not run, account checks not run; total 250.0 ms"),
            "{line}"
        );
    }
}

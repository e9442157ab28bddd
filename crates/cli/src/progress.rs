//! What the user sees while a command runs: a progress bar on standard error while a large file
//! is read (only on a terminal), and with `--timings` (`-v`) one line saying where the run's
//! time went (reading the input, decoding, verification, account checks), for bug reports about
//! slow runs; a one-line status ([`StatusLine`]) while `trail` waits on AWS. All are the
//! libraries' progress and timing callbacks, drawn here (the libraries never write to a
//! terminal).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use clap::Args;
use saml_diagnosis::{Observer, Phase};

/// The `--timings` flag.
#[derive(Args, Clone, Copy, Debug, Default)]
pub struct TimingArgs {
    /// Print one line on stderr with how long reading, decoding, verification and account
    /// checks took
    #[arg(long, short = 'v', visible_alias = "verbose")]
    pub timings: bool,
}

/// Draws progress and records where the time went.
pub struct Terminal {
    bar: bool,
    total: Option<u64>,
    started: Instant,
    last: Instant,
    spent: [Option<Duration>; 4],
    bytes: Option<u64>,
}

impl Terminal {
    /// For an input of `total` bytes, when known; the bar is drawn only on a terminal.
    pub fn new(total: Option<u64>) -> Self {
        let now = Instant::now();
        Self {
            bar: std::io::stderr().is_terminal(),
            total,
            started: now,
            last: now,
            spent: [None; 4],
            bytes: None,
        }
    }

    /// Clears the bar, if one was drawn.
    fn clear(&mut self) {
        if self.bar && self.started.elapsed() >= Duration::from_millis(500) {
            let _ = std::io::stderr().write_all(b"\r\x1b[2K");
        }
        self.bar = false;
    }

    /// Ends the run: clears the bar, and prints the timing line when asked.
    pub fn finish(mut self, timings: bool) {
        self.clear();
        if timings {
            eprintln!("saml-doctor: {}", self.line(self.started.elapsed()));
        }
    }

    /// The line, e.g. `timings: reading 412.3 ms (268.8 MB, 652 MB/s), decoding 0.4 ms,
    /// verification 2.1 ms, account checks not run; total 415.0 ms`.
    fn line(&self, total: Duration) -> String {
        let parts: Vec<String> = Phase::ALL
            .iter()
            .zip(self.spent)
            .map(|(phase, spent)| {
                let name = phase.name();
                match (spent, self.bytes) {
                    (None, _) => format!("{name} not run"),
                    (Some(d), Some(b)) if *phase == Phase::Reading && d.as_secs_f64() > 0.0 => {
                        format!(
                            "{name} {} ({:.1} MB, {:.0} MB/s)",
                            ms(d),
                            b as f64 / 1e6,
                            b as f64 / 1e6 / d.as_secs_f64()
                        )
                    }
                    (Some(d), _) => format!("{name} {}", ms(d)),
                }
            })
            .collect();
        format!("timings: {}; total {}", parts.join(", "), ms(total))
    }
}

impl Observer for Terminal {
    fn progress(&mut self, bytes: u64) {
        if !self.bar
            || self.last.elapsed() < Duration::from_millis(200)
            || self.started.elapsed() < Duration::from_millis(500)
        {
            return;
        }
        self.last = Instant::now();
        let mib = bytes as f64 / (1024.0 * 1024.0);
        let line = match self.total.filter(|t| *t > 0) {
            Some(total) => {
                let frac = (bytes as f64 / total as f64).min(1.0);
                let filled = (frac * 30.0) as usize;
                format!(
                    "\r[{}{}] {:>3.0}%  {mib:.0} MiB",
                    "#".repeat(filled),
                    " ".repeat(30 - filled),
                    frac * 100.0
                )
            }
            None => format!("\rread {mib:.0} MiB"),
        };
        let _ = std::io::stderr().write_all(line.as_bytes());
    }

    fn spent(&mut self, phase: Phase, spent: Duration) {
        if phase != Phase::Reading {
            // Reading is over: the bar has done its job.
            self.clear();
        }
        let slot = &mut self.spent[Phase::ALL.iter().position(|p| *p == phase).unwrap_or(0)];
        *slot = Some(slot.unwrap_or_default() + spent);
    }

    fn input_size(&mut self, bytes: u64) {
        self.bytes = Some(bytes);
    }
}

/// One line of status on standard error, redrawn in place (only on a terminal, at most ten
/// times a second), and cleared when the work is done.
#[cfg_attr(not(feature = "trail-aws"), allow(dead_code))]
pub struct StatusLine {
    on: bool,
    drawn: Option<Instant>,
}

#[cfg_attr(not(feature = "trail-aws"), allow(dead_code))]
impl StatusLine {
    /// A status line, drawn only when standard error is a terminal.
    pub fn new() -> Self {
        Self {
            on: std::io::stderr().is_terminal(),
            drawn: None,
        }
    }

    /// Shows `text` in place of the last status.
    pub fn show(&mut self, text: &str) {
        if !self.on
            || self
                .drawn
                .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.drawn = Some(Instant::now());
        let _ = write!(std::io::stderr(), "\r\x1b[2K{text}");
    }

    /// Clears the line, if anything was drawn.
    pub fn clear(&mut self) {
        if self.on && self.drawn.take().is_some() {
            let _ = std::io::stderr().write_all(b"\r\x1b[2K");
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_every_phase() {
        let mut t = Terminal::new(None);
        t.spent(Phase::Reading, Duration::from_millis(200));
        t.input_size(100_000_000);
        t.spent(Phase::Decoding, Duration::from_micros(10));
        let line = t.line(Duration::from_millis(250));
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

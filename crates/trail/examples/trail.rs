//! The local engine alone on the command line, for `scripts/bench-trail.py`: prints the report
//! as JSON, and how long the reading took on stderr. It builds in seconds, without the AWS SDK
//! (`saml-doctor trail` reads the same way, and adds the reports, `--aws` and `--athena`).
//!
//! ```text
//! cargo run --release -p saml-trail --no-default-features --example trail -- [--since T] [--until T] [--threads N] PATH…
//! ```

use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use saml_core::Timestamp;
use trail::{analyze, parse_bound, Input, Options, Window};

fn main() -> ExitCode {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let now = Timestamp::from_unix_millis(now);
    let mut args = std::env::args().skip(1);
    let mut inputs = Vec::new();
    let mut window = Window::default();
    let mut threads = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let result = match arg.as_str() {
            "--since" => value("--since").and_then(|v| {
                parse_bound(&v, now)
                    .map(|t| window.since = Some(t))
                    .map_err(|e| e.to_string())
            }),
            "--until" => value("--until").and_then(|v| {
                parse_bound(&v, now)
                    .map(|t| window.until = Some(t))
                    .map_err(|e| e.to_string())
            }),
            "--threads" => value("--threads").and_then(|v| {
                v.parse()
                    .map(|n| threads = Some(n))
                    .map_err(|_| format!("--threads {v}: not a number"))
            }),
            "-" => {
                inputs.push(Input::Stdin);
                Ok(())
            }
            path => {
                inputs.push(Input::Path(path.into()));
                Ok(())
            }
        };
        if let Err(e) = result {
            eprintln!("trail: {e}");
            return ExitCode::from(2);
        }
    }
    let started = Instant::now();
    let report = analyze(&inputs, &Options { window, threads });
    let elapsed = started.elapsed();
    match serde_json::to_string_pretty(&report) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("trail: {e}");
            return ExitCode::from(2);
        }
    }
    eprintln!(
        "read {} events in {:.3} s",
        report.events_read,
        elapsed.as_secs_f64()
    );
    ExitCode::SUCCESS
}

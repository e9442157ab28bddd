//! Records a sign-in and writes it as a redacted HAR, printing what it sees as it goes (URLs
//! shown without query values): a manual check of the recording engine before the
//! `saml-doctor capture` command exists.
//!
//! cargo run -p saml-capture --example record -- START_URL OUT.har [--headless] [--until close]
//!     [--timeout SECONDS] [--browser PATH] [--browser-arg ARG]...

use std::time::Duration;

fn main() {
    let mut options = capture::Options::default();
    let mut positional = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--headless" => options.headless = true,
            "--until" => {
                if args.next().as_deref() == Some("close") {
                    options.until = capture::Until::Close;
                }
            }
            "--timeout" => {
                let secs = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);
                options.timeout = Some(Duration::from_secs(secs));
            }
            "--browser" => options.browser = args.next().map(Into::into),
            "--browser-arg" => options.browser_args.extend(args.next()),
            _ => positional.push(a),
        }
    }
    let (Some(start), Some(out)) = (positional.first(), positional.get(1)) else {
        eprintln!("usage: record START_URL OUT.har [--headless] [--until close] [--timeout S] [--browser PATH] [--browser-arg ARG]...");
        std::process::exit(2);
    };
    options.start_url = Some(start.clone());
    let result = capture::record(options, |event| match event {
        capture::Event::Saml(seen) => println!(
            "{:?} ({}) in entry {}: {} {}",
            seen.found.field,
            seen.found.kind.describe(),
            seen.entry,
            seen.method,
            capture::display_url(&seen.url)
        ),
        capture::Event::PageLoaded(p) => println!(
            "page {} {}",
            p.status
                .map_or_else(|| p.error.clone().unwrap_or_default(), |s| s.to_string()),
            capture::display_url(&p.url)
        ),
    });
    let recording = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "ended: {:?}; {} requests",
        recording.end,
        recording.requests.len()
    );
    let file = std::fs::File::create(out).unwrap_or_else(|e| {
        eprintln!("error: {out}: {e}");
        std::process::exit(2);
    });
    match recording.write_har(file, har::redact::SamlMode::Keep) {
        Ok(summary) => print!("{}", summary.report()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}

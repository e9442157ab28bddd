//! Times signature verification in-process, for scripts/bench-verify.py: for each FILE, the
//! whole offline diagnosis with --metadata (parse, canonicalize, digest, verify, rules), best of
//! `--runs` runs, printed as one tab-separated line: file, bytes, best ms, median ms, verdict.
//!
//!     cargo run --release -p saml-core --example verify-timing -- META AT RUNS FILE...
use std::time::Instant;

use saml_core::{diagnose_xml_in, metadata, AsOf, AsOfSource, Context, Severity, Timestamp};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        eprintln!("usage: verify-timing METADATA AT RUNS FILE...");
        std::process::exit(2);
    }
    let md = metadata::parse(&std::fs::read_to_string(&args[0]).expect("metadata readable"))
        .expect("metadata parses");
    let as_of = AsOf {
        instant: Timestamp::parse(&args[1]).expect("AT is RFC 3339"),
        source: AsOfSource::Given,
    };
    let runs: usize = args[2].parse().expect("RUNS is a number");
    for file in &args[3..] {
        let xml = std::fs::read_to_string(file).expect("file readable");
        let ctx = Context {
            metadata: Some(&md),
            ..Context::new(as_of)
        };
        let mut times = Vec::with_capacity(runs);
        let mut verdict = String::new();
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            let report = diagnose_xml_in(&xml, &ctx);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            let errors: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| f.code.as_str())
                .collect();
            verdict = if errors.is_empty() {
                "verified".to_owned()
            } else {
                format!("rejected ({})", errors.join(","))
            };
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{file}\t{}\t{:.2}\t{:.2}\t{verdict}",
            xml.len(),
            times[0],
            times[times.len() / 2]
        );
    }
}

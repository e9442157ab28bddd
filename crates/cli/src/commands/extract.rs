//! `saml-doctor extract`: the SAML messages a capture holds, each once with every place it was
//! seen, as text or JSON (with `--raw`, each message's decoded XML).

use std::path::PathBuf;

use clap::Args;
use saml_diagnosis::{extract_capture, Extracted};

use crate::input::Source;
use crate::progress::{Terminal, TimingArgs};
use crate::{Failure, Format};

#[derive(Args)]
pub struct ExtractArgs {
    /// A HAR capture; `-` or nothing reads standard input
    file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print the decoded XML of each message
    #[arg(long)]
    raw: bool,
    #[command(flatten)]
    timing: TimingArgs,
}

pub fn run(args: ExtractArgs) -> Result<u8, Failure> {
    let source = Source::from_arg(args.file.as_deref());
    let reader = source.open()?;
    let mut terminal = Terminal::new(source.size());
    let label = source.label();
    let extraction = match extract_capture(&label, reader, source.read_mode(), &mut terminal)? {
        Extracted::Capture(x) => x,
        Extracted::Unreadable(finding) => {
            terminal.finish(false);
            eprintln!("saml-doctor: {} (har_unreadable)", finding.detail);
            return Ok(1);
        }
    };
    match args.format {
        Format::Json => crate::outln!(
            "{}",
            saml_render::extract::json(&label, &extraction, args.raw)
        ),
        Format::Text => crate::out!(
            "{}",
            saml_render::extract::text(&label, &extraction, args.raw)
        ),
    }
    terminal.finish(args.timing.timings);
    Ok(u8::from(saml_render::extract::has_errors(&extraction)))
}

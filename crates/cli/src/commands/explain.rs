//! `saml-doctor explain [CODE]`: what a finding code means (what AWS does, why it fails, the fix,
//! the words AWS shows), from the one catalogue that also writes every report's fix.

use clap::{Args, ValueEnum};
use saml_core::Code;
use saml_render::catalogue;

use crate::Failure;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
    /// The finding reference of docs/findings.md
    Markdown,
}

#[derive(Args)]
pub struct ExplainArgs {
    /// A finding code (e.g. role_session_name_invalid); without one, every code is listed
    code: Option<String>,
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
}

/// The code named `name`, or a usage error suggesting codes that look like it.
fn code_named(name: &str) -> Result<Code, Failure> {
    Code::from_name(name.trim()).ok_or_else(|| {
        let wanted = name
            .trim()
            .to_ascii_lowercase()
            .replace(['_', '-', ' '], "");
        let close: Vec<&str> = Code::ALL
            .iter()
            .map(|c| c.as_str())
            .filter(|c| !wanted.is_empty() && c.replace('_', "").contains(&wanted))
            .collect();
        let hint = if close.is_empty() {
            "run `saml-doctor explain` for the list".to_owned()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        Failure(format!("no finding code `{name}`; {hint}"))
    })
}

pub fn run(args: ExplainArgs) -> Result<u8, Failure> {
    let code = args.code.as_deref().map(code_named).transpose()?;
    let pretty =
        |v: &serde_json::Value| serde_json::to_string_pretty(v).map_err(|e| Failure(e.to_string()));
    match (args.format, code) {
        (ExplainFormat::Json, Some(code)) => {
            crate::outln!("{}", pretty(&catalogue::json_of(code.info()))?)
        }
        (ExplainFormat::Json, None) => {
            let all = Code::ALL
                .iter()
                .map(|c| catalogue::json_of(c.info()))
                .collect();
            crate::outln!("{}", pretty(&serde_json::Value::Array(all))?)
        }
        (ExplainFormat::Markdown, _) => crate::out!("{}", catalogue::markdown()),
        (ExplainFormat::Text, None) => crate::out!("{}", catalogue::list()),
        (ExplainFormat::Text, Some(code)) => crate::out!("{}", catalogue::one(code.info())),
    }
    Ok(0)
}

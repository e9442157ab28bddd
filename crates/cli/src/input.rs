//! Reading what the user points at: a file or standard input, sniffed as a HAR capture (JSON)
//! or a SAML message, without ever loading more than a bounded prefix of a raw message.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use saml_diagnosis::{diagnose_capture, diagnose_pasted, Diagnosis, Observer, Options, Phase};

use crate::Failure;

/// Where input comes from.
#[derive(Clone, Debug)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    pub fn from_arg(arg: Option<&Path>) -> Self {
        match arg {
            None => Source::Stdin,
            Some(p) if p.as_os_str() == "-" => Source::Stdin,
            Some(p) => Source::File(p.to_owned()),
        }
    }

    /// True when the file's name says it is a capture (`.har`, `.json`), whatever it holds.
    pub fn named_as_capture(&self) -> bool {
        match self {
            Source::Stdin => false,
            Source::File(p) => p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("har") || e.eq_ignore_ascii_case("json")),
        }
    }

    /// The input's size in bytes, when it is a file (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
        }
    }

    /// How a capture is best read from here: a regular file's reads never wait on anyone, so it
    /// is read ahead on a thread of its own; standard input, or a path that is a pipe or a
    /// terminal (`<(…)`, `/dev/stdin`), may be idle, and a read waiting on it would hold the
    /// scan open after a verdict.
    pub fn read_mode(&self) -> saml_diagnosis::ReadMode {
        match self {
            Source::File(path) if std::fs::metadata(path).is_ok_and(|m| m.is_file()) => {
                saml_diagnosis::ReadMode::ReadAhead
            }
            _ => saml_diagnosis::ReadMode::InTurn,
        }
    }

    /// The input as reports name it: its path, or "standard input".
    pub fn label(&self) -> String {
        match self {
            Source::Stdin => "standard input".to_owned(),
            Source::File(p) => p.display().to_string(),
        }
    }

    pub fn open(&self) -> Result<Box<dyn BufRead + Send>, Failure> {
        let reader: Box<dyn BufRead + Send> = match self {
            Source::Stdin => Box::new(BufReader::with_capacity(1 << 16, io::stdin())),
            Source::File(path) => {
                let file = File::open(path).map_err(|e| {
                    Failure(format!("cannot read {}: {}", path.display(), io_reason(&e)))
                })?;
                if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                    return Err(Failure(format!(
                        "cannot read {}: it is a directory",
                        path.display()
                    )));
                }
                Box::new(BufReader::with_capacity(1 << 16, file))
            }
        };
        har::text::utf8_reader(reader)
            .map_err(|e| Failure(format!("cannot read {}: {e}", self.label())))
    }
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// What kind of input a stream holds, judged from its first non-blank bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// JSON: a HAR capture (or something that claims to be one).
    Har,
    /// Anything else: a SAML message in some encoding.
    Saml,
}

/// Looks at the start of the stream without consuming it. A file named `.har`/`.json` is a
/// capture whatever it holds, so a broken one is reported as such.
fn sniff(source: &Source, reader: &mut dyn BufRead) -> Result<Kind, Failure> {
    if source.named_as_capture() {
        return Ok(Kind::Har);
    }
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| Failure(format!("cannot read input: {e}")))?;
        if buf.is_empty() {
            return Ok(Kind::Saml);
        }
        let skip = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let skip = if buf.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            skip
        };
        if skip == 0 {
            return Ok(if buf[0] == b'{' || buf[0] == b'[' {
                Kind::Har
            } else {
                Kind::Saml
            });
        }
        reader.consume(skip);
    }
}

/// Reads at most `limit + 1` bytes: enough for the decoder to tell a message is too large
/// without holding a multi-gigabyte file in memory.
pub fn read_bounded(reader: &mut dyn BufRead, limit: usize) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure(format!("cannot read input: {e}")))?;
    Ok(bytes)
}

/// Diagnoses what `source` holds, read from `reader` (its opened stream): a capture through the
/// streaming pipeline, anything else as a pasted message read up to the decoder's limit.
pub fn diagnose(
    source: &Source,
    mut reader: Box<dyn BufRead + Send>,
    options: &Options,
    observer: &mut dyn Observer,
) -> Result<Diagnosis, Failure> {
    Ok(match sniff(source, &mut *reader)? {
        Kind::Har => diagnose_capture(
            source.label(),
            reader,
            source.read_mode(),
            options,
            observer,
        )?,
        Kind::Saml => {
            let started = std::time::Instant::now();
            let bytes = read_bounded(&mut *reader, saml_core::decode::MAX_INPUT_BYTES)?;
            observer.spent(Phase::Reading, started.elapsed());
            diagnose_pasted(source.label(), &bytes, options, observer)
        }
    })
}

//! The streaming rewrite: `log.entries` is read one entry at a time into a tree whose strings
//! are capped, handed to the policy, and written out; what sits outside the entries goes
//! through the policy as plain values. Output is held back until the entries start, so input
//! refused as "not a HAR" leaves nothing half-written; a cut inside the entries closes the
//! output as a valid HAR of the complete entries.

use std::io::{Read, Write};

use serde_json::{Map, Value};

use super::policy::{Policy, SamlMode};
use super::secrets::marker;
use super::summary::Summary;
use crate::json::{Captured, JsonError, Reader, ValueKind};

/// The longest string kept; longer ones (huge bodies) are replaced by a marker.
pub const MAX_STRING: usize = 16 * 1024 * 1024;
/// Deeper nesting than this is replaced by a marker (a HAR is a dozen levels deep).
const MAX_DEPTH: usize = 64;

/// Why a capture could not be redacted.
#[derive(Debug, thiserror::Error)]
pub enum RedactError {
    /// The input is not a HAR (why).
    #[error("{0}")]
    NotHar(String),
    /// Reading the input failed.
    #[error("cannot read the capture: {0}")]
    Read(std::io::Error),
    /// Writing the output failed.
    #[error("cannot write the redacted capture: {0}")]
    Write(std::io::Error),
}

/// The rewrite under way: the policy, and where the reader is.
struct Redactor {
    policy: Policy,
    /// Inside `log.entries`: a cut there is a truncated capture, not an unreadable one.
    in_entries: bool,
}

/// Holds output back until the entries array starts, so that input refused as "not a HAR"
/// leaves nothing half-written behind.
struct Gate<W: Write> {
    held: Option<Vec<u8>>,
    inner: W,
}

impl<W: Write> Gate<W> {
    fn open(&mut self) -> std::io::Result<()> {
        if let Some(held) = self.held.take() {
            self.inner.write_all(&held)?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Gate<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.held {
            Some(held) => held.write(buf),
            None => self.inner.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.held {
            Some(_) => Ok(()),
            None => self.inner.flush(),
        }
    }
}

/// Reads a HAR from `input` and writes it, redacted, to `output`.
pub fn redact<R: Read, W: Write>(
    mut input: R,
    mut output: W,
    mode: SamlMode,
) -> Result<Summary, RedactError> {
    redact_dyn(&mut input, &mut output, mode)
}

/// The work of [`redact`], compiled once here with this crate's optimisation rather than in
/// every caller (a binary built for size or compile time still redacts at full speed).
#[inline(never)]
fn redact_dyn(
    input: &mut dyn Read,
    output: &mut dyn Write,
    mode: SamlMode,
) -> Result<Summary, RedactError> {
    let mut r = Reader::new(input);
    let mut w = Gate {
        held: Some(Vec::new()),
        inner: std::io::BufWriter::with_capacity(1 << 16, output),
    };
    let mut red = Redactor {
        policy: Policy::new(mode),
        in_entries: false,
    };
    let result = red.document(&mut r, &mut w);
    match result {
        Ok(()) => {}
        Err(Stop::Json(JsonError::Io(e))) => return Err(RedactError::Read(e)),
        Err(Stop::Write(e)) => return Err(RedactError::Write(e)),
        Err(Stop::NotHar(m)) => return Err(RedactError::NotHar(m)),
        Err(Stop::Json(e)) => {
            if !red.in_entries {
                return Err(RedactError::NotHar(format!(
                    "it is not a readable HAR: {e}"
                )));
            }
            // Cut inside the entries: close what is open so the output is a valid HAR.
            red.policy.summary.truncated = true;
            w.write_all(b"]}}\n").map_err(RedactError::Write)?;
        }
    }
    w.open().map_err(RedactError::Write)?;
    w.flush().map_err(RedactError::Write)?;
    Ok(red.policy.summary)
}

enum Stop {
    Json(JsonError),
    Write(std::io::Error),
    NotHar(String),
}

impl From<JsonError> for Stop {
    fn from(e: JsonError) -> Self {
        Stop::Json(e)
    }
}

impl Redactor {
    fn document<R: Read, W: Write>(
        &mut self,
        r: &mut Reader<R>,
        w: &mut Gate<W>,
    ) -> Result<(), Stop> {
        let write = |w: &mut Gate<W>, b: &[u8]| w.write_all(b).map_err(Stop::Write);
        match r.peek()? {
            Some(b'{') => {}
            None => return Err(Stop::NotHar("the file is empty".into())),
            Some(_) => {
                return Err(Stop::NotHar(
                    "it is not a HAR: it does not start with '{'".into(),
                ))
            }
        }
        let (mut first, mut key) = (true, Vec::new());
        write(w, b"{")?;
        let mut first_out = true;
        let mut saw_entries = false;
        while r.next_key(&mut first, &mut key)? {
            let name = write_key(w, &mut first_out, &key)?;
            if name != "log" || r.kind()? != ValueKind::Object {
                let mut v = read_tree(r, 0)?;
                self.policy.generic(&mut v, "other");
                serde_json::to_writer(&mut *w, &v).map_err(|e| Stop::Write(e.into()))?;
                continue;
            }
            let (mut lfirst, mut lkey) = (true, Vec::new());
            write(w, b"{")?;
            let mut lfirst_out = true;
            while r.next_key(&mut lfirst, &mut lkey)? {
                let lname = write_key(w, &mut lfirst_out, &lkey)?;
                if lname == "entries" && r.kind()? != ValueKind::Array {
                    return Err(Stop::NotHar(
                        "it is JSON, but not a HAR: log.entries is not an array".into(),
                    ));
                }
                if lname != "entries" {
                    let mut v = read_tree(r, 0)?;
                    if lname == "pages" {
                        self.policy.pages(&mut v);
                    } else {
                        self.policy.generic(&mut v, "log");
                    }
                    serde_json::to_writer(&mut *w, &v).map_err(|e| Stop::Write(e.into()))?;
                    continue;
                }
                saw_entries = true;
                self.in_entries = true;
                w.open().map_err(Stop::Write)?;
                write(w, b"[")?;
                let mut efirst = true;
                let mut n = 0;
                while r.next_element(&mut efirst)? {
                    let mut entry = read_tree(r, 0)?;
                    self.policy.entry(&mut entry);
                    if n > 0 {
                        write(w, b",")?;
                    }
                    serde_json::to_writer(&mut *w, &entry).map_err(|e| Stop::Write(e.into()))?;
                    n += 1;
                    self.policy.summary.entries = n;
                }
                self.in_entries = false;
                write(w, b"]")?;
            }
            write(w, b"}")?;
        }
        write(w, b"}\n")?;
        if !saw_entries {
            return Err(Stop::NotHar(
                "it is JSON, but not a HAR: it has no log.entries array".into(),
            ));
        }
        Ok(())
    }
}

/// Writes `,"key":` (no comma before the first key of an object) and returns the key.
fn write_key<W: Write>(w: &mut W, first: &mut bool, key: &[u8]) -> Result<String, Stop> {
    let name = String::from_utf8_lossy(key).into_owned();
    let separator = if std::mem::replace(first, false) {
        ""
    } else {
        ","
    };
    let quoted = serde_json::to_string(&name).unwrap_or_default();
    write!(w, "{separator}{quoted}:").map_err(Stop::Write)?;
    Ok(name)
}

/// Reads one value into a tree, capping strings and depth.
fn read_tree<R: Read>(r: &mut Reader<R>, depth: usize) -> Result<Value, JsonError> {
    if depth > MAX_DEPTH {
        r.skip_value()?;
        return Ok(Value::String(marker("nested too deep")));
    }
    Ok(match r.kind()? {
        ValueKind::String => {
            let mut buf = Vec::new();
            match r.string(&mut buf, MAX_STRING)? {
                Captured::Whole => Value::String(String::from_utf8_lossy(&buf).into_owned()),
                Captured::TooLong => Value::String(marker("value over 16 MiB")),
            }
        }
        ValueKind::Object => {
            let mut map = Map::new();
            let (mut first, mut key) = (true, Vec::new());
            while r.next_key(&mut first, &mut key)? {
                let k = String::from_utf8_lossy(&key).into_owned();
                let v = read_tree(r, depth + 1)?;
                map.insert(k, v);
            }
            Value::Object(map)
        }
        ValueKind::Array => {
            let mut items = Vec::new();
            let mut first = true;
            while r.next_element(&mut first)? {
                items.push(read_tree(r, depth + 1)?);
            }
            Value::Array(items)
        }
        ValueKind::Other => {
            let text = r.scalar()?;
            serde_json::from_str(&text).unwrap_or(Value::Null)
        }
    })
}

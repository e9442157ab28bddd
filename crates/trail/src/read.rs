//! Reading one input, recognised by its content: gzip or plain JSON, holding either a trail's
//! log file (`{"Records": [...]}`) or the saved output of `aws cloudtrail lookup-events`
//! (`{"Events": [{"CloudTrailEvent": "<a record as a JSON string>", …}]}`).
//!
//! The file is inflated as it is read and its records are walked one at a time by the
//! streaming JSON reader; nothing but the current record's few captured strings is held.

use std::io::{self, BufRead, BufReader, Read};

use har::json::{Captured, JsonError, Reader, Source, ValueKind};

use crate::event::SignInEvent;
use crate::record::Fields;
use crate::window::Window;

/// The most bytes one input may inflate to. CloudTrail's files are a few megabytes; this
/// bounds the time a gzip bomb can take.
pub const MAX_INFLATED: u64 = 8 << 30;

/// The longest `CloudTrailEvent` string of `lookup-events` output read (CloudTrail events are
/// at most 256 KB).
const MAX_EMBEDDED: usize = 1 << 20;

/// Why an input was not read, or not to its end (records before the problem were read).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not a CloudTrail log file nor `aws cloudtrail lookup-events` output (no top-level Records or Events)")]
    NotCloudTrail,
    #[error("damaged or truncated gzip: {0}")]
    Gzip(io::Error),
    #[error("damaged or truncated JSON: {0}")]
    Json(JsonError),
    #[error("inflates to more than {} GiB: the rest was not read", MAX_INFLATED >> 30)]
    TooLarge,
    #[error("cannot read: {0}")]
    Io(io::Error),
}

/// What one input held.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReadStats {
    /// Records in the window.
    pub records: u64,
    /// Of them, sign-in events handed on.
    pub sign_ins: u64,
}

/// Reads an input (a file's bytes, gzip or not), calling `on_event` for each sign-in event in
/// the window. `stats` counts what was read even when an error stops the reading.
pub fn read_input<R: Read>(
    input: R,
    window: &Window,
    stats: &mut ReadStats,
    on_event: &mut dyn FnMut(SignInEvent),
) -> Result<(), ReadError> {
    let mut buffered = BufReader::with_capacity(64 * 1024, input);
    let gzip = buffered.fill_buf().map_err(ReadError::Io)?.starts_with(&[0x1f, 0x8b]);
    if gzip {
        let inflated = Limited::new(flate2::bufread::MultiGzDecoder::new(buffered));
        read_json(inflated, window, stats, on_event, true)
    } else {
        read_json(Limited::new(buffered), window, stats, on_event, false)
    }
}

fn read_json<R: Read>(
    input: Limited<R>,
    window: &Window,
    stats: &mut ReadStats,
    on_event: &mut dyn FnMut(SignInEvent),
    gzip: bool,
) -> Result<(), ReadError> {
    let mut r = Reader::new(input);
    let mut walk = Walk {
        fields: Fields::default(),
        window,
        stats,
        on_event,
        found: false,
    };
    let result = walk.top(&mut r);
    let found = walk.found;
    match result {
        Ok(()) if found => Ok(()),
        Ok(()) => Err(ReadError::NotCloudTrail),
        Err(JsonError::Io(io)) if io.kind() == io::ErrorKind::FileTooLarge => {
            Err(ReadError::TooLarge)
        }
        Err(JsonError::Io(io)) if gzip => Err(ReadError::Gzip(io)),
        Err(JsonError::Io(io)) => Err(ReadError::Io(io)),
        Err(JsonError::Eof) if gzip => Err(ReadError::Gzip(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the data ends in the middle of the JSON",
        ))),
        Err(_) if !found => Err(ReadError::NotCloudTrail),
        Err(e) => Err(ReadError::Json(e)),
    }
}

struct Walk<'a> {
    fields: Fields,
    window: &'a Window,
    stats: &'a mut ReadStats,
    on_event: &'a mut dyn FnMut(SignInEvent),
    /// A top-level `Records` or `Events` array was found.
    found: bool,
}

impl Walk<'_> {
    fn top<R: Source>(&mut self, r: &mut Reader<R>) -> Result<(), JsonError> {
        // Anything but an object (an empty file, a binary, an array) is not ours.
        if r.peek()? != Some(b'{') {
            return Ok(());
        }
        let mut key = Vec::new();
        let mut first = true;
        while r.next_key(&mut first, &mut key)? {
            match (key.as_slice(), r.kind()?) {
                (b"Records", ValueKind::Array) => {
                    self.found = true;
                    let mut first = true;
                    while r.next_element(&mut first)? {
                        self.record(r)?;
                    }
                }
                (b"Events", ValueKind::Array) => {
                    self.found = true;
                    let mut first = true;
                    while r.next_element(&mut first)? {
                        self.lookup_event(r)?;
                    }
                }
                _ => r.skip_value()?,
            }
        }
        Ok(())
    }

    /// One element of `Records` (or a decoded `CloudTrailEvent`).
    fn record<R: Source>(&mut self, r: &mut Reader<R>) -> Result<(), JsonError> {
        if r.kind()? != ValueKind::Object {
            return r.skip_value();
        }
        self.fields.read(r)?;
        let in_window = match self.fields.time() {
            Some(t) => self.window.contains(t),
            None => !self.window.is_bounded(),
        };
        if !in_window {
            return Ok(());
        }
        self.stats.records += 1;
        if let Some(event) = self.fields.sign_in() {
            self.stats.sign_ins += 1;
            (self.on_event)(event);
        }
        Ok(())
    }

    /// One element of `lookup-events`' `Events`: its `CloudTrailEvent` is the record, as a
    /// JSON string (or, in output reshaped by `jq`, as an object).
    fn lookup_event<R: Source>(&mut self, r: &mut Reader<R>) -> Result<(), JsonError> {
        if r.kind()? != ValueKind::Object {
            return r.skip_value();
        }
        let mut key = Vec::new();
        let mut first = true;
        while r.next_key(&mut first, &mut key)? {
            if key != b"CloudTrailEvent" {
                r.skip_value()?;
                continue;
            }
            match r.kind()? {
                ValueKind::Object => self.record(r)?,
                ValueKind::String => {
                    let mut text = Vec::new();
                    if r.string(&mut text, MAX_EMBEDDED)? == Captured::Whole {
                        let mut inner = Reader::new(text.as_slice());
                        // A damaged embedded event is skipped; the file goes on.
                        let _ = self.record(&mut inner);
                    }
                }
                _ => r.skip_value()?,
            }
        }
        Ok(())
    }
}

/// A reader that fails with `FileTooLarge` past [`MAX_INFLATED`] bytes.
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R> Limited<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            left: MAX_INFLATED,
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more tells a file of exactly the limit from a longer one.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::from(io::ErrorKind::FileTooLarge)),
            };
        }
        let want = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Reads one record given as JSON text (what `LookupEvents` returns as `CloudTrailEvent`);
/// `false` when it is not a JSON object.
pub fn read_record_text(
    text: &[u8],
    window: &Window,
    stats: &mut ReadStats,
    on_event: &mut dyn FnMut(SignInEvent),
) -> bool {
    let mut r = Reader::new(text);
    let mut walk = Walk {
        fields: Fields::default(),
        window,
        stats,
        on_event,
        found: true,
    };
    matches!(r.kind(), Ok(ValueKind::Object)) && walk.record(&mut r).is_ok()
}

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
    /// The input has no top-level `Records` or `Events` array (or its JSON broke before one).
    #[error("not a CloudTrail log file nor `aws cloudtrail lookup-events` output (no top-level Records or Events)")]
    NotCloudTrail,
    /// A gzip input could not be read or inflated, or ended in the middle of the JSON.
    #[error("damaged or truncated gzip: {0}")]
    Gzip(io::Error),
    /// The JSON turned invalid after the top-level array was found, or (uncompressed) ended
    /// inside a value.
    #[error("damaged or truncated JSON: {0}")]
    Json(JsonError),
    /// The input is, or inflates to, more than [`MAX_INFLATED`] bytes.
    #[error("inflates to more than {} GiB: the rest was not read", MAX_INFLATED >> 30)]
    TooLarge,
    /// An uncompressed input could not be read (a gzip input's failure is [`ReadError::Gzip`]).
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
    let gzip = buffered
        .fill_buf()
        .map_err(ReadError::Io)?
        .starts_with(&[0x1f, 0x8b]);
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
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn read(bytes: &[u8], window: &Window) -> (Result<(), ReadError>, ReadStats, Vec<SignInEvent>) {
        let mut stats = ReadStats::default();
        let mut events = Vec::new();
        let result = read_input(bytes, window, &mut stats, &mut |e| events.push(e));
        (result, stats, events)
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    const FAILED: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"SAMLUser","userName":"jane@example.com"},"eventTime":"2024-05-06T08:01:10Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRoleWithSAML","errorCode":"InvalidIdentityToken","errorMessage":"Response signature invalid","requestParameters":null,"responseElements":null,"eventID":"e-1","recipientAccountId":"111122223333"}"#;

    #[test]
    fn odd_shapes_are_read_or_skipped_never_fatal() {
        // Values of unexpected types where objects or strings were expected.
        let odd = r#"{"Records":[1,"x",null,{"userIdentity":"nobody","eventTime":5,"requestParameters":[1,2],"responseElements":{"assumedRoleUser":7}},"#.to_owned()
            + FAILED
            + "]}";
        let (result, stats, events) = read(odd.as_bytes(), &Window::default());
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(stats.records, 2);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].user.as_deref(), Some("jane@example.com"));
        assert_eq!(events[0].cause().unwrap().as_str(), "signature_invalid");
    }

    #[test]
    fn damaged_inputs_name_their_damage() {
        // The second record carries a long value that does not compress: a cut there leaves the
        // first whole.
        let noise: String = (0u32..3000)
            .map(|i| char::from(b'a' + (i.wrapping_mul(2_654_435_761) >> 27) as u8 % 26))
            .collect();
        let whole = format!(
            r#"{{"Records":[{FAILED},{{"eventTime":"2024-05-06T08:01:10Z","x":"{noise}"}}]}}"#
        );
        // Cut in the second record: the first is read, the cut is reported.
        let gz = gzip(whole.as_bytes());
        let (result, stats, _) = read(&gz[..gz.len() - 300], &Window::default());
        assert!(matches!(result, Err(ReadError::Gzip(_))), "{result:?}");
        assert_eq!(stats.records, 1);
        let (result, stats, _) = read(&whole.as_bytes()[..whole.len() - 40], &Window::default());
        assert!(matches!(result, Err(ReadError::Json(_))), "{result:?}");
        assert_eq!(stats.records, 1);
        // A flipped byte in the compressed data: the CRC or the inflater notices.
        let mut flipped = gz.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x55;
        assert!(read(&flipped, &Window::default()).0.is_err());
        for foreign in [
            &b""[..],
            b"\x00\x01binary",
            b"[1,2]",
            br#"{"log":{"entries":[]}}"#,
            b"not json",
        ] {
            let (result, _, _) = read(foreign, &Window::default());
            assert!(
                matches!(result, Err(ReadError::NotCloudTrail)),
                "{result:?}"
            );
        }
    }

    #[test]
    fn lookup_events_strings_and_the_window() {
        let escaped = serde_json::to_string(FAILED).unwrap();
        let doc = format!(
            r#"{{"Events":[{{"EventId":"e-1","CloudTrailEvent":{escaped}}},{{"CloudTrailEvent":"{{broken"}},{{"CloudTrailEvent":{FAILED}}}]}}"#
        );
        let (result, stats, events) = read(doc.as_bytes(), &Window::default());
        assert!(result.is_ok(), "{result:?}");
        assert_eq!((stats.records, events.len()), (2, 2));
        let later = Window {
            since: Some(saml_core::Timestamp::parse("2024-05-07T00:00:00Z").unwrap()),
            until: None,
        };
        let (_, stats, events) = read(doc.as_bytes(), &later);
        assert_eq!((stats.records, events.len()), (0, 0));
    }
}

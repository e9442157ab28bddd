//! Text encodings of captures as tools save them: a UTF-8 byte-order mark, or UTF-16 (Windows
//! Notepad's "Unicode", PowerShell's `Out-File`), turned into the UTF-8 the scanner reads,
//! streaming, so a capture of any size is read the same whatever it was saved as.

use std::io::{self, BufRead, BufReader, Read};

/// `reader` as UTF-8: a UTF-8 byte-order mark dropped, UTF-16 (by its BOM, or by a JSON
/// document's first character with a zero byte beside it) decoded as it is read; anything else
/// passed through untouched, without a copy.
pub fn utf8_reader<'a>(
    mut reader: Box<dyn BufRead + Send + 'a>,
) -> io::Result<Box<dyn BufRead + Send + 'a>> {
    let head = reader.fill_buf()?;
    let (skip, utf16) = match head {
        [0xEF, 0xBB, 0xBF, ..] => (3, None),
        [0xFF, 0xFE, ..] => (2, Some(Endian::Little)),
        [0xFE, 0xFF, ..] => (2, Some(Endian::Big)),
        // No BOM, but JSON's first character in UTF-16: `{` or `[` with a zero byte beside it.
        [b'{' | b'[', 0, ..] => (0, Some(Endian::Little)),
        [0, b'{' | b'[', ..] => (0, Some(Endian::Big)),
        _ => (0, None),
    };
    reader.consume(skip);
    Ok(match utf16 {
        None => reader,
        Some(endian) => Box::new(BufReader::with_capacity(
            1 << 16,
            Utf16Reader {
                inner: reader,
                endian,
                pending: Vec::new(),
                high: None,
                odd: None,
            },
        )),
    })
}

#[derive(Clone, Copy)]
enum Endian {
    Little,
    Big,
}

/// Decodes UTF-16 into UTF-8 as it is read; an unpaired surrogate becomes U+FFFD, as a
/// lossy decoder would, so a damaged file still yields a diagnosis rather than an error.
struct Utf16Reader<'a> {
    inner: Box<dyn BufRead + Send + 'a>,
    endian: Endian,
    /// UTF-8 bytes decoded but not yet handed out.
    pending: Vec<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    /// A byte of a code unit split across reads.
    odd: Option<u8>,
}

impl Utf16Reader<'_> {
    fn push(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.pending
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }

    fn unit(&mut self, u: u16) {
        match (self.high.take(), u) {
            (Some(h), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                self.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            (h, 0xD800..=0xDBFF) => {
                if h.is_some() {
                    self.push('\u{FFFD}');
                }
                self.high = Some(u);
            }
            (h, _) => {
                if h.is_some() {
                    self.push('\u{FFFD}');
                }
                self.push(char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'));
            }
        }
    }
}

impl Read for Utf16Reader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pending.is_empty() {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                if self.high.take().is_some() || self.odd.take().is_some() {
                    self.push('\u{FFFD}');
                    continue;
                }
                return Ok(0);
            }
            let bytes = buf.to_vec();
            self.inner.consume(bytes.len());
            let mut iter = bytes.into_iter();
            loop {
                let first = match self.odd.take() {
                    Some(b) => b,
                    None => match iter.next() {
                        Some(b) => b,
                        None => break,
                    },
                };
                let Some(second) = iter.next() else {
                    self.odd = Some(first);
                    break;
                };
                let u = match self.endian {
                    Endian::Little => u16::from_le_bytes([first, second]),
                    Endian::Big => u16::from_be_bytes([first, second]),
                };
                self.unit(u);
            }
        }
        let n = out.len().min(self.pending.len());
        out[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: Vec<u8>) -> String {
        let mut r = utf8_reader(Box::new(io::Cursor::new(bytes))).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn byte_order_marks_and_utf16_become_plain_utf8() {
        let text = "{\"log\": \"é 😀 \u{FFFD}\"}";
        assert_eq!(read_all(text.as_bytes().to_vec()), text);
        assert_eq!(read_all([b"\xEF\xBB\xBF", text.as_bytes()].concat()), text);
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(read_all(le), text);
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(read_all(be), text);
        let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(read_all(bare), text);
        // A lone surrogate and a dangling byte: replaced, never a panic or an error.
        assert_eq!(
            read_all(vec![0xFF, 0xFE, b'{', 0, 0x00, 0xD8, b'}', 0, 7]),
            "{\u{FFFD}}\u{FFFD}"
        );
    }

    #[test]
    fn utf16_split_across_reads_is_decoded_whole() {
        let text: String = "ab😀".repeat(50_000);
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        // A reader that hands out 3 bytes at a time: code units and surrogate pairs split.
        let r = BufReader::with_capacity(3, io::Cursor::new(le));
        let mut r = utf8_reader(Box::new(r)).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, text);
    }
}

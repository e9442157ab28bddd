//! A minimal streaming JSON reader: just enough to walk a HAR file's known structure in one
//! pass, capture the few strings diagnosis needs (each up to a cap) and skip everything else.
//!
//! Skipping is the hot path (a HAR is mostly bodies and headers nobody asked for): strings are
//! skipped with `memchr2` over the buffer, containers with a byte-class table, iteratively so
//! that pathological nesting cannot overflow the stack. Memory is the read buffer plus what a
//! caller chose to capture.

use std::io::{self, Read};

mod block;

use block::BLOCK;

const BUFFER: usize = 256 * 1024;

/// Why reading stopped.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// The input ends inside a value.
    #[error("the file ends in the middle of the JSON")]
    Eof,
    /// Not valid JSON.
    #[error("not valid JSON at byte {offset}: {message}")]
    Syntax {
        /// Where, from the start of the input.
        offset: u64,
        /// What was wrong.
        message: String,
    },
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(#[from] io::Error),
}

/// A result of reading JSON.
pub type Result<T> = std::result::Result<T, JsonError>;

/// What a captured string turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Captured {
    /// The whole string is in the buffer.
    Whole,
    /// The string was longer than the cap: the buffer holds nothing useful, the rest was skipped.
    TooLong,
}

/// What one block of a skipped string held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StringBlock {
    /// The string's closing quote.
    End,
    /// No quote or backslash at all (base64, plain text).
    Plain,
    /// Escapes or escaped quotes, but not the end.
    Dense,
}

/// Kinds of value, from their first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// An object (`{`).
    Object,
    /// An array (`[`).
    Array,
    /// A string (`"`).
    String,
    /// A number, `true`, `false` or `null`.
    Other,
}

/// Where a [`Reader`]'s bytes come from: any `Read`, or [`crate::read_ahead::ReadAhead`],
/// which hands over whole buffers filled on another thread instead of copying them.
pub trait Source {
    /// Puts the next bytes at the start of `buf`, or replaces `buf` with a buffer holding them;
    /// returns how many there are, 0 at the end of input.
    fn next_chunk(&mut self, buf: &mut Box<[u8]>) -> io::Result<usize>;
}

impl<R: Read> Source for R {
    fn next_chunk(&mut self, buf: &mut Box<[u8]>) -> io::Result<usize> {
        loop {
            match self.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                result => return result,
            }
        }
    }
}

/// A streaming JSON reader over a buffer of its own: the caller walks the structure (keys,
/// elements) and captures or skips each value.
pub struct Reader<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    eof: bool,
    /// The closing brackets a skipped container still expects, kept between calls so that
    /// skipping allocates nothing.
    stack: Vec<u8>,
}

// 1: a byte that matters while skipping a container: " [ ] { }
static STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t
};

impl<R: Source> Reader<R> {
    /// A reader of `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; BUFFER].into_boxed_slice(),
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            stack: Vec::new(),
        }
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn fill(&mut self) -> Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        let n = self.inner.next_chunk(&mut self.buf)?;
        if n == 0 {
            self.eof = true;
            return Ok(false);
        }
        self.end = n.min(self.buf.len());
        Ok(true)
    }

    fn syntax(&self, message: impl Into<String>) -> JsonError {
        JsonError::Syntax {
            offset: self.offset(),
            message: message.into(),
        }
    }

    /// The next non-white-space byte, not consumed; `None` at the end of input.
    #[inline(always)]
    pub fn peek(&mut self) -> Result<Option<u8>> {
        // Most calls land on the byte itself, or one space before it (after a pretty-printed
        // file's colons): keep them out of the loop below.
        match self.buf.get(self.pos..self.end) {
            Some([b, ..]) if !is_white_space(*b) => return Ok(Some(*b)),
            Some([b' ', b, ..]) if !is_white_space(*b) => {
                self.pos += 1;
                return Ok(Some(*b));
            }
            _ => {}
        }
        self.peek_after_white_space()
    }

    /// [`Self::peek`] where the input may not end. (Not `ok_or`: building the error to drop
    /// it costs a call on every byte peeked.)
    #[inline(always)]
    fn peek_required(&mut self) -> Result<u8> {
        match self.peek()? {
            Some(b) => Ok(b),
            None => Err(JsonError::Eof),
        }
    }

    fn peek_after_white_space(&mut self) -> Result<Option<u8>> {
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            while self.pos < self.end {
                let b = self.buf[self.pos];
                if !is_white_space(b) {
                    return Ok(Some(b));
                }
                // A pretty-printed file's line break and indentation: crossed a run at a time.
                match self.buf[..self.end].get(self.pos..self.pos + block::RUN) {
                    Some(run) => {
                        self.pos += block::whitespace_run(run.try_into().expect("a whole run"))
                    }
                    None => self.pos += 1,
                }
            }
        }
    }

    fn next_required(&mut self) -> Result<u8> {
        let b = self.peek_required()?;
        self.pos += 1;
        Ok(b)
    }

    /// Reads the next byte, which must be `want`.
    pub fn expect(&mut self, want: u8) -> Result<()> {
        let got = self.next_required()?;
        if got == want {
            Ok(())
        } else {
            Err(self.syntax(format!(
                "expected '{}', found {}",
                want as char,
                describe(got)
            )))
        }
    }

    /// The kind of the next value, without reading it.
    pub fn kind(&mut self) -> Result<ValueKind> {
        Ok(match self.peek_required()? {
            b'{' => ValueKind::Object,
            b'[' => ValueKind::Array,
            b'"' => ValueKind::String,
            _ => ValueKind::Other,
        })
    }

    /// Iterates an object: call with `first = true` after nothing, returns the next key into
    /// `key` (decoded, capped at 256 bytes) or `false` at `}`.
    pub fn next_key(&mut self, first: &mut bool, key: &mut Vec<u8>) -> Result<bool> {
        if *first {
            self.expect(b'{')?;
            *first = false;
            if self.peek_required()? == b'}' {
                self.pos += 1;
                return Ok(false);
            }
        } else {
            match self.next_required()? {
                b',' => {}
                b'}' => return Ok(false),
                other => {
                    return Err(self.syntax(format!(
                        "expected ',' or '}}' in an object, found {}",
                        describe(other)
                    )))
                }
            }
        }
        key.clear();
        if !self.short_key(key)? && self.string(key, 256)? == Captured::TooLong {
            key.clear();
        }
        self.expect(b':')?;
        Ok(true)
    }

    /// Iterates an array: returns `true` when another element follows (positioned at it).
    pub fn next_element(&mut self, first: &mut bool) -> Result<bool> {
        if *first {
            self.expect(b'[')?;
            *first = false;
            if self.peek_required()? == b']' {
                self.pos += 1;
                return Ok(false);
            }
            return Ok(true);
        }
        match self.next_required()? {
            b',' => Ok(true),
            b']' => Ok(false),
            other => Err(self.syntax(format!(
                "expected ',' or ']' in an array, found {}",
                describe(other)
            ))),
        }
    }

    /// A key without escapes that ends within the next few buffered bytes (nearly every key a
    /// HAR has), read in place: `false` leaves the reader where it was, for [`Self::string`].
    #[inline(always)]
    fn short_key(&mut self, key: &mut Vec<u8>) -> Result<bool> {
        const SHORT: usize = 32;
        if self.peek()? != Some(b'"') {
            return Ok(false);
        }
        let text = &self.buf[self.pos + 1..self.end];
        let text = &text[..text.len().min(SHORT)];
        match text.iter().position(|&b| b == b'"' || b == b'\\') {
            Some(i) if text[i] == b'"' => {
                key.extend_from_slice(&text[..i]);
                self.pos += i + 2;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Reads a string value, decoding escapes into `out` while it fits in `cap` bytes.
    pub fn string(&mut self, out: &mut Vec<u8>, cap: usize) -> Result<Captured> {
        self.expect(b'"')?;
        let start_len = out.len();
        loop {
            if !self.fill()? {
                return Err(JsonError::Eof);
            }
            let chunk = &self.buf[self.pos..self.end];
            match memchr::memchr2(b'"', b'\\', chunk) {
                None => {
                    if out.len() - start_len + chunk.len() > cap {
                        self.pos = self.end;
                        out.truncate(start_len);
                        self.skip_string_rest()?;
                        return Ok(Captured::TooLong);
                    }
                    out.extend_from_slice(chunk);
                    self.pos = self.end;
                }
                Some(i) => {
                    if out.len() - start_len + i > cap {
                        out.truncate(start_len);
                        self.skip_string_rest()?;
                        return Ok(Captured::TooLong);
                    }
                    out.extend_from_slice(&chunk[..i]);
                    let quote = chunk[i] == b'"';
                    self.pos += i + 1;
                    if quote {
                        return Ok(Captured::Whole);
                    }
                    self.escape(out)?;
                }
            }
        }
    }

    fn byte(&mut self) -> Result<u8> {
        if !self.fill()? {
            return Err(JsonError::Eof);
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        Ok(b)
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let c = self.byte()?;
        let simple = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let mut code = self.hex4()?;
                if (0xD800..0xDC00).contains(&code) {
                    // A surrogate pair: \uD83D\uDE00.
                    if self.byte()? == b'\\' && self.byte()? == b'u' {
                        let low = self.hex4()?;
                        if (0xDC00..0xE000).contains(&low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        }
                    }
                }
                let ch = char::from_u32(code).unwrap_or('\u{FFFD}');
                let mut tmp = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                return Ok(());
            }
            other => return Err(self.syntax(format!("invalid escape \\{}", other as char))),
        };
        out.push(simple);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut v = 0;
        for _ in 0..4 {
            let b = self.byte()?;
            let d = (b as char)
                .to_digit(16)
                .ok_or_else(|| self.syntax("invalid \\u escape"))?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// Skips the rest of a string whose opening quote was consumed. Runs of plain text (a
    /// base64 image) are crossed with `memchr2`; where quotes or backslashes are dense (escaped
    /// script and JSON) whole blocks are classified at once instead of stopping at each one.
    fn skip_string_rest(&mut self) -> Result<()> {
        // The next byte is escaped.
        let mut pending = false;
        // Most strings (header values, versions, dates) end within a block: one classification
        // finds the end, without setting up a search.
        if self.end - self.pos >= BLOCK && self.string_block(&mut pending) == StringBlock::End {
            return Ok(());
        }
        loop {
            if !self.fill()? {
                return Err(JsonError::Eof);
            }
            if !pending {
                match memchr::memchr2(b'"', b'\\', &self.buf[self.pos..self.end]) {
                    None => {
                        self.pos = self.end;
                        continue;
                    }
                    Some(i) => self.pos += i,
                }
            }
            while self.end - self.pos >= BLOCK {
                match self.string_block(&mut pending) {
                    StringBlock::End => return Ok(()),
                    // Plain text again: back to memchr2.
                    StringBlock::Plain if !pending => break,
                    _ => {}
                }
            }
            if self.end - self.pos < BLOCK {
                // The buffer's last bytes, one at a time.
                while self.pos < self.end {
                    let b = self.buf[self.pos];
                    self.pos += 1;
                    if pending {
                        pending = false;
                    } else if b == b'\\' {
                        pending = true;
                    } else if b == b'"' {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Classifies the next block of a string being skipped (the caller checked it is buffered):
    /// where the string ends in it, the reader stands after the closing quote; otherwise it moves
    /// past the block.
    #[inline(always)]
    fn string_block(&mut self, pending: &mut bool) -> StringBlock {
        let (quote, backslash) = block::string_classes(self.block());
        let live = quote & !block::escaped(backslash, pending);
        if live != 0 {
            self.pos += live.trailing_zeros() as usize + 1;
            return StringBlock::End;
        }
        self.pos += BLOCK;
        if quote | backslash == 0 {
            StringBlock::Plain
        } else {
            StringBlock::Dense
        }
    }

    /// The next [`BLOCK`] bytes; the caller checked they are in the buffer.
    fn block(&self) -> &[u8; BLOCK] {
        self.buf[self.pos..self.pos + BLOCK]
            .try_into()
            .expect("a whole block is buffered")
    }

    /// Skips one value of any kind.
    pub fn skip_value(&mut self) -> Result<()> {
        match self.peek_required()? {
            b'"' => {
                self.pos += 1;
                self.skip_string_rest()
            }
            b'{' | b'[' => self.skip_container(),
            _ => self.scan_scalar(None),
        }
    }

    /// Reads a number, `true`, `false` or `null` as text (at most 64 bytes).
    pub fn scalar(&mut self) -> Result<String> {
        let mut text = String::new();
        self.scan_scalar(Some(&mut text))?;
        Ok(text)
    }

    /// Checks a scalar's bytes and steps over it, keeping its text only when asked (skipped
    /// numbers are most of a HAR's scalars: sizes, timings).
    fn scan_scalar(&mut self, mut keep: Option<&mut String>) -> Result<()> {
        let mut len = 0;
        loop {
            if !self.fill()? {
                if len == 0 {
                    return Err(JsonError::Eof);
                }
                break;
            }
            let b = self.buf[self.pos];
            if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')) || len > 64 {
                return Err(self.syntax(format!("unexpected {}", describe(b))));
            }
            if let Some(text) = keep.as_deref_mut() {
                text.push(b as char);
            }
            len += 1;
            self.pos += 1;
        }
        if len == 0 {
            return Err(self.syntax("expected a value"));
        }
        Ok(())
    }

    /// Skips an object or array by bracket matching; strings are skipped whole so brackets
    /// inside them do not count. Validates nesting, not every token: a damaged interior is
    /// noticed only if it breaks the brackets, which is all a skipped value needs. Works a block
    /// at a time (see [`block`]), byte by byte only at the buffer's end.
    fn skip_container(&mut self) -> Result<()> {
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        let result = self.skip_container_with(&mut stack);
        self.stack = stack;
        result
    }

    fn skip_container_with(&mut self, stack: &mut Vec<u8>) -> Result<()> {
        let mut in_string = false;
        let mut pending = false; // the next byte is escaped
        loop {
            if !self.fill()? {
                return Err(JsonError::Eof);
            }
            while self.end - self.pos >= BLOCK {
                let c = block::container_classes(self.block());
                let escaped = block::escaped(c.backslash, &mut pending);
                let quotes = c.quote & !escaped;
                let strings = block::prefix_xor(quotes) ^ if in_string { !0 } else { 0 };
                in_string = strings >> 63 == 1;
                let mut brackets = (c.open | c.close) & !strings & !escaped;
                while brackets != 0 {
                    let i = brackets.trailing_zeros() as usize;
                    brackets &= brackets - 1;
                    if self.bracket(stack, i)? {
                        self.pos += i + 1;
                        return Ok(());
                    }
                }
                self.pos += BLOCK;
            }
            while self.pos < self.end {
                let b = self.buf[self.pos];
                self.pos += 1;
                if pending {
                    pending = false;
                } else if b == b'\\' {
                    pending = true;
                } else if b == b'"' {
                    in_string = !in_string;
                } else if !in_string && STRUCTURAL[b as usize] {
                    // `bracket` reads at `pos + i` and, failing, leaves `pos` after the bracket.
                    self.pos -= 1;
                    let done = self.bracket(stack, 0)?;
                    self.pos += 1;
                    if done {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Applies the bracket at `self.pos + i` to the nesting stack; true when it closed the
    /// outermost one.
    #[inline(always)]
    fn bracket(&mut self, stack: &mut Vec<u8>, i: usize) -> Result<bool> {
        match self.buf[self.pos + i] {
            b'{' => stack.push(b'}'),
            b'[' => stack.push(b']'),
            close => {
                if stack.pop() != Some(close) {
                    return Err(self.unbalanced(i, close));
                }
                return Ok(stack.is_empty());
            }
        }
        Ok(false)
    }

    #[cold]
    fn unbalanced(&mut self, i: usize, close: u8) -> JsonError {
        self.pos += i + 1;
        self.syntax(format!("unbalanced '{}'", close as char))
    }
}

#[inline(always)]
fn is_white_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

fn describe(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(s: &str) -> Reader<&[u8]> {
        Reader::new(s.as_bytes())
    }

    #[test]
    fn walks_objects_and_arrays() {
        let mut r = reader(r#" {"a": [1, "x\"]", {"b": null}], "c": "d\u00e9\n", "e": {}} "#);
        let (mut first, mut key) = (true, Vec::new());
        let mut seen = Vec::new();
        while r.next_key(&mut first, &mut key).unwrap() {
            let k = String::from_utf8(key.clone()).unwrap();
            if k == "c" {
                let mut v = Vec::new();
                assert_eq!(r.string(&mut v, 100).unwrap(), Captured::Whole);
                assert_eq!(v, "dé\n".as_bytes());
            } else {
                r.skip_value().unwrap();
            }
            seen.push(k);
        }
        assert_eq!(seen, ["a", "c", "e"]);
        assert_eq!(r.peek().unwrap(), None);
    }

    #[test]
    fn caps_captured_strings() {
        let long = format!("[\"{}\", \"ok\"]", "x".repeat(1000));
        let mut r = reader(&long);
        let mut first = true;
        assert!(r.next_element(&mut first).unwrap());
        let mut v = Vec::new();
        assert_eq!(r.string(&mut v, 10).unwrap(), Captured::TooLong);
        assert!(v.is_empty());
        assert!(r.next_element(&mut first).unwrap());
        assert_eq!(r.string(&mut v, 10).unwrap(), Captured::Whole);
        assert_eq!(v, b"ok");
    }

    #[test]
    fn skips_deep_nesting_without_recursion() {
        let deep = "[".repeat(200_000) + &"]".repeat(200_000);
        reader(&deep).skip_value().unwrap();
        let cut = "[".repeat(10);
        assert!(matches!(reader(&cut).skip_value(), Err(JsonError::Eof)));
        assert!(matches!(
            reader("[}").skip_value(),
            Err(JsonError::Syntax { .. })
        ));
    }

    #[test]
    fn decodes_surrogate_pairs() {
        let mut v = Vec::new();
        reader(r#""\ud83d\ude00""#).string(&mut v, 10).unwrap();
        assert_eq!(String::from_utf8(v).unwrap(), "😀");
    }
}

//! Reading on a thread of its own: the next buffers of a capture are read (the kernel's copy
//! into memory, a tenth of a scan's time) while the current one is parsed, and handed over
//! whole, without another copy. Memory stays a few fixed-size buffers whatever the file.

use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::Scope;

use crate::json::Source;

/// Bytes per buffer handed over.
const CHUNK: usize = 1024 * 1024;
/// Buffers read ahead of the parser (besides the one it parses and the one being read).
const AHEAD: usize = 2;

/// The parser's end: a [`Source`] of buffers read by the thread [`ReadAhead::spawn`] started.
pub struct ReadAhead {
    filled: Receiver<io::Result<(Box<[u8]>, usize)>>,
    /// Buffers the parser is done with, for the reading thread to fill again.
    spare: SyncSender<Box<[u8]>>,
}

impl ReadAhead {
    /// Starts reading `input` on a thread of `scope`. The thread stops at the end of input, at
    /// the first read error (handed to the parser in turn), or when the `ReadAhead` is dropped.
    ///
    /// A read that blocks (a terminal, a pipe whose writer is idle) keeps the scope open until
    /// it returns: use it for files.
    pub fn spawn<'scope, 'env>(
        scope: &'scope Scope<'scope, 'env>,
        input: &'scope mut (dyn Read + Send),
    ) -> ReadAhead {
        let (fill, filled) = mpsc::sync_channel(AHEAD);
        let (spare, spares) = mpsc::sync_channel::<Box<[u8]>>(AHEAD + 2);
        scope.spawn(move || loop {
            let mut buf = spares
                .try_recv()
                .unwrap_or_else(|_| vec![0; CHUNK].into_boxed_slice());
            let (n, error) = read_full(input, &mut buf);
            if n > 0 && fill.send(Ok((buf, n))).is_err() {
                return;
            }
            if let Some(e) = error {
                let _ = fill.send(Err(e));
                return;
            }
            if n == 0 {
                return;
            }
        });
        ReadAhead { filled, spare }
    }
}

impl Source for ReadAhead {
    fn next_chunk(&mut self, buf: &mut Box<[u8]>) -> io::Result<usize> {
        match self.filled.recv() {
            Ok(Ok((mut next, n))) => {
                std::mem::swap(buf, &mut next);
                // A full spare queue only means the reader has buffers enough.
                let _ = self.spare.try_send(next);
                Ok(n)
            }
            Ok(Err(e)) => Err(e),
            // The reading thread ended: the input did.
            Err(_) => Ok(0),
        }
    }
}

/// Fills `buf` as far as the input allows (a pipe hands out a few KiB a read): the bytes read,
/// 0 at the end, and the error that stopped it, if one did (after the bytes before it).
fn read_full(input: &mut dyn Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (n, Some(e)),
        }
    }
    (n, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads in uneven pieces and fails after `fail_after` bytes, if set.
    struct Uneven {
        data: Vec<u8>,
        at: usize,
        fail_after: Option<usize>,
    }

    impl Read for Uneven {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.fail_after.is_some_and(|f| self.at >= f) {
                return Err(io::Error::other("disk on fire"));
            }
            let n = buf.len().min(7_919).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn drain(source: &mut ReadAhead) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 16].into_boxed_slice();
        loop {
            let n = source.next_chunk(&mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn hands_over_every_byte_in_order() {
        let data: Vec<u8> = (0..5 * CHUNK + 123).map(|i| (i % 251) as u8).collect();
        let mut input = Uneven {
            data: data.clone(),
            at: 0,
            fail_after: None,
        };
        let got = std::thread::scope(|scope| {
            let mut source = ReadAhead::spawn(scope, &mut input);
            drain(&mut source)
        });
        assert_eq!(got.unwrap(), data);
    }

    #[test]
    fn a_read_error_reaches_the_parser_after_the_bytes_before_it() {
        let mut input = Uneven {
            data: vec![b'x'; 3 * CHUNK],
            at: 0,
            fail_after: Some(CHUNK + 10),
        };
        let result = std::thread::scope(|scope| {
            let mut source = ReadAhead::spawn(scope, &mut input);
            let mut buf = vec![0u8; 16].into_boxed_slice();
            let mut total = 0;
            loop {
                match source.next_chunk(&mut buf) {
                    Ok(0) => return Ok(total),
                    Ok(n) => total += n,
                    Err(e) => return Err((total, e.to_string())),
                }
            }
        });
        let (before, why) = result.unwrap_err();
        assert!(before >= CHUNK, "{before}");
        assert!(why.contains("disk on fire"), "{why}");
    }

    #[test]
    fn dropping_the_parser_end_stops_the_reader() {
        // Far more than the buffers in flight: the reader must stop, not block, when the
        // parser gives up after one buffer.
        let mut input = Uneven {
            data: vec![b'x'; 40 * CHUNK],
            at: 0,
            fail_after: None,
        };
        std::thread::scope(|scope| {
            let mut source = ReadAhead::spawn(scope, &mut input);
            let mut buf = vec![0u8; 16].into_boxed_slice();
            assert!(source.next_chunk(&mut buf).unwrap() > 0);
        });
        assert!(input.at < 10 * CHUNK, "read {} bytes", input.at);
    }
}

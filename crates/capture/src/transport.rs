//! The DevTools pipe: NUL-separated JSON messages in both directions. A thread reads the
//! browser's end, cuts it into messages (each at most [`MAX_MESSAGE`] bytes: a longer one is
//! skipped to its NUL, never buffered), parses them and hands them over a bounded channel, so
//! a slow consumer slows the browser rather than growing memory. A browser that dies mid-message
//! leaves a partial message, which is dropped, and a [`Received::Closed`].

use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver};

use crate::protocol::{parse_incoming, Command, Incoming};

/// The longest message read. The largest a recording asks for is a response body of at most
/// 8 MiB (base64 and JSON escaping make it longer on the wire).
pub const MAX_MESSAGE: usize = 48 * 1024 * 1024;

/// How many parsed messages may wait for the consumer.
const QUEUE: usize = 64;

/// What the reading thread hands over.
#[derive(Debug)]
pub enum Received {
    /// A message.
    Message(Incoming),
    /// A message that was not JSON or not a protocol message.
    Unreadable,
    /// A message over [`MAX_MESSAGE`], skipped; the id of the command it answered, when its
    /// start shows one (so a command waiting for it is not waited for forever).
    Oversized(Option<u64>),
    /// The browser's end of the pipe closed (it exited or crashed), or reading failed.
    Closed,
}

/// Cuts a byte stream into NUL-terminated messages.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Inside a message over the limit: dropping bytes up to its NUL.
    skipping: bool,
    /// The start of the message being skipped, which names the command it answers.
    head: Vec<u8>,
}

/// One cut of the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A whole message, without its NUL.
    Message(Vec<u8>),
    /// A message over [`MAX_MESSAGE`], skipped: the id at its start, if any.
    Oversized(Option<u64>),
}

/// The reply id at the start of a message: `{"id":123,` (the browser writes the id first).
fn leading_id(head: &[u8]) -> Option<u64> {
    let rest = head.strip_prefix(b"{\"id\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

impl Framer {
    /// Adds `bytes`; calls `out` for each message they complete.
    pub fn push(&mut self, mut bytes: &[u8], limit: usize, out: &mut impl FnMut(Frame)) {
        while !bytes.is_empty() {
            let nul = memchr::memchr(0, bytes);
            let (part, rest) = match nul {
                Some(i) => (&bytes[..i], Some(&bytes[i + 1..])),
                None => (bytes, None),
            };
            if !self.skipping {
                if self.buf.len() + part.len() > limit {
                    self.buf.extend_from_slice(&part[..part.len().min(32)]);
                    self.buf.truncate(32);
                    self.head = std::mem::take(&mut self.buf);
                    self.skipping = true;
                } else {
                    self.buf.extend_from_slice(part);
                }
            }
            match rest {
                Some(rest) => {
                    if self.skipping {
                        self.skipping = false;
                        out(Frame::Oversized(leading_id(&std::mem::take(
                            &mut self.head,
                        ))));
                    } else {
                        out(Frame::Message(std::mem::take(&mut self.buf)));
                    }
                    bytes = rest;
                }
                None => break,
            }
        }
    }
}

/// Starts the thread that reads the browser's messages from `input`.
pub fn spawn_reader<R: Read + Send + 'static>(mut input: R) -> io::Result<Receiver<Received>> {
    let (tx, rx) = sync_channel(QUEUE);
    std::thread::Builder::new()
        .name("devtools-pipe".into())
        .spawn(move || {
            let mut framer = Framer::default();
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                match input.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut consumer_gone = false;
                        framer.push(&buf[..n], MAX_MESSAGE, &mut |frame| {
                            let msg = match frame {
                                Frame::Message(m) => parse_incoming(&m)
                                    .map_or(Received::Unreadable, Received::Message),
                                Frame::Oversized(id) => Received::Oversized(id),
                            };
                            consumer_gone |= tx.send(msg).is_err();
                        });
                        if consumer_gone {
                            return;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            let _ = tx.send(Received::Closed);
        })?;
    Ok(rx)
}

/// The writing end: numbers each command.
#[derive(Debug)]
pub struct Sender<W: Write> {
    out: W,
    next_id: u64,
}

impl<W: Write> Sender<W> {
    /// Wraps the browser's command pipe.
    pub fn new(out: W) -> Self {
        Sender { out, next_id: 1 }
    }

    /// Sends `cmd` on `session` (the browser's own when `None`); returns its id. An error
    /// means the browser is gone.
    pub fn send(&mut self, cmd: &Command, session: Option<&str>) -> io::Result<u64> {
        let id = self.next_id;
        self.next_id += 1;
        self.out.write_all(&cmd.encode(id, session))?;
        self.out.flush()?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(chunks: &[&[u8]], limit: usize) -> Vec<Frame> {
        let mut f = Framer::default();
        let mut out = Vec::new();
        for c in chunks {
            f.push(c, limit, &mut |fr| out.push(fr));
        }
        out
    }

    #[test]
    fn messages_are_cut_at_nul_across_reads() {
        assert_eq!(
            frames(&[b"{\"a\":1}\0{\"b\"", b":2}\0{\"c\":3}"], 100),
            vec![
                Frame::Message(b"{\"a\":1}".to_vec()),
                Frame::Message(b"{\"b\":2}".to_vec())
            ]
        );
        assert_eq!(frames(&[b"\0\0"], 100).len(), 2);
    }

    #[test]
    fn an_oversized_message_is_skipped_to_its_nul_and_the_next_one_is_read() {
        let long = vec![b'x'; 50];
        assert_eq!(
            frames(&[&long, &long, b"\0{}\0"], 64),
            vec![Frame::Oversized(None), Frame::Message(b"{}".to_vec())]
        );
        // A reply over the limit still names its command, so nothing waits for it forever.
        let reply = [
            &b"{\"id\":4711,\"result\":{\"body\":\""[..],
            &[b'A'; 100],
            b"\"}}\0",
        ]
        .concat();
        assert_eq!(frames(&[&reply], 64), vec![Frame::Oversized(Some(4711))]);
        assert_eq!(
            frames(&[&reply[..10], &reply[10..]], 64),
            vec![Frame::Oversized(Some(4711))]
        );
    }

    #[test]
    fn a_browser_dying_mid_message_gives_closed_and_no_half_message() {
        let input: &[u8] = b"{\"id\":1,\"result\":{}}\0{\"method\":\"Network.requestWill";
        let rx = spawn_reader(input).unwrap();
        assert!(matches!(
            rx.recv().unwrap(),
            Received::Message(Incoming::Reply { id: 1, .. })
        ));
        assert!(matches!(rx.recv().unwrap(), Received::Closed));
        assert!(rx.recv().is_err());
    }

    #[test]
    fn junk_between_messages_is_unreadable_not_fatal() {
        let input: &[u8] = b"not json\0{\"id\":2}\0";
        let rx = spawn_reader(input).unwrap();
        assert!(matches!(rx.recv().unwrap(), Received::Unreadable));
        assert!(matches!(
            rx.recv().unwrap(),
            Received::Message(Incoming::Reply { id: 2, .. })
        ));
        assert!(matches!(rx.recv().unwrap(), Received::Closed));
    }

    #[test]
    fn commands_are_numbered_in_order() {
        let mut s = Sender::new(Vec::new());
        assert_eq!(s.send(&Command::GetVersion, None).unwrap(), 1);
        assert_eq!(s.send(&Command::PageEnable, Some("S")).unwrap(), 2);
        let wire = String::from_utf8(s.out).unwrap();
        let parts: Vec<&str> = wire.split('\0').collect();
        assert_eq!(parts.len(), 3);
        assert!(parts[0].contains("\"Browser.getVersion\""));
        assert!(parts[1].contains("\"sessionId\":\"S\""));
    }
}

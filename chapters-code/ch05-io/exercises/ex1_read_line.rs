//! Exercise 1: read a stream line by line.
//!
//! `LineReader::next_line` returns the next line without its `\n` (as a `String`),
//! `Ok(None)` when the peer has closed and every line was returned, and an
//! `UnexpectedEof` error if the peer closed in the middle of a line. Lines may
//! arrive split over many reads, and one read may bring several lines: keep what you
//! have read but not yet returned in `self.buffer`.

use std::io;

use crate::TcpStream;

/// Reads lines from a stream.
#[derive(Debug)]
pub struct LineReader {
    /// The stream.
    pub stream: TcpStream,
    /// Bytes read and not yet returned.
    pub buffer: Vec<u8>,
}

impl LineReader {
    /// A reader over `stream`.
    pub fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            buffer: Vec::new(),
        }
    }

    /// The next line, without its `\n`; `None` at the end of the stream.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        todo!(
            "exercise 1: return the next line from self.buffer, reading more as \
             needed"
        )
    }
}

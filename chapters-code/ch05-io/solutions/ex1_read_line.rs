//! Exercise 1: read a stream line by line (reference solution).

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
        loop {
            if let Some(i) = self.buffer.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buffer.drain(..=i).collect();
                line.pop();
                return String::from_utf8(line)
                    .map(Some)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e));
            }
            let mut chunk = [0; 1024];
            match self.stream.read(&mut chunk).await? {
                0 if self.buffer.is_empty() => return Ok(None),
                0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "the peer closed in the middle of a line ({} bytes)",
                            self.buffer.len()
                        ),
                    ));
                }
                n => self.buffer.extend_from_slice(&chunk[..n]),
            }
        }
    }
}

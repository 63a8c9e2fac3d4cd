//! Frames: how a value crosses a pipe. A pipe carries bytes, not messages; a frame
//! is a message's bytes with their length in front, so the reader knows where one
//! message ends and the next begins.
//!
//! ```text
//! +----------------------+---------------------------------+
//! | length: u32, big end | payload: `length` bytes         |
//! +----------------------+---------------------------------+
//! ```
//!
//! The payload is the value serialized with [`postcard`], a serde format with a
//! written, frozen wire specification (postcard 1.0): integers as varints, a string
//! as its length and its bytes, an enum as its variant's index. Compact, and the
//! same bytes on every machine and every version of the crate. Python's
//! `multiprocessing` frames the same way: `Connection.send` pickles the object and
//! writes a 4-byte big-endian length, then the pickle (`_send_bytes` in
//! `Lib/multiprocessing/connection.py`).

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The length of the length prefix, in bytes.
pub const PREFIX: usize = 4;

/// The largest payload a reader accepts: 64 MiB. A length above it is not a job but
/// a corrupt stream (garbage read as a length), refused before anything is
/// allocated.
pub const MAX_FRAME: usize = 64 << 20;

/// What can go wrong with a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The value could not be serialized (serde refused it: a path that is not
    /// UTF-8, say). Python's twin is a `PicklingError`.
    Serialize(String),
    /// The payload is not a valid encoding of the expected type.
    Malformed(String),
    /// The length prefix announces more than [`MAX_FRAME`] bytes.
    TooLong {
        /// What the prefix said.
        length: usize,
    },
    /// The stream ended in the middle of a frame.
    Truncated {
        /// How many bytes of the frame (prefix included) had arrived.
        got: usize,
        /// How many the frame needed (prefix included), if the prefix was complete.
        needed: Option<usize>,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Serialize(why) => {
                write!(f, "cannot serialize the value: {why}")
            }
            FrameError::Malformed(why) => write!(f, "malformed frame: {why}"),
            FrameError::TooLong { length } => write!(
                f,
                "frame length {length} exceeds the limit of {MAX_FRAME} bytes \
                 (a corrupt stream?)"
            ),
            FrameError::Truncated { got, needed } => match needed {
                Some(needed) => write!(
                    f,
                    "the stream ended inside a frame: {got} of {needed} bytes"
                ),
                None => write!(
                    f,
                    "the stream ended inside a length prefix: {got} of {PREFIX} bytes"
                ),
            },
        }
    }
}

impl std::error::Error for FrameError {}

// ANCHOR: encode
/// `value` as one frame: its postcard bytes, with their length in front.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, FrameError> {
    let payload = postcard::to_stdvec(value)
        .map_err(|e| FrameError::Serialize(e.to_string()))?;
    if payload.len() > MAX_FRAME {
        return Err(FrameError::TooLong {
            length: payload.len(),
        });
    }
    let length = u32::try_from(payload.len()).expect("MAX_FRAME fits a u32");
    let mut frame = Vec::with_capacity(PREFIX + payload.len());
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(&payload);
    Ok(frame)
}
// ANCHOR_END: encode

/// The value a frame's payload holds.
pub fn decode<T: DeserializeOwned>(payload: &[u8]) -> Result<T, FrameError> {
    postcard::from_bytes(payload).map_err(|e| FrameError::Malformed(e.to_string()))
}

// ANCHOR: decoder
/// Cuts a byte stream into frames, however the bytes arrive: a frame split over
/// many reads, or many frames in one read. Push what a read returned, then take
/// every complete frame.
#[derive(Debug, Default)]
pub struct Decoder {
    buffer: Vec<u8>,
}

impl Decoder {
    /// A decoder with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes that arrived.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete frame's payload, `Ok(None)` if it has not all arrived, or
    /// an error if its prefix announces more than [`MAX_FRAME`].
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let Some(prefix) = self.buffer.first_chunk::<PREFIX>() else {
            return Ok(None);
        };
        let length = u32::from_be_bytes(*prefix) as usize;
        if length > MAX_FRAME {
            return Err(FrameError::TooLong { length });
        }
        if self.buffer.len() < PREFIX + length {
            return Ok(None);
        }
        let payload = self.buffer[PREFIX..PREFIX + length].to_vec();
        self.buffer.drain(..PREFIX + length);
        Ok(Some(payload))
    }

    /// At the end of the stream: `Ok` if it ended between frames, else how much of
    /// a frame was cut off.
    pub fn finish(&self) -> Result<(), FrameError> {
        match self.buffer.len() {
            0 => Ok(()),
            got => Err(FrameError::Truncated {
                got,
                needed: self
                    .buffer
                    .first_chunk::<PREFIX>()
                    .map(|prefix| PREFIX + u32::from_be_bytes(*prefix) as usize),
            }),
        }
    }
}
// ANCHOR_END: decoder

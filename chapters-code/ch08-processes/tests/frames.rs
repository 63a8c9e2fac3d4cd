//! Frames, without a process: how values become bytes on a pipe and are cut back out
//! of a stream.

use ch08_processes::frame::{Decoder, FrameError, decode, encode};

#[test]
fn a_frame_is_its_length_then_its_postcard_bytes() {
    // (7, "hi"): the varint 7, then the string's length 2 and its bytes.
    let frame = encode(&(7u64, "hi")).unwrap();
    assert_eq!(frame, [0, 0, 0, 4, 7, 2, b'h', b'i']);
}

#[test]
fn frames_are_cut_out_of_a_stream_however_it_arrives() {
    let mut stream = encode(&1u32).unwrap();
    stream.extend(encode(&"two").unwrap());
    let mut decoder = Decoder::new();
    let mut got = Vec::new();
    for byte in &stream {
        decoder.push(std::slice::from_ref(byte)); // one byte per read
        while let Some(payload) = decoder.next_frame().unwrap() {
            got.push(payload);
        }
    }
    assert_eq!(decode::<u32>(&got[0]).unwrap(), 1);
    assert_eq!(decode::<String>(&got[1]).unwrap(), "two");
    assert_eq!(decoder.finish(), Ok(()));
}

#[test]
fn an_oversized_length_is_refused_before_anything_is_allocated() {
    let mut decoder = Decoder::new();
    decoder.push(&[0xff, 0xff, 0xff, 0xff]);
    assert_eq!(
        decoder.next_frame(),
        Err(FrameError::TooLong {
            length: u32::MAX as usize
        })
    );
}

#[test]
fn a_stream_cut_inside_a_frame_says_how_much_arrived() {
    let mut decoder = Decoder::new();
    decoder.push(&encode(&"hello").unwrap()[..6]);
    assert_eq!(decoder.next_frame(), Ok(None));
    let error = decoder.finish().unwrap_err();
    assert_eq!(
        error.to_string(),
        "the stream ended inside a frame: 6 of 10 bytes"
    );
}

//! Every Rust snippet of the book, as the reader sees it (includes expanded), compiled and run by
//! skeptic; and every `compile_fail` snippet checked from both sides. `build.rs` writes the tests.

include!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));
include!(concat!(env!("OUT_DIR"), "/compile-fail-tests.rs"));

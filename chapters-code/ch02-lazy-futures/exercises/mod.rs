//! Chapter 2 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch02 N`.

pub mod ex1_poll_count;
pub mod ex2_yield_once;
pub mod ex3_block_on;

//! Chapter 7 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch07 N`.

pub mod ex1_loop_channel;
pub mod ex2_bounded_executor;
pub mod ex3_blocking_detector;

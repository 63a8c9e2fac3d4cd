//! Chapter 3 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch03 N`.

pub mod ex1_call_after_iterations;
pub mod ex2_join_all;
pub mod ex3_drain_all;

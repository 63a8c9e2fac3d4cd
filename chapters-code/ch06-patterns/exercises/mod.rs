//! Chapter 6 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch06 N`.

pub mod ex1_gather_limited;
pub mod ex2_first_completed;
pub mod ex3_retry_with_timeout;

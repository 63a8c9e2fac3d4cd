//! Chapter 5 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch05 N`.

pub mod ex1_read_line;
pub mod ex2_read_timeout;
pub mod ex3_write_all;

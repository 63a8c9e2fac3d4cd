//! Chapter 4 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch04 N`.

pub mod ex1_race;
pub mod ex2_debounce;
pub mod ex3_call_every;

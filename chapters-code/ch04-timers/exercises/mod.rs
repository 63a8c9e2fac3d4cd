//! Chapter 4 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch04 N`.

pub mod ex1_call_every;
pub mod ex2_race;
pub mod ex3_debounce;

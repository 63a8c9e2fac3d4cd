//! Chapter 4 exercises: reference solutions. Try the exercises first!

pub mod ex1_call_every;
pub mod ex2_race;
pub mod ex3_debounce;

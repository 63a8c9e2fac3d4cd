//! Chapter 4 exercises: reference solutions. Try the exercises first!

pub mod ex1_race;
pub mod ex2_debounce;
pub mod ex3_call_every;

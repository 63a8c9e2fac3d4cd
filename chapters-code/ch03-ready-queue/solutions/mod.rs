//! Chapter 3 exercises: reference solutions. Try the exercises first!

pub mod ex1_call_after_iterations;
pub mod ex2_join_all;
pub mod ex3_drain_all;

//! Chapter 2 exercises: reference solutions. Try the exercises first!

pub mod ex1_poll_count;
pub mod ex2_yield_once;
pub mod ex3_block_on;

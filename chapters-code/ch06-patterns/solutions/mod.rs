//! Chapter 6 exercises: reference solutions. Try the exercises first!

pub mod ex1_gather_limited;
pub mod ex2_first_completed;
pub mod ex3_retry_with_timeout;

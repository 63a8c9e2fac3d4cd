//! Chapter 7 exercises: reference solutions. Try the exercises first!

pub mod ex1_loop_channel;
pub mod ex2_bounded_executor;
pub mod ex3_blocking_detector;

//! Chapter 5 exercises: reference solutions. Try the exercises first!

pub mod ex1_read_line;
pub mod ex2_read_timeout;
pub mod ex3_write_all;

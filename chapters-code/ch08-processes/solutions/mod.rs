//! Chapter 8 exercises: reference solutions. Try the exercises first!

pub mod ex1_chunked_map;
pub mod ex2_bounded_queue;
pub mod ex3_max_tasks_per_child;

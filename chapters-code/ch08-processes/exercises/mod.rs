//! Chapter 8 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch08 N`.

pub mod ex1_chunked_map;
pub mod ex2_bounded_queue;
pub mod ex3_max_tasks_per_child;

//! Chapter 1's exercises (the stubs are in `exercises/`, reference answers in
//! `solutions/`).

pub mod ex1_thread_ids;
pub mod ex2_parallel_sum;
pub mod ex3_ask_worker;

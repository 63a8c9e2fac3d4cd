//! Chapter 9 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch09 N`.

pub mod ex1_predict_the_order;
pub mod ex2_promise_all;
pub mod ex3_microtask_budget;

//! Chapter 9 exercises: reference solutions. Try the exercises first!

pub mod ex1_predict_the_order;
pub mod ex2_promise_all;
pub mod ex3_microtask_budget;

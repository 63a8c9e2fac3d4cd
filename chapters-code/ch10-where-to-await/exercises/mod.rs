//! Chapter 10 exercises: the stubs you edit. Check one with
//! `cargo xtask exercise ch10 N`.

pub mod ex1_predict_the_order;
pub mod ex2_will_it_block;
pub mod ex3_background_tasks;

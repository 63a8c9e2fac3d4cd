//! Chapter 10 exercises: reference solutions. Try the exercises first!

pub mod ex1_predict_the_order;
pub mod ex2_will_it_block;
pub mod ex3_background_tasks;

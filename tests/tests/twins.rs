//! Each chapter's Python twin (chapters 3, 4, 5 and 7) against our loop: the same scenario,
//! run on the chapter's crate, logs exactly what the twin's oracle prints in the book.

#[path = "twins/ch03.rs"]
mod ch03;
#[path = "twins/ch04.rs"]
mod ch04;
#[path = "twins/ch05.rs"]
mod ch05;
#[path = "twins/ch07.rs"]
mod ch07;

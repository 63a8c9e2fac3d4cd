//! The book's own tests: the machinery behind the Rust snippet tests (skeptic), the Python and
//! JavaScript oracles, and the book lints. The tests themselves are in `tests/`.

pub mod compile_fail;
pub mod includes;
pub mod lint;
pub mod markdown;
pub mod oracle;
pub mod twins;

/// The workspace root, which holds the book (`src/`) and the chapter crates (`chapters-code/`).
pub use test_support::workspace_root;

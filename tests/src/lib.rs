//! The book's own tests: the machinery behind the Rust snippet tests (skeptic), the Python and
//! JavaScript oracles, and the book lints. The tests themselves are in `tests/`.

pub mod compile_fail;
pub mod includes;
pub mod lint;
pub mod markdown;
pub mod oracle;

use std::path::PathBuf;

/// The workspace root, which holds the book (`src/`) and the chapter crates (`chapters-code/`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the workspace")
        .to_path_buf()
}

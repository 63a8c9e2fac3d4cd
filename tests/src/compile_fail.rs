//! `compile_fail` snippets: the book shows a mistake that Rust refuses.
//!
//! A snippet that fails to compile proves little on its own: a typo fails too. So the snippet
//! marks the one line that is the mistake with `// does not compile`, and the check is two-sided:
//! the snippet as shown must fail, and the same snippet without that line must compile.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// One `compile_fail` snippet, as `build.rs` extracted it.
pub struct Snippet {
    /// `src/chapter.md:line`, for the failure message.
    pub location: &'static str,
    /// How many lines carry the `// does not compile` marker (must be exactly one).
    pub marked_lines: usize,
    /// The program the reader sees (hidden lines included).
    pub shown: &'static str,
    /// The program without the marked line.
    pub fixed: &'static str,
    /// The `book-tests` crate directory (skeptic finds the dependencies from it).
    pub root_dir: &'static str,
    /// The build script's `OUT_DIR` (skeptic finds the target directory from it).
    pub out_dir: &'static str,
    /// The target triple.
    pub target: &'static str,
}

/// Panics, with a message that says what is wrong, unless the snippet fails to compile because
/// of its marked line.
pub fn check(snippet: &Snippet) {
    assert_eq!(
        snippet.marked_lines, 1,
        "{}: a compile_fail snippet must mark exactly one line with `// does not compile`",
        snippet.location
    );
    let shown_compiles = catch_unwind(AssertUnwindSafe(|| {
        skeptic::rt::compile_test(
            snippet.root_dir,
            snippet.out_dir,
            snippet.target,
            snippet.shown,
        )
    }))
    .is_ok();
    assert!(
        !shown_compiles,
        "{}: this snippet is marked compile_fail, but it compiles; the prose says Rust refuses it",
        snippet.location
    );
    let fixed_compiles = catch_unwind(AssertUnwindSafe(|| {
        skeptic::rt::compile_test(
            snippet.root_dir,
            snippet.out_dir,
            snippet.target,
            snippet.fixed,
        )
    }))
    .is_ok();
    assert!(
        fixed_compiles,
        "{}: without its `// does not compile` line the snippet still fails to compile (the \
         compiler output is above), so it fails for a reason other than the one the prose gives",
        snippet.location
    );
}

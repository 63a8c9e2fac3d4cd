//! Every Rust snippet of the book, as the reader sees it (includes expanded), compiled and run by
//! skeptic; and every `compile_fail` snippet checked from both sides. `build.rs` writes the tests.

// skeptic names a test after its section heading, which can sanitize to nothing (a heading that is
// all inline code), leaving `chapter_sect__line_42`.
#![allow(non_snake_case)]

include!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));
include!(concat!(env!("OUT_DIR"), "/compile-fail-tests.rs"));

/// The harness must be able to fail: these feed it snippets that are wrong on purpose.
mod the_harness_can_fail {
    use book_tests::compile_fail::{Snippet, check};
    use std::panic::catch_unwind;

    const ROOT: &str = env!("CARGO_MANIFEST_DIR");
    const OUT: &str = env!("OUT_DIR");
    const TARGET: &str = env!("SNIPPET_TARGET");

    fn snippet(shown: &'static str, fixed: &'static str) -> Snippet {
        Snippet {
            location: "a deliberately wrong snippet",
            marked_lines: 1,
            shown,
            fixed,
            root_dir: ROOT,
            out_dir: OUT,
            target: TARGET,
        }
    }

    #[test]
    fn a_snippet_whose_assertion_fails_fails() {
        let outcome = catch_unwind(|| {
            skeptic::rt::run_test(ROOT, OUT, TARGET, "fn main() { assert_eq!(1 + 1, 3); }")
        });
        assert!(
            outcome.is_err(),
            "a failing assert! in a snippet must fail its test"
        );
    }

    #[test]
    fn a_compile_fail_snippet_that_compiles_fails() {
        let compiles =
            "fn main() {\n    let x = 1; // does not compile\n    assert_eq!(x, 1);\n}\n";
        let outcome = catch_unwind(|| check(&snippet(compiles, "fn main() {}\n")));
        assert!(
            outcome.is_err(),
            "compile_fail must reject a snippet that compiles"
        );
    }

    #[test]
    fn a_compile_fail_snippet_failing_for_another_reason_fails() {
        // The marked line is fine; the typo on the next line is what breaks it.
        let shown = "fn main() {\n    let s = String::new(); // does not compile\n    undefined_function(s);\n}\n";
        let fixed = "fn main() {\n    undefined_function(s);\n}\n";
        let outcome = catch_unwind(|| check(&snippet(shown, fixed)));
        assert!(
            outcome.is_err(),
            "compile_fail must reject a snippet broken elsewhere"
        );
    }

    #[test]
    fn a_compile_fail_snippet_failing_on_its_marked_line_passes() {
        let shown = "fn main() {\n    let s = String::new();\n    drop(s);\n    drop(s); // does not compile\n}\n";
        let fixed = "fn main() {\n    let s = String::new();\n    drop(s);\n}\n";
        check(&snippet(shown, fixed));
    }
}

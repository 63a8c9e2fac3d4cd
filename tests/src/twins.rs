//! The Python twins of chapters 3, 4, 5 and 7: what each twin's oracle printed, so that a test
//! can run the same scenario on our loop and compare.
//!
//! Three checks meet here. The twin's program asserts (in Python) that asyncio logs what the twin
//! logs; the oracle runner checks that the program prints the book's ```text,output block; and a
//! test in `tests/twins/` asserts that our loop logs that same block. Reading the block, not
//! running Python, keeps that last test free of any interpreter.

use crate::{includes, markdown, workspace_root};

/// The lines of the ```text,output block after the oracle in `src/<page>` whose code includes
/// `programs/<twin_file>`. Panics, naming what is missing, when there is no such oracle.
pub fn oracle_output(page: &str, twin_file: &str) -> Vec<String> {
    let path = workspace_root().join("src").join(page);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let include = format!("{{{{#include programs/{twin_file}}}}}");
    let blocks = markdown::code_blocks(&text);
    let index = blocks
        .iter()
        .position(|block| block.is_oracle() && block.code.contains(&include))
        .unwrap_or_else(|| panic!("src/{page} has no oracle that includes programs/{twin_file}"));
    let output = blocks
        .get(index + 1)
        .filter(|next| next.is_output())
        .unwrap_or_else(|| {
            panic!(
                "src/{page}:{}: the twin's oracle has no ```text,output block after it",
                blocks[index].line
            )
        });
    let dir = path.parent().expect("a page lives in src/");
    includes::expand(&output.code, dir)
        .lines()
        .map(str::to_string)
        .collect()
}

//! Prepares the book's Rust snippets for testing.
//!
//! 1. Expands every `{{#include}}` / `{{#rustdoc_include}}` the way mdBook does, so the tests see
//!    exactly what the reader sees.
//! 2. Takes `ignore` fragments and `compile_fail` snippets away from skeptic: skeptic would list
//!    the first as ignored tests and does not know the second at all. `compile_fail` snippets get
//!    tests of our own (see `src/compile_fail.rs`).
//! 3. Hands the expanded chapters to skeptic, which writes one test per remaining snippet.

#[path = "src/includes.rs"]
#[allow(dead_code)]
mod includes;
#[path = "src/markdown.rs"]
#[allow(dead_code)]
mod markdown;

use std::path::{Path, PathBuf};
use std::{env, fs};

/// The marker a `compile_fail` snippet puts on the one line that makes it fail.
const FAILING_LINE_MARKER: &str = "// does not compile";

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir.parent().expect("tests/ sits in the workspace");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    let book_src = workspace.join("src");

    // Directories: cargo rescans them whole, so a new chapter or a changed include is noticed.
    println!("cargo:rerun-if-changed={}", book_src.display());
    println!(
        "cargo:rerun-if-changed={}",
        workspace.join("chapters-code").display()
    );

    let chapters_out = out_dir.join("chapters");
    fs::create_dir_all(&chapters_out).expect("create OUT_DIR/chapters");
    let mut for_skeptic = Vec::new();
    let mut compile_fail_tests = String::new();
    for chapter in chapter_files(&book_src) {
        let raw = fs::read_to_string(&chapter).expect("read chapter");
        let expanded = includes::expand(&raw, chapter.parent().expect("in src/"));
        let name = test_stem(&book_src, &chapter);
        let (skeptic_text, compile_fail) = split_off_non_skeptic_blocks(&expanded, &name, &chapter);
        compile_fail_tests.push_str(&compile_fail);
        let path = chapters_out.join(format!("{name}.md"));
        write_if_changed(&path, &skeptic_text);
        for_skeptic.push(path);
    }
    write_if_changed(&out_dir.join("compile-fail-tests.rs"), &compile_fail_tests);
    // For the harness's own tests, which compile snippets of their own.
    println!(
        "cargo:rustc-env=SNIPPET_TARGET={}",
        env::var("TARGET").expect("set by cargo")
    );
    skeptic::generate_doc_tests(&for_skeptic);
}

/// Every markdown file of the book except SUMMARY.md, in a stable order.
fn chapter_files(book_src: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(book_src)
        .into_iter()
        .filter_map(Result::ok)
        .map(|entry| entry.into_path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .filter(|path| path.file_name().is_some_and(|name| name != "SUMMARY.md"))
        .collect();
    files.sort();
    files
}

/// `src/ch02-lazy-futures.md` -> `ch02_lazy_futures`; skeptic names tests after the file.
fn test_stem(book_src: &Path, chapter: &Path) -> String {
    let relative = chapter.strip_prefix(book_src).expect("under src/");
    let stem = relative.with_extension("").to_string_lossy().into_owned();
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Returns the chapter with `ignore` and `compile_fail` Rust blocks turned into `text` blocks
/// (same line count, so skeptic's test names keep the book's line numbers), and the source of the
/// `compile_fail` tests.
fn split_off_non_skeptic_blocks(markdown: &str, name: &str, chapter: &Path) -> (String, String) {
    let mut text = markdown.to_string();
    let mut tests = String::new();
    // Replace from the end so earlier byte offsets stay valid.
    for block in markdown::code_blocks(markdown).iter().rev() {
        if block.lang != "rust" || !(block.is_ignored() || block.has("compile_fail")) {
            continue;
        }
        let fence_line_end = markdown[block.span.clone()]
            .find('\n')
            .map_or(block.span.end, |i| block.span.start + i);
        let fence_line = &markdown[block.span.start..fence_line_end];
        let fence: String = fence_line
            .chars()
            .take_while(|c| *c == '`' || *c == '~' || c.is_whitespace())
            .collect();
        text.replace_range(block.span.start..fence_line_end, &format!("{fence}text"));
        if block.has("compile_fail") {
            tests.push_str(&compile_fail_test(name, chapter, block));
        }
    }
    (text, tests)
}

fn compile_fail_test(name: &str, chapter: &Path, block: &markdown::CodeBlock) -> String {
    let shown: Vec<&str> = block.code.lines().map(without_hidden_marker).collect();
    let marked = shown
        .iter()
        .filter(|line| line.contains(FAILING_LINE_MARKER))
        .count();
    let fixed: Vec<&str> = shown
        .iter()
        .copied()
        .filter(|line| !line.contains(FAILING_LINE_MARKER))
        .collect();
    let location = format!("{}:{}", chapter.display(), block.line);
    format!(
        "#[test]\nfn {name}_line_{line}_compile_fail() {{\n    \
         book_tests::compile_fail::check(&book_tests::compile_fail::Snippet {{\n        \
         location: {location:?},\n        marked_lines: {marked},\n        \
         shown: {shown:?},\n        fixed: {fixed:?},\n        \
         root_dir: env!(\"CARGO_MANIFEST_DIR\"),\n        out_dir: env!(\"OUT_DIR\"),\n        \
         target: {target:?},\n    }});\n}}\n\n",
        line = block.line,
        shown = shown.join("\n") + "\n",
        fixed = fixed.join("\n") + "\n",
        target = env::var("TARGET").expect("set by cargo"),
    )
}

/// Like rustdoc and skeptic: a line starting with `# ` is compiled but not shown.
fn without_hidden_marker(line: &str) -> &str {
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix("# ") {
        rest
    } else if trimmed == "#" {
        ""
    } else {
        line
    }
}

fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents).expect("write into OUT_DIR");
    }
}

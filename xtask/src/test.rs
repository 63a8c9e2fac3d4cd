//! `cargo xtask test`: every test the project has, in one command.
//!
//! The workspace's tests run under cargo-nextest (settings in `.config/nextest.toml`): each test
//! in a process of its own, and a test that hangs is killed after about a minute and reported by
//! name, instead of holding the run until CI's limit.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Stdio;

/// How to get cargo-nextest, for the message when it is missing.
const INSTALL_NEXTEST: &str = "cargo install cargo-nextest --locked";

/// Runs the workspace tests (chapter crates, snippets, oracles, lints) under cargo-nextest, the
/// doc examples if there are any, then proves both halves of every exercise.
pub fn run_all() -> Result<()> {
    let root = crate::workspace_root();
    ensure_nextest()?;
    // Two runs, not one: `cargo xtask` has just built xtask on its own, so its dependencies carry
    // the features xtask alone asks for. In a `--workspace` build they would carry the union of
    // every crate's features, and cargo would compile them all again (headless_chrome and the
    // 40-odd crates under it: over a minute on 2 cores). Run apart, xtask's tests reuse them.
    let runs: [(&[&str], &str); 2] = [
        (
            &["--workspace", "--exclude", "xtask"],
            "chapter crates, book snippets, oracles, lints",
        ),
        (&["--package", "xtask"], "the tools' own tests"),
    ];
    for (packages, what) in runs {
        println!("== cargo nextest run {}: {what} ==", packages.join(" "));
        let status = crate::cargo()
            .args(["nextest", "run"])
            .args(packages)
            .current_dir(&root)
            .status()
            .context("could not run cargo nextest")?;
        if !status.success() {
            bail!(
                "cargo nextest run {} failed (see above)",
                packages.join(" ")
            );
        }
    }
    // nextest does not run doc examples. Today no crate has one, so this is skipped; the day a
    // doc comment gets a ``` block, it runs without anyone having to remember it.
    if has_doc_examples(&root) {
        println!("\n== cargo test --workspace --doc: the doc examples ==");
        let status = crate::cargo()
            .args(["test", "--workspace", "--doc"])
            .current_dir(&root)
            .status()
            .context("could not run cargo test --doc")?;
        if !status.success() {
            bail!("cargo test --workspace --doc failed (see above)");
        }
    }
    println!("\n== exercises: every reference solution passes, every stub fails ==");
    crate::exercises::verify_all()?;
    println!("\nAll tests passed.");
    Ok(())
}

/// Fails, saying how to install it, unless `cargo nextest` runs.
fn ensure_nextest() -> Result<()> {
    let found = crate::cargo()
        .args(["nextest", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        bail!(
            "cargo-nextest is not installed: the tests run under it, so that a test that hangs \
             fails with its name within a minute. Install it with `{INSTALL_NEXTEST}` (a few \
             minutes), then run `cargo xtask test` again."
        );
    }
    Ok(())
}

/// Whether any library in the workspace has a doc comment with a code block: a doc example,
/// which `cargo test --doc` runs and nextest does not. (xtask is a binary: no doctests.)
fn has_doc_examples(root: &Path) -> bool {
    let chapter_sources = std::fs::read_dir(root.join("chapters-code"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("src"));
    let sources = chapter_sources.chain([root.join("tests/src"), root.join("tests/support/src")]);
    sources
        .flat_map(walkdir::WalkDir::new)
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .any(|text| {
            text.lines().map(str::trim_start).any(|line| {
                (line.starts_with("///") || line.starts_with("//!")) && line.contains("```")
            })
        })
}

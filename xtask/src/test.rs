//! `cargo xtask test`: every test the project has, in one command.

use anyhow::{Context, Result, bail};
use std::process::Command;

/// Runs the workspace tests (chapter crates, snippets, oracles, lints), then proves both halves
/// of every exercise.
pub fn run_all() -> Result<()> {
    println!("== cargo test --workspace: chapter crates, book snippets, oracles, lints ==");
    let status = Command::new(env!("CARGO"))
        .args(["test", "--workspace"])
        .current_dir(crate::workspace_root())
        .status()
        .context("could not run cargo test")?;
    if !status.success() {
        bail!("cargo test --workspace failed (see above)");
    }
    println!("\n== exercises: every reference solution passes, every stub fails ==");
    crate::exercises::verify_all()?;
    println!("\nAll tests passed.");
    Ok(())
}

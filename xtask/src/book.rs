//! Building and serving the book with the pinned mdBook.

use crate::tools;
use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;

/// Where `book.toml` (`[build] build-dir`) puts the HTML, relative to the book root.
const BUILD_DIR: &str = "target/book";

/// Overrides the book root, so the tooling itself can be tried on a scratch
/// copy of a book; the project's commands never need it.
const BOOK_ROOT_VAR: &str = "XTASK_BOOK_ROOT";

/// The directory holding `book.toml`: the workspace root unless overridden.
pub fn book_root() -> PathBuf {
    std::env::var_os(BOOK_ROOT_VAR).map_or_else(crate::workspace_root, PathBuf::from)
}

/// Builds the book into `target/book`, failing on any error line in mdBook's log.
pub fn build() -> Result<PathBuf> {
    let tools = tools::ensure()?;
    build_at(&tools, &book_root())
}

/// Builds and serves the book on 127.0.0.1:3000.
pub fn serve() -> Result<()> {
    let tools = tools::ensure()?;
    let root = book_root();
    sync_mermaid_assets(&tools, &root.join("theme"))?;
    println!("serving the book on http://127.0.0.1:3000 (Ctrl-C to stop)");
    let status = tools
        .mdbook_command()?
        .args(["serve", "-n", "127.0.0.1", "-p", "3000"])
        .arg(&root)
        .status()
        .context("could not run mdbook serve")?;
    if !status.success() {
        bail!("mdbook serve failed ({status})");
    }
    Ok(())
}

/// Runs `mdbook build` on the book at `root` and returns its output directory.
fn build_at(tools: &tools::Tools, root: &Path) -> Result<PathBuf> {
    sync_mermaid_assets(tools, &root.join("theme"))?;
    let mut child = tools
        .mdbook_command()?
        .arg("build")
        .arg(root)
        // Plain text lines, so the error scan below sees `ERROR`, not colour codes.
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not run mdbook build")?;
    let stdout = echo_and_collect_errors(child.stdout.take().expect("stdout is piped"));
    let stderr = echo_and_collect_errors(child.stderr.take().expect("stderr is piped"));
    let status = child.wait().context("mdbook build did not finish")?;
    let mut errors = join_output(stdout)?;
    errors.extend(join_output(stderr)?);

    if !status.success() {
        bail!("mdbook build failed ({status}); its log is above");
    }
    // mdBook logs a missing {{#include}} file as an ERROR yet exits 0, which
    // would publish a page with a hole in it: treat every ERROR as fatal.
    if !errors.is_empty() {
        bail!(
            "mdbook build logged {} error(s):\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
    let out_dir = root.join(BUILD_DIR);
    if !out_dir.join("index.html").is_file() {
        bail!(
            "mdbook build succeeded but {} has no index.html; book.toml's build-dir must be \"{BUILD_DIR}\"",
            out_dir.display()
        );
    }
    println!("built the book into {}", out_dir.display());
    Ok(out_dir)
}

/// The scripts mdbook-mermaid ships, which book.toml loads from `theme/`.
const MERMAID_ASSETS: [&str; 2] = ["mermaid.min.js", "mermaid-init.js"];

/// Keeps `theme/mermaid.min.js` and `theme/mermaid-init.js` identical to what
/// the pinned mdbook-mermaid ships. They are committed, so a fresh clone works
/// offline and a reviewer sees them; rewriting them here means bumping the
/// pin updates them too (and the change shows up in `git diff`).
fn sync_mermaid_assets(tools: &tools::Tools, theme_dir: &Path) -> Result<()> {
    // `mdbook-mermaid install` also rewrites the book.toml of the directory it
    // installs into, so let it do that in a scratch book, not ours.
    let scratch = tempfile::tempdir().context("could not create a scratch directory")?;
    std::fs::write(scratch.path().join("book.toml"), "[book]\n")?;
    let output = Command::new(&tools.mdbook_mermaid)
        .arg("install")
        .arg(scratch.path())
        .output()
        .context("could not run mdbook-mermaid install")?;
    if !output.status.success() {
        bail!(
            "mdbook-mermaid install failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for asset in MERMAID_ASSETS {
        let shipped = std::fs::read(scratch.path().join(asset))
            .with_context(|| format!("mdbook-mermaid install did not write {asset}"))?;
        let ours = theme_dir.join(asset);
        if std::fs::read(&ours).ok().as_deref() != Some(shipped.as_slice()) {
            std::fs::write(&ours, shipped)
                .with_context(|| format!("could not write {}", ours.display()))?;
            eprintln!("updated {} from mdbook-mermaid", ours.display());
        }
    }
    Ok(())
}

/// Echoes a stream of mdBook's log to our stderr as it arrives (a build can
/// take a while, and the reader should see progress), returning its error lines.
fn echo_and_collect_errors(
    stream: impl Read + Send + 'static,
) -> thread::JoinHandle<std::io::Result<Vec<String>>> {
    thread::spawn(move || {
        let mut errors = Vec::new();
        for line in BufReader::new(stream).lines() {
            let line = line?;
            eprintln!("{line}");
            if is_error_line(&line) {
                errors.push(line);
            }
        }
        Ok(errors)
    })
}

fn join_output(handle: thread::JoinHandle<std::io::Result<Vec<String>>>) -> Result<Vec<String>> {
    handle
        .join()
        .map_err(|_| anyhow::anyhow!("the thread reading mdbook's output panicked"))?
        .context("could not read mdbook's output")
}

/// Whether a log line reports an error: mdBook 0.5 logs `<time>  ERROR <target>: ...`,
/// older versions `[ERROR]`, and some failures start the line with `ERROR`.
fn is_error_line(line: &str) -> bool {
    let line = line.trim_end();
    line.starts_with("ERROR") || line.contains(" ERROR ") || line.contains("[ERROR]")
}

#[cfg(test)]
mod tests {
    use super::is_error_line;

    #[test]
    fn error_lines_are_recognised_in_every_log_format() {
        assert!(is_error_line(
            "2026-11-26 10:00:00 [ERROR] (mdbook::preprocess::links): Error updating"
        ));
        assert!(is_error_line(
            " 2026-11-26T10:00:00Z ERROR mdbook_driver: Error updating"
        ));
        assert!(is_error_line("ERROR: the include file is missing"));
        assert!(!is_error_line(
            " 2026-11-26T10:00:00Z  INFO mdbook_driver: Book building has started"
        ));
        assert!(!is_error_line("INFO rendering chapter ERRORS.md"));
    }
}

//! The pinned book tools (mdBook and mdbook-mermaid), installed into `.tools/`.
//!
//! Pinning matters: mdBook's HTML output, its config keys and the mermaid
//! preprocessor's wire format all change between releases, so every machine
//! (a reader's, CI's) builds the book with exactly these versions.

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A crate installed with `cargo install`, pinned to one version.
struct PinnedTool {
    /// The crate name, which is also the binary name.
    name: &'static str,
    version: &'static str,
}

/// The one place the tool versions are pinned.
const MDBOOK: PinnedTool = PinnedTool {
    name: "mdbook",
    version: "0.5.4",
};
const MDBOOK_MERMAID: PinnedTool = PinnedTool {
    name: "mdbook-mermaid",
    version: "0.17.1",
};

/// The installed, version-checked book tools.
pub struct Tools {
    /// The `mdbook` binary.
    pub mdbook: PathBuf,
    /// The `mdbook-mermaid` preprocessor binary.
    pub mdbook_mermaid: PathBuf,
    /// The directory holding both, put first on mdBook's `PATH`.
    bin_dir: PathBuf,
}

impl Tools {
    /// A `mdbook` command that runs the pinned preprocessor, never another
    /// `mdbook-mermaid` the machine happens to have: book.toml names it by
    /// command name, so `.tools/bin` goes first on mdBook's `PATH`, and the
    /// command itself is overridden with the full path (mdBook reads
    /// `MDBOOK_<section>__<key>` variables as book.toml settings).
    pub fn mdbook_command(&self) -> Result<Command> {
        let mut command = Command::new(&self.mdbook);
        command.env("PATH", path_with_first(&self.bin_dir)?);
        // Quoted, because mdBook splits the command like a shell would.
        let preprocessor = format!("\"{}\"", self.mdbook_mermaid.display());
        command.env("MDBOOK_PREPROCESSOR__MERMAID__COMMAND", preprocessor);
        Ok(command)
    }
}

/// Installs the pinned tools into `<workspace>/.tools` unless they are already there.
pub fn ensure() -> Result<Tools> {
    let root = crate::workspace_root().join(".tools");
    let bin_dir = root.join("bin");
    let mdbook = ensure_tool(&MDBOOK, &root)?;
    let mdbook_mermaid = ensure_tool(&MDBOOK_MERMAID, &root)?;
    Ok(Tools {
        mdbook,
        mdbook_mermaid,
        bin_dir,
    })
}

/// Returns the tool's binary, installing the pinned version first if needed.
fn ensure_tool(tool: &PinnedTool, root: &Path) -> Result<PathBuf> {
    let binary = root
        .join("bin")
        .join(format!("{}{}", tool.name, std::env::consts::EXE_SUFFIX));
    match installed_version(&binary) {
        Some(version) if version == tool.version => return Ok(binary),
        Some(version) => eprintln!(
            "{} {version} is in .tools/, but the book pins {}: reinstalling",
            tool.name, tool.version
        ),
        None => eprintln!(
            "installing {} {} into .tools/ (once; takes a few minutes)",
            tool.name, tool.version
        ),
    }
    install(tool, root)?;
    match installed_version(&binary) {
        Some(version) if version == tool.version => Ok(binary),
        other => bail!(
            "after installing {} {}, `{} --version` reports {:?}; delete .tools/ and rerun `cargo xtask tools`",
            tool.name,
            tool.version,
            binary.display(),
            other
        ),
    }
}

/// The version a binary reports (`mdbook v0.5.4` and `mdbook-mermaid 0.17.1`
/// both end with it), or `None` when it is missing or does not run.
fn installed_version(binary: &Path) -> Option<String> {
    let output = Command::new(binary).arg("--version").output().ok()?;
    if !output.status.success() {
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last_word = stdout.split_whitespace().last()?;
    Some(last_word.trim_start_matches('v').to_string())
}

/// `cargo install --locked` the pinned version; `--locked` uses the crate's own
/// lockfile so a new release of one of its dependencies cannot break the install.
fn install(tool: &PinnedTool, root: &Path) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["install", "--locked", "--root"])
        .arg(root)
        .args([tool.name, "--version", tool.version])
        .status()
        .with_context(|| format!("could not run `cargo install {}`", tool.name))?;
    if !status.success() {
        let code = status
            .code()
            .map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}"));
        bail!(
            "cargo install {} {} failed ({code}); check network access to crates.io, then rerun `cargo xtask tools`",
            tool.name,
            tool.version
        );
    }
    Ok(())
}

/// The current `PATH` with `dir` in front of it.
fn path_with_first(dir: &Path) -> Result<OsString> {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(&current));
    std::env::join_paths(dirs).context("a directory on PATH contains the path separator")
}

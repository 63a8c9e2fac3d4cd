//! `cargo xtask <command>`: the project's automation, in Rust so that a fresh
//! machine needs nothing but cargo to build, serve, test and check the book.

mod bench;
mod book;
mod exercises;
mod render;
mod test;
mod tools;

use anyhow::{Result, bail};
/// A `cargo` command without the variables `cargo run` set for xtask itself (`CARGO_PKG_NAME`,
/// `CARGO_MANIFEST_DIR`, ...). Some build scripts (ring's, under headless_chrome) rerun when
/// those change, so a nested cargo that inherits them rebuilds those crates on every switch
/// between `cargo xtask test` and a plain `cargo test`.
pub fn cargo() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_by_cargo_run = name.starts_with("CARGO_PKG_")
            || matches!(
                name.as_ref(),
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
            );
        if set_by_cargo_run {
            command.env_remove(name.as_ref());
        }
    }
    command
}

/// The workspace root (one definition, shared with the book's tests).
pub use test_support::workspace_root;

const USAGE: &str = "\
usage: cargo xtask <command>

  serve                 install the pinned book tools if missing, build and serve the book on 127.0.0.1:3000
  book                  build the book into target/book (fails on any mdBook error)
  tools                 install the pinned mdBook and mdbook-mermaid into .tools/ if missing
  check-render          open every page of the built book in headless Chromium and check it
  test                  run every test: the workspace (under cargo-nextest), then both halves of every exercise
  exercise <ch> <n>     check your answer to one exercise, e.g. `cargo xtask exercise ch01 1`
  exercises             prove every reference solution passes and every stub fails
  bench                 our loop vs tokio vs CPython asyncio (spawn, yield, timers): one table
";

fn main() {
    if let Err(error) = run() {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["serve"] => book::serve(),
        ["book"] => book::build().map(|_| ()),
        ["tools"] => tools::ensure().map(|_| ()),
        ["check-render"] => render::check(),
        ["test"] => test::run_all(),
        ["exercise", chapter, number] => exercises::check_one(chapter, number),
        ["exercises"] => exercises::verify_all(),
        ["bench"] => bench::run(),
        [] | ["help"] | ["--help"] | ["-h"] => {
            print!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown command `{}`\n\n{USAGE}", args.join(" ")),
    }
}

//! Runs `rustc` or `clippy-driver` on one fixture file, as `cargo check` would run
//! it on a crate, and reads back what it said as JSON diagnostics.
//!
//! The fixtures are files of `tests/fixtures/`, each a small library that uses
//! only `std`. A fixture marks the lines a tool should point at with a comment,
//! so a test finds a line by its comment, never by its number.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// A file of `tests/fixtures/`.
pub struct Fixture {
    path: PathBuf,
    source: String,
}

impl Fixture {
    /// Reads `tests/fixtures/<name>`.
    pub fn named(name: &str) -> Self {
        let path = fixtures_dir().join(name);
        let source = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Fixture { path, source }
    }

    /// The 1-based number of the one line that contains `marker`.
    pub fn line(&self, marker: &str) -> usize {
        let found: Vec<usize> = (1..)
            .zip(self.source.lines())
            .filter(|(_, text)| text.contains(marker))
            .map(|(number, _)| number)
            .collect();
        match found.as_slice() {
            [line] => *line,
            _ => panic!(
                "{}: expected one line marked {marker:?}, found lines {found:?}",
                self.path.display()
            ),
        }
    }

    /// The line after the one marked with `marker`: for an item whose marker
    /// comment sits above it (rustfmt moves a comment off a `fn` line).
    pub fn line_after(&self, marker: &str) -> usize {
        self.line(marker) + 1
    }
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One thing the tool said about the fixture: a warning or an error.
#[derive(Debug)]
pub struct Diagnostic {
    /// `warning` or `error`.
    pub level: String,
    /// The lint (`unused_must_use`, `clippy::await_holding_lock`) or the error
    /// code (`E0277`); `None` for an error that has no code.
    pub code: Option<String>,
    /// The headline, e.g. "`()` is not a future".
    pub message: String,
    /// The line the primary span starts on: where the tool points.
    pub line: usize,
    /// The notes and helps under the headline, in order.
    pub notes: Vec<Note>,
    /// Every labelled span, the headline's and the notes': `(line, label)`.
    pub labels: Vec<(usize, String)>,
    /// The text a terminal would have shown.
    pub rendered: String,
}

/// A `note:` or `help:` line under a diagnostic.
#[derive(Debug)]
pub struct Note {
    /// Its text.
    pub message: String,
    /// The lines its own spans point at (e.g. the await a guard is held across).
    pub lines: Vec<usize>,
}

impl Diagnostic {
    /// The note or help whose text is `message`, if the tool gave it.
    pub fn note(&self, message: &str) -> Option<&Note> {
        self.notes.iter().find(|note| note.message == message)
    }

    /// The labels of the spans on `line`.
    pub fn labels_on(&self, line: usize) -> Vec<&str> {
        self.labels
            .iter()
            .filter(|(at, _)| *at == line)
            .map(|(_, label)| label.as_str())
            .collect()
    }
}

/// The only diagnostic; anything else fails, printing all the tool said.
pub fn only(found: &[Diagnostic]) -> &Diagnostic {
    match found {
        [one] => one,
        _ => panic!(
            "expected one diagnostic, got {}:\n{}",
            found.len(),
            shown(found)
        ),
    }
}

/// Fails, printing what the tool said, unless it said nothing.
pub fn assert_silent(found: &[Diagnostic]) {
    assert!(
        found.is_empty(),
        "expected no diagnostic, got:\n{}",
        shown(found)
    );
}

/// Fails, printing what the tool said, if a diagnostic points at `line` (its
/// primary span: a note elsewhere may mention the line in passing).
pub fn assert_nothing_points_at(found: &[Diagnostic], line: usize) {
    let at: Vec<&Diagnostic> = found.iter().filter(|d| d.line == line).collect();
    assert!(
        at.is_empty(),
        "expected nothing on line {line}, got {at:#?}"
    );
}

fn shown(found: &[Diagnostic]) -> String {
    found.iter().map(|d| d.rendered.as_str()).collect()
}

/// What a reader without clippy is told to do.
pub const CLIPPY_INSTALL: &str = "install it with `rustup component add clippy`";

/// A compiler to run and the flags to run it with.
pub struct Check {
    program: String,
    install: String,
    flags: Vec<String>,
    clippy_toml: Option<PathBuf>,
}

impl Check {
    /// `rustc`, with its default lints.
    pub fn rustc() -> Self {
        Self::program("rustc", "install Rust with rustup: https://rustup.rs")
    }

    /// `clippy-driver`: rustc plus clippy's lints, with clippy's default levels
    /// and no `clippy.toml` (unless [`Check::clippy_toml`] names one).
    pub fn clippy() -> Self {
        Self::program("clippy-driver", CLIPPY_INSTALL)
    }

    /// Any program that takes rustc's arguments; `install` says how to get it.
    pub fn program(program: &str, install: &str) -> Self {
        Check {
            program: program.into(),
            install: install.into(),
            flags: Vec::new(),
            clippy_toml: None,
        }
    }

    /// Turns `lint` (or a group) on as a warning: `-W clippy::unused_async`.
    pub fn warn(mut self, lint: &str) -> Self {
        self.flags.extend(["-W".into(), lint.into()]);
        self
    }

    /// Turns `lint` (or a group) off: `-A clippy::suspicious`.
    pub fn allow(mut self, lint: &str) -> Self {
        self.flags.extend(["-A".into(), lint.into()]);
        self
    }

    /// Reads `tests/fixtures/<dir>/clippy.toml`, as clippy reads a crate's own.
    pub fn clippy_toml(mut self, dir: &str) -> Self {
        self.clippy_toml = Some(fixtures_dir().join(dir));
        self
    }

    /// Compiles `fixture` as a library (metadata only, like `cargo check`) and
    /// returns what the tool said about it.
    pub fn on(&self, fixture: &Fixture) -> Vec<Diagnostic> {
        let scratch = Scratch::new();
        let output = self.run(fixture, &scratch);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let found = parse(&stderr).unwrap_or_else(|line| {
            // rustup's proxy for a missing component says so in plain text.
            panic!(
                "`{}` did not check the fixture ({}); if it is missing, {}.\n\
                 It printed: {line}\n{stderr}",
                self.program, output.status, self.install
            )
        });
        // rustc fails exactly when it reports an error; anything else (a crash, a
        // program that is not rustc) is not a result to assert on.
        let errors = found.iter().filter(|d| d.level == "error").count();
        assert!(
            output.status.success() == (errors == 0),
            "`{}` exited with {} after {errors} error(s); if it is missing, {}.\n\
             {stderr}",
            self.program,
            output.status,
            self.install
        );
        found
    }

    fn run(&self, fixture: &Fixture, scratch: &Scratch) -> Output {
        let mut command = Command::new(&self.program);
        command
            .args(["--edition", "2024", "--crate-type", "lib"])
            .arg("--emit=metadata")
            .arg("--out-dir")
            .arg(&scratch.0)
            .arg("--error-format=json")
            .arg(&fixture.path)
            .args(&self.flags)
            .stdin(Stdio::null())
            // Set by `cargo clippy` for its own runs; it would add its flags here.
            .env_remove("CLIPPY_ARGS")
            // Clippy looks for a clippy.toml from this directory up to the root:
            // an empty one here keeps the workspace's (or the reader's) out.
            .env("CLIPPY_CONF_DIR", self.config_dir(scratch));
        match command.output() {
            Ok(output) => output,
            Err(e) if e.kind() == ErrorKind::NotFound => panic!(
                "`{}` is not installed (not on PATH): {}",
                self.program, self.install
            ),
            Err(e) => panic!("cannot run `{}`: {e}", self.program),
        }
    }

    fn config_dir(&self, scratch: &Scratch) -> PathBuf {
        match &self.clippy_toml {
            Some(dir) => dir.clone(),
            None => {
                fs::write(scratch.0.join("clippy.toml"), "")
                    .expect("write clippy.toml");
                scratch.0.clone()
            }
        }
    }
}

/// Each JSON line of rustc's stderr, as a diagnostic; summaries ("1 warning
/// emitted", "aborting due to...") point at no code and are left out. A line
/// that is not JSON is returned as the error: the tool did not run as rustc.
fn parse(stderr: &str) -> Result<Vec<Diagnostic>, String> {
    let mut found = Vec::new();
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        let json: Value =
            serde_json::from_str(line).map_err(|_| line.to_string())?;
        let Some(primary) = primary_line(&json["spans"]) else {
            continue;
        };
        let notes = json["children"].as_array().map_or(&[][..], Vec::as_slice);
        let mut labelled = labels(&json["spans"]);
        labelled.extend(notes.iter().flat_map(|note| labels(&note["spans"])));
        found.push(Diagnostic {
            level: text(&json["level"]),
            code: json["code"]["code"].as_str().map(str::to_string),
            message: text(&json["message"]),
            line: primary,
            notes: notes
                .iter()
                .map(|note| Note {
                    message: text(&note["message"]),
                    lines: spans(&note["spans"]).map(|(line, _)| line).collect(),
                })
                .collect(),
            labels: labelled,
            rendered: text(&json["rendered"]),
        });
    }
    Ok(found)
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// `(line_start, span)` of each span in the fixture, primary or not.
fn spans(spans: &Value) -> impl Iterator<Item = (usize, &Value)> {
    spans.as_array().into_iter().flatten().filter_map(|span| {
        let line = span["line_start"].as_u64()?;
        Some((usize::try_from(line).ok()?, span))
    })
}

fn primary_line(all: &Value) -> Option<usize> {
    spans(all)
        .find(|(_, span)| span["is_primary"] == true)
        .map(|(line, _)| line)
}

fn labels(all: &Value) -> Vec<(usize, String)> {
    spans(all)
        .filter_map(|(line, span)| Some((line, span["label"].as_str()?.to_string())))
        .collect()
}

/// A fresh directory for one run's output (tests run in parallel), removed after.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("ch10-tools-{}-{run}", std::process::id()));
        fs::create_dir_all(&dir).expect("create a scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

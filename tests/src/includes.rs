//! mdBook's `{{#include}}` and `{{#rustdoc_include}}`, expanded the way mdBook expands them, so
//! that the tests see exactly the text the reader sees.
//!
//! This file is also compiled into `build.rs` (with `#[path]`), which expands the chapters before
//! skeptic reads them; it therefore depends on nothing but `std` and `regex`.

use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// `{{#include path}}` / `{{#rustdoc_include path:anchor}}`; a leading `\` escapes it.
static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\\)?\{\{#(include|rustdoc_include)\s+([^}\s]+)\s*\}\}").expect("valid regex")
});
static ANCHOR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*([\w_-]+)").expect("valid regex"));
static ANCHOR_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*([\w_-]+)").expect("valid regex"));

/// Which directive it is: plain include shows only the selected lines; rustdoc_include keeps the
/// rest of the file as hidden `# ` lines, so the block still compiles as a whole program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{{#include}}`
    Include,
    /// `{{#rustdoc_include}}`
    RustdocInclude,
}

/// The part of the file a directive selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The whole file.
    Whole,
    /// A named anchor region (`// ANCHOR: name` ... `// ANCHOR_END: name`).
    Anchor(String),
    /// Lines, 0-based, start inclusive, end exclusive (mdBook's own convention after parsing).
    Lines(usize, Option<usize>),
}

/// One directive found in a markdown file.
#[derive(Debug, Clone)]
pub struct Directive {
    /// Byte range of the directive in the markdown.
    pub span: std::ops::Range<usize>,
    /// Include or rustdoc_include.
    pub kind: Kind,
    /// The path as written, relative to the markdown file.
    pub written_path: String,
    /// The path resolved against the markdown file's directory.
    pub path: PathBuf,
    /// What part of the file.
    pub selection: Selection,
}

/// Every unescaped include directive in `markdown`, a file that lives in `dir`.
pub fn directives(markdown: &str, dir: &Path) -> Vec<Directive> {
    DIRECTIVE
        .captures_iter(markdown)
        .filter(|cap| cap.get(1).is_none())
        .map(|cap| {
            let whole = cap.get(0).expect("group 0 always matches");
            let kind = match &cap[2] {
                "include" => Kind::Include,
                _ => Kind::RustdocInclude,
            };
            let (written_path, selection) = parse_target(&cap[3]);
            Directive {
                span: whole.range(),
                kind,
                path: dir.join(&written_path),
                written_path,
                selection,
            }
        })
        .collect()
}

/// `file.rs`, `file.rs:anchor`, `file.rs:10`, `file.rs:10:20`, `file.rs::20`, `file.rs:10:`.
fn parse_target(target: &str) -> (String, Selection) {
    let mut parts = target.splitn(2, ':');
    let path = parts.next().unwrap_or_default().to_string();
    let Some(rest) = parts.next() else {
        return (path, Selection::Whole);
    };
    let mut bounds = rest.splitn(2, ':');
    let first = bounds.next().unwrap_or_default();
    let second = bounds.next();
    let start = match first.parse::<usize>() {
        Ok(line) => Some(line.saturating_sub(1)),
        Err(_) if first.is_empty() => None,
        Err(_) => return (path, Selection::Anchor(first.to_string())),
    };
    let end = second.map(str::parse::<usize>);
    let selection = match (start, end) {
        (Some(start), Some(Ok(end))) => Selection::Lines(start, Some(end)),
        (Some(start), Some(Err(_))) => Selection::Lines(start, None),
        (Some(start), None) => Selection::Lines(start, Some(start + 1)),
        (None, Some(Ok(end))) => Selection::Lines(0, Some(end)),
        (None, _) => Selection::Whole,
    };
    (path, selection)
}

/// Why a directive could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludeError {
    /// The file does not exist or cannot be read.
    MissingFile(PathBuf),
    /// The anchor is not in the file.
    MissingAnchor(PathBuf, String),
    /// The selection is empty (mdBook would silently show an empty block).
    Empty(PathBuf, String),
}

impl std::fmt::Display for IncludeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MissingFile(path) => write!(f, "included file {} does not exist", path.display()),
            Self::MissingAnchor(path, anchor) => write!(
                f,
                "anchor `{anchor}` is not in {} (expected `ANCHOR: {anchor}` ... `ANCHOR_END: {anchor}`)",
                path.display()
            ),
            Self::Empty(path, what) => {
                write!(f, "the included {what} of {} is empty", path.display())
            }
        }
    }
}

/// The text a directive stands for, as mdBook would insert it.
pub fn expand_directive(directive: &Directive) -> Result<String, IncludeError> {
    let text = std::fs::read_to_string(&directive.path)
        .map_err(|_| IncludeError::MissingFile(directive.path.clone()))?;
    let selected = match (&directive.selection, directive.kind) {
        (Selection::Whole, _) => text.lines().collect::<Vec<_>>().join("\n"),
        (Selection::Anchor(anchor), Kind::Include) => anchored_lines(&text, anchor)
            .ok_or_else(|| IncludeError::MissingAnchor(directive.path.clone(), anchor.clone()))?,
        (Selection::Anchor(anchor), Kind::RustdocInclude) => {
            anchored_lines(&text, anchor).ok_or_else(|| {
                IncludeError::MissingAnchor(directive.path.clone(), anchor.clone())
            })?;
            rustdoc_anchored_lines(&text, anchor)
        }
        (Selection::Lines(start, end), Kind::Include) => text
            .lines()
            .enumerate()
            .filter(|(index, _)| in_range(*index, *start, *end))
            .map(|(_, line)| line)
            .collect::<Vec<_>>()
            .join("\n"),
        (Selection::Lines(start, end), Kind::RustdocInclude) => text
            .lines()
            .enumerate()
            .map(|(index, line)| {
                if in_range(index, *start, *end) {
                    line.to_string()
                } else {
                    format!("# {line}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let shown = match directive.kind {
        Kind::Include => selected.clone(),
        // Only the unhidden lines count as "what the reader sees".
        Kind::RustdocInclude => selected
            .lines()
            .filter(|line| !line.starts_with("# "))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    if shown.trim().is_empty() {
        let what = match &directive.selection {
            Selection::Whole => "file".to_string(),
            Selection::Anchor(anchor) => format!("anchor `{anchor}`"),
            Selection::Lines(..) => "line range".to_string(),
        };
        return Err(IncludeError::Empty(directive.path.clone(), what));
    }
    Ok(selected)
}

fn in_range(index: usize, start: usize, end: Option<usize>) -> bool {
    index >= start && end.is_none_or(|end| index < end)
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, other anchor lines removed;
/// `None` when the anchor does not start anywhere in the file.
pub fn anchored_lines(text: &str, anchor: &str) -> Option<String> {
    let mut kept = Vec::new();
    let mut inside = false;
    let mut found = false;
    for line in text.lines() {
        if inside {
            match ANCHOR_END.captures(line) {
                Some(cap) if &cap[1] == anchor => break,
                Some(_) => {}
                None if ANCHOR_START.is_match(line) => {}
                None => kept.push(line),
            }
        } else if ANCHOR_START
            .captures(line)
            .is_some_and(|cap| &cap[1] == anchor)
        {
            inside = true;
            found = true;
        }
    }
    found.then(|| kept.join("\n"))
}

fn rustdoc_anchored_lines(text: &str, anchor: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if inside {
            match ANCHOR_END.captures(line) {
                Some(cap) if &cap[1] == anchor => inside = false,
                Some(_) => {}
                None if ANCHOR_START.is_match(line) => {}
                None => out.push(line.to_string()),
            }
        } else if ANCHOR_START
            .captures(line)
            .is_some_and(|cap| &cap[1] == anchor)
        {
            inside = true;
        } else if !ANCHOR_END.is_match(line) {
            out.push(format!("# {line}"));
        }
    }
    out.join("\n")
}

/// `markdown` with every directive replaced by what it includes. A directive that cannot be
/// expanded is left as written (mdBook does the same); the lint reports it.
pub fn expand(markdown: &str, dir: &Path) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut last = 0;
    for directive in directives(markdown, dir) {
        out.push_str(&markdown[last..directive.span.start]);
        match expand_directive(&directive) {
            Ok(text) => out.push_str(&text),
            Err(_) => out.push_str(&markdown[directive.span.clone()]),
        }
        last = directive.span.end;
    }
    out.push_str(&markdown[last..]);
    out
}

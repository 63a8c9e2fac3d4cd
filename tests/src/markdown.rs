//! Fenced code blocks of a chapter, with what the tests need to know about each.
//!
//! Also compiled into `build.rs` (with `#[path]`): depends only on `std`, `regex` and
//! `pulldown-cmark`.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// `<!-- ignore: reason -->` or `<!-- no_run: reason -->` on the line before a fence.
static REASON_COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*<!--\s*(ignore|no_run)\s*:\s*(\S.*?)\s*-->\s*$").expect("valid regex")
});

/// One fenced code block.
#[derive(Debug, Clone)]
pub struct CodeBlock {
    /// The language, the first token of the info string (`rust`, `python`, `text`, ...).
    pub lang: String,
    /// The other tokens of the info string (`ignore`, `compile_fail`, `output`, ...).
    pub attrs: Vec<String>,
    /// The block's content.
    pub code: String,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// Byte range of the whole block, fences included.
    pub span: Range<usize>,
    /// The reason given in a `<!-- ignore: ... -->` comment on the line before the fence.
    pub reason: Option<String>,
}

impl CodeBlock {
    /// Whether the info string carries `attr`.
    pub fn has(&self, attr: &str) -> bool {
        self.attrs.iter().any(|a| a == attr)
    }

    /// Whether the block is skipped (`ignore` or `no_run`... `no_run` is compiled, not run).
    pub fn is_ignored(&self) -> bool {
        self.has("ignore")
    }

    /// A Python or JavaScript block that the oracles run.
    pub fn is_oracle(&self) -> bool {
        matches!(self.lang.as_str(), "python" | "py" | "js" | "javascript") && !self.is_ignored()
    }

    /// A `text,output` block: what the program before it prints.
    pub fn is_output(&self) -> bool {
        self.lang == "text" && self.has("output")
    }
}

/// Every fenced code block of `markdown`, in order.
pub fn code_blocks(markdown: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut current: Option<CodeBlock> = None;
    for (event, range) in Parser::new_ext(markdown, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let mut tokens = info
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|t| !t.is_empty())
                    .map(str::to_string);
                let line = line_of(markdown, range.start);
                current = Some(CodeBlock {
                    lang: tokens.next().unwrap_or_default(),
                    attrs: tokens.collect(),
                    code: String::new(),
                    line,
                    span: range,
                    reason: reason_before(markdown, line),
                });
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    block.code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = current.take() {
                    blocks.push(block);
                }
            }
            _ => {}
        }
    }
    blocks
}

/// 1-based line number of byte `offset`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].bytes().filter(|&b| b == b'\n').count() + 1
}

fn reason_before(markdown: &str, fence_line: usize) -> Option<String> {
    let previous = markdown.lines().nth(fence_line.checked_sub(2)?)?;
    REASON_COMMENT
        .captures(previous)
        .map(|cap| format!("{}: {}", &cap[1], &cap[2]))
}

/// Destinations of every link in `markdown` (used for SUMMARY.md).
pub fn link_destinations(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, Options::empty())
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

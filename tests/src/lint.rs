//! The book lints: the rules that keep the prose, the snippets and the chapter crates tied
//! together. Each rule is a function from a book to the violations it finds, so that the tests can
//! run it on the real book (no violations) and on a fixture (the violation it exists to catch).

use crate::includes::{self, Directive, Kind};
use crate::markdown::{self, CodeBlock};
use crate::oracle;
use regex::Regex;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

mod practice;

/// A book on disk: `src/` (the chapters) and `chapters-code/` (their crates).
pub struct Book {
    root: PathBuf,
}

/// One markdown file of the book (SUMMARY.md excluded).
pub struct Page {
    /// Absolute path.
    pub path: PathBuf,
    /// Path relative to `src/`, with `/` separators: what SUMMARY.md links to.
    pub name: String,
    /// The markdown as written (includes not expanded).
    pub text: String,
}

/// A rule broken somewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where: `src/page.md:line` or a path.
    pub location: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl Book {
    /// The book rooted at `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn src(&self) -> PathBuf {
        self.root.join("src")
    }

    /// Every page under `src/` except SUMMARY.md, sorted.
    pub fn pages(&self) -> Vec<Page> {
        let src = self.src();
        let mut pages: Vec<Page> = walkdir::WalkDir::new(&src)
            .into_iter()
            .filter_map(Result::ok)
            .map(|entry| entry.into_path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .filter(|path| path.file_name().is_some_and(|name| name != "SUMMARY.md"))
            .map(|path| Page {
                name: relative_name(&src, &path),
                text: std::fs::read_to_string(&path).unwrap_or_default(),
                path,
            })
            .collect();
        pages.sort_by(|a, b| a.name.cmp(&b.name));
        pages
    }

    /// Chapter pages: `chNN-topic.md` at the top of `src/`.
    pub fn chapters(&self) -> Vec<Page> {
        self.pages()
            .into_iter()
            .filter(|page| chapter_number(&page.name).is_some())
            .collect()
    }

    /// Directory names under `chapters-code/`.
    pub fn crates(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root.join("chapters-code"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn location(&self, page: &Page, line: usize) -> String {
        format!("src/{}:{line}", page.name)
    }
}

fn relative_name(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `ch04-timers.md` -> `Some("ch04-timers")`.
fn chapter_number(name: &str) -> Option<&str> {
    static CHAPTER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(ch\d\d-[a-z0-9-]+)\.md$").expect("valid regex"));
    CHAPTER
        .captures(name)
        .and_then(|cap| cap.get(1))
        .map(|m| m.as_str())
}

/// A rule: a key (fixtures that break it are named `tests/fixtures/<key>--<case>/`), what it
/// demands, and the check.
pub struct Rule {
    /// Short name, used by the fixtures.
    pub key: &'static str,
    /// What the rule demands.
    pub demands: &'static str,
    /// The check.
    pub check: fn(&Book) -> Vec<Violation>,
}

/// Every rule.
pub const RULES: &[Rule] = &[
    Rule {
        key: "asserts",
        demands: "runnable snippets assert something",
        check: snippets_assert,
    },
    Rule {
        key: "reasons",
        demands: "ignore and no_run give a reason",
        check: skipped_snippets_give_a_reason,
    },
    Rule {
        key: "oracle-output",
        demands: "oracles are followed by their output",
        check: oracles_have_output,
    },
    Rule {
        key: "summary-exists",
        demands: "SUMMARY entries exist",
        check: summary_entries_exist,
    },
    Rule {
        key: "in-summary",
        demands: "every page is in SUMMARY",
        check: pages_are_in_summary,
    },
    Rule {
        key: "crates",
        demands: "every chapter has its crate and back",
        check: chapters_and_crates_match,
    },
    Rule {
        key: "includes",
        demands: "includes resolve to non-empty text",
        check: includes_resolve,
    },
    Rule {
        key: "covered",
        demands: "included fragments are used by their crate's tests",
        check: fragments_are_covered,
    },
    Rule {
        key: "evidence",
        demands: "every test the book names exists",
        check: named_tests_exist,
    },
    Rule {
        key: "diagrams",
        demands: "every chapter has a diagram",
        check: chapters_have_diagrams,
    },
    Rule {
        key: "exercises",
        demands: "exercises have a tier, two hints and a solution; chapters 1-7 one in Python",
        check: practice::exercises_are_tiered,
    },
    Rule {
        key: "quizzes",
        demands: "questions are answered by a runtime; chapters 1-7 have two",
        check: practice::questions_are_answered_by_a_runtime,
    },
];

/// Runs every rule.
pub fn check_all(book: &Book) -> Vec<Violation> {
    RULES.iter().flat_map(|rule| (rule.check)(book)).collect()
}

static ASSERTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(assert|assert_eq|assert_ne)!\s*[(\[{]").expect("valid regex"));

/// Every runnable Rust snippet asserts something; `should_panic` is refused (skeptic passes a
/// `should_panic` snippet that does not even compile); a `compile_fail` snippet marks its one
/// failing line.
pub fn snippets_assert(book: &Book) -> Vec<Violation> {
    let mut found = Vec::new();
    for page in book.pages() {
        let dir = page.path.parent().unwrap_or(Path::new("."));
        for block in markdown::code_blocks(&page.text) {
            if block.lang != "rust" || block.is_ignored() {
                continue;
            }
            let location = book.location(&page, block.line);
            let code = includes::expand(&block.code, dir);
            if block.has("should_panic") {
                found.push(Violation {
                    location,
                    message: "`should_panic` snippets are not allowed: skeptic passes them even \
                              when they do not compile. Catch the panic with \
                              std::panic::catch_unwind and assert on it."
                        .into(),
                });
            } else if block.has("compile_fail") {
                let marked = code
                    .lines()
                    .filter(|l| l.contains("// does not compile"))
                    .count();
                if marked != 1 {
                    found.push(Violation {
                        location,
                        message: format!(
                            "a compile_fail snippet marks exactly one line with \
                             `// does not compile` (found {marked})"
                        ),
                    });
                }
            } else if !ASSERTION.is_match(&code) {
                found.push(Violation {
                    location,
                    message: "this snippet asserts nothing: add an assert!/assert_eq!/assert_ne! \
                              that fails if the prose is wrong"
                        .into(),
                });
            }
        }
    }
    found
}

/// A Rust `ignore` block whose only content is one `{{#include}}` of a chapter crate's file:
/// a fragment the crate compiles and tests, shown but not run on its own.
fn fragment_directive(block: &CodeBlock, dir: &Path) -> Option<Directive> {
    if block.lang != "rust" || !block.is_ignored() {
        return None;
    }
    let directives = includes::directives(&block.code, dir);
    let [directive] = directives.as_slice() else {
        return None;
    };
    let only_the_directive = block.code.trim() == block.code[directive.span.clone()].trim();
    let in_a_crate = directive.written_path.contains("chapters-code/");
    (only_the_directive && in_a_crate && directive.kind == Kind::Include).then(|| directive.clone())
}

/// `ignore` and `no_run` need a reason: `<!-- ignore: why -->` on the line before the fence.
/// Included fragments of a chapter crate need none (their reason is that they are fragments).
pub fn skipped_snippets_give_a_reason(book: &Book) -> Vec<Violation> {
    let mut found = Vec::new();
    for page in book.pages() {
        let dir = page.path.parent().unwrap_or(Path::new("."));
        for block in markdown::code_blocks(&page.text) {
            let skipped = block.is_ignored() || block.has("no_run");
            if !skipped || block.reason.is_some() || fragment_directive(&block, dir).is_some() {
                continue;
            }
            found.push(Violation {
                location: book.location(&page, block.line),
                message: "an `ignore`/`no_run` snippet needs its reason on the line before the \
                          fence: `<!-- ignore: why this does not run -->`"
                    .into(),
            });
        }
    }
    found
}

/// Whether the text between a program and its output is nothing, or only the opening of a
/// folded answer (`<details>` and its `<summary>`), as in a predict-the-output question.
fn only_folds(gap: &str) -> bool {
    let gap = gap.trim();
    let Some(rest) = gap.strip_prefix("<details>") else {
        return gap.is_empty();
    };
    let rest = rest.trim_start();
    rest.strip_prefix("<summary>")
        .and_then(|summary| summary.split_once("</summary>"))
        .is_some_and(|(_, after)| after.trim().is_empty())
}

/// Every Python/JavaScript block (```python, ```python,python3.12, ```js, ```js,chromium) is
/// followed by a `text,output` block (at once, or folded in a `<details>`), and names an
/// interpreter the oracle runner knows.
pub fn oracles_have_output(book: &Book) -> Vec<Violation> {
    let mut found = Vec::new();
    for page in book.pages() {
        let blocks = markdown::code_blocks(&page.text);
        for (index, block) in blocks.iter().enumerate() {
            if !block.is_oracle() {
                continue;
            }
            let info = std::iter::once(&block.lang)
                .chain(&block.attrs)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(",");
            if let Err(problem) = oracle::Interpreter::parse(&block.lang, &block.attrs) {
                found.push(Violation {
                    location: book.location(&page, block.line),
                    message: format!("```{info}: {problem}"),
                });
            }
            let next = blocks.get(index + 1);
            let followed = next.is_some_and(|next| {
                next.is_output() && only_folds(&page.text[block.span.end..next.span.start])
            });
            if !followed {
                found.push(Violation {
                    location: book.location(&page, block.line),
                    message: format!(
                        "a ```{info} snippet is run as an oracle and must be followed directly \
                         by a ```text,output block holding exactly what it prints (or marked \
                         ignore with a reason)"
                    ),
                });
            }
        }
    }
    found
}

/// The files SUMMARY.md links to (draft chapters, with an empty link, are skipped).
fn summary_links(book: &Book) -> Vec<String> {
    let summary = std::fs::read_to_string(book.src().join("SUMMARY.md")).unwrap_or_default();
    markdown::link_destinations(&summary)
        .into_iter()
        .filter(|dest| !dest.is_empty())
        .map(|dest| dest.split('#').next().unwrap_or_default().to_string())
        .collect()
}

/// Every file SUMMARY.md links to exists.
pub fn summary_entries_exist(book: &Book) -> Vec<Violation> {
    summary_links(book)
        .into_iter()
        .filter(|link| !book.src().join(link).is_file())
        .map(|link| Violation {
            location: "src/SUMMARY.md".into(),
            message: format!("SUMMARY links to src/{link}, which does not exist"),
        })
        .collect()
}

/// Every page is listed in SUMMARY.md, except what other pages include (`src/generated/`).
pub fn pages_are_in_summary(book: &Book) -> Vec<Violation> {
    let listed: BTreeSet<String> = summary_links(book).into_iter().collect();
    book.pages()
        .into_iter()
        .filter(|page| !page.name.starts_with("generated/") && !listed.contains(&page.name))
        .map(|page| Violation {
            location: format!("src/{}", page.name),
            message: "this page is not in src/SUMMARY.md, so the book never shows it".into(),
        })
        .collect()
}

/// `src/chNN-topic.md` has `chapters-code/chNN-topic/`, and every crate has its chapter.
pub fn chapters_and_crates_match(book: &Book) -> Vec<Violation> {
    let chapters: BTreeSet<String> = book
        .chapters()
        .iter()
        .filter_map(|page| chapter_number(&page.name).map(str::to_string))
        .collect();
    let crates: BTreeSet<String> = book.crates().into_iter().collect();
    let mut found: Vec<Violation> = chapters
        .difference(&crates)
        .map(|chapter| Violation {
            location: format!("src/{chapter}.md"),
            message: format!("chapter has no crate: expected chapters-code/{chapter}/"),
        })
        .collect();
    found.extend(crates.difference(&chapters).map(|krate| Violation {
        location: format!("chapters-code/{krate}"),
        message: format!("crate has no chapter: expected src/{krate}.md"),
    }));
    found
}

/// Every `{{#include}}` names a file that exists and an anchor that exists and is not empty
/// (mdBook itself passes both silently).
pub fn includes_resolve(book: &Book) -> Vec<Violation> {
    let mut found = Vec::new();
    for page in book.pages() {
        let dir = page.path.parent().unwrap_or(Path::new("."));
        for directive in includes::directives(&page.text, dir) {
            if let Err(error) = includes::expand_directive(&directive) {
                found.push(Violation {
                    location: book
                        .location(&page, markdown::line_of(&page.text, directive.span.start)),
                    message: error.to_string(),
                });
            }
        }
    }
    found
}

static ITEM_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+|const\s+|unsafe\s+)*(?:fn|struct|enum|trait|type|const|static|mod|union)\s+([A-Za-z_][A-Za-z0-9_]*)",
    )
    .expect("valid regex")
});
static IMPL_TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*impl(?:<[^>]*>)?\s+(?:[\w:<>, ]+\s+for\s+)?([A-Za-z_][A-Za-z0-9_]*)")
        .expect("valid regex")
});

/// The crate directory and the part of the path inside it, for a path in `chapters-code/`.
fn crate_of(path: &Path) -> Option<PathBuf> {
    let components: Vec<_> = path.components().collect();
    let at = components
        .iter()
        .position(|c| c.as_os_str() == "chapters-code")?;
    Some(components[..=at + 1].iter().collect())
}

/// Text of every `.rs` file under `dir`.
fn rust_sources(dir: &Path) -> String {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .collect::<Vec<_>>()
        .join("\n")
}

/// An included fragment defines at least one item that its crate's tests (`tests/`) use, so code
/// shown in the book is code the crate's tests run. Fragments from test files are tests already.
pub fn fragments_are_covered(book: &Book) -> Vec<Violation> {
    let mut found = Vec::new();
    for page in book.pages() {
        let dir = page.path.parent().unwrap_or(Path::new("."));
        for block in markdown::code_blocks(&page.text) {
            let Some(directive) = fragment_directive(&block, dir) else {
                continue;
            };
            let Ok(fragment) = includes::expand_directive(&directive) else {
                continue; // includes_resolve reports it
            };
            let Some(crate_dir) = crate_of(&directive.path) else {
                continue;
            };
            let tests_dir = crate_dir.join("tests");
            // A test shown is its own evidence; a benchmark's code is the evidence of a
            // measurement, which no test asserts (CI still compiles it: clippy
            // --all-targets).
            if directive.path.starts_with(&tests_dir)
                || directive.path.starts_with(crate_dir.join("benches"))
            {
                continue;
            }
            let names: BTreeSet<&str> = ITEM_NAME
                .captures_iter(&fragment)
                .chain(IMPL_TARGET.captures_iter(&fragment))
                .filter_map(|cap| cap.get(1).map(|m| m.as_str()))
                .collect();
            let tests = rust_sources(&tests_dir);
            let used = names.iter().any(|name| {
                Regex::new(&format!(r"\b{}\b", regex::escape(name)))
                    .is_ok_and(|word| word.is_match(&tests))
            });
            if !used {
                let defined = if names.is_empty() {
                    "no item (anchor a whole fn, type or impl)".to_string()
                } else {
                    names.into_iter().collect::<Vec<_>>().join(", ")
                };
                found.push(Violation {
                    location: book.location(&page, block.line),
                    message: format!(
                        "included fragment {} is not covered: it defines {defined}, and none of \
                         it is used by the tests in {}",
                        directive.written_path,
                        tests_dir.display()
                    ),
                });
            }
        }
    }
    found
}

/// Every chapter shows at least one mermaid diagram.
pub fn chapters_have_diagrams(book: &Book) -> Vec<Violation> {
    book.chapters()
        .into_iter()
        .filter(|page| {
            !markdown::code_blocks(&page.text)
                .iter()
                .any(|block| block.lang == "mermaid")
        })
        .map(|page| Violation {
            location: format!("src/{}", page.name),
            message: "chapter has no ```mermaid diagram".into(),
        })
        .collect()
}

static TEST_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"`(ch\d\d-[a-z0-9-]+|book-tests)/((?:tests|src|benches)/[\w./-]+\.rs)::((?:\w+::)*)(\w+)`",
    )
    .expect("valid regex")
});

/// A file named alone in an evidence line, `` `crate/tests/file.rs` ``, whose tests follow.
static TEST_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"`(ch\d\d-[a-z0-9-]+|book-tests)/((?:tests|src|benches)/[\w./-]+\.rs)`")
        .expect("valid regex")
});

/// A bare test name in an evidence line: `` `name` `` or `` `module::name` ``, snake_case.
static BARE_TEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"`((?:[a-z_][a-z0-9_]*::)*)([a-z][a-z0-9]*_[a-z0-9_]+)`").expect("valid regex")
});

/// A test the book names: the crate, the file in it, the test's name, and where it is named.
struct NamedTest {
    krate: String,
    path: String,
    name: String,
    offset: usize,
}

/// Every test a page names, in both forms: `` `crate/tests/file.rs::name` `` anywhere, and in an
/// evidence paragraph (`*Tested by ...`, with the list that may follow it) a file named alone
/// and the `` `name` ``s after it, as in ``*Tested by `crate/tests/file.rs`: `a`, `b`.*``.
fn named_tests(text: &str) -> Vec<NamedTest> {
    let mut found: Vec<NamedTest> = TEST_REFERENCE
        .captures_iter(text)
        .map(|cap| NamedTest {
            krate: cap[1].to_string(),
            path: cap[2].to_string(),
            name: cap[4].to_string(),
            offset: cap.get(0).map_or(0, |m| m.start()),
        })
        .collect();
    let mut offset = 0;
    let mut paragraph: Option<(usize, String)> = None;
    for line in text.split_inclusive('\n') {
        let starts = line.starts_with("*Tested by");
        let continues = !line.trim().is_empty() && !line.starts_with('#');
        match (&mut paragraph, starts) {
            (_, true) => {
                if let Some((at, lines)) = paragraph.take() {
                    found.extend(grouped_tests(at, &lines));
                }
                paragraph = Some((offset, line.to_string()));
            }
            (Some((_, lines)), false) if continues => lines.push_str(line),
            (Some(_), false) => {
                if let Some((at, lines)) = paragraph.take() {
                    found.extend(grouped_tests(at, &lines));
                }
            }
            (None, false) => {}
        }
        offset += line.len();
    }
    if let Some((at, lines)) = paragraph {
        found.extend(grouped_tests(at, &lines));
    }
    found
}

/// The tests of one evidence paragraph that follow a file named alone.
fn grouped_tests(at: usize, paragraph: &str) -> Vec<NamedTest> {
    let files: Vec<_> = TEST_FILE.captures_iter(paragraph).collect();
    let mut found = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let whole = file.get(0).expect("a match");
        let until = files.get(index + 1).map_or(paragraph.len(), |next| {
            next.get(0).expect("a match").start()
        });
        for cap in BARE_TEST.captures_iter(&paragraph[whole.end()..until]) {
            found.push(NamedTest {
                krate: file[1].to_string(),
                path: file[2].to_string(),
                name: cap[2].to_string(),
                offset: at + whole.start(),
            });
        }
    }
    found
}

/// Every test the prose names as evidence exists: `` `crate/tests/file.rs::test_name` ``, or a
/// name listed after `` `crate/tests/file.rs` `` in a `*Tested by` paragraph. The file is in
/// the crate, and it (or a module file beside it, `tests/file/*.rs`) defines a `fn` of that
/// name. A test renamed or deleted makes the sentence that cites it fail the build instead of
/// pointing at nothing.
pub fn named_tests_exist(book: &Book) -> Vec<Violation> {
    let mut found = Vec::new();
    for page in book.pages() {
        for test in named_tests(&page.text) {
            let NamedTest {
                krate,
                path,
                name,
                offset,
            } = &test;
            // `book-tests` is the workspace's `tests/` crate; every other name is a chapter crate.
            let crate_dir = if krate == "book-tests" {
                book.root.join("tests")
            } else {
                book.root.join("chapters-code").join(krate)
            };
            let file = crate_dir.join(path);
            let shown = file
                .strip_prefix(&book.root)
                .unwrap_or(&file)
                .display()
                .to_string();
            let location = book.location(&page, markdown::line_of(&page.text, *offset));
            if !file.is_file() {
                found.push(Violation {
                    location,
                    message: format!("names a test in {shown}, which does not exist"),
                });
                continue;
            }
            let defines =
                Regex::new(&format!(r"\bfn\s+{}\b", regex::escape(name))).expect("valid regex");
            let mut sources = vec![std::fs::read_to_string(&file).unwrap_or_default()];
            let modules = file.with_extension("");
            if modules.is_dir() {
                sources.push(rust_sources(&modules));
            }
            if !sources.iter().any(|text| defines.is_match(text)) {
                found.push(Violation {
                    location,
                    message: format!(
                        "names the test `{name}`, but {shown} defines no `fn {name}`: \
                         it was renamed or deleted; name the test that shows the claim now"
                    ),
                });
            }
        }
    }
    found
}

//! Oracles: the book's Python and JavaScript snippets, run by CPython and Node, with their
//! printed output compared to the `text,output` block that follows them in the book.

use crate::includes;
use crate::lint::Book;
use crate::markdown;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one snippet may run before it is killed and reported: none of them sleeps for real.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Which interpreter runs a snippet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interpreter {
    /// CPython, as `python3`.
    Python,
    /// Node.js, as `node`.
    Node,
}

impl Interpreter {
    fn for_lang(lang: &str) -> Option<Self> {
        match lang {
            "python" | "py" => Some(Self::Python),
            "js" | "javascript" => Some(Self::Node),
            _ => None,
        }
    }

    /// The command that runs it.
    pub fn program(self) -> &'static str {
        match self {
            Self::Python => "python3",
            Self::Node => "node",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Python => "py",
            Self::Node => "js",
        }
    }

    /// The version the book's outputs were recorded with: a reader on another version may see
    /// a difference where the chapter says the behaviour changed.
    pub fn recorded_with(self) -> &'static str {
        match self {
            Self::Python => "CPython 3.11",
            Self::Node => "Node.js 20",
        }
    }

    /// The prefix that hides a line of its snippets in the rendered book (`book.toml`'s
    /// `output.html.code.hidelines`), if it has one.
    fn hidden_line_prefix(self) -> Option<&'static str> {
        match self {
            Self::Python => Some("~"),
            Self::Node => None,
        }
    }

    fn install_hint(self) -> &'static str {
        match self {
            Self::Python => "install CPython 3.10+ (Debian: `apt-get install python3`)",
            Self::Node => "install Node.js 18+ (Debian: `apt-get install nodejs`)",
        }
    }
}

/// One runnable snippet and the output the book says it prints.
#[derive(Debug, Clone)]
pub struct Oracle {
    /// A test name: `ch02_lazy_futures_line_120_python`.
    pub name: String,
    /// `src/page.md:line`.
    pub location: String,
    /// Who runs it.
    pub interpreter: Interpreter,
    /// The program, includes expanded.
    pub code: String,
    /// What the book says it prints.
    pub expected: String,
}

/// The program with its hidden lines shown: mdBook hides a Python line that starts
/// (after its indentation) with `~`, the prefix `book.toml` sets; the interpreter must see
/// it without the `~`.
pub fn shown_and_hidden(code: &str, interpreter: Interpreter) -> String {
    let Some(prefix) = interpreter.hidden_line_prefix() else {
        return code.to_string();
    };
    let mut shown: Vec<String> = Vec::new();
    for line in code.lines() {
        let indent = line.len() - line.trim_start().len();
        shown.push(match line[indent..].strip_prefix(prefix) {
            Some(rest) => format!("{}{rest}", &line[..indent]),
            None => line.to_string(),
        });
    }
    let ending = if code.ends_with('\n') { "\n" } else { "" };
    shown.join("\n") + ending
}

/// Every oracle in the book. A snippet without its output block still becomes an oracle (with
/// no expected output), so the test fails and names it; the lint says the same.
pub fn oracles(book: &Book) -> Vec<Oracle> {
    let mut found = Vec::new();
    for page in book.pages() {
        let dir = page.path.parent().unwrap_or(Path::new("."));
        let blocks = markdown::code_blocks(&page.text);
        for (index, block) in blocks.iter().enumerate() {
            let Some(interpreter) = Interpreter::for_lang(&block.lang) else {
                continue;
            };
            if !block.is_oracle() {
                continue;
            }
            let expected = blocks
                .get(index + 1)
                .filter(|next| next.is_output())
                .map(|next| includes::expand(&next.code, dir))
                .unwrap_or_default();
            let stem: String = page
                .name
                .trim_end_matches(".md")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            found.push(Oracle {
                name: format!("{stem}_line_{}_{}", block.line, block.lang),
                location: format!("src/{}:{}", page.name, block.line),
                interpreter,
                code: shown_and_hidden(&includes::expand(&block.code, dir), interpreter),
                expected,
            });
        }
    }
    found
}

/// Whether `interpreter` can be started at all.
pub fn available(interpreter: Interpreter) -> Result<(), String> {
    program_available(interpreter.program(), interpreter)
}

/// Whether `program` (which plays `interpreter`) answers `--version`; if not, what to do.
fn program_available(program: &str, interpreter: Interpreter) -> Result<(), String> {
    match Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => Ok(()),
        _ => Err(format!(
            "`{}` was not found: the book's {:?} snippets are run as oracles, so the tests need \
             it. To fix: {}. (A reader who only wants the Rust side may set \
             BOOK_SKIP_ORACLES=1; CI never does.)",
            program,
            interpreter,
            interpreter.install_hint()
        )),
    }
}

/// Runs the snippet; `Err` says what went wrong (exit status, stderr, or a diff of the output).
pub fn run(oracle: &Oracle) -> Result<(), String> {
    available(oracle.interpreter)?;
    let dir = std::env::temp_dir().join(format!(
        "book-oracle-{}-{}",
        std::process::id(),
        oracle.name
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let file = dir.join(format!("snippet.{}", oracle.interpreter.extension()));
    std::fs::write(&file, &oracle.code).map_err(|e| format!("cannot write the snippet: {e}"))?;

    let outcome = run_with_time_limit(
        Command::new(oracle.interpreter.program())
            .arg(&file)
            .current_dir(&dir)
            .env("PYTHONHASHSEED", "0")
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let (status, stdout, stderr) = outcome?;
    if !status.success() {
        return Err(format!(
            "{}: `{}` exited with {status}\n--- stderr ---\n{stderr}--- stdout ---\n{stdout}",
            oracle.location,
            oracle.interpreter.program()
        ));
    }
    let printed = stdout.trim_end_matches('\n');
    let expected = oracle.expected.trim_end_matches('\n');
    if printed != expected {
        return Err(format!(
            "{}: the snippet's output differs from the ```text,output block after it\n\
             --- the book says ---\n{expected}\n--- the program printed ---\n{printed}\n\
             --- first differing line ---\n{}\n\
             (this ran on {}; the book's outputs were recorded with {})",
            oracle.location,
            first_difference(expected, printed),
            version_of(oracle.interpreter.program()),
            oracle.interpreter.recorded_with()
        ));
    }
    Ok(())
}

fn first_difference(expected: &str, printed: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut printed_lines = printed.lines();
    for number in 1.. {
        match (expected_lines.next(), printed_lines.next()) {
            (Some(e), Some(p)) if e == p => continue,
            (e, p) => {
                return format!(
                    "line {number}: book {:?}, program {:?}",
                    e.unwrap_or("<nothing>"),
                    p.unwrap_or("<nothing>")
                );
            }
        }
    }
    unreachable!("the loop returns at the first difference")
}

/// What `program --version` prints, for messages.
fn version_of(program: &str) -> String {
    Command::new(program)
        .arg("--version")
        .output()
        .map(|out| {
            let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
            format!("{program} {text}")
        })
        .unwrap_or_else(|_| program.to_string())
}

type Finished = (std::process::ExitStatus, String, String);

/// Runs `command`, killing it if it outlives [`TIME_LIMIT`]: an oracle must never hang the suite.
fn run_with_time_limit(command: &mut Command) -> Result<Finished, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    // Drain both pipes on threads so a chatty program cannot block on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "killed after {TIME_LIMIT:?}: the snippet did not finish"
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok((status, stdout, stderr))
}

fn drain(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_interpreter_is_a_failure_that_says_how_to_install_it() {
        let error = program_available("python3-not-installed-here", Interpreter::Python)
            .expect_err("a missing interpreter must fail, never pass silently");
        assert!(
            error.contains("python3-not-installed-here` was not found"),
            "{error}"
        );
        assert!(error.contains("apt-get install python3"), "{error}");
    }

    #[test]
    fn hidden_python_lines_run_without_their_prefix_and_keep_their_indentation() {
        let code = "~class A:\n~    x = 1\n    ~y = 2\nprint(~0)\n";
        let shown = shown_and_hidden(code, Interpreter::Python);
        assert_eq!(shown, "class A:\n    x = 1\n    y = 2\nprint(~0)\n");
        assert_eq!(shown_and_hidden(code, Interpreter::Node), code);
    }

    #[test]
    fn output_that_differs_is_reported_with_the_first_differing_line() {
        let oracle = Oracle {
            name: "wrong_output".into(),
            location: "src/x.md:1".into(),
            interpreter: Interpreter::Python,
            code: "print('A0')\nprint('B0')\n".into(),
            expected: "A0\nA1\n".into(),
        };
        let error = run(&oracle).expect_err("the output differs from the book");
        assert!(
            error.contains(r#"line 2: book "A1", program "B0""#),
            "{error}"
        );
    }
}

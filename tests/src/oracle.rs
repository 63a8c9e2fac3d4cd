//! Oracles: the book's Python and JavaScript snippets, run by CPython, Node and headless
//! Chromium, with their printed output compared to the `text,output` block that follows them in
//! the book.
//!
//! The info string picks who runs a snippet:
//!
//! | info string             | run by                                                        |
//! |-------------------------|---------------------------------------------------------------|
//! | `python`                | `python3`                                                     |
//! | `python,python3.12`     | `python3.12`, or pyenv's 3.12.x; skipped where neither exists |
//! | `js`                    | `node`                                                        |
//! | `js,chromium`           | headless Chromium; `console.log` lines read back from the page |

use crate::includes;
use crate::lint::Book;
use crate::markdown;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// How long one snippet may run before it is killed and reported: none of them sleeps for real.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// How much virtual time a Chromium page gets: its timers fire in virtual time, so a
/// `setTimeout(f, 3000)` runs at once, and the page is dumped when the budget is spent.
const CHROMIUM_VIRTUAL_TIME_MS: u32 = 5000;

/// Which interpreter runs a snippet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interpreter {
    /// CPython, as `python3`: ```` ```python ````.
    Python,
    /// CPython 3.`minor`, named in the info string: ```` ```python,python3.12 ````.
    NamedPython {
        /// The minor version: 12 for `python3.12`.
        minor: u16,
    },
    /// Node.js, as `node`: ```` ```js ````.
    Node,
    /// Headless Chromium: ```` ```js,chromium ````.
    Chromium,
}

impl Interpreter {
    /// The interpreter a block's info string (`lang` and the `attrs` after it) asks for:
    /// `None` for a language no oracle runs, `Err` for an interpreter named wrongly
    /// (`python,python3`, `js,python3.12`, `js,chrome`, two versions).
    pub fn parse(lang: &str, attrs: &[String]) -> Result<Option<Self>, String> {
        let default = match lang {
            "python" | "py" => Self::Python,
            "js" | "javascript" => Self::Node,
            _ => return Ok(None),
        };
        let named: Vec<&String> = attrs
            .iter()
            .filter(|attr| attr.starts_with("python") || attr.starts_with("chrom"))
            .collect();
        let chosen = match (default, named.as_slice()) {
            (_, []) => default,
            (Self::Python, [attr]) if attr.starts_with("python") => Self::python_version(attr)
                .ok_or_else(|| {
                    format!(
                        "`{attr}` names no Python version: write `python3.<minor>`, e.g. \
                     ```python,python3.12"
                    )
                })?,
            (Self::Node, [attr]) if attr.as_str() == "chromium" => Self::Chromium,
            (_, [attr]) => {
                return Err(format!(
                    "`{lang},{attr}` names no interpreter this runner knows: write \
                     ```python, ```python,python3.12, ```js or ```js,chromium"
                ));
            }
            (_, several) => {
                let several: Vec<&str> = several.iter().map(|attr| attr.as_str()).collect();
                return Err(format!(
                    "a snippet names one interpreter, this one names {}",
                    several.join(" and ")
                ));
            }
        };
        Ok(Some(chosen))
    }

    /// `python3.12` -> CPython 3.12.
    fn python_version(attr: &str) -> Option<Self> {
        let minor = attr.strip_prefix("python3.")?;
        if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        minor.parse().ok().map(|minor| Self::NamedPython { minor })
    }

    /// The command that runs it, as a reader would type it.
    pub fn program(self) -> String {
        match self {
            Self::Python => "python3".into(),
            Self::NamedPython { minor } => format!("python3.{minor}"),
            Self::Node => "node".into(),
            Self::Chromium => "chromium".into(),
        }
    }

    /// What ends a test's name, so that the name says who runs the snippet.
    fn name_suffix(self, lang: &str) -> String {
        match self {
            Self::Python | Self::Node => lang.to_string(),
            Self::NamedPython { minor } => format!("python3_{minor}"),
            Self::Chromium => format!("{lang}_chromium"),
        }
    }

    /// The version the book's outputs were recorded with: a reader on another version may see
    /// a difference where the chapter says the behaviour changed.
    pub fn recorded_with(self) -> String {
        match self {
            Self::Python => "CPython 3.11.7".into(),
            Self::NamedPython { minor: 10 } => "CPython 3.10.13".into(),
            Self::NamedPython { minor: 12 } => "CPython 3.12.1".into(),
            Self::NamedPython { minor: 13 } => "CPython 3.13.0".into(),
            Self::NamedPython { minor } => format!("CPython 3.{minor}"),
            Self::Node => "Node.js v20.20.2".into(),
            Self::Chromium => "Chromium 156.0.8078.114".into(),
        }
    }

    /// The prefix that hides a line of its snippets in the rendered book (`book.toml`'s
    /// `output.html.code.hidelines`), if it has one.
    fn hidden_line_prefix(self) -> Option<&'static str> {
        match self {
            Self::Python | Self::NamedPython { .. } => Some("~"),
            Self::Node | Self::Chromium => None,
        }
    }

    fn install_hint(self) -> String {
        match self {
            Self::Python => "install CPython 3.10+ (Debian: `apt-get install python3`)".into(),
            Self::NamedPython { minor } => {
                format!("install CPython 3.{minor}, e.g. `pyenv install 3.{minor}`")
            }
            Self::Node => "install Node.js 18+ (Debian: `apt-get install nodejs`)".into(),
            Self::Chromium => "install Chromium (Debian: `apt-get install chromium`)".into(),
        }
    }
}

/// One runnable snippet and the output the book says it prints.
#[derive(Debug, Clone)]
pub struct Oracle {
    /// A test name that says who runs it: `ch02_lazy_futures_line_120_python`,
    /// `..._python3_12`, `..._js`, `..._js_chromium`.
    pub name: String,
    /// `src/page.md:line`.
    pub location: String,
    /// Who runs it.
    pub interpreter: Interpreter,
    /// The program, includes expanded.
    pub code: String,
    /// What the book says it prints.
    pub expected: String,
    /// What is wrong with its info string, if anything: the test fails with it.
    pub problem: Option<String>,
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
    let mut names = BTreeSet::new();
    for page in book.pages() {
        let dir = page.path.parent().unwrap_or(Path::new("."));
        let blocks = markdown::code_blocks(&page.text);
        for (index, block) in blocks.iter().enumerate() {
            if !block.is_oracle() {
                continue;
            }
            let (interpreter, problem) = match Interpreter::parse(&block.lang, &block.attrs) {
                Ok(Some(interpreter)) => (interpreter, None),
                Ok(None) => continue,
                Err(problem) => {
                    let default = Interpreter::parse(&block.lang, &[]).ok().flatten();
                    (default.unwrap_or(Interpreter::Python), Some(problem))
                }
            };
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
            let suffix = interpreter.name_suffix(&block.lang);
            let name = unique(&mut names, format!("{stem}_line_{}_{suffix}", block.line));
            found.push(Oracle {
                name,
                location: format!("src/{}:{}", page.name, block.line),
                interpreter,
                code: shown_and_hidden(&includes::expand(&block.code, dir), interpreter),
                expected,
                problem,
            });
        }
    }
    found
}

/// `name`, or `name_2`, `name_3`... if it is taken: two pages can flatten to the same stem
/// (`a/b.md`, `a-b.md`), and test names must not collide.
fn unique(taken: &mut BTreeSet<String>, name: String) -> String {
    let mut candidate = name.clone();
    for n in 2.. {
        if taken.insert(candidate.clone()) {
            break;
        }
        candidate = format!("{name}_{n}");
    }
    candidate
}

/// How to start an interpreter: the program and the environment it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The program: a name looked up on `PATH`, or a path.
    pub program: PathBuf,
    /// Variables to set, e.g. `PYENV_VERSION=3.12.1` for pyenv's shims.
    pub env: Vec<(String, String)>,
}

impl Invocation {
    fn plain(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            env: Vec::new(),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// `PYENV_VERSION=3.12.1 python3.12`, as a reader would type it.
    fn describe(&self) -> String {
        let mut words: Vec<String> = self.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        words.push(self.program.display().to_string());
        words.join(" ")
    }

    /// Whether `--version` succeeds: pyenv's shim for a version it has but does not select
    /// exists and fails, so existing is not enough.
    fn answers_version(&self) -> bool {
        self.command()
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }
}

/// Where an interpreter was found, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// It runs like this.
    Found(Invocation),
    /// A named Python version that is not installed: its oracles are skipped, with this
    /// message (a reader cannot be asked to install every CPython).
    Skipped(String),
    /// An interpreter every reader needs is missing: its oracles fail with this message.
    Missing(String),
}

/// Where `interpreter` is, looked up once per process.
pub fn locate(interpreter: Interpreter) -> Located {
    static FOUND: LazyLock<Mutex<HashMap<Interpreter, Located>>> = LazyLock::new(Mutex::default);
    let mut found = FOUND
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    found
        .entry(interpreter)
        .or_insert_with(|| locate_uncached(interpreter))
        .clone()
}

fn locate_uncached(interpreter: Interpreter) -> Located {
    match interpreter {
        Interpreter::Python | Interpreter::Node => {
            match program_available(&interpreter.program(), interpreter) {
                Ok(()) => Located::Found(Invocation::plain(interpreter.program())),
                Err(message) => Located::Missing(message),
            }
        }
        Interpreter::NamedPython { minor } => locate_named_python(minor, "pyenv"),
        Interpreter::Chromium => match chromium_binary() {
            Some(path) => Located::Found(Invocation::plain(path)),
            None => Located::Missing(missing_message("chromium", interpreter)),
        },
    }
}

/// `python3.<minor>` if it runs; else pyenv's newest installed `3.<minor>` through the
/// `python3.<minor>` shim with `PYENV_VERSION` set; else skipped, saying how to install it.
fn locate_named_python(minor: u16, pyenv: &str) -> Located {
    let interpreter = Interpreter::NamedPython { minor };
    let program = interpreter.program();
    let direct = Invocation::plain(&program);
    if direct.answers_version() {
        return Located::Found(direct);
    }
    let through_pyenv = pyenv_versions(pyenv)
        .and_then(|listing| newest_pyenv_version(&listing, minor))
        .map(|version| Invocation {
            program: program.clone().into(),
            env: vec![("PYENV_VERSION".into(), version)],
        });
    match through_pyenv {
        Some(invocation) if invocation.answers_version() => Located::Found(invocation),
        _ => Located::Skipped(format!(
            "{program} not found ({})",
            interpreter.install_hint()
        )),
    }
}

/// `pyenv versions --bare`, if pyenv is there.
fn pyenv_versions(pyenv: &str) -> Option<String> {
    let out = Command::new(pyenv)
        .args(["versions", "--bare"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The newest `3.<minor>[.patch]` in a `pyenv versions --bare` listing. Virtualenvs
/// (`3.12.1/envs/x`) and other minors that merely start alike (`3.120`) are left out.
fn newest_pyenv_version(listing: &str, minor: u16) -> Option<String> {
    let prefix = format!("3.{minor}");
    listing
        .lines()
        .map(str::trim)
        .filter(|name| !name.contains('/'))
        .filter_map(|name| {
            let rest = name.strip_prefix(&prefix)?;
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            let patch: Vec<u32> = rest
                .trim_start_matches('.')
                .split('.')
                .map_while(|part| part.parse().ok())
                .collect();
            Some((patch, name))
        })
        .max()
        .map(|(_, name)| name.to_string())
}

/// Chromium where xtask's render check finds it: `/usr/bin/chromium`, else `chromium` on
/// `PATH`.
fn chromium_binary() -> Option<PathBuf> {
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.is_file() {
        return Some(debian);
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
}

/// Whether `program` (which plays `interpreter`) answers `--version`; if not, what to do.
fn program_available(program: &str, interpreter: Interpreter) -> Result<(), String> {
    if Invocation::plain(program).answers_version() {
        Ok(())
    } else {
        Err(missing_message(program, interpreter))
    }
}

fn missing_message(program: &str, interpreter: Interpreter) -> String {
    format!(
        "`{program}` was not found: the book's {interpreter:?} snippets are run as oracles, so \
         the tests need it. To fix: {}. (A reader who only wants the Rust side may set \
         BOOK_SKIP_ORACLES=1; CI never does.)",
        interpreter.install_hint()
    )
}

/// Why `oracle` is skipped, if it is: only a named Python version that is not installed.
pub fn skip_reason(oracle: &Oracle) -> Option<String> {
    if !matches!(oracle.interpreter, Interpreter::NamedPython { .. }) {
        return None;
    }
    match locate(oracle.interpreter) {
        Located::Skipped(why) => Some(why),
        Located::Found(_) | Located::Missing(_) => None,
    }
}

/// What became of an oracle that did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It printed what the book says.
    Passed,
    /// It could not run here, for this reason (see [`Located::Skipped`]).
    Skipped(String),
}

/// Runs the snippet; `Err` says what went wrong (exit status, stderr, or a diff of the output).
pub fn run(oracle: &Oracle) -> Result<Outcome, String> {
    if let Some(problem) = &oracle.problem {
        return Err(format!("{}: {problem}", oracle.location));
    }
    let invocation = match locate(oracle.interpreter) {
        Located::Found(invocation) => invocation,
        Located::Skipped(why) => return Ok(Outcome::Skipped(why)),
        Located::Missing(why) => return Err(why),
    };
    let dir = std::env::temp_dir().join(format!(
        "book-oracle-{}-{}",
        std::process::id(),
        oracle.name
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let printed = match oracle.interpreter {
        Interpreter::Chromium => run_in_chromium(&invocation, &oracle.code, &dir),
        _ => run_script(&invocation, oracle, &dir),
    };
    let _ = std::fs::remove_dir_all(&dir);
    let printed = printed.map_err(|error| format!("{}: {error}", oracle.location))?;
    compare(oracle, &invocation, &printed)?;
    Ok(Outcome::Passed)
}

/// Runs a Python or Node snippet from a file; what it printed.
fn run_script(invocation: &Invocation, oracle: &Oracle, dir: &Path) -> Result<String, String> {
    let extension = match oracle.interpreter {
        Interpreter::Node | Interpreter::Chromium => "js",
        Interpreter::Python | Interpreter::NamedPython { .. } => "py",
    };
    let file = dir.join(format!("snippet.{extension}"));
    std::fs::write(&file, &oracle.code).map_err(|e| format!("cannot write the snippet: {e}"))?;
    let (status, stdout, stderr) = run_with_time_limit(
        invocation
            .command()
            .arg(&file)
            .current_dir(dir)
            // A later chapter's Python twin builds on an earlier one (`import twin_ch03`), as
            // the chapter crates build on each other; the twins live in `src/programs/`.
            .env(
                "PYTHONPATH",
                crate::workspace_root().join("src").join("programs"),
            )
            .env("PYTHONHASHSEED", "0")
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    )?;
    if !status.success() {
        return Err(format!(
            "`{}` exited with {status}\n--- stderr ---\n{stderr}--- stdout ---\n{stdout}",
            invocation.describe()
        ));
    }
    Ok(stdout)
}

/// The output compared with the book's block.
fn compare(oracle: &Oracle, invocation: &Invocation, printed: &str) -> Result<(), String> {
    let printed = printed.trim_end_matches('\n');
    let expected = oracle.expected.trim_end_matches('\n');
    if printed == expected {
        return Ok(());
    }
    Err(format!(
        "{}: the snippet's output differs from the ```text,output block after it\n\
         --- the book says ---\n{expected}\n--- the program printed ---\n{printed}\n\
         --- first differing line ---\n{}\n\
         (this ran on {}; the book's outputs were recorded with {})",
        oracle.location,
        first_difference(expected, printed),
        version_of(invocation),
        oracle.interpreter.recorded_with()
    ))
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

/// What `--version` prints, with the command that printed it, for messages.
fn version_of(invocation: &Invocation) -> String {
    let described = invocation.describe();
    invocation
        .command()
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map(|out| {
            let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
            format!("`{described}`: {text}")
        })
        .unwrap_or(described)
}

// --- Chromium ---------------------------------------------------------------------------

/// Browser APIs whose callbacks headless Chromium runs only when it renders a frame or finds
/// an idle period. Under virtual time that happens 0 to 4 times per page, at points among the
/// timers that vary from run to run (measured: 12 runs, 3 different orders, one run with no
/// frame at all), so an oracle using them could only be flaky.
const UNRELIABLE_IN_HEADLESS: [&str; 2] = ["requestAnimationFrame", "requestIdleCallback"];

/// Loads `code` in headless Chromium inside [`chromium_page`]; the lines it logged.
fn run_in_chromium(invocation: &Invocation, code: &str, dir: &Path) -> Result<String, String> {
    if let Some(api) = UNRELIABLE_IN_HEADLESS
        .iter()
        .find(|api| code.contains(*api))
    {
        return Err(format!(
            "a ```js,chromium oracle cannot use {api}: headless Chromium runs its callbacks \
             at no fixed point, sometimes not at all, so the output would change from run to \
             run. Show it in a ```js,ignore block with a reason, and test the tasks and \
             microtasks around it"
        ));
    }
    let page = dir.join("page.html");
    std::fs::write(&page, chromium_page(code))
        .map_err(|e| format!("cannot write the page: {e}"))?;
    let (status, stdout, stderr) = run_with_time_limit(
        invocation
            .command()
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
            ])
            .arg(format!("--virtual-time-budget={CHROMIUM_VIRTUAL_TIME_MS}"))
            // A fresh profile each time: oracles run in parallel, and Chromium refuses to
            // share one.
            .arg(format!("--user-data-dir={}", dir.join("profile").display()))
            .arg("--dump-dom")
            .arg(file_url(&page))
            .current_dir(dir),
    )?;
    if !status.success() {
        return Err(format!(
            "`{}` exited with {status}\n--- stderr ---\n{stderr}",
            invocation.describe()
        ));
    }
    logged_lines(&stdout).ok_or_else(|| {
        format!(
            "Chromium's page has no <pre id=\"out\"> (did the snippet replace the body?)\n\
             --- the page ---\n{stdout}"
        )
    })
}

/// The harness: `console.log` (and `info`, `debug`, which Node also prints to stdout) append
/// a line to `<pre id="out">`, formatted as Node's `console.log` formats it for primitives,
/// short arrays and plain objects (Node wraps long ones; this does not, so the book's
/// snippets print strings); uncaught errors and unhandled rejections become
/// `Uncaught: <error>` lines, so a broken snippet fails visibly.
const HARNESS: &str = r#"(() => {
  const out = document.getElementById("out");
  const lines = [];
  const emit = (line) => {
    lines.push(line);
    out.textContent = lines.join("\n");
  };
  const quote = (s) => {
    const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes("`") ? "`" : "'";
    const escaped = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
    return q + (q === "'" ? escaped.replace(/'/g, "\\'") : escaped) + q;
  };
  const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k));
  const show = (value, nested) => {
    switch (typeof value) {
      case "string": return nested ? quote(value) : value;
      case "number": return Object.is(value, -0) ? "-0" : String(value);
      case "bigint": return `${value}n`;
      case "function":
        return value.name ? `[Function: ${value.name}]` : "[Function (anonymous)]";
      case "object": break;
      default: return String(value);
    }
    if (value === null) return "null";
    if (Array.isArray(value)) {
      const items = value.map((item) => show(item, true));
      return items.length === 0 ? "[]" : `[ ${items.join(", ")} ]`;
    }
    if (Object.getPrototypeOf(value) === Object.prototype) {
      const entries = Object.keys(value).map((k) => `${key(k)}: ${show(value[k], true)}`);
      return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
    }
    return String(value);
  };
  const log = (...args) => emit(args.map((arg) => show(arg, false)).join(" "));
  console.log = log;
  console.info = log;
  console.debug = log;
  addEventListener("error", (event) => {
    emit("Uncaught: " + (event.error !== undefined ? show(event.error) : event.message));
  });
  addEventListener("unhandledrejection", (event) => {
    emit("Uncaught: " + show(event.reason));
  });
  const script = document.createElement("script");
  script.textContent = SNIPPET;
  document.body.appendChild(script);
})();"#;

/// The page Chromium loads: `<pre id="out">`, the harness, and the snippet run as a classic
/// script of its own (as a `<script>` tag would run it), passed as a string literal so that
/// nothing in it (`</script>`, `<!--`) can end the harness's tag.
fn chromium_page(code: &str) -> String {
    let harness = HARNESS.replace("SNIPPET", &js_string(code));
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>oracle</title></head>\n\
         <body><pre id=\"out\"></pre><script>\n{harness}\n</script></body></html>\n"
    )
}

/// `text` as a JavaScript string literal that is also safe inside an HTML `<script>`.
fn js_string(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for c in text.chars() {
        match c {
            '"' => literal.push_str("\\\""),
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                literal.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => literal.push_str(&format!("\\u{:04x}", c as u32)),
            c => literal.push(c),
        }
    }
    literal.push('"');
    literal
}

/// `file:///...` for an absolute path, with what a URL cannot hold percent-encoded.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.display().to_string().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char);
            }
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

/// The text of `<pre id="out">` in the DOM Chromium dumped, unescaped.
fn logged_lines(dom: &str) -> Option<String> {
    const OPEN: &str = "<pre id=\"out\">";
    let start = dom.find(OPEN)? + OPEN.len();
    let end = start + dom[start..].find("</pre>")?;
    Some(html_unescape(&dom[start..end]))
}

/// Undoes the escaping of an HTML text node: `&lt;` `&gt;` `&amp;` `&quot;` `&#39;`
/// `&nbsp;` and numeric references. Anything else is left as written.
fn html_unescape(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        plain.push_str(&rest[..at]);
        rest = &rest[at..];
        let entity = rest
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| Some((character_for(&rest[1..end])?, end)));
        match entity {
            Some((c, end)) => {
                plain.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                plain.push('&');
                rest = &rest[1..];
            }
        }
    }
    plain.push_str(rest);
    plain
}

/// The character an entity name (`lt`, `#39`, `#x27`) stands for.
fn character_for(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

// --- Running with a time limit ----------------------------------------------------------

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
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn attrs(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| a.to_string()).collect()
    }

    fn oracle(interpreter: Interpreter, code: &str, expected: &str) -> Oracle {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        Oracle {
            // Tests run in parallel, and the name names the scratch directory.
            name: format!("unit_test_oracle_{}", NEXT.fetch_add(1, Ordering::Relaxed)),
            location: "src/x.md:1".into(),
            interpreter,
            code: code.into(),
            expected: expected.into(),
            problem: None,
        }
    }

    /// What Chromium logs for `code`; the test fails if Chromium is missing (as the oracles do).
    fn chromium_logs(code: &str) -> String {
        let Located::Found(chromium) = locate(Interpreter::Chromium) else {
            panic!("{:?}", locate(Interpreter::Chromium));
        };
        let dir = std::env::temp_dir().join(format!(
            "book-oracle-unit-{}-{:x}",
            std::process::id(),
            code.len() * 31 + code.bytes().map(usize::from).sum::<usize>()
        ));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        let logged = run_in_chromium(&chromium, code, &dir);
        let _ = std::fs::remove_dir_all(&dir);
        logged.expect("Chromium runs the page")
    }

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
    fn the_info_string_names_a_python_version_or_chromium_and_nothing_else() {
        let parse = |lang: &str, list: &[&str]| Interpreter::parse(lang, &attrs(list));
        assert_eq!(parse("python", &[]), Ok(Some(Interpreter::Python)));
        assert_eq!(
            parse("python", &["python3.12"]),
            Ok(Some(Interpreter::NamedPython { minor: 12 }))
        );
        assert_eq!(
            parse("py", &["python3.10", "editable"]),
            Ok(Some(Interpreter::NamedPython { minor: 10 }))
        );
        assert_eq!(parse("js", &[]), Ok(Some(Interpreter::Node)));
        assert_eq!(parse("js", &["chromium"]), Ok(Some(Interpreter::Chromium)));
        assert_eq!(parse("rust", &["chromium"]), Ok(None));
        for (lang, wrong) in [
            ("python", &["python3"][..]),
            ("python", &["python3.x"]),
            ("python", &["python3.12.1"]),
            ("python", &["python3.12", "python3.13"]),
            ("python", &["chromium"]),
            ("js", &["python3.12"]),
            ("js", &["chrome"]),
        ] {
            let error = parse(lang, wrong).expect_err(&format!("{lang},{wrong:?} is wrong"));
            assert!(error.contains("python3.") || error.contains("one interpreter"));
        }
    }

    #[test]
    fn test_names_say_which_interpreter_runs_the_snippet() {
        let suffix = |interpreter: Interpreter, lang| interpreter.name_suffix(lang);
        assert_eq!(suffix(Interpreter::Python, "python"), "python");
        assert_eq!(
            suffix(Interpreter::NamedPython { minor: 12 }, "python"),
            "python3_12"
        );
        assert_eq!(suffix(Interpreter::Node, "js"), "js");
        assert_eq!(suffix(Interpreter::Chromium, "js"), "js_chromium");
        let mut taken = BTreeSet::new();
        assert_eq!(unique(&mut taken, "a_line_1_js".into()), "a_line_1_js");
        assert_eq!(unique(&mut taken, "a_line_1_js".into()), "a_line_1_js_2");
    }

    #[test]
    fn the_newest_matching_pyenv_version_is_chosen_and_lookalikes_are_not() {
        let listing = "3.11.7\n3.12.1\n3.12.10\n3.12.1/envs/venv\n3.120.0\nvenv\n3.13.0\n";
        assert_eq!(
            newest_pyenv_version(listing, 12).as_deref(),
            Some("3.12.10")
        );
        assert_eq!(newest_pyenv_version(listing, 13).as_deref(), Some("3.13.0"));
        assert_eq!(
            newest_pyenv_version("3.12-dev\n", 12).as_deref(),
            Some("3.12-dev")
        );
        assert_eq!(newest_pyenv_version(listing, 9), None);
    }

    #[test]
    fn a_missing_python_version_is_skipped_with_a_message_saying_how_to_install_it() {
        let expected = "python3.99 not found (install CPython 3.99, e.g. `pyenv install 3.99`)";
        // With pyenv (this machine) and without it.
        for pyenv in ["pyenv", "pyenv-not-installed-here"] {
            assert_eq!(
                locate_named_python(99, pyenv),
                Located::Skipped(expected.into())
            );
        }
        let missing = oracle(Interpreter::NamedPython { minor: 99 }, "print(1)\n", "2\n");
        assert_eq!(skip_reason(&missing).as_deref(), Some(expected));
        // Not a pass (the output is even wrong), not a failure.
        assert_eq!(run(&missing), Ok(Outcome::Skipped(expected.into())));
    }

    #[test]
    fn a_named_python_version_runs_that_version_where_it_is_installed() {
        let code = "import sys\nprint(*sys.version_info[:2], sep='.')\n";
        for minor in [12, 13] {
            let named = oracle(
                Interpreter::NamedPython { minor },
                code,
                &format!("3.{minor}\n"),
            );
            match run(&named) {
                Ok(Outcome::Passed) => {}
                Ok(Outcome::Skipped(why)) => {
                    assert!(
                        why.starts_with(&format!("python3.{minor} not found")),
                        "{why}"
                    )
                }
                Err(error) => panic!("{error}"),
            }
        }
    }

    #[test]
    fn an_info_string_naming_no_known_interpreter_fails_its_oracle() {
        let mut misnamed = oracle(Interpreter::Python, "print(1)\n", "1\n");
        misnamed.problem = Some("`js,chrome` names no interpreter".into());
        let error = run(&misnamed).expect_err("a misnamed interpreter must not pass");
        assert!(error.contains("src/x.md:1: `js,chrome`"), "{error}");
    }

    #[test]
    fn every_kind_of_oracle_is_found_named_for_its_interpreter_and_needs_its_output() {
        let root =
            std::env::temp_dir().join(format!("book-oracle-unit-{}-kinds", std::process::id()));
        std::fs::create_dir_all(root.join("src")).expect("a scratch book");
        // Oracles at lines 1, 7, 13 (no output), 16 (prose before its output), 25 (misnamed).
        let page = "\
```python
print(1)
```
```text,output
1
```
```python,python3.12
print(2)
```
```text,output
2
```
```js,chromium
console.log(3)
```
```py,python3.13
print(4)
```

Prose between the snippet and its output.

```text,output
4
```
```js,chrome
console.log(5)
```
```text,output
5
```
<!-- ignore: not a program -->
```python,python3.12,ignore
x
```
```rust,ignore
let x = 1;
```
";
        std::fs::write(root.join("src/ch99-kinds.md"), page).expect("a page");
        let book = Book::at(&root);
        let found: Vec<(String, Interpreter, bool)> = oracles(&book)
            .into_iter()
            .map(|o| (o.name, o.interpreter, o.problem.is_some()))
            .collect();
        let violations: Vec<String> = crate::lint::oracles_have_output(&book)
            .into_iter()
            .map(|v| v.to_string())
            .collect();
        let _ = std::fs::remove_dir_all(&root);
        let named = |minor| Interpreter::NamedPython { minor };
        assert_eq!(
            found,
            [
                (
                    "ch99_kinds_line_1_python".to_string(),
                    Interpreter::Python,
                    false
                ),
                ("ch99_kinds_line_7_python3_12".to_string(), named(12), false),
                (
                    "ch99_kinds_line_13_js_chromium".to_string(),
                    Interpreter::Chromium,
                    false
                ),
                (
                    "ch99_kinds_line_16_python3_13".to_string(),
                    named(13),
                    false
                ),
                ("ch99_kinds_line_25_js".to_string(), Interpreter::Node, true),
            ]
        );
        let at = |line: usize| -> Vec<&String> {
            let location = format!("src/ch99-kinds.md:{line}: ");
            violations
                .iter()
                .filter(|v| v.starts_with(&location))
                .collect()
        };
        assert_eq!(violations.len(), 3, "{violations:#?}");
        assert!(at(13)[0].contains("a ```js,chromium snippet is run as an oracle"));
        assert!(at(16)[0].contains("a ```py,python3.13 snippet is run as an oracle"));
        assert!(at(25)[0].contains("```js,chrome: `js,chrome` names no interpreter"));
    }

    #[test]
    fn hidden_python_lines_run_without_their_prefix_and_keep_their_indentation() {
        let code = "~class A:\n~    x = 1\n    ~y = 2\nprint(~0)\n";
        let shown = shown_and_hidden(code, Interpreter::Python);
        assert_eq!(shown, "class A:\n    x = 1\n    y = 2\nprint(~0)\n");
        let named = Interpreter::NamedPython { minor: 12 };
        assert_eq!(shown_and_hidden(code, named), shown);
        assert_eq!(shown_and_hidden(code, Interpreter::Node), code);
        assert_eq!(shown_and_hidden(code, Interpreter::Chromium), code);
    }

    #[test]
    fn output_that_differs_is_reported_with_the_first_differing_line() {
        let oracle = oracle(
            Interpreter::Python,
            "print('A0')\nprint('B0')\n",
            "A0\nA1\n",
        );
        let error = run(&oracle).expect_err("the output differs from the book");
        assert!(
            error.contains(r#"line 2: book "A1", program "B0""#),
            "{error}"
        );
        assert!(error.contains("recorded with CPython 3.11.7"), "{error}");
    }

    #[test]
    fn html_text_is_unescaped_once() {
        assert_eq!(
            html_unescape("a &lt;b&gt; &amp;lt; &quot;c&quot; &#39;d&#39; &#x41;&nbsp;"),
            "a <b> &lt; \"c\" 'd' A\u{a0}"
        );
        assert_eq!(html_unescape("5 & 6 &unknown; &"), "5 & 6 &unknown; &");
        let dom = "<html><body><pre id=\"out\">1 &lt; 2\nok</pre><pre>x</pre></body></html>";
        assert_eq!(logged_lines(dom).as_deref(), Some("1 < 2\nok"));
        assert_eq!(logged_lines("<html></html>"), None);
    }

    #[test]
    fn a_snippet_cannot_end_the_harness_script_early() {
        let literal = js_string("a</script><!-- \"q\" \\ \n\u{2028}");
        assert_eq!(
            literal,
            r#""a\u003c/script\u003e\u003c!-- \"q\" \\ \n\u2028""#
        );
    }

    #[test]
    fn chromium_returns_console_log_lines_in_order_and_uncaught_errors_as_lines() {
        let code = "\
console.log('sync', 1 < 2, '&');
setTimeout(() => console.log('timeout'), 0);
setTimeout(() => {
  console.log('timeout 3s');
  Promise.reject(new Error('rejected'));
}, 3000);
Promise.resolve().then(() => console.log('microtask'));
setTimeout(() => { throw new TypeError('thrown in a timer'); }, 10);
notDefined();
console.log('never');
";
        assert_eq!(
            chromium_logs(code),
            "sync true &\n\
             Uncaught: ReferenceError: notDefined is not defined\n\
             microtask\n\
             timeout\n\
             Uncaught: TypeError: thrown in a timer\n\
             timeout 3s\n\
             Uncaught: Error: rejected"
        );
    }

    #[test]
    fn a_chromium_snippet_waiting_for_a_frame_is_refused_because_headless_frames_vary() {
        let code = "requestAnimationFrame(() => console.log('frame'));\n";
        let waits_for_a_frame = oracle(Interpreter::Chromium, code, "frame\n");
        let error = run(&waits_for_a_frame).expect_err("frames come at no fixed point");
        assert!(
            error.contains("cannot use requestAnimationFrame"),
            "{error}"
        );
    }

    #[test]
    fn chromium_formats_logged_values_as_node_does() {
        let code = "console.log(1, -0, 2n, true, null, undefined, 's', NaN, 1e21, \
                    [1, 'a', [2]], {a: 1, 'b-c': \"it's\"}, [], {}, Symbol('x'), \
                    function f() {});\nconsole.log();\nconsole.log('</pre>');\n";
        let Located::Found(node) = locate(Interpreter::Node) else {
            panic!("{:?}", locate(Interpreter::Node));
        };
        let (status, from_node, stderr) =
            run_with_time_limit(node.command().args(["-e", code])).expect("node runs");
        assert!(status.success(), "{stderr}");
        assert_eq!(chromium_logs(code), from_node.trim_end_matches('\n'));
    }

    #[test]
    fn a_chromium_oracle_compares_its_lines_with_the_book() {
        let code = "queueMicrotask(() => console.log('b'));\nconsole.log('a');\n";
        let passing = oracle(Interpreter::Chromium, code, "a\nb\n");
        assert_eq!(run(&passing), Ok(Outcome::Passed));
        let failing = oracle(Interpreter::Chromium, code, "b\na\n");
        let error = run(&failing).expect_err("the order differs from the book");
        assert!(
            error.contains(r#"line 1: book "b", program "a""#),
            "{error}"
        );
        assert!(error.contains("recorded with Chromium"), "{error}");
    }
}

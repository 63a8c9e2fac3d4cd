//! Exercises: check one answer with a friendly verdict, or prove for every chapter that the
//! reference solutions pass and the stubs fail.
//!
//! A chapter crate's `exercises` feature compiles the stubs in `exercises/`, its `solutions`
//! feature the answers in `solutions/`; the tests in `tests/exercises.rs` are named `exN_...`.
//! A stub that is a `.py` file is a Python exercise ([`python`]). The hints are in the book
//! ([`hints`]).

mod hints;
mod python;

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A chapter crate that has exercises.
struct Chapter {
    /// The package name, e.g. `ch02-lazy-futures`.
    name: String,
    dir: PathBuf,
}

impl Chapter {
    /// Its `Cargo.toml`, as cargo names it in its JSON messages.
    fn manifest(&self) -> PathBuf {
        canonical(self.dir.join("Cargo.toml"))
    }

    /// The stub files, by exercise number: `exercises/ex1_poll_count.rs` is exercise 1, and
    /// `exercises/ex4_call_later.py` is exercise 4, in Python.
    fn exercises(&self) -> BTreeMap<u32, PathBuf> {
        std::fs::read_dir(self.dir.join("exercises"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let number = name.strip_prefix("ex")?.split('_').next()?.parse().ok()?;
                Some((number, entry.path()))
            })
            .collect()
    }
}

/// Every chapter crate with an `exercises/` folder, in order.
fn chapters() -> Vec<Chapter> {
    let mut found: Vec<Chapter> = std::fs::read_dir(crate::workspace_root().join("chapters-code"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("exercises").is_dir())
        .map(|entry| Chapter {
            name: entry.file_name().to_string_lossy().into_owned(),
            dir: entry.path(),
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// `ch02`, `2`, `02` or `ch02-lazy-futures` -> the chapter.
fn find_chapter(wanted: &str) -> Result<Chapter> {
    let digits = wanted.trim_start_matches("ch");
    let prefix = match digits.parse::<u32>() {
        Ok(number) if !digits.contains('-') => format!("ch{number:02}-"),
        _ => wanted.to_string(),
    };
    let all = chapters();
    let names: Vec<String> = all.iter().map(|c| c.name.clone()).collect();
    all.into_iter()
        .find(|chapter| chapter.name == wanted || chapter.name.starts_with(&prefix))
        .with_context(|| {
            format!(
                "no chapter `{wanted}` has exercises; chapters with exercises: {}",
                names.join(", ")
            )
        })
}

/// How long a chapter's exercise tests may run, once compiled, before they are stopped. They
/// take a second or two; a wrong answer may wait for a wake-up that never comes.
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// What one run of a chapter's exercise tests showed.
struct Run {
    compiled: bool,
    /// Test name -> passed.
    results: BTreeMap<String, bool>,
    /// The tests in the order they ran, where that is not their names' order (a Python
    /// checker's come in the file's order, the most basic first); empty for libtest's.
    order: Vec<String>,
    /// Test name -> its panic message.
    messages: BTreeMap<String, String>,
    /// The compiler's errors, when it did not compile.
    compiler_errors: String,
    /// The test still running when the run was stopped at [`TIME_LIMIT`], if it was.
    hung: Option<String>,
}

impl Run {
    /// Whether the run was stopped at [`TIME_LIMIT`].
    fn timed_out(&self) -> bool {
        self.hung.is_some()
    }
}

/// Compiles a chapter's exercise tests with `feature`, then runs them (those whose name starts
/// with `filter`) one at a time, stopping them after [`TIME_LIMIT`]: compile time does not count.
fn run_tests(chapter: &Chapter, feature: &str, filter: Option<&str>) -> Result<Run> {
    let build = cargo_test_no_run(&[chapter], feature)?;
    let stderr = String::from_utf8_lossy(&build.stderr);
    let executable = build
        .status
        .success()
        .then(|| test_executables(&String::from_utf8_lossy(&build.stdout)));
    let Some(mut executables) = executable else {
        return Ok(Run {
            compiled: false,
            results: BTreeMap::new(),
            order: Vec::new(),
            messages: BTreeMap::new(),
            compiler_errors: first_errors(&stderr),
            hung: None,
        });
    };
    let executable = executables.remove(&chapter.manifest()).with_context(|| {
        format!(
            "cargo built {}'s exercise tests but named no executable",
            chapter.name
        )
    })?;
    run_executable(chapter, &executable, filter)
}

/// `cargo test --no-run` of the `exercises` test target of `chapters`, each with its `feature`,
/// with cargo's artifacts as JSON on stdout and the compiler's errors on stderr as a reader sees
/// them.
fn cargo_test_no_run(chapters: &[&Chapter], feature: &str) -> Result<std::process::Output> {
    let mut command = crate::cargo();
    command.args(["test", "--quiet", "--no-run", "--test", "exercises"]);
    for chapter in chapters {
        command.args(["-p", &chapter.name]);
    }
    let features: Vec<String> = chapters
        .iter()
        .map(|chapter| format!("{}/{feature}", chapter.name))
        .collect();
    command
        .args(["--features", &features.join(",")])
        .args(["--message-format", "json-render-diagnostics"])
        .env("CARGO_TERM_COLOR", "never")
        .current_dir(crate::workspace_root())
        .output()
        .context("could not run cargo test --no-run for the exercises")
}

/// Every chapter's exercise tests built with `feature` in ONE cargo run, so that the chapters
/// compile side by side on every core instead of one after another: chapter -> executable. `None`
/// if any of them fails to compile; the chapter-by-chapter builds then say which, and why.
///
/// Built together, a chapter that depends on another links that one with the feature on too.
/// That changes nothing the tests see: the feature adds the other chapter's own exercise module,
/// which no other chapter uses.
fn build_all(chapters: &[Chapter], feature: &str) -> Result<Option<BTreeMap<PathBuf, PathBuf>>> {
    let all: Vec<&Chapter> = chapters.iter().collect();
    let build = cargo_test_no_run(&all, feature)?;
    if !build.status.success() {
        return Ok(None);
    }
    let executables = test_executables(&String::from_utf8_lossy(&build.stdout));
    let complete = chapters
        .iter()
        .all(|chapter| executables.contains_key(&chapter.manifest()));
    Ok(complete.then_some(executables))
}

/// Runs a chapter's compiled exercise tests (those whose name starts with `filter`) one at a
/// time, stopping them after [`TIME_LIMIT`].
fn run_executable(chapter: &Chapter, executable: &Path, filter: Option<&str>) -> Result<Run> {
    let mut command = Command::new(executable);
    command
        .args(["--color", "never", "--format", "pretty"])
        // One at a time: libtest then prints `test name ... ` before each test, so a test that
        // never finishes can be named.
        .args(["--test-threads", "1"])
        .args(filter)
        .env("RUST_BACKTRACE", "0")
        // Where `cargo test` runs them: the package's directory.
        .current_dir(&chapter.dir);
    let (stdout, finished) = run_with_time_limit(&mut command, TIME_LIMIT)
        .with_context(|| format!("could not run {}", executable.display()))?;
    let hung = (!finished)
        .then(|| running_test(&stdout).unwrap_or_else(|| "(none had started)".to_string()));
    Ok(Run {
        compiled: true,
        results: parse_results(&stdout),
        order: Vec::new(),
        messages: parse_panic_messages(&stdout),
        compiler_errors: String::new(),
        hung,
    })
}

/// The executables of the `exercises` test targets named in cargo's JSON messages, by the
/// manifest of the package they belong to.
fn test_executables(json_lines: &str) -> BTreeMap<PathBuf, PathBuf> {
    json_lines
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter(|message| message["target"]["name"] == "exercises")
        .filter_map(|message| {
            let manifest = message["manifest_path"].as_str()?;
            let executable = message["executable"].as_str()?;
            Some((canonical(manifest.into()), PathBuf::from(executable)))
        })
        .collect()
}

/// `path` with symbolic links resolved, so that two names for one file compare equal.
fn canonical(path: PathBuf) -> PathBuf {
    std::fs::canonicalize(&path).unwrap_or(path)
}

/// Runs `command` with its output captured; kills it if it outlives `limit`. Returns its stdout
/// and whether it finished (`false`: killed).
fn run_with_time_limit(command: &mut Command, limit: Duration) -> Result<(String, bool)> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Drain both pipes on threads, so that a chatty test cannot block on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let finished = loop {
        if child.try_wait()?.is_some() {
            break true;
        }
        if started.elapsed() > limit {
            child.kill()?;
            child.wait()?;
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    drop(stderr.join()); // the panics are in stdout: libtest captures each test's output
    Ok((stdout, finished))
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut text);
        }
        String::from_utf8_lossy(&text).into_owned()
    })
}

/// With one test thread, libtest prints `test name ... ` before running a test and its verdict
/// after: a last such line with no verdict names the test that was running.
fn running_test(stdout: &str) -> Option<String> {
    let last = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with("test "))?;
    let (name, verdict) = last.strip_prefix("test ")?.split_once(" ...")?;
    verdict.trim().is_empty().then(|| name.to_string())
}

/// `test ex1_counts ... ok` lines.
fn parse_results(stdout: &str) -> BTreeMap<String, bool> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, verdict) = rest.split_once(" ... ")?;
            match verdict.trim() {
                "ok" => Some((name.to_string(), true)),
                "FAILED" => Some((name.to_string(), false)),
                _ => None,
            }
        })
        .collect()
}

/// The message under `---- name stdout ----`, after libtest's `panicked at file:line:col:` line.
fn parse_panic_messages(stdout: &str) -> BTreeMap<String, String> {
    let mut messages = BTreeMap::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        {
            if let Some((name, lines)) = current.take() {
                messages.insert(name, lines.join("\n"));
            }
            current = Some((name.to_string(), Vec::new()));
        } else if line == "failures:" || line.starts_with("test result:") {
            if let Some((name, lines)) = current.take() {
                messages.insert(name, lines.join("\n"));
            }
        } else if let Some((_, lines)) = current.as_mut() {
            let noise = line.starts_with("thread '") && line.contains("panicked at")
                || line.starts_with("note: run with `RUST_BACKTRACE")
                || line.trim().is_empty();
            if !noise {
                lines.push(line);
            }
        }
    }
    messages
}

/// The first compiler error, with its location and notes: enough to act on, not a wall.
fn first_errors(stderr: &str) -> String {
    let mut kept = Vec::new();
    let mut inside = false;
    for line in stderr.lines() {
        if line.starts_with("error: could not compile") {
            break;
        }
        if line.starts_with("error") {
            if inside {
                break; // one error at a time
            }
            inside = true;
        }
        if inside {
            kept.push(line);
        }
    }
    kept.join("\n")
}

/// Whether a stub is a Python exercise.
fn is_python(stub: &Path) -> bool {
    stub.extension().is_some_and(|extension| extension == "py")
}

fn is_unimplemented(message: &str) -> bool {
    message.contains("not yet implemented") || message.contains("not implemented")
}

/// `cargo xtask exercise ch02 1`: a verdict on one answer, in words.
pub fn check_one(chapter: &str, number: &str) -> Result<()> {
    let chapter = find_chapter(chapter)?;
    let exercises = chapter.exercises();
    let number: u32 = number
        .trim_start_matches("ex")
        .parse()
        .with_context(|| format!("`{number}` is not an exercise number; try 1"))?;
    let Some(stub) = exercises.get(&number) else {
        let known: Vec<String> = exercises.keys().map(u32::to_string).collect();
        bail!(
            "{} has no exercise {number}; it has {}",
            chapter.name,
            known.join(", ")
        );
    };
    let stub_name = stub
        .strip_prefix(crate::workspace_root())
        .unwrap_or(stub)
        .display()
        .to_string();
    println!(
        "Checking exercise {number} of {} ({stub_name})...",
        chapter.name
    );
    let run = if is_python(stub) {
        python::run(&chapter, stub, stub)?
    } else {
        run_tests(&chapter, "exercises", Some(&format!("ex{number}_")))?
    };
    let hint = hints::advice(&chapter.name, number);

    if !run.compiled && is_python(stub) {
        bail!(
            "your answer does not run yet: Python could not import it.\n\n{}\n{hint}",
            run.compiler_errors
        );
    }
    if !run.compiled {
        bail!(
            "your answer does not compile yet. The compiler's first complaint:\n\n{}\n{hint}",
            run.compiler_errors
        );
    }
    if let Some(hung) = &run.hung {
        bail!(
            "exercise {number}'s tests did not finish within {} s (`{hung}` was still running): \
             does your answer wait for something that never happens?{hint}",
            TIME_LIMIT.as_secs()
        );
    }
    if run.results.is_empty() {
        bail!("no checks of exercise {number} ran for {}", chapter.name);
    }
    let mut failed: Vec<(&String, &bool)> = run.results.iter().filter(|(_, ok)| !**ok).collect();
    // The first check a reader's answer fails is the one to read first.
    failed.sort_by_key(|(name, _)| run.order.iter().position(|ran| ran == *name));
    if failed.is_empty() {
        println!(
            "\u{2713} Exercise {number} passes: all {} checks hold. Compare with the reference in {}.",
            run.results.len(),
            stub_name.replace("/exercises/", "/solutions/")
        );
        return Ok(());
    }
    let stub_only = failed
        .iter()
        .all(|(name, _)| run.messages.get(*name).is_some_and(|m| is_unimplemented(m)));
    if stub_only {
        let placeholder = if is_python(stub) {
            "the `raise NotImplementedError`"
        } else {
            "the todo!()"
        };
        bail!("exercise {number} is still the stub: replace {placeholder} in {stub_name}.{hint}");
    }
    let mut report = format!("{} of {} checks fail:\n", failed.len(), run.results.len());
    for (name, _) in failed {
        let message = run
            .messages
            .get(name)
            .map(String::as_str)
            .unwrap_or("(no message)");
        report.push_str(&format!(
            "\n  \u{2717} {name}\n    {}\n",
            message.replace('\n', "\n    ")
        ));
    }
    bail!("{report}{hint}")
}

/// Both halves of every exercise: each reference solution passes every test, and each stub fails
/// at least one (a test that passes on the stub proves nothing about the answer).
pub fn verify_all() -> Result<()> {
    let mut problems = Vec::new();
    let chapters = chapters();
    let solutions = build_all(&chapters, "solutions")?;
    let stubs = build_all(&chapters, "exercises")?;
    let run =
        |chapter: &Chapter, feature: &str, built: &Option<BTreeMap<PathBuf, PathBuf>>| match built
            .as_ref()
            .and_then(|all| all.get(&chapter.manifest()))
        {
            Some(executable) => run_executable(chapter, executable, None),
            None => run_tests(chapter, feature, None),
        };
    for chapter in chapters {
        let exercises = chapter.exercises();
        let solved = run(&chapter, "solutions", &solutions)?;
        let stubbed = run(&chapter, "exercises", &stubs)?;
        if !solved.compiled {
            problems.push(format!(
                "{}: the solutions do not compile:\n{}",
                chapter.name, solved.compiler_errors
            ));
        }
        if !stubbed.compiled {
            problems.push(format!(
                "{}: the stubs do not compile:\n{}",
                chapter.name, stubbed.compiler_errors
            ));
        }
        for (run, which) in [(&solved, "solutions"), (&stubbed, "stubs")] {
            if let Some(hung) = &run.hung {
                problems.push(format!(
                    "{}: with the {which}, the exercise tests did not finish within {} s \
                     (`{hung}` was still running; the tests after it did not run)",
                    chapter.name,
                    TIME_LIMIT.as_secs()
                ));
            }
        }
        for (name, passed) in &solved.results {
            if !passed {
                let message = solved.messages.get(name).cloned().unwrap_or_default();
                problems.push(format!(
                    "{}: reference solution fails {name}: {message}",
                    chapter.name
                ));
            }
        }
        for (number, stub) in &exercises {
            if is_python(stub) {
                problems.extend(verify_python(&chapter, *number, stub)?);
                continue;
            }
            let prefix = format!("ex{number}_");
            let tests: Vec<(&String, &bool)> = stubbed
                .results
                .iter()
                .filter(|(name, _)| name.starts_with(&prefix))
                .collect();
            let solution_tests = solved
                .results
                .keys()
                .filter(|name| name.starts_with(&prefix))
                .count();
            let failing = tests.iter().filter(|(_, passed)| !**passed).count();
            if tests.is_empty() || solution_tests == 0 {
                if solved.timed_out() || stubbed.timed_out() {
                    continue; // reported above: the run was stopped before these tests
                }
                problems.push(format!(
                    "{}: exercise {number} has no tests named {prefix}*",
                    chapter.name
                ));
            } else if failing == 0 {
                problems.push(format!(
                    "{}: every test of exercise {number} passes on the stub",
                    chapter.name
                ));
            } else {
                println!(
                    "  {} exercise {number}: solution passes {solution_tests}/{solution_tests}, stub fails {failing}/{}",
                    chapter.name,
                    tests.len()
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("exercise checks failed:\n{}", problems.join("\n"))
    }
}

/// Both halves of one Python exercise; what is wrong with it, if anything.
fn verify_python(chapter: &Chapter, number: u32, stub: &Path) -> Result<Vec<String>> {
    let solution = chapter
        .dir
        .join("solutions")
        .join(stub.file_name().unwrap_or_default());
    let solved = python::run(chapter, stub, &solution)?;
    let stubbed = python::run(chapter, stub, stub)?;
    let name = &chapter.name;
    let mut problems = Vec::new();
    for (run, which) in [(&solved, "solution"), (&stubbed, "stub")] {
        if !run.compiled {
            problems.push(format!(
                "{name}: the Python exercise {number}'s {which} does not import:\n{}",
                run.compiler_errors
            ));
        }
        if let Some(hung) = &run.hung {
            problems.push(format!(
                "{name}: with the {which}, Python exercise {number}'s checks did not finish \
                 within {} s (`{hung}` was still running)",
                TIME_LIMIT.as_secs()
            ));
        }
    }
    for (test, passed) in &solved.results {
        if !passed {
            let message = solved.messages.get(test).cloned().unwrap_or_default();
            problems.push(format!(
                "{name}: reference solution fails {test}: {message}"
            ));
        }
    }
    let failing = stubbed.results.values().filter(|passed| !**passed).count();
    if solved.compiled && solved.results.is_empty() {
        problems.push(format!(
            "{name}: Python exercise {number}'s checker has no test_* functions"
        ));
    } else if stubbed.compiled && failing == 0 && stubbed.hung.is_none() {
        problems.push(format!(
            "{name}: every check of Python exercise {number} passes on the stub"
        ));
    } else if problems.is_empty() {
        println!(
            "  {name} exercise {number} (Python): solution passes {0}/{0}, stub fails {failing}/{1}",
            solved.results.len(),
            stubbed.results.len()
        );
    }
    Ok(problems)
}

//! Python exercises: a stub `exercises/exN_name.py`, its reference `solutions/exN_name.py`, and
//! a checker `tests/exercises_py/exN_name.py` whose `test_*(answer)` functions `check_python.py`
//! runs against one of them. The verdict comes back in the same [`Run`] a Rust exercise gives.

use super::{Chapter, Run, TIME_LIMIT, run_with_time_limit};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The runner, compiled into xtask so that a reader's checkout needs nothing else.
const RUNNER: &str = include_str!("check_python.py");

/// The checker of a Python exercise: `tests/exercises_py/` holds a file named like the stub.
pub fn checker_of(chapter: &Chapter, stub: &Path) -> PathBuf {
    let file = stub.file_name().unwrap_or_default();
    chapter.dir.join("tests").join("exercises_py").join(file)
}

/// Runs `checker` against `answer` (a stub or a solution), stopping it after [`TIME_LIMIT`].
pub fn run(chapter: &Chapter, stub: &Path, answer: &Path) -> Result<Run> {
    let checker = checker_of(chapter, stub);
    if !checker.is_file() {
        anyhow::bail!(
            "{}: the Python exercise {} has no checker at {}",
            chapter.name,
            stub.display(),
            checker.display()
        );
    }
    let programs = crate::workspace_root().join("src").join("programs");
    let mut command = Command::new("python3");
    command
        .arg("-c")
        .arg(RUNNER)
        .arg(&checker)
        .arg(answer)
        .arg(&programs)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(&chapter.dir);
    let (stdout, finished) = run_with_time_limit(&mut command, TIME_LIMIT).context(
        "could not run python3, which the Python exercises need \
         (on Debian: apt-get install python3)",
    )?;
    Ok(parse(&stdout, finished))
}

/// The runner's JSON lines, as a [`Run`]. An answer that cannot be imported counts as "does not
/// compile", with Python's traceback as the compiler's complaint.
fn parse(stdout: &str, finished: bool) -> Run {
    let mut results = BTreeMap::new();
    let mut order = Vec::new();
    let mut messages = BTreeMap::new();
    let mut started = None;
    let mut import_error = None;
    let mut done = false;
    let events = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok());
    for event in events {
        if event.get("done").is_some() {
            done = true;
        } else if let Some(error) = event["error"].as_str() {
            import_error = Some(error.trim_end().to_string());
        } else if let Some(name) = event["start"].as_str() {
            started = Some(name.to_string());
        } else if let Some(name) = event["test"].as_str() {
            let passed = event["passed"].as_bool().unwrap_or(false);
            results.insert(name.to_string(), passed);
            order.push(name.to_string());
            if !passed {
                let message = event["message"].as_str().unwrap_or("(no message)");
                messages.insert(name.to_string(), message.to_string());
            }
            started = None;
        }
    }
    // A checker that ended without its last line was ended by the test it was running (a
    // `CancelledError` the runner could not hold, `os._exit`, a crash): that test failed.
    if finished && !done && import_error.is_none() {
        let name = started
            .take()
            .unwrap_or_else(|| "(the checker, before its first test)".into());
        results.insert(name.clone(), false);
        order.push(name.clone());
        messages.insert(
            name,
            "the checker stopped in the middle of this check: something in the answer ended \
             the Python process"
                .into(),
        );
    }
    let hung = (!finished).then(|| started.unwrap_or_else(|| "(none had started)".into()));
    Run {
        compiled: import_error.is_none(),
        results,
        order,
        messages,
        compiler_errors: import_error.unwrap_or_default(),
        hung,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_that_never_finished_is_named() {
        let out = "{\"start\": \"test_a\"}\n{\"test\": \"test_a\", \"passed\": true, \
                   \"message\": \"\"}\n{\"start\": \"test_b\"}\n";
        let run = parse(out, false);
        assert_eq!(run.hung.as_deref(), Some("test_b"));
        assert_eq!(run.results.get("test_a"), Some(&true));
        assert_eq!(run.order, ["test_a"]);
    }

    #[test]
    fn an_answer_that_does_not_import_is_reported_as_not_compiling() {
        let run = parse("{\"error\": \"SyntaxError: invalid syntax\"}\n", true);
        assert!(!run.compiled);
        assert!(run.compiler_errors.contains("SyntaxError"));
    }

    #[test]
    fn a_checker_that_stops_without_its_last_line_fails_the_test_it_was_running() {
        let out = "{\"start\": \"test_a\"}\n{\"test\": \"test_a\", \"passed\": true, \
                   \"message\": \"\"}\n{\"start\": \"test_b\"}\n";
        let run = parse(out, true);
        assert_eq!(run.results.get("test_b"), Some(&false));
        assert!(run.messages["test_b"].contains("stopped in the middle"));
        assert!(run.hung.is_none());
    }

    #[test]
    fn a_complete_run_ends_with_its_done_line() {
        let out = "{\"start\": \"test_a\"}\n{\"test\": \"test_a\", \"passed\": true, \
                   \"message\": \"\"}\n{\"done\": 1}\n";
        let run = parse(out, true);
        assert_eq!(run.results.len(), 1);
        assert_eq!(run.results.get("test_a"), Some(&true));
    }

    #[test]
    fn a_result_that_does_not_say_passed_is_a_failure() {
        let out = "{\"start\": \"test_a\"}\n{\"test\": \"test_a\"}\n{\"done\": 1}\n";
        assert_eq!(parse(out, true).results.get("test_a"), Some(&false));
    }

    #[test]
    fn a_run_stopped_between_tests_names_none() {
        let out = "{\"start\": \"test_a\"}\n{\"test\": \"test_a\", \"passed\": true, \
                   \"message\": \"\"}\n";
        assert_eq!(
            parse(out, false).hung.as_deref(),
            Some("(none had started)")
        );
    }

    /// The runner itself, on an answer that raises `CancelledError` (a `BaseException`): the
    /// check fails, and the run still reaches its last line.
    #[test]
    fn the_runner_fails_a_check_whose_answer_raises_cancelled_error() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let answer = dir.path().join("answer.py");
        let checker = dir.path().join("checker.py");
        std::fs::write(
            &answer,
            "import asyncio\ndef f():\n    raise asyncio.CancelledError()\n",
        )
        .expect("write the answer");
        std::fs::write(&checker, "def test_f(answer):\n    answer.f()\n").expect("write");
        let out = Command::new("python3")
            .arg("-c")
            .arg(RUNNER)
            .args([&checker, &answer, dir.path()])
            .output()
            .expect("python3 runs");
        let run = parse(&String::from_utf8_lossy(&out.stdout), true);
        assert_eq!(run.results.get("test_f"), Some(&false));
        assert!(
            run.messages["test_f"].contains("CancelledError"),
            "{:?}",
            run.messages
        );
    }

    #[test]
    fn a_failure_keeps_its_message() {
        let out = "{\"start\": \"test_a\"}\n{\"test\": \"test_a\", \"passed\": false, \
                   \"message\": \"not implemented: exercise 4\"}\n";
        let run = parse(out, true);
        assert_eq!(run.results.get("test_a"), Some(&false));
        assert_eq!(run.messages["test_a"], "not implemented: exercise 4");
    }
}

//! The book lints: each rule must find nothing in the real book, and must catch every fixture
//! made to break it (`tests/fixtures/<rule>--<case>/`, laid over the valid `tests/fixtures/good/`).

use book_tests::lint::{self, Book, RULES, Rule};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};

fn main() {
    let arguments = Arguments::from_args();
    let mut trials: Vec<Trial> = RULES
        .iter()
        .map(|rule| Trial::test(format!("book: {}", rule.demands), move || book_obeys(rule)))
        .collect();
    trials.push(Trial::test(
        "fixture: the good fixture obeys every rule",
        good_fixture_is_clean,
    ));
    trials.push(Trial::test(
        "fixture: every rule has a fixture",
        every_rule_has_a_fixture,
    ));
    for (rule, case) in broken_fixtures() {
        let name = format!("fixture: {}--{case} breaks `{}`", rule.key, rule.demands);
        trials.push(Trial::test(name, move || rule_catches(rule, &case)));
    }
    libtest_mimic::run(&arguments, trials).exit();
}

fn book_obeys(rule: &Rule) -> Result<(), Failed> {
    let violations = (rule.check)(&Book::at(book_tests::workspace_root()));
    report(&violations)
}

fn report(violations: &[lint::Violation]) -> Result<(), Failed> {
    if violations.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = violations.iter().map(ToString::to_string).collect();
    Err(lines.join("\n").into())
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `(rule, case)` for every `<rule>--<case>` fixture directory.
fn broken_fixtures() -> Vec<(&'static Rule, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures exists")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((key, case)) = name.split_once("--") else {
            continue;
        };
        let rule = RULES
            .iter()
            .find(|rule| rule.key == key)
            .unwrap_or_else(|| panic!("fixture {name}: no rule has the key `{key}`"));
        found.push((rule, case.to_string()));
    }
    found.sort_by(|a, b| (a.0.key, &a.1).cmp(&(b.0.key, &b.1)));
    found
}

fn good_fixture_is_clean() -> Result<(), Failed> {
    report(&lint::check_all(&Book::at(fixtures_dir().join("good"))))
}

fn every_rule_has_a_fixture() -> Result<(), Failed> {
    let fixtures = broken_fixtures();
    let missing: Vec<&str> = RULES
        .iter()
        .filter(|rule| !fixtures.iter().any(|(r, _)| r.key == rule.key))
        .map(|rule| rule.key)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("rules without a fixture proving they catch something: {missing:?}").into())
    }
}

fn rule_catches(rule: &Rule, case: &str) -> Result<(), Failed> {
    let book_root = overlay(&format!("{}--{case}", rule.key))?;
    let violations = (rule.check)(&Book::at(&book_root));
    let _ = std::fs::remove_dir_all(&book_root);
    if violations.is_empty() {
        return Err(format!(
            "rule `{}` found nothing in fixture {}--{case}",
            rule.demands, rule.key
        )
        .into());
    }
    Ok(())
}

/// A copy of the good fixture with the broken fixture's files laid over it.
fn overlay(fixture: &str) -> Result<PathBuf, Failed> {
    let target = std::env::temp_dir().join(format!("book-lint-{}-{fixture}", std::process::id()));
    let _ = std::fs::remove_dir_all(&target);
    copy_tree(&fixtures_dir().join("good"), &target)?;
    copy_tree(&fixtures_dir().join(fixture), &target)?;
    Ok(target)
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), Failed> {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let relative = entry.path().strip_prefix(from).expect("under from");
        let destination = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&destination)?;
        } else {
            std::fs::copy(entry.path(), &destination)?;
        }
    }
    Ok(())
}

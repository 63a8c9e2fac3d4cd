//! The rules for practice: exercises (a tier, two hints, the solution within reach) and
//! predict-the-output questions (answered by a real runtime, folded until the reader commits).

use super::{Book, Page, Violation, chapter_number};
use crate::markdown;
use regex::Regex;
use std::sync::LazyLock;

/// Chapters 1 to 7 build the loop; each has at least one Python exercise and at least
/// [`QUESTIONS_PER_CHAPTER`] questions. Chapters 8 to 10 practise in their own ways
/// (JavaScript, processes, predict-the-order exercises) and are held to the common rules only.
const PRACTICE_UP_TO: u32 = 7;

/// The fewest predict-the-output questions a chapter up to [`PRACTICE_UP_TO`] may have.
const QUESTIONS_PER_CHAPTER: usize = 2;

const TIERS: [&str; 3] = ["warm-up", "core", "stretch"];

static EXERCISE_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^### Exercise (\d+)\b(.*)$").expect("valid regex"));

static PYTHON_STUB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{#include [^}]*/exercises/ex\d+_\w+\.py\}\}").expect("valid regex")
});

/// One `### Exercise N ...` section: its number, the rest of its heading, its text and line.
struct Exercise<'a> {
    number: u32,
    heading: &'a str,
    body: &'a str,
    line: usize,
}

fn exercises(page: &Page) -> Vec<Exercise<'_>> {
    let text = page.text.as_str();
    let starts: Vec<_> = EXERCISE_HEADING.captures_iter(text).collect();
    starts
        .iter()
        .map(|cap| {
            let whole = cap.get(0).expect("a match");
            let rest = &text[whole.end()..];
            let end = rest
                .find("\n### ")
                .or_else(|| rest.find("\n## "))
                .unwrap_or(rest.len());
            Exercise {
                number: cap[1].parse().unwrap_or(0),
                heading: cap.get(2).map_or("", |m| m.as_str()),
                body: &rest[..end],
                line: markdown::line_of(text, whole.start()),
            }
        })
        .collect()
}

/// `ch04-timers.md` -> 4.
fn number_of(page: &Page) -> Option<u32> {
    chapter_number(&page.name)?
        .strip_prefix("ch")?
        .get(..2)?
        .parse()
        .ok()
}

/// Every exercise says its tier, gives exactly two hints, says how to check it and where its
/// solution is; chapters up to [`PRACTICE_UP_TO`] have a Python exercise among them.
pub fn exercises_are_tiered(book: &Book) -> Vec<Violation> {
    let mut found = Vec::new();
    for page in book.chapters() {
        let Some(chapter) = number_of(&page) else {
            continue;
        };
        let all = exercises(&page);
        for exercise in &all {
            let n = exercise.number;
            let location = book.location(&page, exercise.line);
            let mut complain = |message: String| {
                found.push(Violation {
                    location: location.clone(),
                    message,
                })
            };
            let tier = exercise
                .heading
                .trim()
                .strip_prefix('(')
                .and_then(|rest| rest.split_once(')'))
                .map(|(tier, _)| tier);
            if !tier.is_some_and(|tier| TIERS.contains(&tier)) {
                complain(format!(
                    "exercise {n} has no tier: write `### Exercise {n} (warm-up): ...` \
                     (or core, or stretch)"
                ));
            }
            for hint in ["Hint 1", "Hint 2"] {
                let count = exercise
                    .body
                    .matches(&format!("<summary>{hint}</summary>"))
                    .count();
                if count != 1 {
                    complain(format!(
                        "exercise {n} has {count} `<summary>{hint}</summary>` blocks; it needs \
                         exactly one (a nudge, then the design)"
                    ));
                }
            }
            if exercise.body.contains("<summary>Hint 3</summary>") {
                complain(format!("exercise {n} has a third hint; two are the rule"));
            }
            let command = format!("cargo xtask exercise ch{chapter:02} {n}");
            if !exercise.body.contains(&command) {
                complain(format!(
                    "exercise {n} does not say how to check it: `{command}`"
                ));
            }
            if !exercise.body.contains("solutions/") {
                complain(format!(
                    "exercise {n} does not lead to its reference solution (include or link \
                     the file under solutions/)"
                ));
            }
        }
        let python = all
            .iter()
            .any(|exercise| PYTHON_STUB.is_match(exercise.body));
        if chapter <= PRACTICE_UP_TO && !python {
            found.push(Violation {
                location: format!("src/{}", page.name),
                message: "has no Python exercise (a stub included from exercises/exN_*.py)".into(),
            });
        }
    }
    found
}

/// Every `<div class="quiz">` holds one program that the oracle runner runs and, inside a
/// `<details>`, its printed output of two lines or more (the lines the reader puts in order);
/// chapters up to [`PRACTICE_UP_TO`] have at least [`QUESTIONS_PER_CHAPTER`].
pub fn questions_are_answered_by_a_runtime(book: &Book) -> Vec<Violation> {
    const OPEN: &str = "<div class=\"quiz\">";
    let mut found = Vec::new();
    for page in book.pages() {
        let text = page.text.as_str();
        let mut count = 0;
        for (start, _) in text.match_indices(OPEN) {
            count += 1;
            let location = book.location(&page, markdown::line_of(text, start));
            let quiz = &text[start..];
            let quiz = &quiz[..quiz.find("</div>").unwrap_or(quiz.len())];
            if let Err(message) = check_question(quiz) {
                found.push(Violation { location, message });
            }
        }
        let chapter = number_of(&page);
        if chapter.is_some_and(|n| n <= PRACTICE_UP_TO) && count < QUESTIONS_PER_CHAPTER {
            found.push(Violation {
                location: format!("src/{}", page.name),
                message: format!(
                    "has {count} predict-the-output question(s); a chapter up to \
                     {PRACTICE_UP_TO} needs {QUESTIONS_PER_CHAPTER} (<div class=\"quiz\">)"
                ),
            });
        }
    }
    found
}

fn check_question(quiz: &str) -> Result<(), String> {
    let blocks = markdown::code_blocks(quiz);
    let programs: Vec<usize> = (0..blocks.len())
        .filter(|&i| blocks[i].is_oracle())
        .collect();
    let [program] = programs[..] else {
        return Err(format!(
            "a quiz needs exactly one program the book's tests run (```python or ```js), \
             found {}",
            programs.len()
        ));
    };
    let Some(output) = blocks.get(program + 1).filter(|block| block.is_output()) else {
        return Err("the quiz's program has no ```text,output block after it".into());
    };
    let between = &quiz[blocks[program].span.end..output.span.start];
    if !between.contains("<details>") {
        return Err(
            "the quiz's answer is not folded: put its ```text,output block inside <details>".into(),
        );
    }
    let lines = output.code.lines().count();
    let included = output.code.contains("{{#include");
    if lines < 2 && !included {
        return Err(
            "the quiz's answer has one line: there is no order to predict (print two or more)"
                .into(),
        );
    }
    Ok(())
}

//! An exercise's hints live in the book, under the exercise's heading, as `<details>` blocks
//! whose summaries are `Hint 1` and `Hint 2`: written once, read by the reader on the page and
//! printed by `cargo xtask exercise` when an answer fails.

use std::path::PathBuf;

/// The book page of a chapter crate: `ch03-ready-queue` -> `src/ch03-ready-queue.md`.
pub fn page_of(chapter: &str) -> PathBuf {
    crate::workspace_root()
        .join("src")
        .join(format!("{chapter}.md"))
}

/// The hints of exercise `number` in the page's Markdown, in order, as plain text.
pub fn hints_in(markdown: &str, number: u32) -> Vec<String> {
    let heading = format!("### Exercise {number} ");
    let Some(start) = markdown.find(&heading) else {
        return Vec::new();
    };
    let section = &markdown[start + heading.len()..];
    let end = section
        .find("\n### ")
        .or_else(|| section.find("\n## "))
        .unwrap_or(section.len());
    let section = &section[..end];
    let mut hints = Vec::new();
    for n in 1.. {
        let summary = format!("<summary>Hint {n}</summary>");
        let Some(at) = section.find(&summary) else {
            break;
        };
        let body = &section[at + summary.len()..];
        let body = &body[..body.find("</details>").unwrap_or(body.len())];
        hints.push(plain(body));
    }
    hints
}

/// Markdown as one line of plain text: `[text](url)` keeps its text, whitespace collapses.
fn plain(markdown: &str) -> String {
    let mut text = String::new();
    let mut rest = markdown;
    while let Some(open) = rest.find('[') {
        // A link is `[text](url)`: the first `]` after `[` must be followed by `(`.
        let link = rest[open..].find(']').and_then(|mid| {
            let mid = open + mid;
            rest[mid + 1..].starts_with('(').then_some(())?;
            let close = rest[mid..].find(')')?;
            Some((mid, mid + close))
        });
        match link {
            Some((mid, close)) => {
                text.push_str(&rest[..open]);
                text.push_str(&rest[open + 1..mid]);
                rest = &rest[close + 1..];
            }
            None => {
                text.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    text.push_str(rest);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a failed check prints after its verdict: the first hint, and where the rest are.
pub fn advice(chapter: &str, number: u32) -> String {
    let markdown = std::fs::read_to_string(page_of(chapter)).unwrap_or_default();
    advice_from(&markdown, chapter, number)
}

/// [`advice`], given the chapter page's Markdown.
fn advice_from(markdown: &str, chapter: &str, number: u32) -> String {
    let hints = hints_in(markdown, number);
    let Some(first) = hints.first() else {
        return String::new();
    };
    let mut advice = format!("\nHint 1: {first}");
    if hints.len() > 1 {
        advice.push_str(&format!(
            "\nHint 2 and the reference solution are in the book: src/{chapter}.md, \
             \"Exercise {number}\"."
        ));
    }
    advice
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "\
## Exercises

### Exercise 1 (warm-up): one

<details>
<summary>Hint 1</summary>

Think about [the snapshot](ch03.md#snapshot), then
the queue.

</details>

<details>
<summary>Hint 2</summary>

Recurse.

</details>

### Exercise 2 (core): two

<details>
<summary>Hint 1</summary>

Other.

</details>

### Exercise 3 (stretch): three

<details>
<summary>Hint 1</summary>

Third.

</details>

<details>
<summary>Hint 2</summary>

Third, again.

</details>
";

    #[test]
    fn hints_are_read_in_order_from_the_exercises_own_section() {
        assert_eq!(
            hints_in(PAGE, 1),
            ["Think about the snapshot, then the queue.", "Recurse."]
        );
        // Exercise 2's section ends where exercise 3's begins: its one hint, not three.
        assert_eq!(hints_in(PAGE, 2), ["Other."]);
        assert!(hints_in(PAGE, 4).is_empty());
    }

    #[test]
    fn advice_gives_the_first_hint_and_says_where_the_second_is() {
        let advice = advice_from(PAGE, "ch03-ready-queue", 1);
        assert!(
            advice.starts_with("\nHint 1: Think about the snapshot"),
            "{advice}"
        );
        assert!(advice.contains("Hint 2 and the reference solution are in the book"));
        assert!(advice.contains("src/ch03-ready-queue.md, \"Exercise 1\""));
    }

    #[test]
    fn advice_for_a_single_hint_or_no_hint() {
        let single = advice_from(PAGE, "ch03-ready-queue", 2);
        assert_eq!(single, "\nHint 1: Other.");
        assert_eq!(advice_from(PAGE, "ch03-ready-queue", 4), "");
    }

    #[test]
    fn a_bracket_that_is_not_a_link_is_kept() {
        assert_eq!(plain("v[0] and [x](y)"), "v[0] and x");
    }
}

//! The book's one drawing of a loop iteration, kept as data so that it is generated,
//! never drawn by hand, and so that a test can hold it against a real iteration.
//!
//! Each chapter that changes `run_once` (3, 4, 5 and 7) lists its iteration's steps
//! in order, each marked with the chapter that added or changed it. [`mermaid`]
//! draws the list top to bottom, with that chapter's steps highlighted.
//! [`steps_taken`] reads a traced iteration back as step ids, so a chapter's test can
//! assert that `run_once` really takes the drawn steps in the drawn order.

use crate::trace::Event;

/// One step of an iteration, as the drawing shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// A short name, also the drawing's node id: `snapshot`.
    pub id: &'static str,
    /// What the step does, as the drawing labels it.
    pub does: &'static str,
    /// The structure the step works on, drawn beside it, if any.
    pub uses: Option<Structure>,
    /// The chapter that added the step, or last changed what it does.
    pub chapter: u8,
}

/// A structure of the loop's state that steps work on: the ready queue, the timer
/// heap, the selector, the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Structure {
    /// Its name in the drawing.
    pub name: &'static str,
    /// The chapter that adds it to the loop.
    pub chapter: u8,
}

/// The queue of callbacks and task steps to run: asyncio's `_ready`.
pub const READY_QUEUE: Structure = Structure {
    name: "ready queue",
    chapter: 3,
};

/// This chapter's iteration: two steps, around the ready queue.
pub const ITERATION: [Step; 2] = [SNAPSHOT, RUN];

/// Counts what is ready *now*; the loop runs that many entries and no more.
pub const SNAPSHOT: Step = Step {
    id: "snapshot",
    does: "take the snapshot: n = entries ready now",
    uses: Some(READY_QUEUE),
    chapter: 3,
};

/// Runs the snapshot; what it queues waits for the next iteration.
pub const RUN: Step = Step {
    id: "run",
    does: "run those n: callbacks and task steps; what they queue waits",
    uses: None,
    chapter: 3,
};

/// The step a chapter-3 event belongs to: the iteration's start is the snapshot, a
/// callback or a task's poll is the run. Other events (a callback queued, a task
/// woken) happen *inside* a step and mark none.
pub fn step_of(event: &Event) -> Option<&'static str> {
    match event {
        Event::Iteration { .. } => Some(SNAPSHOT.id),
        Event::Callback { .. } | Event::Poll { .. } => Some(RUN.id),
        _ => None,
    }
}

/// The steps a trace shows, in order, each once per stretch: the ids a drawing of
/// the same iteration must list. `step_of` is the chapter's mapping of its events.
pub fn steps_taken<E>(
    events: &[E],
    step_of: impl Fn(&E) -> Option<&'static str>,
) -> Vec<&'static str> {
    let mut steps: Vec<&'static str> = Vec::new();
    for step in events.iter().filter_map(step_of) {
        if steps.last() != Some(&step) {
            steps.push(step);
        }
    }
    steps
}

/// The ids of `steps`, in order: what [`steps_taken`] must return for one iteration.
pub fn ids(steps: &[Step]) -> Vec<&'static str> {
    steps.iter().map(|step| step.id).collect()
}

/// Draws one iteration as a mermaid flowchart: the steps top to bottom, each beside
/// the structure it works on, then a way back to the top; what `chapter` added is
/// highlighted.
///
/// Each step with a structure is a borderless subgraph laid out left to right, so
/// the structure sits on the step's row. Mermaid keeps a subgraph's direction only
/// while no edge reaches inside it, so each structure belongs to one step, and the
/// way back is a node, not an edge into the first row.
pub fn mermaid(steps: &[Step], chapter: u8) -> String {
    // Tighter than mermaid's default spacing: the drawing is tall already.
    let mut lines = vec![
        "%%{init: {\"flowchart\": {\"rankSpacing\": 25, \"nodeSpacing\": 30}}}%%"
            .into(),
        "flowchart TD".to_string(),
    ];
    let mut new = Vec::new();
    let mut rows = Vec::new();
    let mut drawn: Vec<Structure> = Vec::new();
    // Numbered as `run_once`'s comments number them. Circled digits, because
    // mermaid would read "1. wait" as a Markdown list and drop the number.
    for (number, step) in steps.iter().enumerate() {
        let circled = char::from_u32(0x2460 + number as u32).unwrap_or('•');
        let node = format!("{}[\"{circled} {}\"]", step.id, step.does);
        if step.chapter == chapter {
            new.push(step.id.to_string());
        }
        let Some(structure) = step.uses else {
            lines.push(format!("    {node}"));
            rows.push(step.id.to_string());
            continue;
        };
        assert!(
            !drawn.contains(&structure),
            "the {} is drawn beside one step only",
            structure.name
        );
        drawn.push(structure);
        let id = node_id(structure.name);
        if structure.chapter == chapter {
            new.push(id.clone());
        }
        let row = format!("row_{}", step.id);
        lines.push(format!("    subgraph {row}[\" \"]"));
        lines.push("        direction LR".into());
        lines.push(format!("        {node} -.- {id}[(\"{}\")]", structure.name));
        lines.push("    end".into());
        // `style`, not `class`: mermaid applies only styles to subgraphs.
        lines.push(format!("    style {row} fill:none,stroke:none"));
        rows.push(row);
    }
    rows.push("next([\"next iteration: back to the top\"])".into());
    lines.push(format!("    {}", rows.join(" --> ")));
    // Dark text on a light fill reads in the book's dark themes too.
    lines.push(
        "    classDef new fill:#fde68a,stroke:#b45309,stroke-width:3px,color:#111"
            .into(),
    );
    if !new.is_empty() {
        lines.push(format!("    class {} new", new.join(",")));
    }
    lines.join("\n") + "\n"
}

/// A mermaid node id for a structure's name: `ready queue` -> `ready_queue`.
fn node_id(name: &str) -> String {
    let words = name.split(|c: char| !c.is_ascii_alphanumeric());
    words
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stretch_of_one_step_counts_once() {
        let events = ["a", "a", "x", "b", "b", "a"];
        let step_of =
            |e: &&str| (*e != "x").then_some(if *e == "a" { "A" } else { "B" });
        assert_eq!(steps_taken(&events, step_of), ["A", "B", "A"]);
    }

    #[test]
    fn the_chapters_own_steps_and_new_structures_are_highlighted() {
        let drawing = mermaid(&ITERATION, 3);
        assert!(drawing.contains("class snapshot,ready_queue,run new"));
        assert!(drawing.contains("row_snapshot --> run --> next"));
        assert!(!mermaid(&ITERATION, 4).contains(" new\n"));
    }
}

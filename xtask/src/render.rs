//! The rendered-book check in headless Chromium.
//!
//! mdBook only proves the Markdown converts; it cannot see what a reader sees.
//! This opens every page of the built book in a real browser and fails if a
//! mermaid diagram did not render, a script threw or logged an error, an
//! internal link or `#anchor` leads nowhere, or a code block is wider than its
//! box, so the reader would have to scroll it sideways.

mod browser;
mod server;

use crate::book;
use anyhow::{Context, Result, bail};
use browser::{Chromium, DiagramFailure, Link, PageVisit};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// Pages mdBook writes that are not chapters: the not-found page (whose links
/// are absolute to the deployed `site-url`) and the sidebar for readers without JavaScript.
const SKIPPED_PAGES: [&str; 2] = ["404.html", "toc.html"];

/// Where the screenshot for a human to look at goes, under the book root.
const SCREENSHOT_DIR: &str = "target/render-check";

/// Builds the book, opens every page in headless Chromium and checks it.
pub fn check() -> Result<()> {
    let book_dir = book::build()?;
    let screenshot_dir = book::book_root().join(SCREENSHOT_DIR);
    let visits = visit_every_page(&book_dir, &screenshot_dir)?;
    let problems = find_problems(&book_dir, &visits);
    print_summary(&visits);
    if !problems.is_empty() {
        bail!(
            "the rendered book has {} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
    println!("render check passed");
    Ok(())
}

/// Every page to open, as paths relative to the book directory (`ch01.html`), sorted.
fn pages(book_dir: &Path) -> Result<Vec<String>> {
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(book_dir) {
        let entry = entry.with_context(|| format!("could not list {}", book_dir.display()))?;
        let relative = entry
            .path()
            .strip_prefix(book_dir)
            .expect("walkdir stays inside");
        let relative = relative.to_string_lossy().replace('\\', "/");
        if relative.ends_with(".html") && !SKIPPED_PAGES.contains(&relative.as_str()) {
            pages.push(relative);
        }
    }
    pages.sort();
    if index_is_a_copy(book_dir, &pages) {
        pages.retain(|page| page != "index.html");
    }
    Ok(pages)
}

/// Whether index.html is a byte-for-byte copy of another page: mdBook writes
/// the first chapter twice, and opening both would report its problems twice.
fn index_is_a_copy(book_dir: &Path, pages: &[String]) -> bool {
    let read = |page: &str| std::fs::read(book_dir.join(page)).ok();
    let Some(index) = read("index.html") else {
        return false;
    };
    pages
        .iter()
        .any(|page| page != "index.html" && read(page).as_ref() == Some(&index))
}

/// Opens each page over HTTP and records what the browser saw, keyed by page.
fn visit_every_page(book_dir: &Path, screenshot_dir: &Path) -> Result<BTreeMap<String, PageVisit>> {
    let server = server::StaticServer::start(book_dir)?;
    let chromium = Chromium::launch()?;
    let mut visits = BTreeMap::new();
    let mut screenshot: Option<PathBuf> = None;
    for page in pages(book_dir)? {
        let visit = chromium.visit(&format!("{}/{page}", server.origin))?;
        // One chapter with a diagram is the most telling picture for a human.
        if screenshot.is_none() && visit.probe.diagrams > 0 && page != "print.html" {
            screenshot = Some(save_screenshot(&chromium, screenshot_dir, &page)?);
        }
        visits.insert(page, visit);
    }
    if let Some(file) = screenshot {
        println!("screenshot of a chapter: {}", file.display());
    }
    Ok(visits)
}

fn save_screenshot(chromium: &Chromium, dir: &Path, page: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let file = dir.join(page.replace('/', "_").replace(".html", ".png"));
    chromium.screenshot(&file)?;
    Ok(file)
}

/// Every problem on every page, one line each, naming the page.
fn find_problems(book_dir: &Path, visits: &BTreeMap<String, PageVisit>) -> Vec<String> {
    let mut problems = Vec::new();
    for (page, visit) in visits {
        for failure in &visit.probe.failures {
            let diagram = describe_diagram(&book_dir.join(page), failure);
            problems.push(format!(
                "{page}: diagram not rendered ({}): {diagram}",
                failure.why
            ));
        }
        // print.html repeats every chapter; each block is reported on its chapter's page.
        if page != "print.html" {
            problems.extend(wide_blocks(page, &visit.probe));
        }
        for problem in &visit.probe.quiz_problems {
            problems.push(format!("{page}: {problem}"));
        }
        for error in &visit.page_errors {
            problems.push(format!("{page}: page error: {error}"));
        }
        let broken = visit
            .probe
            .links
            .iter()
            .filter_map(|link| broken_link(book_dir, visits, link));
        // The sidebar repeats the same links on every page; report each once per page.
        let broken: BTreeSet<String> = broken.collect();
        problems.extend(broken.into_iter().map(|why| format!("{page}: {why}")));
    }
    problems
}

/// Code blocks and tables wider than their box: the reader would scroll them sideways.
fn wide_blocks(page: &str, probe: &browser::Probe) -> Vec<String> {
    let code = probe.wide_code.iter().map(|wide| {
        format!(
            "{page}: code block scrolls sideways: a line of {} characters in a box of {}: `{}`",
            wide.chars, wide.fits, wide.widest
        )
    });
    let tables = probe.wide_tables.iter().map(|wide| {
        format!(
            "{page}: table scrolls sideways: {} px wide in a box of {} px, first cell `{}`",
            wide.width, wide.fits, wide.first_cell
        )
    });
    code.chain(tables).collect()
}

/// Names a failed diagram by its first lines, so a writer can find it.
fn describe_diagram(page_file: &Path, failure: &DiagramFailure) -> String {
    let source = failure
        .source
        .clone()
        .or_else(|| mermaid_source(page_file, failure.index))
        .unwrap_or_default();
    first_line(&source)
}

/// The source of the page's `index`-th mermaid block, read from the HTML
/// mdBook wrote (in the browser, mermaid has replaced it with a picture).
fn mermaid_source(page_file: &Path, index: i64) -> Option<String> {
    const OPEN: &str = "<pre class=\"mermaid\">";
    let html = std::fs::read_to_string(page_file).ok()?;
    let block = html.split(OPEN).nth(usize::try_from(index).ok()? + 1)?;
    let source = block.split("</pre>").next()?;
    Some(
        source
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
}

/// The first non-blank line of a diagram, enough for a writer to find it.
fn first_line(source: &str) -> String {
    let lines: Vec<&str> = source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        [] => "(empty diagram)".to_string(),
        [only] => format!("`{only}`"),
        [first, second, ..] => format!("`{first} / {second} ...`"),
    }
}

/// Why a link is broken, or `None` if it leads to an existing page and anchor.
fn broken_link(
    book_dir: &Path,
    visits: &BTreeMap<String, PageVisit>,
    link: &Link,
) -> Option<String> {
    let Some(path) = &link.path else {
        return Some(format!("broken link `{}`: not a valid URL", link.raw));
    };
    let mut target = path.trim_start_matches('/').to_string();
    if target.is_empty() || target.ends_with('/') {
        target.push_str("index.html");
    }
    let file = book_dir.join(&target);
    if !file.is_file() {
        return Some(format!(
            "broken link `{}`: there is no page {target}",
            link.raw
        ));
    }
    if link.fragment.is_empty() || !target.ends_with(".html") {
        return None;
    }
    if has_anchor(&file, visits.get(&target), &link.fragment) {
        None
    } else {
        Some(format!(
            "broken anchor `{}`: {target} has no id \"{}\"",
            link.raw, link.fragment
        ))
    }
}

/// Whether a page has the anchor: from the browser's view of it after its
/// scripts ran, or, for a page not opened (404.html), from its HTML source.
fn has_anchor(file: &Path, visit: Option<&PageVisit>, fragment: &str) -> bool {
    match visit {
        Some(visit) => visit.probe.anchors.iter().any(|anchor| anchor == fragment),
        None => std::fs::read_to_string(file).is_ok_and(|html| {
            html.contains(&format!("id=\"{fragment}\""))
                || html.contains(&format!("name=\"{fragment}\""))
        }),
    }
}

fn print_summary(visits: &BTreeMap<String, PageVisit>) {
    let diagrams: usize = visits.values().map(|v| v.probe.diagrams).sum();
    let failed: usize = visits.values().map(|v| v.probe.failures.len()).sum();
    let links: usize = visits.values().map(|v| v.probe.links.len()).sum();
    let distinct: HashSet<(&Option<String>, &String)> = visits
        .values()
        .flat_map(|v| v.probe.links.iter().map(|l| (&l.path, &l.fragment)))
        .collect();
    let quizzes: usize = visits
        .iter()
        .filter(|(page, _)| page.as_str() != "print.html")
        .map(|(_, v)| v.probe.quizzes)
        .sum();
    println!(
        "render check: {} pages opened, {} of {diagrams} diagrams rendered, {links} internal links checked ({} distinct), {quizzes} quizzes driven",
        visits.len(),
        diagrams - failed,
        distinct.len()
    );
}

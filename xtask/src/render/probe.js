// Runs inside each page of the book after it loaded: waits for mermaid to
// render, then reports what the Rust side checks. Returns a JSON string.
(async () => {
  // Give mermaid this long to render every diagram on the page.
  const deadline = Date.now() + 15000;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // `pre.mermaid` is what mdbook-mermaid emits; a `code.language-mermaid`
  // means the preprocessor never ran, so that diagram can never render.
  const diagrams = () =>
    Array.from(document.querySelectorAll("pre.mermaid, code.language-mermaid"));
  const hasSvg = (el) => el.querySelector("svg") !== null;
  // Mermaid turns a syntax error into an SVG too: a bomb icon and "Syntax error".
  const isErrorSvg = (el) =>
    el.querySelector('svg[aria-roledescription="error"], .error-icon') !== null;
  const settled = (el) =>
    hasSvg(el) || el.getAttribute("data-processed") === "true";

  while (Date.now() < deadline && !diagrams().every(settled)) {
    await sleep(100);
  }
  // Let late errors (from promises mermaid rejected) reach the console.
  await sleep(200);

  // A diagram that rendered no longer holds its source; the Rust side then
  // looks it up by its position among the page's `pre.mermaid` blocks.
  const preBlocks = Array.from(document.querySelectorAll("pre.mermaid"));
  const failures = diagrams()
    .filter((el) => !hasSvg(el) || isErrorSvg(el))
    .map((el) => ({
      why: hasSvg(el) ? "mermaid drew a syntax-error diagram" : "no <svg> after 15 s",
      index: preBlocks.indexOf(el),
      source: hasSvg(el) ? null : el.textContent,
    }));

  const anchors = Array.from(document.querySelectorAll("[id]"), (el) => el.id).concat(
    Array.from(document.querySelectorAll("a[name]"), (el) => el.getAttribute("name")),
  );

  const links = [];
  for (const a of document.querySelectorAll("a[href]")) {
    const raw = a.getAttribute("href");
    let url;
    try {
      url = new URL(a.href);
    } catch {
      links.push({ raw, path: null, fragment: "" });
      continue;
    }
    // External sites (the edit link, the repository) are not ours to check.
    if (url.origin !== location.origin) continue;
    let fragment = url.hash.slice(1);
    try {
      fragment = decodeURIComponent(fragment);
    } catch {}
    links.push({ raw, path: decodeURIComponent(url.pathname), fragment });
  }

  // Code blocks wider than their box make the reader scroll sideways. Lines
  // mdBook hides (`# ` lines of Rust snippets) take no width while hidden.
  const charWidth = (() => {
    const probe = document.createElement("code");
    probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre";
    probe.textContent = "0".repeat(100);
    document.body.appendChild(probe);
    const width = probe.getBoundingClientRect().width / 100;
    probe.remove();
    return width;
  })();
  const textWidth = (el) => {
    const style = getComputedStyle(el);
    return el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  };
  const wideCode = Array.from(document.querySelectorAll("pre > code"))
    .filter((code) => code.scrollWidth > code.clientWidth + 1)
    .map((code) => {
      const lines = code.innerText.split("\n");
      const widest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
      return {
        widest: widest.trim().slice(0, 60),
        chars: widest.length,
        fits: Math.floor(textWidth(code) / charWidth),
      };
    });

  // Tables too: mdBook wraps each in a div that scrolls when the table is wider.
  const wideTables = Array.from(document.querySelectorAll(".table-wrapper"))
    .filter((wrapper) => wrapper.scrollWidth > wrapper.clientWidth + 1)
    .map((wrapper) => ({
      firstCell: (wrapper.querySelector("th, td")?.innerText ?? "").trim().slice(0, 60),
      width: wrapper.scrollWidth,
      fits: wrapper.clientWidth,
    }));

  // Predict-the-output questions: theme/quiz.js must have turned each into a widget that
  // says "wrong" for a wrong order and "right" for the runtime's order. Driven as a reader
  // would, with the widget's own moves; `print.html` is skipped (its quizzes repeat).
  const quizProblems = [];
  const quizzes = document.querySelectorAll("div.quiz").length;
  if (quizzes > 0 && !location.pathname.endsWith("print.html")) {
    const state = window.bookQuizzes;
    if (!state) {
      quizProblems.push("theme/quiz.js did not run");
    } else {
      state.built.forEach((quiz, i) => {
        if (!quiz) {
          quizProblems.push(`quiz ${i + 1}: no widget (is its output inside <details>, two lines or more?)`);
          return;
        }
        const reversed = quiz.answer.slice().reverse();
        const differs = reversed.some((line, j) => line !== quiz.answer[j]);
        if (differs && quiz.arrange(reversed)) {
          quizProblems.push(`quiz ${i + 1}: a wrong order was called right`);
        }
        if (!quiz.arrange(quiz.answer)) {
          quizProblems.push(`quiz ${i + 1}: the runtime's own order was called wrong`);
        }
      });
    }
  }

  return JSON.stringify({
    quizzes,
    quizProblems,
    wideTables,
    diagrams: diagrams().length,
    wideCode,
    failures,
    anchors,
    links,
  });
})()

// Predict-the-output questions. Each `<div class="quiz">` holds a program and, folded in a
// <details>, the output the book's tests recorded from the real runtime. This script puts the
// output's lines in a shuffled list above the answer; the reader moves them into the order they
// expect, checks, and only then sees the answer. Without JavaScript the answer is simply folded.
(() => {
  "use strict";

  // A fixed shuffle per question (a small LCG seeded by its position), so that a reader who
  // reloads the page sees the same puzzle, and no shuffle leaves the lines in their true order.
  function shuffled(lines, seed) {
    const order = lines.map((_, i) => i);
    let state = (seed * 2654435761 + 1) >>> 0;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
    for (let attempt = 0; attempt < 10; attempt++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      if (order.some((line, i) => lines[line] !== lines[i])) break;
    }
    return order.map((i) => lines[i]);
  }

  function button(label, title, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = title;
    b.addEventListener("click", onClick);
    return b;
  }

  // Builds the widget for one quiz; returns an object the render check can drive.
  function build(quiz, seed) {
    const details = quiz.querySelector("details");
    const output = details && details.querySelector("pre > code");
    if (!output) return null;
    const answer = output.textContent.replace(/\n+$/, "").split("\n");
    if (answer.length < 2) return null;

    const widget = document.createElement("div");
    widget.className = "quiz-widget";
    const intro = document.createElement("p");
    intro.textContent = "Put the lines in the order you expect, then check.";
    const list = document.createElement("ol");
    const verdict = document.createElement("p");
    verdict.className = "quiz-verdict";
    verdict.setAttribute("aria-live", "polite");

    const current = () => Array.from(list.children, (item) => item.dataset.line);
    const move = (item, step) => {
      const items = Array.from(list.children);
      const to = items.indexOf(item) + step;
      if (to < 0 || to >= items.length) return;
      list.insertBefore(item, step < 0 ? items[to] : items[to].nextSibling);
      verdict.textContent = "";
      verdict.className = "quiz-verdict";
    };
    for (const line of shuffled(answer, seed)) {
      const item = document.createElement("li");
      item.dataset.line = line;
      const text = document.createElement("code");
      text.textContent = line;
      item.append(
        button("\u2191", "move up", () => move(item, -1)),
        button("\u2193", "move down", () => move(item, 1)),
        text,
      );
      list.append(item);
    }
    const check = () => {
      const mine = current();
      const wrong = mine.filter((line, i) => line !== answer[i]).length;
      if (wrong === 0) {
        verdict.textContent = "\u2713 That is the order the runtime printed.";
        verdict.className = "quiz-verdict right";
      } else {
        verdict.textContent = `\u2717 ${wrong} of ${answer.length} lines are not where the runtime printed them. The answer is open below.`;
        verdict.className = "quiz-verdict wrong";
      }
      details.open = true;
      return wrong === 0;
    };
    widget.append(intro, list, button("Check my order", "compare with the runtime", check), verdict);
    details.parentNode.insertBefore(widget, details);

    // For the render check: arrange `lines` by moving items as a reader would, then check.
    const arrange = (lines) => {
      lines.forEach((line, target) => {
        const items = Array.from(list.children);
        const from = items.findIndex((item, i) => i >= target && item.dataset.line === line);
        for (let i = from; i > target; i--) move(list.children[i], -1);
      });
      return check();
    };
    return { answer, current, arrange };
  }

  const quizzes = Array.from(document.querySelectorAll("div.quiz"));
  const built = quizzes.map((quiz, i) => build(quiz, i + 1));
  window.bookQuizzes = { count: quizzes.length, built };
})();

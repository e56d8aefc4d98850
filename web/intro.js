// The first screen: what the collection covers (from GET /api/v1/collection) and example questions to start with.

import { getJSON } from "./api.js";
import { el } from "./render.js";

let collection = null;

export function forgetCollection() { collection = null; }

export async function loadCollection() {
  if (!collection) collection = getJSON("/api/v1/collection").catch(() => null);
  return collection;
}

// Buttons that ask a question when pressed (the examples, and the topics of the off-topic redirect).
export function askButtons(items, onAsk, testid) {
  return el("ul", { className: "ask-list" }, items.map(({ label, question }) => el("li", {},
    el("button", { type: "button", className: "ask-button", "data-testid": testid, "data-question": question,
                   onclick: () => onAsk(question), text: label }))));
}

export async function renderIntro(container, onAsk) {
  const found = await loadCollection();
  if (!found) return;
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  container.replaceChildren(...[
    el("h2", { className: "collection-title", text: "What you can ask about" }),
    el("p", { className: "collection-size", "data-testid": "collection-size",
              text: `${plural(found.documents, "document")} indexed, in ${plural(found.passages, "passage")}:` }),
    el("ul", { className: "topic-list", "data-testid": "topics" }, found.topics.map((t) => el("li", {},
      el("a", { href: `#doc/${encodeURIComponent(t.doc_id)}`, "data-testid": "topic", text: t.label }))),
      found.documents > found.topics.length
        ? el("li", {}, el("a", { href: "#sources", text: `and ${found.documents - found.topics.length} more in Sources` })) : null),
    found.examples.length ? el("p", { className: "examples-title", text: "Try one of these:" }) : null,
    askButtons(found.examples.map((q) => ({ label: q, question: q })), onAsk, "example-question")].filter(Boolean));
}

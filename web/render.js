// DOM builders. Every text from documents and users goes in as text (textContent), never as HTML.

import { levelLabel } from "./vocabulary.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export { levelLabel };

let badgeCount = 0;

export function caveatBadge(caveat) {
  const id = `cv-${++badgeCount}`;
  return el("span", { className: `caveat sev-${caveat.severity}`, "data-testid": "caveat", "data-code": caveat.code,
                      tabindex: "0", "aria-describedby": id },
    el("span", { className: "caveat-label", text: caveat.label }),
    el("span", { className: "caveat-detail", role: "tooltip", id, text: caveat.detail }));
}

// Text with [start, end) ranges wrapped in <mark>; ranges are offsets into `text`.
export function markedText(text, ranges, className = "quote") {
  const spans = ranges.filter((r) => r.start < r.end && r.start >= 0 && r.end <= text.length)
    .sort((a, b) => a.start - b.start);
  const out = [];
  let cursor = 0;
  for (const range of spans) {
    if (range.start < cursor) continue;
    out.push(document.createTextNode(text.slice(cursor, range.start)));
    out.push(el("mark", { className: range.className || className, title: range.title || null, text: text.slice(range.start, range.end) }));
    cursor = range.end;
  }
  out.push(document.createTextNode(text.slice(cursor)));
  return out;
}

export function docHref(source) {
  return `#doc/${encodeURIComponent(source.doc_id)}/${source.start}/${source.end}`;
}

export function passageCard(passage, answerId) {
  const source = passage.source;
  const quotes = passage.caveats
    .filter((c) => c.quote && c.start !== null && c.start >= source.start && c.end <= source.end)
    .map((c) => ({ start: c.start - source.start, end: c.end - source.start, title: c.label }));
  const links = [el("a", { href: docHref(source), "data-testid": "source-link", className: "source-link",
                           text: `Open in document (${pagesLabel(source.pages)}characters ${source.start}–${source.end})` })];
  if (source.url) {
    links.push(el("a", { href: source.url, className: "original-link", rel: "noopener noreferrer external", target: "_blank",
                         text: "Original page" }));
  }
  return el("article", { className: "passage", id: `${answerId}-p${passage.rank}`, "data-testid": "passage",
                         "data-rank": passage.rank, tabindex: "-1" },
    el("header", { className: "passage-head" },
      el("span", { className: "rank", text: `[${passage.rank}]` }),
      el("h3", { className: "passage-title", text: source.title }),
      el("span", { className: `level level-${passage.evidence_level}`, text: levelLabel(passage.evidence_level) })),
    passage.heading ? el("p", { className: "passage-heading", text: passage.heading }) : null,
    el("div", { className: "badges" }, passage.caveats.length ? passage.caveats.map(caveatBadge)
      : el("span", { className: "no-caveats", text: "No caveats found in this passage" })),
    el("blockquote", { className: "passage-text" }, markedText(passage.text, quotes)),
    el("p", { className: "links" }, links));
}

// Answer text "sentence [1] sentence [2]" → text with clickable citation buttons.
export function answerText(text, onCite) {
  const parts = text.split(/\[(\d+)\]/);
  return parts.map((part, i) => (i % 2 === 0
    ? document.createTextNode(part)
    : el("button", { type: "button", className: "citation", "data-testid": "citation", "data-rank": part,
                     "aria-label": `Show passage ${part}`, text: `[${part}]`, onclick: () => onCite(Number(part)) })));
}

export function relyBar(caveats) {
  if (!caveats.length) return null;
  return el("p", { className: "rely", "data-testid": "rely-bar" },
    el("strong", { text: "Before you rely on this: " }),
    caveats.map((c, i) => [i ? " · " : "", el("span", { className: `rely-item sev-${c.severity}`, title: c.detail, text: c.label })]));
}

// "page 2, " or "pages 1–2, " for passages from paged sources (PDF); "" otherwise.
export function pagesLabel(pages) {
  if (!pages || !pages.length) return "";
  return pages.length === 1 ? `page ${pages[0]}, ` : `pages ${pages[0]}–${pages[pages.length - 1]}, `;
}

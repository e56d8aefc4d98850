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
    caveat.code === "safety_warning" ? el("span", { className: "caveat-icon", "aria-hidden": "true", text: "⚠ " }) : null,
    el("span", { className: "caveat-label", text: caveat.label }),
    el("span", { className: "caveat-detail", role: "tooltip", id, text: caveat.detail }));
}

// A passage's badges as one tab stop: Tab enters on the first, the arrow keys (and Home, End) move between them,
// so an answer costs a reader a few Tabs rather than fifteen. Each badge still shows its explanation on focus.
export function badgeGroup(caveats, label) {
  const badges = caveats.map(caveatBadge);
  badges.forEach((b, i) => { b.tabIndex = i ? -1 : 0; });
  const group = el("div", { className: "badges", role: "group", "aria-label": `${label} (arrow keys move between them)` }, badges);
  group.addEventListener("keydown", (event) => {
    const at = badges.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: badges.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = badges[(to + badges.length) % badges.length];
    badges.forEach((b) => { b.tabIndex = b === next ? 0 : -1; });
    next.focus();
  });
  return group;
}

// Text with [start, end) ranges wrapped in <mark>; ranges are offsets into `text`. Marks come in layers, outermost
// first: a mark of one layer holds the next layer's marks, clipped to it (a caveat cue inside a cited sentence, a cited
// sentence inside a highlighted passage). Overlaps within one layer: the first wins.
export function layeredText(text, layers) {
  if (!layers.length) return [document.createTextNode(text)];
  const [outer, ...inner] = layers;
  const clip = (from, to) => inner.map((layer) => layer.filter((r) => r.end > from && r.start < to)
    .map((r) => ({ ...r, start: Math.max(r.start, from) - from, end: Math.min(r.end, to) - from })));
  const spans = outer.filter((r) => r.start < r.end && r.start >= 0 && r.end <= text.length)
    .sort((a, b) => a.start - b.start);
  const out = [];
  let cursor = 0;
  for (const range of spans) {
    if (range.start < cursor) continue;
    if (range.start > cursor) out.push(...layeredText(text.slice(cursor, range.start), clip(cursor, range.start)));
    out.push(el("mark", { className: range.className, title: range.title || null, "data-testid": range.testid || null },
      layeredText(text.slice(range.start, range.end), clip(range.start, range.end))));
    cursor = range.end;
  }
  if (cursor < text.length || !out.length) out.push(...layeredText(text.slice(cursor), clip(cursor, text.length)));
  return out;
}

// The document view of a passage; `cited` ({start, end}, document offsets) also marks the sentence a citation stands for.
export function docHref(source, cited = null) {
  return `#doc/${encodeURIComponent(source.doc_id)}/${source.start}/${source.end}` + (cited ? `/${cited.start}/${cited.end}` : "");
}

const passageOf = new WeakMap();

// The part of an answer sentence that lies in this passage (document offsets), or null.
function citedRange(passage, sentence) {
  const source = passage.source;
  if (!sentence || sentence.doc_id !== source.doc_id) return null;
  const start = Math.max(sentence.start, source.start);
  const end = Math.min(sentence.end, source.end);
  return start < end ? { start, end } : null;
}

// The passage text with its caveat cues marked and, when given, the sentence an answer cites from it.
function passageMarks(passage, cited) {
  const source = passage.source;
  const cues = passage.caveats
    .filter((c) => c.quote && Number.isInteger(c.start) && c.start >= source.start && c.end <= source.end)
    .map((c) => ({ start: c.start - source.start, end: c.end - source.start, className: "quote", testid: "caveat-cue",
                   title: `Caveat cue: ${c.label}` }));
  const layers = [cues];
  if (cited) {
    layers.unshift([{ start: cited.start - source.start, end: cited.end - source.start, className: "cited-sentence",
                      testid: "cited-sentence", title: "Sentence the answer cites" }]);
  }
  return layeredText(passage.text, layers);
}

// Marks (or, with null, unmarks) the sentence a citation stands for in a passage card, and points its
// "Open in document" link at that sentence too. Returns the mark, if any.
export function markCitedSentence(card, sentence) {
  const passage = passageOf.get(card);
  if (!passage) return null;
  const cited = citedRange(passage, sentence);
  card.querySelector(".passage-text").replaceChildren(...passageMarks(passage, cited));
  card.querySelector("[data-testid=source-link]").setAttribute("href", docHref(passage.source, cited));
  return card.querySelector("mark.cited-sentence");
}

export function passageCard(passage, answerId) {
  const source = passage.source;
  const where = pagesLabel(source.pages);
  const links = [el("a", { href: docHref(source), "data-testid": "source-link", className: "source-link",
                           text: where ? `Open in document (${where})` : "Open in document" })];
  if (source.url) {
    // The first link found in the text: for a chatbot transcript it is not where the text came from, so say so.
    links.push(el("a", { href: source.url, className: "original-link", rel: "noopener noreferrer external", target: "_blank",
                         text: "First link in the text" }));
  }
  const card = el("article", { className: "passage", id: `${answerId}-p${passage.rank}`, "data-testid": "passage",
                               "data-rank": passage.rank, tabindex: "-1" },
    el("header", { className: "passage-head" },
      el("span", { className: "rank", text: `[${passage.rank}]` }),
      el("h3", { className: "passage-title", text: source.title }),
      el("span", { className: `level level-${passage.evidence_level}`, text: levelLabel(passage.evidence_level) })),
    passage.heading ? el("p", { className: "passage-heading", text: passage.heading }) : null,
    passage.caveats.length ? badgeGroup(passage.caveats, `Caveats of passage ${passage.rank}`)
      : el("div", { className: "badges" }, el("span", { className: "no-caveats", text: "No caveats found in this passage" })),
    el("blockquote", { className: "passage-text" }, passageMarks(passage, null)),
    el("p", { className: "links" }, links));
  passageOf.set(card, passage);
  return card;
}

// What the two kinds of mark in a passage mean.
export function markLegend() {
  return el("p", { className: "mark-legend", "data-testid": "mark-legend" },
    el("span", { className: "legend-item" }, el("span", { className: "swatch swatch-cited", "aria-hidden": "true" }),
      "Sentence the answer cites (click a citation number)"),
    el("span", { className: "legend-item" }, el("span", { className: "swatch swatch-cue", "aria-hidden": "true" }),
      "Caveat cue: why a badge was given"));
}

// A citation button; `sentence` is the quote it stands for (answer.sentences / answer.safety entry), if known.
export function citationButton(rank, sentence, onCite) {
  return el("button", { type: "button", className: "citation", "data-testid": "citation", "data-rank": rank,
                        "aria-label": `Show passage ${rank}`, text: `[${rank}]`,
                        onclick: (event) => onCite(Number(rank), sentence, event.currentTarget) });
}

// Answer text "sentence [1] sentence [2]" → text with clickable citation buttons; the k-th button stands for
// sentences[k]. Built from the sentences themselves when they spell the text, so that a "[3]" quoted inside a
// sentence stays text; otherwise from the text, matching sentences by position where their citation agrees.
export function answerText(text, onCite, sentences = []) {
  if (sentences.length && sentences.map((s) => `${s.text} [${s.citation}]`).join(" ") === text) {
    return sentences.map((s, k) => [k ? " " : "", s.text, " ", citationButton(s.citation, s, onCite)]);
  }
  const parts = text.split(/\[(\d+)\]/);
  let k = 0;
  return parts.map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const sentence = sentences[k++];
    return citationButton(part, sentence && sentence.citation === Number(part) ? sentence : null, onCite);
  });
}

// "Before you rely on this": each caveat of the answer a button (focus, tap) that opens what it means and how
// serious it is; safety warnings look apart from doubts about the source.
export function relyBar(caveats, id) {
  if (!caveats.length) return null;
  const items = caveats.map((c, i) => {
    const detailId = `${id}-rely-${i}`;
    const detail = el("p", { className: "rely-detail", id: detailId, hidden: true, "data-testid": "rely-detail" },
      el("strong", { text: `${c.label} (${c.severity} severity): ` }), c.detail, " ",
      el("button", { type: "button", className: "linklike", "data-glossary": c.code, text: "What the badges mean" }));
    const button = el("button", { type: "button", className: `rely-item sev-${c.severity}${c.code === "safety_warning" ? " rely-safety" : ""}`,
                                  "data-testid": "rely-item", "data-code": c.code, "aria-expanded": "false", "aria-controls": detailId },
      el("span", { className: "rely-icon", "aria-hidden": "true", text: c.code === "safety_warning" ? "⚠" : SEVERITY_ICON[c.severity] || "•" }),
      el("span", { text: c.label }),
      el("span", { className: "rely-severity", text: c.severity }));
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      detail.hidden = !open;
    });
    return { button, detail };
  });
  return el("div", { className: "rely", "data-testid": "rely-bar", role: "group", "aria-labelledby": `${id}-rely` },
    el("p", { className: "rely-title", id: `${id}-rely` }, el("strong", { text: "Before you rely on this:" }),
      el("span", { className: "rely-hint", text: " press one to see what it means" })),
    el("ul", { className: "rely-items" }, items.map(({ button }) => el("li", {}, button))),
    items.map(({ detail }) => detail));
}

const SEVERITY_ICON = { high: "●", medium: "◐", low: "○", info: "i" };

// "page 2" or "pages 1–2" for passages from paged sources (PDF); "" otherwise.
export function pagesLabel(pages) {
  if (!pages || !pages.length) return "";
  return pages.length === 1 ? `page ${pages[0]}` : `pages ${pages[0]}–${pages[pages.length - 1]}`;
}

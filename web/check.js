// "Check a text": paste any health text, see its profile and every flagged sentence with its caveat named, the
// words that triggered each caveat underlined inside it (a tooltip on hover and focus says which caveat and why).

import { postJSON } from "./api.js";
import { openGlossary } from "./glossary.js";
import { badgeGroup, el, levelLabel } from "./render.js";
import { NO_LEVEL, codes } from "./vocabulary.js";

const labelOf = (code) => codes[code]?.label || code;
let cueCount = 0;

function profile(result) {
  const d = result.document;
  const flagged = result.sentences.filter((s) => s.codes.length).length;
  return el("div", { className: "check-profile", "data-testid": "check-profile" },
    el("h3", { className: "check-result-title", id: "check-result-title", tabindex: "-1", "data-testid": "check-result-title",
               text: "What this text reports" }),
    el("p", { className: "source-meta" }, el("strong", { text: "Evidence: " }), levelLabel(d.evidence_level),
      ` · ${flagged} of ${result.sentences.length} sentences flagged`),
    d.caveats.length ? badgeGroup(d.caveats, "Caveats of the whole text")
      : el("div", { className: "badges" }, el("span", { className: "no-caveats", text: "Nothing in this text calls for a caveat" })));
}

// What the colours and the underline in the text mean; the swatches are drawn like the marks themselves.
function legend() {
  const item = (kind, words) => el("span", { className: "legend-item" },
    el("span", { className: `swatch swatch-${kind}`, "aria-hidden": "true" }), words);
  return el("div", { className: "check-legend", "data-testid": "check-legend" },
    el("p", { className: "mark-legend" },
      item("flagged", "Sentence with a caveat"),
      item("null", "Null result or safety warning"),
      item("design", "Sentence that reports a study design"),
      item("cueword", "Cue word: why the sentence was flagged (hover or focus it)")),
    el("button", { type: "button", className: "linklike", "data-testid": "check-glossary",
                   onclick: (event) => openGlossary(event.currentTarget), text: "What the badges and levels mean" }));
}

// Cues of one sentence as ranges in it; cues that overlap (one phrase, two codes) become one range naming both.
function cueRanges(sentence) {
  const ranges = [];
  const cues = [...(sentence.cues || [])].filter((c) => c.start >= sentence.start && c.end <= sentence.end && c.start < c.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  for (const cue of cues) {
    const last = ranges[ranges.length - 1];
    if (last && cue.start < last.end) {
      last.end = Math.max(last.end, cue.end);
      if (!last.codes.includes(cue.code)) last.codes.push(cue.code);
    } else {
      ranges.push({ start: cue.start, end: cue.end, codes: [cue.code] });
    }
  }
  return ranges;
}

// One cue: underlined, focusable, described by a tooltip naming each caveat and why it is given.
function cueMark(text, cue) {
  const id = `cue-${++cueCount}`;
  const tip = el("span", { className: "cue-detail", role: "tooltip", id },
    cue.codes.map((code, i) => [i ? " " : "", el("strong", { text: `${labelOf(code)}: ` }), codes[code]?.detail || ""]));
  const mark = el("mark", { className: "cue", tabindex: "0", "data-testid": "cue", "data-codes": cue.codes.join(" "),
                            "aria-label": `“${text}”, cue for ${cue.codes.map(labelOf).join(" and ")}`, "aria-describedby": id },
    text, tip);
  const fit = () => fitTip(tip);
  mark.addEventListener("mouseenter", fit);
  mark.addEventListener("focus", fit);
  return mark;
}

// Keeps a shown tooltip inside the window: shifted left when it would run past the right edge.
function fitTip(tip) {
  tip.style.removeProperty("translate");
  requestAnimationFrame(() => {
    const box = tip.getBoundingClientRect();
    const room = document.documentElement.clientWidth - 8;
    if (box.width && box.right > room) tip.style.translate = `${-Math.min(box.right - room, box.left - 8)}px 0`;
  });
}

// A sentence's text with its cues marked.
function sentenceBody(text, sentence) {
  const out = [];
  let cursor = sentence.start;
  for (const cue of cueRanges(sentence)) {
    if (cue.start < cursor) continue;
    out.push(text.slice(cursor, cue.start), cueMark(text.slice(cue.start, cue.end), cue));
    cursor = cue.end;
  }
  out.push(text.slice(cursor, sentence.end));
  return out.filter((part) => part !== "");
}

// The cleaned text, each flagged sentence (or one that reports a study design) in a focusable <mark>
// followed by the names of its caveats and the design it reports.
function flaggedText(result) {
  const out = [];
  let cursor = 0;
  for (const sentence of result.sentences) {
    const design = sentence.evidence_level !== NO_LEVEL;
    if ((!sentence.codes.length && !design) || sentence.start < cursor) continue;
    const named = sentence.codes.map(labelOf);
    if (design) named.push(`reports: ${levelLabel(sentence.evidence_level)}${sentence.background ? " (others' study)" : ""}`);
    out.push(document.createTextNode(result.text.slice(cursor, sentence.start)));
    const kind = sentence.codes.length ? "flagged" : "design";
    out.push(el("mark", { className: `${kind} ${sentence.codes.map((c) => `code-${c}`).join(" ")}`, tabindex: "0",
                          "data-testid": `${kind}-sentence`, "data-codes": sentence.codes.join(" "),
                          "data-level": sentence.evidence_level,
                          "aria-label": `${named.join(", ")}: ${result.text.slice(sentence.start, sentence.end)}` },
      sentenceBody(result.text, sentence)));
    out.push(el("span", { className: "flag-names", "aria-hidden": "true", text: ` [${named.join(" · ")}] ` }));
    cursor = sentence.end;
  }
  out.push(document.createTextNode(result.text.slice(cursor)));
  return out;
}

export function setupCheck({ form, input, button, output }) {
  // Said to screen readers when a check starts and ends; the result itself is not read out whole.
  const status = el("p", { className: "visually-hidden", role: "status", "data-testid": "check-status" });
  form.append(status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) { output.replaceChildren(el("p", { className: "error", text: "Paste some text to check." })); return; }
    button.disabled = true;
    output.setAttribute("aria-busy", "true");
    output.replaceChildren(el("p", { className: "pending", text: "Checking…" }));
    status.textContent = "Checking the text…";
    let heading = null;
    try {
      const result = await postJSON("/api/v1/annotate", { text });
      output.replaceChildren(profile(result), legend(),
        el("div", { className: "check-text", "data-testid": "check-text" }, flaggedText(result)));
      heading = output.querySelector("#check-result-title");
      status.textContent = `Checked: ${result.sentences.filter((s) => s.codes.length).length} of ${result.sentences.length} sentences flagged.`;
    } catch (error) {
      output.replaceChildren(el("p", { className: "error", role: "alert", tabindex: "-1",
                                       text: `Could not check the text: ${error.message}` }));
      heading = output.firstElementChild;
      status.textContent = "";
    } finally {
      button.disabled = false;
      output.setAttribute("aria-busy", "false");
    }
    // The button was disabled while checking, which drops focus to <body>: take it to the result instead.
    if (heading && (document.activeElement === document.body || document.activeElement === button)) heading.focus();
  });
}

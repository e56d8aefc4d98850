// "Check a text": paste any health text, see its profile and every flagged sentence with its caveat named.

import { postJSON } from "./api.js";
import { caveatBadge, el, levelLabel } from "./render.js";
import { NO_LEVEL, codes } from "./vocabulary.js";


function profile(result) {
  const d = result.document;
  return el("div", { className: "check-profile", "data-testid": "check-profile" },
    el("p", { className: "source-meta" }, el("strong", { text: "Evidence: " }), levelLabel(d.evidence_level),
      ` · ${result.sentences.filter((s) => s.codes.length).length} of ${result.sentences.length} sentences flagged`),
    el("div", { className: "badges" }, d.caveats.length ? d.caveats.map(caveatBadge)
      : el("span", { className: "no-caveats", text: "Nothing in this text calls for a caveat" })));
}

// The cleaned text, each flagged sentence (or one that reports a study design) in a focusable <mark>
// followed by the names of its caveats and the design it reports.
function flaggedText(result) {
  const out = [];
  let cursor = 0;
  for (const sentence of result.sentences) {
    const design = sentence.evidence_level !== NO_LEVEL;
    if ((!sentence.codes.length && !design) || sentence.start < cursor) continue;
    const named = sentence.codes.map((code) => codes[code]?.label || code);
    if (design) named.push(`reports: ${levelLabel(sentence.evidence_level)}${sentence.background ? " (others' study)" : ""}`);
    out.push(document.createTextNode(result.text.slice(cursor, sentence.start)));
    const kind = sentence.codes.length ? "flagged" : "design";
    out.push(el("mark", { className: `${kind} ${sentence.codes.map((c) => `code-${c}`).join(" ")}`, tabindex: "0",
                          "data-testid": `${kind}-sentence`, "data-codes": sentence.codes.join(" "),
                          "data-level": sentence.evidence_level,
                          "aria-label": `${named.join(", ")}: ${result.text.slice(sentence.start, sentence.end)}` },
      result.text.slice(sentence.start, sentence.end)));
    out.push(el("span", { className: "flag-names", "aria-hidden": "true", text: ` [${named.join(" · ")}] ` }));
    cursor = sentence.end;
  }
  out.push(document.createTextNode(result.text.slice(cursor)));
  return out;
}

export function setupCheck({ form, input, button, output }) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) { output.replaceChildren(el("p", { className: "error", text: "Paste some text to check." })); return; }
    button.disabled = true;
    output.setAttribute("aria-busy", "true");
    output.replaceChildren(el("p", { className: "pending", text: "Checking…" }));
    try {
      const result = await postJSON("/api/v1/annotate", { text });
      output.replaceChildren(profile(result),
        el("div", { className: "doc-text check-text", "data-testid": "check-text" }, flaggedText(result)));
    } catch (error) {
      output.replaceChildren(el("p", { className: "error", role: "alert", text: `Could not check the text: ${error.message}` }));
    } finally {
      button.disabled = false;
      output.setAttribute("aria-busy", "false");
    }
  });
}

// What sits above an answer's text: the evidence behind it at a glance, and the safety warnings, shown apart.

import { citationButton, el } from "./render.js";
import { NO_LEVEL, levelDetail, levelLabel, levels } from "./vocabulary.js";

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// "3 passages from 2 documents: 1 small or early trial, 2 naming no study", levels strongest first.
function levelCounts(evidence) {
  const order = [...levels, ...Object.keys(evidence.levels).filter((l) => !levels.includes(l))];
  const present = order.filter((level) => evidence.levels[level] > 0);
  const total = present.reduce((sum, level) => sum + evidence.levels[level], 0);
  const parts = present.map((level) => (level === NO_LEVEL ? `${evidence.levels[level]} naming no study`
    : `${evidence.levels[level]} ${levelLabel(level).toLowerCase()}`));
  return `${plural(total, "passage")} from ${plural(evidence.documents, "document")}: ${parts.join(", ")}`;
}

// The level scale as a meter, weakest on the left: segments up to the strongest level cited are filled.
function levelScale(strongest) {
  const scale = [...levels].reverse();
  const position = scale.indexOf(strongest);
  if (position < 0) return null;
  return el("span", { className: "level-scale", role: "img",
                      "aria-label": `${levelLabel(strongest)}: ${position + 1} of ${scale.length} on a scale from ` +
                                    `${levelLabel(scale[0])} to ${levelLabel(scale[scale.length - 1])}` },
    el("span", { className: "scale-end", "aria-hidden": "true", text: "weaker" }),
    scale.map((level, i) => el("span", {
      className: `segment${i <= position ? " filled" : ""}${i === position ? " strongest" : ""}`,
      "data-level": level, title: levelLabel(level) })),
    el("span", { className: "scale-end", "aria-hidden": "true", text: "stronger" }));
}

export function evidenceSummary(evidence, caveats = []) {
  const disagree = caveats.find((c) => c.code === "sources_disagree");
  return el("div", { className: "evidence-summary", "data-testid": "evidence-summary" },
    el("div", { className: "evidence-top" },
      el("p", { className: "evidence-level" }, "Strongest evidence cited: ",
        el("strong", { "data-testid": "evidence-level", "data-level": evidence.strongest_level,
                       text: levelLabel(evidence.strongest_level) })),
      levelScale(evidence.strongest_level),
      disagree ? el("span", { className: "disagree-tag", "data-testid": "sources-disagree", title: disagree.detail,
                              text: "Sources disagree" }) : null),
    el("p", { className: "evidence-counts", text: levelCounts(evidence) }),
    levelDetail(evidence.strongest_level)
      ? el("p", { className: "evidence-meaning", text: levelDetail(evidence.strongest_level) }) : null);
}

// The warnings the passages give about what was asked, each quoted with its citation (clickable like the answer's).
export function safetyCallout(warnings, onCite, id) {
  return el("div", { className: "safety-callout", role: "note", "data-testid": "safety-callout", "aria-labelledby": `${id}-safety` },
    el("h3", { className: "safety-title", id: `${id}-safety` },
      el("span", { className: "safety-icon", "aria-hidden": "true", text: "⚠" }), " Safety: what the sources warn about"),
    el("ul", { className: "safety-list" }, warnings.map((w) => el("li", { "data-testid": "safety-warning" },
      el("q", { text: w.text }), " ", citationButton(w.citation, w, onCite)))),
    el("p", { className: "safety-advice", text: "Ask your pharmacist or doctor before you start, stop or combine medicines." }));
}

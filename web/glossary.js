// "What the badges and levels mean": a modal glossary built from GET /api/v1/vocabulary (severities, every caveat
// code with its badge, meaning and example cues, the evidence levels strongest first), one click away from the
// header. openGlossary(opener, code) opens it at one code's entry; closing returns focus to the opener.

import { el } from "./render.js";
import { codeList, levelDetail, levelLabel, levels, severities, severityDetail, severityLabel } from "./vocabulary.js";

const dialog = document.getElementById("glossary");
const body = dialog ? dialog.querySelector(".glossary-body") : null;
let opener = null;

const rank = (severity) => { const i = severities.indexOf(severity); return i < 0 ? severities.length : i; };

// The badge as the page shows it (caveatBadge's look), without the tooltip: the glossary says it all in words.
const badge = (severity, text) => el("span", { className: `caveat sev-${severity}`, text });

function severitySection() {
  return el("section", { className: "glossary-section", "aria-labelledby": "glossary-severities" },
    el("h3", { id: "glossary-severities", text: "How serious a badge is" }),
    el("p", { className: "glossary-lead", text: "Each badge's colour says how much it should weigh with you." }),
    el("dl", { className: "glossary-list" }, severities.map((severity) => el("div", {
      className: "glossary-entry", id: `glossary-severity-${severity}`, "data-testid": "glossary-severity", "data-severity": severity },
      el("dt", {}, badge(severity, severityLabel(severity))),
      el("dd", { text: severityDetail(severity) })))));
}

function codeEntry(entry) {
  const examples = entry.examples || [];
  return el("div", { className: "glossary-entry", id: `glossary-${entry.code}`, tabindex: "-1", "data-testid": "glossary-code",
                     "data-code": entry.code },
    el("dt", {}, badge(entry.severity, entry.label),
      el("span", { className: "glossary-severity", text: ` ${severityLabel(entry.severity)}` })),
    el("dd", {},
      el("p", { className: "glossary-detail", text: entry.detail }),
      examples.length
        ? el("p", { className: "glossary-example", "data-testid": "glossary-example" }, examples.length === 1 ? "Example cue: " : "Example cues: ",
          examples.map((example, i) => [i ? ", " : "", el("q", { text: example })]))
        : el("p", { className: "glossary-example", "data-testid": "glossary-scope", text: entry.scope_detail || "" })));
}

function codeSection() {
  const ordered = [...codeList].sort((a, b) => rank(a.severity) - rank(b.severity));
  return el("section", { className: "glossary-section", "aria-labelledby": "glossary-codes" },
    el("h3", { id: "glossary-codes", text: "The badges, gravest first" }),
    el("p", { className: "glossary-lead",
              text: "A badge warns about a passage, a document or an answer. In “Check a text” the cue words behind it are underlined." }),
    el("dl", { className: "glossary-list" }, ordered.map(codeEntry)));
}

function levelSection() {
  return el("section", { className: "glossary-section", "aria-labelledby": "glossary-levels" },
    el("h3", { id: "glossary-levels", text: "Evidence levels, strongest first" }),
    el("p", { className: "glossary-lead", text: "The strongest kind of evidence a passage or text itself reports." }),
    el("ol", { className: "glossary-levels" }, levels.map((level) => el("li", {
      className: "glossary-entry", id: `glossary-level-${level}`, "data-testid": "glossary-level", "data-level": level },
      el("span", { className: `level level-${level}`, text: levelLabel(level) }),
      el("span", { className: "glossary-level-detail", text: ` ${levelDetail(level)}` })))));
}

function build() {
  if (!body || body.childElementCount) return;
  body.append(severitySection(), codeSection(), levelSection());
}

// Opens the glossary; with a code, scrolled to that code's entry (which takes focus). `opener` gets focus back.
export function openGlossary(from = null, code = null) {
  if (!dialog || !body) return;
  build();
  opener = from || (document.activeElement !== document.body ? document.activeElement : null);
  body.querySelectorAll(".glossary-entry.current").forEach((entry) => entry.classList.remove("current"));
  if (!dialog.open) {
    // The dialog gives focus back, as it closes, to what had it as it opened: make that the opener.
    if (opener && opener !== document.activeElement) opener.focus({ preventScroll: true });
    dialog.showModal();
  }
  const target = code ? document.getElementById(`glossary-${code}`) : null;
  if (target) {
    target.classList.add("current");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  } else {
    body.scrollTop = 0;
    dialog.querySelector("[data-testid=glossary-close]").focus();
  }
}

if (dialog) {
  dialog.querySelector("[data-testid=glossary-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });  // the backdrop
  dialog.addEventListener("close", () => {
    const back = opener && opener.isConnected ? opener : document.getElementById("show-glossary");
    opener = null;
    if (back) back.focus();
  });
}

// Page wiring: three views (ask, sources, check a text) one at a time, the document drawer, and the hash routes:
// #sources, #check, #doc/... (a document, over any view) and #ask=<question> (a shared question, asked on load).

import { Chat } from "./chat.js";
import { forgetCollection, renderIntro } from "./intro.js";
import { setupCheck } from "./check.js";
import { openGlossary } from "./glossary.js";
import { showDocument } from "./document.js";
import { renderSources, setupOperator } from "./sources.js";
import { formats, limits } from "./vocabulary.js";

const $ = (id) => document.getElementById(id);
const VIEWS = ["chat", "sources", "check"];
// The boxes hold what this server accepts (RAG_MAX_QUESTION_CHARS, RAG_MAX_ANNOTATE_CHARS), not a typed-in copy.
$("chat-input").maxLength = limits.max_question_chars;
$("check-input").maxLength = limits.max_annotate_chars;
// The file picker offers, and the hint names, what this server reads (RAG_EXTENSIONS).
$("upload-file").accept = formats.join(",");
$("upload-formats").textContent = formats.join(", ");

const chat = new Chat({
  form: $("composer"), input: $("chat-input"), send: $("chat-send"), spinner: $("spinner"),
  log: $("conversation"), intro: $("intro"), keep: $("keep-history"), clear: $("clear-history"),
});
const intro = () => renderIntro($("collection"), (question) => { showView("chat", { focus: false }); chat.askShared(question); });
intro();
// After an operator's change the first screen and the off-topic redirect name the new collection.
const keepTitles = () => { forgetCollection(); intro(); };
renderSources($("sources-list")).catch(() => {});
setupOperator({ token: $("admin-token"), form: $("upload-form"), file: $("upload-file"), status: $("index-status"),
                list: $("sources-list"), onChange: keepTitles });

setupCheck({ form: $("check-form"), input: $("check-input"), button: $("check-send"), output: $("check-output") });

// One view at a time, full width; the question box belongs to the chat view. `focus` moves focus into the view
// (its heading, or the question box), as when a person picks it from the header.
export function showView(name, { focus = true } = {}) {
  if (!VIEWS.includes(name)) name = "chat";
  for (const view of VIEWS) {
    $(view).hidden = view !== name;
    $(`show-${view}`).setAttribute("aria-pressed", String(view === name));
  }
  $("composer").hidden = name !== "chat";
  document.body.dataset.view = name;
  if (focus) (name === "chat" ? $("chat-input") : $(`${name}-title`)).focus();
}

document.querySelectorAll("[data-view]").forEach((button) => button.addEventListener("click", () => {
  const name = button.dataset.view;
  // A history entry per view, so the phone's Back returns to the previous view instead of leaving the page.
  if (document.body.dataset.view !== name) history.pushState(null, "", name === "chat" ? location.pathname : `#${name}`);
  routed = location.hash;
  showView(name);
}));
document.querySelectorAll("[data-skip]").forEach((link) => link.addEventListener("click", (event) => {
  event.preventDefault();
  showView(link.dataset.skip);
}));
$("new-conversation").addEventListener("click", () => chat.reset());
$("show-glossary").addEventListener("click", (event) => openGlossary(event.currentTarget));
// "What the badges mean" buttons anywhere open the glossary (at one code's entry when they name one).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-glossary]");
  if (!button) return;
  const glossary = await import("./glossary.js").catch(() => null);
  if (glossary && glossary.openGlossary) glossary.openGlossary(button, button.dataset.glossary || null);
  else $("show-glossary").click();
});

// The document drawer: a modal dialog (Escape closes it, focus stays inside); closing returns focus to what
// opened it, and drops the #doc/... route so a reload does not reopen it.
const drawer = $("doc-view");
let opener = null;
drawer.querySelector("[data-testid=doc-close]").addEventListener("click", () => drawer.close());
drawer.addEventListener("close", () => {
  if (location.hash.startsWith("#doc/")) {
    history.replaceState(null, "", location.pathname + (document.body.dataset.view === "chat" ? "" : `#${document.body.dataset.view}`));
    routed = location.hash;
  }
  const back = opener && opener.isConnected ? opener : $("chat-input");
  opener = null;
  back.focus();
});
drawer.addEventListener("click", (event) => { if (event.target === drawer) drawer.close(); });  // the backdrop
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='#doc/']");
  if (link) opener = link;
});

let routed = null;  // the hash last acted on: Back fires both popstate and hashchange

async function route() {
  const hash = location.hash;
  if (hash === routed) return;
  routed = hash;
  if (!hash.startsWith("#doc/") && drawer.open) drawer.close();
  if (hash === "" || hash === "#") { showView("chat", { focus: document.body.dataset.view !== "chat" }); return; }
  if (hash === "#sources" || hash === "#check") { showView(hash.slice(1)); return; }
  const asked = hash.match(/^#ask=(.+)$/);
  if (asked) {
    history.replaceState(null, "", location.pathname);
    showView("chat", { focus: false });
    chat.askShared(decodeURIComponent(asked[1]));
    return;
  }
  // #doc/<id>[/<start>/<end>[/<sentence start>/<sentence end>]]: a passage, and the sentence an answer cites from it.
  const match = hash.match(/^#doc\/([^/]+)(?:\/(\d+)\/(\d+)(?:\/(\d+)\/(\d+))?)?$/);
  if (!match) return;
  const number = (i) => (match[i] === undefined ? null : Number(match[i]));
  const cited = match[4] === undefined ? null : { start: number(4), end: number(5) };
  if (!opener) opener = document.activeElement !== document.body ? document.activeElement : null;
  await showDocument(drawer, decodeURIComponent(match[1]), number(2), number(3), cited);
}
window.addEventListener("hashchange", route);
window.addEventListener("popstate", route);
showView(VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "chat", { focus: false });
// The box and the header's buttons open once the page is wired (the vocabulary module awaits its fetch first): a question typed and
// sent before then would otherwise be dropped without a word.
$("chat-input").disabled = false;
$("chat-send").disabled = false;
document.querySelectorAll(".views button").forEach((button) => { button.disabled = false; });
if (document.body.dataset.view === "chat") $("chat-input").focus();
route();

// Page wiring: chat, sources panel, and the #doc/... route for the document view.

import { Chat } from "./chat.js";
import { setupCheck } from "./check.js";
import { renderSources, setupOperator, showDocument } from "./sources.js";

const $ = (id) => document.getElementById(id);
let titles = [];

const chat = new Chat({
  form: $("composer"), input: $("chat-input"), send: $("chat-send"), spinner: $("spinner"),
  log: $("conversation"), intro: $("intro"), titles: () => titles,
});

const keepTitles = (docs) => { titles = docs.map((d) => d.title); };
renderSources($("sources-list")).then(keepTitles).catch(() => {});
setupOperator({ token: $("admin-token"), form: $("upload-form"), file: $("upload-file"), status: $("index-status"),
                list: $("sources-list"), onChange: keepTitles });

setupCheck({ form: $("check-form"), input: $("check-input"), button: $("check-send"), output: $("check-output") });

$("new-conversation").addEventListener("click", () => chat.reset());
$("show-check").addEventListener("click", () => {
  const panel = $("check");
  panel.hidden = !panel.hidden;
  $("show-check").setAttribute("aria-expanded", String(!panel.hidden));
  if (!panel.hidden) { panel.scrollIntoView({ block: "start" }); $("check-input").focus(); }
});
$("show-sources").addEventListener("click", () => {
  const panel = $("sources");
  panel.hidden = !panel.hidden;
  $("show-sources").setAttribute("aria-expanded", String(!panel.hidden));
  if (!panel.hidden) panel.scrollIntoView({ block: "start" });
});
document.querySelectorAll("[data-close]").forEach((button) => button.addEventListener("click", () => {
  $(button.dataset.close).hidden = true;
  if (button.dataset.close === "doc-view" && location.hash.startsWith("#doc/")) history.replaceState(null, "", location.pathname);
  if (button.dataset.close === "sources") $("show-sources").setAttribute("aria-expanded", "false");
  if (button.dataset.close === "check") $("show-check").setAttribute("aria-expanded", "false");
}));

async function route() {
  // #doc/<id>[/<start>/<end>[/<sentence start>/<sentence end>]]: a passage, and the sentence an answer cites from it.
  const match = location.hash.match(/^#doc\/([^/]+)(?:\/(\d+)\/(\d+)(?:\/(\d+)\/(\d+))?)?$/);
  if (!match) return;
  const number = (i) => (match[i] === undefined ? null : Number(match[i]));
  const cited = match[4] === undefined ? null : { start: number(4), end: number(5) };
  try {
    await showDocument($("doc-view"), decodeURIComponent(match[1]), number(2), number(3), cited);
  } catch (error) {
    $("doc-view").hidden = false;
    $("doc-text").textContent = `Could not open the document: ${error.message}`;
  }
}
window.addEventListener("hashchange", route);
route();
// The box opens once the chat is wired (the vocabulary module awaits its fetch first): a question typed and
// sent before then would otherwise be dropped without a word.
$("chat-input").disabled = false;
$("chat-send").disabled = false;
$("chat-input").focus();

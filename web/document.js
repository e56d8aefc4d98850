// The document drawer: a document's whole text with the passage (and the sentence an answer cites) marked.

import { getJSON } from "./api.js";
import { badgeGroup, el, layeredText, levelLabel } from "./render.js";

// `cited` ({start, end}, or null) is the sentence of the passage an answer cites: marked inside the passage's highlight.
export async function showDocument(dialog, docId, start, end, cited = null) {
  const title = dialog.querySelector("#doc-title");
  const meta = dialog.querySelector("#doc-meta");
  const body = dialog.querySelector("#doc-text");
  if (!dialog.open) dialog.showModal();
  let d;
  try {
    d = await getJSON(`/api/v1/documents/${encodeURIComponent(docId)}`);
  } catch (error) {
    const gone = error.status === 404;
    title.textContent = gone ? "Document removed" : "Could not open the document";
    meta.replaceChildren();
    body.replaceChildren(el("p", { className: "doc-missing", "data-testid": "doc-missing",
      text: gone ? "This document was removed from the collection, so the passage can no longer be shown. "
                   + "Answers given before it was removed still quote it."
        : `The server did not send the document (${error.message}). Try again in a moment.` }));
    dialog.querySelector("[data-testid=doc-close]").focus();
    return;
  }
  title.textContent = d.title;
  // replaceChildren would write a null as the text "null": leave absent parts out.
  meta.replaceChildren(...[
    el("p", { className: "source-meta", text: `Strongest evidence the whole document reports: ${levelLabel(d.evidence_level)}` }),
    d.url ? el("p", { className: "source-meta" }, "First link in the text: ",
      el("a", { href: d.url, rel: "noopener noreferrer external", target: "_blank", text: d.url })) : null,
    d.caveats.length ? badgeGroup(d.caveats, "Caveats of this document") : null].filter(Boolean));
  const layers = [Number.isInteger(start) && Number.isInteger(end) ? [{ start, end, className: "highlight",
                                                                        testid: "doc-passage", title: "The passage" }] : []];
  if (cited && Number.isInteger(cited.start) && Number.isInteger(cited.end)) {
    layers.push([{ ...cited, className: "cited-sentence", testid: "cited-sentence", title: "Sentence the answer cites" }]);
  }
  body.replaceChildren(...pagedText(d.text, d.page_starts || [], layers));
  const mark = body.querySelector("mark.cited-sentence") || body.querySelector("mark.highlight");
  if (mark) mark.scrollIntoView({ block: "center" });
  else body.scrollTop = 0;
  body.focus({ preventScroll: true });
}

// The text with a "Page n" marker where each page of a paged source (PDF) starts; marks clipped per page.
function pagedText(text, starts, layers) {
  if (!starts.length) return layeredText(text, layers);
  const out = [];
  starts.forEach((from, i) => {
    const to = i + 1 < starts.length ? starts[i + 1] : text.length;
    const local = layers.map((ranges) => ranges.filter((r) => r.end > from && r.start < to)
      .map((r) => ({ ...r, start: Math.max(r.start, from) - from, end: Math.min(r.end, to) - from })));
    out.push(el("span", { className: "page-break", "data-testid": "page-break", role: "separator", text: `Page ${i + 1}` }));
    out.push(...layeredText(text.slice(from, to), local));
  });
  return out;
}

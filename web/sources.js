// The Sources view (every document with its profile) and the document view with a highlighted passage.

import { getJSON } from "./api.js";
import { caveatBadge, el, levelLabel, markedText } from "./render.js";

export async function renderSources(list) {
  const { documents } = await getJSON("/api/v1/documents");
  list.replaceChildren(...documents.map((d) => el("li", { className: "source", "data-testid": "source-item" },
    el("h3", {}, el("a", { href: `#doc/${encodeURIComponent(d.doc_id)}`, text: d.title })),
    el("p", { className: "source-meta", text: `${d.doc_id} · ${d.chunks} passages · evidence: ${levelLabel(d.evidence_level)}` }),
    el("p", { className: "source-meta",
              text: `Citations: ${d.citations.traceable} traceable, ${d.citations.untraceable} untraceable` +
                    (d.citations.untraceable_examples.length ? ` (${d.citations.untraceable_examples.join("; ")})` : "") }),
    el("div", { className: "badges" }, d.caveats.length ? d.caveats.map(caveatBadge)
      : el("span", { className: "no-caveats", text: "No document-level caveats" })))));
  return documents;
}

export async function showDocument(panel, docId, start, end) {
  const d = await getJSON(`/api/v1/documents/${encodeURIComponent(docId)}`);
  panel.querySelector("#doc-title").textContent = d.title;
  const meta = panel.querySelector("#doc-meta");
  meta.replaceChildren(
    el("p", { className: "source-meta", text: `${d.path} · evidence: ${levelLabel(d.evidence_level)}` }),
    d.url ? el("p", {}, el("a", { href: d.url, rel: "noopener noreferrer external", target: "_blank", text: `Original: ${d.url}` })) : null,
    el("div", { className: "badges" }, d.caveats.map(caveatBadge)));
  const body = panel.querySelector("#doc-text");
  const ranges = Number.isInteger(start) && Number.isInteger(end) ? [{ start, end, className: "highlight" }] : [];
  body.replaceChildren(...markedText(d.text, ranges));
  panel.hidden = false;
  const mark = body.querySelector("mark.highlight");
  (mark || body).scrollIntoView({ block: "center" });
  body.focus({ preventScroll: true });
}

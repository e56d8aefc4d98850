// The Sources view: every document with its profile, and the operator's uploads and removals.

import { getJSON } from "./api.js";
import { caveatBadge, el, levelLabel } from "./render.js";

// The operator's admin token lives in this variable only: never in local storage, gone with the page.
let adminToken = "";

export async function renderSources(list) {
  const { documents } = await getJSON("/api/v1/documents");
  list.replaceChildren(...documents.map((d) => el("li", { className: "source", "data-testid": "source-item", "data-doc-id": d.doc_id },
    el("h3", {}, el("a", { href: `#doc/${encodeURIComponent(d.doc_id)}`, text: d.title })),
    el("p", { className: "source-meta", text: `${d.doc_id} · ${d.chunks} passages · evidence: ${levelLabel(d.evidence_level)}` }),
    el("p", { className: "source-meta",
              text: `Citations: ${d.citations.traceable} traceable, ${d.citations.untraceable} untraceable` +
                    (d.citations.untraceable_examples.length ? ` (${d.citations.untraceable_examples.join("; ")})` : "") }),
    el("div", { className: "badges" }, d.caveats.length ? d.caveats.map(caveatBadge)
      : el("span", { className: "no-caveats", text: "No document-level caveats" })),
    el("button", { type: "button", className: "remove", "data-testid": "source-remove", "data-doc-id": d.doc_id,
                   hidden: !adminToken, text: "Remove" }))));
  return documents;
}

async function adminRequest(method, url, body) {
  const response = await fetch(url, { method, body, headers: { "x-admin-token": adminToken, Accept: "application/json" } });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(typeof data.detail === "string" ? data.detail : `HTTP ${response.status}`);
  return data;
}

// Poll the build status until the change serves (or fails), saying where it stands.
async function followBuild(status, before) {
  for (;;) {
    const s = await getJSON("/api/v1/index/status");
    if (s.state === "idle" && s.serving !== before) {
      status.textContent = `Done: ${s.documents} documents now searchable.`;
      return true;
    }
    if (s.state === "idle" && s.last_error) {
      status.textContent = `The rebuild failed; the previous collection still answers. ${s.last_error}`;
      return false;
    }
    status.textContent = s.state === "building" ? "Rebuilding the index… answers come from the previous collection until it is done."
      : "Waiting for the rebuild to start…";
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

// "Add document" and "Remove" for an operator who enters the admin token.
export function setupOperator({ token, form, file, status, list, onChange }) {
  const showRemove = () => list.querySelectorAll("[data-testid=source-remove]").forEach((b) => { b.hidden = !adminToken; });
  token.addEventListener("input", () => { adminToken = token.value.trim(); showRemove(); });
  const change = async (work, label) => {
    if (!adminToken) { status.textContent = "Enter the admin token first."; return; }
    const { serving } = await getJSON("/api/v1/index/status");
    status.textContent = label;
    try {
      await work();
    } catch (error) {
      status.textContent = `Refused: ${error.message}`;
      return;
    }
    if (await followBuild(status, serving)) { onChange(await renderSources(list)); showRemove(); }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!file.files.length) { status.textContent = "Choose a file to add."; return; }
    const body = new FormData();
    body.append("file", file.files[0]);
    change(() => adminRequest("POST", "/api/v1/documents", body), `Uploading ${file.files[0].name}…`)
      .then(() => { form.reset(); token.value = adminToken; });
  });
  // Remove asks once more on the same button before it deletes.
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-testid=source-remove]");
    if (!button) return;
    if (button.dataset.armed !== "true") {
      button.dataset.armed = "true";
      button.textContent = "Remove: click again to confirm";
      return;
    }
    const docId = button.dataset.docId;
    change(() => adminRequest("DELETE", `/api/v1/documents/${encodeURIComponent(docId)}`), `Removing ${docId}…`);
  });
}

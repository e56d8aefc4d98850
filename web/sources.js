// The Sources view: a table of every document (type, size, date added, passages, evidence, caveats and citations)
// with a filter and sortable columns; and the operator's panel: the admin token checked with the server, several
// files added at once (chosen or dropped) each with its own status, one rebuild followed, and removals that ask
// for a second click, can be cancelled and disarm by themselves.

import { getJSON } from "./api.js";
import { caveatBadge, el, levelLabel } from "./render.js";
import { levels } from "./vocabulary.js";

// The operator's admin token lives in these variables only: never in local storage, gone with the page.
let adminToken = "";   // the token the server accepted (empty until it has)
let checked = null;    // { value, ok, message } of the last check, so one value is never sent twice in a row

const DISARM_MS = 6000;  // an armed Remove goes back to plain "Remove" after this long
const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- The documents table --------------------------------------------------------------------------------------

const table = { documents: [], key: "title", direction: "ascending", filter: "", fresh: new Set(), updated: new Set(),
                wired: new WeakSet() };

const FORMATS = { pdf: "PDF", docx: "Word", md: "Markdown", markdown: "Markdown", html: "HTML", htm: "HTML", txt: "Text" };
export const formatLabel = (format) => FORMATS[format] || (format ? format.toUpperCase() : "unknown");

export function sizeLabel(bytes) {
  if (!Number.isFinite(bytes)) return "unknown";
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const dateLabel = (iso) => {
  const when = iso ? new Date(iso) : null;
  return when && !Number.isNaN(when.getTime()) ? DATE.format(when) : "unknown";
};
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const fileName = (d) => String(d.path || "").split("/").pop();
// Levels run strongest first (the vocabulary's order): a higher number is stronger evidence.
const strength = (level) => { const i = levels.indexOf(level); return i === -1 ? -1 : levels.length - i; };

const SORTS = {
  title: { first: "ascending", value: (d) => d.title.toLocaleLowerCase() },
  format: { first: "ascending", value: (d) => formatLabel(d.format).toLocaleLowerCase() },
  bytes: { first: "descending", value: (d) => (Number.isFinite(d.bytes) ? d.bytes : -1) },
  added: { first: "descending", value: (d) => d.added || "" },
  chunks: { first: "descending", value: (d) => d.chunks },
  level: { first: "descending", value: (d) => strength(d.evidence_level) },
};

function compare(a, b) {
  const { value } = SORTS[table.key];
  const x = value(a);
  const y = value(b);
  const order = typeof x === "string" ? x.localeCompare(y) : x - y;
  const tie = a.title.localeCompare(b.title) || a.doc_id.localeCompare(b.doc_id);
  return (table.direction === "ascending" ? order : -order) || tie;
}

function matches(d, filter) {
  if (!filter) return true;
  const needle = filter.toLocaleLowerCase();
  return [d.title, d.doc_id, fileName(d)].some((text) => String(text).toLocaleLowerCase().includes(needle));
}

function citationsLine(d) {
  return `Citations: ${d.citations.traceable} traceable, ${d.citations.untraceable} untraceable` +
    (d.citations.untraceable_examples.length ? ` (${d.citations.untraceable_examples.join("; ")})` : "");
}

function row(d) {
  const fresh = table.fresh.has(d.doc_id);
  const cell = (className, label, ...children) => el("td", { role: "cell", className, "data-label": label }, ...children);
  return el("tr", { role: "row", className: fresh ? "source just-added" : "source", "data-testid": "source-item", "data-doc-id": d.doc_id },
    el("th", { role: "rowheader", scope: "row", className: "col-title" },
      el("a", { href: `#doc/${encodeURIComponent(d.doc_id)}`, "data-role": "open", text: d.title }),
      fresh ? el("span", { className: "new-tag", text: table.updated.has(d.doc_id) ? "Updated" : "New" }) : null,
      el("span", { className: "file-name", text: fileName(d) })),
    cell("col-type", "Type", formatLabel(d.format)),
    cell("col-size", "Size", sizeLabel(d.bytes)),
    cell("col-added", "Added", d.added ? el("time", { datetime: d.added, text: dateLabel(d.added) }) : "unknown"),
    cell("col-passages", "Passages", plural(d.chunks, "passage")),
    cell("col-level", "Evidence", levelLabel(d.evidence_level)),
    cell("col-profile", "Caveats and citations",
      el("div", { className: "badges" }, d.caveats.length ? d.caveats.map(caveatBadge)
        : el("span", { className: "no-caveats", text: "No document-level caveats" })),
      el("p", { className: "source-meta citations", text: citationsLine(d) })),
    el("td", { role: "cell", className: "col-actions" },
      el("span", { className: "remove-group" },
        el("button", { type: "button", className: "remove", "data-testid": "source-remove", "data-doc-id": d.doc_id,
                       "data-role": "remove", "aria-label": `Remove “${d.title}”`, hidden: !adminToken, text: "Remove" }),
        el("button", { type: "button", className: "remove-cancel", "data-testid": "source-remove-cancel",
                       "data-role": "cancel", "aria-label": `Keep “${d.title}”`, hidden: true, text: "Cancel" }))));
}

// Redraw the rows from `table` (filter, sort, highlight), keeping focus on the same control of the same document.
function draw(list) {
  const active = document.activeElement;
  const focusedRow = active && list.contains(active) ? active.closest("[data-testid=source-item]") : null;
  const keep = focusedRow ? { doc: focusedRow.dataset.docId, role: active.dataset.role || "open" } : null;
  const shown = table.documents.filter((d) => matches(d, table.filter)).sort(compare);
  list.replaceChildren(...(shown.length ? shown.map(row)
    : [el("tr", { role: "row", className: "no-match" }, el("td", { role: "cell", colspan: "8", text: table.documents.length
      ? "No document matches the filter." : "The collection has no documents yet." }))]));
  const sortable = list.closest("table");
  if (sortable) {
    sortable.classList.toggle("operating", Boolean(adminToken));
    sortable.querySelectorAll("thead th").forEach((th) => {
      const button = th.querySelector("button[data-sort]");
      if (button && button.dataset.sort === table.key) th.setAttribute("aria-sort", table.direction);
      else th.removeAttribute("aria-sort");
    });
  }
  const count = $("sources-count");
  if (count) {
    const total = table.documents.length;
    count.textContent = !table.filter ? `${plural(total, "document")} in the collection`
      : shown.length ? `${shown.length} of ${plural(total, "document")} match “${table.filter}”`
        : `No document matches “${table.filter}” (${plural(total, "document")} in all)`;
  }
  if (keep) {
    const again = [...list.querySelectorAll("[data-testid=source-item]")].find((r) => r.dataset.docId === keep.doc);
    const target = again && (again.querySelector(`[data-role=${keep.role}]:not([hidden])`) || again.querySelector("[data-role=open]"));
    (target || $("sources-filter") || $("sources-title")).focus();
  }
}

function wireTable(list) {
  if (table.wired.has(list)) return;
  table.wired.add(list);
  const sortable = list.closest("table");
  if (sortable) {
    sortable.querySelector("thead").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-sort]");
      if (!button) return;
      const key = button.dataset.sort;
      if (key === table.key) table.direction = table.direction === "ascending" ? "descending" : "ascending";
      else { table.key = key; table.direction = SORTS[key].first; }
      draw(list);
    });
  }
  const filter = $("sources-filter");
  if (filter) filter.addEventListener("input", () => { table.filter = filter.value.trim(); draw(list); });
}

export async function renderSources(list) {
  wireTable(list);
  const { documents } = await getJSON("/api/v1/documents");
  table.documents = documents;
  draw(list);
  return documents;
}

// The newly added documents: highlighted (until the next change) and scrolled into view.
function showFresh(list, docIds, updated = []) {
  table.fresh = new Set(docIds);
  table.updated = new Set(updated);
  const filter = $("sources-filter");
  if (filter && table.filter && table.documents.some((d) => table.fresh.has(d.doc_id) && !matches(d, table.filter))) {
    filter.value = "";
    table.filter = "";
  }
  draw(list);
  const first = list.querySelector(".just-added");
  if (first) first.scrollIntoView({ block: "nearest" });
}

// --- The operator's requests -----------------------------------------------------------------------------------

// What a refusal means to a person: the header's name never shows; the file's reason does, without the field name.
async function refusal(response) {
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) return "The admin token is missing or wrong.";
  if (response.status === 403) return "Managing documents is switched off on this server (it has no admin token set).";
  if (response.status === 429) {
    const wait = Number(response.headers.get("Retry-After")) || 60;
    return `Too many wrong tokens from this browser; try again in ${wait} seconds.`;
  }
  const detail = typeof data.detail === "string" ? data.detail.replace(/^(file|doc_id): /, "")
    : `the server answered HTTP ${response.status}`;
  return detail.charAt(0).toUpperCase() + detail.slice(1);
}

const AUTH = new Set([401, 403, 429]);

async function adminRequest(method, url, token, body) {
  // A header carries Latin-1 only: such a token cannot be the server's, and fetch would refuse to send it.
  if (/[^\x00-\xff]/.test(token)) return { ok: false, auth: true, message: "The admin token is missing or wrong." };
  let response;
  try {
    response = await fetch(url, { method, body, headers: { "x-admin-token": token, Accept: "application/json" } });
  } catch {
    return { ok: false, auth: false, message: "The server could not be reached; nothing was changed." };
  }
  if (!response.ok) return { ok: false, status: response.status, auth: AUTH.has(response.status), message: await refusal(response) };
  return { ok: true, data: response.status === 204 ? {} : await response.json().catch(() => ({})) };
}

// Wait until no build is queued or running: the server coalesces every change asked for so far into the builds
// it runs, so the first idle status after a change has it (or says why it failed).
async function followBuild(status) {
  for (;;) {
    const s = await getJSON("/api/v1/index/status");
    if (s.state === "idle") return s;
    status.textContent = "Rebuilding the index… answers come from the previous collection until it is done.";
    await sleep(400);
  }
}

const quoted = (titles) => titles.map((t) => `“${t}”`).join(", ");

// --- The operator's panel --------------------------------------------------------------------------------------

export function setupOperator({ token, form, file, status, list, onChange }) {
  wireTable(list);
  const tokenForm = token.form;
  const tokenStatus = $("token-status");
  const send = form.querySelector("[data-testid=upload-send]");
  const uploads = $("upload-list");
  const zone = $("drop-zone");
  const filter = $("sources-filter");

  const removeButtons = () => list.querySelectorAll("[data-testid=source-remove]");
  const showRemove = () => {
    removeButtons().forEach((b) => { b.hidden = !adminToken; });
    const sortable = list.closest("table");
    if (sortable) sortable.classList.toggle("operating", Boolean(adminToken));
  };
  const sayToken = (text) => { if (tokenStatus) tokenStatus.textContent = text; };

  // Ask the server whether the token is right; Remove buttons show only once it is. One value is asked about
  // once (leaving the field and pressing the button both ask): wrong guesses count against this browser.
  let pending = null;
  function checkToken() {
    const value = token.value.trim();
    if (pending && pending.value === value) return pending.answer;
    const answer = askToken(value).finally(() => { if (pending && pending.value === value) pending = null; });
    pending = { value, answer };
    return answer;
  }
  async function askToken(value) {
    if (!value) { adminToken = ""; showRemove(); sayToken(""); return false; }
    if (checked && checked.value === value) {
      adminToken = checked.ok ? value : "";
      showRemove();
      sayToken(checked.message);
      return checked.ok;
    }
    sayToken("Checking the token…");
    const answer = await adminRequest("GET", "/api/v1/admin/check", value);
    if (token.value.trim() !== value) return false;  // typed on meanwhile: that value is checked next
    const ok = answer.ok;
    const message = ok ? "Token accepted: you can add documents, and remove them from the table."
      : answer.auth || answer.status ? answer.message : `The token could not be checked: ${answer.message}`;
    if (ok || answer.status === 401) checked = { value, ok, message };  // not a lock-out: it ends
    adminToken = ok ? value : "";
    showRemove();
    sayToken(message);
    return ok;
  }
  token.addEventListener("input", () => {
    if (adminToken && token.value.trim() !== adminToken) { adminToken = ""; showRemove(); sayToken(""); }
  });
  token.addEventListener("change", () => { checkToken(); });
  if (tokenForm && tokenForm !== form) tokenForm.addEventListener("submit", (event) => { event.preventDefault(); checkToken(); });

  // The chosen files, each with its state: ready, uploading, added, replaced, unchanged, refused (with the reason).
  const items = new Map();
  function listFiles(files) {
    items.clear();
    uploads.replaceChildren(...files.map((f) => {
      const state = el("span", { className: "upload-state", text: "ready to add" });
      const item = el("li", { className: "upload-item", "data-testid": "upload-item", "data-state": "ready" },
        el("span", { className: "upload-name", text: f.name }), ": ", state);
      items.set(f, { item, state });
      return item;
    }));
    uploads.hidden = !files.length;
  }
  const mark = (f, state, text) => {
    const entry = items.get(f);
    if (!entry) return;
    entry.item.dataset.state = state;
    entry.state.textContent = text;
  };
  file.addEventListener("change", () => listFiles([...file.files]));

  // Drag and drop onto the zone puts the files in the file input, so the keyboard path (the input) and the
  // mouse path send the same way; a file dropped elsewhere on the page does not open in place of the page.
  if (zone) {
    const hasFiles = (event) => event.dataTransfer && [...event.dataTransfer.types].includes("Files");
    zone.addEventListener("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", (event) => { if (!zone.contains(event.relatedTarget)) zone.classList.remove("dragging"); });
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      file.files = event.dataTransfer.files;
      listFiles([...file.files]);
      status.textContent = `${plural(file.files.length, "file")} ready to add.`;
    });
    document.addEventListener("dragover", (event) => { if (hasFiles(event) && !zone.contains(event.target)) event.preventDefault(); });
    document.addEventListener("drop", (event) => { if (!zone.contains(event.target)) event.preventDefault(); });
  }

  // After a change is accepted: follow the one rebuild, redraw the table, and say what is now searchable.
  async function finish(done) {
    const s = await followBuild(status);
    if (s.last_error) {
      status.textContent = `The rebuild failed; the previous collection still answers. ${s.last_error}`;
      return null;
    }
    const documents = await renderSources(list);
    onChange(documents);
    showRemove();
    status.textContent = `Done. ${done(documents)} · ${plural(s.documents, "document")} now searchable.`;
    return documents;
  }

  let uploading = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (uploading) return;
    const files = [...file.files];
    if (!files.length) { status.textContent = "Choose one or more files to add."; return; }
    if (!token.value.trim()) { status.textContent = "Enter the admin token first."; token.focus(); return; }
    uploading = true;
    send.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      if (!adminToken && !(await checkToken())) {
        status.textContent = (tokenStatus && tokenStatus.textContent) || "The admin token is missing or wrong.";
        return;
      }
      listFiles(files);
      const outcome = { added: [], replaced: [], unchanged: [], kept: [] };
      const refusedWhy = new Map();
      let stopped = null;
      for (const [n, f] of files.entries()) {
        if (stopped) { mark(f, "not-sent", "not sent"); outcome.kept.push(f); continue; }
        mark(f, "uploading", "uploading…");
        status.textContent = files.length > 1 ? `Uploading ${n + 1} of ${files.length}: ${f.name}…` : `Uploading ${f.name}…`;
        const body = new FormData();
        body.append("file", f);
        const answer = await adminRequest("POST", "/api/v1/documents", adminToken, body);
        if (!answer.ok) {
          mark(f, "refused", `refused: ${answer.message}`);
          refusedWhy.set(f, answer.message);
          outcome.kept.push(f);
          if (answer.auth) {
            stopped = answer.message;
            adminToken = "";
            checked = null;
            showRemove();
            sayToken(answer.message);
          }
          continue;
        }
        const { doc_id: docId, status: state, replaced } = answer.data;
        if (state === "unchanged") { mark(f, "unchanged", "unchanged, nothing to rebuild"); outcome.unchanged.push(docId); }
        else if (replaced) { mark(f, "replaced", "replaced"); outcome.replaced.push(docId); }
        else { mark(f, "added", "added"); outcome.added.push(docId); }
      }
      // Refused files stay chosen, so the operator can fix the reason and send them again; the rest leave.
      const keep = new DataTransfer();
      outcome.kept.forEach((f) => keep.items.add(f));
      file.files = keep.files;

      const changed = [...outcome.added, ...outcome.replaced];
      if (!changed.length) {
        status.textContent = stopped ? `Nothing was added. ${stopped}`
          : outcome.kept.length === 1 && files.length === 1 ? `Refused: ${refusedWhy.get(files[0])}`
            : outcome.kept.length === files.length ? "Nothing was added: every file was refused (see the list)."
              : outcome.unchanged.length === 1 && files.length === 1 ? `${files[0].name}: unchanged, nothing to rebuild.`
                : "Nothing to rebuild: no file changed the collection.";
        return;
      }
      await finish((documents) => {
        const title = (id) => (documents.find((d) => d.doc_id === id) || { title: id }).title;
        const parts = [];
        if (outcome.added.length) parts.push(`Added ${quoted(outcome.added.map(title))}`);
        if (outcome.replaced.length) parts.push(`${parts.length ? "replaced" : "Replaced"} ${quoted(outcome.replaced.map(title))}`);
        if (outcome.unchanged.length) parts.push(`${plural(outcome.unchanged.length, "file")} unchanged`);
        if (outcome.kept.length) parts.push(`${plural(outcome.kept.length, "file")} not added`);
        showFresh(list, changed, outcome.replaced);
        return parts.join("; ");
      });
    } catch (error) {
      status.textContent = `Something went wrong while adding: ${error.message}`;
    } finally {
      uploading = false;
      send.disabled = false;
      form.removeAttribute("aria-busy");
      const at = document.activeElement;
      if (!at || at === document.body || at === send || !at.isConnected) send.focus();
    }
  });

  // Remove asks once more on the same button; Cancel or Escape keeps the document, and an armed button disarms
  // by itself after a few seconds.
  const disarm = (button, focus = false) => {
    if (!button || button.dataset.armed !== "true") return;
    button.dataset.armed = "false";
    button.textContent = "Remove";
    button.classList.remove("armed");
    clearTimeout(Number(button.dataset.timer));
    const cancel = button.parentElement.querySelector("[data-role=cancel]");
    if (cancel) cancel.hidden = true;
    if (focus) button.focus();
  };
  const arm = (button) => {
    removeButtons().forEach((other) => { if (other !== button) disarm(other); });
    button.dataset.armed = "true";
    button.textContent = "Remove: click again to confirm";
    button.classList.add("armed");
    const cancel = button.parentElement.querySelector("[data-role=cancel]");
    if (cancel) cancel.hidden = false;
    button.dataset.timer = String(setTimeout(() => {
      const focusHere = cancel && document.activeElement === cancel;
      disarm(button, focusHere);
    }, DISARM_MS));
  };

  async function remove(button) {
    const docId = button.dataset.docId;
    const row = button.closest("[data-testid=source-item]");
    const doc = table.documents.find((d) => d.doc_id === docId);
    const title = doc ? doc.title : docId;
    disarm(button);
    // Focus moves on before the row goes: to the next document (or the one before), else the filter box.
    const rows = [...list.querySelectorAll("[data-testid=source-item]")];
    const at = rows.indexOf(row);
    const neighbour = rows[at + 1] || rows[at - 1];
    (neighbour ? neighbour.querySelector("[data-role=open]") : filter || $("sources-title")).focus();
    row.classList.add("removing");
    row.setAttribute("aria-busy", "true");
    button.disabled = true;
    button.textContent = "Removing…";
    status.textContent = `Removing “${title}”…`;
    const answer = await adminRequest("DELETE", `/api/v1/documents/${encodeURIComponent(docId)}`, adminToken);
    if (!answer.ok) {
      row.classList.remove("removing");
      row.removeAttribute("aria-busy");
      button.disabled = false;
      button.textContent = "Remove";
      status.textContent = `Refused: ${answer.message}`;
      if (answer.auth) { adminToken = ""; checked = null; showRemove(); sayToken(answer.message); }
      return;
    }
    table.fresh = new Set();
    await finish(() => `Removed “${title}”`);
  }

  list.addEventListener("click", (event) => {
    const cancel = event.target.closest("[data-role=cancel]");
    if (cancel) { disarm(cancel.parentElement.querySelector("[data-role=remove]"), true); return; }
    const button = event.target.closest("[data-testid=source-remove]");
    if (!button || button.disabled) return;
    if (button.dataset.armed !== "true") { arm(button); return; }
    remove(button).catch((error) => { status.textContent = `Something went wrong while removing: ${error.message}`; });
  });
  list.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const armed = list.querySelector("[data-testid=source-remove][data-armed=true]");
    if (!armed) return;
    event.preventDefault();
    disarm(armed, true);
  });
}

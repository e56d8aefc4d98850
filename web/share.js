// An answer as text or Markdown with its citations (each source named, with a link to the passage), a link that
// asks the same question again, and copying to the clipboard.

import { docHref } from "./render.js";

const origin = () => `${location.origin}${location.pathname}`;

export const shareLink = (question) => `${origin()}#ask=${encodeURIComponent(question)}`;

// The passages the answer and its warnings cite, in citation order.
function cited(data) {
  const ranks = new Set([...(data.answer.sentences || []), ...(data.answer.safety || [])].map((s) => s.citation));
  (data.answer.citations || []).forEach((rank) => ranks.add(rank));
  return data.passages.filter((p) => ranks.has(p.rank)).sort((a, b) => a.rank - b.rank);
}

const caveatsOf = (p) => p.caveats.map((c) => c.label).join(", ");
// "Title: section" without a doubled full stop, so passages of one document can be told apart.
const named = (p) => [p.source.title.replace(/[.\s]+$/, ""), p.heading].filter(Boolean).join(": ");

export function answerPlain(question, data) {
  const lines = [`Question: ${question}`, "", `Answer: ${data.answer.text}`];
  for (const w of data.answer.safety || []) lines.push(`Safety: ${w.text} [${w.citation}]`);
  if (data.caveats.length) lines.push("", `Before you rely on this: ${data.caveats.map((c) => c.label).join("; ")}`);
  lines.push("", "Sources:");
  for (const p of cited(data)) {
    lines.push(`[${p.rank}] ${named(p)}. ${origin()}${docHref(p.source)}` + (p.caveats.length ? ` (${caveatsOf(p)})` : ""));
  }
  lines.push("", data.disclaimer);
  return lines.join("\n");
}

const md = (text) => text.replace(/([\\`*_[\]<>#|])/g, "\\$1");

export function answerMarkdown(question, data) {
  const lines = [`**Question:** ${md(question)}`, "", md(data.answer.text)];
  const safety = data.answer.safety || [];
  if (safety.length) lines.push("", ...safety.map((w) => `> ⚠ **Safety:** ${md(w.text)} \\[${w.citation}\\]`));
  if (data.caveats.length) lines.push("", `**Before you rely on this:** ${data.caveats.map((c) => md(c.label)).join("; ")}`);
  lines.push("", "**Sources**", "");
  for (const p of cited(data)) {
    lines.push(`${p.rank}. [${md(named(p))}](${origin()}${docHref(p.source)})` + (p.caveats.length ? ` (${md(caveatsOf(p))})` : ""));
  }
  lines.push("", `*${md(data.disclaimer)}*`);
  return lines.join("\n");
}

// The Clipboard API where the page may use it, else a selected, hidden textarea and the copy command.
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  }
}

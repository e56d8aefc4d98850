// The conversation: send questions (streamed), render answers, keep history for follow-ups, feedback.

import { postJSON, streamQuery } from "./api.js";
import { evidenceSummary, safetyCallout } from "./glance.js";
import { answerText, el, markCitedSentence, markLegend, passageCard, relyBar } from "./render.js";

const MAX_HISTORY = 20;

export class Chat {
  constructor({ form, input, send, spinner, log, intro, titles }) {
    Object.assign(this, { form, input, send, spinner, log, intro, titles });
    this.history = [];
    this.count = 0;
    form.addEventListener("submit", (event) => { event.preventDefault(); this.ask(); });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.ask();
      }
    });
  }

  reset() {
    this.history = [];
    for (const node of [...this.log.children]) if (node !== this.intro) node.remove();
    this.intro.hidden = false;
    this.input.value = "";
    this.input.focus();
  }

  busy(on) {
    this.input.disabled = on;
    this.send.disabled = on;
    this.spinner.hidden = !on;
    this.form.setAttribute("aria-busy", on ? "true" : "false");
  }

  async ask() {
    const question = this.input.value.trim();
    if (!question || this.input.disabled) return;
    this.intro.hidden = true;
    const id = `a${++this.count}`;
    this.log.append(el("div", { className: "message user", "data-testid": "message-user" },
      el("span", { className: "who", text: "You" }), el("p", { text: question })));
    const card = el("div", { className: "message answer", "data-testid": "message-answer", id, "aria-busy": "true" },
      el("span", { className: "who", text: "From the documents" }),
      el("p", { className: "pending", text: "Searching the documents…" }));
    this.log.append(card);
    card.scrollIntoView({ block: "end" });
    this.input.value = "";
    this.busy(true);
    const history = this.history.slice(-MAX_HISTORY);
    let passagesShown = false;
    try {
      await streamQuery({ question, history, top_k: 5 }, (name, data) => {
        if (name === "passages" && !passagesShown) {
          passagesShown = true;
          this.showPassages(card, id, data.passages);
        } else if (name === "answer") {
          this.showAnswer(card, id, data);
          this.history.push({ role: "user", content: question });
          this.history.push({ role: "assistant", content: data.answer ? data.answer.text : "No answer in the documents." });
        } else if (name === "error") {
          throw new Error(data.detail || "the server could not answer");
        }
      });
    } catch (error) {
      card.replaceChildren(el("span", { className: "who", text: "Error" }),
        el("p", { className: "error", role: "alert", text: `Something went wrong: ${error.message}` }));
    } finally {
      card.setAttribute("aria-busy", "false");
      this.busy(false);
      this.input.focus();
    }
  }

  showPassages(card, id, passages) {
    const list = el("details", { className: "passages", open: true },
      el("summary", { text: `Passages (${passages.length})` }),
      markLegend(),
      passages.map((p) => passageCard(p, id)));
    card.querySelector(".pending")?.replaceWith(el("p", { className: "pending", text: "Composing the answer…" }));
    card.append(list);
  }

  // Opens passage `rank` and marks the sentence the clicked citation stands for; one marked sentence per answer.
  cite(card, id, rank, sentence = null, button = null) {
    const details = card.querySelector("details.passages");
    if (details) details.open = true;
    const target = document.getElementById(`${id}-p${rank}`);
    if (!target) return;
    card.querySelectorAll(".passage.cited").forEach((n) => { n.classList.remove("cited"); markCitedSentence(n, null); });
    card.querySelectorAll(".citation[aria-current]").forEach((b) => b.removeAttribute("aria-current"));
    if (button) button.setAttribute("aria-current", "true");
    target.classList.add("cited");
    const mark = markCitedSentence(target, sentence);
    (mark || target).scrollIntoView({ block: mark ? "center" : "nearest", behavior: "smooth" });
    target.focus({ preventScroll: true });
  }

  showAnswer(card, id, data) {
    const pending = card.querySelector(".pending");
    const body = [];
    if (data.no_answer) {
      body.push(el("div", { className: "no-answer", "data-testid": "no-answer", role: "note" },
        el("p", { className: "no-answer-title", text: "The indexed documents don't cover this." }),
        el("p", { text: "They cover: " }),
        el("ul", {}, this.titles().map((t) => el("li", { text: t })))));
    } else if (data.answer) {
      const answer = data.answer;
      const onCite = (rank, sentence, button) => this.cite(card, id, rank, sentence, button);
      if (answer.evidence) body.push(evidenceSummary(answer.evidence, data.caveats));
      if (answer.safety && answer.safety.length) body.push(safetyCallout(answer.safety, onCite, id));
      body.push(el("p", { className: "answer-text" }, answerText(answer.text, onCite, answer.sentences || [])));
    }
    const bar = relyBar(data.caveats);
    if (bar) body.push(bar);
    body.push(this.feedback(data));
    if (pending) pending.replaceWith(...body);
    else card.append(...body);
    if (!card.querySelector("details.passages")) this.showPassages(card, id, data.passages);
    if (data.no_answer) card.querySelector("details.passages").open = false;
  }

  feedback(data) {
    const status = el("span", { className: "feedback-status", role: "status" });
    const send = async (rating, button) => {
      try {
        await postJSON("/api/v1/feedback", {
          question: data.question, rating,
          passage_ids: data.passages.map((p) => `${p.source.doc_id}:${p.source.start}-${p.source.end}`),
          answer: data.answer ? data.answer.text : null,
        });
        status.textContent = "Thanks for the feedback.";
        button.setAttribute("aria-pressed", "true");
      } catch (error) {
        status.textContent = `Could not save feedback: ${error.message}`;
      }
    };
    const up = el("button", { type: "button", className: "thumb", "data-testid": "feedback-up", "aria-pressed": "false", text: "Yes" });
    const down = el("button", { type: "button", className: "thumb", "data-testid": "feedback-down", "aria-pressed": "false", text: "No" });
    up.addEventListener("click", () => send(1, up));
    down.addEventListener("click", () => send(-1, down));
    return el("p", { className: "feedback" }, el("span", { text: "Was this useful? " }), up, down, status);
  }
}

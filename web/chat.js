// The conversation: send questions (streamed), render answers, keep history for follow-ups (and, with consent,
// on this device), retry after a network failure, copy and share an answer, and one changeable feedback choice.

import { postJSON, streamQuery } from "./api.js";
import { evidenceSummary, safetyCallout } from "./glance.js";
import { clearTurns, consented, loadTurns, saveTurns, setConsent } from "./history.js";
import { askButtons, loadCollection } from "./intro.js";
import { answerText, el, markCitedSentence, markLegend, passageCard, relyBar } from "./render.js";
import { answerMarkdown, answerPlain, copyText, shareLink } from "./share.js";
import { limits } from "./vocabulary.js";

export class Chat {
  constructor({ form, input, send, spinner, log, intro, keep, clear }) {
    Object.assign(this, { form, input, send, spinner, log, intro, keep, clear });
    this.turns = [];  // {question, data}: what was asked and the response it was drawn from
    this.count = 0;
    form.addEventListener("submit", (event) => { event.preventDefault(); this.ask(); });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.ask();
      }
    });
    keep.checked = consented();
    keep.addEventListener("change", () => {
      if (!setConsent(keep.checked)) { keep.checked = false; return; }
      if (keep.checked) saveTurns(this.turns);
      this.showClear();
    });
    clear.addEventListener("click", () => { clearTurns(); this.reset(); });
    const cards = loadTurns().map((turn) => this.drawTurn(turn));
    // Back after a reload: at the newest answer, as the reader left it.
    if (cards.length) requestAnimationFrame(() => cards[cards.length - 1].scrollIntoView({ block: "start" }));
    this.showClear();
  }

  showClear() { this.clear.hidden = !this.keep.checked; }

  // The history the server resolves follow-ups with, from the turns on the page.
  history() {
    return this.turns.flatMap(({ question, data }) => [
      { role: "user", content: question },
      { role: "assistant", content: data.answer ? data.answer.text : "No answer in the documents." }]).slice(-limits.max_history_turns);
  }

  reset() {
    this.turns = [];
    saveTurns(this.turns);
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

  askShared(question, { alone = false } = {}) {
    this.input.value = question;
    this.ask({ alone });
  }

  // The question bubble and an empty answer card, earlier passages folded so the page stays short.
  startTurn(question) {
    this.intro.hidden = true;
    this.log.querySelectorAll("details.passages[open]").forEach((d) => { d.open = false; });
    const id = `a${++this.count}`;
    const user = el("div", { className: "message user", "data-testid": "message-user" },
      el("span", { className: "who", text: "You" }), el("p", { text: question }));
    const card = el("div", { className: "message answer", "data-testid": "message-answer", id, "aria-busy": "true" },
      el("span", { className: "who", text: "From the documents" }),
      el("p", { className: "pending", text: "Searching the documents…" }));
    this.log.append(user, card);
    return { id, user, card };
  }

  // `alone`: without the conversation, when a question was wrongly read as a follow-up.
  async ask({ alone = false } = {}) {
    const question = this.input.value.trim();
    if (!question || this.input.disabled) return;
    const { id, user, card } = this.startTurn(question);
    card.scrollIntoView({ block: "end" });
    this.input.value = "";
    this.busy(true);
    const history = alone ? [] : this.history();
    let passagesShown = false;
    let answered = false;
    try {
      await streamQuery({ question, history, top_k: 5 }, (name, data) => {
        if (name === "passages" && !passagesShown) {
          passagesShown = true;
          this.showPassages(card, id, data.passages);
        } else if (name === "answer") {
          const turn = { question, data };
          this.showAnswer(card, id, question, data, turn);
          this.turns.push(turn);
          saveTurns(this.turns);
          answered = true;
        } else if (name === "error") {
          throw new Error(data.detail || "the server could not answer");
        }
      });
      if (!answered) throw new Error("the answer was cut off");
    } catch (error) {
      this.failed(card, user, question, error);
    } finally {
      card.setAttribute("aria-busy", "false");
      this.busy(false);
      this.input.focus();
    }
  }

  // The question goes back in the box, and Retry asks it again in place of the failed turn.
  failed(card, user, question, error) {
    const offline = error instanceof TypeError || !navigator.onLine;
    const refused = error.status >= 400 && error.status < 500;
    if (!this.input.value) this.input.value = question;
    const retry = el("button", { type: "button", className: "retry", "data-testid": "retry", text: "Retry" });
    retry.addEventListener("click", () => {
      user.remove();
      card.remove();
      this.input.value = question;
      this.ask();
    });
    card.replaceChildren(el("span", { className: "who", text: "Not answered" }),
      el("div", { className: "failure", role: "alert", "data-testid": "failure" },
        el("p", { text: offline ? "Could not reach the server: check your connection. Your question is still in the box."
          : refused ? `The question was not accepted: ${error.message}`
            : `The server could not answer (${error.message}). Your question is still in the box.` }),
        refused ? null : retry));
  }

  showPassages(card, id, passages) {
    const list = el("details", { className: "passages", open: true },
      el("summary", { text: `Passages (${passages.length})` }),
      markLegend(),
      passages.map((p) => passageCard(p, id)));
    card.querySelector(".pending")?.replaceWith(el("p", { className: "pending", text: "Composing the answer…" }));
    card.append(list);
  }

  // A stored turn drawn again without asking the server.
  drawTurn(turn) {
    const { id, card } = this.startTurn(turn.question);
    this.showPassages(card, id, turn.data.passages);
    this.showAnswer(card, id, turn.question, turn.data, turn);
    card.setAttribute("aria-busy", "false");
    this.turns.push(turn);
    return card;
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
    // One step back to the citation, instead of Shift+Tab through every passage in between.
    card.querySelectorAll(".back-to-citation").forEach((b) => b.remove());
    if (button) {
      target.querySelector(".links").append(el("button", { type: "button", className: "linklike back-to-citation",
        "data-testid": "back-to-citation", text: "Back to the answer", onclick: () => button.focus() }));
    }
    (mark || target).scrollIntoView({ block: mark ? "center" : "nearest", behavior: "smooth" });
    target.focus({ preventScroll: true });
  }

  showAnswer(card, id, question, data, turn = { question, data }) {
    const pending = card.querySelector(".pending");
    const body = [];
    if (data.retrieval_query && data.retrieval_query !== question) body.push(this.followupNote(question, data.retrieval_query));
    if (data.no_answer) {
      card.querySelector(".who").textContent = "No answer in the documents";
      body.push(this.redirect());
    } else if (data.answer) {
      const answer = data.answer;
      const onCite = (rank, sentence, button) => this.cite(card, id, rank, sentence, button);
      if (answer.evidence) body.push(evidenceSummary(answer.evidence, data.caveats));
      if (answer.safety && answer.safety.length) body.push(safetyCallout(answer.safety, onCite, id));
      body.push(el("p", { className: "answer-text" }, answerText(answer.text, onCite, answer.sentences || [])));
      const bar = relyBar(data.caveats, id);
      if (bar) body.push(bar);
    }
    if (data.disclaimer) body.push(el("p", { className: "answer-disclaimer", "data-testid": "answer-disclaimer", text: data.disclaimer }));
    body.push(el("div", { className: "answer-tools" }, data.answer ? this.copyTools(question, data) : null, this.feedback(turn)));
    if (pending) pending.replaceWith(...body);
    else card.append(...body);
    if (!card.querySelector("details.passages")) this.showPassages(card, id, data.passages);
    if (data.no_answer) {
      const passages = card.querySelector("details.passages");
      passages.open = false;
      passages.querySelector("summary").textContent = `Closest passages (${data.passages.length}): not an answer`;
    }
  }

  // The question was read as a follow-up: say what was searched, and offer to ask it on its own.
  followupNote(question, searched) {
    return el("p", { className: "followup-note", "data-testid": "followup-note" },
      "Read as a follow-up to your earlier question; searched for “", el("q", { text: searched }), "”. ",
      el("button", { type: "button", className: "linklike", "data-testid": "ask-alone", text: "Ask it on its own",
                     onclick: () => this.askShared(question, { alone: true }) }));
  }

  // Off topic: a kind redirect to what the documents do cover, each topic a question one click away.
  redirect() {
    const note = el("div", { className: "no-answer", "data-testid": "no-answer", role: "note" },
      el("p", { className: "no-answer-title", text: "The indexed documents don't cover this." }),
      el("p", { className: "pending", text: "Loading what they cover…" }));
    loadCollection().then((found) => {
      const topics = found ? found.topics : [];
      note.lastChild.replaceWith(
        el("p", { text: topics.length ? "Try asking about one of these:" : "Try asking about a treatment in the Sources view." }),
        askButtons(topics.map((t) => ({ label: t.label, question: t.example })), (q) => this.askShared(q), "redirect-topic"));
    });
    return note;
  }

  copyTools(question, data) {
    const status = el("span", { className: "copy-status", role: "status" });
    const button = (label, testid, make) => el("button", { type: "button", className: "tool", "data-testid": testid, text: label,
      onclick: async () => { status.textContent = (await copyText(make())) ? `${label.replace("Copy ", "")}: copied.` : "Could not copy: select the text instead."; } });
    return el("p", { className: "copy" },
      button("Copy text", "copy-text", () => answerPlain(question, data)),
      button("Copy Markdown", "copy-markdown", () => answerMarkdown(question, data)),
      button("Copy link", "copy-link", () => shareLink(question)),
      status);
  }

  // One choice per answer that can be changed: the other button replaces the stored rating, not adds one.
  feedback(turn) {
    const { question, data } = turn;
    const status = el("span", { className: "feedback-status", role: "status" });
    // Kept with the turn, so a stored conversation keeps its choice (and changes the same row) after a reload.
    let rowId = turn.feedback ? turn.feedback.id : null;
    let chosen = turn.feedback ? turn.feedback.rating : null;
    const up = el("button", { type: "button", className: "thumb", "data-testid": "feedback-up", "aria-pressed": "false", text: "Yes" });
    const down = el("button", { type: "button", className: "thumb", "data-testid": "feedback-down", "aria-pressed": "false", text: "No" });
    const send = async (rating) => {
      if (chosen === rating) return;
      try {
        const row = await postJSON("/api/v1/feedback", {
          question, rating, replaces: rowId,
          passage_ids: data.passages.map((p) => `${p.source.doc_id}:${p.source.start}-${p.source.end}`),
          answer: data.answer ? data.answer.text : null,
        });
        rowId = row.id;
        chosen = rating;
        turn.feedback = { id: rowId, rating };
        saveTurns(this.turns);
        up.setAttribute("aria-pressed", String(rating === 1));
        down.setAttribute("aria-pressed", String(rating === -1));
        status.textContent = "Thanks for the feedback. You can change it.";
      } catch (error) {
        status.textContent = `Could not save feedback: ${error.message}`;
      }
    };
    up.setAttribute("aria-pressed", String(chosen === 1));
    down.setAttribute("aria-pressed", String(chosen === -1));
    up.addEventListener("click", () => send(1));
    down.addEventListener("click", () => send(-1));
    return el("p", { className: "feedback", role: "group", "aria-label": "Was this useful?" },
      el("span", { text: "Was this useful? " }), up, down, status);
  }
}

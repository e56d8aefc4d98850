"""The chat page in a real Chromium (Debian's), driven by Playwright, against a real server."""

from __future__ import annotations

import json

import pytest

from tests.browser import WEB_TOKEN, XSS, ask, require_chromium, shot

pytestmark = pytest.mark.browser

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")


def test_question_sent_with_enter_gets_cited_answer_and_passage_with_caveats(page):
    answer = ask(page, "Can I take low-dose naltrexone with opioid painkillers?")
    assert page.get_by_test_id("message-user").first.inner_text().endswith("opioid painkillers?")
    citations = answer.get_by_test_id("citation")
    assert citations.count() >= 1
    rank = citations.first.get_attribute("data-rank")
    citations.first.click()
    passage = answer.locator(f"[data-testid=passage][data-rank='{rank}']")
    passage.wait_for(state="visible")
    assert passage.get_by_test_id("caveat").count() >= 1
    assert "ai_generated" in [b.get_attribute("data-code") for b in passage.get_by_test_id("caveat").all()]
    assert answer.get_by_test_id("rely-bar").inner_text().startswith("Before you rely on this")
    assert page.get_by_test_id("chat-input").is_enabled()
    shot(page, "desktop-1280")


def test_shift_enter_makes_a_new_line_without_sending(page):
    box = page.get_by_test_id("chat-input")
    box.fill("first line")
    box.press("Shift+Enter")
    box.type("second line")
    assert box.input_value() == "first line\nsecond line"
    assert page.get_by_test_id("message-user").count() == 0


def test_caveat_detail_shows_on_keyboard_focus(page):
    answer = ask(page, "What is low-dose naltrexone originally approved for?")
    badge = answer.get_by_test_id("caveat").first
    badge.focus()
    assert badge.locator(".caveat-detail").is_visible()


def test_source_link_opens_document_with_passage_highlighted(page):
    answer = ask(page, "Does metformin help people with MS?")
    link = answer.get_by_test_id("source-link").first
    href = link.get_attribute("href")
    link.click()
    mark = page.locator("#doc-text mark.highlight")
    mark.wait_for(state="visible")
    _, _doc_id, _start, _end = href.split("/")
    passage_text = answer.get_by_test_id("passage").first.locator(".passage-text").inner_text()
    assert mark.inner_text().split() == passage_text.split()


def test_followup_uses_history(page):
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/query/stream") else None)
    ask(page, "What is low-dose naltrexone used for in MS?")
    second = ask(page, "what about side effects?", answers_before=1)
    assert sent[-1]["history"][0] == {"role": "user", "content": "What is low-dose naltrexone used for in MS?"}
    texts = " ".join(p.inner_text() for p in second.get_by_test_id("passage").all())
    assert "vivid dreams" in texts
    page.get_by_test_id("new-conversation").click()
    assert page.get_by_test_id("message-answer").count() == 0


def test_no_answer_question_says_so_and_lists_what_is_covered(page):
    answer = ask(page, "How is a broken wrist treated?")
    note = answer.get_by_test_id("no-answer")
    assert "don't cover this" in note.inner_text()
    assert "Metformin and MS" in note.inner_text()


def test_xss_probe_is_shown_as_text_and_fires_nothing(page):
    ask(page, XSS)
    assert page.get_by_test_id("message-user").first.inner_text().endswith(XSS)
    assert page.locator("img[src=x]").count() == 0
    doc_answer = ask(page, "zebrafish fin regrowth regeneration", answers_before=1)
    texts = " ".join(p.inner_text() for p in doc_answer.get_by_test_id("passage").all())
    assert XSS in texts
    # No element carries a handler, so nothing can fire later: the probe stayed text.
    assert page.locator("[onerror]").count() == 0
    assert page.dialogs == [] and page.locator("img[src=x]").count() == 0 and page.locator("main script").count() == 0


def test_sources_view_lists_every_document_with_its_profile(page):
    page.get_by_test_id("show-sources").click()
    items = page.get_by_test_id("source-item")
    items.first.wait_for()
    assert items.count() == 6
    text = page.locator("#sources").inner_text()
    assert "untraceable" in text and "Written by an AI chatbot" in text


def test_feedback_button_stores_a_row(page, site):
    import httpx

    answer = ask(page, "How are UC-MSCs sourced?")
    answer.get_by_test_id("feedback-up").click()
    answer.locator(".feedback-status").filter(has_text="Thanks").wait_for()
    rows = httpx.get(site + "/api/v1/feedback", headers={"x-admin-token": WEB_TOKEN}).json()["feedback"]
    assert [r["rating"] for r in rows if r["question"] == "How are UC-MSCs sourced?"] == [1]


def test_phone_width_is_readable(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)
    page = context.new_page()
    page.goto(site)
    ask(page, "Could stem cells bring lupus into long-term remission?")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    shot(page, "phone-375", full_page=True)
    context.close()


def test_api_docs_render_offline_under_the_csp(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations, outside = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(site) and not r.url.startswith("data:") else None,
    )
    page.goto(site + "/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() >= 8
    assert "Unable to render" not in page.inner_text("body")
    assert violations == [] and outside == []
    shot(page, "docs-1280")
    context.close()


# --- Answer at a glance: the sentence each citation stands for, safety apart, evidence summary (issue 24). ---


def answer_event(stream: str) -> dict:
    """The whole response JSON that a stream's `answer` event carried."""
    for block in stream.replace("\r\n", "\n").split("\n\n"):
        lines = block.split("\n")
        if "event: answer" in lines:
            return json.loads("\n".join(line[len("data:") :].lstrip(" ") for line in lines if line.startswith("data:")))
    raise AssertionError("the stream carried no answer event")


def ask_for_json(page, question: str, answers_before: int = 0):
    """Ask like `ask`; returns the answer element and the response it was rendered from.

    The stream is relayed through a route (Chromium does not keep a streamed body for `expect_response`)."""
    seen = []

    def relay(route):
        response = route.fetch()
        seen.append(answer_event(response.text()))
        route.fulfill(response=response)

    page.route("**/api/v1/query/stream", relay)
    try:
        answer = ask(page, question, answers_before)
    finally:
        page.unroute("**/api/v1/query/stream", relay)
    return answer, seen[-1]


def in_passage(data: dict, rank: int, quote: dict) -> tuple[int, int]:
    """The document range of the part of `quote` that lies in passage `rank`."""
    source = next(p for p in data["passages"] if p["rank"] == rank)["source"]
    assert quote["doc_id"] == source["doc_id"]
    return max(quote["start"], source["start"]), min(quote["end"], source["end"])


def passage_slice(data: dict, rank: int, quote: dict) -> str:
    """The part of `quote` (document offsets) that lies in passage `rank`: what its mark must hold."""
    passage = next(p for p in data["passages"] if p["rank"] == rank)
    start, end = in_passage(data, rank, quote)
    return passage["text"][start - passage["source"]["start"] : end - passage["source"]["start"]]


def test_citation_marks_the_sentence_it_stands_for(sized_page):
    page, expect = sized_page, sync_api.expect
    answer, data = ask_for_json(page, "Can low dose naltrexone help MS fatigue?")
    sentences = data["answer"]["sentences"]
    buttons = answer.locator(".answer-text [data-testid=citation]")
    assert sentences and buttons.count() == len(sentences)
    first = buttons.first
    rank = int(first.get_attribute("data-rank"))
    assert rank == sentences[0]["citation"]
    first.click()
    passage = answer.locator(f"[data-testid=passage][data-rank='{rank}']")
    mark = passage.get_by_test_id("cited-sentence")
    expect(mark).to_have_count(1)
    expect(mark).to_be_in_viewport()
    assert mark.text_content() == sentences[0]["text"]
    assert mark.evaluate("m => m.closest('[data-testid=passage]').dataset.rank") == str(rank)
    assert answer.locator("mark.cited-sentence").count() == 1
    assert first.get_attribute("aria-current") == "true"

    # Another citation moves the mark: one marked sentence per answer, and the document link follows it.
    last = buttons.last
    last_rank, quote = int(last.get_attribute("data-rank")), sentences[-1]
    last.click()
    moved = answer.locator(f"[data-testid=passage][data-rank='{last_rank}'] [data-testid=cited-sentence]")
    expect(moved).to_have_text(passage_slice(data, last_rank, quote))
    expect(answer.locator("mark.cited-sentence")).to_have_count(1)
    assert first.get_attribute("aria-current") is None
    link = answer.locator(f"[data-testid=passage][data-rank='{last_rank}'] [data-testid=source-link]")
    start, end = in_passage(data, last_rank, quote)
    assert link.get_attribute("href").endswith(f"/{start}/{end}")
    link.click()
    in_document = page.locator("#doc-text mark.highlight mark.cited-sentence")
    expect(in_document).to_be_visible()
    assert in_document.text_content() == passage_slice(data, last_rank, quote)


def test_safety_warnings_are_shown_apart_with_their_citations(sized_page):
    page, expect = sized_page, sync_api.expect
    answer, data = ask_for_json(page, "Is it safe to take naltrexone if I'm on oxycodone for pain?")
    safety = data["answer"]["safety"]
    assert safety, "the server gave no safety warnings for a safety question"
    callout = answer.get_by_test_id("safety-callout")
    expect(callout).to_be_visible()
    assert callout.get_attribute("role") in ("note", "alert")
    text = callout.inner_text()
    assert "opioid" in text.lower() and "pharmacist or doctor" in text
    assert callout.locator("[aria-hidden=true]").filter(has_text="⚠").count() == 1
    assert callout.get_by_test_id("safety-warning").count() == len(safety)
    # Apart from the answer text, and above it.
    assert callout.evaluate("n => !n.closest('.answer-text') && !n.querySelector('.answer-text')")
    assert callout.bounding_box()["y"] < answer.locator(".answer-text").bounding_box()["y"]
    # Its citations open their passage and mark the warning, like the answer's.
    button = callout.get_by_test_id("citation").first
    rank = int(button.get_attribute("data-rank"))
    button.click()
    mark = answer.locator(f"[data-testid=passage][data-rank='{rank}'] [data-testid=cited-sentence]")
    expect(mark).to_have_text(passage_slice(data, rank, safety[0]))
    answer.evaluate("n => n.scrollIntoView({block: 'start'})")
    shot(page, f"safety-{page.width}")


def test_evidence_summary_and_mark_legend(sized_page):
    page = sized_page
    answer, data = ask_for_json(page, "Can low dose naltrexone help MS fatigue?")
    evidence = data["answer"]["evidence"]
    assert evidence, "the server gave no evidence summary"
    vocabulary = page.evaluate("fetch('/api/v1/vocabulary').then(r => r.json())")
    summary = answer.get_by_test_id("evidence-summary")
    summary.wait_for()
    level = summary.get_by_test_id("evidence-level")
    assert level.get_attribute("data-level") == evidence["strongest_level"]
    assert level.inner_text() == vocabulary["level_labels"][evidence["strongest_level"]]
    assert "Strongest evidence cited:" in summary.inner_text()
    assert f"from {evidence['documents']} document" in summary.inner_text()
    scale = summary.locator(".level-scale")
    assert scale.get_attribute("role") == "img" and vocabulary["level_labels"][
        evidence["strongest_level"]
    ] in scale.get_attribute("aria-label")
    assert scale.locator(".segment").count() == len(vocabulary["levels"])
    assert scale.locator(".segment.strongest").get_attribute("data-level") == evidence["strongest_level"]
    codes = [c["code"] for c in data["caveats"]]
    assert summary.get_by_test_id("sources-disagree").count() == int("sources_disagree" in codes)
    assert summary.bounding_box()["y"] < answer.locator(".answer-text").bounding_box()["y"]

    legend = answer.get_by_test_id("mark-legend")
    assert legend.is_visible()
    assert "Sentence the answer cites" in legend.inner_text() and "Caveat cue" in legend.inner_text()
    # Caveat cues carry their own labelled style, apart from the cited sentence's.
    cue = answer.get_by_test_id("caveat-cue").first
    assert cue.get_attribute("title").startswith("Caveat cue: ")
    assert cue.evaluate("m => getComputedStyle(m).backgroundColor") != page.evaluate(
        "() => { const m = document.createElement('mark'); m.className = 'cited-sentence'; document.body.append(m);"
        " const c = getComputedStyle(m).backgroundColor; m.remove(); return c; }"
    )


SAID = "It helps (see [3]), says one source."
ONE = f"Intro. {SAID} More."
TWO = f"Never combine it with {XSS} opioids. Rest."
WARNING = f"Never combine it with {XSS} opioids."
CANNED = {
    "question": "Can I combine it?",
    "retrieval_query": "Can I combine it?",
    "no_answer": False,
    "answer": {
        "text": f"{SAID} [1]",
        "citations": [1],
        "sentences": [
            {
                "text": SAID,
                "citation": 1,
                "doc_id": "d1",
                "start": 100 + ONE.index(SAID),
                "end": 100 + ONE.index(SAID) + len(SAID),
            }
        ],
        "safety": [{"text": WARNING, "citation": 2, "doc_id": "d2", "start": 0, "end": len(WARNING)}],
        "evidence": {
            "strongest_level": "randomized_trial",
            "levels": {"randomized_trial": 1, "preclinical": 2},
            "documents": 2,
        },
    },
    "passages": [
        {
            "rank": 1,
            "score": 0.5,
            "text": ONE,
            "heading": None,
            "evidence_level": "randomized_trial",
            "caveats": [],
            "source": {
                "doc_id": "d1",
                "title": "One",
                "path": "d1.txt",
                "url": None,
                "start": 100,
                "end": 100 + len(ONE),
            },
        },
        {
            "rank": 2,
            "score": 0.4,
            "text": TWO,
            "heading": None,
            "evidence_level": "preclinical",
            "source": {"doc_id": "d2", "title": "Two", "path": "d2.txt", "url": None, "start": 0, "end": len(TWO)},
            "caveats": [
                {
                    "code": "safety_warning",
                    "label": "Safety warning",
                    "severity": "high",
                    "detail": "x",
                    "quote": "Never combine it",
                    "start": 0,
                    "end": 16,
                }
            ],
        },
    ],
    "caveats": [
        {
            "code": "sources_disagree",
            "label": "Sources disagree",
            "severity": "medium",
            "detail": "The passages report opposite findings.",
        }
    ],
    "disclaimer": "General information.",
    "timings_ms": {"embed": 0.0, "search": 0.0, "total": 0.0},
}


def test_answer_parts_render_from_a_canned_response_as_text(page):
    """Rendering alone, from a fixed response: disagreement tag, quoted warning as text, nested marks."""
    expect = sync_api.expect
    stream = (
        f"event: passages\r\ndata: {json.dumps({'passages': CANNED['passages']})}\r\n\r\n"
        f"event: answer\r\ndata: {json.dumps(CANNED)}\r\n\r\nevent: done\r\ndata: {{}}\r\n\r\n"
    )
    page.route(
        "**/api/v1/query/stream",
        lambda route: route.fulfill(status=200, body=stream, headers={"Content-Type": "text/event-stream"}),
    )
    answer = ask(page, "Can I combine it?")
    summary = answer.get_by_test_id("evidence-summary")
    expect(summary.get_by_test_id("sources-disagree")).to_have_text("Sources disagree")
    assert "3 passages from 2 documents: 1 randomized trial, 2 lab or animal study" in summary.inner_text()
    callout = answer.get_by_test_id("safety-callout")
    assert XSS in callout.inner_text() and page.locator("img[src=x]").count() == 0
    callout.get_by_test_id("citation").click()
    mark = answer.locator("[data-testid=passage][data-rank='2'] [data-testid=cited-sentence]")
    expect(mark).to_have_text(WARNING)
    # The caveat cue inside the cited sentence stays marked, nested in it.
    expect(mark.get_by_test_id("caveat-cue")).to_have_text("Never combine it")
    # A "[3]" quoted inside a sentence stays text: one button, for the one citation.
    answer.locator(".answer-text [data-testid=citation]").click()
    expect(answer.locator("[data-testid=passage][data-rank='1'] [data-testid=cited-sentence]")).to_have_text(SAID)
    expect(answer.locator("mark.cited-sentence")).to_have_count(1)
    sentence = CANNED["answer"]["sentences"][0]
    assert (
        answer.locator("[data-rank='1'] [data-testid=source-link]").get_attribute("href")
        == f"#doc/d1/100/{100 + len(ONE)}/{sentence['start']}/{sentence['end']}"
    )

"""The chat page as people use it (issue 25), in a real Chromium against a real server over the seeds: the first
screen, reading an answer, the off-topic redirect, the document drawer, copy and share, history with consent,
network failures, feedback, dark mode, keyboard and phone."""

from __future__ import annotations

import httpx
import pytest

from tests.browser import (
    DESKTOP,
    PHONE,
    WEB_TOKEN,
    ask,
    axe_violations,
    open_page,
    require_chromium,
    shot,
    wait_for_answer,
)

pytestmark = pytest.mark.browser

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
SIZES = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


@SIZES
def test_first_visit_shows_what_is_indexed_and_examples_that_ask(browser, site, viewport):
    collection = httpx.get(site + "/api/v1/collection").json()
    with open_page(browser, site, viewport) as page:
        expect(page.get_by_test_id("collection-size")).to_contain_text(f"{collection['documents']} documents indexed")
        topics = page.get_by_test_id("topic")
        expect(topics).to_have_count(collection["documents"])
        labels = [t["label"] for t in collection["topics"]]
        assert topics.all_inner_texts() == labels
        # A document without a title is named by its key terms, never by a cut-off first sentence.
        untitled = next(t for t in collection["topics"] if t["doc_id"].startswith("002_"))
        assert "SLE" in untitled["label"] and not untitled["label"].startswith("A promising")
        examples = page.get_by_test_id("example-question")
        assert 3 <= examples.count() <= 4
        shot(page, f"first-visit-{page.width}")
        assert axe_violations(page) == []
        question = examples.nth(2).inner_text()
        examples.nth(2).click()
        answer = wait_for_answer(page)
        assert page.get_by_test_id("message-user").first.inner_text().endswith(question)
        assert answer.get_by_test_id("no-answer").count() == 0
        expect(page.get_by_test_id("intro")).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= page.width


def test_earlier_passages_fold_and_each_answer_carries_the_disclaimer(page):
    first = ask(page, "Does metformin help people with MS?")
    assert first.locator("details.passages").evaluate("d => d.open")
    second = ask(page, "Can low dose naltrexone help MS fatigue?", answers_before=1)
    assert not first.locator("details.passages").evaluate("d => d.open")
    assert second.locator("details.passages").evaluate("d => d.open")
    for answer in (first, second):
        expect(answer.get_by_test_id("answer-disclaimer")).to_contain_text("not medical advice")
    # A citation in the folded answer opens its passages again.
    first.locator(".answer-text [data-testid=citation]").first.click()
    assert first.locator("details.passages").evaluate("d => d.open")


def test_rely_bar_items_can_be_focused_and_tapped_and_say_how_serious(page):
    answer = ask(page, "Can I take low-dose naltrexone with opioid painkillers?")
    items = answer.get_by_test_id("rely-item")
    assert items.count() >= 2
    codes = [i.get_attribute("data-code") for i in items.all()]
    assert "ai_generated" in codes and "safety_warning" in codes
    item = answer.locator("[data-testid=rely-item][data-code=ai_generated]")
    item.focus()
    assert page.evaluate("document.activeElement.dataset.code") == "ai_generated"
    page.keyboard.press("Enter")
    detail = answer.locator(f"#{item.get_attribute('aria-controls')}")
    expect(detail).to_be_visible()
    assert item.get_attribute("aria-expanded") == "true"
    assert "severity" in detail.inner_text() and "high" in item.inner_text().lower()
    page.keyboard.press("Enter")
    expect(detail).to_be_hidden()
    # The safety warning looks apart from the doubt about the source, though both are high.
    safety = answer.locator("[data-testid=rely-item][data-code=safety_warning]")
    style = "n => getComputedStyle(n).backgroundColor"
    assert safety.evaluate(style) != item.evaluate(style)
    assert safety.locator(".rely-icon").inner_text() == "⚠"
    # A chatbot transcript's first URL is not where it came from: named for what it is.
    assert answer.locator("a.original-link").first.inner_text() == "First link in the text"
    assert "Original page" not in answer.inner_text()
    # "What the badges mean" opens the glossary.
    safety.click()
    answer.locator("[data-glossary=safety_warning]").click()
    expect(page.get_by_test_id("glossary")).to_be_visible()


def test_off_topic_question_is_a_kind_redirect_with_topics_that_ask(page):
    answer = ask(page, "How is a broken wrist treated?")
    note = answer.get_by_test_id("no-answer")
    expect(note).to_contain_text("don't cover this")
    expect(note).to_contain_text("Metformin and MS")
    assert note.get_attribute("role") == "note"
    # Nothing meaningless about evidence or match quality, and not styled as an error.
    assert answer.get_by_test_id("rely-bar").count() == 0 and answer.get_by_test_id("evidence-summary").count() == 0
    assert answer.locator("[role=alert], .error").count() == 0
    topics = note.get_by_test_id("redirect-topic")
    expect(topics).to_have_count(len(httpx.get(page.url.split("#")[0] + "api/v1/collection").json()["topics"]))
    assert all(not t.startswith("A promising") for t in topics.all_inner_texts())
    shot(page, "off-topic-1280")
    topics.first.click()
    redirected = wait_for_answer(page, 1)
    assert redirected.get_by_test_id("no-answer").count() == 0


@SIZES
def test_document_drawer_shows_its_title_closes_with_escape_and_returns_focus(browser, site, viewport):
    with open_page(browser, site, viewport) as page:
        answer = ask(page, "Does metformin help people with MS?")
        link = answer.get_by_test_id("source-link").first
        assert "characters" not in link.inner_text()
        link.focus()
        page.keyboard.press("Enter")
        drawer = page.get_by_test_id("doc-view")
        expect(drawer).to_be_visible()
        expect(page.locator("#doc-text mark.highlight")).to_be_visible()
        title = page.locator("#doc-title")
        box = title.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], "the drawer's title is off screen"
        assert drawer.evaluate("d => d.open && d.matches(':modal')")
        meta = page.locator("#doc-meta").inner_text()
        assert "null" not in meta and "characters" not in meta
        shot(page, f"document-{page.width}")
        assert axe_violations(page) == []
        page.keyboard.press("Escape")
        expect(drawer).to_be_hidden()
        assert page.evaluate("document.activeElement.dataset.testid") == "source-link"
        assert "#doc/" not in page.url


def test_copy_answer_as_text_and_markdown_and_share_a_link(browser, site):
    with open_page(browser, site, permissions=["clipboard-read", "clipboard-write"]) as page:
        question = "Does metformin help people with MS?"
        answer = ask(page, question)
        clipboard = "navigator.clipboard.readText()"
        answer.get_by_test_id("copy-text").click()
        expect(answer.locator(".copy-status")).to_contain_text("copied")
        text = page.evaluate(clipboard)
        assert text.startswith(f"Question: {question}") and "Sources:" in text and "[1] " in text
        assert "#doc/" in text and "not medical advice" in text
        answer.get_by_test_id("copy-markdown").click()
        markdown = page.evaluate(clipboard)
        assert "**Sources**" in markdown and "](http" in markdown
        answer.get_by_test_id("copy-link").click()
        link = page.evaluate(clipboard)
        assert "#ask=" in link
    with open_page(browser, link) as shared:
        asked = wait_for_answer(shared)
        assert shared.get_by_test_id("message-user").first.inner_text().endswith(question)
        assert asked.get_by_test_id("citation").count() >= 1


def test_history_is_kept_only_with_consent_and_can_be_cleared(page):
    ask(page, "Does metformin help people with MS?")
    page.reload()
    expect(page.get_by_test_id("intro")).to_be_visible()
    assert page.get_by_test_id("message-answer").count() == 0
    assert page.evaluate("() => localStorage.length") == 0
    page.get_by_test_id("keep-history").check()
    ask(page, "Can low dose naltrexone help MS fatigue?")
    citations = page.get_by_test_id("message-answer").first.get_by_test_id("citation").count()
    page.reload()
    expect(page.get_by_test_id("message-answer")).to_have_count(1)
    assert page.get_by_test_id("message-user").first.inner_text().endswith("MS fatigue?")
    assert page.get_by_test_id("message-answer").first.get_by_test_id("citation").count() == citations
    assert page.get_by_test_id("keep-history").is_checked()
    # A follow-up after the reload still sends the earlier turn as history.
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/query/stream") else None)
    ask(page, "what about side effects?", answers_before=1)
    assert sent[-1]["history"][0]["content"] == "Can low dose naltrexone help MS fatigue?"
    page.get_by_test_id("clear-history").click()
    assert page.get_by_test_id("message-answer").count() == 0
    assert page.evaluate("() => localStorage.getItem('evidence-qa.history')") in (None, "[]")
    page.get_by_test_id("keep-history").uncheck()
    assert page.evaluate("() => localStorage.length") == 0


def test_network_failure_keeps_the_question_and_offers_retry(page):
    page.route("**/api/v1/query/stream", lambda route: route.abort("internetdisconnected"))
    question = "Does metformin help people with MS?"
    failed = ask(page, question)
    expect(failed.get_by_test_id("failure")).to_contain_text("Could not reach the server")
    assert page.get_by_test_id("chat-input").input_value() == question
    assert "Failed to fetch" not in failed.inner_text()
    page.unroute("**/api/v1/query/stream")
    failed.get_by_test_id("retry").click()
    answer = wait_for_answer(page)
    assert answer.get_by_test_id("citation").count() >= 1
    expect(page.get_by_test_id("message-user")).to_have_count(1)
    assert page.get_by_test_id("chat-input").input_value() == ""


def test_feedback_is_one_choice_that_can_be_changed(page, site):
    question = "How are UC-MSCs sourced for lupus?"
    answer = ask(page, question)
    up, down = answer.get_by_test_id("feedback-up"), answer.get_by_test_id("feedback-down")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    down.click()
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(answer.locator(".feedback-status")).to_contain_text("change it")
    rows = httpx.get(site + "/api/v1/feedback", headers={"x-admin-token": WEB_TOKEN}).json()["feedback"]
    mine = [r for r in rows if r["question"] == question]
    assert [r["rating"] for r in mine] == [-1]


def test_dark_mode_follows_the_system_and_stays_readable(browser, site):
    with open_page(browser, site, color_scheme="dark") as page:
        answer = ask(page, "Can I take low-dose naltrexone with opioid painkillers?")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
        assert max(channels) < 60, background
        answer.get_by_test_id("citation").first.click()
        shot(page, "dark-1280")
        assert axe_violations(page) == []


def test_keyboard_skip_links_badge_groups_and_focus_above_the_question_box(page):
    answer = ask(page, "Can I take low-dose naltrexone with opioid painkillers?")
    # Each passage's badges are one tab stop; the arrow keys move inside.
    for group in answer.locator(".passage .badges[role=group]").all():
        assert group.locator("[tabindex='0']").count() == 1
    group = answer.locator(".passage .badges[role=group]").first
    group.locator("[tabindex='0']").focus()
    first = page.evaluate("document.activeElement.dataset.code")
    page.keyboard.press("ArrowRight")
    if group.get_by_test_id("caveat").count() > 1:
        assert page.evaluate("document.activeElement.dataset.code") != first
    assert page.evaluate("document.activeElement.querySelector('.caveat-detail') !== null")
    # Focus never hides under the sticky question box.
    composer_top = page.get_by_test_id("chat-input").evaluate("n => n.closest('form').getBoundingClientRect().top")
    last = answer.get_by_test_id("feedback-down")
    page.evaluate("window.scrollTo(0, 0)")
    last.focus()
    assert last.evaluate("n => n.getBoundingClientRect().bottom") <= composer_top
    # From the question box, the views are a few Tabs away (past the end of the page: the skip links, the header).
    page.get_by_test_id("chat-input").focus()
    for presses in range(1, 8):  # noqa: B007 (read after the loop)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Skip to sources":
            break
    assert presses <= 4, f"{presses} Tabs from the question box to the skip link"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0, (
        "the focused skip link is off screen"
    )
    page.keyboard.press("Enter")
    expect(page.locator("#sources")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "sources-title"
    page.get_by_test_id("show-check").click()
    assert page.evaluate("document.activeElement.id") == "check-title"


def test_phone_header_and_question_box_leave_room_to_read(browser, site):
    with open_page(browser, site, PHONE) as page:
        header = page.locator(".topbar").bounding_box()
        composer = page.locator("#composer").bounding_box()
        assert header["height"] + composer["height"] <= 0.22 * PHONE["height"], (header, composer)
        assert page.locator(".topbar nav").evaluate("n => n.scrollWidth <= n.clientWidth"), "a view button is cut off"
        box = page.get_by_test_id("chat-input")
        fits = box.evaluate("""b => { const c = document.createElement('canvas').getContext('2d');
                                      c.font = getComputedStyle(b).font;
                                      return c.measureText(b.placeholder).width <= b.clientWidth - 12; }""")
        assert fits, "the placeholder is clipped"
        ask(page, "Could stem cells bring lupus into long-term remission?")
        shot(page, "answer-375", full_page=True)
        assert axe_violations(page) == []


def test_chat_with_an_answer_has_no_serious_accessibility_violations(page):
    answer = ask(page, "Is it safe to take naltrexone if I'm on oxycodone for pain?")
    answer.get_by_test_id("citation").first.click()
    answer.get_by_test_id("rely-item").first.click()
    shot(page, "answer-1280")
    assert axe_violations(page) == []


def test_api_docs_group_routes_by_feature_and_the_query_example_is_clean(site):
    spec = httpx.get(site + "/openapi.json").json()
    tags = [t["name"] for t in spec["tags"]]
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            assert operation.get("tags") and operation["tags"][0] in tags, f"{method.upper()} {path} has no feature tag"
    example = spec["components"]["schemas"]["QueryRequest"]["examples"][0]
    assert example["history"] == [] and "naltrexone" in example["question"]


def test_back_returns_to_the_previous_view_and_closes_the_drawer(page):
    page.get_by_test_id("show-sources").click()
    page.get_by_test_id("show-check").click()
    page.go_back()
    expect(page.locator("#sources")).to_be_visible()
    page.go_back()
    expect(page.get_by_test_id("chat-input")).to_be_visible()
    answer = ask(page, "Does metformin help people with MS?")
    answer.get_by_test_id("source-link").first.click()
    expect(page.get_by_test_id("doc-view")).to_be_visible()
    page.go_back()
    expect(page.get_by_test_id("doc-view")).to_be_hidden()
    assert page.url.startswith("http://127.0.0.1")  # still on the page


def test_a_followup_says_what_was_searched_and_can_be_asked_alone(page):
    ask(page, "What is low-dose naltrexone used for in MS?")
    followup = ask(page, "what about side effects?", answers_before=1)
    note = followup.get_by_test_id("followup-note")
    expect(note).to_contain_text("naltrexone")
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/query/stream") else None)
    note.get_by_test_id("ask-alone").click()
    alone = wait_for_answer(page, 2)
    assert sent[-1]["history"] == [] and sent[-1]["question"] == "what about side effects?"
    assert alone.get_by_test_id("followup-note").count() == 0


def test_a_restored_conversation_keeps_its_feedback_and_a_citation_leads_back(page, site):
    page.get_by_test_id("keep-history").check()
    question = "Does low dose naltrexone cause vivid dreams?"
    answer = ask(page, question)
    answer.get_by_test_id("feedback-up").click()
    expect(answer.get_by_test_id("feedback-up")).to_have_attribute("aria-pressed", "true")
    page.reload()
    restored = page.get_by_test_id("message-answer").first
    expect(restored.get_by_test_id("feedback-up")).to_have_attribute("aria-pressed", "true")
    restored.get_by_test_id("feedback-down").click()
    expect(restored.get_by_test_id("feedback-down")).to_have_attribute("aria-pressed", "true")
    rows = httpx.get(site + "/api/v1/feedback", headers={"x-admin-token": WEB_TOKEN}).json()["feedback"]
    assert [r["rating"] for r in rows if r["question"] == question] == [-1]
    # A citation moves focus to its passage; one button brings it back.
    citation = restored.locator(".answer-text [data-testid=citation]").first
    citation.click()
    rank = citation.get_attribute("data-rank")
    restored.locator(f"[data-testid=passage][data-rank='{rank}'] [data-testid=back-to-citation]").click()
    assert page.evaluate("document.activeElement.dataset.testid") == "citation"
    page.get_by_test_id("clear-history").click()


def test_an_off_topic_answer_labels_its_passages_as_not_an_answer(page):
    answer = ask(page, "What's the capital of France?")
    assert "No answer" in answer.locator(".who").text_content()
    assert "not an answer" in answer.locator("details.passages summary").inner_text()

"""The chat page in a real Chromium (Debian's), driven by Playwright, against a real server."""

from __future__ import annotations

import shutil

import pytest

from rag.api import create_app
from rag.engine import Engine
from rag.index import build_index
from tests.conftest import ROOT
from tests.browser import ARGS, CHROMIUM, ask, require_chromium
from tests.servers import running

SHOTS = ROOT / "test-output" / "screenshots"
XSS = "<img src=x onerror=alert(1)>"
WEB_TOKEN = "web-test-operator"

pytestmark = pytest.mark.browser

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(settings, embedder, tmp_path_factory):
    """A server over the seeds plus one hostile document."""
    docs = tmp_path_factory.mktemp("webdocs")
    for path in settings.docs_dir.iterdir():
        shutil.copy(path, docs)
    (docs / "900_xss.md").write_text(
        f"# Zebrafish fin regrowth notes {XSS}\n\nZebrafish regrow their fins after injury. {XSS} "
        "Researchers study zebrafish fin regeneration <script>alert(2)</script> in laboratory tanks.\n")
    local = settings.model_copy(update={"docs_dir": docs, "index_dir": tmp_path_factory.mktemp("webindex"),
                                        "admin_token": WEB_TOKEN})
    build_index(local, embedder)
    engine = Engine(local, embedder)
    with running(create_app(local, engine)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(base_url)
    yield page
    assert page.errors == []
    context.close()


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
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "desktop-1280.png"))


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
    _, doc_id, start, end = href.split("/")
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


def test_feedback_button_stores_a_row(page, base_url):
    import httpx

    answer = ask(page, "How are UC-MSCs sourced?")
    answer.get_by_test_id("feedback-up").click()
    answer.locator(".feedback-status").filter(has_text="Thanks").wait_for()
    rows = httpx.get(base_url + "/api/v1/feedback", headers={"x-admin-token": WEB_TOKEN}).json()["feedback"]
    assert rows[-1]["question"] == "How are UC-MSCs sourced?" and rows[-1]["rating"] == 1


def test_phone_width_is_readable(browser, base_url):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)
    page = context.new_page()
    page.goto(base_url)
    ask(page, "Could stem cells bring lupus into long-term remission?")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone-375.png"), full_page=True)
    context.close()


CHECK_TEXT = (
    "Coffee and memory\n\n"
    "Drinking coffee may lower the risk of dementia, researchers suggest. "
    "A prospective cohort of 2,000 adults was followed for ten years. "
    f"The study did not find any effect on memory scores ({XSS}). Experts hailed it as a breakthrough."
)


def check_a_text(page, text: str):
    page.get_by_test_id("show-check").click()
    box = page.get_by_test_id("check-input")
    box.fill(text)
    page.get_by_test_id("check-send").click()
    page.get_by_test_id("check-profile").wait_for(timeout=60_000)


def test_check_a_text_shows_profile_and_flagged_sentences(page):
    check_a_text(page, CHECK_TEXT)
    profile = page.get_by_test_id("check-profile")
    assert "Observational study" in profile.inner_text()
    assert "mixed_evidence" in [b.get_attribute("data-code") for b in profile.get_by_test_id("caveat").all()]
    flagged = page.get_by_test_id("flagged-sentence")
    codes = {code for mark in flagged.all() for code in mark.get_attribute("data-codes").split()}
    assert {"speculative_language", "mixed_evidence", "promotional_tone"} <= codes
    text = page.get_by_test_id("check-text").inner_text()
    assert "Hedged claims" in text and "Mixed or null results" in text and "reports: Observational study" in text
    # The pasted probe is text, not markup.
    assert XSS in text and page.locator("img[src=x]").count() == 0 and page.dialogs == []
    # Keyboard: Tab from the Check button reaches the first flagged sentence.
    page.get_by_test_id("check-send").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "flagged-sentence":
            break
    assert page.evaluate("document.activeElement.dataset.testid") == "flagged-sentence"
    assert "Hedged claims" in page.evaluate("document.activeElement.getAttribute('aria-label')")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "check-1280.png"), full_page=True)


def test_check_a_text_empty_input_says_so(page):
    page.get_by_test_id("show-check").click()
    page.get_by_test_id("check-input").fill("   ")
    page.locator("#check-form").evaluate("form => form.requestSubmit()")
    assert "Paste some text" in page.locator("#check-output").inner_text()


def test_check_a_text_at_phone_width(browser, base_url):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)
    page = context.new_page()
    page.goto(base_url)
    check_a_text(page, CHECK_TEXT)
    assert page.get_by_test_id("flagged-sentence").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "check-375.png"), full_page=True)
    context.close()


def test_api_docs_render_offline_under_the_csp(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations, outside = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) and not r.url.startswith("data:") else None)
    page.goto(base_url + "/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() >= 8
    assert "Unable to render" not in page.inner_text("body")
    assert violations == [] and outside == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "docs-1280.png"))
    context.close()


@pytest.fixture
def operator_page(browser, settings, embedder, tmp_path):
    """A server of its own over a writable copy of the seeds: the operator's changes must not leak into other tests."""
    docs = tmp_path / "docs"
    shutil.copytree(settings.docs_dir, docs)
    local = settings.model_copy(update={"docs_dir": docs, "index_dir": tmp_path / "index", "admin_token": WEB_TOKEN,
                                        "watch_seconds": 0})
    build_index(local, embedder)
    with running(create_app(local, Engine(local, embedder))) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(url)
        yield page, docs
        assert page.errors == []
        context.close()


def test_operator_adds_and_removes_a_pdf_from_the_sources_view(operator_page, tmp_path):
    from tests.documents import make_pdf

    page, docs = operator_page
    pdf = make_pdf(tmp_path / "Clemastine leaflet.pdf")
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x90\x00")
    page.get_by_test_id("show-sources").click()
    page.locator("#operator summary").click()
    status = page.get_by_test_id("index-status")
    expect = sync_api.expect

    # Without the token nothing is sent; no Remove buttons are offered.
    page.get_by_test_id("upload-file").set_input_files(str(pdf))
    page.get_by_test_id("upload-send").click()
    expect(status).to_contain_text("admin token")
    assert page.get_by_test_id("source-remove").first.is_hidden()

    page.get_by_test_id("admin-token").fill(WEB_TOKEN)
    expect(page.get_by_test_id("source-remove").first).to_be_visible()
    page.get_by_test_id("upload-file").set_input_files(str(bad))
    page.get_by_test_id("upload-send").click()
    expect(status).to_contain_text("Refused: file: type .exe")
    assert sorted(p.name for p in docs.iterdir()) == sorted(p.name for p in ROOT.joinpath("seeds").iterdir())

    page.get_by_test_id("upload-file").set_input_files(str(pdf))
    page.get_by_test_id("upload-send").click()
    expect(status).to_contain_text("Done: 6 documents", timeout=120_000)
    item = page.locator("[data-testid=source-item][data-doc-id='Clemastine-leaflet']")
    expect(item).to_contain_text("Clemastine and remyelination in MS")
    assert page.evaluate("() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})").count(WEB_TOKEN) == 0

    answer = ask(page, "Does clemastine repair myelin in MS?")
    link = answer.get_by_test_id("source-link").filter(has_text="page 1,").first
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("#doc-view")).to_be_visible()
    expect(page.get_by_test_id("page-break")).to_have_count(2)
    expect(page.locator("#doc-text mark.highlight").first).to_be_visible()
    page.locator("[data-close=doc-view]").click()

    remove = item.get_by_test_id("source-remove")
    remove.click()
    expect(remove).to_contain_text("click again")
    remove.click()
    expect(status).to_contain_text("Done: 5 documents", timeout=120_000)
    expect(page.locator("[data-testid=source-item][data-doc-id='Clemastine-leaflet']")).to_have_count(0)
    assert not (docs / "Clemastine-leaflet.pdf").exists()

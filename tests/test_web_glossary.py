"""The glossary ("Badges explained") in a real Chromium against a real server: built from GET /api/v1/vocabulary,
one click from the header, every code with its badge, meaning and example cue, every level strongest first;
Escape and the close button give focus back; it fits 375 and 1280 px and passes axe."""

from __future__ import annotations

import pytest

from tests.browser import axe_violations, require_chromium, shot
from tests.test_web_check import wired

pytestmark = pytest.mark.browser

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")


def vocabulary(page) -> dict:
    response = page.request.get(page.url.split("#")[0] + "api/v1/vocabulary")
    assert response.ok
    return response.json()


def open_from_header(page):
    wired(page)
    page.get_by_test_id("show-glossary").click()
    glossary = page.get_by_test_id("glossary")
    glossary.wait_for(state="visible")
    return glossary


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


def test_glossary_lists_every_code_severity_and_level_from_the_vocabulary(page):
    words = vocabulary(page)
    glossary = open_from_header(page)
    assert glossary.get_by_role("heading", name="What the badges and levels mean").is_visible()
    # Severities, each in the badge style a caveat of that severity gets, with what it means.
    shown = [e.get_attribute("data-severity") for e in glossary.get_by_test_id("glossary-severity").all()]
    assert shown == words["severities"]
    for severity in words["severities"]:
        entry = glossary.locator(f"[data-testid=glossary-severity][data-severity={severity}]")
        assert entry.locator(f".caveat.sev-{severity}").inner_text() == words["severity_labels"][severity]
        assert words["severity_details"][severity] in entry.inner_text()
    # Every code: its badge (the caveat badge's look), label, meaning and an example cue (or where it is judged).
    entries = glossary.get_by_test_id("glossary-code")
    assert sorted(e.get_attribute("data-code") for e in entries.all()) == sorted(c["code"] for c in words["codes"])
    for code in words["codes"]:
        entry = glossary.locator(f"#glossary-{code['code']}")
        badge = entry.locator(f".caveat.sev-{code['severity']}")
        assert badge.inner_text() == code["label"]
        text = entry.inner_text()
        assert code["detail"] in text
        if code["examples"]:
            assert [q.inner_text() for q in entry.locator("q").all()] == code["examples"]
        else:
            assert code["scope_detail"] in text
    assert "may help" in glossary.locator("#glossary-speculative_language").inner_text()
    # The badge looks like the one on a passage: same colours as a caveat badge of that severity.
    colours = page.evaluate("""() => { const probe = document.createElement('span');
                                      probe.className = 'caveat sev-high';
                                      document.body.append(probe); const c = getComputedStyle(probe).backgroundColor;
                                      probe.remove(); return c; }""")
    assert (
        glossary.locator("#glossary-safety_warning .caveat").evaluate("b => getComputedStyle(b).backgroundColor")
        == colours
    )
    # Levels, strongest first, each with its label and meaning.
    levels = glossary.get_by_test_id("glossary-level")
    assert [e.get_attribute("data-level") for e in levels.all()] == words["levels"]
    for level in words["levels"]:
        text = glossary.locator(f"#glossary-level-{level}").inner_text()
        assert words["level_labels"][level] in text and words["level_details"][level] in text
    assert page.get_by_test_id("glossary").evaluate("d => d.tagName") == "DIALOG"


def test_escape_and_close_button_return_focus_to_the_opener(page):
    wired(page)
    button = page.get_by_test_id("show-glossary")
    assert button.get_attribute("aria-haspopup") == "dialog"
    button.focus()
    page.keyboard.press("Enter")
    glossary = page.get_by_test_id("glossary")
    glossary.wait_for(state="visible")
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    page.keyboard.press("Escape")
    assert not glossary.is_visible()
    assert page.evaluate("document.activeElement.id") == "show-glossary"
    open_from_header(page)
    page.get_by_test_id("glossary-close").click()
    assert not glossary.is_visible()
    assert page.evaluate("document.activeElement.id") == "show-glossary"


def test_open_glossary_at_one_code_scrolls_to_it_and_returns_focus(page):
    wired(page)
    page.get_by_test_id("show-check").click()
    page.evaluate("""async () => { const m = await import('/static/glossary.js');
                                   m.openGlossary(document.getElementById('show-check'), 'unverifiable_citation'); }""")
    glossary = page.get_by_test_id("glossary")
    glossary.wait_for(state="visible")
    entry = page.locator("#glossary-unverifiable_citation")
    assert page.evaluate("document.activeElement.id") == "glossary-unverifiable_citation"
    assert in_view(page, entry) and "current" in entry.get_attribute("class")
    body = glossary.locator(".glossary-body")
    assert body.evaluate("b => b.scrollTop") > 0
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "show-check"
    # Opened again from the header, it starts at the top with nothing marked.
    open_from_header(page)
    assert body.evaluate("b => b.scrollTop") == 0 and page.locator(".glossary-entry.current").count() == 0


def test_glossary_fits_the_screen_and_scrolls_inside(sized_page):
    page = sized_page
    glossary = open_from_header(page)
    heading = glossary.get_by_role("heading", name="What the badges and levels mean")
    close = page.get_by_test_id("glossary-close")
    assert in_view(page, heading) and in_view(page, close) and in_view(page, glossary)
    body = glossary.locator(".glossary-body")
    assert body.evaluate("b => b.scrollHeight > b.clientHeight")
    assert axe_violations(page) == []
    shot(page, f"glossary-{page.width}")
    # The last level, scrolled to inside the dialog, shows while the heading stays put.
    last = page.get_by_test_id("glossary-level").last
    last.scroll_into_view_if_needed()
    assert in_view(page, last) and in_view(page, heading)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    assert body.evaluate("b => b.scrollWidth <= b.clientWidth")

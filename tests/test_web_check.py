"""The "Check a text" view in a real Chromium against a real server: the profile, the flagged sentences, the cue
words underlined inside them (tooltip on hover and focus, accessible description), the legend, the full width,
focus after Check, phone width and an axe scan."""

from __future__ import annotations

import pytest

from tests.browser import DESKTOP, PHONE, XSS, axe_violations, open_page, require_chromium, shot

pytestmark = pytest.mark.browser

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")

CHECK_TEXT = (
    "Coffee and memory\n\n"
    "Drinking coffee may lower the risk of dementia, researchers suggest. "
    "A prospective cohort of 2,000 adults was followed for ten years. "
    f"The study did not find any effect on memory scores ({XSS}). Experts hailed it as a breakthrough."
)


def wired(page) -> None:
    """Wait until main.js has wired the page (it awaits the vocabulary first, then opens the question box)."""
    page.wait_for_function("() => !document.getElementById('chat-input').disabled", timeout=60_000)


def check_a_text(page, text: str):
    wired(page)
    page.get_by_test_id("show-check").click()
    box = page.get_by_test_id("check-input")
    box.fill(text)
    page.get_by_test_id("check-send").click()
    page.get_by_test_id("check-profile").wait_for(timeout=60_000)


def annotate(page, text: str) -> dict:
    """What the API says about the text, asked of the same server the page talks to."""
    response = page.request.post(page.url.split("#")[0] + "api/v1/annotate", data={"text": text})
    assert response.ok, response.text()
    return response.json()


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


def test_check_a_text_empty_input_says_so(page):
    wired(page)
    page.get_by_test_id("show-check").click()
    page.get_by_test_id("check-input").fill("   ")
    page.locator("#check-form").evaluate("form => form.requestSubmit()")
    assert "Paste some text" in page.locator("#check-output").inner_text()


def test_focus_moves_to_the_result_not_the_page_body(page):
    wired(page)
    page.get_by_test_id("show-check").click()
    page.get_by_test_id("check-input").fill(CHECK_TEXT)
    page.get_by_test_id("check-send").focus()
    page.keyboard.press("Enter")  # the keyboard way: the button is disabled while checking, which drops focus
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'check-result-title'",
                           timeout=60_000)
    heading = page.get_by_test_id("check-result-title")
    assert heading.get_attribute("tabindex") == "-1" and heading.evaluate("h => h.tagName") == "H3"
    assert "sentences flagged" in page.get_by_test_id("check-status").inner_text()
    # A second check lands on the new result too.
    page.get_by_test_id("check-input").fill("Magnesium may help migraine, a pilot study hints.")
    page.get_by_test_id("check-send").click()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'check-result-title' && "
        "document.querySelector('[data-testid=check-text]').textContent.includes('Magnesium')",
        timeout=60_000,
    )
    assert page.evaluate("document.activeElement !== document.body")


def test_cue_words_are_underlined_inside_their_sentences_with_a_tooltip_and_a_description(page):
    check_a_text(page, CHECK_TEXT)
    data = annotate(page, CHECK_TEXT)
    text = data["text"]
    expected = sorted((text[c["start"] : c["end"]], c["code"]) for s in data["sentences"] for c in s["cues"])
    assert expected, "the API gives the cue words of each sentence"
    cues = page.get_by_test_id("cue")
    shown = sorted(
        (cue.evaluate("m => m.firstChild.textContent"), cue.get_attribute("data-codes")) for cue in cues.all()
    )
    assert shown == expected
    # Every cue lies inside the shaded sentence that carries its code, and is underlined.
    for cue in cues.all():
        sentence = cue.locator("xpath=ancestor::mark[@data-testid='flagged-sentence']")
        assert sentence.count() == 1
        assert set(cue.get_attribute("data-codes").split()) <= set(sentence.get_attribute("data-codes").split())
        assert "underline" in cue.evaluate("m => getComputedStyle(m).textDecorationLine")
    hedge = page.locator("[data-testid=cue][data-codes=speculative_language]").first
    assert hedge.evaluate("m => m.firstChild.textContent") == "may lower"
    tip_id = hedge.get_attribute("aria-describedby")
    tip = page.locator(f"#{tip_id}")
    assert tip.get_attribute("role") == "tooltip" and not tip.is_visible()
    # Keyboard focus shows the tooltip, naming the caveat and why; it is the cue's accessible description.
    hedge.focus()
    assert tip.is_visible()
    assert "Hedged claims" in tip.inner_text() and "'may'" in tip.inner_text()
    assert "may lower" in hedge.get_attribute("aria-label") and "Hedged claims" in hedge.get_attribute("aria-label")
    described = page.evaluate("id => document.getElementById(id).textContent", tip_id)
    assert described.startswith("Hedged claims: ")
    # Hover shows another cue's tooltip.
    hedge.evaluate("m => m.blur()")
    hype = page.locator("[data-testid=cue][data-codes=promotional_tone]")
    hype.hover()
    hype_tip = page.locator(f"#{hype.get_attribute('aria-describedby')}")
    assert hype_tip.is_visible() and "Promotional tone" in hype_tip.inner_text()
    # Tab from a sentence reaches the cue inside it.
    sentence = page.get_by_test_id("flagged-sentence").first
    sentence.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.testid") == "cue"


def test_legend_names_each_colour_with_the_marks_own_swatch(page):
    check_a_text(page, CHECK_TEXT)
    legend = page.get_by_test_id("check-legend")
    words = legend.inner_text()
    for phrase in ("Sentence with a caveat", "Null result or safety warning", "study design", "Cue word"):
        assert phrase in words
    colour = lambda selector, prop="backgroundColor": page.locator(selector).first.evaluate(
        f"e => getComputedStyle(e).{prop}"
    )
    plain_flag = "[data-testid=flagged-sentence]:not(.code-mixed_evidence):not(.code-safety_warning)"
    assert colour(".swatch-flagged") == colour(plain_flag)
    assert colour(".swatch-null") == colour("[data-testid=flagged-sentence].code-mixed_evidence")
    assert colour(".swatch-design") == colour("[data-testid=design-sentence]")
    assert colour("[data-testid=cue]", "textDecorationColor") in colour(".swatch-cueword", "boxShadow")
    # Three shades and an underline, told apart.
    assert len({colour(".swatch-flagged"), colour(".swatch-null"), colour(".swatch-design")}) == 3
    # The legend's glossary link opens the explanations and gives focus back when they close.
    page.get_by_test_id("check-glossary").click()
    assert page.get_by_test_id("glossary").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_test_id("glossary").is_visible()
    assert page.evaluate("document.activeElement.dataset.testid") == "check-glossary"


def test_check_view_uses_the_full_width_and_passes_axe(browser, site):
    with open_page(browser, site, DESKTOP) as page:
        check_a_text(page, CHECK_TEXT)
        column = page.evaluate("""() => { const m = document.querySelector('main'); const s = getComputedStyle(m);
            return m.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }""")
        for testid in ("check-text", "check-profile", "check-input"):
            width = page.get_by_test_id(testid).bounding_box()["width"]
            assert width >= 0.9 * column, (testid, width, column)
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        assert axe_violations(page) == []
        page.locator("[data-testid=cue]").first.focus()
        shot(page, "check-1280", full_page=True)


def test_check_a_text_at_phone_width(browser, site):
    with open_page(browser, site, PHONE) as page:
        check_a_text(page, CHECK_TEXT)
        assert page.get_by_test_id("flagged-sentence").count() >= 3
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # Every cue's tooltip, shown, stays inside the screen and makes nothing scroll sideways.
        for cue in page.get_by_test_id("cue").all():
            cue.focus()
            tip = page.locator(f"#{cue.get_attribute('aria-describedby')}")
            page.wait_for_function(
                "t => t.getBoundingClientRect().right <= document.documentElement.clientWidth", arg=tip.element_handle()
            )
            box = tip.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert page.get_by_test_id("check-text").bounding_box()["width"] >= 0.85 * 375
        assert axe_violations(page) == []
        page.locator("[data-testid=cue]").last.focus()
        shot(page, "check-375", full_page=True)

"""The Sources view for readers and operators, in a real Chromium against a real server (issue 25): the documents
table (type, size, date, passages, evidence; filter; sortable columns; cards on a phone), the admin token checked
with the server, several files added at once (chosen or dropped) each with its status, identical re-uploads that
rebuild nothing, changed ones that serve a new build, removals that confirm, cancel and disarm, and old answers
that say their document was removed."""

from __future__ import annotations

import re
import shutil

import pytest

from rag.api import create_app
from rag.engine import Engine
from rag.index import build_index
from tests.browser import DESKTOP, PHONE, WEB_TOKEN, ask, axe_violations, open_page, require_chromium, shot
from tests.conftest import ROOT
from tests.servers import running

pytestmark = pytest.mark.browser

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
BUILD = 120_000  # ms: a rebuild on a loaded machine


@pytest.fixture
def operator_server(settings, embedder, tmp_path):
    """A server of its own over a writable copy of the seeds: the operator's changes must not leak into other tests."""
    docs = tmp_path / "docs"
    shutil.copytree(settings.docs_dir, docs)
    local = settings.model_copy(update={"docs_dir": docs, "index_dir": tmp_path / "index", "admin_token": WEB_TOKEN,
                                        "watch_seconds": 0})
    build_index(local, embedder)
    with running(create_app(local, Engine(local, embedder))) as url:
        yield url, docs


@pytest.fixture
def operator_page(browser, operator_server):
    url, docs = operator_server
    with open_page(browser, url, {"width": 1280, "height": 900}) as page:
        yield page, docs


def open_operator(page, token: str | None = WEB_TOKEN) -> None:
    """The Sources view with the operator panel open and, when given, the token checked."""
    page.get_by_test_id("show-sources").click()
    page.get_by_test_id("source-item").first.wait_for()
    page.locator("#operator summary").click()
    if token:
        page.get_by_test_id("admin-token").fill(token)
        page.get_by_test_id("admin-token").press("Enter")
        expect(page.get_by_test_id("token-status")).to_contain_text("Token accepted")


def chosen(page) -> list[str]:
    return page.evaluate("() => [...document.querySelector('[data-testid=upload-file]').files].map(f => f.name)")


def focused(page) -> str:
    """What has focus: its data-testid, data-role or id; "body" when nothing does."""
    return page.evaluate("""() => { const a = document.activeElement;
      return !a || a === document.body ? 'body' : a.dataset.testid || a.dataset.role || a.id || a.tagName; }""")


def row(page, doc_id: str):
    return page.locator(f"[data-testid=source-item][data-doc-id='{doc_id}']")


def drop(page, files: list[dict]) -> None:
    """Drop files (name, text, type) on the drop zone, as a person dragging them from their desktop does."""
    transfer = page.evaluate_handle(
        """(files) => { const dt = new DataTransfer();
             for (const f of files) dt.items.add(new File([f.text], f.name, { type: f.type }));
             return dt; }""", files)
    zone = page.get_by_test_id("drop-zone")
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    zone.dispatch_event("dragover", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})


def watch_send_disabled(page) -> None:
    """Record whether the upload button is ever disabled (read back with `window.sendWasDisabled`)."""
    page.evaluate("""() => { window.sendWasDisabled = false;
      const b = document.querySelector('[data-testid=upload-send]');
      new MutationObserver(() => { if (b.disabled) window.sendWasDisabled = true; })
        .observe(b, { attributes: true }); }""")


def test_operator_adds_and_removes_a_pdf_from_the_sources_view(operator_page, tmp_path):
    from tests.documents import make_pdf

    page, docs = operator_page
    pdf = make_pdf(tmp_path / "Clemastine leaflet.pdf")
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x90\x00")
    open_operator(page, token=None)
    status = page.get_by_test_id("index-status")
    seeds = sorted(p.name for p in ROOT.joinpath("seeds").iterdir())

    # Without the token nothing is sent, the chosen file stays chosen, and no Remove buttons are offered.
    page.get_by_test_id("upload-file").set_input_files(str(pdf))
    page.get_by_test_id("upload-send").click()
    expect(status).to_have_text("Enter the admin token first.")
    assert chosen(page) == [pdf.name]
    assert page.get_by_test_id("source-remove").first.is_hidden()

    # A wrong token is checked with the server and refused in plain words; still no Remove buttons, file kept.
    page.get_by_test_id("admin-token").fill("not-the-token")
    expect(page.get_by_test_id("source-remove").first).to_be_hidden()
    page.get_by_test_id("admin-token").press("Enter")
    expect(page.get_by_test_id("token-status")).to_have_text("The admin token is missing or wrong.")
    expect(page.get_by_test_id("source-remove").first).to_be_hidden()
    page.get_by_test_id("upload-send").click()
    expect(status).to_contain_text("The admin token is missing or wrong.")
    assert chosen(page) == [pdf.name]
    assert "x-admin-token" not in page.locator("#sources").inner_text()

    # The right one shows Remove buttons.
    page.get_by_test_id("admin-token").fill(WEB_TOKEN)
    page.get_by_test_id("token-check").click()
    expect(page.get_by_test_id("token-status")).to_contain_text("Token accepted")
    expect(page.get_by_test_id("source-remove").first).to_be_visible()

    # A refused file: the reason in plain words, the file still chosen, nothing written.
    page.get_by_test_id("upload-file").set_input_files(str(bad))
    page.get_by_test_id("upload-send").click()
    expect(status).to_contain_text("Refused: Type .exe is not accepted")
    expect(page.get_by_test_id("upload-item")).to_have_attribute("data-state", "refused")
    assert chosen(page) == ["tool.exe"]
    assert sorted(p.name for p in docs.iterdir()) == seeds

    page.get_by_test_id("upload-file").set_input_files(str(pdf))
    page.get_by_test_id("upload-send").click()
    expect(status).to_have_text(
        "Done. Added “Clemastine and remyelination in MS” · 6 documents now searchable.", timeout=BUILD
    )
    expect(page.get_by_test_id("upload-item")).to_have_text("Clemastine leaflet.pdf: added")
    assert focused(page) == "upload-send" and chosen(page) == []
    item = row(page, "Clemastine-leaflet")
    expect(item).to_have_class(re.compile(r"\bjust-added\b"))
    expect(item).to_be_in_viewport()
    expect(item.locator(".col-title")).to_contain_text("Clemastine and remyelination in MS")
    expect(item.locator(".col-type")).to_have_text("PDF")
    expect(item.locator(".col-size")).to_have_text(re.compile(r"^\d+(\.\d)? KB$"))
    expect(item.locator(".col-added time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(item.locator(".col-passages")).to_have_text(re.compile(r"^(1 passage|\d+ passages)$"))
    assert (
        page.evaluate("() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})").count(WEB_TOKEN)
        == 0
    )

    answer = ask(page, "Does clemastine repair myelin in MS?")
    link = answer.locator("[data-testid=source-link][href^='#doc/Clemastine-leaflet/']").first
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("#doc-view")).to_be_visible()
    expect(page.get_by_test_id("page-break")).to_have_count(2)
    expect(page.locator("#doc-text mark.highlight").first).to_be_visible()
    page.get_by_test_id("doc-close").click()
    page.get_by_test_id("show-sources").click()

    # Remove asks again; Escape and Cancel keep the document, and an armed button disarms by itself.
    remove = item.get_by_test_id("source-remove")
    cancel = item.get_by_test_id("source-remove-cancel")
    remove.click()
    expect(remove).to_have_text("Remove: click again to confirm")
    page.keyboard.press("Escape")
    expect(remove).to_have_text("Remove")
    expect(cancel).to_be_hidden()
    assert focused(page) == "source-remove"
    remove.click()
    cancel.click()
    expect(remove).to_have_text("Remove")
    assert focused(page) == "source-remove"
    remove.click()
    expect(remove).to_have_text("Remove", timeout=15_000)  # disarmed without a click
    assert (docs / "Clemastine-leaflet.pdf").exists()

    remove.click()
    remove.click()
    expect(status).to_have_text(
        "Done. Removed “Clemastine and remyelination in MS” · 5 documents now searchable.", timeout=BUILD
    )
    expect(row(page, "Clemastine-leaflet")).to_have_count(0)
    assert not (docs / "Clemastine-leaflet.pdf").exists()
    assert focused(page) in ("open", "sources-filter")  # the next document's title, never <body>

    # The answer given before the removal still links to the document: it now says the document was removed.
    page.get_by_test_id("show-chat").click()
    link.click()
    expect(page.get_by_test_id("doc-missing")).to_contain_text("This document was removed from the collection")
    expect(page.locator("#doc-view")).not_to_contain_text("HTTP 404")


def test_reupload_of_the_same_file_is_unchanged_and_a_changed_one_serves_a_new_build(operator_page, tmp_path):
    page, _ = operator_page
    notes = tmp_path / "okra-notes.md"
    notes.write_text("# Okra and multiple sclerosis\n\nOkra was studied in a small pilot of people with MS.\n")
    open_operator(page)
    status = page.get_by_test_id("index-status")
    send = page.get_by_test_id("upload-send")

    page.get_by_test_id("upload-file").set_input_files(str(notes))
    send.click()
    expect(status).to_have_text(
        "Done. Added “Okra and multiple sclerosis” · 6 documents now searchable.", timeout=BUILD
    )
    size_before = row(page, "okra-notes").locator(".col-size").inner_text()

    # The same bytes again: said at once, and nothing waits for a build that never comes.
    page.get_by_test_id("upload-file").set_input_files(str(notes))
    send.click()
    expect(status).to_have_text("okra-notes.md: unchanged, nothing to rebuild.")
    expect(page.get_by_test_id("upload-item")).to_have_text("okra-notes.md: unchanged, nothing to rebuild")
    expect(send).to_be_enabled()
    assert focused(page) == "upload-send"

    # A changed file of the same name replaces it, and the page waits for, and shows, the build that serves it.
    notes.write_text(
        "# Okra and multiple sclerosis\n\nOkra was studied in a randomised trial of 400 people with MS; "
        "the trial found no effect on relapses after two years of follow-up.\n"
    )
    page.get_by_test_id("upload-file").set_input_files(str(notes))
    send.click()
    expect(status).to_have_text(
        "Done. Replaced “Okra and multiple sclerosis” · 6 documents now searchable.", timeout=BUILD
    )
    expect(page.get_by_test_id("upload-item")).to_have_text("okra-notes.md: replaced")
    item = row(page, "okra-notes")
    expect(item.locator(".col-size")).not_to_have_text(size_before)
    item.locator(".col-title a").click()
    expect(page.locator("#doc-text")).to_contain_text("randomised trial of 400 people")
    page.get_by_test_id("doc-close").click()
    assert focused(page) == "open"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_dropped_files_upload_one_after_another_with_a_status_each(browser, operator_server, viewport):
    url, docs = operator_server
    files = [
        {
            "name": "Okra pilot.md",
            "type": "text/markdown",
            "text": "# Okra pilot in MS\n\nOkra was given to twelve people with MS in an open pilot.\n",
        },
        {"name": "tool.exe", "type": "application/octet-stream", "text": "MZ"},
        {
            "name": "ginger.txt",
            "type": "text/plain",
            "text": "Ginger and nausea in MS\n\nGinger tea is said to ease nausea from MS treatments; no trial was "
            "found.\n",
        },
    ]
    with open_page(browser, url, viewport) as page:
        open_operator(page)
        drop(page, files)
        items = page.get_by_test_id("upload-item")
        expect(items).to_have_count(3)
        expect(items.first).to_have_text("Okra pilot.md: ready to add")
        assert chosen(page) == ["Okra pilot.md", "tool.exe", "ginger.txt"]

        watch_send_disabled(page)
        page.get_by_test_id("upload-send").click()
        status = page.get_by_test_id("index-status")
        expect(status).to_have_text(
            re.compile(
                r"^Done\. Added “Okra pilot in MS”, “Ginger and nausea in MS”; "
                r"1 file not added · 7 documents now searchable\.$"
            ),
            timeout=BUILD,
        )
        assert page.evaluate("window.sendWasDisabled") is True
        expect(page.get_by_test_id("upload-send")).to_be_enabled()
        expect(items.nth(0)).to_have_attribute("data-state", "added")
        expect(items.nth(1)).to_have_attribute("data-state", "refused")
        expect(items.nth(1)).to_contain_text("tool.exe: refused: Type .exe is not accepted")
        expect(items.nth(2)).to_have_attribute("data-state", "added")
        assert chosen(page) == ["tool.exe"]  # the refused file stays chosen
        assert {"Okra-pilot.md", "ginger.txt"} <= {p.name for p in docs.iterdir()}
        expect(page.locator("tr.just-added")).to_have_count(2)
        expect(page.get_by_test_id("sources-count")).to_have_text("7 documents in the collection")
        assert focused(page) == "upload-send"

        # Operator panel open, the table showing with its Remove column: no serious or critical axe findings.
        expect(page.get_by_test_id("source-remove").first).to_be_visible()
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        if viewport is DESKTOP:
            page.evaluate("window.scrollTo(0, 0)")
            shot(page, "sources-1280")
        else:
            # Cards: one per document, no cell wider than the screen.
            card = row(page, "Okra-pilot")
            box = card.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            expect(card.locator(".col-type")).to_have_text("Markdown")
            shot(page, "sources-375", full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_documents_table_filters_and_sorts(browser, site, viewport):
    with open_page(browser, site, viewport) as page:
        page.get_by_test_id("show-sources").click()
        rows = page.get_by_test_id("source-item")
        expect(rows).to_have_count(6)
        count = page.get_by_test_id("sources-count")
        expect(count).to_have_text("6 documents in the collection")
        # A table to assistive technology at both widths (cards on a phone): rows, row headers, sortable columns.
        table = page.get_by_role("table", name="Sources in the collection")
        expect(table.get_by_role("rowheader")).to_have_count(6)
        expect(table.get_by_role("columnheader", name="Passages")).to_have_count(1)
        text = page.locator("#sources").inner_text()
        assert "untraceable" in text and "Written by an AI chatbot" in text
        assert not re.search(r"\b1 passages\b", text)
        for passages in page.locator(".col-passages").all()[1:]:
            assert re.fullmatch(r"(Passages: )?(1 passage|\d+ passages)", passages.inner_text().strip())
        titles = [t.strip() for t in page.locator("tbody .col-title a").all_inner_texts()]
        assert titles == sorted(titles, key=str.lower)
        assert page.locator("th[aria-sort]").count() == 1
        expect(page.locator("thead th.col-title")).to_have_attribute("aria-sort", "ascending")

        # Filter as you type: by title or id, with the count said.
        page.get_by_test_id("sources-filter").fill("zebra")
        expect(rows).to_have_count(1)
        expect(count).to_have_text("1 of 6 documents match “zebra”")
        page.get_by_test_id("sources-filter").fill("900_xss")  # the doc_id
        expect(rows).to_have_count(1)
        page.get_by_test_id("sources-filter").fill("no such thing")
        expect(rows).to_have_count(0)
        expect(count).to_have_text("No document matches “no such thing” (6 documents in all)")
        page.get_by_test_id("sources-filter").fill("")
        expect(rows).to_have_count(6)

        # Sort by a column header's button, by mouse and by keyboard; aria-sort follows.
        passages = page.locator("thead th.col-passages")
        expect(page.get_by_role("button", name="Passages", exact=True)).to_have_count(1)  # the arrow is not in its name
        passages.get_by_role("button").click()
        expect(passages).to_have_attribute("aria-sort", "descending")
        expect(page.locator("thead th.col-title")).not_to_have_attribute("aria-sort", re.compile("."))
        counts = [int(re.search(r"\d+", t).group()) for t in page.locator("tbody .col-passages").all_inner_texts()]
        assert counts == sorted(counts, reverse=True)
        passages.get_by_role("button").focus()
        page.keyboard.press("Enter")
        expect(passages).to_have_attribute("aria-sort", "ascending")
        counts = [int(re.search(r"\d+", t).group()) for t in page.locator("tbody .col-passages").all_inner_texts()]
        assert counts == sorted(counts)
        assert focused(page) == "BUTTON" or page.evaluate("document.activeElement.dataset.sort") == "chunks"
        page.locator("thead th.col-added").get_by_role("button").click()
        expect(page.locator("thead th.col-added")).to_have_attribute("aria-sort", "descending")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

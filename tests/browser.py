"""Debian's Chromium for the web-page tests (Playwright cannot download browsers here), one real server over the
seeds shared by every page test, pages at desktop and phone width, axe-core scans and screenshots.

Registered as a pytest plugin by tests/conftest.py, so every test module sees these fixtures."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("RAG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"
XSS = "<img src=x onerror=alert(1)>"
WEB_TOKEN = "web-test-operator"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def require_chromium() -> None:
    """Skip the calling module without Chromium, except in CI, where `make test` installs it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (make test installs it)", allow_module_level=True)


def ask(page, question: str, answers_before: int = 0):
    """Type a question, press Enter and wait until its answer has finished streaming; returns the answer."""
    box = page.get_by_test_id("chat-input")
    if not box.is_visible():
        page.get_by_test_id("show-chat").click()
    box.fill(question)
    box.press("Enter")
    return wait_for_answer(page, answers_before)


def wait_for_answer(page, answers_before: int = 0):
    """Wait until answer number `answers_before` (0-based) has finished streaming; returns it."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=message-answer]')].length > n && "
        "document.querySelectorAll('[data-testid=message-answer]')[n].getAttribute('aria-busy') === 'false'",
        arg=answers_before, timeout=60_000)
    return page.get_by_test_id("message-answer").nth(answers_before)


def shot(page, name: str, full_page: bool = False) -> None:
    """A screenshot in test-output/screenshots/ (looked at by a person, not compared)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def axe_violations(page, include: str | None = None, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (the npm package's script, from tests/a11y, evaluated through the DevTools protocol so the
    page's CSP stays as it is) on the page or the element matching `include`; returns the serious and critical
    violations, each with its rule id, help text and the first offending nodes."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate(
        """async (include) => {
             const context = include ? { include: [include] } : document;
             const r = await axe.run(context, { resultTypes: ['violations'] });
             return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                             nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
           }""", include)
    return [v for v in result if v["impact"] in impacts]


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    if not AXE.exists() and os.environ.get("CI"):
        raise RuntimeError(f"{AXE} is missing: `make test` installs axe-core")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def site(settings, embedder, tmp_path_factory):
    """One server over the seeds plus one hostile document, shared by the page tests that only read."""
    from rag.api import create_app
    from rag.engine import Engine
    from rag.index import build_index
    from tests.servers import running

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


@contextmanager
def open_page(browser, url: str, viewport: dict | None = None, **context_options) -> Iterator:
    """A fresh browser context and page at `url`; fails the test if the page threw, broke its Content Security
    Policy, or requested anything outside the server."""
    context = browser.new_context(viewport=viewport or DESKTOP, device_scale_factor=1, **context_options)
    page = context.new_page()
    page.errors, page.dialogs, page.outside = [], [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    origin = url.split("/", 3)[:3]
    page.on("request", lambda r: page.outside.append(r.url)
            if r.url.split("/", 3)[:3] != origin and not r.url.startswith(("data:", "blob:")) else None)
    page.goto(url)
    page.width = (viewport or DESKTOP)["width"]
    try:
        yield page
        assert page.errors == [], page.errors
        assert page.outside == [], f"requests outside the server: {page.outside}"
    finally:
        context.close()


@pytest.fixture
def page(browser, site):
    with open_page(browser, site) as opened:
        yield opened


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def sized_page(request, browser, site):
    """The page at 1280 and at 375 px; neither may scroll sideways."""
    with open_page(browser, site, request.param) as opened:
        yield opened
        assert opened.evaluate("document.documentElement.scrollWidth") <= opened.width

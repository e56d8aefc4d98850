"""Debian's Chromium for the web-chat tests (Playwright cannot download browsers here), and asking the chat page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RAG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    """Skip the calling module without Chromium, except in CI, where `make test` installs it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (make test installs it)", allow_module_level=True)


def ask(page, question: str, answers_before: int = 0):
    """Type a question, press Enter and wait until its answer has finished streaming; returns the answer."""
    box = page.get_by_test_id("chat-input")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=message-answer]')].length > n && "
        "document.querySelectorAll('[data-testid=message-answer]')[n].getAttribute('aria-busy') === 'false'",
        arg=answers_before, timeout=60_000)
    return page.get_by_test_id("message-answer").nth(answers_before)

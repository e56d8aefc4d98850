"""The page takes its limits from the server it talks to (RAG_MAX_*), in Chromium. Apart from tests/test_limits.py:
the browser fixture keeps Playwright's event loop running for the rest of the session, so page tests run last."""

from tests import test_limits

base = test_limits.base  # the server with low limits (a module fixture)


def test_the_page_takes_its_limits_from_the_server(browser, base):
    """The question and text boxes hold what this server accepts, and the file picker offers what it reads."""
    from tests.browser import open_page

    with open_page(browser, base + "/") as page:
        page.wait_for_function("() => document.getElementById('chat-input').maxLength === 40")
        assert page.evaluate("document.getElementById('check-input').maxLength") == 60
        # the file picker offers, and its hint names, the file types this server reads (RAG_EXTENSIONS)
        assert page.evaluate("document.getElementById('upload-file').accept") == ",".join(test_limits.FORMATS)
        assert page.evaluate("document.getElementById('upload-formats').textContent") == ", ".join(test_limits.FORMATS)

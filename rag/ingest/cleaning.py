"""Remove web debris and repeated headings without losing content.

Offsets everywhere index the *cleaned* text, which the API serves as the document's text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

DEBRIS_LINES = frozenset(
    {
        "leave a comment",
        "no comments:",
        "no comments",
        "post a comment",
        "share this:",
        "share this post",
        "click to share",
        "subscribe",
        "subscribe to: post comments (atom)",
        "newer post older post home",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
# Bold holds no asterisk and runs up to 500 characters: with ".+?", every unclosed "**" scanned to the end of its
# line (quadratic in "**a **a …").
_BOLD = re.compile(r"\*\*(?=\S)([^*\n]{1,500}?)(?<=\S)\*\*")
_URL = re.compile(r"https?://[^\s<>\"'\])]+")


def clean_text(raw: str) -> str:
    """Normalise newlines, drop debris lines and immediate repeats of a line, squeeze blank runs."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _BOLD.sub(r"\1", text)
    kept: list[str] = []
    previous = None
    for line in text.split("\n"):
        line = line.rstrip()
        key = line.strip().lower()
        if key in DEBRIS_LINES:
            continue
        if key and key == previous:
            continue
        if not key:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        kept.append(line)
        previous = key
    return "\n".join(kept).strip("\n")


def find_urls(text: str) -> list[str]:
    """URLs named in the text, in order, without trailing punctuation, each once."""
    return list(dict.fromkeys(match.group(0).rstrip(".,;:!?") for match in _URL.finditer(text)))


def derive_title(text: str, fallback: str) -> tuple[str, bool]:
    """The title and whether the source gives one: a heading-like first line does; otherwise the
    start of the first sentence stands in, and is not searched as a title field."""
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if not line:
            continue
        if len(line) <= 120:
            return line, True
        sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
        words = sentence.split()
        return " ".join(words[:14]) + ("…" if len(words) > 14 else ""), False
    return fallback, False


class _TextExtractor(HTMLParser):
    BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
                       "ul", "ol"})
    SKIP = frozenset({"script", "style", "noscript", "nav", "footer", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n" if tag.startswith("h") or tag == "p" else "\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n" if tag.startswith("h") or tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """Visible text of an HTML page and its <title>; scripts and styles are dropped."""
    parser = _TextExtractor()
    parser.feed(html)
    text = "".join(parser.parts)
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return text, parser.title.strip()

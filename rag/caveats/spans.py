"""Exclusion spans found once per sentence, then asked about each cue in logarithmic time.

Asking a regular expression again for every cue made checking a sentence quadratic in its cues
("may may may …" took minutes); a sorted list of spans answers the same question in O(log n).
"""

from __future__ import annotations

import re
from bisect import bisect_left


class SpanSet:
    """The non-overlapping matches of one pattern in one text, in order (as `finditer` yields them)."""

    __slots__ = ("ends", "starts")

    def __init__(self, pattern: re.Pattern | None, text: str) -> None:
        matches = list(pattern.finditer(text)) if pattern is not None else []
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]  # increasing too: finditer's matches do not overlap

    def near(self, start: int, end: int, window: int = 0) -> bool:
        """Whether a match overlaps [start, end) widened by `window` characters on each side.

        The candidates start before `end + window`; of those, the last ends latest, so it alone decides.
        """
        last = bisect_left(self.starts, end + window) - 1
        return last >= 0 and self.ends[last] + window > start

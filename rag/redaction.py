"""Text that leaves the process (HTTP responses, upload refusals) never maps the machine's folders."""

from __future__ import annotations

import re

_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[^\s/'\"]+/)*([^\s/'\"]+)")


def without_machine_paths(message: str) -> str:
    """Absolute paths shortened to their last part."""
    return _ABSOLUTE_PATH.sub(lambda m: f"…/{m.group(1)}", message)

"""The one error every index stage raises: what is wrong, and what to run."""


class IndexUnavailable(RuntimeError):
    """The index is missing, stale or damaged; the message says what to run."""

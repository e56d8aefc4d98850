"""The HTTP layer: app and middleware, one router per feature, errors in one shape. The engine does the work."""

from rag.api.app import allowed_hosts, create_app

__all__ = ["allowed_hosts", "create_app"]

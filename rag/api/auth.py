"""The operator's token: admin routes are off without RAG_ADMIN_TOKEN, and compared in constant time."""

from __future__ import annotations

import hmac

from fastapi import Header, HTTPException

from rag.settings import Settings

ADMIN_HEADER = Header(None, description="Must equal RAG_ADMIN_TOKEN.")


def require_admin(settings: Settings, token: str | None) -> None:
    configured = settings.admin_token
    if not configured:
        raise HTTPException(status_code=403, detail="disabled: set RAG_ADMIN_TOKEN to enable admin routes")
    # Compared as bytes: compare_digest refuses non-ASCII str (a 500 before).
    if not token or not hmac.compare_digest(token.encode("utf-8", "surrogateescape"),
                                            configured.encode("utf-8", "surrogateescape")):
        raise HTTPException(status_code=401, detail="x-admin-token: missing or wrong")

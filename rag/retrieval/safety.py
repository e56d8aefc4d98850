"""A safety question lifts passages whose safety warning names what was asked, in either form of an abbreviation
its document defines: "Is low dose naltrexone safe?" is asked about the warning "LDN cannot be taken…"."""

from __future__ import annotations

import re

import numpy as np

from rag.abbreviations import document_definitions, expand
from rag.caveats.codes import Code
from rag.caveats.rules import SAFETY_INTENT
from rag.index import LoadedIndex
from rag.terms import stems

_SAFETY_INTENT = re.compile(SAFETY_INTENT, re.IGNORECASE)


def safety_mask(index: LoadedIndex) -> np.ndarray:
    """Which passages carry a safety warning; derived once per loaded index."""
    mask = index.derived.get("safety_warning")
    if mask is None:
        mask = index.derived["safety_warning"] = np.array(
            [any(v.code == Code.SAFETY_WARNING for v in c.caveats) for c in index.chunks], dtype=bool)
    return mask


def asks_about_safety(question: str) -> bool:
    return bool(_SAFETY_INTENT.search(question))


def safety_boosts(index: LoadedIndex, chunk_ids: np.ndarray, query: str, boost: float) -> np.ndarray:
    """`boost` for candidates whose safety warning is about something the question names."""
    out = np.zeros(len(chunk_ids))
    flagged = safety_mask(index)
    asked = stems(query)
    for i, chunk_id in enumerate(chunk_ids):
        if flagged[chunk_id]:
            chunk = index.chunks[chunk_id]
            quotes = " ".join(c.quote or "" for c in chunk.caveats if c.code == "safety_warning")
            if asked & stems(expand(quotes, document_definitions(index, chunk.doc_id))):
                out[i] = boost
    return out

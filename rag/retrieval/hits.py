"""The records retrieval passes between its stages: a candidate's signals, a ranked hit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Hit:
    chunk_id: int
    score: float
    dense: float  # cosine to the ranking vector (the adapted question)
    closeness: float  # cosine to the plain question vector: what the no-answer rule and the shown score read


@dataclass
class Signals:
    """Every candidate chunk of one query with its signal values."""

    chunk_ids: np.ndarray
    dense: np.ndarray
    closeness: np.ndarray
    lexical: np.ndarray
    title: np.ndarray
    title_lexical: np.ndarray
    exact: np.ndarray
    titles_searchable: bool = True
    doc_lexical: np.ndarray | None = None  # whole-document BM25 of each candidate's document (None: not in this build)

"""BM25 through our own query path must give bm25s' own tokens and scores: the speed-up may not change a ranking."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rag.index.lexical import _STEMMER, LexicalIndex, terms

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()) if p.is_file()]
WORDS = st.sampled_from(["MS", "metformin", "naltrexone", "stem-cells", "Smith", "2021", "the", "Ü-ber", "it's", "a1c",
                         "x", "relapses", "treated", "treatment", "_", "über", "ΑΒΓ", "42%", "\n", "...", "don't"])


def bm25s_terms(text: str) -> list[str]:
    return bm25s.tokenize([text], stopwords="en", stemmer=_STEMMER, show_progress=False, return_ids=False)[0]


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=80), st.lists(WORDS, max_size=20).map(" ".join)))
def test_terms_are_bm25s_tokens(text):
    expected = [t for t in bm25s_terms(text) if t]  # bm25s gives [""] for a text with no token
    assert terms(text) == expected


def test_terms_of_seed_lines_are_bm25s_tokens():
    lines = [line for text in TEXTS for line in text.splitlines() if line.strip()]
    assert len(lines) > 50
    for line in lines:
        assert terms(line) == [t for t in bm25s_terms(line) if t], line


def test_scores_are_bm25s_scores():
    lexical = LexicalIndex.build(TEXTS)
    for query in ["metformin relapse MS", "stem cells lupus umbilical", "Smith et al. 2021 metformin metformin",
                  "naltrexone low dose fatigue", "unknownword"]:
        ours = lexical.scores(query)
        known = lexical.query_terms(query)
        theirs = lexical.retriever.get_scores(known) if known else np.zeros(len(TEXTS))
        assert ours.shape == (len(TEXTS),)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert lexical.scores("metformin").max() > 0


def test_rare_terms_lift_only_entries_that_hold_them():
    texts = ["metformin lowers blood sugar", "exercise helps mood", "exercise helps sleep", "clemastine remyelination"]
    lexical = LexicalIndex.build(texts)
    cover = lexical.rare_term_coverage("clemastine exercise", max_share=0.3, min_count=1)
    assert cover[3] > 0 and cover[0] == 0
    assert cover[1] == cover[2] == 0  # "exercise" is held by half the entries: not rare


def test_document_bm25_ranks_whole_documents_by_title_and_text(engine):
    """Whole-document BM25 finds the document whose words are spread over several of its passages, and BM25-only
    mode ranks by it, as Lucene's BEIR runs do."""
    import re

    from rag.retrieval import Mode, search
    from rag.settings import Settings

    index = engine.index
    assert index.doc_lexical is not None and index.doc_lexical.size == len(index.documents)
    # Two words of the remyelination page that no single passage of it holds together.
    query = "clemastine BDNF"
    holds = lambda word, text: re.search(word, text, re.IGNORECASE) is not None
    assert not any(holds("BDNF", c.text) and holds("clemastine", c.text) for c in index.chunks), \
        "the premise: no passage holds both words"
    scores = index.doc_lexical.scores(query)
    best = index.doc_order[int(np.argmax(scores))]
    assert best.startswith("000") and np.sort(scores)[-1] > 1.5 * np.sort(scores)[-2]
    vector = engine.embedder.encode_query(query)
    hits = search(index, vector, query, Settings(), 3, Mode.LEXICAL)
    assert index.chunks[hits[0].chunk_id].doc_id.startswith("000")

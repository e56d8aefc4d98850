"""Phrase evidence (rag/retrieval/phrases.py) on the real seeds index: adjacent question words found adjacent."""

import numpy as np
import pytest

from rag.engine import Engine
from rag.results import Question
from rag.retrieval import ranked_hits
from rag.retrieval.phrases import phrase_evidence, phrase_lift, word_pairs

DMT = "Is LDN a disease modifying drug?"
NOT_A_DMT = "LDN is not a Disease-Modifying Therapy"


def test_pairs_meet_across_hyphens_stopwords_and_word_forms():
    asked = set(word_pairs("Is it a disease modifying drug?"))
    assert asked & set(word_pairs("Not a DMT: it is not a Disease-Modifying Therapy."))
    assert not asked & set(word_pairs("Gene therapy involves modifying genes; the disease is common."))


def test_the_passage_holding_the_phrase_has_the_most_evidence(engine):
    index = engine.index
    ids = np.arange(len(index.chunks))
    evidence = phrase_evidence(index, ids, DMT)
    best = int(evidence.argmax())
    assert NOT_A_DMT in index.chunks[best].text
    apart = [i for i, c in enumerate(index.chunks) if "modifying" in c.text.lower() and "disease" in c.text.lower()
             and NOT_A_DMT not in c.text]
    assert all(evidence[i] < evidence[best] for i in apart)


def test_lift_touches_only_the_best_candidates(engine):
    index = engine.index
    ids = np.arange(len(index.chunks))
    scores = np.linspace(1.0, 0.0, len(ids))
    assert not phrase_lift(index, ids, scores, DMT, 0.1, 0).any()
    lift = phrase_lift(index, ids, scores, DMT, 0.1, 5)
    assert not lift[5:].any() and lift.max() <= 0.1


def _final_scores(engine: Engine, question: str, weight: float) -> dict[int, float]:
    """Every candidate's final score (fusion, then phrase evidence at `weight`) for the engine's own question vector."""
    plain = engine.embedder.encode_query(question)
    settings = engine.settings.model_copy(update={"phrase_weight": weight})
    hits = ranked_hits(engine.index, engine.embedder.ranking_vector(plain), question, settings, plain=plain)
    return {hit.chunk_id: hit.score for hit in hits}


def test_phrase_evidence_lifts_the_passage_that_answers(engine):
    """On the real seeds: the passage saying LDN is not a DMT gains most of the phrase weight, none of the passages
    that outscore it gains anything, and it is in the top three answers.

    Asserted on scores, not on its rank without phrase evidence: that rank is 3 with AVX-512 VNNI or AMX int8 and
    4 with fp32 or AVX2 int8, a 0.01–0.03 score gap each CPU's kernels decide (issue 23). The top-three rank has
    room: the next passage trails it by 0.037 or more on every CPU path, in fp32, and under tests/vector_noise.py."""
    weight = engine.settings.phrase_weight
    assert weight > 0, "phrase evidence is switched off"
    lifted, plain = _final_scores(engine, DMT, weight), _final_scores(engine, DMT, 0.0)
    answer = next(i for i in lifted if NOT_A_DMT in engine.index.chunks[i].text)
    assert lifted[answer] - plain[answer] >= weight / 2  # it holds most of the question's pair weight
    ahead = [i for i in plain if plain[i] > plain[answer]]
    assert ahead and all(lifted[i] == pytest.approx(plain[i]) for i in ahead)  # it closes on each by the full lift
    passages = engine.query(Question(DMT, top_k=10)).passages
    assert next(p.rank for p in passages if NOT_A_DMT in p.text) <= 3


TWINS = {  # the same words, so the same BM25, rare-term and title evidence: only the dense cosine differs
    "adjacent.txt": "# Naltrexone in multiple sclerosis\n\nNeurologists agree that naltrexone is not a disease "
                    "modifying drug in multiple sclerosis.\n",
    "apart.txt": "# Naltrexone in multiple sclerosis\n\nNeurologists agree that a drug modifying the disease is not "
                 "naltrexone in multiple sclerosis.\n",
    "vitamin.txt": "# Vitamin D\n\nMost adults need 600 to 800 international units of vitamin D a day.\n",
    "ankle.txt": "# Sprained ankle\n\nRest, ice, compression and elevation help a sprained ankle heal.\n",
}


def test_on_a_controlled_index_phrase_evidence_parts_passages_the_other_signals_tie(settings, embedder, tmp_path):
    """Two passages with the same words, one saying "disease modifying drug" as the question does, one not: the
    other signals tell them apart by a dense cosine gap of 0.01–0.02, phrase evidence by its full weight. The
    margins (gap < weight / 2 without it, > weight / 2 with it) are several times what any CPU path moves a score."""
    from rag.index import build_index

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in TWINS.items():
        (docs / name).write_text(text)
    local = settings.model_copy(update={"docs_dir": docs, "index_dir": tmp_path / "index",
                                        "embedding_cache": tmp_path / "cache.sqlite3"})
    build_index(local, embedder)
    twins = Engine(local, embedder)
    question = "Is naltrexone a disease modifying drug?"
    weight = local.phrase_weight
    assert weight > 0, "phrase evidence is switched off"
    lifted, plain = _final_scores(twins, question, weight), _final_scores(twins, question, 0.0)
    chunk = {twins.index.chunks[i].doc_id.split("_")[0]: i for i in lifted}
    gap = {name: scores[chunk["adjacent"]] - scores[chunk["apart"]] for name, scores in (("lifted", lifted),
                                                                                        ("plain", plain))}
    assert abs(gap["plain"]) < weight / 2
    assert gap["lifted"] - gap["plain"] == pytest.approx(weight)  # every pair held adjacent against none
    assert gap["lifted"] > weight / 2

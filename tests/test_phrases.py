"""Phrase evidence (rag/retrieval/phrases.py) on the real seeds index: adjacent question words found adjacent."""

import numpy as np

from rag.engine import Engine
from rag.retrieval.phrases import phrase_evidence, phrase_lift, word_pairs
from rag.schema import QueryRequest

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


def test_phrase_evidence_lifts_the_passage_that_answers(engine, settings):
    without = Engine(settings.model_copy(update={"phrase_weight": 0.0}), engine.embedder)
    def rank(eng):
        passages = eng.query(QueryRequest(question=DMT, top_k=10)).passages
        return next((p.rank for p in passages if NOT_A_DMT in p.text), 11)
    assert rank(engine) <= 3 < rank(without)

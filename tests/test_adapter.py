"""The question adapter: the shipped matrix, the held-out rule of its training, and what it may and may not move."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from rag.embedding.adapter import QueryAdapter, load_adapter, provenance
from rag.results import Question
from tests.conftest import ROOT


def test_shipped_adapter_is_the_one_its_provenance_describes():
    adapter = load_adapter()
    assert adapter is not None, "rag/embedding/data/query_adapter.npy is missing: run benchmarks/train_adapter.py"
    assert adapter.matrix.shape == (384, 384)
    record = provenance()
    assert record["digest"] == adapter.digest
    assert record["judged_held_out"] > 0 and record["text_twins_held_out"] >= 0
    # A small move away from MiniLM's geometry, not a new space.
    assert np.abs(adapter.matrix - np.eye(384)).max() < 0.5


def test_adapted_vectors_are_unit_length_one_or_many(embedder):
    adapter = load_adapter()
    vectors = embedder.encode(["Can a bone marrow transplant help MS?", "Is metformin safe?"])
    many = adapter(vectors)
    assert np.allclose(np.linalg.norm(many, axis=1), 1.0, atol=1e-5)
    assert np.allclose(adapter(vectors[0]), many[0], atol=1e-6)
    assert QueryAdapter.from_matrix(np.eye(384))(vectors[0]) == pytest.approx(vectors[0], abs=1e-6)


def test_shown_score_is_the_plain_cosine_and_the_adapter_only_ranks(engine, embedder):
    question = "Is the blood sugar pill metformin any good for multiple sclerosis?"
    response = engine.query(Question(question, top_k=5))
    plain = embedder.encode([question])[0]
    index = engine.index
    for passage in response.passages:
        chunk_id = next(i for i, c in enumerate(index.chunks)
                        if c.doc_id == passage.source.doc_id and c.start == passage.source.start)
        assert passage.score == pytest.approx(float(index.vectors[chunk_id] @ plain), abs=2e-3)
    retrieval = engine.retrieve(Question(question, top_k=5))
    assert any(abs(h.dense - h.closeness) > 1e-3 for h in retrieval.hits), "the adapter changed nothing"


def test_switching_the_adapter_off_needs_no_rebuild(settings, built):
    from rag.engine import Engine

    plain = Engine(settings.model_copy(update={"query_adapter": False}))
    response = plain.query(Question("What side effects does low dose naltrexone have?"))
    assert response.passages and not response.no_answer
    assert all(h.dense == h.closeness for h in plain.retrieve(Question("Is LDN safe?")).hits)


@pytest.fixture
def twin_corpus(tmp_path, embedder):
    """beir-mini plus an unjudged entry whose answer repeats a judged one word for word, indexed for real."""
    from rag.evaluate import corpus_documents, eval_settings, load_dataset
    from rag.index import build_index, load_index
    from rag.settings import Settings

    folder = tmp_path / "beir"
    shutil.copytree(ROOT / "tests" / "fixtures" / "beir-mini", folder)
    corpus = [json.loads(line) for line in (folder / "corpus.jsonl").read_text().splitlines() if line.strip()]
    dataset = load_dataset(folder)
    judged = sorted({d for grades in dataset.qrels.values() for d in grades})
    twin = next(c for c in corpus if c["_id"] == judged[0])
    corpus.append({"_id": "twin", "title": "A different question with the same answer?", "text": twin["text"]})
    corpus.append({"_id": "u1", "title": "What helps a migraine?", "text": "Rest in a dark room, fluids and "
                   "pain relievers taken early ease most migraine attacks; triptans help when these do not."})
    corpus.append({"_id": "u2", "title": "How is iron deficiency anaemia treated?", "text": "Iron tablets taken "
                   "for three months refill the body's stores; vitamin C helps the gut absorb the iron."})
    (folder / "corpus.jsonl").write_text("".join(json.dumps(c) + "\n" for c in corpus))
    dataset = load_dataset(folder)
    local = eval_settings(folder, Settings(index_dir=tmp_path / "index"))
    build_index(local, embedder, documents=corpus_documents(dataset), caveats=False)
    return load_index(local, embedder.dimensions), dataset, judged


def test_training_holds_out_judged_answers_and_their_twins(twin_corpus):
    from rag.embedding.adapter_training import train, training_pairs

    index, dataset, judged = twin_corpus
    data = training_pairs(index, dataset.qrels)
    kept = {index.doc_order[int(index.chunk_doc[p[0]])] for p in data.passages}
    assert not kept & set(judged) and "twin" not in kept
    assert kept == set(index.doc_order) - set(judged) - {"twin"}
    assert data.counts["text_twins_held_out"] == 1 and data.counts["training_pairs"] == len(kept)

    def margin(questions: np.ndarray) -> float:
        """How far each question's own answer is ahead of the best other training answer, on average."""
        best = np.stack([(questions @ index.vectors[p].T).max(axis=1) for p in data.passages], axis=1)
        own = np.diag(best)
        others = np.where(np.eye(len(own), dtype=bool), -np.inf, best).max(axis=1)
        return float(np.mean(own - others))

    matrix = train(data, index.vectors, pull=0.0, epochs=200, temperature=0.1, batch=len(kept), learning_rate=1e-2)
    assert margin(QueryAdapter.from_matrix(matrix)(data.questions)) > margin(data.questions) + 0.05

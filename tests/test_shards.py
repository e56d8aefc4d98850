"""Sharded builds (rag/index/shards.py): served by one process, they answer exactly as the one-file layout."""

from __future__ import annotations

import itertools
import json

import faiss
import numpy as np
import pytest

from tests.conftest import SHARED

ISSUE_QUESTIONS = ["What did Smith et al. 2021 find about metformin in MS?",
                   "Can a bone marrow stem cell transplant help MS?",
                   "Is it safe to take low-dose naltrexone with opioid painkillers?"]


def _answers(engine, question: str) -> dict:
    from rag.api.schema import QueryResponse
    from rag.results import Question

    response = QueryResponse.of(engine.query(Question(question, top_k=5))).model_dump()
    response.pop("timings_ms")
    return response


@pytest.fixture(scope="module")
def sharded(settings, embedder, built, tmp_path_factory):
    from rag.engine import Engine
    from rag.index import build_index

    sharded_settings = settings.model_copy(update={"index_dir": tmp_path_factory.mktemp("sharded"),
                                                   "embedding_cache": settings.index_dir / "embeddings.sqlite3",
                                                   "index_shards": 3})
    result = build_index(sharded_settings, embedder)
    assert result.embedded == 0  # same texts, same cache: only the layout differs
    return Engine(sharded_settings, embedder)


def test_a_sharded_build_answers_exactly_as_the_one_file_build(engine, sharded, seeds_dev):
    index = sharded.index
    assert len(index.manifest.shards) == 3 and index.manifest.faiss == "sharded"
    assert sum(s.chunks for s in index.manifest.shards) == len(engine.index.chunks)
    assert all(isinstance(part, np.memmap) for part in index.vectors.parts)  # mapped, not copied
    assert isinstance(index.passage_finder, faiss.IndexShards)
    assert np.array_equal(index.vectors[np.arange(len(index.vectors))], engine.index.vectors)
    for question in [q["question"] for q in seeds_dev] + ISSUE_QUESTIONS:
        assert _answers(sharded, question) == _answers(engine, question), question


def test_the_collection_centroid_is_the_same_from_shards_and_from_their_files(engine, sharded):
    """The no-answer rule reads the collection's mean vector: from one file, from the shards' memory maps, and
    (where passages are searched elsewhere) from the shard files on disk, it is one vector."""
    import copy

    from rag.retrieval.no_answer import collection_centroid

    one = collection_centroid(engine.index)
    assert abs(float(np.linalg.norm(one)) - 1.0) < 1e-5
    assert np.allclose(collection_centroid(sharded.index), one, atol=1e-6)
    remote = copy.copy(sharded.index)
    remote.vectors, remote.derived = None, {}
    assert np.allclose(collection_centroid(remote), one, atol=1e-6)


def test_sharded_bm25_scores_match_the_one_index_to_the_bit():
    """Each shard is scored with the collection's term statistics, so no score moves by even one float32 step."""
    from rag.index.lexical import LexicalIndex, ShardedLexical, terms
    from rag.index.term_stats import TermStats

    corpus = SHARED / "benchmarks" / "pubmedqa-l" / "corpus.jsonl"
    if not corpus.exists():
        pytest.skip(f"{corpus} not present")
    texts = [json.loads(line)["text"] for line in corpus.read_text().splitlines()[:400]]
    texts[7], texts[8] = "", "the of and"  # an empty passage and one of stopwords only still count as passages
    whole = LexicalIndex.build(texts)
    cuts = [0, 60, 61, 250, 400]
    parts = [texts[a:b] for a, b in itertools.pairwise(cuts)]
    stats = TermStats.merge(TermStats.count(terms(t) for t in part) for part in parts)  # as workers count them
    shards = ShardedLexical([LexicalIndex.build(part, stats) for part in parts], stats)
    for query in ["metformin multiple sclerosis relapse", "risk of cancer in smokers", "asthma children 2019", "zzzq"]:
        assert np.array_equal(shards.scores(query), whole.scores(query)), query
        assert np.array_equal(shards.rare_term_coverage(query, 0.005), whole.rare_term_coverage(query, 0.005))
    words = ["cancer", "asthma", "unknownword"]
    assert shards.document_shares(words) == whole.document_shares(words)


def test_shards_hold_whole_documents_about_equal_in_passages():
    from rag.index.shards import plan_shards

    docs = ["a"] * 5 + ["b"] * 5 + ["c"] * 1 + ["d"] * 9 + ["e"] * 4
    ranges = plan_shards(docs, 3)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(docs)
    assert all(a == b for (_, a), (b, _) in itertools.pairwise(ranges))
    assert all(docs[a] != docs[a - 1] for a, _ in ranges[1:])  # never inside a document
    assert max(b - a for a, b in ranges) <= 10
    assert plan_shards(["a", "a", "b"], 8) == [(0, 2), (2, 3)]  # no more shards than documents
    assert plan_shards([], 4) == []


@pytest.mark.parametrize("kind", ["ivf_flat", "ivf_pq"])
def test_large_shards_use_ivf_and_read_back_memory_mapped(tmp_path, settings, kind):
    from rag.index.dense import make_shard_finder, read_shard_finder, shard_kind

    rng = np.random.default_rng(1)
    centres = rng.normal(size=(40, 96)).astype(np.float32)
    vectors = centres[rng.integers(0, 40, 12_000)] + 0.1 * rng.normal(size=(12_000, 96)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    small = settings.model_copy(update={"approximate_above": 1_000, "pq_above": 5_000 if kind == "ivf_pq" else 50_000})
    assert shard_kind(len(vectors), small) == kind
    faiss.write_index(make_shard_finder(vectors, small), str(tmp_path / "finder.index"))
    finder = read_shard_finder(tmp_path / "finder.index", kind)
    assert isinstance(finder, faiss.IndexIVFPQ if kind == "ivf_pq" else faiss.IndexIVFFlat)
    questions = vectors[:50] + 0.05 * rng.normal(size=(50, 96)).astype(np.float32)
    _, found = finder.search(questions, 100)  # candidates; the engine rescores them on the exact vectors
    exact = np.argsort(-(questions @ vectors.T), axis=1)[:, :10]
    recall = np.mean([len(set(e) & set(f)) / 10 for e, f in zip(exact, found)])
    assert recall >= 0.9
    # As served: an IVF-PQ shard's top 10 are the best of its codes' top 1,000 on the exact (mapped) vectors.
    from rag.index.lexical import LexicalIndex
    from rag.index.passages import LocalPassages

    passages = LocalPassages(finder, LexicalIndex(None, len(vectors)), vectors,
                             rerank=small.pq_rerank_depth if kind == "ivf_pq" else 0)
    served = [passages._dense_list(q, 10)[0] for q in questions]
    assert np.mean([len(set(e) & set(f)) / 10 for e, f in zip(exact, served)]) >= 0.95


def test_changing_the_shard_count_makes_the_build_stale(settings, built, embedder, tmp_path):
    from rag.index import current_folder, document_entries, read_manifest, staleness
    from rag.ingest import ingest_folder

    folder = current_folder(settings.index_dir).resolve()
    entries = document_entries(ingest_folder(settings.docs_dir, settings).documents)
    assert staleness(read_manifest(folder), settings, folder, entries) == []
    reasons = staleness(read_manifest(folder), settings.model_copy(update={"index_shards": 4}), folder, entries)
    assert reasons == ["index was written as 1 shard(s), settings ask for 4 — run `rag index`"]


def test_a_damaged_shard_is_refused_with_a_clear_message(sharded):
    from rag.index import IndexUnavailable, load_index

    victim = sharded.index.folder / sharded.index.manifest.shards[1].name / "vectors.npy"
    saved = victim.read_bytes()
    try:
        victim.write_bytes(saved[: len(saved) // 2])
        with pytest.raises(IndexUnavailable, match=r"shards/001/vectors.npy"):
            load_index(sharded.settings)
    finally:
        victim.write_bytes(saved)

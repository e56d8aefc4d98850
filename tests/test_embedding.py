"""The encoder: ONNX matches torch, serving never imports torch, concurrent questions batch correctly,
and vectors from different encoders never share a cache entry or an index."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import httpx
import numpy as np
import pytest

from tests.conftest import ROOT


def all_at_once(call, questions: list[str]) -> dict[str, np.ndarray]:
    """`call` each question from its own thread, all released together, so they meet in the batcher."""
    start = threading.Barrier(len(questions))
    results: dict[str, np.ndarray] = {}

    def ask(question: str) -> None:
        start.wait()
        results[question] = call(question)

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture(scope="module")
def seed_chunks(engine) -> list[str]:
    return [c.text for c in engine.index.chunks]


@pytest.fixture(scope="module")
def fp32(settings):
    from rag.embedding import Embedder

    return Embedder(settings.model_copy(update={"encoder_precision": "fp32"}))


@pytest.fixture(scope="module")
def int8(settings):
    from rag.embedding import Embedder

    return Embedder(settings.model_copy(update={"encoder_precision": "int8", "query_batch_wait_ms": 50.0,
                                                "query_cache_size": 0}))


def test_the_default_encoder_is_onnx_int8(embedder):
    assert (embedder.backend, embedder.precision) == ("onnx", "int8")


@pytest.mark.parametrize("setting", ["on", "off", "auto"])
def test_int8_products_are_exact_where_the_cpu_has_no_vnni(settings, setting):
    """Without VNNI, ONNX Runtime sums int8 products in saturating int16 and moved vectors to cosine 0.986 of VNNI
    CPUs'; x64quantprecision makes them exact there. On a VNNI CPU it changes no vector and costs time, so auto
    sets it only where the CPU lacks VNNI (docs/benchmarks.md, "int8 across CPUs")."""
    from rag.embedding import Embedder
    from rag.embedding.cpu import int8_dot_product

    embedder = Embedder(settings.model_copy(update={"encoder_precision": "int8", "int8_exact_products": setting}))
    options = embedder.encoder._query.get_session_options()
    try:
        exact = options.get_session_config_entry("session.x64quantprecision") == "1"
    except RuntimeError:  # not set
        exact = False
    assert exact == {"on": True, "off": False, "auto": not int8_dot_product()}[setting]


@pytest.mark.encoder_numerics
def test_onnx_fp32_matches_sentence_transformers_on_every_seed_chunk(fp32, seed_chunks):
    from rag.embedding.torch_encoder import TorchEncoder
    from rag.offline import model_path

    reference = TorchEncoder(model_path(), 1, 2, 32).encode(seed_chunks, bulk=True)
    ours = fp32.encode(seed_chunks)
    cosines = (reference * ours).sum(axis=1)
    assert len(cosines) == len(seed_chunks) > 40
    assert cosines.min() >= 0.999, f"worst chunk cosine {cosines.min():.5f}"


@pytest.mark.encoder_numerics
def test_int8_stays_close_to_fp32(int8, fp32, seed_chunks):
    assert int8.vector_space != fp32.vector_space
    cosines = (int8.encode(seed_chunks) * fp32.encode(seed_chunks)).sum(axis=1)
    assert cosines.mean() >= 0.99 and cosines.min() >= 0.97


def test_question_vector_is_the_same_single_batched_or_cached(embedder):
    question = "Is low-dose naltrexone safe with opioids?"
    alone = embedder.batcher.encode(question)
    in_batch = embedder.encode(["a much longer question about metformin and relapse rates in MS", question])[1]
    assert np.dot(alone, in_batch) > 0.9999
    assert embedder.encode_query(question) is embedder.encode_query(question)  # the second comes from the cache


def test_concurrent_questions_are_batched_and_each_gets_its_own_vector(settings):
    from rag.embedding import Embedder

    batched = Embedder(settings.model_copy(update={"query_batch_wait_ms": 50.0, "query_cache_size": 0,
                                                   "encoder_precision": "fp32"}))  # fp32: one run per batch
    questions = [f"question {i}: does {drug} help multiple sclerosis?" for i, drug in
                 enumerate(["metformin", "naltrexone", "stem cells", "vitamin D", "clemastine", "biotin", "exercise",
                            "fasting", "ocrelizumab", "interferon", "sunlight", "omega-3", "cannabis", "diet",
                            "statins", "melatonin"])]
    alone = {q: batched.batcher.encode(q) for q in questions}  # one at a time: each its own batch
    batched.batcher.sizes.clear()
    results = all_at_once(batched.encode_query, questions)
    assert set(results) == set(questions)
    for question in questions:
        assert np.dot(results[question], alone[question]) > 0.9999, question
    assert max(batched.batcher.sizes) > 1 and sum(batched.batcher.sizes) == len(questions)
    assert len(batched.batcher.sizes) < len(questions)


def test_int8_vectors_do_not_depend_on_what_they_were_batched_with(int8, seed_chunks):
    """Dynamic quantisation scales a whole run: int8 encodes one text per run, so a vector is the text's own."""
    alone = np.vstack([int8.encode([text]) for text in seed_chunks[:6]])
    assert np.array_equal(int8.encode(seed_chunks[:6]), alone)
    questions = ["Is metformin safe?", "What does the 2021 study of 200 MS patients report about relapse rates?"]
    single = [int8.batcher.encode(q) for q in questions]
    together = all_at_once(int8.encode_query, questions)
    assert max(int8.batcher.sizes) == 2  # they did share a batch (the 50 ms wait makes sure)
    for question, vector in zip(questions, single):
        assert np.array_equal(together[question], vector)


def test_a_failing_batch_fails_its_callers_and_the_worker_carries_on():
    from rag.embedding.batching import MicroBatcher

    def encode(texts):
        if "bad" in texts:
            raise ValueError("model failed")
        return np.ones((len(texts), 3), dtype=np.float32)

    batcher = MicroBatcher(encode, max_batch=4)
    with pytest.raises(ValueError, match="model failed"):
        batcher.encode("bad")
    assert batcher.encode("good").shape == (3,)


def test_cache_keys_separate_backends_and_precisions(tmp_path):
    from rag.embedding.cache import EmbeddingCache

    keys = {EmbeddingCache(tmp_path / "c.sqlite3", space, 3).key("same text")
            for space in ("m/onnx-fp32", "m/onnx-int8", "m/torch-fp32")}
    assert len(keys) == 3


def test_an_int8_build_embeds_anew_and_an_fp32_engine_refuses_it(settings, tmp_path):
    from rag.embedding import Embedder
    from rag.index import IndexUnavailable, build_index, load_index

    shared_cache = tmp_path / "vectors.sqlite3"
    fp32 = settings.model_copy(update={"index_dir": tmp_path / "index", "embedding_cache": shared_cache,
                                       "encoder_precision": "fp32"})
    first = build_index(fp32, Embedder(fp32))
    assert first.embedded >= first.chunks  # a fresh cache: every passage embedded
    int8 = fp32.model_copy(update={"encoder_precision": "int8"})
    second = build_index(int8, Embedder(int8))
    assert not second.unchanged and second.embedded == first.embedded  # nothing reused across precisions
    assert build_index(int8, Embedder(int8)).unchanged
    with pytest.raises(IndexUnavailable, match=r"int8 model.*RAG_ENCODER_PRECISION=int8"):
        load_index(fp32)


def test_an_unwritable_model_cache_is_one_clear_error(settings, tmp_path):
    from rag.embedding.export import EncoderUnavailable, ensure_exported

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(EncoderUnavailable, match="RAG_MODEL_CACHE_DIR"):
        ensure_exported(settings.model_copy(update={"model_cache_dir": blocker / "onnx"}))


def _imported_torch(importtime_log: str) -> list[str]:
    return [line for line in importtime_log.splitlines()
            if line.rsplit("|", 1)[-1].strip().split(".")[0] in {"torch", "transformers", "sentence_transformers"}]


def test_rag_ask_does_not_import_torch(settings, built):
    env = {**os.environ, "RAG_INDEX_DIR": str(settings.index_dir), "RAG_DOCS_DIR": str(settings.docs_dir)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "rag.cli", "ask", "Is metformin safe in MS?"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Answer" in done.stdout or "passages" in done.stdout.lower()
    assert "rag.embedding.onnx_encoder" in done.stderr  # the log is real: the encoder we expect was imported
    assert _imported_torch(done.stderr) == []


def test_rag_serve_answers_without_importing_torch(settings, built, tmp_path):
    from tests.servers import free_port, wait_for

    port = free_port()
    log = tmp_path / "importtime.log"
    env = {**os.environ, "RAG_INDEX_DIR": str(settings.index_dir), "RAG_DOCS_DIR": str(settings.docs_dir),
           "RAG_WATCH_SECONDS": "0"}
    with open(log, "w") as stderr:
        server = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "rag.cli", "serve", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: httpx.get(base + "/api/v1/health", timeout=2).status_code == 200, 120, "rag serve")
            reply = httpx.post(base + "/api/v1/query", json={"question": "Can metformin help MS?"}, timeout=30)
            assert reply.status_code == 200 and reply.json()["passages"]
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text()
    assert "onnxruntime" in text and "rag.api" in text
    assert _imported_torch(text) == []


def test_concurrent_http_requests_each_get_their_own_answer(settings, built):
    from rag.api import create_app
    from rag.engine import Engine
    from tests.servers import running

    questions = ["Can metformin help MS?", "Is low dose naltrexone safe with opioids?",
                 "Do umbilical cord stem cells help lupus?", "Can gene therapy treat depression?",
                 "What did Smith et al. 2021 find?", "Can a bone marrow transplant help MS?"]
    uncached = settings.model_copy(update={"query_cache_size": 0, "watch_seconds": 0})  # every request encodes
    with running(create_app(uncached, Engine(uncached)), uncached) as base:
        with httpx.Client(base_url=base, timeout=60) as client:
            expected = {q: client.post("/api/v1/query", json={"question": q}).json() for q in questions}
        replies: list[tuple[str, dict]] = []

        def ask(question: str) -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                for _ in range(3):
                    replies.append((question, client.post("/api/v1/query", json={"question": question}).json()))

        threads = [threading.Thread(target=ask, args=(q,)) for q in questions * 2]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert len(replies) == len(questions) * 6 and time.perf_counter() - began < 120
    for question, reply in replies:
        assert reply["question"] == question
        assert [p["source"] for p in reply["passages"]] == [p["source"] for p in expected[question]["passages"]]
        assert reply["answer"] == expected[question]["answer"]


def test_rag_ask_reports_an_encoder_it_cannot_export_in_one_line(settings, built, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = {**os.environ, "RAG_INDEX_DIR": str(settings.index_dir), "RAG_MODEL_CACHE_DIR": str(blocker / "onnx")}
    done = subprocess.run([sys.executable, "-m", "rag.cli", "ask", "Is metformin safe?"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "RAG_MODEL_CACHE_DIR" in done.stderr and "Traceback" not in done.stderr

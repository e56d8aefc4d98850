"""Query latency against the model's own floor, in one run: floor, engine in-process, HTTP (1 and 16 clients).

Usage:
  .venv/bin/python benchmarks/bench_query.py seeds            # the seed index (built if missing)
  .venv/bin/python benchmarks/bench_query.py liveqa           # the liveqa-med eval index (run `rag eval` first)
The floor is a bare SentenceTransformer.encode of the question plus one FAISS search; the engine is the full
`Engine.query` (follow-up resolution, hybrid search, caveats, answer) with its query cache off.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, Clients, percentiles, save, start_server, timed, wait_until  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.evaluate import eval_settings, load_dataset  # noqa: E402
from rag.index import build_index  # noqa: E402
from rag.schema import QueryRequest  # noqa: E402
from rag.settings import Settings  # noqa: E402

SHARED = ROOT.parent / "shared" / "benchmarks"


def questions_for(corpus: str) -> tuple[Settings, list[str]]:
    base = Settings(query_cache_size=0)
    if corpus == "seeds":
        rows = [json.loads(l) for l in (SHARED / "seeds-dev" / "questions.jsonl").read_text().splitlines() if l.strip()]
        return base, [r["question"] for r in rows]
    folder = SHARED / ("liveqa-med" if corpus == "liveqa" else corpus)
    dataset = load_dataset(folder)
    return eval_settings(folder, base), [q[:2000] for q in dataset.queries.values()][:100]


def thread_comparison(engine: Engine, questions: list[str]) -> dict[str, dict]:
    import torch

    model = engine.embedder.model
    out = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        samples = [timed(model.encode, [q], normalize_embeddings=True)[0] for q in questions * 3]
        out[f"{threads}_thread"] = percentiles(samples)
    torch.set_num_threads(engine.settings.torch_threads)
    return out


def in_process(engine: Engine, questions: list[str], rounds: int) -> dict[str, dict]:
    index = engine.index
    model = engine.embedder.model
    floor, ours = [], []
    for _ in range(rounds):
        for question in questions:
            def bare():
                vector = model.encode([question], normalize_embeddings=True, convert_to_numpy=True)
                return index.faiss_index.search(vector.astype("float32"), 10)
            floor.append(timed(bare)[0])
            engine.embedder._cache.clear()
            ours.append(timed(engine.query, QueryRequest(question=question))[0])
    f, o = percentiles(floor), percentiles(ours)
    return {"floor": f, "engine": o, "engine_over_floor_p50": round(o["p50"] / f["p50"], 3)}


def http_runs(settings: Settings, questions: list[str], seconds: float, clients: int) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_QUERY_CACHE_SIZE": "0", "RAG_INDEX_DIR": str(settings.index_dir),
           "RAG_DOCS_DIR": str(settings.docs_dir)}
    started = time.perf_counter()
    server, base = start_server(env)
    try:
        answered = lambda: httpx.post(base + "/api/v1/query", json={"question": questions[0]}, timeout=5).status_code == 200  # noqa: E731
        wait_until(answered, server)
        cold_start = time.perf_counter() - started
        with httpx.Client(base_url=base, timeout=60) as client:
            sequential = [timed(client.post, "/api/v1/query", json={"question": q})[0] for q in questions * 2]
        began = time.perf_counter()
        load = Clients(base, questions, clients, began + seconds).start().join()
        elapsed = time.perf_counter() - began
        return {"cold_start_to_first_answer_s": round(cold_start, 2), "sequential": percentiles(sequential),
                "concurrent": {**percentiles(load.samples), "clients": clients, "seconds": round(elapsed, 1),
                               "requests_per_s": round(len(load.samples) / elapsed, 1), "errors": len(load.failures)}}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(corpus: str) -> None:
    settings, questions = questions_for(corpus)
    engine = Engine(settings)
    if corpus == "seeds":
        build_index(settings, engine.embedder)
    engine.reload()
    engine.query(QueryRequest(question="warm up"))
    result = {"corpus": corpus, "chunks": len(engine.index.chunks), "documents": len(engine.index.documents),
              "questions": len(questions)}
    result["threads"] = thread_comparison(engine, questions[:20])
    result["in_process"] = in_process(engine, questions, rounds=3 if corpus == "seeds" else 1)
    result["http"] = http_runs(settings, questions, seconds=20, clients=16)
    result["http_over_floor_p50"] = round(result["http"]["sequential"]["p50"] / result["in_process"]["floor"]["p50"], 3)
    save(f"query-{corpus}", f".venv/bin/python benchmarks/bench_query.py {corpus}", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "seeds")

"""Query latency and throughput against the bare model, in one run: the floors, the engine, HTTP (1 and 16 clients),
cold start.

Usage:
  .venv/bin/python -m benchmarks.bench_query seeds        # the seed index (built if missing)
  .venv/bin/python -m benchmarks.bench_query liveqa       # liveqa-med eval indexes (`rag eval` first, per precision)
  .venv/bin/python -m benchmarks.bench_query answer-step [--before REV] [--as NAME]
                                                          # the answer step alone (vs REV), seeds and liveqa-med;
                                                          # saved as NAME (default answer-step)

- floor: a bare sentence-transformers (torch fp32) encode of the question plus one FAISS search (on one OpenMP
  thread, its faster setting here), with the encoder at 1 and 2 threads;
  the better of the two is the floor every ratio uses. The same for our ONNX encoder at fp32 and int8.
- engine: the full `Engine.query` (follow-up resolution, hybrid search, caveats, answer), query cache off.
- HTTP: `rag serve` in a child process. Default settings: cold start (process start → first answer, index built),
  sequential, 16 clients. Then the same 16 clients against variants: torch without batching on one thread (how
  main served before the ONNX path), one query thread, fp32 (true micro-batches; int8 encodes one per run) with
  and without a 2 ms batching wait.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import httpx

from benchmarks.common import ROOT, Clients, percentiles, save, start_server, stop_server, timed, wait_until
from rag.embedding.export import FILES, ensure_exported
from rag.embedding.onnx_encoder import OnnxEncoder
from rag.engine import Engine
from rag.evaluate import corpus_documents, eval_settings, load_dataset
from rag.index import FORMAT_VERSION, build_index
from rag.offline import model_path
from rag.results import Question
from rag.settings import Settings

SHARED = ROOT.parent / "shared" / "benchmarks"
VARIANTS = {
    "torch, no batching (before)": {"encoder_backend": "torch", "query_batch_max": 1, "query_threads": 1},
    "1 query thread": {"query_threads": 1},
    "fp32, micro-batched": {"encoder_precision": "fp32"},
    "fp32, micro-batched, 2 ms wait": {"encoder_precision": "fp32", "query_batch_wait_ms": 2.0},
}


def questions_for(corpus: str, overrides: dict | None = None) -> tuple[Settings, list[str]]:
    base = Settings(query_cache_size=0, **(overrides or {}))
    if corpus == "seeds":  # one seed index per precision, so every variant has one it may serve
        from rag.embedding import encoder_precision

        base = base.model_copy(update={"index_dir": ROOT / "index" / "bench" / encoder_precision(base)})
        text = (SHARED / "seeds-dev" / "questions.jsonl").read_text()
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        return base, [r["question"] for r in rows]
    folder = SHARED / ("liveqa-med" if corpus == "liveqa" else corpus)
    dataset = load_dataset(folder)
    return eval_settings(folder, base), [q[:2000] for q in dataset.queries.values()][:100]


def floors(engine: Engine, questions: list[str], rounds: int) -> dict[str, dict]:
    """Bare encode + one FAISS search, each encoder and thread count timed on the same question in turn."""
    import faiss

    from rag.embedding.torch_encoder import TorchEncoder

    # FAISS' flat search on one OpenMP thread took 4.7 ms per question over liveqa-med's 37,100 vectors
    # against 10 ms on two (OpenMP's hand-off costs more than it saves for one query): the floor gets the faster.
    faiss.omp_set_num_threads(1)
    index, settings = engine.index, engine.settings
    folder = ensure_exported(settings)
    encoders = {}
    for threads in (1, 2):
        encoders[f"torch fp32, {threads} thread"] = TorchEncoder(model_path(), threads, threads, 32)
        for precision in ("fp32", "int8"):
            encoders[f"onnx {precision}, {threads} thread"] = OnnxEncoder(
                folder / FILES[precision], model_path() / "tokenizer.json", settings.model_window, threads, threads
            )
    samples: dict[str, list[float]] = {name: [] for name in encoders}
    for _ in range(rounds):
        for question in questions:
            for name, encoder in encoders.items():
                if name.startswith("torch"):  # torch's thread count is process-wide
                    encoder._torch.set_num_threads(encoder.query_threads)
                def search(encoder=encoder, question=question):
                    return index.faiss_index.search(encoder.encode([question]), 10)

                samples[name].append(timed(search)[0])
    return {name: percentiles(values) for name, values in samples.items()}


def in_process(engine: Engine, questions: list[str], rounds: int) -> dict:
    samples = []
    for _ in range(rounds):
        for question in questions:
            samples.append(timed(engine.query, Question(question))[0])
    return percentiles(samples)


def serve(
    settings: Settings, overrides: dict, questions: list[str], seconds: float, clients: int, sequential: bool
) -> dict:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "RAG_QUERY_CACHE_SIZE": "0",
        "RAG_INDEX_DIR": str(settings.index_dir),
        "RAG_DOCS_DIR": str(settings.docs_dir),
        "RAG_WATCH_SECONDS": "0",
        **{f"RAG_{k.upper()}": str(v) for k, v in overrides.items()},
    }
    started = time.perf_counter()
    server, base = start_server(env)
    try:
        answered = lambda: (
            httpx.post(base + "/api/v1/query", json={"question": questions[0]}, timeout=5).status_code == 200
        )
        wait_until(answered, server, interval=0.01)
        out = {"cold_start_to_first_answer_s": round(time.perf_counter() - started, 2)}
        with httpx.Client(base_url=base, timeout=60) as client:
            for question in questions[:5]:
                client.post("/api/v1/query", json={"question": question})
            if sequential:
                out["sequential"] = percentiles(
                    [timed(client.post, "/api/v1/query", json={"question": q})[0] for q in questions * 2]
                )
        began = time.perf_counter()
        load = Clients(base, questions, clients, began + seconds).start().join()
        elapsed = time.perf_counter() - began
        out["concurrent"] = {
            **percentiles(load.samples),
            "clients": clients,
            "seconds": round(elapsed, 1),
            "requests_per_s": round(len(load.samples) / elapsed, 1),
            "errors": len(load.failures),
        }
        return out
    finally:
        stop_server(server)


def answer_step(engine: Engine, questions: list[str], rounds: int) -> dict:
    """The whole query, the answer step (`Engine.finish`: the writer, the answer's caveats, the response) and the
    writer alone, per question, in the same run."""
    from rag.engine import answer_passages

    query, finish, writer = [], [], []
    for _ in range(rounds):
        for question in questions:
            request = Question(question)
            started = time.perf_counter()
            retrieval = engine.retrieve(request)
            passages = engine.passages(retrieval.index, retrieval.hits)
            finish.append(timed(engine.finish, request, retrieval, passages)[0])
            query.append((time.perf_counter() - started) * 1000)
            index = retrieval.index
            shown = answer_passages(passages, index)
            writer.append(
                timed(engine.writer.write, retrieval.query, shown, index.lexical.document_shares, len(index.chunks))[0]
            )
    return {
        "questions": len(questions),
        "query": percentiles(query),
        "finish": percentiles(finish),
        "writer": percentiles(writer),
    }


def before_and_after(rev: str, turns: int = 5) -> dict:
    """The answer step's p50 at commit `rev` and in this checkout, in child processes taking turns (same indexes);
    the best turn of each. Five turns: with two, the same two commits' difference moved by 2 ms between runs on
    this shared machine."""
    import subprocess
    import tempfile

    runs: dict[str, list[dict]] = {rev: [], "this checkout": []}
    with tempfile.TemporaryDirectory() as folder:
        checkout = Path(folder) / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(checkout), rev], cwd=ROOT, check=True, capture_output=True
        )
        # An older checkout reads this one's index format: format 4 changed what is encoded, not how the files are
        # laid out, so both versions are timed on the same indexes.
        manifest = checkout / "rag" / "index" / "manifest.py"
        manifest.write_text(re.sub(r"FORMAT_VERSION = \d+", f"FORMAT_VERSION = {FORMAT_VERSION}", manifest.read_text()))
        try:
            for _ in range(turns):
                for label, code in ((rev, checkout), ("this checkout", ROOT)):
                    done = subprocess.run(
                        # a script, not -m: it imports `rag` from the checkout it is given, not this one
                        [sys.executable, str(ROOT / "benchmarks" / "finish_times.py"), str(code)],
                        cwd=folder,
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    runs[label].append(json.loads(done.stdout.strip().splitlines()[-1]))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, capture_output=True)
    return {label: {name: round(min(r[name] for r in rows), 3) for name in rows[0]} for label, rows in runs.items()}


def answer_steps(before: str | None, name: str = "answer-step") -> None:
    """`bench_query.py answer-step [--before REV]`: the answer step on the seeds (seeds-dev questions, 5 rounds)
    and liveqa-med; with --before, its p50 at REV and here, timed in turns in the same run."""
    result: dict = {"collections": {}}
    for corpus, rounds in (("seeds", 5), ("liveqa", 1)):
        settings, questions = questions_for(corpus)
        engine = Engine(settings)
        if corpus == "seeds":
            build_index(settings, engine.embedder)
        else:  # the index `rag eval` builds (same folder, no caveats): reused when it is there
            build_index(
                settings,
                engine.embedder,
                documents=corpus_documents(load_dataset(SHARED / "liveqa-med")),
                caveats=False,
            )
        engine.reload()
        for question in questions[:5]:  # warm: the caveat engine's caches and the model
            engine.query(Question(question))
        result["collections"]["seeds-dev" if corpus == "seeds" else "liveqa-med"] = answer_step(
            engine, questions, rounds
        )
    command = ".venv/bin/python -m benchmarks.bench_query answer-step"
    if before:
        result["before"] = {"rev": before, **before_and_after(before)}
        command += f" --before {before}"
    if name != "answer-step":
        command += f" --as {name}"
    save(name, command, result)
    print(json.dumps(result, indent=2))


def main(corpus: str) -> None:
    settings, questions = questions_for(corpus)
    engine = Engine(settings)
    if corpus == "seeds":
        build_index(settings, engine.embedder)
    engine.reload()
    engine.query(Question("warm up"))
    result = {
        "corpus": corpus,
        "encoder": engine.embedder.vector_space,
        "chunks": len(engine.index.chunks),
        "documents": len(engine.index.documents),
        "questions": len(questions),
    }
    rounds = 3 if corpus == "seeds" else 1
    result["floors"] = floors(engine, questions, rounds)
    torch_floor = min(v["p50"] for k, v in result["floors"].items() if k.startswith("torch"))
    result["torch_floor_p50"] = torch_floor
    result["engine"] = in_process(engine, questions, rounds)
    result["http"] = serve(settings, {}, questions, seconds=20, clients=16, sequential=True)
    result["variants"] = {}
    for name, overrides in VARIANTS.items():
        variant_settings, _ = questions_for(corpus, overrides)  # the index folder matches the variant's precision
        if corpus == "seeds":
            from rag.embedding import Embedder

            build_index(variant_settings, Embedder(variant_settings))
        result["variants"][name] = serve(
            variant_settings, overrides, questions, seconds=20, clients=16, sequential=name.startswith("torch")
        )
    before = result["variants"]["torch, no batching (before)"]
    result["ratios"] = {
        "onnx_fp32_over_floor_p50": round(result["floors"]["onnx fp32, 1 thread"]["p50"] / torch_floor, 3),
        "onnx_int8_over_floor_p50": round(result["floors"]["onnx int8, 1 thread"]["p50"] / torch_floor, 3),
        "engine_over_floor_p50": round(result["engine"]["p50"] / torch_floor, 3),
        "http_over_floor_p50": round(result["http"]["sequential"]["p50"] / torch_floor, 3),
        "before_http_over_floor_p50": round(before["sequential"]["p50"] / torch_floor, 3),
        "concurrent_rps_over_before": round(
            result["http"]["concurrent"]["requests_per_s"] / before["concurrent"]["requests_per_s"], 2
        ),
    }
    save(f"query-{corpus}", f".venv/bin/python -m benchmarks.bench_query {corpus}", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    if sys.argv[1:2] == ["answer-step"]:
        options = dict(zip(sys.argv[2::2], sys.argv[3::2]))
        if len(sys.argv[2:]) % 2 or set(options) - {"--before", "--as"}:
            raise SystemExit("usage: bench_query answer-step [--before REV] [--as NAME]")
        answer_steps(options.get("--before"), options.get("--as", "answer-step"))
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "seeds")

"""The answer step's p50 (`Engine.finish`), and the whole question's, on the seeds and liveqa-med for the code at
CODE_DIR (a checkout of any commit), against the indexes `bench_query.py answer-step` builds. Run by `bench_query.py
answer-step --before REV`, in a child process per checkout, so that two versions of `rag` are timed in one run on the
same indexes.

Usage: .venv/bin/python -m benchmarks.finish_times CODE_DIR [COLLECTION …]
# prints {"seeds": p50 ms, "seeds, to JSON": …, "seeds, whole question": …}; COLLECTION is seeds or liveqa-med.

"to JSON" adds what the HTTP route does with the result: since the engine returns records, the route converts them
(`QueryResponse.of`) before serialising; before, `finish` built the response models itself. Compare that line across
that change.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else str(ROOT))

from rag.engine import Engine  # noqa: E402
from rag.evaluate import eval_settings, load_dataset  # noqa: E402
from rag.settings import Settings  # noqa: E402

try:  # the engine's own question record, and the route's conversion of its result
    from rag.api.schema import QueryResponse
    from rag.results import Question as asking

    def wire(result) -> str:
        return QueryResponse.of(result).model_dump_json()
except ImportError:  # a checkout from before the engine took records: it took and gave the wire models
    from rag.schema import QueryRequest  # type: ignore[no-redef]

    def asking(text: str):  # type: ignore[misc]
        return QueryRequest(question=text)

    def wire(result) -> str:  # type: ignore[misc]
        return result.model_dump_json()

SHARED = ROOT.parent / "shared" / "benchmarks"


def collections() -> dict[str, tuple[Settings, list[str], int]]:
    from rag.embedding import encoder_precision

    base = Settings(query_cache_size=0, index_dir=ROOT / "index")
    seeds = base.model_copy(update={"index_dir": ROOT / "index" / "bench" / encoder_precision(base)})
    seed_questions = [
        json.loads(line)["question"]
        for line in (SHARED / "seeds-dev" / "questions.jsonl").read_text().splitlines()
        if line.strip()
    ]
    live = load_dataset(SHARED / "liveqa-med")
    return {
        "seeds": (seeds, seed_questions, 5),
        "liveqa-med": (eval_settings(SHARED / "liveqa-med", base), [q[:2000] for q in live.queries.values()][:100], 1),
    }


def main() -> None:
    out = {}
    wanted = sys.argv[2:]
    for name, (settings, questions, rounds) in collections().items():
        if wanted and name not in wanted:
            continue
        engine = Engine(settings)
        for question in questions[:5]:
            engine.query(asking(question))
        samples, to_json, whole = [], [], []
        for _ in range(rounds):
            for question in questions:
                request = asking(question)
                began = time.perf_counter()
                retrieval = engine.retrieve(request)
                passages = engine.passages(retrieval.index, retrieval.hits)
                started = time.perf_counter()
                result = engine.finish(request, retrieval, passages)
                samples.append((time.perf_counter() - started) * 1000)
                wire(result)
                to_json.append((time.perf_counter() - started) * 1000)
                whole.append((time.perf_counter() - began) * 1000)
        out[name] = round(statistics.median(samples), 3)
        out[f"{name}, to JSON"] = round(statistics.median(to_json), 3)
        out[f"{name}, whole question"] = round(statistics.median(whole), 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

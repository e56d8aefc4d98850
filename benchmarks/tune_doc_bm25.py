"""Choose the weight of whole-document BM25 (issue 26) on the tuning sets, report it on the held-out ones.

Chosen by the mean hybrid nDCG@10 of liveqa-med half A, NFCorpus dev and SciFact dev, the other weights as shipped
(title BM25's weight tried again beside it, since the two overlap where documents have titles); liveqa-med half B
and pubmedqa-l are only reported, with a paired test per question against the weight before (0).
Needs the eval indexes (`rag eval` builds them). Writes benchmarks/results/doc-bm25.json.

Usage: .venv/bin/python -m benchmarks.tune_doc_bm25 [../shared/benchmarks]
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np

from benchmarks.common import save
from benchmarks.train_adapter import paired_sets
from benchmarks.tune_split import DEFAULT, SHIPPED, Bench, CachedEncoder, subset
from rag.embedding import Embedder
from rag.embedding.adapter import load_adapter
from rag.settings import Settings

GRID = {"doc_lexical_weight": (0.0, 0.05, 0.1, 0.2, 0.3, 0.5), "title_lexical_weight": (0.1, 0.2)}
TUNED_ON = ("nfcorpus-dev", "scifact-dev")


def main(folder: Path = DEFAULT) -> None:
    encoder = CachedEncoder(Embedder(Settings(query_adapter=False)))
    adapter = load_adapter()
    live, pubmed = Bench(folder / "liveqa-med", encoder), Bench(folder / "pubmedqa-l", encoder)
    dev = {name: Bench(folder / name, encoder) for name in TUNED_ON}
    half_a, half_b = subset(live.dataset, "A"), subset(live.dataset, "B")
    base = {**SHIPPED, "doc_lexical_weight": 0.0}
    grid, best = [], None
    for values in itertools.product(*GRID.values()):
        weights = {**base, **dict(zip(GRID, values))}
        scores = {"liveqa_A": live.score(half_a, weights, adapter),
                  **{f"{n}_dev": b.score(b.dataset, weights, adapter) for n, b in dev.items()}}
        mean = round(float(np.mean([s["nDCG@10"] for s in scores.values()])), 4)
        point = {**dict(zip(GRID, values)), **scores, "mean_nDCG@10": mean}
        grid.append(point)
        print(json.dumps(point), flush=True)
        if best is None or mean > best[0]:
            best = (mean, weights, point)
    _, chosen, _ = best

    def report(weights: dict) -> dict:
        return {"liveqa_A": live.score(half_a, weights, adapter), "liveqa_B": live.score(half_b, weights, adapter),
                "pubmedqa": pubmed.score(pubmed.dataset, weights, adapter),
                **{f"{n}_dev": b.score(b.dataset, weights, adapter) for n, b in dev.items()}}

    result = {
        "chosen": {k: chosen[k] for k in GRID},
        "before": report(base),
        "after": report(chosen),
        "paired": paired_sets(
            {"liveqa_B": (live, half_b), "pubmedqa": (pubmed, pubmed.dataset),
             **{f"{n}_dev": (b, b.dataset) for n, b in dev.items()}},
            (base, adapter), (chosen, adapter)),
        "grid": grid,
    }
    print(json.dumps({k: result[k] for k in ("chosen", "before", "after", "paired")}, indent=1), flush=True)
    save("doc-bm25", ".venv/bin/python -m benchmarks.tune_doc_bm25", result)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)

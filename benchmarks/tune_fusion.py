"""Sweep fusion weights on a BEIR dataset using the cached eval index (signals gathered once per query).

Usage: .venv/bin/python benchmarks/tune_fusion.py ../shared/benchmarks/liveqa-med
Prints nDCG@10 / MRR@10 per weight setting, best first. Used to choose the defaults in rag/settings.py.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from rag.embedding import Embedder
from rag.evaluate import eval_settings, load_dataset, run_queries, score_run
from rag.index import load_index
from rag.settings import Settings


def main(folder: Path) -> None:
    base = eval_settings(folder, Settings())
    dataset = load_dataset(folder)
    embedder = Embedder(base)
    index = load_index(base, embedder.dimensions)
    cache: dict = {}
    rows = []
    grid = itertools.product((1.0,), (0.0, 0.1, 0.2, 0.3), (0.0, 0.3, 0.5, 0.7, 1.0), (0.0, 0.1, 0.2))
    for dense, lexical, title, title_lexical in grid:
        settings = base.model_copy(update={"dense_weight": dense, "lexical_weight": lexical,
                                           "title_weight": title, "title_lexical_weight": title_lexical})
        run = run_queries(index, embedder, dataset, settings, ["hybrid"], signals_cache=cache)["hybrid"]
        metrics = score_run(run, dataset.qrels)
        rows.append((metrics["nDCG@10"], metrics["MRR@10"], (dense, lexical, title, title_lexical)))
        print(f"{dense:.1f} {lexical:.1f} {title:.1f} {title_lexical:.1f}  nDCG@10 {metrics['nDCG@10']:.4f}  MRR@10 {metrics['MRR@10']:.4f}", flush=True)
    print("best:")
    for ndcg, mrr, weights in sorted(rows, reverse=True)[:8]:
        print(f"  {weights}  nDCG@10 {ndcg:.4f}  MRR@10 {mrr:.4f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

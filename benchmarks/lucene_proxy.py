"""A stand-in for Lucene's BM25 on the dev splits, to compare our BM25 with (issue 26).

Pyserini's published BEIR figures are on the test splits, which we do not have. On the dev splits we run what those
figures measure instead: whole documents, title and text indexed together, Lucene's BM25 formula with Pyserini's
BEIR parameters (k1 0.9, b 0.4), through bm25s (method "lucene"), with the same stemmer and stopwords as ours; also
bm25s' defaults (k1 1.5, b 0.75) and text without the title, to show what each part is worth. nDCG@10, MRR@10 and
R@100 over every judged question (a question with no hit scores 0). Writes benchmarks/results/lucene-proxy.json.

Usage: .venv/bin/python -m benchmarks.lucene_proxy [../shared/benchmarks]
"""

from __future__ import annotations

import sys
from pathlib import Path

import bm25s
import numpy as np

from benchmarks.common import save
from benchmarks.tune_split import DEFAULT
from rag.evaluate import load_dataset, score_run
from rag.index.lexical import terms, tokenize

SETS = ("nfcorpus-dev", "scifact-dev")
VARIANTS = {"title+text, k1 0.9, b 0.4 (Pyserini BEIR)": (True, 0.9, 0.4),
            "title+text, k1 1.5, b 0.75": (True, 1.5, 0.75),
            "text only, k1 0.9, b 0.4": (False, 0.9, 0.4)}


def run(folder: Path, title: bool, k1: float, b: float) -> dict[str, float]:
    dataset = load_dataset(folder)
    ids = list(dataset.corpus)
    texts = [
        ((row.get("title") or "") + "\n" if title else "") + str(row.get("text", "")) for row in dataset.corpus.values()
    ]
    model = bm25s.BM25(k1=k1, b=b, method="lucene")
    model.index(tokenize(texts), show_progress=False)
    vocab = model.vocab_dict
    found: dict[str, dict[str, float]] = {}
    for qid in (q for q in dataset.queries if q in dataset.qrels):
        known = [vocab[t] for t in terms(dataset.queries[qid]) if t in vocab]
        if not known:
            found[qid] = {}
            continue
        scores = model.get_scores(known)
        top = np.argsort(-scores)[:100]
        found[qid] = {ids[i]: float(scores[i]) for i in top if scores[i] > 0}
    metrics = score_run(found, dataset.qrels)
    return {k: metrics[k] for k in ("nDCG@10", "MRR@10", "Recall@100")}


def main(folder: Path = DEFAULT) -> None:
    result = {name: {label: run(folder / name, *args) for label, args in VARIANTS.items()} for name in SETS}
    print(result)
    save("lucene-proxy", ".venv/bin/python -m benchmarks.lucene_proxy", {"sets": result})


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)

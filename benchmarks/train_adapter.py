"""Train the question adapter (rag/embedding/adapter.py) and choose its settings on liveqa-med half A only.

Training pairs: MedQuAD's own question (a corpus entry's title) and its answer's passages, for every entry of the
liveqa-med corpus that no liveqa-med question judges, and whose answer text is not the text of a judged answer (435
unjudged entries repeat a judged answer under another question; they are left out too). No liveqa-med question is
read for training. M = I + D is learned with an in-batch contrastive loss (each question against the other answers
of its batch) and an L2 pull of D towards zero; passage vectors stay fixed, so only questions move.

Since issue 26 the adapter also learns from the train splits of NFCorpus (lay nutrition questions → PubMed) and
SciFact (claims → abstracts): each train question with the passages of its judged-relevant documents, batches drawn
from one collection at a time. Settings (pull, epochs, temperature) are chosen by the mean hybrid nDCG@10 of
liveqa-med half A, NFCorpus dev and SciFact dev, with the shipped fusion weights; half B and pubmedqa-l are only
reported, with a paired test per question against the adapter before. Writes rag/embedding/data/query_adapter.
{npy,json} and benchmarks/results/query-adapter.json.

Usage: .venv/bin/python -m benchmarks.train_adapter [../shared/benchmarks] [--write]
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np

from benchmarks.common import save
from benchmarks.tune_split import DEFAULT, PHRASE_OFF, Bench, CachedEncoder, subset
from rag.embedding import Embedder
from rag.embedding.adapter import MATRIX_FILE, PROVENANCE_FILE, QueryAdapter
from rag.embedding.adapter_training import query_pairs, train, training_pairs
from rag.settings import Settings

GRID = {"pull": (1e-3, 1e-4, 1e-5), "epochs": (2, 4, 8), "temperature": (0.05, 0.1)}
TRAIN_SPLITS = ("nfcorpus-dev", "scifact-dev")  # folders whose qrels/train.tsv the adapter learns from
BATCH, LEARNING_RATE, SEED = 256, 1e-3, 0
# The adapter is chosen with the fusion weights that ship (rag/settings.py's defaults), as they were when it was
# trained: phrase evidence, tuned after it and with it, is off here.
WEIGHTS = PHRASE_OFF


def train_split(bench: Bench, encoder: CachedEncoder, folder: Path):
    """A collection's train questions (qrels/train.tsv) with their relevant documents, as adapter training pairs."""
    relevant: dict[str, set[str]] = {}
    for line in (folder / "qrels" / "train.tsv").read_text().splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 3 and float(parts[2]) > 0:
            relevant.setdefault(parts[0], set()).add(parts[1])
    ids = sorted(q for q in relevant if q in bench.dataset.queries)
    vectors = encoder.encode([bench.dataset.queries[q] for q in ids])
    return query_pairs(bench.index, vectors, [relevant[q] for q in ids], folder.name), bench.index.vectors


def paired(before: dict[str, float], after: dict[str, float]) -> dict:
    """Per-question nDCG@10 differences: mean and the Wilcoxon signed-rank p-value (two-sided)."""
    from scipy.stats import wilcoxon

    diffs = np.array([after[q] - before[q] for q in before])
    p = float(wilcoxon(diffs).pvalue) if np.any(diffs) else 1.0
    return {"questions": len(diffs), "mean_change": round(float(diffs.mean()), 4), "better": int((diffs > 0).sum()),
            "worse": int((diffs < 0).sum()), "p_value": round(p, 4)}


def paired_sets(sets: dict[str, tuple[Bench, object]], before: tuple, after: tuple) -> dict:
    """`paired` on each (bench, dataset) of `sets`, before vs after, each given as per_query's (weights, adapter)."""
    return {name: paired(bench.per_query(data, *before), bench.per_query(data, *after))
            for name, (bench, data) in sets.items()}


def main(folder: Path = DEFAULT) -> None:
    from rag.embedding.adapter import load_adapter

    encoder = CachedEncoder(Embedder(Settings(query_adapter=False)))
    live = Bench(folder / "liveqa-med", encoder)
    pubmed = Bench(folder / "pubmedqa-l", encoder)
    splits = {name: Bench(folder / name, encoder) for name in TRAIN_SPLITS}
    half_a, half_b = subset(live.dataset, "A"), subset(live.dataset, "B")
    medquad = training_pairs(live.index, live.dataset.qrels)
    sources = [(medquad, live.index.vectors)] + [
        train_split(bench, encoder, folder / name) for name, bench in splits.items()
    ]
    counts = {k: v for data, _ in sources for k, v in data.counts.items()}
    print(json.dumps(counts), flush=True)
    previous = load_adapter()

    def chosen_on(adapter) -> dict:
        scores = {
            "liveqa_A": live.score(half_a, WEIGHTS, adapter),
            **{f"{name}_dev": bench.score(bench.dataset, WEIGHTS, adapter) for name, bench in splits.items()},
        }
        scores["mean_nDCG@10"] = round(float(np.mean([v["nDCG@10"] for v in scores.values()])), 4)
        return scores

    grid, best = [], None
    for pull, epochs, temperature in itertools.product(*GRID.values()):
        adapter = QueryAdapter.from_matrix(train(sources, None, pull, epochs, temperature, BATCH, LEARNING_RATE, SEED))
        scores = chosen_on(adapter)
        point = {"pull": pull, "epochs": epochs, "temperature": temperature, **scores}
        grid.append(point)
        print(json.dumps(point), flush=True)
        if best is None or scores["mean_nDCG@10"] > best[0]:
            best = (scores["mean_nDCG@10"], point, adapter)
    _, chosen, adapter = best

    def reported(a) -> dict:
        return {
            "liveqa_A": live.score(half_a, WEIGHTS, a),
            "liveqa_B": live.score(half_b, WEIGHTS, a),
            "pubmedqa": pubmed.score(pubmed.dataset, WEIGHTS, a),
            **{f"{name}_dev": bench.score(bench.dataset, WEIGHTS, a) for name, bench in splits.items()},
        }

    report = {
        "chosen": {k: chosen[k] for k in GRID},
        "digest": adapter.digest,
        **counts,
        "without": reported(None),
        "before": reported(previous),
        "with": reported(adapter),
        "paired_vs_before": paired_sets(
            {"liveqa_B": (live, half_b), "pubmedqa": (pubmed, pubmed.dataset),
             **{f"{name}_dev": (bench, bench.dataset) for name, bench in splits.items()}},
            (WEIGHTS, previous), (WEIGHTS, adapter)),
        "previous_digest": previous.digest if previous else None,
        "grid": grid,
    }
    print(json.dumps({k: report[k] for k in ("chosen", "digest", "before", "with", "paired_vs_before")}), flush=True)
    if "--write" in sys.argv:
        np.save(MATRIX_FILE, adapter.matrix)
        PROVENANCE_FILE.write_text(
            json.dumps(
                {
                    "digest": adapter.digest,
                    "command": ".venv/bin/python -m benchmarks.train_adapter --write",
                    "data": "MedQuAD question-answer pairs (CC BY 4.0, Ben Abacha & Demner-Fushman 2019) in the "
                            "liveqa-med corpus, every judged answer and its text twins held out; NFCorpus and SciFact "
                            "train splits (their dev and test splits held out)",
                    "vectors": live.index.manifest.encoder,
                    "settings": report["chosen"],
                    "batch": BATCH,
                    "learning_rate": LEARNING_RATE,
                    "seed": SEED,
                    **counts,
                },
                indent=2,
            )
            + "\n"
        )
    # Without --write the matrix is a candidate: reported apart, so docs/benchmarks.md never shows it as shipped.
    written = "--write" in sys.argv
    save(
        "query-adapter" if written else "query-adapter-candidate",
        ".venv/bin/python -m benchmarks.train_adapter" + (" --write" if written else ""),
        report,
    )


if __name__ == "__main__":
    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(paths[0]) if paths else DEFAULT)

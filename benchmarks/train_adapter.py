"""Train the question adapter (rag/embedding/adapter.py) and choose its settings on liveqa-med half A only.

Training pairs: MedQuAD's own question (a corpus entry's title) and its answer's passages, for every entry of the
liveqa-med corpus that no liveqa-med question judges, and whose answer text is not the text of a judged answer (435
unjudged entries repeat a judged answer under another question; they are left out too). No liveqa-med question is
read for training. M = I + D is learned with an in-batch contrastive loss (each question against the other answers
of its batch) and an L2 pull of D towards zero; passage vectors stay fixed, so only questions move.

Settings (pull, epochs, temperature) are chosen by hybrid nDCG@10 (then MRR@10) on half A, with the exact option's
fusion weights; half B and pubmedqa-l are only reported. Writes rag/embedding/data/query_adapter.{npy,json} and
benchmarks/results/query-adapter.json.

Usage: .venv/bin/python benchmarks/train_adapter.py [../shared/benchmarks]
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import save  # noqa: E402
from benchmarks.tune_split import DEFAULT, PHRASE_OFF, Bench, CachedEncoder, subset  # noqa: E402
from rag.embedding import Embedder  # noqa: E402
from rag.embedding.adapter import MATRIX_FILE, PROVENANCE_FILE, QueryAdapter  # noqa: E402
from rag.embedding.adapter_training import train, training_pairs  # noqa: E402
from rag.settings import Settings  # noqa: E402

GRID = {"pull": (1e-2, 1e-3, 1e-4, 1e-5), "epochs": (1, 2, 4, 8), "temperature": (0.05, 0.1, 0.2)}
BATCH, LEARNING_RATE, SEED = 256, 1e-3, 0
# The adapter is chosen with the fusion weights that ship (rag/settings.py's defaults), as they were when it was
# trained: phrase evidence, tuned after it and with it, is off here.
WEIGHTS = PHRASE_OFF


def main(folder: Path = DEFAULT) -> None:
    encoder = CachedEncoder(Embedder(Settings(query_adapter=False)))
    live = Bench(folder / "liveqa-med", encoder)
    pubmed = Bench(folder / "pubmedqa-l", encoder)
    half_a, half_b = subset(live.dataset, "A"), subset(live.dataset, "B")
    data = training_pairs(live.index, live.dataset.qrels)
    counts = data.counts
    print(json.dumps(counts), flush=True)
    grid, best = [], None
    for pull, epochs, temperature in itertools.product(*GRID.values()):
        adapter = QueryAdapter.from_matrix(train(data, live.index.vectors, pull, epochs, temperature, BATCH,
                                                 LEARNING_RATE, SEED))
        scores = live.score(half_a, WEIGHTS, adapter)
        point = {"pull": pull, "epochs": epochs, "temperature": temperature, "liveqa_A": scores}
        grid.append(point)
        print(json.dumps(point), flush=True)
        if best is None or (scores["nDCG@10"], scores["MRR@10"]) > best[0]:
            best = ((scores["nDCG@10"], scores["MRR@10"]), point, adapter)
    _, chosen, adapter = best
    report = {"chosen": {k: chosen[k] for k in GRID}, "digest": adapter.digest, **counts,
              "without": {"liveqa_A": live.score(half_a, WEIGHTS), "liveqa_B": live.score(half_b, WEIGHTS),
                          "pubmedqa": pubmed.score(pubmed.dataset, WEIGHTS)},
              "with": {"liveqa_A": live.score(half_a, WEIGHTS, adapter), "liveqa_B": live.score(half_b, WEIGHTS, adapter),
                       "pubmedqa": pubmed.score(pubmed.dataset, WEIGHTS, adapter)},
              "grid": grid}
    np.save(MATRIX_FILE, adapter.matrix)
    PROVENANCE_FILE.write_text(json.dumps({
        "digest": adapter.digest, "command": ".venv/bin/python benchmarks/train_adapter.py",
        "data": "MedQuAD question-answer pairs (CC BY 4.0, Ben Abacha & Demner-Fushman 2019) in the liveqa-med "
                "corpus, every judged answer and its text twins held out",
        "vectors": live.index.manifest.encoder, "settings": report["chosen"],
        "batch": BATCH, "learning_rate": LEARNING_RATE, "seed": SEED, **counts}, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("chosen", "digest", "without", "with")}), flush=True)
    save("query-adapter", ".venv/bin/python benchmarks/train_adapter.py", report)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)

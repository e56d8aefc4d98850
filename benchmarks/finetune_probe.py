"""Probe: does fine-tuning MiniLM on the train splits lift dense retrieval enough to be worth shipping (issue 26)?

Not part of the product: nothing here is shipped or loaded by `rag`. It trains a copy of the packaged
all-MiniLM-L6-v2 with an in-batch contrastive loss (each question against the other documents of its batch, both
directions, scale 20) on NFCorpus train (each query with `--per-query` of its relevant documents), SciFact train
(three per claim, twice) and 3,000 MedQuAD question-answer pairs that no liveqa-med question judges; batches are
drawn from one collection at a time, and a document relevant to another question of the batch is masked out as a
negative. Then it scores dense retrieval over whole documents (title and text, 256 word pieces) on the dev splits,
nDCG@10, before and after. Torch fp32 on the CPU: one epoch at 128 word pieces takes ~15 min on 2 cores, each
scoring ~3.5 min per model.

Usage: .venv/bin/python -m benchmarks.finetune_probe OUT [--epochs 1] [--seq 128] [--lr 2e-5] [--per-query 2]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from benchmarks.common import ROOT

SHARED = ROOT.parent / "shared" / "benchmarks"
DEV = ("nfcorpus-dev", "scifact-dev")
BATCH, SCALE, SEED = 32, 20.0, 0


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def corpus(name: str) -> dict[str, str]:
    return {d["_id"]: (f"{d['title']}. {d['text']}" if d.get("title") else d["text"])
            for d in _rows(SHARED / name / "corpus.jsonl")}


def qrels(name: str, split: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for line in (SHARED / name / "qrels" / f"{split}.tsv").read_text().splitlines()[1:]:
        q, d, score = line.split("\t")[:3]
        if float(score) > 0:
            out.setdefault(q, {})[d] = int(float(score))
    return out


def dense_ndcg(model, name: str) -> float:
    import ir_measures
    from ir_measures import nDCG

    docs, relevant = corpus(name), qrels(name, "test")
    queries = {r["_id"]: r["text"] for r in _rows(SHARED / name / "queries.jsonl")}
    ids, asked = list(docs), [q for q in relevant if q in queries]
    d = model.encode([docs[i] for i in ids], batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    v = model.encode([queries[q] for q in asked], batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    scores = v @ d.T
    run = {q: {ids[j]: float(scores[i, j]) for j in np.argsort(-scores[i])[:100]} for i, q in enumerate(asked)}
    return float(ir_measures.calc_aggregate([nDCG @ 10], relevant, run)[nDCG @ 10])


def pairs(name: str, per_query: int, rng: random.Random) -> list[tuple[str, str, str, frozenset]]:
    """(question, document text, document id, every document relevant to the question)."""
    docs, relevant = corpus(name), qrels(name, "train")
    queries = {r["_id"]: r["text"] for r in _rows(SHARED / name / "queries.jsonl")}
    out = []
    for q, judged in relevant.items():
        if q not in queries:
            continue
        positives = [d for d in judged if d in docs]
        rng.shuffle(positives)
        out += [(queries[q], docs[d], d, frozenset(judged)) for d in positives[:per_query]]
    return out


def medquad(n: int, rng: random.Random) -> list[tuple[str, str, str, frozenset]]:
    lines = (SHARED / "liveqa-med" / "qrels" / "test.tsv").read_text().splitlines()[1:]
    judged = {line.split("\t")[1] for line in lines}
    entries = [d for d in _rows(SHARED / "liveqa-med" / "corpus.jsonl") if d["_id"] not in judged and d.get("title")]
    rng.shuffle(entries)
    return [(d["title"], d["text"], d["_id"], frozenset([d["_id"]])) for d in entries[:n]]


def batches(sets: dict[str, list], epochs: int, rng: random.Random) -> list[list]:
    out = []
    for _ in range(epochs):
        for rows in sets.values():
            rows = rows[:]
            rng.shuffle(rows)
            for start in range(0, len(rows) - BATCH + 1, BATCH):
                seen: set[str] = set()
                batch = [r for r in rows[start:start + BATCH] if not (r[2] in seen or seen.add(r[2]))]
                out.append(batch)
    rng.shuffle(out)
    return out


def main() -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    from rag.offline import model_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--per-query", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    model = SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)
    before = {name: dense_ndcg(model, name) for name in DEV}
    sets = {"nfcorpus": pairs("nfcorpus-dev", args.per_query, rng), "scifact": pairs("scifact-dev", 3, rng) * 2,
            "medquad": medquad(3000, rng)}
    plan = batches(sets, args.epochs, rng)
    model.max_seq_length = args.seq
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warm = max(1, len(plan) // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / len(plan)))
    model.train()
    started = time.perf_counter()
    for step, batch in enumerate(plan):
        q = torch.nn.functional.normalize(model(model.tokenize([r[0] for r in batch]))["sentence_embedding"], dim=-1)
        d = torch.nn.functional.normalize(model(model.tokenize([r[1] for r in batch]))["sentence_embedding"], dim=-1)
        masked = torch.tensor([[j != i and batch[j][2] in batch[i][3] for j in range(len(batch))]
                               for i in range(len(batch))])
        scores = (q @ d.T * SCALE).masked_fill(masked, -1e4)
        labels = torch.arange(len(batch))
        loss = (torch.nn.functional.cross_entropy(scores, labels)
                + torch.nn.functional.cross_entropy(scores.T, labels)) / 2
        loss.backward()
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % 50 == 0:
            print(f"step {step}/{len(plan)} loss {loss.item():.3f} {time.perf_counter() - started:.0f} s", flush=True)
    model.eval()
    model.max_seq_length = 256
    model.save(str(args.out))
    after = {name: dense_ndcg(model, name) for name in DEV}
    print(json.dumps({"settings": vars(args) | {"out": str(args.out)}, "pairs": {k: len(v) for k, v in sets.items()},
                      "dense_nDCG@10_before": before, "dense_nDCG@10_after": after}, indent=1))


if __name__ == "__main__":
    main()

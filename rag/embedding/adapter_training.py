"""Training the question adapter (rag/embedding/adapter.py): the held-out rule and the contrastive fit.

Kept apart from the adapter itself so that serving never imports torch. `benchmarks/train_adapter.py` chooses the
settings on liveqa-med half A and writes the shipped matrix.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from rag.index import LoadedIndex


@dataclass(frozen=True)
class TrainingSet:
    questions: np.ndarray  # one title vector per kept entry: the corpus's own question
    passages: list[np.ndarray]  # each entry's passage ids: its answer
    counts: dict[str, int]


def _text_key(text: str) -> str:
    return " ".join(text.split())


def training_pairs(index: LoadedIndex, qrels: dict[str, dict[str, int]]) -> TrainingSet:
    """(title, answer passages) for every entry no question judges and whose answer is not a judged answer's twin.

    A judged answer repeated word for word under another question would carry the evaluation's answers into
    training under a different name, so those twins are held out too."""
    judged = {doc for grades in qrels.values() for doc in grades}
    judged_texts = {_text_key(index.documents[d].text) for d in judged if d in index.documents}
    keep, twins = [], 0
    for position, doc_id in enumerate(index.doc_order):
        if doc_id in judged or not len(index.doc_chunks[position]):
            continue
        if _text_key(index.documents[doc_id].text) in judged_texts:
            twins += 1
            continue
        keep.append(position)
    counts = {"entries": len(index.doc_order), "judged_held_out": len(judged & set(index.doc_order)),
              "text_twins_held_out": twins, "training_pairs": len(keep)}
    return TrainingSet(index.title_vectors[keep], [index.doc_chunks[p] for p in keep], counts)


def train(data: TrainingSet, vectors: np.ndarray, pull: float, epochs: int, temperature: float, batch: int = 256,
          learning_rate: float = 1e-3, seed: int = 0) -> np.ndarray:
    """M = I + D fitted so each question scores one of its own passages above the other answers in its batch.

    `pull` is an L2 penalty on D: the adapter stays a small move away from MiniLM's own geometry."""
    import torch

    torch.manual_seed(seed)
    pick = random.Random(seed)
    x = torch.from_numpy(np.ascontiguousarray(data.questions, dtype=np.float32))
    v = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
    size = x.shape[1]
    change = torch.zeros(size, size, requires_grad=True)
    optimiser = torch.optim.Adam([change], lr=learning_rate)
    eye = torch.eye(size)
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for start in range(0, len(x), batch):
            rows = order[start:start + batch]
            positive = torch.tensor([pick.choice(data.passages[i].tolist()) for i in rows.tolist()])
            q = torch.nn.functional.normalize(x[rows] @ (eye + change), dim=1)
            logits = q @ v[positive].T / temperature
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(rows))) + pull * (change ** 2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return (eye + change).detach().numpy()

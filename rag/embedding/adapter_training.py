"""Training the question adapter (rag/embedding/adapter.py): the held-out rule and the contrastive fit.

Kept apart from the adapter itself so that serving never imports torch. `benchmarks/train_adapter.py` chooses the
settings on liveqa-med half A and writes the shipped matrix.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # a type only: rag.index imports rag.embedding, and embedding must not import index back
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


def query_pairs(index: LoadedIndex, question_vectors: np.ndarray, relevant: list[set[str]], source: str) -> TrainingSet:
    """(question, passages of its judged-relevant documents) for a collection's own training questions
    (NFCorpus and SciFact ship train splits); questions with no relevant document in the index are left out."""
    position = {doc_id: i for i, doc_id in enumerate(index.doc_order)}
    keep, passages = [], []
    for i, docs in enumerate(relevant):
        chunks = [index.doc_chunks[position[d]] for d in docs if d in position and len(index.doc_chunks[position[d]])]
        if chunks:
            keep.append(i)
            passages.append(np.concatenate(chunks))
    return TrainingSet(np.asarray(question_vectors)[keep], passages, {f"{source}_pairs": len(keep)})


def train(
    data: TrainingSet | list[tuple[TrainingSet, np.ndarray]],
    vectors: np.ndarray | None,
    pull: float,
    epochs: int,
    temperature: float,
    batch: int = 256,
    learning_rate: float = 1e-3,
    seed: int = 0,
) -> np.ndarray:
    """M = I + D fitted so each question scores one of its own passages above the other answers in its batch.

    `data` is one training set over `vectors`, or several (set, its collection's passage vectors): each batch then
    comes from one collection, so a question's negatives are answers from its own collection, not easy ones from
    another field. `pull` is an L2 penalty on D: the adapter stays a small move away from MiniLM's own geometry."""
    import torch

    sources = data if isinstance(data, list) else [(data, vectors)]
    torch.manual_seed(seed)
    pick = random.Random(seed)
    xs = [torch.from_numpy(np.ascontiguousarray(s.questions, dtype=np.float32)) for s, _ in sources]
    vs = [torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for _, v in sources]
    size = xs[0].shape[1]
    change = torch.zeros(size, size, requires_grad=True)
    optimiser = torch.optim.Adam([change], lr=learning_rate)
    eye = torch.eye(size)
    for _ in range(epochs):
        batches = []
        for k, x in enumerate(xs):
            order = torch.randperm(len(x))
            batches += [(k, order[start : start + batch]) for start in range(0, len(x), batch)]
        pick.shuffle(batches)
        for k, rows in batches:
            passages = sources[k][0].passages
            positive = torch.tensor([pick.choice(passages[i].tolist()) for i in rows.tolist()])
            q = torch.nn.functional.normalize(xs[k][rows] @ (eye + change), dim=1)
            logits = q @ vs[k][positive].T / temperature
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(rows))) + pull * (change**2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return (eye + change).detach().numpy()

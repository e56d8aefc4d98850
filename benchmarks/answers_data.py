"""answers-dev (MEDIQA-AnS, dev half) as this project reads it: the sections as an index, the questions, the
experts' sentences, and the scores the dataset's README names (ROUGE-1/2/L F1 without stemming; sentence
precision and recall where a sentence matches a gold one at token Jaccard >= 0.6).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from rouge_score import rouge_scorer

from benchmarks.common import ROOT
from rag.ingest import content_hash
from rag.ingest.cleaning import clean_text
from rag.settings import Settings
from rag.types import Document

FOLDER = ROOT.parent / "shared" / "benchmarks" / "answers-dev"
MATCH = 0.6
_TOKEN = re.compile(r"\w+")
_SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)


@dataclass
class Item:
    id: str
    question: str
    doc_ids: list[str]
    gold: list[str]


def items(folder: Path = FOLDER) -> list[Item]:
    rows = [json.loads(line) for line in (folder / "items.jsonl").read_text().splitlines() if line.strip()]
    return [Item(str(r["id"]), r["question"], list(r["doc_ids"]), list(r["gold_sentences"])) for r in rows]


def documents(folder: Path = FOLDER) -> list[Document]:
    out = []
    for path in sorted((folder / "docs").glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        text = clean_text(body)
        out.append(
            Document(
                doc_id=path.stem,
                path=f"answers-dev/docs/{path.name}",
                title=title.strip(),
                title_given=True,
                text=text,
                content_hash=content_hash(title + "\0" + text),
            )
        )
    return out


def settings(base: Settings | None = None) -> Settings:
    base = base or Settings(query_cache_size=0)
    return base.model_copy(
        update={
            "index_dir": ROOT / "index" / "eval" / "answers-dev",
            "embedding_cache": ROOT / "index" / "eval" / "embeddings.sqlite3",
        }
    )


def tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def best_match(text: str, gold_tokens: list[set[str]]) -> float:
    mine = tokens(text)
    return max((jaccard(mine, g) for g in gold_tokens), default=0.0)


def score(answer: list[str], gold: list[str]) -> dict[str, float]:
    """One question's scores; an empty answer scores 0 on everything."""
    if not answer:
        return {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0, "precision": 0.0, "recall": 0.0, "sentences": 0}
    rouge = _SCORER.score(" ".join(gold), " ".join(answer))
    gold_tokens = [tokens(g) for g in gold]
    mine = [tokens(a) for a in answer]
    precision = sum(1 for a in mine if any(jaccard(a, g) >= MATCH for g in gold_tokens)) / len(mine)
    recall = sum(1 for g in gold_tokens if any(jaccard(a, g) >= MATCH for a in mine)) / max(len(gold_tokens), 1)
    return {
        "rouge1": rouge["rouge1"].fmeasure,
        "rouge2": rouge["rouge2"].fmeasure,
        "rougeL": rouge["rougeL"].fmeasure,
        "precision": precision,
        "recall": recall,
        "sentences": len(answer),
    }


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    keys = rows[0].keys() if rows else []
    return {k: round(sum(r[k] for r in rows) / len(rows), 4) for k in keys}


def folds(ids: list[str], k: int = 5, salt: str = "") -> list[set[str]]:
    """Question folds that do not depend on order: by a hash of the id (with `salt`, another partition)."""
    import hashlib

    out: list[set[str]] = [set() for _ in range(k)]
    for i in ids:
        out[int(hashlib.sha1((salt + i).encode()).hexdigest(), 16) % k].add(i)
    return out

"""Is the question covered at all? A learned score over what a match looks like, calibrated across question
styles (short topic titles, claims, long consumer messages), each asked of a collection that answers it and of
one that does not (benchmarks/calibrate_no_answer.py writes data/no_answer.json).

One fixed cosine threshold cannot serve every style: "okra" asked of a nutrition collection has a best cosine
far below a consumer's three-paragraph message about a page it matches, and both are answerable. What the model
reads instead (`FEATURES`):
- `dense`: the best cosine between the question and a hit;
- `cover`: the best share of the question's content words found in one of the top five hits;
- `known`: the share of its content words that some passage of the collection uses ("okra" is a word a
  nutrition collection knows and the MS pages never use);
- `log_words`: how many content words it has (a title is short, a message long);
- `collection`: its cosine with the collection's mean passage vector. A best match counts for more when it stands
  out from what the whole collection looks like to this question: a general health question is "close" to
  every health page without any of them answering it.
The fitted weight of `cover` is negative. It moves with `known` (a top passage holds only words the collection
uses), and the pair reads: words the collection knows count towards covered, the more so when the top passages
lack some of them, as a short title on a large collection matches on meaning more than on words. Forcing it to be
at least 0 left NFCorpus dev at 6.5 % wrongly refused, against 4.6 % (issue 26 note).
Two rules sit beside the score. A question is refused whatever its score when none of the top passages names what
it asks about ("Can vitamin D help MS?" asked of pages on metformin and LDN; `subject.py`): as a learned feature
it fires on too few calibration questions to earn a weight (it refused a quarter of our near misses), and fitted
on half of those it cost NFCorpus train 1.7 points of wrong refusals (6.5 %), against 0.2 as a rule. And a
question is never refused when a top passage holds the study it cites by name ("What did Study B find?" is far in
meaning from the table row that answers it, yet the row is what was asked for).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.index import LoadedIndex
from rag.retrieval.candidates import citation_lift
from rag.retrieval.hits import Hit
from rag.retrieval.subject import keywords_held, unnamed_subject
from rag.terms import content_words, stem

FEATURES = ("dense", "cover", "known", "log_words", "collection")
TOP = 5  # the top passages read for `cover` and `unnamed` (a request's default top_k)
MODEL = Path(__file__).parent / "data" / "no_answer.json"


@dataclass(frozen=True)
class NoAnswerModel:
    """A linear score over `FEATURES` (on their raw scale, the threshold folded into `bias`): below 0, refused."""

    weights: tuple[float, ...]
    bias: float
    trained_on: str = ""
    encoder: str = ""  # the vector space whose cosines it was fitted on ("all-MiniLM-L6-v2/onnx-int8")

    @classmethod
    def from_dict(cls, data: dict) -> NoAnswerModel:
        weights = data["weights"]
        if set(weights) != set(FEATURES):
            raise ValueError(f"no-answer model has weights for {sorted(weights)}, not for {list(FEATURES)}: "
                             "refit it (python -m benchmarks.calibrate_no_answer)")
        return cls(tuple(float(weights[name]) for name in FEATURES), float(data["bias"]),
                   str(data.get("trained_on", "")), str(data.get("encoder", "")))

    def to_dict(self) -> dict:
        return {"trained_on": self.trained_on, "encoder": self.encoder, "bias": round(self.bias, 5),
                "weights": {name: round(w, 5) for name, w in zip(FEATURES, self.weights)}}

    def score(self, features: np.ndarray) -> np.ndarray | float:
        """Above 0: covered as calibrated (`refused` shifts the line by the strictness setting). Works on one row of
        `FEATURES` or on a matrix of them."""
        return np.asarray(features, dtype=np.float64) @ np.array(self.weights) + self.bias


@lru_cache(maxsize=1)
def default_model() -> NoAnswerModel:
    return NoAnswerModel.from_dict(json.loads(MODEL.read_text()))


def term_coverage(question: str, text: str) -> float:
    """Share of the question's content words (prefix-matched, so 'treated' meets 'treatment') found in the text."""
    words = set(content_words(question))
    if not words:
        return 0.0
    lowered = text.lower()
    found = sum(1 for w in words if stem(w) in lowered)
    return found / len(words)


def known_share(index: LoadedIndex, question: str) -> float:
    """Share of the question's content words that some passage of the collection holds."""
    words = list(dict.fromkeys(content_words(question)))
    if not words:
        return 0.0
    return sum(1 for word in words if index.lexical.document_share(word) > 0) / len(words)


def collection_centroid(index: LoadedIndex) -> np.ndarray:
    """The collection's mean passage vector, unit length; derived once per loaded index.

    Read from whatever holds the vectors: the loaded array, the shards' memory maps, or (where the passages are
    searched elsewhere) the shard files on disk."""
    centroid = index.derived.get("centroid")
    if centroid is None:
        total = np.zeros(index.manifest.dimensions, dtype=np.float64)
        if isinstance(index.vectors, np.ndarray):
            parts = [index.vectors]
        elif index.vectors is not None:
            parts = list(index.vectors.parts)
        else:
            parts = [np.load(index.folder / entry.name / "vectors.npy", mmap_mode="r", allow_pickle=False)
                     for entry in index.manifest.shards]
        for part in parts:
            for start in range(0, len(part), 65536):  # bounded memory on a large memory-mapped shard
                total += np.asarray(part[start:start + 65536]).sum(axis=0, dtype=np.float64)
        norm = float(np.linalg.norm(total))
        centroid = index.derived["centroid"] = (total / norm if norm else total).astype(np.float32)
    return centroid


def match_strength(index: LoadedIndex, query: str, hits: list[Hit]) -> tuple[float, float, bool]:
    """Best cosine among the hits, the best word coverage among the top five, and whether one of those five
    holds a study the question cites by name."""
    dense = max((h.closeness for h in hits), default=0.0)
    top = hits[:TOP]
    cover = max((term_coverage(query, index.chunks[h.chunk_id].text) for h in top), default=0.0)
    cited = bool(top) and bool(citation_lift(index, np.array([h.chunk_id for h in top]), query).any())
    return dense, cover, cited


def question_features(index: LoadedIndex, query: str, hits: list[Hit], plain: np.ndarray,
                      asked: str | None = None) -> tuple[np.ndarray, bool, bool]:
    """The question's row of `FEATURES`, whether a top passage holds the study it cites, and whether no top passage
    names what it asks about. `asked` is the person's own words where `query` is a resolved follow-up: "What about
    vitamin D" asks about vitamin D, not about "vitamin D ldn"."""
    dense, cover, cited = match_strength(index, query, hits)
    words = len(set(content_words(query)))
    collection = float(np.asarray(plain, dtype=np.float32) @ collection_centroid(index))
    texts = [index.chunks[h.chunk_id].text for h in hits[:TOP]]
    unnamed = unnamed_subject(query if asked is None else asked, texts) is not None
    # a search-box query whose every name one top passage holds is answered, as one whose cited study is
    cited = cited or keywords_held(query if asked is None else asked, texts)
    return np.array([dense, cover, known_share(index, query), math.log1p(words), collection]), cited, unnamed


def refused(score: np.ndarray | float, cited: np.ndarray | bool = False, strictness: float = 0.0,
            unnamed: np.ndarray | bool = False) -> np.ndarray:
    """The rule: a score below `strictness` (0 as calibrated; higher refuses more), or no top passage naming what was
    asked about; never when the question's cited study is in a top passage. Works on one question or on arrays
    (the calibration sweeps it)."""
    below = (np.asarray(score) < strictness) | np.asarray(unnamed, dtype=bool)
    return below & ~np.asarray(cited, dtype=bool)

"""Whether a text as a whole sells more than it informs: a logistic score over its sensational cues.

Sentences carry `promotional_tone` cues by rule (rules.py), so a reader always sees the words. Whether the whole
document earns the caveat is learned from press releases that HealthNewsReview's reviewers judged (FakeHealth;
`benchmarks/train_tone.py` writes data/tone.json): how many sentences use such words, whether the headline does,
which words they are ("breakthrough" weighs more than "world's"), and whether the headline promises an effect that
rests on animal or lab work, the reviewers' most frequent reason. One sensational sentence in passing never sets a
long text's tone (`sets_tone`); severity rises with density (profile._by_density).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rag.caveats.codes import Code, Level
from rag.caveats.rules import HEADLINE_EFFECT, RULE_BY_CODE
from rag.caveats.sentences import SentenceFinding

MODEL_PATH = Path(__file__).with_name("data") / "tone.json"
SENTENCES = "sentences"  # log(1 + sentences with a promotional cue)
SHARE = "share"  # the share of the text's claim sentences with a promotional cue: one call to action in a short ad
HEADLINE = "headline"  # a promotional cue in the headline
OVERCLAIM = "overclaim"  # the headline promises an effect; the evidence is animal or lab work
CUE = "cue="  # prefix: one feature per cue's words, as written (hyphens and case folded)
FAMILY = "family="  # prefix: one feature per rule pattern the cue matched
# Training settings (benchmarks/train_tone.py): L2 strength, and the least precision the threshold must keep on the
# training releases. A cue's learned weight is never below zero: a sensational word does not make a text sober.
C = 0.3
MIN_PRECISION = 0.72
SHARE_SCALE = 5.0  # the share on the scale of the other features, so that the L2 pull treats it alike
# Whatever the score, one sensational sentence in passing does not set a long text's tone: the text earns the
# caveat only with two such sentences, one in its headline, a headline overclaim, or one in at most MAX_CLAIMS_PER
# claim sentences (a press release runs to a median of 26 sentences; a 200-sentence page with one "milestone" is
# not promotional).
MIN_SENTENCES = 2
MAX_CLAIMS_PER = 50
# A title that asks: an auxiliary first ("Can tea reverse…"), "How to…", "What is…"; "How green tea fights cancer"
# states.
_QUESTION = re.compile(r"^\W*(?:can|could|does|do|did|is|are|should|will|would|how to|what (?:is|are))\b",
                       re.IGNORECASE)

_EFFECT = re.compile(HEADLINE_EFFECT, re.IGNORECASE)


@lru_cache(maxsize=1)
def _families() -> list[tuple[str, re.Pattern]]:
    return [(p, re.compile(p, re.IGNORECASE)) for p in RULE_BY_CODE[Code.PROMOTIONAL_TONE].patterns]


@lru_cache(maxsize=4096)
def cue_keys(words: str) -> tuple[str, ...]:
    """A cue's features: its words, and the rule pattern they match ("huge step" is new, its family is not)."""
    folded = " ".join(words.lower().replace("’", "'").replace("-", " ").split())
    family = next((source for source, pattern in _families() if pattern.fullmatch(words)), None)
    return (CUE + folded, FAMILY + family) if family else (CUE + folded,)


def overclaim(text: str, headline: Sequence[SentenceFinding], level: Level) -> SentenceFinding | None:
    """The title, when it states an effect without a hedge or a lab word of its own and the document is preclinical:
    "Drug shown to reverse brain deficits" over a study in rats ("Mice regrow brain tissue" says what it rests on)."""
    if level != Level.PRECLINICAL or not headline:
        return None
    title = headline[0]
    if title.has(Code.SPECULATIVE_LANGUAGE) or title.level == Level.PRECLINICAL:
        return None
    words = text[title.start : title.end].strip()
    if words.endswith("?") or _QUESTION.match(words):  # "How to prevent DVT?" asks; it promises nothing
        return None
    return title if _EFFECT.search(words) else None


def features(text: str, findings: Sequence[SentenceFinding], headline: Sequence[SentenceFinding], level: Level,
             claims: int, keep: Callable[[str], bool] | None = None) -> dict[str, float]:
    """What the score reads from a text's sentence findings; `keep` (cue words → bool) leaves cues out, as a
    cross-validation fold that must not know a cue family does."""

    def cues(finding: SentenceFinding) -> list[str]:
        words = [text[c.start : c.end] for c in finding.cues if c.code == Code.PROMOTIONAL_TONE]
        return [w for w in words if keep is None or keep(w)]

    out: dict[str, float] = {}
    sentences = 0
    for finding in findings:
        found = cues(finding)
        sentences += bool(found)
        out.update((key, 1.0) for words in found for key in cue_keys(words))
    out[SENTENCES] = math.log1p(sentences)
    out[SHARE] = SHARE_SCALE * sentences / max(1, claims, sentences)
    out[HEADLINE] = float(any(cues(f) for f in headline))
    out[OVERCLAIM] = float(overclaim(text, headline, level) is not None)
    return out


def sets_tone(values: dict[str, float]) -> bool:
    """Whether the text's sensational sentences are more than a word in passing (MIN_SENTENCES, MAX_CLAIMS_PER)."""
    sentences = round(math.expm1(values.get(SENTENCES, 0.0)))
    return (sentences >= MIN_SENTENCES or values.get(HEADLINE, 0.0) > 0 or values.get(OVERCLAIM, 0.0) > 0
            or (sentences > 0 and values.get(SHARE, 0.0) >= SHARE_SCALE / MAX_CLAIMS_PER))


@dataclass(frozen=True)
class ToneModel:
    """`unseen_family`: the weight of a rule family the training texts never used (a press release never says "buy
    now"): the mean of the families they did use, so that a cue is not worth nothing for being rare there."""

    bias: float
    weights: dict[str, float]
    threshold: float
    trained_on: dict = field(default_factory=dict, compare=False)
    unseen_family: float = 0.0

    def weight(self, name: str) -> float:
        if name in self.weights:
            return self.weights[name]
        return self.unseen_family if name.startswith(FAMILY) else 0.0

    def probability(self, values: dict[str, float]) -> float:
        z = self.bias + sum(self.weight(name) * value for name, value in values.items())
        return 1.0 / (1.0 + math.exp(-z))

    def promotional(self, values: dict[str, float]) -> bool:
        return sets_tone(values) and self.probability(values) >= self.threshold

    def to_json(self) -> dict:
        # A family clipped to zero is kept: left out, it would weigh as an unseen one after a reload.
        weights = {name: round(w, 6) for name, w in sorted(self.weights.items()) if w or name.startswith(FAMILY)}
        return {"bias": round(self.bias, 6), "threshold": round(self.threshold, 4),
                "unseen_family": round(self.unseen_family, 6), "weights": weights, "trained_on": self.trained_on}

    @classmethod
    def from_json(cls, data: dict) -> ToneModel:
        return cls(data["bias"], dict(data["weights"]), data["threshold"], data.get("trained_on", {}),
                   data.get("unseen_family", 0.0))


def learn(examples: Sequence[tuple[dict[str, float], bool]], c: float = C,
          min_precision: float = MIN_PRECISION) -> ToneModel:
    """Logistic regression over the features; the threshold is the one with the best F1 on the training texts
    among those keeping `min_precision` (0.5 if none does)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([values for values, _ in examples])
    y = [label for _, label in examples]
    fitted = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    weights = {
        name: (max(0.0, float(w)) if name.startswith((CUE, FAMILY)) else float(w))
        for name, w in zip(vectorizer.get_feature_names_out(), fitted.coef_[0], strict=True)
    }
    families = [w for name, w in weights.items() if name.startswith(FAMILY)]
    unseen = sum(families) / len(families) if families else 0.0
    model = ToneModel(float(fitted.intercept_[0]), weights, 0.5, unseen_family=unseen)
    scores = [model.probability(values) if sets_tone(values) else 0.0 for values, _ in examples]
    best_f1, threshold = 0.0, 0.5
    for step in range(10, 41):
        cut = step / 50
        tp = sum(1 for s, label in zip(scores, y, strict=True) if s >= cut and label)
        fp = sum(1 for s, label in zip(scores, y, strict=True) if s >= cut and not label)
        if not tp or tp / (tp + fp) < min_precision:
            continue
        f1 = 2 * tp / (2 * tp + fp + (sum(y) - tp))
        if f1 > best_f1:
            best_f1, threshold = f1, cut
    return ToneModel(model.bias, weights, threshold, {"texts": len(y), "C": c, "min_precision": min_precision}, unseen)


@lru_cache(maxsize=1)
def shipped() -> ToneModel:
    return ToneModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))

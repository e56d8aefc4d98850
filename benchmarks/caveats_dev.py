"""Score the caveat detectors on caveats-dev (human-labelled sentences and abstracts).

Usage: .venv/bin/python -m benchmarks.caveats_dev [../shared/benchmarks/caveats-dev]

- Hedges (BioScope): sentence-level P/R/F1, 5-fold cross-validation split by abstract; the lexicon is
  learned on four folds and scored on the fifth. Also the hand-written everyday hedges alone.
- Study design (PubMedQA abstracts, MeSH-derived labels): P/R per class on halves split by PMID.
- Null results (PubMedQA conclusions): `mixed_evidence` recall on "no", precision against "yes".
Hand-written rules were revised while reading half A's errors; half B is the figure to quote.
Writes benchmarks/results/caveats-dev.json and the design disagreements (ids only: read the abstracts in
place) to benchmarks/results/caveats-dev-design-disagreements.jsonl;
benchmarks/data/caveats-dev-design-adjudicated.jsonl records what reading them by hand found.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import RESULTS, ROOT, save
from rag.caveats.codes import Code, Level
from rag.caveats.hedges import learn
from rag.caveats.profile import evidence_level
from rag.caveats.rules import PROMOTIONAL_FROM_REASONS
from rag.caveats.sentences import analyse, analyse_sentence

DEFAULT = ROOT.parent / "shared/benchmarks/caveats-dev"
FOLDS = 5
DESIGN_CLASSES = (Level.RANDOMIZED_TRIAL, Level.OBSERVATIONAL, Level.PRECLINICAL, Level.SYSTEMATIC_REVIEW)


def bucket(key: str, n: int) -> int:
    """A fixed split by document id, the same on every machine."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % n


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def hedges(rows: list[dict]) -> dict:
    """Cross-validated by abstract: learned lexicon + everyday hedges (the shipped detector), and each part."""
    counts = {"detector": Counter(), "learned_only": Counter(), "everyday_only": Counter()}
    for fold in range(FOLDS):
        train = [(r["text"], r["cues"]) for r in rows if bucket(r["doc_id"], FOLDS) != fold]
        lexicon = learn(train)
        for row in (r for r in rows if bucket(r["doc_id"], FOLDS) == fold):
            finding = analyse_sentence(row["text"], lexicon=lexicon)
            learned = bool(lexicon.find(row["text"]))
            everyday = _everyday(row["text"])
            for name, predicted in (
                ("detector", finding.has(Code.SPECULATIVE_LANGUAGE)),
                ("learned_only", learned),
                ("everyday_only", everyday),
            ):
                y = row["uncertain"]
                counts[name]["tp" if predicted and y else "fp" if predicted else "fn" if y else "tn"] += 1
    return {name: prf(c["tp"], c["fp"], c["fn"]) for name, c in counts.items()}


def _everyday(text: str) -> bool:
    from rag.caveats.rules import EXCLUDE_WINDOW
    from rag.caveats.sentences import _COMPILED
    from rag.caveats.spans import SpanSet

    _, pattern, exclude = next(item for item in _COMPILED if item[0] == Code.SPECULATIVE_LANGUAGE)
    spans = SpanSet(exclude, text)
    return any(not spans.near(m.start(), m.end(), EXCLUDE_WINDOW) for m in pattern.finditer(text))


ADJUDICATED = ROOT / "benchmarks/data/caveats-dev-design-adjudicated.jsonl"


def _design_scores(part: list[dict], predicted: dict[str, str], label: str) -> dict:
    out: dict = {"n": len(part)}
    for cls in DESIGN_CLASSES:
        tp = sum(1 for r in part if r[label] == cls and predicted[r["pmid"]] == cls)
        fp = sum(1 for r in part if r[label] != cls and predicted[r["pmid"]] == cls)
        fn = sum(1 for r in part if r[label] == cls and predicted[r["pmid"]] != cls)
        out[str(cls)] = prf(tp, fp, fn)
    return out


def designs(rows: list[dict]) -> tuple[dict, list[dict]]:
    """P/R per class against the MeSH labels, and against them corrected by the hand-read disagreements."""
    readings = {r["pmid"]: r for r in _read(ADJUDICATED)} if ADJUDICATED.exists() else {}
    for row in rows:
        reading = readings.get(row["pmid"], {}).get("reading", row["design"])
        row["adjudicated"] = reading if reading in DESIGN_CLASSES else None
    out: dict = {}
    disagreements = []
    for half, name in ((0, "A (tuned on)"), (1, "B (held back)"), (None, "all")):
        part = [r for r in rows if half is None or bucket(r["pmid"], 2) == half]
        predicted = {r["pmid"]: evidence_level(r["text"]) for r in part}
        out[name] = _design_scores(part, predicted, "design")
        out[name + ", adjudicated"] = _design_scores(part, predicted, "adjudicated")
        if half is None:
            for r in part:
                pred = predicted[r["pmid"]]
                if (r["design"] in DESIGN_CLASSES or pred in DESIGN_CLASSES) and r["design"] != pred:
                    disagreements.append(
                        {"pmid": r["pmid"], "label": r["design"], "mesh": r["mesh_signals"], "predicted": str(pred)}
                    )
            read = [d for d in disagreements if d["pmid"] in readings]
            out["disagreements"] = {
                "total": len(disagreements),
                "read_by_hand": len(read),
                "label_errors": sum(readings[d["pmid"]]["label_error"] for d in read),
            }
    return out, disagreements


def null_results(rows: list[dict]) -> dict:
    out = {}
    for half, name in ((0, "A (tuned on)"), (1, "B (held back)"), (None, "all")):
        part = [r for r in rows if half is None or bucket(r["pmid"], 2) == half]
        flagged = Counter()
        total = Counter()
        for r in part:
            total[r["final_decision"]] += 1
            flagged[r["final_decision"]] += any(f.has(Code.MIXED_EVIDENCE) for f in analyse(r["conclusion"]))
        fp = flagged["yes"]
        tp = flagged["no"]
        out[name] = {
            "recall_on_no": round(tp / total["no"], 3),
            "precision_vs_yes": round(tp / (tp + fp), 3) if tp + fp else 0.0,
            "flagged_no": tp,
            "no": total["no"],
            "flagged_yes": fp,
            "yes": total["yes"],
            "flagged_maybe": flagged["maybe"],
            "maybe": total["maybe"],
        }
    return out


TONE_FOLDS = 5
TONE_PARTITIONS = 3  # three ways of cutting the releases into folds: 296 releases make one cut's figure noisy


def release_flagged(text: str) -> bool:
    """A press release is flagged sensational when its document profile carries `promotional_tone`."""
    from rag.caveats.profile import profile_document
    from rag.types import Document

    document = Document(doc_id="r", path="r", title="", text=text, content_hash="r")
    return any(c.code == Code.PROMOTIONAL_TONE for c in profile_document(document, analyse(text)).caveats)


_QUOTED = re.compile(r"[“\"]([^”\"]{2,80})[”\"]")


def _families_quoted(rows: list[dict]) -> Callable[[str], bool]:
    """Which cues a fold may know: every rule's, but of the families read from reviewers' reasons
    (rules.PROMOTIONAL_FROM_REASONS) only those quoted in the reasons of at least two of these releases."""
    families = [re.compile(pattern, re.IGNORECASE) for pattern in PROMOTIONAL_FROM_REASONS]
    quoted = [
        " | ".join(_QUOTED.findall(row.get("sensational_explanation") or ""))
        for row in rows
        if row["sensational"] == "Not Satisfactory"
    ]
    hidden = [f for f in families if sum(1 for q in quoted if f.search(q)) < 2]
    return lambda words: not any(f.fullmatch(words) for f in hidden)


def promotional(rows: list[dict]) -> dict:
    """Release-level promotional tone against HealthNewsReview's "sensational language" verdict, cross-validated
    by release: the tone score (rag/caveats/tone.py) is learned on four folds and scored on the fifth, and each
    fold knows only the reason-read cue families its own training releases' reasons quote; over TONE_PARTITIONS
    cuts, pooling their counts. The shipped score, learned on all of them, is shown in-sample for reference only."""
    from rag.caveats.profile import level_of, tone_of
    from rag.caveats.tone import learn

    inputs = []
    for row in rows:
        findings = analyse(row["text"])
        sensational = row["sensational"] == "Not Satisfactory"
        inputs.append((row["text"], findings, level_of(row["text"], findings), sensational))
    pooled: Counter = Counter()
    partitions = []
    for partition in range(TONE_PARTITIONS):
        counts: Counter = Counter()
        for fold in range(TONE_FOLDS):
            held = [bucket(row["news_id"] + str(partition), TONE_FOLDS) == fold for row in rows]
            keep = _families_quoted([row for row, out in zip(rows, held, strict=True) if not out])
            data = [(tone_of(text, findings, level, keep), y) for text, findings, level, y in inputs]
            model = learn([example for example, out in zip(data, held, strict=True) if not out])
            for (values, y), out in zip(data, held, strict=True):
                if out:
                    predicted = model.promotional(values)
                    counts["tp" if predicted and y else "fp" if predicted else "fn" if y else "tn"] += 1
        pooled += counts
        partitions.append(prf(counts["tp"], counts["fp"], counts["fn"]))
    shipped: Counter = Counter()
    for row, (*_, y) in zip(rows, inputs, strict=True):
        predicted = release_flagged(row["text"])
        shipped["tp" if predicted and y else "fp" if predicted else "fn" if y else "tn"] += 1
    return {
        **prf(pooled["tp"], pooled["fp"], pooled["fn"]),
        "partitions": partitions,
        "shipped_in_sample": prf(shipped["tp"], shipped["fp"], shipped["fn"]),
    }


def main(folder: Path = DEFAULT, name: str = "caveats-dev") -> None:
    bioscope = _read(folder / "bioscope-abstracts.jsonl")
    design_rows = _read(folder / "pubmedqa-design-dev.jsonl")
    conclusions = _read(folder / "pubmedqa-conclusions-dev.jsonl")
    releases = _read(folder / "fakehealth-release-dev.jsonl")
    design, disagreements = designs(design_rows)
    result = {
        "hedges_cv": hedges(bioscope),
        "design": design,
        "null_results": null_results(conclusions),
        "promotional": promotional(releases),
    }
    (RESULTS / "caveats-dev-design-disagreements.jsonl").write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in disagreements), encoding="utf-8"
    )
    save(name, ".venv/bin/python -m benchmarks.caveats_dev", result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    # --as NAME saves under another name: the "before" column is this script run in a checkout of an older engine
    # (git worktree add /tmp/before 504ffac; copy this script and the adjudications in; --as caveats-dev-before).
    args = sys.argv[1:]
    saved_as = "caveats-dev"
    if "--as" in args:
        i = args.index("--as")
        saved_as = args[i + 1]
        del args[i : i + 2]
    main(Path(args[0]) if args else DEFAULT, saved_as)

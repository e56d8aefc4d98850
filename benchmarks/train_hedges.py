"""Learn the shipped hedge-cue lexicon from BioScope's marked cues and write rag/caveats/data/hedge_cues.json.

Usage: .venv/bin/python -m benchmarks.train_hedges [../shared/benchmarks/caveats-dev/bioscope-abstracts.jsonl]
Cross-validated figures for the same learner come from benchmarks/caveats_dev.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.common import ROOT
from rag.caveats.hedges import LEXICON_PATH, learn

DEFAULT = ROOT.parent / "shared/benchmarks/caveats-dev/bioscope-abstracts.jsonl"


def main(path: Path = DEFAULT) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lexicon = learn((row["text"], row["cues"]) for row in rows)
    LEXICON_PATH.parent.mkdir(parents=True, exist_ok=True)
    LEXICON_PATH.write_text(json.dumps(lexicon.to_json(), indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(lexicon.cues)} cues, {len(lexicon.seen)} counted features from {len(rows)} sentences → {LEXICON_PATH}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)

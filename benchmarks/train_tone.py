"""Learn the document tone score from FakeHealth's dev press releases and write rag/caveats/data/tone.json.

Usage: .venv/bin/python -m benchmarks.train_tone [../shared/benchmarks/caveats-dev/fakehealth-release-dev.jsonl]
A release is sensational when HealthNewsReview's reviewers found "unjustifiable, sensational language" in it.
Cross-validated figures for the same learner (by release) come from benchmarks/caveats_dev.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.common import ROOT
from rag.caveats.profile import text_tone
from rag.caveats.tone import MODEL_PATH, learn

DEFAULT = ROOT.parent / "shared/benchmarks/caveats-dev/fakehealth-release-dev.jsonl"


def examples(rows: list[dict]) -> list[tuple[dict[str, float], bool]]:
    return [(text_tone(row["text"]), row["sensational"] == "Not Satisfactory") for row in rows]


def main(path: Path = DEFAULT) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    model = learn(examples(rows))
    MODEL_PATH.write_text(json.dumps(model.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(model.weights)} weights, threshold {model.threshold} from {len(rows)} releases → {MODEL_PATH}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)

"""Run `rag eval --json` on a dataset and keep the report as a benchmark result.

Usage: .venv/bin/python -m benchmarks.run_eval ../shared/benchmarks/liveqa-med [name [rag eval options...]]
e.g.   .venv/bin/python -m benchmarks.run_eval ../shared/benchmarks/liveqa-med liveqa-med-poolneutral \
           --exclude-source ADAM --exclude-source MPlusDrugs --exclude-source MPlusHerbsSupplements
       RAG_ENCODER_PRECISION=int8 .venv/bin/python -m benchmarks.run_eval \
           ../shared/benchmarks/pubmedqa-l pubmedqa-l-int8
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.common import ROOT, save


def main(folder: str, name: str | None = None, *options: str) -> None:
    command = [str(ROOT / ".venv" / "bin" / "rag"), "eval", folder, "--json", *options]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    label = name or Path(folder).name
    settings = [f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("RAG_")]  # e.g. the precision
    save(
        f"eval-{label}", " ".join([*settings, ".venv/bin/rag", "eval", folder, "--json", *options]), {"report": report}
    )


if __name__ == "__main__":
    main(*sys.argv[1:])

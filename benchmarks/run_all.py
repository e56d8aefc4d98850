"""`make bench`: the quick benchmarks, then docs/benchmarks.md. The long ones (liveqa-med eval, build, FAISS
scaling, load) are run one by one as the README lists; their last results stay in benchmarks/results/.

Usage: .venv/bin/python -m benchmarks.run_all
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICK = ("caveats_dev.py", "seeds_dev.py", "report.py")


def main() -> None:
    for script in QUICK:
        print(f"== benchmarks/{script}", flush=True)
        subprocess.run([sys.executable, "-m", f"benchmarks.{script.removesuffix('.py')}"], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()

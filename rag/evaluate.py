"""`rag eval`: score dense, BM25 and hybrid retrieval on a BEIR-layout dataset with ir-measures."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import ir_measures
from ir_measures import AP, RR, Judged, P, R, nDCG

from rag.abbreviations import question_for_encoder
from rag.ingest import content_hash
from rag.ingest.cleaning import clean_text, derive_title
from rag.retrieval.fusion import Mode
from rag.retrieval.signals import weights as signal_weights
from rag.settings import Settings
from rag.types import Document

MEASURES = {"nDCG@10": nDCG @ 10, "MAP@10": AP @ 10, "MRR@10": RR @ 10, "Recall@10": R @ 10,
            "Recall@100": R @ 100, "P@10": P @ 10}
JUDGED = {"judged@10": Judged @ 10}
JUDGED_ONLY = {"judged_only_nDCG@10": nDCG @ 10, "judged_only_MAP@10": AP @ 10, "judged_only_MRR@10": RR @ 10}
MODE_NAMES = {"dense": Mode.DENSE, "bm25": Mode.LEXICAL, "rrf": Mode.RRF, "hybrid": Mode.HYBRID}  # report name → mode


class EvalError(ValueError):
    """The dataset folder is not a usable BEIR layout; the message says what is missing."""


@dataclass
class Dataset:
    name: str
    corpus: dict[str, dict]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise EvalError(f"{path} is missing (a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/test.tsv)")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if "_id" not in row:
            raise EvalError(f"{path}:{number}: no _id")
        rows.append(row)
    return rows


def load_dataset(folder: Path, exclude_sources: frozenset[str] = frozenset()) -> Dataset:
    """A BEIR folder; `exclude_sources` drops corpus entries by metadata.source (and their judgments)."""
    if not folder.is_dir():
        raise EvalError(f"{folder} is not a folder")
    corpus = {str(r["_id"]): r for r in _jsonl(folder / "corpus.jsonl")
              if str((r.get("metadata") or {}).get("source", "")) not in exclude_sources}
    queries = {str(r["_id"]): str(r.get("text", "")) for r in _jsonl(folder / "queries.jsonl")}
    qrels_path = folder / "qrels" / "test.tsv"
    if not qrels_path.exists():
        raise EvalError(f"{qrels_path} is missing")
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(qrels_path.read_text().splitlines(), start=1):
        parts = line.split("\t")
        if number == 1 and parts[0] == "query-id":
            continue
        if len(parts) < 3:
            continue
        try:
            qrels.setdefault(parts[0], {})[parts[1]] = int(float(parts[2]))
        except ValueError:
            raise EvalError(f"{qrels_path}:{number}: score {parts[2]!r} is not a number") from None
    if exclude_sources:
        qrels = {q: kept for q, docs in qrels.items() if (kept := {d: s for d, s in docs.items() if d in corpus})}
    if not corpus or not queries or not qrels:
        raise EvalError(f"{folder}: empty corpus, queries or qrels")
    name = folder.name + ("-without-" + "-".join(sorted(exclude_sources)) if exclude_sources else "")
    return Dataset(name, corpus, queries, qrels)


def corpus_documents(dataset: Dataset) -> list[Document]:
    documents = []
    for doc_id, row in dataset.corpus.items():
        text = clean_text(str(row.get("text", ""))) or "(empty)"
        given = " ".join(str(row.get("title") or "").split())
        title = given or derive_title(text, doc_id)[0]
        documents.append(Document(doc_id=doc_id, path=f"{dataset.name}/corpus.jsonl#{doc_id}", title=title,
                                  title_given=bool(given),
                                  text=text, content_hash=content_hash(title + "\0" + text)))
    return documents


def eval_settings(folder: Path, settings: Settings, exclude_sources: frozenset[str] = frozenset()) -> Settings:
    """A separate index folder per dataset (source filter and precision); one embedding cache shared by all."""
    from rag.embedding import encoder_precision

    key = str(folder.resolve()) + ("|" + ",".join(sorted(exclude_sources)) if exclude_sources else "")
    tag = hashlib.sha1(key.encode()).hexdigest()[:8]
    precision = "" if encoder_precision(settings) == "fp32" else f"-{encoder_precision(settings)}"
    return settings.model_copy(update={"index_dir": settings.index_dir / "eval" / f"{folder.name}-{tag}{precision}",
                                       "embedding_cache": settings.index_dir / "eval" / "embeddings.sqlite3"})


def run_queries(index, embedder, dataset: Dataset, settings: Settings, modes: list[str], depth: int = 100,
                signals_cache: dict | None = None) -> dict[str, dict[str, dict[str, float]]]:
    from rag.retrieval import gather, rank_documents, ranked_hits

    ids = [q for q in dataset.queries if q in dataset.qrels]
    vectors = embedder.encode_questions(
        [question_for_encoder(index, dataset.queries[q], settings.topic_max_share) for q in ids])
    runs: dict[str, dict[str, dict[str, float]]] = {m: {} for m in modes}
    for qid, vector in zip(ids, vectors):
        signals = signals_cache.get(qid) if signals_cache is not None else None
        if signals is None:
            signals = gather(index, vector, dataset.queries[qid], settings, documents=True)
            if signals_cache is not None:
                signals_cache[qid] = signals
        for mode in modes:
            hits = ranked_hits(index, vector, dataset.queries[qid], settings, MODE_NAMES[mode], signals=signals)
            ranked = rank_documents(index, hits, depth)
            runs[mode][qid] = {doc: float(len(ranked) - i) for i, (doc, _) in enumerate(ranked)}
    return runs


def mean_over_queries(measures, qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> dict:
    """Each measure's mean over every judged query; a query the run returned nothing for (or left out) scores 0.

    ir_measures itself divides by the run's length for Judged@k, so an empty ranking (a one-word question no
    passage holds, in BM25 mode) raised ZeroDivisionError; such queries are zero by definition and never reach it.
    """
    totals = dict.fromkeys(measures, 0.0)
    returned = {q: docs for q, docs in run.items() if docs and q in qrels}
    if returned:
        for metric in ir_measures.iter_calc(list(measures), qrels, returned):
            totals[metric.measure] += float(metric.value)
    return {measure: total / len(qrels) if qrels else 0.0 for measure, total in totals.items()}


def score_run(run: dict[str, dict[str, float]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """Every report figure; `judged_only_*` rank only the documents someone judged (unjudged ones taken out)."""
    metrics = mean_over_queries([*MEASURES.values(), *JUDGED.values()], qrels, run)
    out = {name: round(metrics[m], 4) for name, m in {**MEASURES, **JUDGED}.items()}
    judged_only = {q: {d: s for d, s in docs.items() if d in qrels.get(q, {})} for q, docs in run.items()}
    condensed = mean_over_queries(list(JUDGED_ONLY.values()), qrels, judged_only)
    out.update({name: round(condensed[m], 4) for name, m in JUDGED_ONLY.items()})
    return out


def evaluate_dataset(folder: Path, settings: Settings, limit: int | None = None, progress_console=None,
                     modes: tuple[str, ...] = ("dense", "bm25", "rrf", "hybrid"),
                     exclude_sources: frozenset[str] = frozenset()) -> dict:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from rag.embedding import Embedder
    from rag.index import build_index, load_index

    dataset = load_dataset(folder, exclude_sources)
    if limit:
        keep = list(dataset.queries)[:limit]
        dataset.queries = {q: dataset.queries[q] for q in keep}
        dataset.qrels = {q: dataset.qrels[q] for q in keep if q in dataset.qrels}
    local = eval_settings(folder, settings, exclude_sources)
    embedder = Embedder(local)
    started = time.perf_counter()
    with Progress(TextColumn("[bold]embedding corpus"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=progress_console, transient=True) as progress:
        task = progress.add_task("embed", total=0)
        built = build_index(local, embedder, documents=corpus_documents(dataset), caveats=False,
                            on_embed_start=lambda n: progress.update(task, total=n),
                            on_embedded=lambda n: progress.advance(task, n))
    build_seconds = time.perf_counter() - started
    index = load_index(local, embedder.dimensions)
    started = time.perf_counter()
    runs = run_queries(index, embedder, dataset, local, list(modes))
    query_seconds = time.perf_counter() - started
    scored_queries = len(next(iter(runs.values()))) if runs else 0
    return {
        "dataset": str(folder) + (" without " + ", ".join(sorted(exclude_sources)) if exclude_sources else ""),
        "excluded_sources": sorted(exclude_sources),
        "corpus": len(dataset.corpus),
        "chunks": built.chunks,
        "queries": scored_queries,
        "index_folder": str(local.index_dir),
        "encoder": embedder.vector_space,
        "index_seconds": round(build_seconds, 1),
        "embedded": built.embedded,
        "query_seconds": round(query_seconds, 2),
        "weights": {
            **signal_weights(local),
            "exact_max_share": local.exact_max_share,
            "prf": local.prf_weight,
        },
        "results": {mode: score_run(run, dataset.qrels) for mode, run in runs.items()},
    }


def print_table(console, report: dict) -> None:
    from rich.table import Table

    table = Table(
        title=f"{report['dataset']} — {report['queries']} queries, {report['corpus']} documents, "
        f"{report['chunks']} passages"
    )
    table.add_column("metric")
    for mode in report["results"]:
        table.add_column(mode, justify="right")
    names = list(next(iter(report["results"].values())))
    for name in names:
        values = [report["results"][mode][name] for mode in report["results"]]
        best = max(values)
        table.add_row(name, *[f"[bold]{v:.4f}[/]" if v == best else f"{v:.4f}" for v in values])
    console.print(table)
    console.print(
        f"index: {report['index_folder']} ({report['embedded']} embedded, {report['index_seconds']} s); "
        f"queries: {report['query_seconds']} s"
    )

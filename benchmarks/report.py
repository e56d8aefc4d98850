"""Render docs/benchmarks.md from benchmarks/results/*.json (each result keeps its own command, machine and date).

Usage: .venv/bin/python -m benchmarks.report
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.common import RESULTS, ROOT

OUT = ROOT / "docs" / "benchmarks.md"
RETRIEVAL_ROWS = ("nDCG@10", "MAP@10", "MRR@10", "Recall@10", "Recall@100", "P@10", "judged@10",
                  "judged_only_nDCG@10", "judged_only_MAP@10", "judged_only_MRR@10")


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def provenance(result: dict) -> list[str]:
    m = result["machine"]
    return [f"- command: `{result['command']}`",
            f"- date: {result['date']}; machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, Python {m['python']}, "
            f"torch {m['torch']}" + (f", onnxruntime {m['onnxruntime']}" if m.get("onnxruntime") else ""), ""]


def retrieval_section(result: dict) -> list[str]:
    report = result["report"]
    modes = list(report["results"])
    lines = [f"### {Path(report['dataset']).name}: {report['queries']} queries, {report['corpus']} documents, "
             f"{report['chunks']} passages", "", *provenance(result),
             "| metric | " + " | ".join(modes) + " |", "|---|" + "---:|" * len(modes)]
    for name in RETRIEVAL_ROWS:
        values = [report["results"][m].get(name) for m in modes]
        if all(v is None for v in values):  # a measure older reports did not keep
            continue
        best = max(v for v in values if v is not None)
        cells = [f"**{v:.4f}**" if v == best else f"{v:.4f}" for v in values]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"Fusion weights (hybrid): {report['weights']}. `rrf` is plain weighted reciprocal-rank fusion of "
                  "the same four signals, kept for comparison.", ""]
    return lines


def seeds_section(result: dict) -> list[str]:
    s = result["summary"]
    lines = [
        "### seeds-dev (questions over the five seeds)",
        "",
        *provenance(result),
        f"Top-1 document correct: **{s['top1_correct']}/{s['answerable']}** answerable questions "
        f"({s['answerable_flagged_no_answer']} wrongly flagged no-answer); no-answer questions flagged: "
        f"**{s['no_answer_flagged']}/{s['no_answer_questions']}**; expected caveats present on the passage "
        f"holding the phrase: **{s['caveats_ok']}/{len(result['questions'])}**.",
        "",
        "| id | top doc | no_answer | best similarity | caveats on the phrase's passage |",
        "|---|---|---|---:|---|",
    ]
    for q in result["questions"]:
        lines.append(
            f"| {q['id']} | {(q['top_doc'] or '')[:3]} "
            f"{'✓' if q['top1_correct'] else ('' if q['top1_correct'] is None else '✗')} | {q['no_answer']} | "
            f"{q['best_similarity']:.3f} | {', '.join(q['caveats'])} |"
        )
    lines.append("")
    return lines


def _caveat_rows(result: dict) -> dict[str, str]:
    """The figures issue 27 asks for, one cell each, from one caveats-dev result."""
    b = result["design"]["B (held back), adjudicated"]
    null = result["null_results"]["B (held back)"]
    hedges = result["hedges_cv"]["detector"]
    rct, obs = b["randomized_trial"], b["observational"]
    rows = {
        "hedged sentences, BioScope abstracts, CV by abstract: P / R / F1":
            f"{hedges['precision']:.3f} / {hedges['recall']:.3f} / {hedges['f1']:.3f}",
        "randomized trial, PubMedQA half B (held back), adjudicated: P / R":
            f"{rct['precision']:.3f} / {rct['recall']:.3f}",
        "observational, same half: P / R": f"{obs['precision']:.3f} / {obs['recall']:.3f}",
        "null results on 'no' conclusions, half B: R / P":
            f"{null['recall_on_no']:.3f} / {null['precision_vs_yes']:.3f}",
    }
    if "promotional" in result:
        p = result["promotional"]
        rows["sensational press releases (FakeHealth dev, release level, by release): P / R / F1"] = (
            f"{p['precision']:.3f} / {p['recall']:.3f} / {p['f1']:.3f}"
        )
    return rows


def caveats_section(result: dict) -> list[str]:
    """Before and now side by side, then hedges (cross-validated), study design per class (raw MeSH labels and
    hand-adjudicated), null results."""
    lines = ["### caveats-dev (human-labelled sentences and abstracts)", "", *provenance(result)]
    before = load("caveats-dev-before")
    if before:
        old, new = _caveat_rows(before), _caveat_rows(result)
        lines += [
            "**Before issue 27 (commit 504ffac) and now**, the same benchmark and the same adjudicated labels. "
            "The before column is this script run in a checkout of that commit (`--as caveats-dev-before`).",
            "",
            "| figure | before | now |",
            "|---|---:|---:|",
        ]
        lines += [f"| {name} | {old.get(name, '–')} | {value} |" for name, value in new.items()]
        lines.append("")
    lines += [
        "**Hedged sentences** (`speculative_language`) on BioScope abstracts, 5-fold cross-validation split by "
        "abstract (the lexicon is learned on four folds, scored on the fifth):",
        "",
        "| detector | precision | recall | F1 |",
        "|---|---:|---:|---:|",
    ]
    names = {
        "detector": "shipped detector (learned lexicon + everyday hedges)",
        "learned_only": "learned lexicon alone",
        "everyday_only": "hand-written everyday hedges alone",
    }
    for key, row in result["hedges_cv"].items():
        lines.append(f"| {names.get(key, key)} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} |")
    design = result["design"]
    classes = [c for c in ("randomized_trial", "observational", "preclinical", "systematic_review")]
    lines += [
        "",
        "**Study design** (document evidence level) on PubMedQA abstracts against MeSH-derived labels, by "
        "half (split by PMID; rules were revised while reading half A, half B is the held-back figure). "
        "'adjudicated' replaces a label with what reading the abstract found, for the disagreements read by "
        f"hand ({design['disagreements']['read_by_hand']} of {design['disagreements']['total']} read; "
        f"{design['disagreements']['label_errors']} were label errors).",
        "",
        "| part | " + " | ".join(f"{c} P / R" for c in classes) + " |",
        "|---|" + "---:|" * len(classes),
    ]
    for part, scores in design.items():
        if part == "disagreements":
            continue
        cells = [
            f"{scores[c]['precision']:.2f} / {scores[c]['recall']:.2f} ({scores[c]['tp']}+{scores[c]['fp']}fp)"
            for c in classes
        ]
        lines.append(f"| {part} (n={scores['n']}) | " + " | ".join(cells) + " |")
    lines += [
        "",
        "**Null or inconclusive results** (`mixed_evidence` on PubMedQA conclusions): recall on 'no' "
        "conclusions, precision against 'yes' conclusions.",
        "",
        "| part | recall on no | precision vs yes | flagged no | flagged yes | flagged maybe |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for part, row in result["null_results"].items():
        lines.append(
            f"| {part} | {row['recall_on_no']:.3f} | {row['precision_vs_yes']:.3f} | "
            f"{row['flagged_no']}/{row['no']} | {row['flagged_yes']}/{row['yes']} | "
            f"{row['flagged_maybe']}/{row['maybe']} |"
        )
    tone = result.get("promotional", {})
    if "partitions" in tone:
        shipped = tone["shipped_in_sample"]
        lines += [
            "",
            "**Promotional tone** (`promotional_tone` in a release's profile) against HealthNewsReview's "
            "\"sensational language\" verdict on FakeHealth's dev releases. The tone score (rag/caveats/tone.py) "
            "is learned on four folds of releases and scored on the fifth, over three cuts; each fold knows only "
            "the cue families read from reviewers' reasons that its own training releases quote. The 'before' column "
            "above is the rule it replaced (two sentences, the headline, or a tenth of the claims), which learned "
            "nothing, so its figure is held out too.",
            "",
            "| cut | precision | recall | F1 |",
            "|---|---:|---:|---:|",
        ]
        for i, row in enumerate(tone["partitions"], 1):
            lines.append(f"| {i} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} |")
        lines += [
            f"| pooled | {tone['precision']:.3f} | {tone['recall']:.3f} | {tone['f1']:.3f} |",
            f"| shipped score, in-sample (not a held-out figure) | {shipped['precision']:.3f} | "
            f"{shipped['recall']:.3f} | {shipped['f1']:.3f} |",
        ]
    lines.append("")
    return lines


def options_section(result: dict) -> list[str]:
    """Each retrieval option against today: liveqa-med halves (tuned on A only), pubmedqa-l, our seed questions."""
    split = result["split"]
    lines = [
        "### Retrieval options, tuned on liveqa-med half A only",
        "",
        *provenance(result),
        f"liveqa-med's queries are split by a hash of the query id into half A ({split['A']} judged queries, "
        f"weights chosen there) and half B ({split['B']}, reported only). Seed questions: "
        "`benchmarks/data/seed-questions.jsonl` (35 questions we wrote; a development set).",
        "",
        "| option | liveqa A nDCG@10 / MRR@10 | liveqa B nDCG@10 / MRR@10 | pubmedqa-l nDCG@10 / MRR@10 | "
        "seeds top-1 / phrase in top 3 / answer lead | weights |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, row in result["options"].items():
        a, b, p, q = row["liveqa_A"], row["liveqa_B"], row["pubmedqa"], row["seed_questions"]
        weights = ", ".join(f"{k.replace('_weight', '')}={v}" for k, v in row["weights"].items() if k != "dense_weight")
        lines.append(
            f"| {name} | {a['nDCG@10']:.4f} / {a['MRR@10']:.4f} | {b['nDCG@10']:.4f} / {b['MRR@10']:.4f} | "
            f"{p['nDCG@10']:.4f} / {p['MRR@10']:.4f} | {q['top1']:.3f} / {q['phrase_top3']:.3f} / "
            f"{q['lead_from_doc']:.3f} | {weights} |"
        )
    lines.append("")
    return lines


def adapter_section(result: dict) -> list[str]:
    """The question adapter: its training data, the setting chosen on half A, and what it changes."""
    c = result["chosen"]
    lines = [
        "### Question adapter (rag/embedding/adapter.py)",
        "",
        *provenance(result),
        f"Trained on {result['training_pairs']:,} MedQuAD question–answer pairs of the liveqa-med corpus "
        f"({result['entries']:,} entries; the {result['judged_held_out']:,} judged answers and "
        f"{result['text_twins_held_out']} unjudged entries repeating a judged answer's text held out; no "
        f"liveqa-med question read). Chosen on half A from {len(result['grid'])} settings: pull {c['pull']}, "
        f"{c['epochs']} epochs, temperature {c['temperature']} (digest `{result['digest']}`). Shipped fusion "
        "weights in both rows.",
        "",
        "| | liveqa A nDCG@10 / MRR@10 | liveqa B nDCG@10 / MRR@10 | pubmedqa-l nDCG@10 / MRR@10 |",
        "|---|---:|---:|---:|",
    ]
    for name in ("without", "with"):
        row = result[name]
        cells = " | ".join(
            f"{row[k]['nDCG@10']:.4f} / {row[k]['MRR@10']:.4f}" for k in ("liveqa_A", "liveqa_B", "pubmedqa")
        )
        lines.append(f"| {name} adapter | {cells} |")
    lines.append("")
    return lines


def shards_section(result: dict) -> list[str]:
    """Flat vs IVF-Flat vs IVF-PQ per shard on vectors grown from real ones (issue 14)."""
    lines = [
        "### Shard index types on vectors grown from real ones",
        "",
        *provenance(result),
        f"Each vector is one of {result['real_vectors']:,} real passage vectors (liveqa-med + pubmedqa-l) plus "
        f"Gaussian noise (σ {result['noise_sigma']} a dimension, cosine ≈ 0.85 to its parent); "
        f"{result['queries']:,} real questions through the question adapter; recall@10 against exact search on "
        "the same vectors. Search on one thread; nprobe is the smallest reaching recall@10 ≥ 0.95 (else the "
        f"best). PQ: {result['pq_bytes']} bytes a vector.",
        "",
        "| vectors | index | memory MB | build s | nprobe | recall@10 | p50 ms |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        for key in ("flat", "ivf_flat", "ivf_pq", "ivf_pq_rerank", "ivf_pq_rerank_100", "ivf_pq_rerank_1000"):
            r = row.get(key)
            if r and "skipped" in r:
                lines.append(f"| {row['vectors']:,} | {r['index']} | — | — | — | — | not built: {r['skipped']} |")
            elif r:
                lines.append(
                    f"| {row['vectors']:,} | {r['index']} | {r['mb']} | {r['build_s']} | "
                    f"{r.get('nprobe', '—')} | {r['recall_at_10']:.4f} | {r['p50_ms']} |"
                )
    lines.append("")
    return lines


def ray_build_section(result: dict) -> list[str]:
    """Build throughput: one process vs the Ray build with 1 and 2 workers (issue 14)."""
    lines = [
        "### Build throughput: one process vs Ray",
        "",
        *provenance(result),
        f"The same {result['documents']:,} {result['corpus']} documents each time, from an empty embedding cache, "
        "written as a one-file index. Ray: a local cluster of two one-CPU nodes on 127.0.0.2; each actor encodes "
        "on one thread; the single process on both cores.",
        "",
        "| run | documents | chunks | seconds | chunks/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(f"| {r['run']} | {r['documents']:,} | {r['chunks']:,} | {r['seconds']} | {r['chunks_per_s']} |")
    lines.append("")
    return lines


def ray_serve_section(result: dict) -> list[str]:
    """One process vs Ray Serve over the same sharded build, and a shard replica killed while serving (issue 14)."""
    one, ray, kill = result["one_process"], result["ray_serve"], result["replica_killed"]
    return [
        "### Serving a sharded build: one process vs Ray Serve",
        "",
        *provenance(result),
        f"{result['documents']:,} liveqa-med documents ({result['chunks']:,} passages) in {result['shards']} "
        f"shards; Ray Serve: {result['shard_groups']} shard groups × {result['replicas']} replicas + 1 front on a "
        f"local cluster of two one-CPU nodes (the same two cores). {result['questions']} liveqa-med questions "
        "asked one at a time over HTTP, the same order on both.",
        "",
        "| served by | p50 ms | p95 ms | failed |",
        "|---|---:|---:|---:|",
        f"| one process (`rag serve`) | {one['p50']} | {one['p95']} | {one['failed']} |",
        f"| Ray Serve (`rag serve --ray`) | {ray['p50']} | {ray['p95']} | {ray['failed']} |",
        "",
        f"Ray Serve p50 = **{result['ratio_p50']}×** one process (same run). Deploying took {result['deploy_s']} s.",
        "",
        "Shard replica SIGKILLed under two clients: Serve had a replacement running after "
        f"{kill['seconds_to_replace']} s; **{kill['failed_while_replacing']} of "
        f"{kill['requests_while_replacing']}** requests failed meanwhile, {kill['failed_after']} of "
        f"{kill['requests_after']} after.",
        "",
    ]


def seed_questions_section(result: dict) -> list[str]:
    s = result["summary"]
    lines = [
        "### Our seed questions (benchmarks/data/seed-questions.jsonl)",
        "",
        *provenance(result),
        f"{s['questions']} questions: top-1 document **{s['top1']:.3f}**, expected phrase in the top 3 "
        f"**{s['phrase_top3']:.3f}**, answer lead sentence from the expected document "
        f"**{s['lead_from_doc']:.3f}** ({s['no_answer']} wrongly flagged no-answer).",
        "",
        "| id | kind | top-1 | phrase rank | lead from doc | question |",
        "|---|---|---|---:|---|---|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['id']} | {r['kind']} | {'✓' if r['top1'] else '✗'} | {r['phrase_rank'] or '—'} | "
            f"{'✓' if r['lead_from_doc'] else '✗'} | {r['question']} |"
        )
    lines.append("")
    return lines


def other_questions_section(result: dict) -> list[str]:
    lines = [
        "### Other people's questions (benchmarks/data/other-questions.jsonl, never trained on)",
        "",
        *provenance(result),
        "| set | answerable | answer in the first two sentences | anywhere in the answer | top document right "
        "| wrongly refused | unanswerable refused | answered, flagged `not_mentioned`: answerable / unanswerable |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for by, s in result["summary"].items():
        flagged = (f"{s['answerable_not_mentioned']} / {s['unanswerable_answered_not_mentioned']} of "
                   f"{s['unanswerable'] - s['refused']}" if "answerable_not_mentioned" in s else "")
        lines.append(f"| {by} | {s['answerable']} | {s['first_two']} | {s['anywhere']} | {s['top_document']} | "
                     f"{s['wrongly_refused']} | {s['refused']} of {s['unanswerable']} | {flagged} |")
    lines += ["", "`not_mentioned`: the answer says that none of its passages mention a name the question uses "
              "(\"Crohn's\", \"tramadol\"); on an answerable question that is often true and still worth saying "
              "(the LDN page warns of opioids without naming tramadol), on an unanswerable one it is what a reader "
              "must know.", ""]
    return lines


def query_section(result: dict) -> list[str]:
    floors, floor = result["floors"], result["torch_floor_p50"]
    e, http, ratios = result["engine"], result["http"], result["ratios"]
    s, c = http["sequential"], http["concurrent"]
    row = lambda label, p, ratio: f"| {label} | {p['p50']} | {p['p95']} | {p['p99']} | {ratio} |"
    lines = [
        f"### Query speed — {result['corpus']} ({result['documents']} documents, {result['chunks']} passages, "
        f"{result['questions']} questions; serving encoder {result['encoder']})",
        "",
        *provenance(result),
        "| measure | p50 ms | p95 ms | p99 ms | ÷ torch floor (p50) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, p in floors.items():
        lines.append(row(f"bare encode + FAISS search: {name}", p, round(p["p50"] / floor, 2)))
    lines += [
        row("engine in-process (hybrid + caveats + answer, cache off)", e, f"**{ratios['engine_over_floor_p50']}**"),
        row("HTTP sequential, loopback", s, f"**{ratios['http_over_floor_p50']}**"),
    ]
    before = result["variants"]["torch, no batching (before)"]
    lines.append(
        row(
            "HTTP sequential, torch without batching (before)",
            before["sequential"],
            ratios["before_http_over_floor_p50"],
        )
    )
    lines += [
        "",
        f"The torch floor is the better of torch's 1- and 2-thread p50 ({floor} ms).",
        "",
        "| 16 clients, 20 s | requests/s | p50 ms | p95 ms | errors |",
        "|---|---:|---:|---:|---:|",
        f"| **default** | **{c['requests_per_s']}** | {c['p50']} | {c['p95']} | {c['errors']} |",
    ]
    for name, variant in result["variants"].items():
        v = variant["concurrent"]
        lines.append(f"| {name} | {v['requests_per_s']} | {v['p50']} | {v['p95']} | {v['errors']} |")
    lines += [
        "",
        f"Requests/s, default ÷ before: **{ratios['concurrent_rps_over_before']}×**. Cold start (process "
        f"start → first answer, index built): **{http['cold_start_to_first_answer_s']} s** "
        f"(torch before: {before['cold_start_to_first_answer_s']} s).",
        "",
    ]
    return lines


def build_section(result: dict) -> list[str]:
    bare = result["bare_torch_texts_per_s"]
    return [
        f"### Index build — {result['corpus']}",
        "",
        *provenance(result),
        "| measure | value | ÷ bare torch |",
        "|---|---:|---:|",
        f"| passages | {result['chunks']} ({result['texts_embedded']} texts embedded, given titles included) | |",
        f"| bare torch `encode` of the same texts | {result['bare_torch_encode_s']} s ({bare} texts/s) | 1.00 |",
        f"| bare ONNX fp32 encode | {result['bare_onnx_fp32_texts_per_s']} texts/s | "
        f"{round(result['bare_onnx_fp32_texts_per_s'] / bare, 2)} |",
        f"| bare ONNX int8 encode | {result['bare_onnx_int8_texts_per_s']} texts/s | "
        f"{round(result['bare_onnx_int8_texts_per_s'] / bare, 2)} |",
        f"| `build_index` from scratch with {result['encoder']} (ingest → chunk → caveats → embed → FAISS + BM25 → "
        f"manifest) | {result['build_s']} s ({result['build_texts_per_s']} texts/s) | "
        f"**{result['build_over_bare_torch_throughput']}** |",
        f"| rebuild with nothing changed | {result['unchanged_rebuild_s']} s | |",
        "",
    ]


def encoder_quality_section(results: list[dict]) -> list[str]:
    """Retrieval with each encoder precision: the same eval, one row per dataset and precision."""
    lines = [
        "| dataset | encoder | hybrid nDCG@10 | hybrid MRR@10 | dense nDCG@10 | command |",
        "|---|---|---:|---:|---:|---|",
    ]
    for result in results:
        r = result["report"]["results"]
        fallback = "onnx-int8" if result["name"].endswith("-int8") else "torch-fp32"  # reports before "encoder"
        precision = result["report"].get("encoder", fallback).split("/")[-1]
        lines.append(
            f"| {Path(result['report']['dataset']).name} | {precision} | {r['hybrid']['nDCG@10']:.4f} | "
            f"{r['hybrid']['MRR@10']:.4f} | {r['dense']['nDCG@10']:.4f} | `{result['command']}` |"
        )
    plan = load("quantize-sensitivity")
    if plan:
        rows = plan["rows"]
        lines += [
            "",
            f"int8 plan ({plan['command']}, {plan['date'][:10]}): mean cosine to fp32 on the calibration "
            f"texts {rows['all int8']['mean_cosine']} with every weight int8, "
            f"{rows['planned']['mean_cosine']} with {rows['planned']['kept_fp32']} weights kept fp32 "
            f"({', '.join(plan['keep_fp32'])}).",
        ]
    return [*lines, ""]


def _approx_cells(r: dict) -> str:
    parts = []
    for key in ("hnsw_ef64", "hnsw_ef128", "hnsw_ef256", "hnsw_ef512", "ivf_nprobe8", "ivf_nprobe32", "ivf_nprobe128"):
        if key in r:
            parts.append(f"{r[key]['recall_at_10']:.3f} / {r[key]['search_ms']['p50']}")
        else:
            parts.append("—")
    return " | ".join(parts)


def faiss_section(result: dict) -> list[str]:
    head = (
        "| vectors | flat p50 ms | HNSW build s | HNSW ef64 | ef128 | ef256 | ef512 | IVF build s | "
        "IVF nprobe8 | nprobe32 | nprobe128 |"
    )
    lines = [
        "### FAISS scaling: exact inner product vs HNSW (M=32) and IVF-Flat, one search thread",
        "",
        *provenance(result),
        "Cells are recall@10 against exact search / p50 ms per query.",
        "",
        "Random unit vectors (384 dims; the worst case for approximate search):",
        "",
        head,
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        cells = _approx_cells(r).split(" | ")
        lines.append(
            f"| {r['vectors']:,} ({r['flat_mb']} MB) | {r['flat_search_ms']['p50']} | "
            f"{r.get('hnsw_build_s', '—')} | "
            + " | ".join(cells[:4])
            + f" | {r.get('ivf_build_s', '—')} | "
            + " | ".join(cells[4:])
            + " |"
        )
    real = result.get("real")
    if real:
        cells = _approx_cells(real).split(" | ")
        lines += [
            "",
            f"Real vectors: liveqa-med's {real['vectors']:,} passages, its {real['queries']} questions:",
            "",
            head,
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {real['vectors']:,} | {real['flat_search_ms']['p50']} | {real.get('hnsw_build_s', '—')} | "
            + " | ".join(cells[:4])
            + f" | {real.get('ivf_build_s', '—')} | "
            + " | ".join(cells[4:])
            + " |",
        ]
    lines.append("")
    return lines


def load_section(result: dict) -> list[str]:
    lat = result["latency_ms"]
    return [
        "### Load with a rebuild and hot swap in the middle",
        "",
        *provenance(result),
        f"{result['clients']} clients for {result['seconds']} s on the loopback: {result['requests']} requests "
        f"({result['requests_per_s']}/s), **{result['failures']} failed**; latency p50 {lat['p50']} ms, p95 "
        f"{lat['p95']} ms, p99 {lat['p99']} ms. `rag index` ran in a second process at "
        f"{result['rebuild'].get('at_s')} s (took {result['rebuild'].get('rebuild_s')} s); the server swapped the "
        f"new build in by itself: documents {result['documents_before']} → {result['documents_after']}. Server "
        f"memory (RSS MB) first / last / max: {' / '.join(str(x) for x in result['rss_mb_first_last_max'])}.",
        "",
    ]


def hostile_section(result: dict) -> list[str]:
    """Issue 23, H1: each worst text at the character limit, then health while several run at once."""
    load = result["under_load"]
    health = load["health_ms"]
    lines = [
        f"### Worst texts at {result['chars']:,} characters through POST /api/v1/annotate",
        "",
        *provenance(result),
        "Wall-clock seconds per request as a client sees them, one at a time, on a warm server (before issue 23, "
        "`\"may \" * 5000`, 20 kB, took about 17 s and growth was quadratic: this limit would have taken about "
        "half an hour).",
        "",
        "| text | seconds | status | sentences |",
        "|---|---:|---:|---:|",
    ]
    for name, row in result["single"].items():
        lines.append(f"| {name} | {row['seconds']} | {row['status']} | {row['sentences']} |")
    lines += [
        "",
        f"Then {load['parallel']} of the slowest at once (`RAG_ANNOTATE_WORKERS`=2 check them, the rest "
        f"wait): all answered {sorted(set(load['annotate_statuses']))} in {load['all_done_s']} s, while `GET "
        f"/api/v1/health` was asked every 20 ms: {health['n']} answers, p50 {health['p50']} ms, p95 "
        f"{health['p95']} ms, **p99 {health['p99']} ms**, max {load['health_max_ms']} ms, "
        f"{load['health_failures']} failed.",
        "",
    ]
    return lines


def int8_paths_section(result: dict) -> list[str]:
    """Issue 23: int8 vectors and retrieval on each kernel family ONNX Runtime picks by CPU, forced by CPUID masks."""
    runs = result["runs"]
    lines = [
        "### int8 on every CPU code path",
        "",
        *provenance(result),
        f"This machine's int8 flags: {' '.join(result['int8_flags'])}. Each row is a child process that saw a CPU "
        "without the named features (CPUID faulting), with its own index; vectors are compared with the same "
        "precision on this machine's own path and with fp32.",
        "",
        result["table"],
        "",
    ]
    int8 = {label: r for label, r in runs.items() if label.startswith("int8 ") and "x64" not in label}
    if "pubmed" in next(iter(runs.values())):
        hybrid = {label: r["pubmed"]["hybrid"]["nDCG@10"] for label, r in int8.items()}
        fp32 = [r["pubmed"]["hybrid"]["nDCG@10"] for label, r in runs.items() if label.startswith("fp32")]
        spread = max(hybrid.values()) - min(hybrid.values())
        lines += [
            f"pubmedqa-l hybrid nDCG@10 across the int8 paths: {min(hybrid.values()):.4f} to "
            f"{max(hybrid.values()):.4f} (spread {spread:.4f}); fp32: "
            f"{', '.join(f'{v:.4f}' for v in fp32)}.",
            "",
        ]
    lines += [
        "**Decision: int8 stays the default.** With ONNX Runtime's default kernels, CPUs without VNNI "
        "(AVX-512BW, AVX2) sum int8 products in saturating int16 and move vectors to cosine 0.986 of a VNNI "
        "CPU's, yet retrieval differs by less than 0.002 nDCG@10, within the int8-vs-fp32 gap. "
        "`RAG_INT8_EXACT_PRODUCTS=auto` sets `session.x64quantprecision` only on such CPUs: AVX-512BW then "
        "gives a VNNI CPU's vectors exactly and AVX2 comes within cosine 0.9998, at about 10-20 % more encode "
        "time there; on a VNNI CPU the option changes no vector and costs about 65 % more time, so it stays "
        "off. The suite is checked under vector noise of cosine 0.9987 (tests/vector_noise.py), more than twice "
        "the largest remaining move.",
        "",
    ]
    return lines


def answers_section(result: dict) -> list[str]:
    """issue 24: the answer's sentences against experts' (answers-dev) and our seed questions' answering sentence."""
    keys = ("rouge1", "rouge2", "rougeL", "precision", "recall", "sentences", "seeds_first_two")
    writer = result["rows"].get("the writer: best units, then the best passages (CV)", {})
    spread = (f", each CV figure the mean over {result['partitions']} partitions of the questions into folds (one "
              "partition's figure moves with which questions share a fold; the writer's spread across them: ROUGE-2 "
              f"± {writer.get('rouge2_sd', 0):.3f}, precision ± {writer.get('precision_sd', 0):.3f}, recall ± "
              f"{writer.get('recall_sd', 0):.3f})" if result.get("partitions") else "")
    lines = [
        f"answers-dev: {result['questions']} questions, 5 folds by question{spread}; seeds: {result['seed_questions']} "
        f"questions, one fold per seed document ({result['seed_folds']}). ROUGE F1 without stemming; a sentence "
        "matches an expert's at token Jaccard >= 0.6. `seeds_first_two`: share of seed questions whose answering "
        "sentence is among the answer's first two (refused questions count as misses). Chosen by both CV "
        f"figures: L2 C {result['C']}, seed weight {result['seed_weight']}, passage ranker C "
        f"{result.get('passage_C', '-')}. Refused by the no-answer rule (and scored 0): {result['unanswered']} of "
        f"{result['questions']} answers-dev questions. The writer opens with its best units by the unit selector, "
        "then reads on through the passages the passage ranker puts first, each in its own order.",
        "",
        *provenance(result),
        "| system | " + " | ".join(keys) + " |",
        "|---|" + "---:|" * len(keys),
    ]
    for name, row in result["rows"].items():
        lines.append(f"| {name} | " + " | ".join("" if row.get(k) is None else f"{row[k]:.3f}" for k in keys) + " |")
    lines += [
        "",
        f"On the {result['answered']} answers-dev questions the no-answer rule lets through:",
        "",
        "| system | rouge2 | precision | recall | sentences |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in result["answered_rows"].items():
        lines.append(
            f"| {name} | {row['rouge2']:.3f} | {row['precision']:.3f} | {row['recall']:.3f} | {row['sentences']:.2f} |"
        )
    seeds = result["seeds"]
    shown = [r for r in seeds if not r["refused"] and r["shown"]]

    def lead(rows: list[dict], key: str) -> str:
        hits = sum(1 for r in rows if (r[key] or 99) <= 2)
        return f"{hits}/{len(rows)} ({hits / max(len(rows), 1):.0%})"

    lines += [
        "",
        f"Seed questions, answering sentence among the first two: all {lead(seeds, 'position_cv')} held out "
        f"by document, {lead(seeds, 'position_by_answer')} held out by answering sentence (the weights saw the "
        f"document, not the answer: another person's question about a seed), {lead(seeds, 'position_shipped')} "
        f"with the shipped weights (which saw them); of the "
        f"{len(shown)} that are answered and whose sentence is among the writer's candidates, "
        f"{lead(shown, 'position_cv')} held out and {lead(shown, 'position_shipped')} shipped. Refused by "
        f"the no-answer rule: {', '.join(r['id'] for r in seeds if r['refused']) or 'none'}; sentence not "
        "among the candidates (not in the top 5 passages, in a passage far from the question, or a table "
        "row the question does not ask for): "
        f"{', '.join(r['id'] for r in seeds if not r['refused'] and not r['shown']) or 'none'}.",
        "",
    ]
    return lines


LATENCY_SECTIONS = (  # the question latency measured after each step of issues 26 and 24, oldest first
    ("## Question latency with the learned no-answer score (issue 26)", "answer-step-no-answer"),
    ("## Question latency with the subject rule and subject follow-ups", "answer-step-subject"),
    ("## Question latency with table rows in context, document-named answers and treatment follow-ups",
     "answer-step-tables"),
    ("## Question latency with abbreviations spelled out and subjects read from more phrasings", "answer-step-other"),
    ("## Question latency with misspelt subjects, more answer cues and the not_mentioned caveat",
     "answer-step-session5"),
    ("## Question latency with search-box queries, respelt words and rare-word rows", "answer-step-session6"),
    ("## Question latency with abbreviations read in questions and treatment-condition pairings",
     "answer-step-session7"),
    ("## Question latency with one test of common English (the answer's rare word)", "answer-step-session8"),
    ("## Question latency with testimony, vague citations and chatbot replies read (issue 27)",
     "answer-step-session9"),
    ("## Question latency with the caveat patterns joined by one word boundary (issue 27, third pass)",
     "answer-step-session10"),
)


def answer_step_section(result: dict) -> list[str]:
    lines = [
        *provenance(result),
        "| collection | questions | query p50 ms | answer step p50 ms | writer alone p50 ms | answer step p95 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in result["collections"].items():
        lines.append(
            f"| {name} | {row['questions']} | {row['query']['p50']:.2f} | {row['finish']['p50']:.2f} | "
            f"{row['writer']['p50']:.2f} | {row['finish']['p95']:.2f} |"
        )
    lines += [
        "",
        "The answer step is `Engine.finish` (the writer, the answer's caveats, the response); the writer "
        "alone is `ExtractiveWriter.write`, timed after `finish` on the same question (so its caches are warm). "
        "Both measured inside the same run as the whole query.",
        "",
    ]
    before = result.get("before")
    if before:
        rev = before["rev"]
        lines += [
            f"Answer step p50 (and the whole question's, where measured), before (commit {rev}) and now, timed "
            "in turns in one run (`benchmarks/finish_times.py`, best of five turns each):",
            "",
            "| collection | before ms | now ms | added ms |",
            "|---|---:|---:|---:|",
        ]
        for name, then in before[rev].items():
            now = before["this checkout"][name]
            lines.append(f"| {name} | {then:.2f} | {now:.2f} | {now - then:+.2f} |")
        lines.append("")
    return lines


def lucene_proxy_section(result: dict) -> list[str]:
    lines = [
        "Lucene's BM25 stand-in on the dev splits (`benchmarks/lucene_proxy.py`: whole documents, title and "
        "text, Lucene's formula through bm25s, our stemmer and stopwords); compare with the `bm25` column of "
        "`rag eval`, which ranks by whole-document BM25 (title and text) since issue 26.",
        "",
        *provenance(result),
        "| set | variant | nDCG@10 | MRR@10 | R@100 |",
        "|---|---|---:|---:|---:|",
    ]
    for name, variants in result["sets"].items():
        for label, m in variants.items():
            lines.append(f"| {name} | {label} | {m['nDCG@10']:.4f} | {m['MRR@10']:.4f} | {m['Recall@100']:.4f} |")
    return [*lines, ""]


def doc_bm25_section(result: dict) -> list[str]:
    sets = list(result["after"])
    lines = [
        "Whole-document BM25 as a hybrid signal (`benchmarks/tune_doc_bm25.py`): the weight with the best mean "
        "nDCG@10 on liveqa-med half A, NFCorpus dev and SciFact dev, against the weight 0 that ships; half B and "
        "pubmedqa-l held out, with a paired Wilcoxon test per question.",
        "",
        *provenance(result),
        f"Best on the tuning sets: {result['chosen']}.",
        "",
        "| set | weight 0 (shipped) | best weight | mean change per question | better / worse | p |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in sets:
        p = result["paired"].get(name)
        extra = f"{p['mean_change']:+.4f} | {p['better']} / {p['worse']} | {p['p_value']:.4f}" if p else "| |"
        lines.append(
            f"| {name} | {result['before'][name]['nDCG@10']:.4f} | {result['after'][name]['nDCG@10']:.4f} | {extra} |"
        )
    lines += [
        "",
        "It lifts SciFact but costs liveqa-med's consumer questions on the held-out half, so hybrid keeps it "
        "off (`RAG_DOC_LEXICAL_WEIGHT` 0); BM25-only ranking uses it.",
        "",
    ]
    return lines


def no_answer_section(result: dict) -> list[str]:
    model = result["model"]
    roles = {
        "train+": "answerable, tuned on",
        "train-": "off-topic, tuned on",
        "train-all": "off-topic, must all stay refused",
        "held+": "answerable, held out",
        "held-": "off-topic, held out",
    }
    terms = " ".join(f"{w:+.2f} × {name}" for name, w in model["weights"].items())
    rules = list(result["rules"].items())

    def fmt(rule: dict) -> str:
        return (f"cosine < {rule['dense']} and coverage < {rule['cover']}, or cosine < {rule['far_share']} × "
                f"{rule['dense']}" + (f", unless {rule['known']:.0%} of its words are the collection's"
                                       if rule["known"] <= 1 else ""))

    lines = [
        f"The no-answer rule is a logistic score: {model['bias']:+.2f} {terms}; a question is refused when it is "
        "below 0, or when no top-five passage names what it asks about (`rag/retrieval/subject.py`: \"vitamin D\" in "
        "\"Can vitamin D help MS?\"; a word one letter from a word of the passages is read as that word misspelt), "
        "never when a top passage holds the study it cites. `dense` is the best cosine, "
        "`cover` the best "
        "share of the question's words in a top-five passage, `known` the share of its words the collection uses, "
        "`log_words` log(1 + its content words), `collection` its cosine with the collection's mean passage vector. "
        f"Weights: logistic regression (C {result['C']}) over the tuning sets, each set weighing the same; the "
        f"threshold keeps at least {result['keep_refused']:.0%} of every off-topic tuning set refused and wrongly "
        "refuses the fewest answerable questions of the worst tuning set. Each style of question is asked of a "
        "collection that answers it and of the seeds, which do not. Held-out sets were not used to choose the "
        "weights or the threshold. The subject rule was preferred to a learned weight for it on NFCorpus train (a "
        "weight fitted with half the near misses wrongly refused 6.5 % there, the rule 5.0 %); the dev figures of both "
        "were seen. "
        "The near misses (`benchmarks/data/near-miss.jsonl`, 30 questions about treatments the seeds never name, for "
        "diseases they cover) were written before any was asked; the rule's patterns were not tuned on them, but a "
        "weight fitted on half of them was tried (and not kept).",
        "",
        f"Before: the {rules[1][0]}: {fmt(rules[1][1])}; at the {rules[0][0]}: {fmt(rules[0][1])}.",
        "",
        *provenance(result),
        f"| set | kind | questions | refused, {rules[0][0]} | refused, {rules[1][0]} | refused now |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in result["sets"]:
        lines.append(
            f"| {row['set']} | {roles[row['role']]} | {row['questions']} | {row['refused_start']:.1%} | "
            f"{row['refused_rule']:.1%} | {row['refused_after']:.1%} |"
        )
    return [*lines, ""]


def main() -> None:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/report.py` from `benchmarks/results/*.json`; every table names the command that "
        "produced it, the machine and the date. The machine is shared and noisy, so the figures to trust are the "
        "ratios measured inside one run. No test asserts a timing.",
        "",
    ]
    notes = ROOT / "benchmarks" / "NOTES.md"
    sections = [
        (
            "## Retrieval quality",
            [
                r
                for r in (
                    load("eval-liveqa-med"),
                    load("eval-liveqa-med-poolneutral"),
                    load("eval-pubmedqa-l"),
                    load("eval-nfcorpus-dev"),
                    load("eval-scifact-dev"),
                )
                if r
            ],
            retrieval_section,
        ),
        ("## Retrieval options", [r for r in (load("retrieval-options"),) if r], options_section),
        ("## Question adapter", [r for r in (load("query-adapter"),) if r], adapter_section),
        ("## seeds-dev", [r for r in (load("seeds-dev"),) if r], seeds_section),
        ("## BM25 against Lucene (issue 26)", [r for r in (load("lucene-proxy"),) if r], lucene_proxy_section),
        ("## Whole-document BM25 in hybrid (issue 26)", [r for r in (load("doc-bm25"),) if r], doc_bm25_section),
        (
            "## No-answer rule (issue 26)",
            [r for r in (load("no-answer-calibration"),) if r and "sets" in r],
            no_answer_section,
        ),
        *(
            (title, [r for r in (load(name),) if r], answer_step_section)
            for title, name in LATENCY_SECTIONS
        ),
        ("## Seed questions", [r for r in (load("seed-questions"),) if r], seed_questions_section),
        ("## Other people's questions about the seeds", [r for r in (load("other-questions"),) if r],
         other_questions_section),
        ("## Answers (issue 24)", [r for r in (load("answers_dev"),) if r and "answered_rows" in r], answers_section),
        ("## Answer step latency (issue 24)", [r for r in (load("answer-step"),) if r], answer_step_section),
        ("## Caveat detectors", [r for r in (load("caveats-dev"),) if r], caveats_section),
        (
            "## Encoder precision and retrieval",
            [
                [
                    r
                    for r in (
                        load("eval-liveqa-med"),
                        load("eval-liveqa-med-int8"),
                        load("eval-pubmedqa-l"),
                        load("eval-pubmedqa-l-int8"),
                    )
                    if r
                ]
            ],
            encoder_quality_section,
        ),
        (
            "## Query speed",
            [r for r in (load("query-seeds"), load("query-liveqa")) if r and "floors" in r],
            query_section,
        ),
        ("## Reliability under load", [r for r in (load("load-swap"),) if r], load_section),
        ("## Hostile input (issue 23)", [r for r in (load("hostile-input"),) if r], hostile_section),
        ("## int8 across CPUs (issue 23)", [r for r in (load("int8-cpu-paths"),) if r], int8_paths_section),
        (
            "## Index build",
            [r for r in (load("build-pubmedqa-l"),) if r and "bare_torch_texts_per_s" in r],
            build_section,
        ),
        ("## Vector search scaling", [r for r in (load("faiss-scaling"),) if r], faiss_section),
        (
            "## Shard index types (issue 14)",
            [r for r in (load("shard-index-types"), load("shard-index-types-large")) if r],
            shards_section,
        ),
        ("## Distributed build (issue 14)", [r for r in (load("ray-build"),) if r], ray_build_section),
        ("## Serving on Ray (issue 14)", [r for r in (load("ray-serve"),) if r], ray_serve_section),
    ]
    for title, results, render in sections:
        if results:
            lines += [title, ""]
            for result in results:
                lines += render(result)
    if notes.exists():
        lines += [notes.read_text()]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines).rstrip() + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""A measured negative (issue 10): a document-centroid signal (the mean of a document's passage vectors, cosine to the
question) added to the hybrid score, with the centroid's top documents as extra candidates. Weight swept; read half A
to choose, half B to report. Not kept: see benchmarks/NOTES.md.

Usage: .venv/bin/python -m benchmarks.doc_centroid   (needs the int8 eval indexes `rag eval` builds)
"""

from pathlib import Path

import numpy as np

from benchmarks.tune_split import half
from rag.embedding import Embedder
from rag.evaluate import eval_settings, load_dataset, score_run
from rag.index import load_index
from rag.index.passages import top_k
from rag.retrieval import fuse, gather
from rag.settings import Settings

SH = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"
def prep(name):
    folder = SH / name
    settings = eval_settings(folder, Settings())
    ds = load_dataset(folder)
    emb = Embedder(settings)
    idx = load_index(settings, emb.dimensions)
    cent = np.zeros((len(idx.doc_order), idx.vectors.shape[1]), np.float32)
    np.add.at(cent, idx.chunk_doc, idx.vectors)
    cent /= np.linalg.norm(cent, axis=1, keepdims=True) + 1e-9
    ids = [q for q in ds.queries if q in ds.qrels]
    vecs = emb.encode([ds.queries[q] for q in ids])
    data = {}
    for qid, v in zip(ids, vecs):
        sig = gather(idx, v, ds.queries[qid], settings)
        cc_all = cent @ v
        extra = [idx.doc_chunks[d] for d in top_k(cc_all, 20)]
        data[qid] = (sig, cc_all, extra, v)
    return settings, ds, idx, data
def run(settings, ds, idx, data, w, qids):
    out = {}
    for qid in qids:
        sig, cc_all, extra, v = data[qid]
        # extend candidates with centroid-top docs' chunks
        ids = np.unique(np.concatenate([sig.chunk_ids, *extra])) if w else sig.chunk_ids
        if w:
            # recompute signals for new candidates quickly
            import dataclasses
            pos = {c: i for i, c in enumerate(sig.chunk_ids)}
            new = [c for c in ids if c not in pos]
            if new:
                new = np.array(new)
                # we lack lexical for new ones: approximate with zeros except dense/title
                docs = idx.chunk_doc[new]
                s2 = dataclasses.replace(
                    sig,
                    chunk_ids=np.concatenate([sig.chunk_ids, new]),
                    dense=np.concatenate([sig.dense, idx.vectors[new] @ v]),
                    closeness=np.concatenate([sig.closeness, idx.vectors[new] @ v]),
                    lexical=np.concatenate([sig.lexical, np.zeros(len(new), np.float32)]),
                    title=np.concatenate(
                        [sig.title, (idx.title_vectors @ v)[docs] if sig.titles_searchable else np.zeros(len(new))]
                    ),
                    title_lexical=np.concatenate([sig.title_lexical, np.zeros(len(new), np.float32)]),
                    exact=np.concatenate([sig.exact, np.zeros(len(new), np.float32)]),
                )
            else:
                s2 = sig
        else:
            s2 = sig
        base = fuse(s2, settings)
        docs = idx.chunk_doc[s2.chunk_ids]
        score = base + w * cc_all[docs]
        best = {}
        for i in np.argsort(-score, kind="stable"):
            d = docs[i]
            if d not in best:
                best[d] = score[i]
        ranked = sorted(best.items(), key=lambda x: -x[1])[:100]
        out[qid] = {idx.doc_order[d]: float(100 - r) for r, (d, s) in enumerate(ranked)}
    return score_run(out, {q: ds.qrels[q] for q in qids})


if __name__ == "__main__":
    live = prep("liveqa-med")
    A = [q for q in live[3] if half(q) == "A"]
    B = [q for q in live[3] if half(q) == "B"]
    for w in (0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0):
        a = run(*live, w, A)
        b = run(*live, w, B)
        print(w, "A", a["nDCG@10"], a["MRR@10"], "B", b["nDCG@10"], b["MRR@10"], flush=True)
    pm = prep("pubmedqa-l")
    for w in (0, 0.2, 0.5):
        p = run(*pm, w, list(pm[3]))
        print("pubmed", w, p["nDCG@10"], p["MRR@10"])

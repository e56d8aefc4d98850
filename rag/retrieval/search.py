"""The retrieval pipeline for one question: gather → fuse → (feedback) → diversify."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.abbreviations import document_definitions, expand
from rag.index import LoadedIndex
from rag.retrieval.candidates import gather
from rag.retrieval.diversify import diversify
from rag.retrieval.fusion import Mode, rank
from rag.retrieval.hits import Hit, Signals
from rag.retrieval.prf import feedback_vector
from rag.retrieval.safety import asks_about_safety
from rag.retrieval.subject import (
    MAX_CHARS,
    Named,
    asked_subjects,
    condition_names,
    condition_phrases,
    keys_naming,
    keyword_names,
    spelt_as,
    subject_names,
    unknown_words,
)
from rag.settings import Settings


def ranked_hits(index: LoadedIndex, vector: np.ndarray, query: str, settings: Settings, mode: Mode = Mode.HYBRID,
                signals: Signals | None = None, plain: np.ndarray | None = None) -> list[Hit]:
    """Every candidate, best first: fusion, the safety lift, and pseudo-relevance feedback when it is on.

    `signals` may be passed in when a caller (the evaluation) gathered them already for this vector.
    """
    safety = asks_about_safety(query)
    documents = mode == Mode.LEXICAL or settings.doc_lexical_weight > 0
    hits = rank(
        index, signals or gather(index, vector, query, settings, plain, documents), query, settings, mode, safety
    )
    if settings.prf_weight and mode != Mode.LEXICAL:
        vector = feedback_vector(index, vector, hits, settings)
        hits = rank(index, gather(index, vector, query, settings, plain), query, settings, mode, safety)
    return hits


@dataclass(frozen=True)
class Searched:
    """The shown list; the list in plain rank order, what the no-answer score was calibrated on (its best cosine is
    the collection's, not only that of the passages naming the treatment); and the documents that name the treatment
    asked about when some do and others do not (None otherwise), which the answer quotes alone."""

    shown: list[Hit]
    plain: list[Hit]
    about: set[str] | None = None
    # The treatment and the condition a question pairs when documents name the treatment and none of them names the
    # condition beside it ("Does metformin help with lupus?" of pages on metformin for MS and stem cells for lupus).
    unpaired: tuple[str, str] | None = None


def search(
    index: LoadedIndex,
    vector: np.ndarray,
    query: str,
    settings: Settings,
    top_k: int,
    mode: Mode = Mode.HYBRID,
    plain: np.ndarray | None = None,
) -> list[Hit]:
    """The shown list: ranked, then de-duplicated and capped per document."""
    return diversify(index, ranked_hits(index, vector, query, settings, mode, plain=plain), top_k,
                     settings.per_doc_cap)


def search_about(index: LoadedIndex, vector: np.ndarray, query: str, settings: Settings, top_k: int,
                 plain: np.ndarray | None, asked: str) -> Searched:
    """`search`, with the passages that name the treatment asked about (`asked`, the person's own words) taken
    first, those over the per-document cap included: of the documents that name it (`subject_documents`), each
    passage close to the question, and each passage that names it itself however far ("Has clemastine shown any
    results in MS?": the one passage naming clemastine sits far from "shown any results in MS" in meaning)."""
    hits = ranked_hits(index, vector, query, settings, Mode.HYBRID, plain=plain)
    in_order = diversify(index, hits, top_k, settings.per_doc_cap)
    share = index.lexical.document_share
    names = subject_names(asked, share, keywords=True)
    top = hits[:SUBJECT_DEPTH]
    if not top:
        return Searched(in_order, in_order)
    texts = None

    def known(words: list[str]) -> list[bool]:
        return [share(word) > 0 for word in words]

    # "does naltrexome improve quality of life in ms?": the treatment as the pages spell it (only a question whose
    # grammar names a treatment the collection does not know can gain one)
    names_unknown = names is None and bool(asked_subjects(asked) or keyword_names(asked[:MAX_CHARS]))
    misspelt = unknown_words(asked, known) if names_unknown else []
    if misspelt:
        texts = _documents_texts(index, top)
        spelt = spelt_as(asked, [text for parts in texts.values() for text in parts], misspelt)
        if spelt != asked:
            asked, names = spelt, subject_names(spelt, share, keywords=True)
    if names is None:
        return Searched(in_order, in_order)
    texts = texts or _documents_texts(index, top)  # read once for the treatment and the condition
    documents, alone = condition_documents(texts, subject_documents(texts, names), names,
                                           condition_names(asked, share))
    if not documents:
        return Searched(in_order, in_order)
    subjects, phrases = asked_subjects(asked), condition_phrases(asked)
    unpaired = (_as_typed(asked, subjects[0]), phrases[0]) if alone and subjects and phrases else None
    best = max(h.dense for h in top)
    theirs = [h for h in top if index.chunks[h.chunk_id].doc_id in documents]
    naming = {h.chunk_id for h in theirs if h.dense >= RELEVANT_SHARE * best}
    naming |= keys_naming(names, {h.chunk_id: [_expanded(index, h.chunk_id)] for h in theirs
                                  if h.chunk_id not in naming})
    if not naming:
        return Searched(in_order, in_order, documents, unpaired)
    first = [h for h in hits if h.chunk_id in naming] + [h for h in hits if h.chunk_id not in naming]
    return Searched(diversify(index, first, top_k, settings.per_doc_cap, prefer=naming), in_order, documents,
                    unpaired)


SUBJECT_DEPTH = 50  # ranked passages read for which documents name the treatment asked about
RELEVANT_SHARE = 0.6  # …and the passages taken first: this share of the best cosine or more (as `diversify` reads it)


def _as_typed(question: str, phrase: str) -> str:
    """A lower-cased phrase of the question as the question spells it ("ldn" → "LDN")."""
    found = re.search(r"\s+".join(map(re.escape, phrase.split())), question, re.IGNORECASE)
    return " ".join(found.group().split()) if found else phrase


def _expanded(index: LoadedIndex, chunk_id: int) -> str:
    chunk = index.chunks[chunk_id]
    return expand(chunk.text, document_definitions(index, chunk.doc_id))


def subject_documents(texts: dict[str, list[str]], names: list[Named]) -> set[str] | None:
    """The documents that name the treatment the question asks about (`names`, from `subject.subject_names`) in
    their `texts` (`_documents_texts`: each document among the first SUBJECT_DEPTH hits, its title and those
    passages, abbreviations expanded). The
    shown list takes their passages close to the question first, over the per-document cap too: "Does LDN stop MS
    from getting worse?" reads a fourth and fifth LDN passage before a metformin one, since a page that never names
    LDN cannot answer it; a page that names a stem cell transplant in passing, far from a question about lupus, is
    not brought in. None when none or all of those documents name it."""
    documents = keys_naming(names, texts)
    return documents if documents and len(documents) < len(texts) else None


def condition_documents(texts: dict[str, list[str]], documents: set[str] | None, names: list[Named] | None,
                        conditions: list[Named] | None) -> tuple[set[str] | None, bool]:
    """Of the documents that name the treatment the question itself names (`documents`, when some do and others do
    not: "cell therapy" is read as "cell", which every page names), those where the condition asked about is named
    in the title or beside the treatment, in one passage: "Can stem cells help MS?" is answered from the MS page
    that names stem cells, not from the lupus and depression pages that name them too, and "Are stem cells safe for
    people with diabetes?" not from the MS page whose diabetes is metformin's. `documents` unchanged when the
    question picks out no treatment (a follow-up's "it" is read elsewhere) or names no condition, or when none of
    them names it; then the second value is True: the treatment is spoken of, never for the condition asked about
    ("Does metformin help with lupus?" of pages on metformin for MS), which the answer must say."""
    if conditions is None or documents is None or names is None:
        return documents, False
    beside = {doc: [texts[doc][0]] + [text for text in texts[doc][1:] if keys_naming(names, {0: [text]})]
              for doc in documents if doc in texts}
    both = keys_naming(conditions, beside)
    return both or documents, not both


def _documents_texts(index: LoadedIndex, top: list[Hit]) -> dict[str, list[str]]:
    """Each document among `top` hits: its title and those hits' passages, abbreviations expanded."""
    texts: dict[str, list[str]] = {}
    for hit in top:
        chunk = index.chunks[hit.chunk_id]
        texts.setdefault(chunk.doc_id, [index.documents[chunk.doc_id].title]).append(_expanded(index, hit.chunk_id))
    return texts


def rank_documents(index: LoadedIndex, hits: list[Hit], k: int) -> list[tuple[str, float]]:
    """Documents by their best passage, for document-level evaluation."""
    best: dict[str, float] = {}
    for hit in hits:
        doc_id = index.chunks[hit.chunk_id].doc_id
        if doc_id not in best:
            best[doc_id] = hit.score
            if len(best) >= k:
                break
    return list(best.items())

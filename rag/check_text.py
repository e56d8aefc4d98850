"""Check any text: the analysis indexing runs (clean → chunk → caveats), with no embedding.

`rag annotate`, `POST /api/v1/annotate` and the MCP tool `check_text` all call `TextChecker.check`, so a pasted
article gets exactly the profile, passages and sentence flags it would get as an indexed document; each edge turns the
`CheckedText` into its shape (rag/api/schema.AnnotateResponse.of).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.caveats.profile import caveat_chunks, profile_document, with_design_cues, with_document_cues
from rag.caveats.sentences import SentenceFinding, analyse
from rag.ingest import content_hash
from rag.ingest.cleaning import clean_text, derive_title, find_urls
from rag.settings import Settings
from rag.types import Chunk, Document


@dataclass
class CheckedText:
    id: str
    document: Document
    passages: list[Chunk]
    sentences: list[SentenceFinding]


class TextChecker:
    """Holds the chunker (cl100k and the model's word-piece counter), built once per process."""

    def __init__(self, settings: Settings, count_model_tokens: Callable[[str], int] | None = None) -> None:
        """`count_model_tokens` is the embedder's word-piece counter when the caller has one loaded."""
        from rag.index import make_chunker

        if count_model_tokens is None:
            from tokenizers import Tokenizer

            from rag.offline import model_path

            tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
            tokenizer.no_truncation()
            tokenizer.no_padding()
            count_model_tokens = lambda text: len(tokenizer.encode(text).ids)
        self.chunker = make_chunker(settings, count_model_tokens)

    def check(self, text: str, text_id: str = "text") -> CheckedText:
        """Raises ValueError when there is nothing to check."""
        cleaned = clean_text(text)
        if not cleaned.strip():
            raise ValueError("is empty after cleaning")
        urls = find_urls(cleaned)
        title, given = derive_title(cleaned, text_id)
        document = Document(doc_id=text_id, path="", title=title, title_given=given, text=cleaned,
                            content_hash=content_hash(cleaned), url=urls[0] if urls else None, urls=urls)
        findings = analyse(cleaned)
        document = profile_document(document, findings)
        findings = with_design_cues(cleaned, findings, document.evidence_level)
        chunks = caveat_chunks(document, self.chunker.chunk_document(document), findings)
        return CheckedText(text_id, document, chunks, with_document_cues(document, findings))

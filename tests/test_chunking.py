import itertools

import pytest

from rag.index import make_chunker
from rag.ingest import ingest_folder
from rag.ingest.chunking import split_sentences, split_units
from rag.offline import cl100k
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seed_docs(settings):
    return ingest_folder(SEEDS, settings).documents


@pytest.fixture(scope="module")
def chunker(settings, embedder):
    return make_chunker(settings, embedder.count_tokens)


def test_passage_offsets_round_trip_on_every_seed(seed_docs, chunker):
    for document in seed_docs:
        for chunk in chunker.chunk_document(document):
            assert document.text[chunk.start : chunk.end] == chunk.text


def test_chunks_cover_every_word_of_every_seed(seed_docs, chunker):
    for document in seed_docs:
        covered = [False] * len(document.text)
        for chunk in chunker.chunk_document(document):
            for i in range(chunk.start, chunk.end):
                covered[i] = True
        missing = [c for i, c in enumerate(document.text) if not covered[i] and not c.isspace()]
        assert missing == [], document.doc_id


def test_every_chunk_fits_token_budget_and_model_window(seed_docs, chunker, settings, embedder):
    encoding = cl100k()
    for document in seed_docs:
        for chunk in chunker.chunk_document(document):
            assert len(encoding.encode(chunk.text)) <= settings.chunk_max_tokens
            assert embedder.count_tokens(chunk.text) <= embedder.window


def test_consecutive_chunks_overlap_when_a_section_is_split(seed_docs, chunker):
    document = next(d for d in seed_docs if d.doc_id.startswith("000"))
    chunks = chunker.chunk_document(document)
    assert any(b.start < a.end for a, b in itertools.pairwise(chunks))


def test_table_stays_with_its_heading(seed_docs, chunker):
    document = next(d for d in seed_docs if d.doc_id.startswith("001"))
    chunks = chunker.chunk_document(document)
    holder = [c for c in chunks if "Smith et al. (2021)" in c.text]
    assert len(holder) >= 1
    assert all("Study Participants Main Findings" in c.text and "Lee et al. (2023)" in c.text for c in holder)
    survey = [c for c in chunks if "Reduced Fatigue 78%" in c.text]
    assert survey and all("Benefit Percentage of Respondents" in c.text for c in survey)


def test_bullet_list_stays_with_its_intro(seed_docs, chunker):
    document = next(d for d in seed_docs if d.doc_id.startswith("001"))
    for chunk in chunker.chunk_document(document):
        if "• Fatigue: A prevalent symptom" in chunk.text:
            assert "Some common issues faced by those living with MS include:" in chunk.text
            assert "• Emotional challenges" in chunk.text


def test_sentence_split_respects_et_al():
    text = "Smith et al. found it. It worked."
    assert [text[s:e] for s, e in split_sentences(text)] == ["Smith et al. found it.", "It worked."]


def test_heading_units_glue_to_what_follows():
    units = split_units("Side Effects\nLDN is well tolerated. Dreams may be vivid.")
    assert units[0].kind == "heading" and units[0].glue_next


def test_a_single_giant_word_is_split_to_fit(chunker):
    text = "x" * 5000
    spans = chunker.chunk_text(text)
    assert "".join(text[s:e] for s, e, _ in spans) == text
    assert all(chunker.fits_text(text[s:e]) for s, e, _ in spans)


@pytest.mark.parametrize("gap", ["\u2003" * 30, " \u3000" * 30, " \t" * 30, "\u00a0" * 30, "\n\n\n", " "])
def test_whitespace_between_sentences_counts_toward_the_budget(chunker, gap):
    """Seams were counted as one token each, so sentences apart by runs of em spaces made 1,524-token chunks
    under a 200-token budget; each seam now costs up to its whitespace's bytes."""
    text = "".join(f"Sentence {i} says metformin may help.{gap}" for i in range(120))
    spans = chunker.chunk_text(text)
    assert all(chunker.fits_text(text[s:e]) for s, e, _ in spans), max(
        len(cl100k().encode(text[s:e])) for s, e, _ in spans
    )
    assert all(f"Sentence {i} says" in "".join(text[s:e] for s, e, _ in spans) for i in range(120))

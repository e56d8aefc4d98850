"""Property tests: the cleaner and chunker never crash, never lose text, and offsets always round-trip."""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rag.ingest.chunking import Chunker
from rag.ingest.cleaning import _CONTROL, clean_text
from rag.offline import cl100k

ENCODING = cl100k()
WORDS = st.sampled_from(["metformin", "MS", "may", "help.", "Study", "A", "•", "-", "et al.", "(2021)", "Gemini:",
                         "\n", "\n\n", "  ", "?", "naltrexone", "é", "中文", "🙂", "\t", ":", "1.", "x" * 30])
TEXTS = st.one_of(st.text(max_size=2000), st.lists(WORDS, max_size=400).map(" ".join))
PROPERTY = hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def chunker(embedder):
    return Chunker(lambda t: len(ENCODING.encode(t, disallowed_special=())), max_tokens=60, min_tokens=10,
                   overlap_sentences=1, count_model_tokens=embedder.count_tokens, model_window=80)


@PROPERTY
@given(TEXTS)
def test_cleaning_never_crashes_and_is_idempotent(raw):
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned


@PROPERTY
@given(TEXTS)
def test_cleaning_keeps_lines_whole(raw):
    """Every cleaned line is a line of the input (less control characters and bold markers): nothing is cut."""
    plain = _CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).replace("**", "")
    source = {line.rstrip() for line in plain.split("\n")}
    for line in clean_text(raw).replace("**", "").split("\n"):
        assert line == "" or line in source


@PROPERTY
@given(TEXTS)
def test_chunks_round_trip_cover_everything_and_fit(chunker, raw):
    text = clean_text(raw)
    spans = chunker.chunk_text(text)
    covered = [False] * len(text)
    for start, end, _ in spans:
        assert 0 <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() or piece.strip()
        assert chunker.fits_text(piece)
        for i in range(start, end):
            covered[i] = True
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))

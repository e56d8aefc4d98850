"""What counts as common English (rag/english.py): one test shared by the question's subject and the answer."""

from rag.english import MAX_TYPO_LETTERS, edits, is_english


def test_common_words_their_endings_and_typos_are_english():
    for word in ("dairy", "tiredness", "aches", "immediatly", "pregnent"):
        assert is_english(word), word


def test_treatment_names_are_not_english():
    for word in ("fingolimod", "naltrexone", "metformin", "clemastine", "microglia"):
        assert not is_english(word), word


def test_edits_are_one_slip_away_and_bounded():
    assert "metformin" in edits("metformn") and "metformn" not in edits("metformn")
    assert edits("x" * (MAX_TYPO_LETTERS + 1)) == set()

"""The cue patterns joined into one search (rag/caveats/patterns.py) find what each pattern finds alone."""

import re

from hypothesis import given
from hypothesis import strategies as st

from rag.caveats.design import COMPILED_DESIGNS, DESIGNS
from rag.caveats.patterns import union, union_source

_WORDS = st.lists(st.sampled_from(["may", "help", "RCT", "rct", "in mice", "randomised", "pilot", "I", "have",
                                   "never", "felt", "better", "cohort", "-", ",", ".", " ", "\n", "x"]), max_size=30)


@given(_WORDS)
def test_the_union_finds_the_leftmost_match_of_the_patterns_it_joins(words):
    text = " ".join(words)
    patterns = [r"\bmay help\b", r"pilot", r"\bI have never felt better\b", r"\bmice\b"]
    joined = union(patterns, re.IGNORECASE)
    found = joined.search(text)
    alone = [m for m in (re.search(p, text, re.IGNORECASE) for p in patterns) if m]
    assert (found is None) == (not alone)
    if found:
        assert found.start() == min(m.start() for m in alone)


@given(_WORDS)
def test_a_design_is_found_where_its_patterns_find_it_and_rct_keeps_its_case(words):
    text = " ".join(words)
    for name, (_, patterns) in DESIGNS.items():
        plain = re.compile("|".join(f"(?:{p})" if "RCT" in p else f"(?i:{p})" for p in patterns))
        assert [m.span() for m in COMPILED_DESIGNS[name].finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_branches_keep_their_order_and_flags():
    assert union_source([(r"\ba", "i"), ("b", ""), (r"\bc", "")]) == r"\b(?:(?i:a))|(?:b)|\b(?:(?:c))"

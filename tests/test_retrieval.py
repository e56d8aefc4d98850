"""Hybrid retrieval, follow-ups, no-answer detection and the extractive answer on the real seeds."""

import re

import numpy as np

from rag.results import Question
from rag.retrieval.followup import is_elliptical, resolve_followup


def ask(engine, question, history=(), top_k=5):
    return engine.query(Question(question, top_k=top_k, history=tuple(history)))


def test_followup_resolves_to_the_conversation_topic(engine):
    history = [("user", "What is low-dose naltrexone used for in MS?"), ("assistant", "It is used off-label ...")]
    result = ask(engine, "what about side effects?", history)
    assert "naltrexone" in result.retrieval_query
    assert result.passages[0].source.doc_id.startswith("003")
    assert any("vivid dreams" in p.text for p in result.passages[:3])


def test_followup_asks_about_the_earlier_turns_subject_not_its_outcome(engine):
    """"Is it safe?" after "Can low dose naltrexone help MS fatigue?" asks whether naltrexone is safe: fatigue,
    the outcome asked about before, is not added to the search."""
    result = ask(engine, "Is it safe?", [("user", "Can low dose naltrexone help MS fatigue?")])
    assert "naltrexone" in result.retrieval_query and "fatigue" not in result.retrieval_query
    assert result.answer is not None and "opioid" in result.answer.text.split(". ")[0]
    # With no subject in the earlier turn, its topic words are added as before.
    assert "fatigue" in ask(engine, "Is it safe?", [("user", "MS fatigue treatments")]).retrieval_query


def test_a_followup_naming_another_treatment_searches_it_instead_of_the_earlier_one(engine):
    """"What about metformin?" after an LDN question searches metformin with the earlier question's fatigue, not LDN,
    and is answered from the metformin page only. "What about the cost?" (the LDN page names its cost), "What about
    sleep?" (named there too) and "What about depression?" (a condition, never a treatment on these pages) still
    search LDN."""
    earlier = [("user", "Can low dose naltrexone help MS fatigue?"), ("assistant", "In some studies, LDN …")]
    result = ask(engine, "What about metformin?", earlier)
    assert result.retrieval_query == "What about metformin? fatigue"
    assert result.answer is not None
    assert {q.doc_id[:3] for q in result.answer.sentences} == {"001"}
    for aspect in ("What about the cost?", "What about sleep?", "What about depression?"):
        assert ask(engine, aspect, earlier).retrieval_query.endswith("low dose naltrexone"), aspect
    cost = ask(engine, "What about the cost?", earlier)
    assert cost.answer is not None and "low-cost" in cost.answer.text


def test_a_followup_subject_replaces_the_earlier_one_only_when_it_is_another_treatment():
    earlier = [("user", "Can low dose naltrexone help MS fatigue?")]
    another = lambda subject, words: subject == "stem cells"  # what the collection would say
    # (No `is_specific` here, so "ms" counts as a topic word; the engine leaves it out.)
    assert resolve_followup("What about stem cells?", earlier, another=another) == "What about stem cells? ms fatigue"
    assert resolve_followup("How about stem cells", earlier, another=another) == "How about stem cells ms fatigue"
    assert resolve_followup("What about the cost?", earlier, another=another) == \
        "What about the cost? low dose naltrexone"
    # An aspect, or a follow-up asking its own question of the new subject, is never a swap.
    assert resolve_followup("What about side effects?", earlier, another=lambda s, w: True) == \
        "What about side effects? low dose naltrexone"
    assert resolve_followup("What about stem cells for lupus?", earlier, another=another) == \
        "What about stem cells for lupus? low dose naltrexone"
    # No earlier subject to replace: the earlier turn's topic words are added, as before.
    assert resolve_followup("What about stem cells?", [("user", "Tell me about MS fatigue")], another=another) == \
        "What about stem cells? ms fatigue"


def test_followup_after_metformin_stays_on_metformin(engine):
    result = ask(engine, "and its side effects?", [("user", "Does metformin help people with MS?")])
    assert result.passages[0].source.doc_id.startswith("001")


def test_self_contained_question_ignores_history(engine):
    assert resolve_followup("How are UC-MSCs sourced for lupus therapy?", [("user", "metformin in MS")]) == \
        "How are UC-MSCs sourced for lupus therapy?"
    assert is_elliptical("what about its side effects?")


def assert_refused(engine, questions: tuple[str, ...]) -> None:
    for question in questions:
        result = ask(engine, question)
        assert result.no_answer and result.answer is None, question
        assert "weak_match" in {c.code for c in result.caveats}


def test_offtopic_question_is_flagged_no_answer(engine):
    assert_refused(engine, ("How is a sprained ankle treated?", "What is the best way to train for a marathon?",
                            "What's the capital of France?"))


def test_a_treatment_no_top_passage_names_is_not_answered_from_pages_about_another(engine):
    """The seeds cover MS and lupus, never vitamin D, omega 3 or acupuncture: no answer from the metformin page."""
    assert_refused(engine, ("Can vitamin D help MS?", "Does omega 3 help multiple sclerosis?",
                            "Should I try acupuncture for lupus?"))
    # A follow-up is read in its own words, with or without its question mark.
    for text in ("What about vitamin D?", "What about vitamin D"):
        assert ask(engine, text, [("user", "Can LDN help MS?")]).no_answer, text
    # A lay name is still named by a word the passages use ("transplant"); "vitamin B12" is in the metformin page.
    for question in ("Can a poop transplant help MS?", "Does metformin lower vitamin B12?"):
        assert not ask(engine, question).no_answer, question


def test_a_treatment_the_seeds_never_name_is_refused_and_one_they_name_misspelt_is_not(engine):
    """A harm a treatment might do is asked about it ("Can teriflunomide damage the liver?"), so a treatment the
    pages never name is refused; one they name, misspelt, is answered; a common word one letter from a word of the
    pages ("meditation", "medication") is not taken for it. Nor is a symptom in lay words or a search-box title
    refused."""
    assert_refused(engine, ("Can teriflunomide damage the liver?", "Does meditation help MS fatigue?"))
    for question in ("can metfromin help ms?", "Is naltrexome safe?", "Can LDN help with tiredness?",
                     "Can LDN help with my aches?", "Cure for MS?", "tips for fatigue - what works?",
                     "Can painkillers interact with LDN?"):
        assert not ask(engine, question).no_answer, question


def test_a_safety_question_in_the_long_form_finds_the_warning_given_in_the_short(engine):
    """The LDN page defines "low-dose naltrexone (LDN)" and warns "LDN cannot be taken…": asked either way, the
    warning is the answer's first sentence."""
    for question in ("Is LDN safe?", "Is low dose naltrexone safe?"):
        result = ask(engine, question)
        assert result.answer is not None and result.answer.safety, question
        assert "opioid" in result.answer.text.split(". ")[0], question


def test_exact_name_questions_are_answered(engine):
    result = ask(engine, "clemastine fumarate remyelination")
    assert not result.no_answer and result.passages[0].source.doc_id.startswith("000")


def test_per_document_cap_keeps_other_sources_in_view(engine):
    result = ask(engine, "stem cell therapy", top_k=8)
    assert len({p.source.doc_id for p in result.passages}) >= 2


def test_pages_naming_the_treatment_asked_about_come_first(engine):
    """"Does LDN stop MS from getting worse?": the metformin page matches "MS … getting worse" well but never names
    LDN, so the LDN page's fourth and fifth passages come before it (the one that answers is among them)."""
    result = ask(engine, "Does LDN stop MS from getting worse?", top_k=5)
    assert {p.source.doc_id[:3] for p in result.passages} == {"003"}
    assert any("no strong clinical evidence" in p.text for p in result.passages)
    # The no-answer rule still reads the list in plain rank order (what it was calibrated on).
    found = engine.retrieve(Question("Does LDN stop MS from getting worse?", top_k=5))
    assert {engine.index.chunks[h.chunk_id].doc_id[:3] for h in found.judged} != {"003"}


def test_a_page_naming_the_treatment_in_passing_does_not_push_out_the_page_asked_about(engine):
    """The MS page names a stem cell transplant, far from a lupus question; the lupus page speaks of stem cells
    (as UC-MSCs): it stays first, and the answer comes from it."""
    result = ask(engine, "Can stem cell transplant help lupus?")
    assert result.passages[0].source.doc_id.startswith("002")
    assert result.answer is not None and result.answer.sentences[0].doc_id.startswith("002")


def test_passages_do_not_repeat_overlapping_text(engine):
    result = ask(engine, "What do oligodendrocyte precursor cells do?", top_k=10)
    spans = [(p.source.doc_id, p.source.start, p.source.end) for p in result.passages]
    for i, (d1, s1, e1) in enumerate(spans):
        for d2, s2, e2 in spans[i + 1:]:
            if d1 == d2:
                assert min(e1, e2) - max(s1, s2) < 0.8 * min(e1 - s1, e2 - s2)


def test_answer_is_whole_cited_sentences(engine, settings):
    result = ask(engine, "Can I take low-dose naltrexone with opioid painkillers?")
    parts = re.findall(r"(.+?) \[(\d+)\](?: |$)", result.answer.text)
    assert 2 <= len(parts) <= settings.answer_max_sentences
    texts = [t.strip() for t, _ in parts]
    assert len(set(texts)) == len(texts)
    for text, number in parts:
        assert text.strip()[-1] in ".!?)\"”"
        assert text.strip() in result.passages[int(number) - 1].text
    assert "opioid-based medications" in result.answer.text


def test_safety_question_ranks_the_matching_contraindication_first(engine):
    result = ask(engine, "Can I take low-dose naltrexone with opioid painkillers?", top_k=3)
    top = result.passages[0]
    assert "cannot be taken if you are currently using opioid-based medications" in top.text
    # The label "Important Caveat:" is the page's, not the warning: the sentence after it is quoted.
    assert result.answer.sentences[0].text.startswith("LDN cannot be taken")
    assert result.answer.safety[0].text == result.answer.sentences[0].text


def test_rely_bar_names_the_gravest_caveats_even_without_a_high_one(engine):
    result = ask(engine, "Does metformin help multiple sclerosis?", top_k=3)
    codes = {c.code for c in result.caveats}
    assert "single_source" in codes and codes & {"promotional_tone", "unverifiable_citation", "anecdotal"}


FP16_ERROR = 2.0 ** -10  # a cosine on fp16 vectors (11 significant bits) is off by at most 2^-11, and a little summing


def _agrees_up_to_fp16(found: np.ndarray, exact_scores: np.ndarray, k: int) -> bool:
    """`found` holds a true top `k`, in order, except where two cosines lie closer than the fp16 copy can tell:
    each found entry scores no lower than the exact k-th (and than the one found after it) by more than two
    roundings. Exact order would fail wherever two passages tie to 1e-4, which other CPUs' vectors can make."""
    kth = np.sort(exact_scores)[::-1][k - 1]
    scores = exact_scores[found[:k]]
    return len(scores) == k and bool(np.all(scores >= kth - 2 * FP16_ERROR)
                                      and np.all(scores[:-1] >= scores[1:] - 2 * FP16_ERROR))


def test_candidate_finder_agrees_with_exact_search(engine, seeds_dev):
    """The fp16 copy that finds candidates must find what exact search finds, for every seeds-dev question."""
    from rag.index import candidate_finder
    from rag.retrieval.candidates import nearest

    index = engine.index
    titles_finder = candidate_finder(index.title_vectors)  # the seeds' titles are not all real, so not searched
    assert index.passage_finder is not index.faiss_index  # a flat index: candidates come from the fp16 copy
    for row in seeds_dev:
        vector = engine.embedder.encode_query(row["question"])
        found = nearest(index.passage_finder, vector, 10)
        assert _agrees_up_to_fp16(found, index.vectors @ vector, 10), row["question"]
        assert _agrees_up_to_fp16(nearest(titles_finder, vector, 3), index.title_vectors @ vector, 3)
    assert np.array_equal(nearest(index.passage_finder, vector, 0), np.zeros(0, dtype=np.int64))


def test_no_answer_rule_never_flags_a_question_whose_cited_study_is_found():
    from rag.retrieval import refused

    scores = np.array([-3.0, -3.0, 2.0])
    assert refused(scores, np.array([False, True, False])).tolist() == [True, False, False]
    assert bool(refused(-3.0)) and not bool(refused(-3.0, True))
    # Strictness shifts the line: higher refuses more.
    assert bool(refused(0.5, False, 1.0)) and not bool(refused(-0.5, False, -1.0))
    # No top passage naming what was asked about refuses whatever the score, unless the cited study is found.
    assert bool(refused(5.0, False, 0.0, True)) and not bool(refused(5.0, True, 0.0, True))


def test_a_short_question_with_its_own_topic_is_not_a_followup(engine):
    history = [("user", "Can I take low-dose naltrexone with opioid painkillers?"), ("assistant", "LDN cannot be "
                                                                                                  "taken ...")]
    metformin = ask(engine, "Does metformin help people with MS?", history)
    assert metformin.retrieval_query == "Does metformin help people with MS?"
    assert metformin.passages[0].source.doc_id.startswith("001")
    wrist = ask(engine, "How is a broken wrist treated?", history)
    assert wrist.retrieval_query == "How is a broken wrist treated?" and wrist.no_answer
    # A bare aspect still leans on the conversation.
    assert "naltrexone" in ask(engine, "side effects?", history).retrieval_query


def test_a_word_no_passage_holds_still_gets_ranked_passages(engine):
    """No BM25 candidate at all ("okra" is in no seed): the dense candidates are always there, so the reader
    still sees the closest passages (flagged as a weak match) rather than nothing."""
    result = ask(engine, "okra", top_k=5)
    assert len(result.passages) == 5 and all(p.text for p in result.passages)
    assert result.no_answer


def test_words_the_collection_uses_weigh_towards_covered(engine):
    from rag.retrieval import known_share
    from rag.retrieval.no_answer import FEATURES, default_model

    assert known_share(engine.index, "okra") == 0.0
    assert known_share(engine.index, "metformin relapses") == 1.0
    assert 0 < known_share(engine.index, "metformin and okra") < 1
    # The calibrated model: the same far match scores higher when the collection knows the question's words, and
    # higher when it is closer in meaning; it counts for less when the whole collection looks as close.
    model = default_model()
    row = dict(zip(FEATURES, (0.35, 0.5, 0.5, 1.4, 0.3)))

    def score(**change: float) -> float:
        return float(model.score(np.array([{**row, **change}[name] for name in FEATURES])))

    assert score(known=1.0) > score() + 1.0 and score(dense=0.5) > score() + 1.0 and score(collection=0.5) < score()


def test_no_answer_scores_keep_a_margin_on_both_sides(engine):
    """Int8 kernels move a cosine by ~0.01 between CPUs (a score by ~0.25): both sides keep twice that."""
    from rag.retrieval.no_answer import default_model, question_features

    def score(question):
        found = engine.retrieve(Question(question))
        row, _, _ = question_features(found.index, found.query, found.judged,
                                      engine.embedder.encode_query(found.query))
        return float(default_model().score(row))

    for question in ("How is a sprained ankle treated?", "How is a broken wrist treated?", "okra"):
        assert score(question) < -0.5, question
    for question in ("Does metformin help people with MS?", "stem cell therapy",
                     "Can I take low-dose naltrexone with opioid painkillers?"):
        assert score(question) > 0.5, question


def test_no_answer_strictness_is_a_setting(engine):
    from rag.engine import Engine

    strict = Engine(engine.settings.model_copy(update={"no_answer_strictness": 20.0}), engine.embedder)
    assert strict.query(Question("Does metformin help people with MS?")).no_answer
    assert not ask(engine, "Does metformin help people with MS?").no_answer

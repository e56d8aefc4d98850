"""Topic-true, report-first answers; exact rare-term evidence; sources that disagree — on real indexes."""

import numpy as np
import pytest

from rag.answer import AnswerPassage, compose_answer, coverage, question_weights
from rag.engine import Engine
from rag.index import build_index
from rag.index.lexical import LexicalIndex
from rag.schema import QueryRequest

BONE_MARROW = "Can a bone marrow stem cell transplant help MS?"
SMITH = "What did Smith et al. 2021 find about metformin in MS?"


def ask(engine, question, top_k=5):
    return engine.query(QueryRequest(question=question, top_k=top_k))


def answer_docs(result):
    by_rank = {p.rank: p.source.doc_id for p in result.passages}
    cited = [int(c) for c in __import__("re").findall(r"\[(\d+)\]", result.answer.text)]
    return [by_rank[c] for c in cited]


def test_bone_marrow_transplant_question_is_answered_from_the_ms_article_not_lupus(engine):
    result = ask(engine, BONE_MARROW)
    assert result.passages[0].source.doc_id.startswith("000")
    assert "hematopoietic stem cell transplantation" in result.passages[0].text
    docs = answer_docs(result)
    assert docs[0].startswith("000"), result.answer.text
    assert not any(d.startswith("002") for d in docs), result.answer.text
    assert "Lupus" not in result.answer.text


def test_named_study_question_finds_the_table_row_and_reports_it(engine):
    result = ask(engine, SMITH)
    assert any("Smith et al. (2021) 200 MS patients 20% reduction in relapse rates" in p.text for p in result.passages[:3])
    assert "20% reduction in relapse rates" in result.answer.text.split("[")[0]
    assert "secret sidekick" not in result.answer.text


def test_rare_term_coverage_weights_rare_words_only():
    texts = ["metformin helps ms patients", "metformin in ms, smith 2021 table", "metformin and ms again",
             "ms fatigue and metformin", "gene therapy for depression"]
    lexical = LexicalIndex.build(texts)
    cover = lexical.rare_term_coverage("smith 2021 metformin ms", max_share=0.25)
    assert cover.argmax() == 1 and cover[1] > 0.5
    assert cover[0] == cover[2] == cover[3] == 0.0  # common words give no exact-term evidence
    assert np.all(lexical.rare_term_coverage("metformin ms", max_share=0.25) == 0)


def test_exact_rare_terms_lift_the_passage_that_holds_them(engine, settings):
    without = Engine(settings.model_copy(update={"exact_weight": 0.0}), engine.embedder)
    question = "What did Johnson et al. 2022 report?"
    rank_with = next(p.rank for p in ask(engine, question, 10).passages if "Johnson et al. (2022)" in p.text)
    rank_without = next((p.rank for p in ask(without, question, 10).passages if "Johnson et al. (2022)" in p.text), 11)
    assert rank_with == 1 and rank_with <= rank_without


def test_answer_prefers_a_reported_finding_to_a_promotional_or_hedged_sentence():
    from rag.settings import Settings

    passages = [AnswerPassage(1, "blog", "Metformin is an astonishing secret weapon that may transform MS care forever. "
                              "Metformin might help people with MS feel better one day.", [], 0.8),
                AnswerPassage(2, "paper", "In a trial of 200 MS patients, metformin reduced relapse rates by 20%.", [], 0.78)]
    weights = {"metf": 2.0, "ms": 1.0, "relap": 2.0}
    answer = compose_answer(passages, weights, Settings())
    assert answer.text.startswith("In a trial of 200 MS patients")


def test_one_source_does_not_fill_the_answer_when_another_has_something():
    from rag.settings import Settings

    one = " ".join(f"Metformin lowered relapse number {i} in MS patients." for i in range(6))
    passages = [AnswerPassage(1, "a", one, [], 0.9), AnswerPassage(2, "b", "Metformin lowered relapses in MS patients too.", [], 0.85)]
    answer = compose_answer(passages, {"metf": 1.0, "relap": 1.0}, Settings(answer_max_sentences=4))
    assert 2 in answer.citations


def test_question_weights_favour_rare_words():
    shares = {"metformin": 0.01, "ms": 0.5, "fatigue": 0.4}
    weights = question_weights("Does metformin ease MS fatigue?", lambda ws: [shares.get(w, 0.0) for w in ws], 1000)
    assert weights["metform"] > weights["fatig"] > 0 and "does" not in weights and "ease" not in weights
    assert coverage(weights, "Metformin is a drug.") > coverage(weights, "MS is common.")


@pytest.fixture(scope="module")
def disagreeing(settings, embedder, tmp_path_factory):
    docs = tmp_path_factory.mktemp("disagree")
    (docs / "trial_a.txt").write_text(
        "Zolmidine for migraine: the first trial\n\nIn a randomized trial of 120 adults, zolmidine reduced migraine days "
        "by 30% compared with placebo over three months. Patients on zolmidine also reported improved sleep.\n")
    (docs / "trial_b.txt").write_text(
        "Zolmidine for migraine: a larger trial\n\nIn a larger randomized trial of 640 adults, zolmidine did not reduce "
        "migraine days compared with placebo. The drug showed no significant difference in pain scores.\n")
    (docs / "other.txt").write_text("Knee pain\n\nPhysiotherapy helps many people with knee pain after a sprain.\n")
    local = settings.model_copy(update={"docs_dir": docs, "index_dir": tmp_path_factory.mktemp("disagree-index")})
    build_index(local, embedder)
    return Engine(local, embedder)


def test_sources_disagree_names_the_passages_on_each_side(disagreeing):
    result = ask(disagreeing, "Does zolmidine reduce migraine days?")
    caveat = next(c for c in result.caveats if c.code == "sources_disagree")
    ranks = {p.source.doc_id: p.rank for p in result.passages}
    assert f"[{ranks['trial_a']}] report a benefit" in caveat.detail
    assert f"[{ranks['trial_b']}] report no benefit or harm" in caveat.detail


def test_agreeing_sources_do_not_disagree(disagreeing):
    result = ask(disagreeing, "Does physiotherapy help knee pain after a sprain?")
    assert "sources_disagree" not in {c.code for c in result.caveats}


def test_a_question_about_a_named_study_is_answered_from_that_study(engine):
    # Short and generic, this question is far in meaning from the table row that answers it: the no-answer
    # rule's cosine alone flags it. The cited study being in a top passage is what covers it.
    result = ask(engine, "What did Study B find?")
    assert not result.no_answer
    assert result.answer.text.startswith("Study B Neuroprotective effects observed in clinical trials.")


def test_cited_study_keys_ignore_case_and_punctuation():
    from rag.caveats.citations import cited_keys, holds_cited

    keys = cited_keys("What did Smith et al. 2021 find?")
    assert keys == ["smith et al 2021"]
    assert holds_cited("Smith et al. (2021) 200 MS patients", keys)
    assert not holds_cited("Smithson et al. (2021) 80 patients", keys) and not holds_cited("anything", [])

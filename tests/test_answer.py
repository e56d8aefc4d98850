"""Answers that answer the question: the answering sentence first, quoted exactly, safety apart; topic-true;
exact rare-term evidence; sources that disagree — on real indexes."""

import json
import re
from itertools import pairwise

import numpy as np
import pytest

from rag.answer import AnswerPassage, compose_answer, coverage, question_weights
from rag.engine import Engine
from rag.index import build_index
from rag.index.lexical import LexicalIndex
from rag.results import Question

BONE_MARROW = "Can a bone marrow stem cell transplant help MS?"
SMITH = "What did Smith et al. 2021 find about metformin in MS?"


def ask(engine, question, top_k=5):
    return engine.query(Question(question, top_k=top_k))


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
    assert any(
        "Smith et al. (2021) 200 MS patients 20% reduction in relapse rates" in p.text for p in result.passages[:3]
    )
    assert "20% reduction in relapse rates" in result.answer.text.split("[")[0]
    assert "secret sidekick" not in result.answer.text


def test_rare_term_coverage_weights_rare_words_only():
    texts = [
        "metformin helps ms patients",
        "metformin in ms, smith 2021 table",
        "metformin and ms again",
        "ms fatigue and metformin",
        "gene therapy for depression",
    ]
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

    passages = [
        AnswerPassage(
            1,
            "blog",
            "Metformin is an astonishing secret weapon that may transform MS care "
            "forever. Metformin might help people with MS feel better one day.",
            [],
            0.8,
        ),
        AnswerPassage(2, "paper", "In a trial of 200 MS patients, metformin reduced relapse rates by 20%.", [], 0.78),
    ]
    weights = {"metf": 2.0, "ms": 1.0, "relap": 2.0}
    answer = compose_answer("Does metformin reduce MS relapses?", passages, weights, Settings())
    assert answer.text.startswith("In a trial of 200 MS patients")


def test_one_source_does_not_fill_the_answer_when_another_has_something():
    from rag.settings import Settings

    one = " ".join(f"Metformin lowered relapse number {i} in MS patients." for i in range(6))
    passages = [
        AnswerPassage(1, "a", one, [], 0.9),
        AnswerPassage(2, "b", "Metformin lowered relapses in MS patients too.", [], 0.85),
    ]
    answer = compose_answer(
        "Does metformin lower MS relapses?", passages, {"metf": 1.0, "relap": 1.0}, Settings(answer_max_sentences=4)
    )
    assert 2 in answer.citations


def test_a_question_word_meets_its_other_forms_in_a_text():
    """"rejection" meets "rejected" and "dose" meets "dosing" (their Snowball stems), as "treatment" meets
    "treatments" (a prefix)."""
    from rag.answer.extractive import word_key

    assert coverage({word_key("rejection"): 1.0}, "They are less likely to be rejected.") == 1.0
    assert coverage({word_key("dose"): 1.0}, "Trials must find the optimal dosing strategy.") == 1.0
    assert coverage({word_key("treatment"): 1.0}, "Two treatments were compared.") == 1.0
    assert coverage({word_key("dose"): 1.0}, "It was taken daily.") == 0.0


def test_question_weights_favour_rare_words():
    shares = {"metformin": 0.01, "ms": 0.5, "fatigue": 0.4}
    weights = question_weights("Does metformin ease MS fatigue?", lambda ws: [shares.get(w, 0.0) for w in ws], 1000)
    assert weights["metform"] > weights["fatig"] > 0 and "does" not in weights and "ease" not in weights
    assert coverage(weights, "Metformin is a drug.") > coverage(weights, "MS is common.")


@pytest.fixture(scope="module")
def disagreeing(settings, embedder, tmp_path_factory):
    docs = tmp_path_factory.mktemp("disagree")
    (docs / "trial_a.txt").write_text(
        "Zolmidine for migraine: the first trial\n\nIn a randomized trial of 120 adults, zolmidine reduced migraine "
        "days by 30% compared with placebo over three months. Patients on zolmidine also reported improved sleep.\n"
    )
    (docs / "trial_b.txt").write_text(
        "Zolmidine for migraine: a larger trial\n\nIn a larger randomized trial of 640 adults, zolmidine did not "
        "reduce migraine days compared with placebo. The drug showed no significant difference in pain scores.\n"
    )
    (docs / "other.txt").write_text("Knee pain\n\nPhysiotherapy helps many people with knee pain after a sprain.\n")
    # one page whose two sections report a benefit and none: its own mixed results, not two sources disagreeing
    filler = " ".join(f"Cluster headaches come in bouts, often at night, and bout {i} lasted weeks." for i in range(12))
    (docs / "one_page.txt").write_text(
        "Veltramide for cluster headache\n\nEarly results\n\nIn a randomized trial of 90 adults, veltramide reduced "
        f"cluster headache attacks by 40% compared with placebo. {filler}\n\nLater results\n\nIn a second randomized "
        "trial of 400 adults, veltramide did not reduce cluster headache attacks compared with placebo.\n"
    )
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


def test_one_page_that_reports_a_benefit_and_none_is_no_disagreement_between_sources(disagreeing):
    """Two passages of one page on each side read "sources disagree" beside "single source"."""
    result = ask(disagreeing, "Does veltramide reduce cluster headache attacks?")
    cited = {p.source.doc_id for p in result.passages if p.rank in result.answer.citations}
    assert cited == {"one_page"}, cited
    assert len(result.answer.citations) >= 2  # both sections quoted
    assert "sources_disagree" not in {c.code for c in result.caveats}


def test_a_question_about_a_named_study_is_answered_from_that_study(engine):
    # Short and generic, this question is far in meaning from the table row that answers it: the no-answer
    # rule's cosine alone flags it. The cited study being in a top passage is what covers it.
    result = ask(engine, "What did Study B find?")
    assert not result.no_answer
    # The study table's lines are sentences of their own, so the table is quoted whole, Study B's line in it.
    assert "Study B Neuroprotective effects observed in clinical trials." in result.answer.sentences[0].text


def test_cited_study_keys_ignore_case_and_punctuation():
    from rag.caveats.citations import cited_keys, holds_cited

    keys = cited_keys("What did Smith et al. 2021 find?")
    assert keys == ("smith 2021",)
    assert holds_cited("Smith et al. (2021) 200 MS patients", keys)
    assert not holds_cited("Smithson et al. (2021) 80 patients", keys) and not holds_cited("anything", [])
    assert not holds_cited("Smith et al. (2020) reported this in 2021", keys)


def test_a_study_named_by_author_and_year_alone_is_found_in_full():
    """"the Johnson 2022 study" names the row "Johnson et al. (2022) 150 patients"; a loose "March 2022" finds only
    a citation by that name, never the month."""
    from rag.caveats.citations import cited_keys, holds_cited

    keys = cited_keys("How many patients were in the Johnson 2022 study and what improved?")
    assert "johnson 2022" in keys
    assert holds_cited("Johnson et al. (2022) 150 patients Improved quality of life scores", keys)
    assert holds_cited("Johnson and Lee (2022) found fewer relapses", keys)
    assert not holds_cited("Johnson et al. (2021) 150 patients", keys)
    assert not holds_cited("In March 2022 the trial enrolled 150 patients", cited_keys("What happened in March 2022?"))
    assert holds_cited("as Study B showed", cited_keys("What did Study B find?"))
    # Only an author-year citation is cut to its first author: other forms, and other authors, stay apart.
    assert not holds_cited("a 2023 Oxford study found this", cited_keys("What did a 2023 Harvard study find?"))
    assert holds_cited("a 2023 Harvard study found this", cited_keys("What did a 2023 Harvard study find?"))
    assert not holds_cited("O'Neil et al. (2020) saw it", cited_keys("What did O'Brien et al. 2020 see?"))
    assert holds_cited("O'Brien and Lee (2020) saw it", cited_keys("What did O'Brien et al. 2020 see?"))
    assert not holds_cited("Smith et al. (2020) saw it", cited_keys("What did Smith-Jones et al. 2020 see?"))
    assert not holds_cited("Jones et al. (2021) saw it", cited_keys("What did Smith and Jones (2021) see?"))
    assert holds_cited("Johnson et al. (2022) 150 patients", cited_keys("What did Johnson's 2022 study find?"))


def test_the_johnson_2022_question_is_answered_from_its_row(engine):
    """Far in meaning from the table row that answers it (cosine ~0.34), the question names the study the row
    holds, so it is covered, and the row is in the answer."""
    from rag.results import Question

    result = engine.query(Question("How many patients were in the Johnson 2022 study and what improved?"))
    assert not result.no_answer
    assert "Johnson et al. (2022) 150 patients" in result.answer.text


# --- what each seed answer is made of -----------------------------------------------------------------------------

SAFE_WITH_OPIOIDS = "Is it safe to take naltrexone if I'm on oxycodone for pain?"
OPIOID_WARNING = "LDN cannot be taken if you are currently using opioid-based medications"


def seed_questions() -> list[dict]:
    from benchmarks.seed_questions import all_questions

    return all_questions()


@pytest.fixture(scope="module")
def seed_answers(engine):
    return [(q, ask(engine, q["question"])) for q in seed_questions()]


def test_every_quoted_sentence_is_exactly_where_it_says_in_its_cited_passage(engine, seed_answers):
    checked = 0
    for q, result in [*seed_answers, ({"question": SAFE_WITH_OPIOIDS}, ask(engine, SAFE_WITH_OPIOIDS))]:
        if result.answer is None:
            continue
        passages = {p.rank: p for p in result.passages}
        for quote in result.answer.sentences + result.answer.safety:
            passage = passages[quote.citation]
            assert quote.doc_id == passage.source.doc_id
            assert engine.index.documents[quote.doc_id].text[quote.start : quote.end] == quote.text
            assert passage.source.start <= quote.start and quote.end <= passage.source.end, q["question"]
            assert quote.text in passage.text
            checked += 1
        assert result.answer.text == " ".join(f"{s.text} [{s.citation}]" for s in result.answer.sentences)
    assert checked > 100


def test_the_answering_sentence_leads_when_retrieval_shows_it(seed_answers):
    """Of the seed questions that are answered and whose answering sentence is in a shown passage, the answer
    puts it among its first two for 0.9 of them on this machine (benchmarks/train_answer.py reports the
    cross-validated figure); asserted at 0.8, so a near tie that another CPU's int8 kernel flips cannot fail it.
    Questions refused by the no-answer rule or whose sentence retrieval did not show are the retrieval's
    (issue 26), not the writer's: they are counted, not graded here."""
    from benchmarks.seed_questions import answer_position, answers_it

    graded = [(q, r) for q, r in seed_answers if q.get("answer")]
    reachable = [
        (q, r)
        for q, r in graded
        if not r.no_answer
        and any(
            answers_it(line, q["answer"]) or q["answer"] in p.text for p in r.passages for line in p.text.splitlines()
        )
    ]
    leading = [
        q["id"] for q, r in reachable if (answer_position([s.text for s in r.answer.sentences], q["answer"]) or 99) <= 2
    ]
    missed = sorted({q["id"] for q, _ in reachable} - set(leading))
    assert len(graded) >= 40 and len(reachable) >= 0.75 * len(graded)
    assert len(leading) >= 0.8 * len(reachable), missed


RESIDUE = re.compile(
    r"\b(?:you highlighted|your highlighted|as you (?:mentioned|noted)|would you like|let me know|"
    r"i hope this helps|feel free|gemini|chatgpt)\b",
    re.IGNORECASE,
)


def test_no_seed_answer_holds_chatbot_residue_a_heading_a_question_or_another_treatments_table_row(
    engine, seed_answers
):
    for q, result in seed_answers:
        if result.answer is None:
            continue
        for quote in result.answer.sentences:
            text = quote.text
            assert not RESIDUE.search(text), (q["question"], text)
            assert not text.rstrip().endswith("?"), (q["question"], text)
            document = engine.index.documents[quote.doc_id].text
            line_start = document.rfind("\n", 0, quote.start) + 1
            line_end = document.find("\n", quote.end)
            whole_line = document[line_start : line_end if line_end >= 0 else len(document)].strip() == text
            # A heading: a short line of its own with no sentence end (a table row holds figures).
            assert not (whole_line and len(text.split()) <= 8 and not re.search(r"[.!?]$|\d", text)), (
                q["question"],
                text,
            )
            if whole_line and not re.search(r"[.!?)\"”]$", text) and "\n" not in text:  # a table row
                assert quote.doc_id == q["doc"], (q["question"], text)


def test_a_list_is_quoted_whole_with_its_lead_in():
    from rag.answer.candidates import Kind, passage_units

    passage = (
        "Metformin may help people with MS in several ways. Observations suggest it may help in the following "
        "ways:\n• Lowering inflammation in the nervous system\n• Protecting nerve cells from damage\n• "
        "Improving energy use in cells\n\nMore research is needed."
    )
    units = passage_units(passage)
    listed = [u for u in units if u.kind is Kind.LIST]
    assert len(listed) == 1
    assert listed[0].text.startswith("Observations suggest") and listed[0].text.endswith("energy use in cells")
    assert passage[listed[0].start : listed[0].end] == listed[0].text
    assert not any(u.kind is not Kind.LIST and "Protecting nerve cells" in u.text for u in units)


def test_bulleted_headings_over_bulleted_paragraphs_are_headings_and_sentences_not_one_list():
    """Some pages bullet their section titles and their paragraphs alike: such a run is no list. Its titles are
    headings (never quoted), its paragraphs sentences, so an answer quotes the sentence that answers, not a block
    that runs over two sections; a plain list of short items stays one unit."""
    from rag.answer.candidates import Drop, Kind, passage_units

    passage = (
        "- Fewer Flares Over Time\n"
        "- Patients in two small trials had fewer flares. The effect lasted a year in most of them.\n"
        "- Lower Infection Risk\n"
        "- Donor cells are rarely rejected because they carry few surface markers.\n"
        "Common complaints:\n- Fever\n- Rash\n- Joint pain"
    )
    units = passage_units(passage)
    assert [u.text for u in units if u.drop is Drop.HEADING] == ["Fewer Flares Over Time", "Lower Infection Risk"]
    sentences = [u.text for u in units if u.kind is Kind.SENTENCE and u.drop is None]
    assert "Donor cells are rarely rejected because they carry few surface markers." in sentences
    assert "The effect lasted a year in most of them." in sentences
    assert [u.text for u in units if u.kind is Kind.LIST] == ["Common complaints:\n- Fever\n- Rash\n- Joint pain"]
    # a list's capitalised item over a short one is still an item
    listed = passage_units("Common side effects:\n- Nausea and Vomiting\n- Diarrhea.\n- Headache.")
    assert [u.kind for u in listed] == [Kind.LIST] and listed[0].drop is None
    assert all(passage[u.start:u.end] == u.text for u in units)


def test_lines_under_a_column_header_are_table_rows_about_their_label():
    from rag.answer.candidates import Drop, Kind, passage_units, row_label

    passage = (
        "Patients should weigh the following:\nAspect Importance\nDosage Adjustments Ensures effectiveness while "
        "minimizing side effects.\nMonitoring Regular follow-ups to assess benefits and side effects.\n\n"
        "Q: Can anyone take it?\n\nA: Not necessarily.\n"
    )
    units = passage_units(passage)
    rows = [u for u in units if u.kind is Kind.ROW]
    assert [row_label(u.text) for u in rows] == ["Dosage Adjustments", "Monitoring"]
    assert all(passage[u.start : u.end] == u.text for u in units)
    assert next(u for u in units if u.text == "Aspect Importance").drop is Drop.HEADING
    assert next(u for u in units if "Not necessarily" in u.text).drop is Drop.FRAGMENT
    assert row_label("Side Effects GI disturbances, vitamin B12 deficiency") == "Side Effects"
    assert row_label("Reduced Fatigue 78%") == "Reduced Fatigue"
    assert row_label("Side Effects: nausea and vivid dreams") == "Side Effects"
    assert row_label("Crohn’s Disease Often mild") == "Crohn’s Disease"
    assert row_label("") == "" and row_label("often mild") == ""


def test_a_table_of_cells_is_rows_each_read_with_the_tables_caption_and_header():
    from rag.answer.candidates import Drop, Kind, passage_units
    from rag.answer.extractive import gather
    from rag.answer.writer import AnswerPassage
    from rag.settings import Settings

    # Rows with no figures and no sentence end ("Cost Cheap generic …") were taken for headings and dropped; a
    # header with a joining word ("Share of Respondents") was not seen as one.
    passage = (
        "Readers taking vitamin K2 answered a short poll, with these results:\n\nChange Share of Respondents\n"
        "Less Joint Pain 41%\nBetter Sleep 33%\n\nA side-by-side look at the two blood thinners:\n\n"
        "Aspect Warfarin Apixaban\nCost Cheap and sold as a generic Costly brand\nLong-Term Use Regular blood "
        "tests needed No routine monitoring\n\nOverview of Treatment\nWarfarin Use in Practice\nPossible Risks for "
        "Patients\n\nTreatment Options\nDoctors choose between them case by case.\n"
    )
    units = passage_units(passage)
    rows = {u.text: u for u in units if u.kind is Kind.ROW}
    # (A run of titles under a title, "Overview of Treatment" / "Warfarin Use in Practice", is no table.)
    assert list(rows) == ["Less Joint Pain 41%", "Better Sleep 33%", "Cost Cheap and sold as a generic Costly brand",
                          "Long-Term Use Regular blood tests needed No routine monitoring"]
    assert all(passage[u.start : u.end] == u.text for u in units)
    assert rows["Better Sleep 33%"].context.startswith("Readers taking vitamin K2")
    assert rows["Better Sleep 33%"].context.endswith("Change Share of Respondents")
    assert rows["Cost Cheap and sold as a generic Costly brand"].context.endswith("Aspect Warfarin Apixaban")
    assert next(u for u in units if u.text == "Treatment Options").drop is Drop.HEADING  # a heading over its text
    # The row names what was asked only through its caption ("vitamin K2" is not in "Better Sleep 33%").
    answer = AnswerPassage(1, "d", passage, [], 0.8)
    candidates, _, _ = gather("Did vitamin K2 help people sleep better?", [answer],
                              {"vitamin": 1.0, "k2": 1.0, "sleep": 1.0}, Settings())
    texts = [c.text for c in candidates]
    assert "Better Sleep 33%" in texts
    assert not any(t.startswith(("Cost", "Long-Term")) for t in texts)  # the other table is not about vitamin K2


def test_a_unit_that_points_back_is_quoted_after_the_unit_it_points_to():
    """"Which enzyme does metformin act on?" opened with "This enzyme plays a crucial role…" (it holds "enzyme"),
    and the sentence naming AMPK came sixth."""
    from rag.settings import Settings

    passages = [
        AnswerPassage(1, "m", "Metformin is an old diabetes drug now studied in MS by several groups of neurologists. "
                      "Metformin works through AMP-activated protein kinase (AMPK) inside many kinds of cells. "
                      "This enzyme plays a crucial role in the energy balance of cells and in their repair.", [], 0.8),
        AnswerPassage(2, "m", "Metformin lowered relapse rates in one trial of patients with MS over two years.", [],
                      0.7, 500),
    ]
    said = [q.text for q in compose_answer("Which enzyme does metformin act on?", passages,
                                           {"enzy": 4.0, "metform": 1.1}, Settings()).sentences]
    enzyme = next(i for i, text in enumerate(said) if text.startswith("This enzyme"))
    assert enzyme > 0 and said[enzyme - 1].startswith("Metformin works through AMP-activated"), said
    # what only looks like pointing back
    from rag.answer.features import refers_back

    assert refers_back("In MS, these cells are damaged.") and refers_back("They found a benefit.")
    for text in ("Autoimmune diseases, such as lupus, can flare.", "That said, LDN is cheap.",
                 "It is important to note that LDN is off-label.", "Those who took it improved."):
        assert not refers_back(text), text


def test_a_link_in_brackets_after_a_sentence_is_not_quoted_with_it():
    """The LDN page's "…improved quality of life. (https://multiplesclerosis.net/treatment)" was quoted with its
    address; the answer cites the passage, and the quote still sits exactly where it says."""
    from rag.answer.candidates import passage_units

    passage = ("Low-dose naltrexone is usually taken at night by people with MS. In some studies, LDN reduced "
               "muscle spasticity and fatigue. (https://example.org/ms-treatment)\n"
               "A link inside a sentence (https://example.org/x) stays where the sentence puts it.")
    units = passage_units(passage)
    assert [u.text for u in units] == [
        "Low-dose naltrexone is usually taken at night by people with MS.",
        "In some studies, LDN reduced muscle spasticity and fatigue.",
        "A link inside a sentence (https://example.org/x) stays where the sentence puts it."]
    assert all(passage[u.start:u.end] == u.text for u in units)


def test_an_exclamation_is_no_answer_unless_it_warns():
    from rag.answer.candidates import Drop, passage_units
    from rag.answer.extractive import gather
    from rag.answer.writer import AnswerPassage
    from rag.settings import Settings

    text = ("Metformin may lower relapse rates in MS. Yes, you read that correctly! Never take metformin with "
            "heavy drinking!")
    assert [u.drop for u in passage_units(text)] == [None, Drop.EXCLAMATION, Drop.EXCLAMATION]
    passage = AnswerPassage(1, "d", text, ["Never take metformin with heavy drinking!"], 0.8)
    candidates, _, _ = gather("Does metformin lower relapses?", [passage], {"metf": 1.0, "relap": 1.0}, Settings())
    assert [(c.text, c.warns) for c in candidates] == [("Metformin may lower relapse rates in MS.", False),
                                                       ("Never take metformin with heavy drinking!", True)]


def test_a_paragraph_wrapped_under_a_heading_is_not_a_table():
    from rag.answer.candidates import Kind, passage_units

    passage = (
        "Intro sentence here.\n\nSide Effects\nLow dose naltrexone blocks opioid receptors briefly,\nwhich leads "
        "to a rebound in endorphins.\nMost people notice nothing at all.\n"
    )
    assert not any(u.kind is Kind.ROW for u in passage_units(passage))


def test_a_row_labelled_only_by_its_study_still_answers_by_its_words():
    from rag.answer.extractive import _row_answers

    weights = {"fatig": 1.0, "metf": 1.0}
    row = "Study A Patients on Metformin reported reduced fatigue levels. Improved quality of life."
    assert _row_answers(row, weights, row, ())
    gloss = "Monitoring Regular follow-ups to assess fatigue and metformin levels."
    assert not _row_answers(gloss, weights, gloss, ())


def test_a_row_whose_label_names_the_kind_of_thing_asked_answers():
    """"Can metformin cause a vitamin deficiency?" asks for a side effect: the "Side Effects" row answers it, while
    a vitamin D question (one word held) and a dose question (label of another kind) do not get it."""
    from rag.answer.extractive import _row_answers
    from rag.answer.features import question_needs

    row = "Side Effects GI disturbances, vitamin B12 deficiency Varied, often more severe"
    needs = question_needs("Can metformin cause a vitamin deficiency?")
    assert _row_answers(row, {"vitam": 1.0, "defici": 1.0}, row, (), needs)
    assert not _row_answers(row, {"vitam": 1.0, "defici": 1.0}, row, (), question_needs("What dose is used?"))
    assert not _row_answers(row, {"vitam": 1.0, "ms": 1.0}, row, (), question_needs("Can vitamin D help MS?"))


def test_a_row_holding_the_questions_rare_word_answers_it():
    """A word few passages hold names what a row is about wherever it sits; a common word must be in the label,
    and a word the question qualifies ("vitamin D") names no row of another ("vitamin B12")."""
    from rag.answer.extractive import RARE_WORD_WEIGHT, _row_answers, rare_word

    row = "Side Effects GI disturbances, vitamin B12 deficiency Varied, often more severe"
    weights = {"metform": 1.2, "b12": RARE_WORD_WEIGHT + 0.1}
    assert rare_word("metformin b12", weights) == "b12"
    assert _row_answers(row, weights, f"{row} Metformin", (), rare=rare_word("metformin b12", weights))
    assert rare_word("metformin b12", {**weights, "b12": RARE_WORD_WEIGHT - 0.1}) is None  # not rare enough
    assert rare_word("vitamin d ms", {"vitam": RARE_WORD_WEIGHT + 1, "ms": 0.5}) is None  # qualified
    assert not _row_answers(row, {"vitam": RARE_WORD_WEIGHT + 1, "ms": 0.5}, f"{row} MS", ())
    monitoring = "Monitoring Regular follow-ups to assess benefits and side effects."
    assert not _row_answers(monitoring, {"metform": 1.2, "side": 1.5}, f"{monitoring} Metformin", ())


def test_only_a_short_questions_rare_word_makes_it_a_question_about_the_warning_that_holds_it():
    from rag.answer.cues import Need
    from rag.answer.extractive import POINTED_WORDS, RARE_WORD_WEIGHT, _asked_by_rare_word

    texts = ["Side Effects GI disturbances, vitamin B12 deficiency", "Metformin is a diabetes drug."]
    short = {"metform": 1.2, "b12": RARE_WORD_WEIGHT + 1}
    assert _asked_by_rare_word(short, texts, [True, False], "b12") == {Need.SAFETY}
    assert not _asked_by_rare_word(short, texts, [False, False], "b12")  # held by a sentence that warns of nothing
    assert not _asked_by_rare_word(short, texts, [True, False], None)  # no rare word
    message = {**short, **{f"word{i}": 1.0 for i in range(POINTED_WORDS)}}
    assert not _asked_by_rare_word(message, texts, [True, False], "b12")  # a long message's word may be in passing


def test_a_qualified_name_is_not_answered_by_a_warning_about_another_and_people_are_no_treatment(engine):
    """"vitamin d ms" opened with the metformin table's vitamin B12 row (its rarest word, "vitamin"); "What can my
    husband do to support me with MS?" read "husband" as a treatment no passage names, and was refused."""
    result = ask(engine, "vitamin d ms")
    said = [q.text for q in result.answer.sentences] if result.answer else []
    assert not any("B12" in text for text in said[:1]), said
    assert ask(engine, "What can my husband do to support me with MS?").answer is not None


def test_a_search_box_question_whose_rare_word_only_a_warning_holds_is_answered_by_that_warning(engine):
    """"B12 metformin": the one passage naming B12 is the metformin table's side-effects row, a warning; it is
    what was asked, so it opens the answer rather than waiting in the callout."""
    result = ask(engine, "B12 and metformin")
    assert result.answer is not None
    assert "B12" in result.answer.sentences[0].text, [q.text for q in result.answer.sentences]


@pytest.mark.parametrize("question", ["metformin dose?", "What dose of metformin should I take for MS?"])
def test_a_dose_question_is_answered_from_the_page_it_names(engine, question):
    """"metformin dose?" was answered from the LDN page (its dose sentences match "dose"), and then by a survey's
    "Reduced Fatigue 78%" row: the page named is read, and a dose question takes rows that give a dose. The
    sentence form did the same (a helper's question, 2026-12-08): "At 50 mg, your body never gets that brief
    window…" under a question about metformin."""
    said = [q.text for q in ask(engine, question).answer.sentences]
    assert said and not any(re.search(r"naltrexone|\bLDN\b|50 mg|rebound", text, re.IGNORECASE) for text in said), said
    assert any("dosing" in text for text in said[:2]), said


def test_a_misspelt_search_box_question_weighs_its_words_as_the_passages_spell_them(engine):
    """"metfromin side efects": neither misspelt word weighed anything, so the side-effects row (which needs two
    of the question's words) was no candidate and a list of things to discuss led."""
    said = [q.text for q in ask(engine, "metfromin side efects").answer.sentences]
    assert said[0].startswith("Side Effects GI disturbances"), said


def test_a_search_box_query_of_two_names_one_passage_holds_is_answered_by_it(engine):
    """"bdnf fingolimod" is far in meaning from every passage (the no-answer score refused it), yet one passage of
    the remyelination page holds both names."""
    result = ask(engine, "bdnf fingolimod")
    assert result.answer is not None
    assert any("fingolimod" in q.text for q in result.answer.sentences[:2]), [q.text for q in result.answer.sentences]


def test_a_side_effects_question_is_not_answered_by_a_row_that_mentions_side_effects_in_passing(engine):
    """The metformin page's "Aspect / Importance" table names side effects in its Dosage and Monitoring rows;
    its "Side Effects" row is the one about them."""
    result = ask(engine, "What are the side effects of metformin for MS?")
    quoted = [q.text for q in result.answer.sentences + result.answer.safety]
    assert any(text.startswith("Side Effects GI disturbances") for text in quoted), quoted
    assert not any(text.startswith(("Dosage Adjustments", "Monitoring Regular")) for text in quoted), quoted
    assert not any(re.fullmatch(r"(?:A:\s*)?Not necessarily\W*", text) for text in quoted), quoted


def test_no_seed_answer_cuts_a_list_after_its_lead_in(engine, seed_answers):
    for q, result in seed_answers:
        for quote in result.answer.sentences if result.answer else []:
            assert not quote.text.rstrip().endswith(":"), (q["question"], quote.text)


def test_after_its_lead_the_answer_reads_each_passage_in_its_own_order(engine, seed_answers):
    """Experts quote answers as blocks: past the best units, the answer goes on through a passage in the order the
    passage has it, one passage after another (a passage is never left and come back to)."""
    lead = engine.settings.answer_lead
    read = leads = 0
    for q, result in seed_answers:
        if result.answer is None:
            continue
        # A safety question opens with its warnings, as many as there are; any other with `answer_lead` units, and
        # what leads them (a unit that points back, after the unit it points to; a short question's rare word)
        opening = result.answer.opening
        assert opening >= sum(1 for s in result.answer.sentences if s in result.answer.safety), q["question"]
        assert opening <= len(result.answer.sentences)
        leads += opening >= lead
        rest = result.answer.sentences[opening:]
        runs = [rest[0].citation] if rest else []
        for before, after in pairwise(rest):
            if after.citation == before.citation:
                assert after.start > before.start, (q["question"], before.text, after.text)
            else:
                assert after.citation not in runs, q["question"]
                runs.append(after.citation)
        read += len(rest)
    assert read > 100 and leads > 30


def test_the_passage_ranker_orders_passages_and_without_weights_keeps_retrieval_order():
    from rag.answer.blocks import NAMES, reading_order
    from rag.answer.extractive import gather
    from rag.settings import Settings

    passages = [
        AnswerPassage(1, "a", "Metformin is a diabetes drug now studied for relapses. It is taken by mouth.", [], 0.8),
        AnswerPassage(2, "b", "In MS trials metformin lowered relapses. Relapses fell by a third on metformin.", [],
                      0.79),
    ]
    weights = {"metf": 1.0, "relap": 2.0}
    candidates, _, _ = gather("Does metformin lower MS relapses?", passages, weights, Settings())
    logits = np.zeros(len(candidates))
    unweighted = [candidates[i].citation for i in reading_order(candidates, logits, np.zeros(len(NAMES)))]
    assert unweighted == sorted(unweighted) and set(unweighted) == {1, 2}
    by_cover = np.zeros(len(NAMES))
    by_cover[NAMES.index("cover_mean")] = 1.0  # every sentence of the second passage holds the question's words
    ranked = [candidates[i] for i in reading_order(candidates, logits, by_cover)]
    assert [c.citation for c in ranked][:2] == [2, 2] and ranked[0].unit.order < ranked[1].unit.order


def test_selector_weights_round_trip_and_an_old_file_without_a_passage_ranker_still_loads():
    from rag.answer.selector import Selector, default_selector

    shipped = default_selector()
    assert shipped.passage_weights.any(), "the shipped weights file holds the passage ranker"
    again = Selector.from_dict(shipped.to_dict())
    assert np.allclose(again.weights, shipped.weights, atol=1e-4)
    assert np.allclose(again.passage_weights, shipped.passage_weights, atol=1e-4)
    old = Selector.from_dict({"weights": {"bias": -1.0, "focus": 2.0, "gone": 5.0}, "keep": 0.1})
    assert not old.passage_weights.any() and old.weights.sum() == 1.0


def test_warnings_about_what_was_asked_go_apart_and_lead_only_a_safety_question(engine):
    safety_question = ask(engine, SAFE_WITH_OPIOIDS)
    assert any(OPIOID_WARNING in s.text for s in safety_question.answer.safety)
    assert OPIOID_WARNING in safety_question.answer.sentences[0].text
    # Questions about results, whose shown passages hold the warning: it is shown apart, never as their answer's lead.
    for question in ("What did the MyMSTeam community report about LDN?", "Is LDN a disease modifying drug?"):
        result = ask(engine, question)
        assert any(OPIOID_WARNING in s.text for s in result.answer.safety), question
        assert OPIOID_WARNING not in result.answer.sentences[0].text, question
    other = ask(engine, "Can metformin lower relapse rates in MS?")
    assert not any("LDN" in s.text or "opioid" in s.text for s in other.answer.safety)


def test_a_person_on_another_drug_asking_to_add_one_asks_about_safety(engine):
    """"I take tramadol…, can I also start LDN?" names no risk word, yet asks whether two drugs go together: the
    warning leads, though the seeds never say that tramadol is an opioid."""
    result = ask(engine, "I take tramadol for back pain, can I also start LDN?")
    assert OPIOID_WARNING in result.answer.sentences[0].text
    # whether it is all right to start is the same ask
    result = ask(engine, "I am on codeine after my surgery - is it okay to start low dose naltrexone?")
    assert OPIOID_WARNING in result.answer.sentences[0].text
    # and the other way round: the treatment first, what the person is on after it
    result = ask(engine, "Could I start low dose naltrexone while I'm taking morphine?")
    assert OPIOID_WARNING in result.answer.sentences[0].text
    result = ask(engine, "Can I take LDN if I’m on oxycodone?")  # a phone's apostrophe
    assert OPIOID_WARNING in result.answer.sentences[0].text
    from rag.answer.cues import Need
    from rag.answer.features import question_needs

    assert Need.SAFETY not in question_needs("Can I take LDN if I have MS?")  # a condition, not a drug
    assert Need.SAFETY not in question_needs("Can I take LDN if I'm taking it at night?")  # when, not with what


def test_a_compound_named_on_one_page_is_answered_from_that_page(engine):
    """"Has clemastine shown any results in MS?": only the remyelination page names clemastine, so the answer quotes
    that page, not the metformin page's results that sit closer to "shown any results in MS" in meaning."""
    for question in ("Has clemastine shown any results in MS?", "Has research shown clemastine works in MS?"):
        result = ask(engine, question)
        assert "clemastine fumarate" in result.answer.sentences[0].text, question
        assert all(engine.index.documents[s.doc_id].text.count("clemastine") for s in result.answer.sentences)


def test_a_question_about_a_harm_is_answered_by_the_warning_that_names_it(engine):
    """"Can metformin cause a vitamin deficiency?" asks about a side effect: the row that names it is a warning, and
    for a side-effects question the warnings are the answer, so it leads."""
    result = ask(engine, "Can metformin cause a vitamin deficiency?")
    assert "vitamin B12 deficiency" in result.answer.sentences[0].text


def test_the_low_dose_naltrexone_fatigue_question_is_answered_by_the_studies_sentence(engine):
    result = ask(engine, "Can low dose naltrexone help MS fatigue?")
    first_two = " ".join(s.text for s in result.answer.sentences[:2])
    assert "LDN reduced muscle spasticity, reduced fatigue" in first_two
    assert not any(s.text == "At a 1.5 mg to 4.5 mg dose (Low Dose)" for s in result.answer.sentences)


def test_evidence_at_a_glance_counts_the_cited_passages(engine):
    result = ask(engine, "Does metformin help multiple sclerosis?")
    evidence = result.answer.evidence
    cited = [p for p in result.passages if p.rank in result.answer.citations]
    assert sum(evidence.levels.values()) == len(cited)
    assert evidence.documents == len({p.source.doc_id for p in cited})
    assert evidence.strongest_level in evidence.levels


def test_the_api_and_the_stream_carry_sentences_safety_and_evidence(client):
    body = {"question": SAFE_WITH_OPIOIDS}
    plain = client.post("/api/v1/query", json=body).json()["answer"]
    assert plain["sentences"] and plain["safety"] and plain["evidence"]["strongest_level"]
    assert set(plain["sentences"][0]) == {"text", "citation", "doc_id", "start", "end"}
    with client.stream("POST", "/api/v1/query/stream", json=body) as response:
        text = "".join(response.iter_text())
    events = {}
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            events[fields["event"]] = fields.get("data")
    streamed = json.loads(events["answer"])["answer"]
    assert streamed["sentences"] == plain["sentences"] and streamed["safety"] == plain["safety"]
    assert streamed["evidence"] == plain["evidence"]


def test_abbreviations_the_document_defines_count_as_their_long_form():
    from rag.abbreviations import definitions, expand

    text = (
        "Low-dose naltrexone (LDN) is used off label. Oligodendrocyte precursor cells (OPCs) make myelin. "
        "Patients (n=20) took it. Systemic Lupus Erythematosus (SLE) is autoimmune."
    )
    defined = dict(definitions(text))
    assert defined == {
        "LDN": "Low-dose naltrexone",
        "OPCs": "Oligodendrocyte precursor cells",
        "SLE": "Systemic Lupus Erythematosus",
    }
    assert "naltrexone" in expand("In some studies, LDN reduced fatigue.", definitions(text))
    # Schwartz & Hearst: a letter may sit inside a word ("-derived" adds none), and a short form is found in
    # either number; a long form does not open with a function word.
    stem_cells = dict(definitions("It uses umbilical cord-derived mesenchymal stem cells (UC-MSCs) from donors. "
                                  "They raise the growth of regulatory T cells (Tregs) in the blood."))
    assert stem_cells == {"UC-MSCs": "umbilical cord-derived mesenchymal stem cells"}
    assert expand("UC-MSC therapy", tuple(stem_cells.items())).endswith("umbilical cord-derived mesenchymal stem cells")
    assert expand("Nothing defined here.", definitions(text)) == "Nothing defined here."
    assert coverage({"naltrexo": 1.0, "fatig": 1.0}, expand("LDN reduced fatigue.", definitions(text))) == 1.0


def test_a_passage_is_encoded_with_its_abbreviations_spelled_out():
    """The encoder reads "UC-MSC therapy in SLE" with the long forms its page defines, once each, and a passage that
    spells them out already is read as it is."""
    from rag.abbreviations import definitions, spelled_out

    defined = definitions("Umbilical cord-derived mesenchymal stem cells (UC-MSCs) may help Systemic Lupus "
                          "Erythematosus (SLE).")
    assert spelled_out("UC-MSC therapy in SLE; UC-MSCs again.", defined) == (
        "UC-MSC therapy in SLE; UC-MSCs again. (Umbilical cord-derived mesenchymal stem cells; Systemic Lupus "
        "Erythematosus)")
    assert spelled_out("Systemic Lupus Erythematosus (SLE) is autoimmune.", defined) == (
        "Systemic Lupus Erythematosus (SLE) is autoimmune.")
    assert spelled_out("No abbreviation here.", ()) == "No abbreviation here."


def test_a_question_is_encoded_with_the_collections_abbreviations_read_in_place(engine):
    """"what are OPCs?" was refused (best cosine 0.13; 0.44 read as "oligodendrocyte precursor cells (OPCs)"). An
    abbreviation most passages use is the collection's topic and stays as typed: "(multiple sclerosis)" pulled
    "Has clemastine shown any results in MS?" towards every MS page and its clemastine passage out of the top five."""
    from rag.abbreviations import question_for_encoder

    share = engine.settings.topic_max_share
    assert question_for_encoder(engine.index, "what are OPCs?", share) == (
        "what are oligodendrocyte precursor cells (OPCs)?")
    assert question_for_encoder(engine.index, "Has clemastine shown any results in MS?", share) == (
        "Has clemastine shown any results in MS?")
    # spelled out already: left as typed
    asked = "Are oligodendrocyte precursor cells (OPCs) in lesions?"
    assert question_for_encoder(engine.index, asked, share) == asked
    # an abbreviation alone is read too; a message typed in capitals is not
    assert question_for_encoder(engine.index, "OPC", share) == "oligodendrocyte precursor cells (OPC)"
    shouted = "WHAT ARE OPCS AND LDN FOR MS"
    assert question_for_encoder(engine.index, shouted, share) == shouted
    # a run of hyphenated parts is read in time linear in its length (it took 1.7 s at 2,000 characters)
    run = "A" + "-b" * 20_000
    assert question_for_encoder(engine.index, run, share) == run
    for question in ("what are OPCs?", "MSCs are multipotent - what does that mean?"):
        result = ask(engine, question)
        assert result.answer is not None and not result.no_answer, question


def test_a_rare_common_word_points_at_nothing(engine):
    """"first" is rare on five pages: "What was naltrexone first approved for?" quoted the metformin page's "our
    first thought" second."""
    said = [q.text for q in ask(engine, "What was naltrexone first approved for?").answer.sentences]
    assert not any("first thought" in text for text in said), said


def test_a_short_question_pointed_at_a_rare_word_hears_from_the_unit_that_holds_it_early():
    """"LDN microglia": the one sentence on microglia sat in a passage far in meaning from the question (so only its
    warnings were read), and the LDN sentences the selector preferred filled the answer."""
    from rag.answer.extractive import RARE_WORD_WEIGHT
    from rag.settings import Settings

    near = [AnswerPassage(i, "ldn", f"LDN is taken at night by many people with MS, note {i} of several.", [],
                          0.7 - i / 100, 100 * i) for i in range(1, 5)]
    far = AnswerPassage(5, "ldn", "Endorphins rise at night. LDN also calms overactive immune cells (microglia) in "
                        "the brain.", [], 0.3, 900)
    weights = {"ldn": 2.4, "microgl": RARE_WORD_WEIGHT + 1}
    answer = compose_answer("LDN microglia", [*near, far], weights, Settings())
    said = [q.text for q in answer.sentences]
    assert any("microglia" in text for text in said[:2]), said


def test_a_passage_written_in_abbreviations_is_found_by_the_words_they_stand_for(engine):
    """The lupus page's trial passage says only "UC-MSC therapy in SLE": encoded with the long forms, it is among
    the five passages shown for "Can stem cells from umbilical cord treat lupus?" (its cosine with the question
    went from 0.28, 14th, to 0.56, 4th; the 6th is 0.49)."""
    result = ask(engine, "Can stem cells from umbilical cord treat lupus?")
    assert any("Promising outcomes for UC-MSC therapy in SLE" in p.text for p in result.passages[:5])


def test_a_warning_naming_nothing_asked_stays_out_of_safety_and_a_warning_alone_still_answers():
    from rag.settings import Settings

    ldn = (
        "Low-dose naltrexone (LDN) is taken at night. The most common complaints with LDN are vivid dreams and "
        "insomnia, which often resolve within a few weeks."
    )
    other = "Do not take fingolimod if you are pregnant, because it can harm the baby."
    abbreviations = (("LDN", "Low-dose naltrexone"),)
    # Shown fifth and far from the question: its warning is read only if it is about what was asked.
    passages = [
        AnswerPassage(1, "ldn", ldn, [], 0.8, 0, abbreviations),
        *(
            AnswerPassage(i, "ldn", f"LDN note {i} is long enough to count here.", [], 0.78, 100 * i, abbreviations)
            for i in (2, 3, 4)
        ),
        AnswerPassage(5, "ldn", "Pregnancy needs care. " + other, [other], 0.2, 900, abbreviations),
    ]
    answer = compose_answer(
        "What are the side effects of low dose naltrexone?",
        passages,
        {"side": 1.0, "effect": 1.0, "low": 1.0, "dose": 1.0, "naltrexo": 2.0},
        Settings(),
    )
    assert not any("fingolimod" in q.text for q in answer.safety + answer.sentences)

    # A long warning sentence whose caveat quotes only the clause around its cue is still a warning; when it is
    # all the passages say on the question, it is the answer as well as the callout.
    warning = (
        "Do not take LDN if you take opioid painkillers, because it blocks them and can bring on sudden "
        "withdrawal, which is dangerous and painful for many people."
    )
    alone = [
        AnswerPassage(
            1,
            "ldn",
            warning,
            ["Do not take LDN if you take opioid painkillers"],
            0.8,
            0,
            (("LDN", "Low-dose naltrexone"),),
        )
    ]
    answer = compose_answer(
        "Does low dose naltrexone help sleep?",
        alone,
        {"low": 1.0, "dose": 1.0, "naltrexo": 2.0, "sleep": 1.0},
        Settings(),
    )
    assert [q.text for q in answer.safety] == [warning] and [q.text for q in answer.sentences] == [warning]


def test_how_much_one_takes_asks_for_a_dose_and_a_price_does_not():
    from rag.answer.cues import Need
    from rag.answer.features import question_needs

    for question in ("How much LDN do people take?", "How much of it should I use?"):
        assert Need.DOSE in question_needs(question), question
    for question in ("How much does it cost to take LDN?", "How much does taking metformin lower blood sugar?"):
        assert Need.DOSE not in question_needs(question), question


def test_a_side_effects_question_leads_with_side_effects_and_keeps_a_contraindication_apart(engine):
    """The issue's "What about side effects?": the common complaints answer it; the opioid contraindication is a
    warning, shown in the callout, not the answer's first sentence."""
    result = ask(engine, "What side effects does low dose naltrexone have?")
    first_two = " ".join(s.text for s in result.answer.sentences[:2])
    assert "vivid dreams, insomnia, and mild stomach upset" in first_two
    assert OPIOID_WARNING not in result.answer.sentences[0].text
    assert any(OPIOID_WARNING in s.text for s in result.answer.safety)
    # Asked with safety in other words, or beside an opioid, the contraindication leads.
    for question in ("Is LDN safe and what are its side effects?",
                     "I take oxycodone. What side effects could LDN cause?"):
        assert OPIOID_WARNING in ask(engine, question).answer.sentences[0].text, question


def test_what_a_question_asks_is_read_from_its_wording_not_its_topic_words():
    from rag.answer.cues import Need
    from rag.answer.features import question_needs, unit_gives
    from rag.retrieval.safety import asks_about_safety

    # "How does it work?" asks how, not whether; "does it raise …" asks whether, wherever it happens.
    assert Need.OUTCOME not in question_needs("How does naltrexone at tiny doses work in the body?")
    assert Need.MECHANISM in question_needs("How does naltrexone at tiny doses work in the body?")
    assert question_needs("does fingolimod raise bdnf in the brain") & {Need.OUTCOME, Need.MECHANISM} == {Need.OUTCOME}
    assert {Need.MECHANISM, Need.OUTCOME} <= question_needs("How does LDN work and does it help fatigue?")
    assert Need.OUTCOME in question_needs("Does LDN stop MS from getting worse?")
    # An allergy drug is a kind of drug; being allergic to one is a safety question.
    assert not asks_about_safety("Is an allergy drug being tested to repair nerve coating in MS?")
    assert asks_about_safety("I am allergic to penicillin, can I take cephalexin?")
    assert asks_about_safety("I have a sulfa allergy, is metformin ok for me?")
    # Side effects alone ask for side effects; with another drug, or safety in other words, they ask about safety.
    assert question_needs("What side effects does low dose naltrexone have?") & {Need.SAFETY, Need.SIDE_EFFECTS} == {
        Need.SIDE_EFFECTS}
    assert question_needs("What side effects do people with MS get on LDN?") & {Need.SAFETY} == set()
    for question in ("Is LDN safe and what are its side effects?", "Side effects of LDN with opioids?",
                     "I take oxycodone. What side effects could LDN cause?"):
        assert {Need.SAFETY, Need.SIDE_EFFECTS} <= question_needs(question), question
    # Typed as people type it, side effects are still asked for; "is it ok to…" asks about safety.
    for question in ("what are the side affects of LDN?", "side efects of metformin?"):
        assert Need.SIDE_EFFECTS in question_needs(question), question
    for question in ("Is it okay to take metformin for years?", "I take sertraline, is it ok to add LDN?"):
        assert Need.SAFETY in question_needs(question) and asks_about_safety(question), question
    assert Need.SAFETY not in question_needs("Is it a good idea to read about LDN?")
    # What a treatment does, however many words name it, asks how it works; what I do about it does not.
    assert Need.MECHANISM in question_needs("what does stem cell therapy for lupus actually do to the immune system?")
    assert Need.MECHANISM not in question_needs("What do I do if I miss a dose?")
    # Stopping or raising a risk is not an outcome ask.
    for question in ("Can I stop taking LDN suddenly?", "Should I stop my MS medication to take metformin?",
                     "Does LDN increase the risk of withdrawal?"):
        assert Need.OUTCOME not in question_needs(question), question
    assert Need.MECHANISM in question_needs("What happens in the brain on low-dose naltrexone?")
    # "Low-dose naltrexone" is a name; "ultra-low doses" and "4.5 mg daily" state a dose.
    assert Need.DOSE not in unit_gives("Low-dose naltrexone (LDN) generates significant interest.")
    assert Need.DOSE in unit_gives("At these ultra-low doses, naltrexone causes a brief blockade.")
    assert Need.DOSE in unit_gives("It is prescribed at a fraction of that amount, typically 1.5 mg to 4.5 mg daily.")


def test_a_treatment_several_pages_name_is_answered_from_the_page_about_the_condition_asked(engine):
    """Stem cells are named by the MS, lupus and depression pages: "Can stem cells help MS?" is answered from the MS
    page only (it was answered from the lupus and depression pages), and the lupus question from the lupus page."""
    from rag.abbreviations import document_definitions, expand

    for question, condition in (("Can stem cells help MS?", r"\bMS\b|[Mm]ultiple [Ss]clerosis"),
                                ("Do studies show that stem cells help lupus?", r"\b[Ll]upus\b")):
        result = ask(engine, question)
        assert result.answer.sentences, question
        for sentence in result.answer.sentences:
            document = engine.index.documents[sentence.doc_id]
            assert re.search(condition, document.title + " " + document.text), (question, sentence.text)
        # in the page's own words: "UC-MSCs" are umbilical cord-derived mesenchymal stem cells
        opening = " ".join(expand(s.text, document_definitions(engine.index, s.doc_id))
                           for s in result.answer.sentences[:2])
        assert "stem cell" in opening.lower(), question


def test_a_follow_up_or_a_treatment_every_page_names_does_not_narrow_the_answer_to_the_condition(engine):
    """The condition narrows only the pages that name a treatment the question itself picks out: "Is it safe for
    people with MS?" after a lupus question is still about stem cells for lupus, and "cell therapy" ("cell", which
    every page names) for diabetes is not answered from the metformin page alone. And a page is not about stem
    cells for diabetes because it names diabetes elsewhere (metformin's, on the MS page)."""
    from rag.retrieval.search import condition_documents

    texts = {"ms": ["Remyelination in MS", "Stem cells may repair myelin.", "Metformin treats diabetes."],
             "lupus": ["Stem cells for lupus", "Stem cells calm the immune system."]}
    stem_cells = [[("stem", 2.0), ("cell", 1.0)]]
    diabetes = [[("diabet", 2.0)]]
    assert condition_documents(texts, {"ms", "lupus"}, stem_cells, [[("ms", 1.0)]]) == ({"ms"}, False)
    # no page names stem cells beside diabetes: all of them stay, and the pairing is one no page speaks of
    assert condition_documents(texts, {"ms", "lupus"}, stem_cells, diabetes) == ({"ms", "lupus"}, True)
    assert condition_documents(texts, None, stem_cells, [[("ms", 1.0)]]) == (None, False)
    assert condition_documents(texts, {"ms", "lupus"}, None, [[("ms", 1.0)]]) == ({"ms", "lupus"}, False)

    history = (("user", "How are stem cells used for lupus?"), ("assistant", "…"))
    result = engine.query(Question("Is it safe for people with MS?", top_k=5, history=history))
    assert all(s.doc_id.startswith("002") for s in result.answer.sentences[:2]), [s.text for s in
                                                                                 result.answer.sentences]


def test_an_answer_says_what_the_question_names_that_its_passages_never_mention(engine):
    """The seeds speak of LDN for MS: asked about fibromyalgia, the answer says none of its passages mention it;
    asked about tiredness (the page says "fatigue") or a misspelt name, it says nothing of the kind."""
    def unmentioned(question):
        result = ask(engine, question)
        return [c.detail for c in result.caveats if c.code == "not_mentioned"]

    flagged = unmentioned("Does low dose naltrexone help fibromyalgia?")
    assert len(flagged) == 1 and "“fibromyalgia”" in flagged[0]
    badge = next(c for c in ask(engine, "Does low dose naltrexone help fibromyalgia?").caveats
                 if c.code == "not_mentioned")
    assert badge.label == "Not in the sources: “fibromyalgia”"  # the badge names what is missing
    for question in ("Can LDN help with tiredness?", "can metfromin help ms?", "Does LDN help MS fatigue?"):
        assert unmentioned(question) == [], question


def test_an_answer_says_when_no_document_speaks_of_the_treatment_for_the_condition_asked(engine):
    """"Does metformin help with lupus?" was answered with six metformin-for-MS sentences and no caveat: the pages
    name metformin and name lupus, never together. Pairs some page does speak of stay unflagged."""
    def badges(question):
        return [c.label for c in ask(engine, question).caveats if c.code == "not_mentioned"]

    assert badges("Does metformin help with lupus?") == ["Not in the sources: “metformin” for “lupus”"]
    assert badges("Does gene therapy work for lupus?") == ["Not in the sources: “gene therapy” for “lupus”"]
    assert badges("Is LDN approved for lupus?") == ["Not in the sources: “LDN” for “lupus”"]  # as typed
    for question in ("Can stem cells help MS?", "Does LDN help MS fatigue?", "Do stem cells help lupus?",
                     "Does LDN help with the immune system in MS?"):
        assert badges(question) == [], question

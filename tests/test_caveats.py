"""Each caveat rule with positive sentences and tricky negatives; seed document profiles."""

import pytest

from rag.caveats.citations import unverifiable
from rag.caveats.profile import add_caveats, classify_designs, evidence_level, find_cues
from rag.index import make_chunker
from rag.ingest import ingest_folder
from tests.conftest import SEEDS

# (snippet, codes that must fire, codes that must not)
CASES = [
    # safety_warning
    ("LDN cannot be taken if you are currently using opioid-based medications.", {"safety_warning"}, set()),
    ("Long-term metformin use can lead to vitamin B12 deficiency.", {"safety_warning"}, set()),
    ("Do not take this supplement with blood thinners.", {"safety_warning"}, set()),
    ("It may interact with other medications you take.", {"safety_warning"}, set()),
    ("Common side effects include nausea and diarrhoea.", {"safety_warning"}, set()),
    ("Stopping suddenly can precipitate opioid withdrawal.", {"safety_warning"}, set()),
    ("The side effects of the new policy were felt by hospitals.", set(), {"safety_warning"}),
    ("Patients walked three miles a day for a month.", set(), {"safety_warning"}),
    # ai_generated
    ("Gemini:\nHere is a summary of what you asked.", {"ai_generated"}, set()),
    ("ChatGPT: Low-dose naltrexone is used off-label.", {"ai_generated"}, set()),
    ("As an AI language model, I cannot give medical advice.", {"ai_generated"}, set()),
    ("Gemini analysis of the paragraph follows.", {"ai_generated"}, set()),
    ("People born under Gemini: curious and quick.", set(), {"ai_generated"}),
    ("The Gemini program flew ten crewed missions.", set(), {"ai_generated"}),
    # preclinical
    ("Metformin has been shown in laboratory studies to enhance myelin.", {"preclinical"}, set()),
    ("Many studies rely on animal models rather than patients.", {"preclinical"}, set()),
    ("The compound reduced lesions in mice.", {"preclinical"}, set()),
    ("In vitro, the cells produced more myelin protein.", {"preclinical"}, set()),
    ("The growing body of preclinical data is encouraging.", {"preclinical"}, set()),
    ("Mickey Mouse visited the children's hospital ward.", set(), {"preclinical"}),
    ("She clicked the computer mouse to book her appointment.", set(), {"preclinical"}),
    ("The laboratory opens at nine for blood draws.", set(), {"preclinical"}),
    # early_or_small_trials
    ("Promising outcomes have been shown in early-stage clinical trials.", {"early_or_small_trials"}, set()),
    ("Most formal clinical trials on LDN have been small and short-term.", {"early_or_small_trials"}, set()),
    ("A pilot study of 12 patients found less fatigue.", {"early_or_small_trials"}, set()),
    ("A phase II trial is now recruiting.", {"early_or_small_trials"}, set()),
    ("Preliminary results suggest a benefit.", {"early_or_small_trials"}, set()),
    ("The drug is absorbed in the small intestine.", set(), {"early_or_small_trials"}),
    ("A small molecule inhibitor blocks the receptor.", set(), {"early_or_small_trials"}),
    ("The early morning dose is easiest to remember.", set(), {"early_or_small_trials"}),
    # anecdotal
    ("Anecdotal reports from online communities describe better sleep.", {"anecdotal"}, set()),
    ("A recent survey of those using metformin found less fatigue.", {"anecdotal"}, set()),
    ("Patient registries show high satisfaction rates.", {"anecdotal"}, set()),
    ("Reduced Fatigue 78% of respondents", {"anecdotal"}, set()),
    ("Testimonials on the clinic's site praise the treatment.", {"anecdotal"}, set()),
    ("The registrar checked the patient's insurance card.", set(), {"anecdotal"}),
    ("Researchers surveyed the literature for randomized trials.", set(), {"anecdotal"}),
    # off_label
    ("Naltrexone is used as an off-label treatment for MS symptoms.", {"off_label"}, set()),
    ("This drug is not FDA approved for multiple sclerosis.", {"off_label"}, set()),
    ("The off label clothing store had a sale.", set(), {"off_label"}),
    ("Read the label before each dose.", set(), {"off_label"}),
    # mixed_evidence
    (
        "Other trials concluded that the differences between LDN and a placebo were negligible.",
        {"mixed_evidence"},
        set(),
    ),
    ("The clinical consensus on LDN remains mixed but cautiously optimistic.", {"mixed_evidence"}, set()),
    (
        "There is no strong clinical evidence showing that LDN slows disability.",
        {"mixed_evidence"},
        {"speculative_language"},
    ),
    ("The trial found no significant difference in relapse rates.", {"mixed_evidence"}, set()),
    ("Mix the powder with water; mixed with juice it tastes better.", set(), {"mixed_evidence"}),
    ("She has mixed connective tissue disease.", set(), {"mixed_evidence"}),
    # promotional_tone
    ("Some astonishing, unexpected benefits for MS patients!", {"promotional_tone"}, set()),
    ("Metformin might be the secret sidekick in the fight against MS.", {"promotional_tone"}, set()),
    ("Gene therapy is revolutionizing depression treatment.", {"promotional_tone"}, set()),
    ("The hospital revised its visiting hours.", set(), {"promotional_tone"}),
    ("UC-MSCs may help with kidney repair, providing hope for better renal function.", {"promotional_tone"}, set()),
    ("The Hope Street clinic offers walk-in appointments.", set(), {"promotional_tone"}),
    # speculative_language
    ("Metformin may help reduce inflammation and could potentially protect nerves.", {"speculative_language"}, set()),
    ("UC-MSCs may be able to bring about remission and might lessen drug use.", {"speculative_language"}, set()),
    ("The appointment is in May 2024 and the clinic is in Maypole Street.", set(), {"speculative_language"}),
    ("In a randomized trial of 200 patients, relapses fell by 20%.", set(), {"speculative_language"}),
    ("There is no evidence that it works.", set(), {"speculative_language"}),
    # unverifiable_citation
    ("Smith et al. (2021) 200 MS patients 20% reduction in relapse rates", {"unverifiable_citation"}, set()),
    ("Study A Patients on Metformin reported reduced fatigue levels.", {"unverifiable_citation"}, set()),
    ("Smith et al. (2021), Mult Scler J 27:1, doi:10.1177/1352458520000000", set(), {"unverifiable_citation"}),
    ("Jones et al. 2019 (PMID 31234567) reported fewer relapses.", set(), {"unverifiable_citation"}),
    ("We will study a new approach next year.", set(), {"unverifiable_citation"}),
    ("Trial NCT01234567 by Lee et al. (2023) is registered.", set(), {"unverifiable_citation"}),
    # more tricky negatives across rules
    ("Rats were seen near the hospital bins, the caretaker said.", set(), {"preclinical"}),
    ("The survey of the hospital grounds found no asbestos.", set(), {"anecdotal"}),
    ("Take the tablet with food to settle your stomach.", set(), {"safety_warning", "speculative_language"}),
    ("The label on the bottle lists the active ingredient.", set(), {"off_label"}),
    ("The nurse explained the results of the blood test clearly.", set(), {"mixed_evidence"}),
    ("Phase one of the hospital renovation finished in March.", set(), {"early_or_small_trials"}),
    ("An AI-assisted scheduler books appointments for the clinic.", set(), {"ai_generated"}),
    ("The new wing is an amazingly quiet place to recover.", set(), {"promotional_tone", "safety_warning"}),
    ("Mice ran across the clinic floor at night.", set(), {"preclinical"}),
    ("The pilot light in the hospital boiler went out.", set(), {"early_or_small_trials"}),
    ("He visits his mother in May, she said; in May 2024 he moved.", set(), {"speculative_language"}),
    # a clean, peer-reviewed style passage
    (
        "In a double-blind randomized trial of 412 adults (N Engl J Med 2019; doi:10.1056/NEJMoa0000000), "
        "the drug reduced annual relapse rate by 30% compared with placebo.",
        set(),
        {
            "speculative_language",
            "unverifiable_citation",
            "promotional_tone",
            "anecdotal",
            "preclinical",
            "ai_generated",
        },
    ),
]


@pytest.mark.parametrize("snippet, expected, forbidden", CASES, ids=[c[0][:40] for c in CASES])
def test_caveat_rules(snippet, expected, forbidden):
    codes = {c.code for c in find_cues(snippet)}
    assert expected <= codes, f"missing {expected - codes}"
    assert not (forbidden & codes), f"unexpected {forbidden & codes}"


def test_table_has_at_least_sixty_snippets_half_negative():
    assert len(CASES) >= 60
    negatives = sum(1 for _, expected, forbidden in CASES if forbidden)
    assert negatives >= len(CASES) // 3


def test_every_caveat_from_text_quotes_its_trigger_exactly():
    text = "Intro. Important Caveat: LDN cannot be taken if you are currently using opioid-based medications for pain."
    caveat = next(c for c in find_cues(text) if c.code == "safety_warning")
    assert "LDN cannot be taken if you are currently using opioid-based medications" in caveat.quote
    assert text[caveat.start : caveat.end] == caveat.quote


@pytest.mark.parametrize(
    "text, level",
    [
        ("We did a systematic review and meta-analysis of 14 trials.", "systematic_review"),
        ("In a randomized trial of 200 patients, relapses fell.", "randomized_trial"),
        ("Further randomized controlled trials are essential to determine efficacy.", "none_stated"),
        ("A retrospective cohort study of 3,000 patients.", "observational"),
        ("Most formal clinical trials on LDN have been small and short-term.", "small_or_early_trial"),
        ("Metformin has been shown in laboratory studies to help.", "preclinical"),
        ("A recent survey of users found less fatigue.", "anecdote_or_opinion"),
        ("Metformin may help MS patients.", "none_stated"),
    ],
)
def test_evidence_level(text, level):
    assert evidence_level(text) == level


def test_study_design_classifier_names_designs():
    assert classify_designs("A case-control study nested in a prospective cohort.") == ["cohort", "case_control"]
    assert classify_designs("We report a case of a 45-year-old woman.") == ["case_report"]


@pytest.fixture(scope="module")
def profiles(settings):
    chunker = make_chunker(settings, None)
    out = {}
    for document in ingest_folder(SEEDS, settings).documents:
        out[document.doc_id[:3]] = add_caveats(document, chunker.chunk_document(document))
    return out


def _codes(caveats):
    return {c.code for c in caveats}


def test_chatbot_transcript_profile(profiles):
    document, chunks = profiles["003"]
    assert {"ai_generated", "off_label"} <= _codes(document.caveats)
    assert "no_references" not in _codes(document.caveats)
    assert all("ai_generated" in _codes(c.caveats) for c in chunks)
    assert document.citations.traceable >= 1


def test_promotional_blog_profile(profiles):
    document, chunks = profiles["001"]
    assert {"promotional_tone", "unverifiable_citation", "no_references"} <= _codes(document.caveats)
    assert document.citations.untraceable >= 6 and "Smith et al. (2021)" in document.citations.untraceable_examples
    assert "ai_generated" not in _codes(document.caveats)
    # named studies are listed first; studies only vouched for ("Some studies suggest") are untraceable too
    assert document.citations.untraceable_examples[:3] == ["Study A", "Study B", "Study C"]
    assert "Some studies suggest" in unverifiable(document.text)[0].detail
    with_citation = [c for c in chunks if "unverifiable_citation" in _codes(c.caveats)]
    quoted = [next(x for x in c.caveats if x.code == "unverifiable_citation") for c in with_citation]
    assert with_citation and all(c.start <= x.start < x.end <= c.end for c, x in zip(with_citation, quoted))
    assert any("Study A" in c.text for c in with_citation)


def test_truncated_article_profile(profiles):
    document, chunks = profiles["000"]
    assert "incomplete_source" in _codes(document.caveats)
    assert "incomplete_source" in _codes(chunks[-1].caveats)
    assert not any("incomplete_source" in _codes(c.caveats) for c in chunks[:-1])
    assert any("preclinical" in _codes(c.caveats) for c in chunks)


def test_overview_profile_has_no_ai_caveat_and_cites_no_study_by_name(profiles):
    document, chunks = profiles["004"]
    codes = _codes(document.caveats) | {code for c in chunks for code in _codes(c.caveats)}
    assert "ai_generated" not in codes and "incomplete_source" not in codes
    # it names no study; it only vouches for some ("preclinical and clinical studies have shown"), with no reference
    assert document.citations.untraceable_examples == ["clinical studies have shown"]


def test_stem_cell_promotion_profile(profiles):
    document, chunks = profiles["002"]
    assert "ai_generated" not in _codes(document.caveats)
    assert {"promotional_tone", "no_references"} <= _codes(document.caveats)
    assert any("early_or_small_trials" in _codes(c.caveats) for c in chunks)


def test_only_the_transcript_is_ai_generated(profiles):
    flagged = {key for key, (document, _) in profiles.items() if "ai_generated" in _codes(document.caveats)}
    assert flagged == {"003"}


def test_caveat_quotes_point_into_the_document(profiles):
    for document, chunks in profiles.values():
        for chunk in chunks:
            for caveat in chunk.caveats:
                if caveat.quote:
                    assert document.text[caveat.start : caveat.end] == caveat.quote


def test_seeds_dev_expected_caveats_on_the_passage_holding_each_phrase(client, seeds_dev):
    for item in seeds_dev:
        if not item.get("phrase"):
            continue
        body = client.post("/api/v1/query", json={"question": item["question"], "top_k": 10}).json()
        holders = [p for p in body["passages"] if item["phrase"] in p["text"]]
        assert holders, item["id"]
        codes = {c["code"] for c in holders[0]["caveats"]}
        assert set(item["caveats"]) <= codes, (item["id"], codes)


def test_opioid_passage_carries_safety_warning_with_its_quote(client):
    body = client.post(
        "/api/v1/query", json={"question": "Can I take LDN with opioid pain medication?", "top_k": 10}
    ).json()
    phrase = "cannot be taken if you are currently using opioid-based medications"
    holder = next(p for p in body["passages"] if phrase in p["text"])
    warning = next(c for c in holder["caveats"] if c["code"] == "safety_warning" and phrase in (c["quote"] or ""))
    assert warning["severity"] == "high"
    assert any(c["code"] == "safety_warning" for c in body["caveats"])


def test_answer_level_caveats(client):
    body = client.post("/api/v1/query", json={"question": "Does LDN slow disability progression in MS?"}).json()
    codes = {c["code"] for c in body["caveats"]}
    assert "mixed_evidence" in codes and "ai_generated" in codes
    off_topic = client.post("/api/v1/query", json={"question": "How is a sprained ankle treated?"}).json()
    assert off_topic["no_answer"] and {c["code"] for c in off_topic["caveats"]} >= {"weak_match"}


def test_a_citation_over_a_line_break_is_judged_on_both_lines():
    """Each line's verdict was cached by where the line starts, so a citation running onto the next line took
    the verdict of an earlier citation on its first line, and missed the DOI below."""
    from rag.caveats.citations import find_citations

    text = "Brown et al. 2018 found it. Smith et al.\n2020, doi:10.1000/xyz1 reported it."
    assert [(text[s:e], ok) for s, e, ok in find_citations(text)] == [
        ("Brown et al. 2018", False),
        ("Smith et al.\n2020", True),
    ]

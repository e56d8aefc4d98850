"""Sentence-level detection: hedges, null results, study designs and hype, with the traps people hit."""

import pytest

from rag.caveats.codes import Code, Level
from rag.caveats.hedges import HedgeLexicon, learn, shipped
from rag.caveats.profile import evidence_level, find_cues
from rag.caveats.sentences import analyse, analyse_sentence


def codes(sentence: str) -> set[str]:
    return {str(c) for c in analyse_sentence(sentence).codes}


# (sentence, codes that must fire, codes that must not)
SENTENCES = [
    # hedges: one hedged claim is a hedged sentence
    ("Smoking may increase the risk of dementia.", {"speculative_language"}, set()),
    ("These results suggest that IL-6 drives the response.", {"speculative_language"}, set()),
    ("Our data indicate that the receptor is required.", {"speculative_language"}, set()),
    ("We asked whether the drug reduces relapses.", {"speculative_language"}, set()),
    ("The effect appears to depend on the dose.", {"speculative_language"}, set()),
    ("The protein seems to bind DNA.", {"speculative_language"}, set()),
    ("This is likely to be a direct effect.", {"speculative_language"}, set()),
    ("A putative binding site was found upstream.", {"speculative_language"}, set()),
    ("A possible role for the kinase is discussed.", {"speculative_language"}, set()),
    ("Perhaps the treatment works by another route.", {"speculative_language"}, set()),
    ("Coffee could lead to better memory in older adults.", {"speculative_language"}, set()),
    # hedge traps
    ("The results were not promising.", set(), {"speculative_language"}),
    ("Untreated, the infection is potentially fatal.", {"safety_warning"}, {"speculative_language"}),
    ("The clinic opened in May 2024.", set(), {"speculative_language"}),
    ("Patients should consult their doctor before stopping the drug.", set(), {"speculative_language"}),
    ("The trial reduced relapses by 20% over two years.", set(), {"speculative_language"}),
    ("The drug is approved for this indication in adults.", set(), {"speculative_language"}),
    ("Radiation may be used if the tumour cannot be removed.", set(), {"speculative_language"}),
    ("Symptoms may include headache and nausea.", set(), {"speculative_language"}),
    ("Phase I comprised baseline data collection.", set(), {"early_or_small_trials"}),
    ("A phase II trial of the drug is now recruiting.", {"early_or_small_trials"}, set()),
    # null or inconclusive results
    ("Adjuvant chemotherapy does not affect survival in stage I disease.", {"mixed_evidence"}, set()),
    ("The trial did not prove that the vaccine prevents infection.", {"mixed_evidence"}, set()),
    ("Statins do not change the course of the illness.", {"mixed_evidence"}, set()),
    ("Routine imaging does not appear to be useful in this group.", {"mixed_evidence"}, set()),
    ("There was no significant difference in pain scores.", {"mixed_evidence"}, set()),
    ("Skewed X-inactivation is not associated with recurrent miscarriage.", {"mixed_evidence"}, set()),
    ("The evidence remains inconclusive.", {"mixed_evidence"}, set()),
    # null-result traps
    ("The drug not only lowered blood pressure but also improved sleep.", set(), {"mixed_evidence"}),
    ("The authors declare no conflicts of interest.", set(), {"mixed_evidence"}),
    ("The treatment reduced mortality by a third.", set(), {"mixed_evidence"}),
    # promotional tone
    ("This unprecedented result changes everything.", {"promotional_tone"}, set()),
    ("Researchers say they have found a cure for baldness.", {"promotional_tone"}, set()),
    ("The study proves it is safe and effective.", {"promotional_tone"}, set()),
    ("A new paradigm in the treatment of migraine.", {"promotional_tone"}, set()),
    # promotional traps
    ("The drug received breakthrough therapy designation from the FDA.", set(), {"promotional_tone"}),
    ("There is no cure for multiple sclerosis.", set(), {"promotional_tone"}),
    ("Breakthrough pain was treated with morphine.", set(), {"promotional_tone"}),
]


@pytest.mark.parametrize("sentence, expected, forbidden", SENTENCES, ids=[s[0][:40] for s in SENTENCES])
def test_sentence_codes(sentence, expected, forbidden):
    found = codes(sentence)
    assert expected <= found, f"missing {expected - found}"
    assert not (forbidden & found), f"unexpected {forbidden & found}"


# (text, level it reports)
DESIGNS = [
    ("Patients were randomized to undergo surgery or watchful waiting.", Level.RANDOMIZED_TRIAL),
    ("Sixty women were randomised to receive iron or placebo.", Level.RANDOMIZED_TRIAL),
    ("This randomized single-blinded single-center clinical trial enrolled 80 adults.", Level.RANDOMIZED_TRIAL),
    ("Participants were randomly allocated to three groups.", Level.RANDOMIZED_TRIAL),
    ("A non-randomized comparison of 40 patients treated at two centres.", Level.NONE_STATED),
    ("In this non randomized study, 40 patients were followed.", Level.NONE_STATED),
    ("Further randomized trials are needed.", Level.NONE_STATED),
    ("Randomised controlled trials are still required before it is used.", Level.NONE_STATED),
    ("Well-designed RCTs should be conducted in children.", Level.NONE_STATED),
    ("Large prospective cohort studies are warranted.", Level.NONE_STATED),
    ("We studied 900 randomly selected patients in a cross-sectional survey.", Level.OBSERVATIONAL),
    ("A retrospective cohort of 3,000 patients.", Level.OBSERVATIONAL),
    ("Fifteen piglets underwent nephrectomy.", Level.PRECLINICAL),
    ("Swine were anaesthetised and bled.", Level.PRECLINICAL),
    ("Porcine valves were tested in a flow rig.", Level.PRECLINICAL),
    ("Guinea pigs received the drug for a week.", Level.PRECLINICAL),
    ("Twelve rabbits were treated.", Level.PRECLINICAL),
    ("Ten gravid ewes were instrumented.", Level.PRECLINICAL),
    ("Bone blocks were taken from bovine pelvis.", Level.PRECLINICAL),
    ("Each rat received a single dose.", Level.PRECLINICAL),
    ("Thirty-four mice were assigned at random to two groups.", Level.PRECLINICAL),
    ("We compared outcomes of in vitro fertilization in 224 women.", Level.NONE_STATED),
    ("The GOAT score was recorded in a retrospective review.", Level.OBSERVATIONAL),
    # Designs written the other common way: no hyphen, a registry, dates with a day, people insurers count.
    ("A cross sectional survey of 310 nurses in four hospitals.", Level.OBSERVATIONAL),
    ("This follow up study traced 5,000 factory workers for 30 years.", Level.OBSERVATIONAL),
    ("Children entered in a prospective registry of burns were analysed.", Level.OBSERVATIONAL),
    ("We included 12 400 Medicaid enrollees treated between March 3, 2004, and May 9, 2008.", Level.OBSERVATIONAL),
    ("The cross sectional area of the tendon grew in 20 rats.", Level.PRECLINICAL),
]


@pytest.mark.parametrize("text, level", DESIGNS, ids=[d[0][:40] for d in DESIGNS])
def test_reported_design(text, level):
    assert evidence_level(text) == level


def test_background_mice_do_not_make_a_human_study_preclinical():
    text = ("A variable effect of inflammation was recently reported in mice. "
            "We reviewed the records of 312 patients who received transfusions in a retrospective cohort.")
    assert evidence_level(text) == Level.OBSERVATIONAL


def test_a_web_page_reports_the_studies_it_cites():
    assert evidence_level("Metformin has been shown in laboratory studies to help.") == Level.PRECLINICAL


def test_every_cue_span_lies_inside_its_sentence():
    text = "Metformin may help. It did not improve survival in 200 patients. Astonishing!"
    for finding in analyse(text):
        for cue in finding.cues:
            assert finding.start <= cue.start < cue.end <= finding.end


def test_one_hedge_in_a_long_factual_passage_is_not_speculative():
    facts = " ".join(f"In trial {i}, 100 patients received the drug and relapses fell by {i}%." for i in range(1, 8))
    assert "speculative_language" not in {c.code for c in find_cues(facts + " The drug may help some people.")}
    hedged = facts + " The drug may help some people. It might also reduce fatigue."
    assert "speculative_language" in {c.code for c in find_cues(hedged)}
    assert "speculative_language" in {c.code for c in find_cues("Metformin may help people with MS.")}


def test_learned_lexicon_uses_context():
    corpus = [("We show that X may bind Y.", ["may"])] * 5 + [("X or Y was used.", [])] * 5 + \
             [("Either X or Y is required.", ["either or"])] * 5 + [("X can be seen.", [])] * 5
    lexicon = learn(corpus)
    assert lexicon.find("Z may cause W.")
    assert not lexicon.find("A or B was added.")
    assert lexicon.find("Either A or B is needed.")
    assert HedgeLexicon.from_json(lexicon.to_json()) == lexicon


def test_shipped_lexicon_is_learned_from_bioscope():
    lexicon = shipped()
    assert ("suggest",) in lexicon.cues and ("may",) in lexicon.cues and len(lexicon.cues) > 50


def test_codes_are_enums_and_strings():
    finding = analyse_sentence("It may help.")
    assert finding.codes == [Code.SPECULATIVE_LANGUAGE] and finding.codes[0] == "speculative_language"

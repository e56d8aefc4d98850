"""The document tone score (rag/caveats/tone.py): learned weights over sensational cues, the headline and a
headline that promises what animal or lab work cannot carry. Texts written for these tests."""

import json
import math

from rag.caveats.codes import Code, Level
from rag.caveats.profile import profile_document, text_tone
from rag.caveats.rules import RULE_BY_CODE
from rag.caveats.sentences import analyse
from rag.caveats.tone import CUE, FAMILY, HEADLINE, OVERCLAIM, SENTENCES, SHARE, ToneModel, learn, shipped
from rag.types import Document

SOBER_BODY = (
    "The team gave the compound to 40 rats with induced arthritis for six weeks. Cartilage loss was measured by "
    "imaging at the start and the end. Treated rats lost less cartilage than untreated ones. The authors note that "
    "results in rodents often fail to carry over to people. A trial in patients has not been planned."
)


def _profile(text: str) -> Document:
    return profile_document(Document(doc_id="t", path="t", title="", text=text, content_hash="t"), analyse(text))


def _promotional(document: Document):
    return next((c for c in document.caveats if c.code == Code.PROMOTIONAL_TONE), None)


def test_a_headline_promising_a_cure_from_rat_work_is_promotional_and_quoted():
    text = "Tea compound reverses arthritis damage\n\n" + SOBER_BODY
    document = _profile(text)
    assert document.evidence_level == Level.PRECLINICAL
    caveat = _promotional(document)
    assert caveat is not None and caveat.quote == "Tea compound reverses arthritis damage"
    assert "animal or lab work" in caveat.detail


def test_a_headline_that_names_the_animals_or_hedges_is_no_overclaim():
    for headline in ("Tea compound slows cartilage loss in rats", "Tea compound may slow arthritis damage"):
        features = text_tone(f"{headline}\n\n{SOBER_BODY}")
        assert features[OVERCLAIM] == 0.0, headline
        assert _promotional(_profile(f"{headline}\n\n{SOBER_BODY}")) is None, headline


def test_one_strong_word_in_a_sober_release_sets_its_tone_at_low_severity():
    text = "Tea compound studied in arthritis\n\n" + SOBER_BODY + " The director called the result a breakthrough."
    caveat = _promotional(_profile(text))
    assert caveat is not None and caveat.severity == "low" and "breakthrough" in (caveat.quote or "")


def test_a_text_without_sensational_words_or_promises_is_not_promotional():
    assert _promotional(_profile("Tea compound studied in arthritis\n\n" + SOBER_BODY)) is None


def test_shipped_cue_weights_are_never_negative_and_density_counts():
    model = shipped()
    assert all(w >= 0 for name, w in model.weights.items() if name.startswith(CUE))
    assert model.weights[SENTENCES] > 0 and model.weights[OVERCLAIM] > 0
    # Two sensational sentences outweigh one (the score rises with density), with a clear margin.
    one, two = ({SENTENCES: math.log1p(n)} for n in (1, 2))
    assert model.probability(two) - model.probability(one) > 0.05


def test_learn_weights_a_word_by_the_texts_it_appears_in():
    one = {SENTENCES: math.log1p(1), SHARE: 0.5}  # one sentence in ten (SHARE_SCALE × 0.1)
    sensational = [({CUE + "wonder": 1.0, **one}, True)] * 20
    sober = [({CUE + "plain": 1.0, **one}, False)] * 20 + [({SENTENCES: 0.0}, False)] * 40
    model = learn(sensational + sober)
    assert model.weights[CUE + "wonder"] > 0.5
    assert model.weights.get(CUE + "plain", 0.0) == 0.0  # clipped: a word never counts against a text
    assert model.promotional({CUE + "wonder": 1.0, **one})
    assert not model.promotional({CUE + "wonder": 1.0, SENTENCES: math.log1p(1), SHARE: 0.01})  # one in 500
    assert not model.promotional({SENTENCES: 0.0, HEADLINE: 0.0})


def test_one_call_to_action_in_a_short_advert_is_its_tone():
    text = (
        "Our herbal tonic for tired joints\n\nThe tonic blends six herbs in one daily capsule. Each bottle lasts a "
        "month. Order today and save 20% on your first bottle!"
    )
    caveat = _promotional(_profile(text))
    assert caveat is not None and (caveat.quote or "").startswith("Order today")


def test_a_decimal_point_does_not_end_a_quote():
    text = "Calcification did not differ between the groups (mean difference 2.1%; 95% CI -4.0 to 8.3)."
    caveat = next(c for c in _profile(text).caveats if c.code == Code.MIXED_EVIDENCE)
    assert "2.1%" in (caveat.quote or "")


def test_one_sensational_sentence_in_a_long_page_does_not_set_its_tone():
    body = " ".join(f"In study {i}, the trial enrolled {100 + i} adults and measured glucose." for i in range(200))
    for words in ("a breakthrough", "a milestone", "a major step"):
        text = f"Diabetes trials: a review\n\n{body} Overall this was {words} in care."
        assert _promotional(_profile(text)) is None, words


def test_a_question_for_a_title_promises_nothing_but_a_how_that_states_does():
    for title in ("How to prevent arthritis damage?", "Can a tea compound reverse arthritis damage",
                  "How to prevent arthritis damage"):
        assert text_tone(f"{title}\n\n{SOBER_BODY}")[OVERCLAIM] == 0.0, title
    assert text_tone(f"How green tea fights arthritis\n\n{SOBER_BODY}")[OVERCLAIM] == 1.0


def test_the_saved_model_scores_as_the_trained_one():
    one = {SENTENCES: math.log1p(1), SHARE: 0.5}
    examples = ([({FAMILY + "hype": 1.0, **one}, True)] * 20 + [({FAMILY + "calm": 1.0, **one}, False)] * 20
                + [({SENTENCES: 0.0}, False)] * 40)
    model = learn(examples)
    reloaded = ToneModel.from_json(json.loads(json.dumps(model.to_json())))
    assert reloaded.weight(FAMILY + "calm") == 0.0 < reloaded.unseen_family  # clipped, not unseen
    for values, _ in examples:
        assert abs(model.probability(values) - reloaded.probability(values)) < 1e-5


def test_every_learned_family_is_a_rule_pattern_of_today():
    patterns = set(RULE_BY_CODE[Code.PROMOTIONAL_TONE].patterns)
    stale = [name for name in shipped().weights if name.startswith(FAMILY) and name[len(FAMILY):] not in patterns]
    assert stale == [], "retrain: python -m benchmarks.train_tone"


def test_a_family_no_training_release_used_weighs_as_the_average_family():
    model = shipped()
    families = [w for name, w in model.weights.items() if name.startswith(FAMILY)]
    assert model.weight(FAMILY + "a pattern no release matched") == model.unseen_family > 0
    assert model.unseen_family < max(families)  # the mean over every family seen (clipped ones at zero included)

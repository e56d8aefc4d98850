"""Issue 27's press-release trial, on a release written for this test (not the issue's text): each of the six
kinds of miss is flagged, and the near misses that are not caveats stay unflagged."""

import pytest

from rag.caveats.codes import Code, Level
from rag.caveats.profile import find_cues, profile_document
from rag.caveats.sentences import analyse
from rag.types import Document

RELEASE = (
    "Groundbreaking tea extract halts joint damage in rats\n\n"
    "A historic experiment at our laboratory found that ArthroCalm, a green tea extract, stopped cartilage loss in "
    "rats with arthritis.\n\n"
    "Researchers cite a 2021 Yale study that saw the same molecule calm inflamed cells. A six-week pilot in 15 adults "
    "followed; pain fell slightly, yet the change did not reach statistical significance. Anyone on warfarin should "
    "talk to a pharmacist before trying the extract, which may interact with anticoagulants. Buy now and join millions "
    "who already swear by it!\n"
)


def _profile(text: str) -> Document:
    return profile_document(Document(doc_id="r", path="r", title="", text=text, content_hash="r"), analyse(text))


def test_release_trial_flags_every_kind_of_miss():
    document = _profile(RELEASE)
    codes = {c.code for c in document.caveats}
    assert {
        Code.MIXED_EVIDENCE,
        Code.UNVERIFIABLE_CITATION,
        Code.PROMOTIONAL_TONE,
        Code.SAFETY_WARNING,
        Code.PRECLINICAL,
    } <= codes
    # The headline rests on rats: the document is preclinical although a small human pilot follows.
    assert document.evidence_level == Level.PRECLINICAL
    quotes = {c.code: c.quote for c in document.caveats}
    assert "statistical significance" in quotes[Code.MIXED_EVIDENCE]
    assert quotes[Code.UNVERIFIABLE_CITATION] == "a 2021 Yale study"
    assert "warfarin" in quotes[Code.SAFETY_WARNING]


def test_call_to_action_is_promotional_on_its_own():
    assert Code.PROMOTIONAL_TONE in {c.code for c in find_cues("Buy now and join millions who already swear by it!")}


def test_a_human_headline_keeps_the_strongest_design():
    text = (
        "Vitamin D trial in 2,400 adults finds fewer fractures\n\n"
        "In a randomized controlled trial, 2,400 adults took vitamin D or placebo for three years. "
        "Earlier work in mice had suggested the effect."
    )
    assert _profile(text).evidence_level == Level.RANDOMIZED_TRIAL


@pytest.mark.parametrize(
    "sentence, code",
    [
        ("The difference from placebo was not statistically significant.", Code.MIXED_EVIDENCE),
        ("The 95% confidence interval crossed 1.", Code.MIXED_EVIDENCE),
        ("There was no indication of a rebound effect.", Code.MIXED_EVIDENCE),
        ("The effect was no greater than placebo.", Code.MIXED_EVIDENCE),
        ("According to a recent Stanford University trial, sleep improved.", Code.UNVERIFIABLE_CITATION),
        ("A 2019 study from Oxford reported the same.", Code.UNVERIFIABLE_CITATION),
        ("People taking blood thinners should consult their doctor first.", Code.SAFETY_WARNING),
        ("High doses carry a risk of liver damage.", Code.SAFETY_WARNING),
        ("This landmark trial is the first of its kind.", Code.PROMOTIONAL_TONE),
        ("The makers say it could cure diabetes.", Code.PROMOTIONAL_TONE),
        ("Confidence intervals for heart failure admissions included 1.", Code.MIXED_EVIDENCE),
        ("A new study from a leading Boston hospital shows it works.", Code.UNVERIFIABLE_CITATION),
        ("Sign up for our winter swim club today.", Code.PROMOTIONAL_TONE),
        ("The drink could transform how we treat arthritis.", Code.PROMOTIONAL_TONE),
        ("Genital infections were more common with the drug (6% vs 2%).", Code.SAFETY_WARNING),
        ("Women lost weight, according to researchers at a university in Texas.", Code.UNVERIFIABLE_CITATION),
        ("High doses of the extract have been linked to liver damage.", Code.SAFETY_WARNING),
        ("Thousands of readers have written to tell me the same thing.", Code.ANECDOTAL),
        ("I quit cold turkey and feel twenty years younger!", Code.ANECDOTAL),
        ("My neighbour, a retired nurse, told me it works.", Code.ANECDOTAL),
        ("We saw the absence of a regional effect on mortality.", Code.MIXED_EVIDENCE),
        ("Relief was a robust finding not dependent on the dose.", Code.MIXED_EVIDENCE),
        ("Misclassified dates are an unlikely explanation for the gap.", Code.MIXED_EVIDENCE),
        ("Parental smoking does not make an important contribution to it.", Code.MIXED_EVIDENCE),
        ("Its frequency matched the controls', ruling out a causal role.", Code.MIXED_EVIDENCE),
        # Equivalence and no change, in the forms trial reports use.
        ("Relapse rates were similar in both arms.", Code.MIXED_EVIDENCE),
        ("Twice-daily and once-daily dosing were equally effective.", Code.MIXED_EVIDENCE),
        ("Neither the low nor the high dose improved memory scores.", Code.MIXED_EVIDENCE),
        ("Blood pressure remained unchanged at twelve weeks.", Code.MIXED_EVIDENCE),
        ("The link with dementia disappeared after adjustment for age.", Code.MIXED_EVIDENCE),
        # Found by `rag annotate` on a leaflet and a chatbot's answer written after the tone work (session notes).
        ("Taking it with aspirin raises the risk of stomach bleeding.", Code.SAFETY_WARNING),
        ("Stop using the cream and call your pharmacist if a rash appears.", Code.SAFETY_WARNING),
        ("Some people with arthritis say the balm calms their knees.", Code.ANECDOTAL),
        ("Stop taking your blood pressure tablets and call 111.", Code.SAFETY_WARNING),
        ("The certainty of the evidence was low.", Code.MIXED_EVIDENCE),
        ("If you develop a rash, stop taking it immediately.", Code.SAFETY_WARNING),
        # Found by `rag annotate` on a shop page written for the closing note (then mended).
        ("Thousands of satisfied buyers have already switched.", Code.PROMOTIONAL_TONE),
        ("Our serum is the secret to younger skin.", Code.PROMOTIONAL_TONE),
        ("Maria, 61, told us her joints felt looser within days.", Code.ANECDOTAL),
        # A review's verdict on what it pooled (found on a review written for the note, then mended).
        ("Heterogeneity between the trials was substantial.", Code.MIXED_EVIDENCE),
        ("The evidence was of very low certainty.", Code.MIXED_EVIDENCE),
        # Found by a blind trial of twelve texts (a helper's, session of 2026-12-08; then mended, these sentences
        # written afterwards).
        ("Not recommended during pregnancy.", Code.SAFETY_WARNING),
        ("Children are advised to avoid the spray.", Code.SAFETY_WARNING),
        ("If you're taking lithium, talk to your GP before starting.", Code.SAFETY_WARNING),
        ("If you take blood thinners, avoid high doses.", Code.SAFETY_WARNING),
        ("Redness at the injection site is common.", Code.SAFETY_WARNING),
        ("All of the studies were small.", Code.EARLY_OR_SMALL_TRIALS),
        ("Only 14 volunteers were enrolled.", Code.EARLY_OR_SMALL_TRIALS),
        ("Results across the trials were inconsistent.", Code.MIXED_EVIDENCE),
        ("It has not been approved by the FDA for hair loss.", Code.OFF_LABEL),
        ("Our balm is virtually side-effect free.", Code.PROMOTIONAL_TONE),
        ("Research shows that green tea burns fat.", Code.UNVERIFIABLE_CITATION),
        ("Some studies suggest it eases hot flushes.", Code.UNVERIFIABLE_CITATION),
        ("Most of our clients swear by it.", Code.ANECDOTAL),
        ("Of those we treated, 90% of them report better sleep.", Code.ANECDOTAL),
        # A reviewer's misses of the first version: contractions, curly apostrophes, a warning beside a benefit.
        ("Since I started taking it I've had zero migraines.", Code.ANECDOTAL),
        ("I\u2019ve never felt better!", Code.ANECDOTAL),
        ("If you\u2019re taking warfarin, talk to your doctor first.", Code.SAFETY_WARNING),
        ("Aspirin lowers the risk of clots but raises the risk of stomach bleeding.", Code.SAFETY_WARNING),
        ("Grapefruit juice can interact with enzymes that break down statins.", Code.SAFETY_WARNING),
        ("The trial did not show that the drug alone reduced relapses.", Code.MIXED_EVIDENCE),
        ("Does it work? Studies show it does.", Code.UNVERIFIABLE_CITATION),
        ("It may help; side effects include nausea.", Code.SPECULATIVE_LANGUAGE),  # the hedge is on the help
    ],
)
def test_new_cues_fire(sentence, code):
    assert code in {c.code for c in find_cues(sentence)}


@pytest.mark.parametrize(
    "sentence",
    [
        "Baseline characteristics were similar between the two groups.",  # in almost every trial report
        "Demographics were comparable between the groups.",
        "The dose was unchanged throughout the study.",
        "Other medications were kept unchanged.",
    ],
)
def test_a_trials_routine_wording_is_no_null_result(sentence):
    assert Code.MIXED_EVIDENCE not in {c.code for c in find_cues(sentence)}


@pytest.mark.parametrize(
    "sentence, code",
    [
        ("This is not a significant number of patients.", Code.MIXED_EVIDENCE),
        ("No side effects were seen in the treated group.", Code.SAFETY_WARNING),
        ("There is no cure for multiple sclerosis.", Code.PROMOTIONAL_TONE),
        ("Drugs cannot cure lupus, but they control it.", Code.PROMOTIONAL_TONE),
        ("A Phase II trial is planned for next year.", Code.UNVERIFIABLE_CITATION),
        ("The treatment reduced pain by 30% compared with placebo (p < 0.001).", Code.MIXED_EVIDENCE),
        ("You should see a doctor if the pain persists.", Code.SAFETY_WARNING),
        ("Deaths were more common in the control group.", Code.SAFETY_WARNING),
        ("Call your doctor today if the rash spreads.", Code.PROMOTIONAL_TONE),
        ("Obesity is linked to heart disease.", Code.SAFETY_WARNING),
        ("I took the train and was late.", Code.ANECDOTAL),
        ("Patients have written consent forms.", Code.ANECDOTAL),
        ("My doctor told me to stop.", Code.ANECDOTAL),
        ("In the absence of symptoms, no test is needed.", Code.MIXED_EVIDENCE),
        ("Type 1 diabetes makes patients dependent on insulin.", Code.MIXED_EVIDENCE),
        ("Smoking plays a major role in lung cancer.", Code.MIXED_EVIDENCE),
        ("This medicine is unlikely to cause side effects.", Code.MIXED_EVIDENCE),
        ("It is unlikely to affect breastfeeding.", Code.MIXED_EVIDENCE),
        ("If you have had chickenpox you are not at risk of catching it again.", Code.MIXED_EVIDENCE),
        ("People who are fully vaccinated are not at increased risk of severe illness.", Code.MIXED_EVIDENCE),
        ("Coffee drinkers were less likely to die over the decade.", Code.SPECULATIVE_LANGUAGE),
        ("We found no heterogeneity between trials.", Code.MIXED_EVIDENCE),
        # A second review's false positives.
        ("There was no significant heterogeneity between trials (I2 = 12%).", Code.MIXED_EVIDENCE),
        ("Heterogeneity was considered substantial if I2 exceeded 50%.", Code.MIXED_EVIDENCE),
        ("Losing weight is an important step in managing type 2 diabetes.", Code.PROMOTIONAL_TONE),
        ("The secret to healthier teeth is brushing twice a day.", Code.PROMOTIONAL_TONE),
        ("Millions of UK adults have already switched to electric toothbrushes.", Code.PROMOTIONAL_TONE),
        ("Stop using Facebook and see how much calmer you feel.", Code.SAFETY_WARNING),
        ("Dr Smith, 54, said the trial results were encouraging.", Code.ANECDOTAL),
        ("In total, 45, said yes to the second dose.", Code.ANECDOTAL),
        ("Some people say to take it with food.", Code.ANECDOTAL),
        ("Do you want me to list the studies?", Code.AI_GENERATED),
        # A reviewer's false positives of the first version of these cues.
        ("Stop taking the stairs and see the view from the lift.", Code.SAFETY_WARNING),
        ("I had the same problem last year. I hope this helps.", Code.AI_GENERATED),
        ("Great question, I wondered the same.", Code.AI_GENERATED),
        ("Did the tablets help? Absolutely!", Code.AI_GENERATED),
        ("Take a big step forward with your right leg.", Code.PROMOTIONAL_TONE),
        ("Check whether your baby reaches milestones such as crawling and babbling.", Code.PROMOTIONAL_TONE),
        ("Stopping smoking makes a huge difference to your risk of heart disease.", Code.PROMOTIONAL_TONE),
        ("Pioneering work by Banting and Best in 1921 led to insulin.", Code.PROMOTIONAL_TONE),
        ("The paradigm shifted slowly over a decade.", Code.PROMOTIONAL_TONE),
        # The blind trial's false alarms, in other words.
        ("Statins lower the risk of heart attack.", Code.SAFETY_WARNING),
        ("Drinkers of green tea had a 20% reduced risk of stroke.", Code.SAFETY_WARNING),
        ("Our balm is virtually side-effect free.", Code.SAFETY_WARNING),
        ("A small sample of blood is taken from your arm.", Code.EARLY_OR_SMALL_TRIALS),
        ("This medicine may cause serious side effects.", Code.SPECULATIVE_LANGUAGE),
        ("Uncommon side effects (may affect up to 1 in 100 people) include rash.", Code.SPECULATIVE_LANGUAGE),
        ("Trials were at unclear risk of bias.", Code.SPECULATIVE_LANGUAGE),
        ("Nuts should be avoided by anyone with an allergy.", Code.SPECULATIVE_LANGUAGE),
        ("Being a survey, it cannot prove that tea itself causes the change.", Code.MIXED_EVIDENCE),
        ("It is not a miracle, but it helps me sleep.", Code.PROMOTIONAL_TONE),
        ("The protein can interact with DNA in the nucleus.", Code.SAFETY_WARNING),
        # The same reviewer's false alarms.
        ("Treatment options for MS have never been better.", Code.ANECDOTAL),
        ("A brisk daily walk does wonders for your mood.", Code.ANECDOTAL),
        ("What if my side effects have gone?", Code.ANECDOTAL),
        ("Since I started as a GP in 2004, I have seen many patients.", Code.ANECDOTAL),
        ("Some people say the flu jab gives you flu, but this is a myth.", Code.SAFETY_WARNING),
        ("If you use the app, don't forget to log your meals.", Code.SAFETY_WARNING),
        ("Screening is not recommended for people under 50.", Code.SAFETY_WARNING),
        ("The differences between studies were small.", Code.EARLY_OR_SMALL_TRIALS),
        ("Only two patients were treated for low blood sugar.", Code.EARLY_OR_SMALL_TRIALS),
        ("It isn't a miracle cure.", Code.PROMOTIONAL_TONE),
        ("Dietary supplements are not approved by the FDA before they are sold.", Code.OFF_LABEL),
        ("Our research shows that the test is accurate.", Code.UNVERIFIABLE_CITATION),
    ],
)
def test_near_misses_stay_unflagged(sentence, code):
    assert code not in {c.code for c in find_cues(sentence)}


def test_promotional_severity_rises_with_density():
    one = _profile(
        "Scientists report a landmark result.\n\nThe trial enrolled 300 adults. Blood pressure fell by 5 "
        "mmHg. Side effects were mild. The team will publish the full data next year."
    )
    many = _profile(
        "A revolutionary, landmark cure.\n\nThis miracle pill is a game changer. It is the holy grail of "
        "care. Order today and join thousands who have already transformed their lives! It is truly "
        "astonishing."
    )
    severity = [next(c.severity for c in d.caveats if c.code == Code.PROMOTIONAL_TONE) for d in (one, many)]
    assert severity == ["low", "high"]


@pytest.mark.parametrize(
    "sentence, code",
    [
        ("Curcumin calmed inflamed cartilage cells in a dish.", Code.PRECLINICAL),
        ("Our readers swear by it.", Code.ANECDOTAL),
        ("My sister swears by it for her migraines.", Code.ANECDOTAL),
        ("One forum member insists it ended her relapses.", Code.ANECDOTAL),
        ("Users in a Facebook group claimed their fatigue lifted.", Code.ANECDOTAL),
        ("The cure doctors don't want you to know about.", Code.PROMOTIONAL_TONE),
        # First-person improvement, as posts and product reviews tell it.
        ("Ever since I went on the keto diet I have had far fewer headaches.", Code.ANECDOTAL),
        ("Honestly, this tea worked wonders for my sleep.", Code.ANECDOTAL),
        ("After a month of the drops my eczema has completely cleared up.", Code.ANECDOTAL),
        ("My joints no longer ache in the mornings.", Code.ANECDOTAL),
        ("I have never felt healthier.", Code.ANECDOTAL),
        # An authority known only by where they spoke cannot be looked up.
        ("A nutritionist on Instagram said it burns fat overnight.", Code.UNVERIFIABLE_CITATION),
    ],
)
def test_lay_words_for_lab_work_anecdote_testimony_and_hype(sentence, code):
    assert code in {c.code for c in find_cues(sentence)}


@pytest.mark.parametrize(
    "sentence",
    [
        "I recommend taking it with food to limit stomach upset.",
        "If your symptoms have not improved after a week, see your doctor.",
        "My doctor says it is safe to take with my other tablets.",
        "\u201cI was surprised by how well the animals responded,\u201d said the lead author.",
        "A doctor on the ward will check your blood pressure.",
    ],
)
def test_first_person_advice_and_quotes_are_no_testimony(sentence):
    codes = {c.code for c in find_cues(sentence)}
    assert Code.ANECDOTAL not in codes and Code.UNVERIFIABLE_CITATION not in codes


def test_a_trial_arm_reporting_an_outcome_is_no_testimony():
    codes = {c.code for c in find_cues("In the trial, 40% of patients in the active arm reported less fatigue.")}
    assert Code.ANECDOTAL not in codes


def test_records_of_adolescents_over_years_are_observational():
    text = "We analysed records of 1,204 adolescents seen at three clinics between 2014 and 2019."
    assert _profile(text).evidence_level == Level.OBSERVATIONAL


def test_advice_not_to_give_a_drug_is_a_warning_not_a_hedge():
    codes = {c.code for c in find_cues("Patients with a history of kidney stones should not receive high doses.")}
    assert Code.SPECULATIVE_LANGUAGE not in codes and Code.SAFETY_WARNING in codes


def test_people_followed_for_years_are_a_cohort_and_a_trial_that_says_so_stays_randomized():
    from rag.caveats.profile import classify_designs

    assert "cohort" in classify_designs("The team followed 1,200 women for ten years.")
    text = "We randomly assigned 300 adults to the drug or placebo and followed the participants for two years."
    assert _profile(text).evidence_level == Level.RANDOMIZED_TRIAL


@pytest.mark.parametrize(
    "text, level, code, quoted",
    [
        (
            "Why I stopped my supplement\n\nI quit it last spring and feel better than in years. Thousands of "
            "readers have written to tell me the same thing.",
            Level.ANECDOTE_OR_OPINION, Code.ANECDOTAL, "",
        ),
        # A design without a lab word ("in mice") still names the level it sets.
        (
            "Spice extract studied in ageing\n\nThe team fed an extract of cardamom to 24 aged mice for eight "
            "weeks. The treated animals learned a maze faster.",
            Level.PRECLINICAL, Code.PRECLINICAL, "24 aged mice",
        ),
    ],
)
def test_a_text_whose_level_is_set_by_its_design_carries_that_caveat(text, level, code, quoted):
    profile = _profile(text)
    assert profile.evidence_level == level
    caveat = next(c for c in profile.caveats if c.code == code)
    assert quoted in (caveat.quote or "")


@pytest.mark.parametrize(
    "text, present, absent",
    [
        # A journal named in running text is a reference a reader can follow.
        ("Tea and stroke\n\nDrinkers of green tea had fewer strokes, the team reported in the journal Stroke "
         "Research.", set(), {Code.NO_REFERENCES}),
        # A vague "a study found" is the study the text names elsewhere, or no study a reader could find.
        ("Tea and fat\n\nA recent study found that green tea burns fat. It was published in Obesity Reviews.",
         set(), {Code.UNVERIFIABLE_CITATION, Code.NO_REFERENCES}),
        ("Tea and fat\n\nA recent study found that green tea burns fat. Try it!", {Code.UNVERIFIABLE_CITATION},
         set()),
        # A chatbot's reply: a greeting and an offer to write more; either alone is said on forums too.
        ("Is kale healthy?\n\nGreat question! Kale is rich in vitamin K. Would you like me to suggest some recipes?",
         {Code.AI_GENERATED}, set()),
        ("Is kale healthy?\n\nGreat question! Kale is rich in vitamin K, as my dietitian told me.", set(),
         {Code.AI_GENERATED}),
        # A forum thread that also mentions a trial still tells anecdotes.
        ("Magnesium for cramps?\n\nSince I started magnesium I haven't had a single cramp. My partner swears by "
         "it too. Apparently a small pilot trial in 20 runners found the same.", {Code.ANECDOTAL}, set()),
        # A country is no journal; a human forum reply offering a link is no chatbot; a myth busted is no anecdote.
        ("Fish oil\n\nStudies have shown that fish oil prevents heart attacks. Similar findings were reported in "
         "China and Japan.", {Code.NO_REFERENCES, Code.UNVERIFIABLE_CITATION}, set()),
        ("Re: magnesium\n\nOf course, everyone is different. I hope this helps. Do you want me to send you the link "
         "to the brand I use?", set(), {Code.AI_GENERATED}),
        # A post that ends in hashtags was not cut off.
        ("Morning routine\n\nI drink warm lemon water every day and walk for an hour before work #wellness "
         "#morningroutine", set(), {Code.INCOMPLETE_SOURCE}),
    ],
)
def test_document_reading_of_references_chatbots_anecdotes_and_endings(text, present, absent):
    codes = {c.code for c in _profile(text).caveats}
    assert present <= codes and not absent & codes


def test_the_sentence_view_carries_what_the_profile_quotes_from_it():
    from rag.check_text import TextChecker
    from rag.settings import Settings

    text = ("Berries and memory\n\nA Harvard study found that berries slow memory loss. The team fed blueberry "
            "extract to 30 aged rats for a month. Great question! Would you like me to list the berries?")
    checked = TextChecker(Settings()).check(text)
    cleaned = checked.document.text

    def codes_of(words: str) -> set[Code]:
        at = cleaned.index(words)
        return {code for f in checked.sentences if f.start <= at < f.end for code in f.codes}

    assert Code.UNVERIFIABLE_CITATION in codes_of("A Harvard study")
    assert Code.PRECLINICAL in codes_of("aged rats")
    assert Code.AI_GENERATED in codes_of("Would you like me")


def test_a_profiles_quote_marks_its_own_sentence_and_only_the_texts_level_marks_designs():
    from rag.check_text import TextChecker
    from rag.settings import Settings

    checker = TextChecker(Settings())
    # the warning's quote runs back past "…" into the sentence before; that sentence carries no warning
    checked = checker.check("Sleep gummies\n\nI was sceptical at first… Not suitable for pregnant or breastfeeding "
                            "women.")
    first = next(f for f in checked.sentences if checked.document.text[f.start:f.end].startswith("I was"))
    assert Code.SAFETY_WARNING not in first.codes
    # chicken in a cohort study is food, not a study's subject: the sentence is no preclinical evidence
    cohort = checker.check("Diet and blood pressure\n\nWe followed 2,000 adults in a prospective cohort for ten "
                           "years. The study found that people who ate more chicken and fish had lower blood pressure.")
    assert cohort.document.evidence_level == Level.OBSERVATIONAL
    assert not any(Code.PRECLINICAL in f.codes for f in cohort.sentences)


# Held-out trial 2's kinds of miss (benchmarks/NOTES.md), on sentences written for this test.
@pytest.mark.parametrize(
    "sentence, code",
    [
        ("Like every operation, hip surgery carries risks such as blood clots.", Code.SAFETY_WARNING),
        ("Possible risks include bruising and a racing heart.", Code.SAFETY_WARNING),
        ("In older patients the drug poses a real risk of falls.", Code.SAFETY_WARNING),
        ("Cupping proved no more effective than sham cupping.", Code.MIXED_EVIDENCE),
        ("The tablets worked no better than sugar pills for hot flushes.", Code.MIXED_EVIDENCE),
        ("Investors already call the inhaler a future blockbuster.", Code.PROMOTIONAL_TONE),
        ("It is a first-in-class antibody for migraine.", Code.PROMOTIONAL_TONE),
        ("Sales of the patch exceeded all expectations.", Code.PROMOTIONAL_TONE),
        ("Within two weeks my rash went away completely.", Code.ANECDOTAL),
        ("She went from six flare-ups a year to one after the diet.", Code.ANECDOTAL),
        # A news story's clinic tally, its relayed surprise and its surgeon's praise.
        ("So far we have treated twelve people with the implant and all are walking.", Code.ANECDOTAL),
        ("His wife said she was amazed at how fast the swelling went down.", Code.ANECDOTAL),
        ("Surgeons describe the robot as the future of knee surgery.", Code.PROMOTIONAL_TONE),
        ("The surgeon spoke of outstanding results in every patient.", Code.PROMOTIONAL_TONE),
        # A shop, a forum and a chatbot in their own words.
        ("Reverse the signs of ageing with our best-selling serum.", Code.PROMOTIONAL_TONE),
        ("Shop the range and save 15% today!", Code.PROMOTIONAL_TONE),
        ("My skin has never been this smooth, writes Priya from Leeds.", Code.ANECDOTAL),
        ("Honestly it did nothing for me after two months.", Code.ANECDOTAL),
        ("I've been on it for 6 weeks now.", Code.ANECDOTAL),
        ("Not recommended for people with kidney disease.", Code.SAFETY_WARNING),
        ("Ask your pharmacist first if you are taking heart medicines.", Code.SAFETY_WARNING),
        ("The powder can irritate the skin of some users.", Code.SAFETY_WARNING),
        ("Science-backed support for healthy joints.", Code.UNVERIFIABLE_CITATION),
        ("A few early trials suggest it eases hay fever.", Code.UNVERIFIABLE_CITATION),
        # A leaflet's and an influencer's.
        ("Gabapentin is not officially licensed for this kind of pain.", Code.OFF_LABEL),
        ("Tell your pharmacist if you are taking blood pressure tablets.", Code.SAFETY_WARNING),
        ("Grab yours with code SPRING20 before Friday.", Code.PROMOTIONAL_TONE),
        ("Full routine at the link in my bio", Code.PROMOTIONAL_TONE),
        ("My eczema is honestly under control now", Code.ANECDOTAL),
        ("My bloating has totally vanished", Code.ANECDOTAL),
        # A review, a lab's quote and a chatbot's safety note, described rather than named.
        ("The certainty of the evidence was judged very low.", Code.MIXED_EVIDENCE),
        ("\"I was astonished when the cells started beating,\" she said.", Code.PROMOTIONAL_TONE),
        ("Too much of it can trigger heart palpitations.", Code.SAFETY_WARNING),
        # A treatment named as one, and what taking it with another does.
        ("The capsules can cause a metallic taste.", Code.SAFETY_WARNING),
        ("Taking them with alcohol can make you very sleepy.", Code.SAFETY_WARNING),
        # Studies vouched for by a year, by who found them or by the writer's memory.
        ("A 2017 review concluded that the tea did nothing.", Code.UNVERIFIABLE_CITATION),
        ("Researchers have recently shown that the root calms the gut.", Code.UNVERIFIABLE_CITATION),
        ("Scientists in Oslo reported the same effect.", Code.UNVERIFIABLE_CITATION),
        ("I saw a study saying it works for migraines too.", Code.UNVERIFIABLE_CITATION),
    ],
)
def test_named_risks_inert_comparators_industry_hype_and_plain_testimony(sentence, code):
    assert code in {c.code for c in find_cues(sentence)}


@pytest.mark.parametrize(
    "sentence, code",
    [
        # "Suggest" as advice is no hedge; as inference it is.
        ("My pharmacist suggested taking it with food.", Code.SPECULATIVE_LANGUAGE),
        ("A friend suggested I try yoga for my back.", Code.SPECULATIVE_LANGUAGE),
        # A design not yet done, or only planned, earns no design caveat.
        ("The gel has not yet been tested in animals.", Code.PRECLINICAL),
        ("Next the group plans to test the vaccine in monkeys.", Code.PRECLINICAL),
        ("An upcoming pilot study will enrol 20 volunteers.", Code.EARLY_OR_SMALL_TRIALS),
        # No risk is no warning; looking like the control tissue is a finding.
        ("The laser carries no risk of scarring.", Code.SAFETY_WARNING),
        ("Healed skin looked similar to control tissue under the microscope.", Code.MIXED_EVIDENCE),
        # How trials work is no study vouched for; a disease harms as a medicine does; a researcher is quoted by
        # institution, not by home town.
        ("When clinical trials show that a new drug works better, it may become standard care.",
         Code.UNVERIFIABLE_CITATION),
        ("Untreated diabetes can damage the eyes and kidneys.", Code.SAFETY_WARNING),
        ("The results are encouraging, said Okafor, from the University of Lagos.", Code.ANECDOTAL),
        # Patients enrolled in a trial are no clinic's tally; an unpaid bill is not praise.
        ("We treated 40 patients who were randomized to the gel or a placebo.", Code.ANECDOTAL),
        ("Several outstanding questions about the dose remain.", Code.PROMOTIONAL_TONE),
        # A modal inside the words of a harm words the harm.
        ("This medicine may make you drowsy.", Code.SPECULATIVE_LANGUAGE),
        # A release's own study, told by its researchers, is the study it is about.
        ("The Leeds researchers found that the patch eased pain.", Code.UNVERIFIABLE_CITATION),
        ("Researchers found that the spray was well tolerated.", Code.UNVERIFIABLE_CITATION),
    ],
)
def test_advice_plans_and_absent_risks_stay_unflagged(sentence, code):
    assert code not in {c.code for c in find_cues(sentence)}


@pytest.mark.parametrize(
    "sentence, code",
    [
        ("These findings suggest that the enzyme protects nerve cells.", Code.SPECULATIVE_LANGUAGE),
        ("The data suggest starting treatment earlier improves survival.", Code.SPECULATIVE_LANGUAGE),
        ("The drop has not been tried in people, but it protected the eyes of rats.", Code.PRECLINICAL),
        ("Only 12 patients took part, and the team hopes to run a larger trial.", Code.EARLY_OR_SMALL_TRIALS),
    ],
)
def test_what_was_done_beside_a_plan_is_still_read(sentence, code):
    assert code in {c.code for c in find_cues(sentence)}


@pytest.mark.parametrize(
    "text, present, absent",
    [
        # A trial registration or a Cochrane review's number is a reference a reader can follow.
        ("Zinc and colds\n\nZinc shortened colds in 80 adults (trial ACTRN12619000456789).", set(),
         {Code.NO_REFERENCES}),
        ("Walking and back pain\n\nWalking eased back pain (Cochrane review CD009876).", set(), {Code.NO_REFERENCES}),
        ("Nuts and memory\n\nNut eaters remembered more words, the team reports in the journal Nutrients.", set(),
         {Code.NO_REFERENCES}),
        # Searching the Cochrane Library names no source of the text's own claims.
        ("Tea and sleep\n\nWe searched the Cochrane Library for trials. Tea improved sleep.", {Code.NO_REFERENCES},
         set()),
    ],
)
def test_identifiers_are_references_and_a_searched_library_is_not(text, present, absent):
    codes = {c.code for c in _profile(text).caveats}
    assert present <= codes and not absent & codes


def test_a_mouse_study_whose_team_hopes_for_human_trials_is_preclinical():
    text = ("Relief for sore joints?\n\nGinger oil calmed swollen paws in rats, a university team reports. The "
            "researchers hope to begin clinical trials in people next year.")
    document = _profile(text)
    assert document.evidence_level == Level.PRECLINICAL
    assert Code.PRECLINICAL in {c.code for c in document.caveats}


def test_a_releases_about_section_does_not_set_its_tone():
    from rag.caveats.profile import text_tone
    from rag.caveats.tone import SENTENCES

    news = ("Clinic opens\n\nThe new clinic will see 40 patients a day from March, its director said. It is on Main "
            "Street, beside the library, and has parking for 60 cars. Appointments are made through a GP.\n\n")
    about = "About Acme Health, Inc.\nAcme makes best-in-class products. Our breakthrough devices are world-leading.\n"
    assert text_tone(news + about)[SENTENCES] == 0.0
    assert text_tone(about + news)[SENTENCES] > 0.0  # a heading in the first half is no closing self-description
    # A shop's "About" page is what it sells: no one said or announced anything before it.
    shop = news.replace(", its director said", "")
    assert text_tone(shop + about)[SENTENCES] > 0.0


def test_a_study_following_people_for_years_is_observational():
    text = "Tea and bones\n\nA study following 20,000 women for twelve years found fewer fractures in tea drinkers."
    assert _profile(text).evidence_level == Level.OBSERVATIONAL


def test_a_review_described_not_named_is_a_systematic_review():
    text = ("Ginger for nausea\n\nA review of 14 trials involving 1,200 pregnant women found ginger eased nausea more "
            "than placebo.")
    assert _profile(text).evidence_level == Level.SYSTEMATIC_REVIEW


@pytest.mark.parametrize(
    "text",
    [
        # People on forums greet and offer too (the review of this session's change).
        "Zinc for colds\n\nGreat question! Zinc helped me a bit. Let me know if you want the link to the brand.",
        "Oats\n\nThat's a good question. I've been coeliac for 20 years and oats never bothered me. Let me know if "
        "you want some recipes!",
    ],
)
def test_a_person_greeting_and_offering_is_no_chatbot(text):
    assert Code.AI_GENERATED not in {c.code for c in _profile(text).caveats}


# The false alarms a review of this session's change found, each a kind the narrowed patterns must leave alone.
@pytest.mark.parametrize(
    "sentence, code",
    [
        ("People at highest risk include older adults and people with diabetes.", Code.SAFETY_WARNING),
        ("Untreated high blood pressure poses serious risks to the heart and kidneys.", Code.SAFETY_WARNING),
        ("Stress and anxiety can upset your stomach.", Code.SAFETY_WARNING),
        ("Worrying too much can cause headaches and poor sleep.", Code.SAFETY_WARNING),
        ("Ask your pharmacist if you are on benefits and need free prescriptions.", Code.SAFETY_WARNING),
        ('"This is an important step," said Smith, from Cancer Research UK.', Code.ANECDOTAL),
        ("Dr Jones said she was surprised by how few patients knew the warning signs.", Code.ANECDOTAL),
        ("Prescriptions for the drug went from 200 a month to more than 5,000.", Code.ANECDOTAL),
        ("My patients are generally better off starting on a low dose.", Code.ANECDOTAL),
        ("I have never been so confused by the advice on cholesterol.", Code.ANECDOTAL),
        ("Enter the code sent to your phone to log in.", Code.PROMOTIONAL_TONE),
        ("Supplements cannot stop age-related macular degeneration.", Code.PROMOTIONAL_TONE),
        ("Naturopaths are not licensed to treat cancer in most states.", Code.OFF_LABEL),
        ("Buying unlicensed medicines online is risky.", Code.OFF_LABEL),
        ("The tablet is similar to a sugar pill in size and colour.", Code.MIXED_EVIDENCE),
        ("Doctors have long known that smoking causes lung cancer.", Code.UNVERIFIABLE_CITATION),
    ],
)
def test_what_the_review_found_stays_unflagged(sentence, code):
    codes = {c.code for c in find_cues(sentence)}
    assert code not in codes, codes


@pytest.mark.parametrize(
    "sentence",
    [
        "Adults planning to start a weight-loss programme were randomly assigned to app coaching or usual care.",
        "Women hoping to begin IVF were randomly assigned to acupuncture or sham acupuncture.",
        "In this randomised trial of 400 adults for whom elective surgery is planned, prehabilitation helped.",
        "The company expects to launch the drug next year after a randomised trial in 3,000 patients showed benefit.",
    ],
)
def test_a_plan_beside_a_trial_that_was_done_leaves_the_trial(sentence):
    assert Level.RANDOMIZED_TRIAL in {f.level for f in analyse(sentence)}


def test_a_profile_names_the_weaker_designs_its_text_reports_beside_the_level():
    text = ("Knee injections\n\nIn a randomised trial of 300 adults, the injection eased knee pain for six months. It "
            "followed a pilot study of 20 patients, and earlier experiments in rats.")
    document = _profile(text)
    codes = {c.code for c in document.caveats}
    assert document.evidence_level == Level.RANDOMIZED_TRIAL
    assert {Code.EARLY_OR_SMALL_TRIALS, Code.PRECLINICAL} <= codes
    # A word of a design's caveat in a sentence that reports none ("early signs") names no design.
    plain = _profile("Screening\n\nIn a randomised trial of 300 adults, screening found early signs of disease.")
    assert Code.EARLY_OR_SMALL_TRIALS not in {c.code for c in plain.caveats}

"""The question's subject (rag/retrieval/subject.py): read from the question's grammar, named or not by passages."""

from rag.retrieval.subject import asked_subjects, condition_names, unnamed_subject

PASSAGES = ["Metformin lowers blood sugar; long use can cause vitamin B12 deficiency.",
            "Low-dose naltrexone (LDN) is taken at night; omega-6 fats are not discussed here."]


def test_the_subject_is_the_slot_the_question_asks_about():
    assert asked_subjects("Can vitamin D help MS?") == ["vitamin d"]
    assert asked_subjects("Is LDN really safe?") == ["ldn"]
    assert asked_subjects("Should I take turmeric for lupus?") == ["turmeric"]
    assert asked_subjects("Is stem cell transplantation used for lupus?") == ["stem cell transplantation"]
    assert asked_subjects("What about gurmar, jamun and bitter melon?") == ["gurmar jamun and bitter melon"]
    assert asked_subjects("Is the blood sugar pill metformin any good for MS?") == ["blood sugar pill metformin"]
    # the subject, not the lay word of the outcome ("poop"), which the no-answer rule must not miss as a subject
    assert asked_subjects("Does metformin make you poop more?") == ["metformin"]
    assert asked_subjects("Has clemastine shown any results in MS?") == ["clemastine"]
    assert asked_subjects("How would gene therapy treat depression?") == ["gene therapy"]
    # what research is said to show: the subject of the clause it shows
    assert "clemastine" in asked_subjects("Has research shown clemastine works in MS?")
    assert asked_subjects("Is there evidence that biotin helps MS?") == ["biotin"]
    # what research knows or studies about ("Tell me about MS fatigue" names a topic, not a treatment)
    assert asked_subjects("What is still being studied about stem cell treatment for SLE?") == ["stem cell treatment"]
    assert asked_subjects("What is known about LDN for MS?") == ["ldn"]
    assert asked_subjects("Tell me about MS fatigue") == []
    # the harm it might do; not what raises a risk or causes something, nor the first of two that interact
    assert asked_subjects("can plaquenil damage your eyes if you take it for lupus for years") == ["plaquenil"]
    assert asked_subjects("Will naltrexone hurt my liver?") == ["naltrexone"]
    assert asked_subjects("Can cousin marriage cause this?") == []
    assert asked_subjects("Does smoking increase the risk of MS?") == []
    assert asked_subjects("Can painkillers interact with LDN?") == []
    # what an aspect is asked of: its dose, side effects or risks are a treatment's ("What dose of metformin…" is
    # answered from the metformin page, not from the LDN page's doses); a class of treatments names none
    assert asked_subjects("What dose of vitamin D should I take for MS?") == ["vitamin d"]
    assert asked_subjects("What are the side effects of low dose naltrexone?") == ["low dose naltrexone"]
    assert asked_subjects("risks of gene therapy for depression") == ["gene therapy"]
    assert asked_subjects("What are the dangers of the usual immune suppressing drugs for lupus?") == []
    # a search-box title names no subject: "Cure for MS?", "tips for fatigue - what works?"
    assert asked_subjects("Cure for MS?") == [] and asked_subjects("tips for fatigue - what works?") == []


def test_a_slot_that_runs_over_a_clause_is_not_a_subject():
    """Long consumer messages: a yes-no question opens its clause, and a subject is a short noun phrase."""
    assert asked_subjects("Our doctors are not clear about this so im asking for help From you.") == []
    assert asked_subjects("Is there a weaning process when you stop taking Amlodipine?") == []
    assert asked_subjects("Why is it recommended that this medicine be taken in the evening?") == []
    assert asked_subjects("I had a fall. Does the new knee brace help? Thanks") == ["new knee brace"]


def test_a_subject_no_passage_names_is_unnamed_and_a_qualifier_must_match():
    assert unnamed_subject("Can vitamin D help MS?", PASSAGES) == "vitamin d"  # "vitamin B12" is not vitamin D
    assert unnamed_subject("Does omega 3 help fatigue?", PASSAGES) == "omega 3"  # nor is "omega-6"
    assert unnamed_subject("Can vitamin B12 help MS?", PASSAGES) is None
    assert unnamed_subject("Does low dose naltrexone work?", PASSAGES) is None
    assert unnamed_subject("Can metformins help?", PASSAGES) is None  # a word's other forms name it too
    assert unnamed_subject("Can metfromin help?", PASSAGES) is None  # one swap off: misspelt
    assert unnamed_subject("Can metfarmon help?", PASSAGES) == "metfarmon"  # two edits: another word
    # a word English knows is no typo, nor a name one letter from a word English knows
    assert unnamed_subject("Does meditation help MS?", ["Ask about your medication."]) == "meditation"
    assert unnamed_subject("Does creatine help MS?", ["They are creating new cells."]) == "creatine"
    # a dose said of a treatment names none: the LDN passage's "low-dose" does not name high-dose biotin
    assert unnamed_subject("Does high dose biotin help progressive MS?", PASSAGES) == "high dose biotin"
    assert unnamed_subject("Can stem cells from umbilical cord help?", ["Stem cells were given."]) is None
    assert unnamed_subject("How could a diabetes tablet help rebuild myelin?", ["A drug for diabetes."]) is None
    # any word of the subject names it, the last as much as the first
    assert unnamed_subject("Do stem cell transplants help lupus?", ["Stem cells may help lupus."]) is None
    assert unnamed_subject("Should I start LDN tomorrow?", PASSAGES) is None
    assert unnamed_subject("Does cannabis oil help MS?", ["Cannabis was studied."]) is None
    # who found it is not what was asked about
    assert unnamed_subject("Have scientists shown that clemastine repairs myelin?", ["Clemastine was tested."]) is None


def test_general_words_name_nothing_and_a_list_is_named_by_any_of_its_items():
    assert unnamed_subject("Is the drug safe?", PASSAGES) is None
    assert unnamed_subject("Can it help?", PASSAGES) is None
    assert unnamed_subject("What about kale, metformin or quinoa?", PASSAGES) is None
    assert unnamed_subject("What about kale or quinoa?", PASSAGES) == "kale or quinoa"


def test_a_word_is_named_by_its_other_forms():
    assert unnamed_subject("What about dosing?", ["The usual doses are 1.5 to 4.5 mg."]) is None
    assert unnamed_subject("Can stem cells help?", ["Stem cell transplantation was tried."]) is None
    assert unnamed_subject("What about the cost?", ["The usual doses are 1.5 to 4.5 mg."]) == "cost"


def test_qualified_names_in_the_forms_passages_write_them():
    passages = ["Vitamin D3 supplements were given.", "omega-3s are fats", "vitamin B-12 levels fell"]
    for question in ("Can vitamin D help MS?", "Does omega-3 help?", "Can vitamin B12 help?", "Can vitamin B-12 help?"):
        assert unnamed_subject(question, passages) is None, question
    assert unnamed_subject("Does omega 6 help?", passages) == "omega 6"
    assert unnamed_subject("Can vitamin B12 help?", ["Vitamin D helps."]) == "vitamin b12"


def test_a_message_is_unnamed_only_when_everything_it_asks_about_is():
    question = "Is coffee safe with metformin? Can metformin help MS?"
    assert unnamed_subject(question, PASSAGES) is None
    assert unnamed_subject(question, ["Nothing here."]) == "metformin"
    assert unnamed_subject("Will the new drug help?", ["Nothing here."]) is None  # "new drug" names nothing


def test_blank_lines_and_long_messages_are_read_as_clauses():
    assert asked_subjects("Hi.\n\n\n   \nCan vitamin D help MS?") == ["vitamin d"]
    assert asked_subjects("\n" * 5000) == [] and asked_subjects(" " * 30000 + "x") == []


def naming_documents(question, texts, share):
    """The documents naming what `question` asks about, as retrieval reads them (None: it names nothing known)."""
    from rag.retrieval.subject import keys_naming, subject_names

    names = subject_names(question, share)
    return None if names is None else keys_naming(names, texts)


def test_a_document_names_a_subject_by_most_of_its_words_weight():

    shares = {"stem": 0.01, "cells": 0.2, "low": 0.3, "dose": 0.2, "naltrexone": 0.01, "vitamin": 0.05}
    share = lambda word: shares.get(word, 0.0)  # the share of passages holding a word
    texts = {
        "lupus": ["Umbilical cord mesenchymal stem cells lessen autoimmunity."],
        "metformin": ["Metformin protects nerve cells and reduced fatigue in MS."],  # "cells", but no "stem"
        "ldn": ["Naltrexone at 4.5 mg reduced fatigue in MS."],
        "aspirin": ["A low dose of aspirin is not the same thing."],
    }
    assert naming_documents("Can stem cells help MS fatigue?", texts, share) == {"lupus"}
    # "naltrexone" names it; "a low dose of aspirin" holds only "low" (a dose names no treatment: "dose" is a
    # general word), a fifth of the weight; the metformin page holds none of it.
    assert naming_documents("Can low dose naltrexone help MS fatigue?", texts, share) == {"ldn"}
    # "stem cells" is most of "stem cell transplant" (the rarer words weigh more): the lupus page names it too.
    shares["transplant"] = 0.01
    texts["ms"] = ["Autologous stem cell transplantation reset the immune system in MS."]
    assert naming_documents("Can a stem cell transplant help lupus?", texts, share) == {"lupus", "ms"}
    assert naming_documents("Can vitamin D help MS fatigue?", texts, share) == set()
    # No subject, an aspect, or a subject the collection never names: every document may answer.
    assert naming_documents("Is it safe?", texts, share) is None
    assert naming_documents("What about side effects?", texts, share) is None
    assert naming_documents("Can acupuncture help MS?", texts, share) is None


def test_the_condition_is_what_the_treatment_is_asked_to_act_on():
    def words(question):
        return [[name for name, _ in named] for named in condition_names(question, lambda word: 0.2) or []]

    assert words("Can stem cells help MS?") == [["ms"]]
    assert words("Does cell therapy work for lupus?") == [["lupus"]]
    assert words("Is LDN safe for people with MS?") == [["ms"]]
    assert words("Has clemastine shown any results in MS?") == [["ms"]]
    # not how long, where in the body, or the treatment itself; not read from a long message
    assert words("is metformin ok to take for years") == []
    assert words("How does naltrexone at tiny doses work in the body?") == []
    assert words("Can metformin help metformin?") == []
    assert words("My story. " * 30 + "Can stem cells help MS?") == []



def test_what_the_question_names_that_no_passage_mentions():
    """`not_mentioned`'s words: names (no common English word), in no passage in any form or one letter off."""
    from rag.retrieval.subject import unmentioned

    ldn = ["Low-dose naltrexone (LDN) reduced fatigue in multiple sclerosis; it cannot be taken with opioids."]
    assert unmentioned("Is low dose naltrexone any good for Crohn's disease?", ldn) == ["Crohn's"]
    assert unmentioned("I take tramadol and pregabalin, is it ok to add LDN?", ldn) == ["tramadol", "pregabalin"]
    # common English (with its endings) is left alone: the page says "fatigue" for tiredness
    assert unmentioned("Can LDN help with tiredness and aches?", ldn) == []
    # a name the page holds in another form, or misspelt, is mentioned; so is an apostrophe-less contraction
    assert unmentioned("Does naltrexones help? I dont know", ldn) == []
    assert unmentioned("Does naltrexome help MS fatige?", ldn) == []
    assert unmentioned("Does LDN help MS?", []) == []  # short abbreviations are left alone
    # a common word misspelt is no name; a name the collection holds somewhere is not "in no document"
    assert unmentioned("Can I take LDN immediatly if I am pregnent?", ldn) == []
    assert unmentioned("Can LDN be taken with fingolimod?", ldn, known=lambda stem: stem == "fingolimod") == []
    assert unmentioned("Can LDN be taken with fingolimod?", ldn) == ["fingolimod"]
    # a disease named after a person is a name, though the encoder's vocabulary knows "parkinson"
    assert unmentioned("heard LDN protects against Parkinson's", ldn) == ["Parkinson's"]
    assert unmentioned("Parkinson's disease and LDN?", ldn) == ["Parkinson's"]
    # an everyday possessive opening a sentence is no name
    assert unmentioned("Women's experience of LDN? Today's view on it?", ldn) == []
    # what the question asks for is no name
    assert unmentioned("What are the downsides of LDN?", ldn) == []
    # a hyphenated name is read whole: "CAR-T" is neither "car" nor "T"; one the passages hold, in any spelling, is
    # mentioned, and so is one whose every part the collection holds
    assert unmentioned("Is CAR-T cell therapy any good for MS?", ldn) == ["CAR-T"]
    assert unmentioned("Is CAR-T cell therapy any good for MS?", ["CAR T cells were given."]) == []
    assert unmentioned("Is CAR-T cell therapy any good for MS?", ldn, known=lambda stem: stem == "car") == []


def test_a_long_message_of_unknown_words_reads_a_bounded_number_of_names():
    """A 2,000-character message of made-up words is read for at most MAX_NAMES_READ names (bounded work)."""
    from rag.retrieval.subject import MAX_NAMES_READ, unmentioned

    words = [f"zq{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}vex" for i in range(400)]
    found = unmentioned(" ".join(words), ["Low-dose naltrexone reduced fatigue."])
    assert found == words[:MAX_NAMES_READ]


def test_a_search_box_query_is_about_its_names():
    """A query of a few words and no grammar names what it asks about by its uncommon words; a sentence, a long
    query or common words name nothing this way, and refusing reads only the grammar."""
    from rag.retrieval.subject import keyword_names

    assert keyword_names("metformin dose?") == "metformin"
    assert keyword_names("fingolimod bdnf") == "fingolimod bdnf"
    assert keyword_names("ldn tiredness") == "ldn"  # "tiredness": the pages may say "fatigue"
    assert keyword_names("Can LDN help MS?") is None  # a sentence: its grammar says
    assert keyword_names("breast cancer and soy") is None  # common words only
    assert keyword_names("metformin ldn lupus stem cell therapy dose") is None  # more than a few words
    assert asked_subjects("metformin dose?") == []  # the refusal rule still reads grammar only



def test_a_misspelt_word_is_respelt_as_the_passages_spell_it():
    """Only a word the collection lacks, no common English word, one edit from a word of the passages."""
    from rag.retrieval.subject import respelt

    texts = ["Side Effects GI disturbances, vitamin B12 deficiency", "Metformin helps; metformin is used.",
             "Depression is common."]
    unknown = lambda words: [False] * len(words)
    assert respelt("metformn side efects?", texts, unknown) == "metformin side effects?"
    assert respelt("meditation for depresion", texts, unknown) == "meditation for depression"  # English stays
    assert respelt("metformn", texts, lambda words: [True] * len(words)) == "metformn"  # the collection holds it
    assert respelt("zzzzzz", texts, unknown) == "zzzzzz"  # nothing one edit away


def test_a_search_box_query_whose_names_one_passage_holds_is_held():
    from rag.retrieval.subject import keywords_held

    texts = ["Others like fingolimod can cross the blood-brain barrier directly enhancing BDNF production.",
             "Important Caveat: LDN cannot be taken with opioids."]
    assert keywords_held("fingolimod bdnf", texts)
    assert not keywords_held("fingolimod bdnf", texts[1:])  # no passage holds both
    assert not keywords_held("coffee caveats", texts)  # one name is not enough
    assert not keywords_held("Does fingolimod raise BDNF?", texts)  # a sentence: the score decides


def test_what_a_treatment_does_for_a_condition_names_both_and_an_aside_is_left_out():
    assert asked_subjects("What does a stem cell transplant (aHSCT) do for MS?") == ["stem cell transplant"]
    assert condition_names("What does a stem cell transplant (aHSCT) do for MS?", lambda word: 0.1)
    assert asked_subjects("Can low dose naltrexone (LDN) help MS fatigue?") == ["low dose naltrexone"]


def test_a_word_too_long_to_be_misspelt_is_never_expanded_into_its_edits():
    """A 2,000-letter "word" (a hostile question) would have ~100,000 edits of 2,000 letters each."""
    from rag.english import MAX_TYPO_LETTERS
    from rag.english import edits as _edits
    from rag.retrieval.subject import respelt, unmentioned

    word = "qwertyuiopasdfghjklzxcvbnm" * 77
    assert _edits(word) == set() and _edits("metformn")  # a word of typo length still has its edits
    assert len(_edits("x" * MAX_TYPO_LETTERS)) > 0
    assert respelt(word, ["metformin"], lambda words: [False] * len(words)) == word
    assert len(unmentioned(word, ["metformin"])) == 1  # still a name no passage holds (read up to MAX_CHARS)

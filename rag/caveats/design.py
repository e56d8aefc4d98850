"""Study designs a sentence *reports*, and the evidence level of a passage or document built from them.

A design counts only when the sentence reports it: not when it asks for one ("further randomized
trials are needed"), denies one ("non-randomized"), or recalls other people's work ("several
randomized trials have shown"). A study on animals is preclinical even when it was randomized, and
animals mentioned beside human participants are background, not the study's evidence.
"""

from __future__ import annotations

import re

from rag.caveats.codes import Level
from rag.caveats.patterns import union_source
from rag.caveats.spans import SpanSet

_ANIMAL_WORDS = """mice mouse murine rat rats rodent rodents rabbit rabbits hamster hamsters guinea-pig guinea-pigs pig
    pigs piglet piglets swine porcine sow sows dog dogs canine puppies cats feline sheep ewe ewes lamb
    lambs ovine goat goats caprine cow cows calves cattle bovine horse horses equine monkey monkeys
    macaque macaques primate primates baboon baboons chicken chickens chick chicks zebrafish drosophila
    xenopus frog frogs""".split()
# Lower case or capitalised only: "GOAT" and "RAT" are acronyms of tests and scales.
ANIMALS = "(?-i:" + "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}".replace("-", "[- ]") for w in _ANIMAL_WORDS) + ")"
# The people an observational study describes itself as following or reviewing.
_PEOPLE = (r"(?:patients|cases|women|men|children|adults|adolescents|teenagers|infants|neonates|newborns|subjects|"
           r"participants|individuals|girls|boys|admissions|residents|veterans|students|mothers|pregnancies|smokers|users|"
           r"beneficiaries|enrollees)")
# Testimony: people telling what a treatment did for them, first-hand ("I have never felt better") or as a page
# relays it ("my sister swears by it", a clinic's "94% of them report less pain", readers writing in). The text rests
# on anecdote (rules.ANECDOTAL quotes the same cues; a question tells no one's story and is skipped there).
_ME = r"I(?:'ve| have| had|'d| am|'m)?"
TESTIMONY = (
    r"\b(?:readers|listeners|viewers|followers|customers|patients) (?:have |had )?(?:written|wrote|emailed|"
    r"messaged) (?:in )?to (?:tell|thank|say)\b",
    r"\bI (?:quit|stopped|started|tried|took|switched|swapped|began|gave up)\b[^.!?\n]{0,60}?\b(?:and|now) (?:I )?"
    r"(?:feel|felt|(?:have|had) (?:no|more|less|fewer) (?:pain|energy|symptoms|attacks|migraines|flares))\b",
    # First-person improvement, as posts and reviews tell it: "I have never felt better", "my knees barely hurt
    # anymore", "I had more energy than I'd had in years", "since I started them I haven't had a single cramp".
    rf"\b(?:{_ME} never (?:felt|been)|my (?:[\w-]+ ){{0,3}}(?:has|have) never (?:been|felt)) (?:better|healthier|"
    r"happier|sharper|clearer|stronger|(?:so|this) (?:good|well|healthy|strong|energetic|calm|happy|clear|rested|"
    r"relaxed|focused|fit|pain-free|smooth|soft|young))\b",
    # What it did for the writer, either way: "didn't do anything for me", "been on it 8 months"; a shop quoting
    # its customer ("writes Jenna from Ohio").
    r"\b(?:did(?:n't| not)|does(?:n't| not)) (?:do (?:anything|much|a thing)|work|help)(?: at all)? for me\b"
    r"|\bdid (?:\w+ly )?(?:nothing|little) for me\b",
    rf"(?:^|: |\b{_ME} )(?:been )?(?:on|taking) (?:it|this|them|these) (?:for )?(?:about |nearly |over )?(?:\d+|two|"
    r"three|four|five|six|seven|eight|nine|ten|a few|several) (?:days|weeks|months|years)\b",
    # a shop's customer, by home town ("writes Jenna from Ohio"; a reporter's "said Smith, from Novartis" is no one's
    # story)
    r"\b(?:writes|wrote) [A-Z][a-z]+,? (?:\d{2},? )?from [A-Z][a-z]+\b",
    r"\b(?:changed|saved|transformed) my life\b",
    r"\b(?:worked|has worked|did) (?:wonders|miracles)\b|\b(?:works?|worked) (?:wonders |miracles )?for me\b|"
    r"\bworked like a charm\b",
    r"\bmy (?:[\w-]+ ){0,2}(?:is|are|was|were|has|have|had) (?:now |all |since |pretty much |just |completely |"
    r"totally |finally |basically |almost |nearly |virtually |practically |literally |honestly |really |actually )?"
    r"(?:gone|vanished|disappeared|cleared(?: up)?|lifted|stopped|(?:so |much |far |a lot )?(?:better(?! off)|brighter|"
    r"improved)|back to normal|under control)\b",
    r"\bI (?:now |finally )?sleep like a (?:baby|log)\b",
    # ... or with no auxiliary: "my skin cleared up within a month", "went from ten headaches a week to two".
    r"\bmy (?:[\w-]+ ){0,2}(?:cleared up|went away|disappeared|vanished|settled down|calmed down)\b",
    r"\b(?:I|she|he|we|my \w+|her \w+|his \w+) went from (?:about |around |roughly |over |nearly |maybe )?\w+ "
    r"(?:[\w-]+ ){0,3}(?:a|per|each|every) "
    r"(?:day|night|week|month|year) (?:to|down to)\b",
    r"\bmy (?:[\w-]+ ){0,2}(?:barely|hardly|no longer|never|(?:do|does|did)(?:n't| not)) (?:hurts?|aches?|bothers? me|"
    r"itch(?:es)?|flares? up)\b",
    rf"\b{_ME} (?:now |finally )?(?:have |had |got )?(?:so much |much |far |a lot )?more energy\b",
    # "since I started (taking) it": what was taken, not a career ("Since I started as a GP in 2004, I have seen…")
    r"\bsince (?:I )?(?:started|began|switched|swapped|took|stopped|quit|cut|gave up|went on|came off|going on|"
    r"starting|taking)\b(?! (?:as|work|working|practi[sc]\w*|my (?:job|career|training))\b)[^.!?\n]{0,60}?"
    rf"\b{_ME}(?: not| no longer| haven't| hadn't| now)? (?:had|have|feel|felt|feeling|sleep|slept|sleeping|noticed|"
    r"been|lost|can)\b",
    r"\bsw(?:ear|ears|ore|earing) by\b",
    # A clinician's own tally ("We have treated eight patients so far and every one has improved"), and a patient's
    # surprise as a reporter relays it ("said he was stunned by how quickly his pain eased").
    r"\b(?:we|I)(?:'ve| have)? (?:now |so far |already )?(?:treated|seen|helped) (?:more than |over |about |nearly "
    r"|some )?(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|a dozen|"
    r"dozens of|hundreds of|thousands of) (?:patients|people|clients|children|women|men)\b"
    r"(?![^.;\n]{0,40}\b(?:randomi[sz]ed|enrolled|assigned|allocated|recruited)\b)",
    r"\b(?:said|says|told [\w ]{1,20}?) (?:she|he|they) (?:was|were|is|are|felt|feels) (?:\w+ )?(?:amazed|stunned|"
    r"astonished|thrilled|delighted|overjoyed|shocked|surprised) (?:by|at) how (?:quickly|fast|soon|much better|well|"
    r"little|easily)\b",
    r"\b\d{1,3}(?:\.\d)?% of (?:them|our (?:patients|clients|customers|users)) (?:report|reported|say|said|felt|feel|"
    r"noticed)\b",
    r"\b[Mm]y (?:neighbou?r|friend|aunt|uncle|mother|mum|mom|father|dad|sister|brother|wife|husband|cousin|"
    r"colleague|grandmother|grandfather)\b[^.!?\n]{0,40}?\b(?:swears|says|said|told me|takes|took|tried|"
    r"uses|used)\b",
)
# A span of years: "1995 and 2005", "March 2001 to June 2004", "January 1, 2005, and June 30, 2009", "3 March 2004
# and 9 May 2008", "1/1997-12/1999" (two-digit years are left out: "1/97" is as often a ratio or a dose).
_DATE = r"(?:\d{1,2} )?(?:\w+ (?:\d{1,2},? )?)?(?:\d{1,2}/)*(?:19|20)\d{2}"
_SPAN = rf"{_DATE},?\s*(?:and|to|until|through|-|–)\s*{_DATE}"
DESIGNS: dict[str, tuple[Level, tuple[str, ...]]] = {
    "systematic_review": (
        Level.SYSTEMATIC_REVIEW,
        (r"\bsystematic(?:ally)? (?:review|literature review|search)", r"\bmeta-?analy[sz]\w*", r"\bCochrane review\b",
         # Described, not named: "a review of 22 trials", "pooled the results of 14 studies".
         # (not a regulator's "review of two studies submitted by the company", nor "ten years of studies")
         r"(?<!FDA's )(?<!agency's )(?<!EMA's )\breview of (?:more than |over |nearly |about |some )?(?:\d[\d,]*|two|"
         r"three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|[a-z]+ty) (?:(?!years|months|decades)\w+ )"
         r"{0,2}(?:trials|studies)\b",
         r"\bpool(?:ed|ing) (?:the )?(?:data|results) (?:of|from) (?:\d+|[a-z]+) (?:\w+ ){0,2}(?:trials|studies)\b"),
    ),
    "randomized_trial": (
        Level.RANDOMIZED_TRIAL,
        (
            r"(?<!non-)(?<!non )(?<!quasi-)(?<!pseudo-)\brandomi[sz](?:ed|ation|ing)\b",
            r"\brandomly (?:assigned|allocated|divided|distributed|split)\b",
            r"\b(?:assigned|allocated) (?:at "
            r"random|randomly)\b",
            r"\brandom (?:allocation|assignment)\b",
            r"\bRCTs?\b",
            r"\bdouble-?blind\w*",
            r"\bplacebo-controlled\b",
        ),
    ),
    "cohort": (
        Level.OBSERVATIONAL,
        (
            r"\bcohorts?\b",
            r"\bprospective(?:ly)? (?:\w+ "
            r")?(?:study|studies|followed|collected|enrolled|evaluated|recorded|registered|database|data|analysis|"
            r"registry|registries)\b",
            r"\blongitudinal (?:study|analysis|data)\b",
            r"\bfollow[- ]?up stud(?:y|ies)\b",
            # Described, not named: "followed 1,200 women for ten years" (a trial that says so too is randomized).
            # ("research following 500,000 adults for ten years"; not "guidelines recommend following patients")
            rf"(?:\bfollowed|\b(?:stud(?:y|ies)|research|analysis|project|trial) following) (?:up )?(?:(?:more than|"
            rf"over|nearly|about|almost|some) )?(?:(?:\d[\d,]*|half a) )?(?:\w+ ){{0,2}}{_PEOPLE} "
            r"(?:for|over) (?:\w+ ){0,2}(?:years?|months|decades?)\b",
        ),
    ),
    "case_control": (Level.OBSERVATIONAL, (r"\bcase-?control\b", r"\bcase[- ]referent\b", r"\bmatched controls\b")),
    "cross_sectional": (Level.OBSERVATIONAL, (r"\bcross[- ]?sectional\b",)),
    "retrospective": (
        Level.OBSERVATIONAL,
        (
            r"\bretrospective(?:ly)?\b",
            r"\bchart review\b",
            r"\b(?:medical|hospital|clinical) (?:records?|charts?) "
            r"(?:of|review|were)\b",
            r"\bwe (?:reviewed|analy[sz]ed|examined|searched|linked) (?:the )?(?:\w+ )?(?:records|charts|registry "
            r"data|claims data)\b",
            # Described rather than named: people seen over a stated span of years, consecutive patients, records or
            # a database searched. A trial says so too ("randomized"), and the stronger design wins.
            rf"\b{_PEOPLE}\b[^.;]{{0,120}}?\b(?:between|from|during|in the period|over the period) {_SPAN}\b",
            rf"\b(?:between|from|during|in the period|over the period) {_SPAN}\b[^.;]{{0,120}}?\b{_PEOPLE}\b",
            rf"\b{_PEOPLE}\b[^.;]{{0,80}}?\bover an? "
            r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|\w+teen|twenty)[- ](?:year|month)s? period\b",
            r"\bconsecutive (?:\w+ ){0,2}(?:patients|cases|admissions|subjects|women|men|children|infants|procedures|"
            r"operations|surgeries)\b",
            r"\b(?:records|charts|databases?|registr(?:y|ies)|files)\b (?:\w+ ){0,4}(?:were|was) (?:\w+ "
            r")?(?:reviewed|analy[sz]ed|searched|queried|examined|evaluated)\b",
            rf"\b{_PEOPLE}\b[^.;]{{0,100}}?\b(?:were|was) (?:\w+ )?reviewed\b",
            r"\b(?:prospectively|retrospectively) "
            r"(?:assessed|collected|enrolled|recruited|studied|reviewed|analy[sz]ed|identified|included|followed)\b",
        ),
    ),
    "observational": (
        Level.OBSERVATIONAL,
        (
            r"\bobservational\b",
            r"\bpopulation-based\b",
            r"\bnationwide "
            r"(?:study|data|cohort|database)\b",
            r"\bregistry-based\b",
        ),
    ),
    "early_trial": (
        Level.SMALL_OR_EARLY_TRIAL,
        (
            r"\bpilot\b",
            r"\bphase (?:I|1|II|2|I/II|1/2|1b|2a|Ib|IIa)\b (?:\w+[- "
            r"]){0,2}(?:trials?|stud(?:y|ies)|clinical|testing|results)\b",
            r"\bearly[- ](?:stage|phase) "
            r"(?:clinical "
            r")?(?:trials?|studies)\b",
            r"\bopen-label\b",
            r"\b(?:trials?|studies) (?:on \w+ )?(?:have been|were|was) small\b",
            r"\bsmall "
            r"(?:trials?|studies)\b",
            r"\bearly results\b",
            r"\bclinical trials? testing\b",
        ),
    ),
    "case_report": (
        Level.ANECDOTE_OR_OPINION,
        (
            r"\bcase (?:report|series)\b",
            r"\bwe (?:report|describe|present) "
            r"(?:a|an|the) (?:case|patient)\b",
        ),
    ),
    "survey": (Level.ANECDOTE_OR_OPINION, (r"\bsurvey(?:ed|s)?\b", r"\bquestionnaires?\b", r"\brespondents\b")),
    "anecdote": (
        Level.ANECDOTE_OR_OPINION,
        (
            r"\banecdot\w*",
            r"\btestimonials?\b",
            r"\bpatient registr(?:y|ies)\b",
            r"\breal-life "
            r"experiences?\b",
            *TESTIMONY,
        ),
    ),
    "animal_or_in_vitro": (
        Level.PRECLINICAL,
        (
            rf"\b(?:{ANIMALS})\b",
            r"\bin[- ]vitro\b",
            r"\bin (?:a|the) (?:petri |lab )?dish(?:es)?\b",
            r"\banimal "
            r"(?:models?|studies|study|experiments?)\b",
            r"\bcell[- "
            r"]cultures?\b",
            r"\bcell lines?\b(?!-)",
            r"\bcultured (?:\w+ )?cells\b",
            r"\b(?:laboratory|lab) "
            r"(?:studies|study|experiments?)\b",
            r"\bpre-?clinical\b",
            r"\btissue cultures?\b",
            r"\bex vivo\b",
            r"\b(?:the|these|all) animals\b",
        ),
    ),
}
# Mentions that report no design at all: a study called for, or one said to be missing.
_NOT_REPORTED = re.compile(
    r"\b(?:further|future|more|larger|well-designed|additional)\b[^.]{0,40}\b(?:are|is|will be)? ?(?:needed|essential|"
    r"required|warranted|necessary)\b|\b(?:further|future|more|larger|additional|well-designed|prospective,?) "
    r"(?:randomi[sz]ed|controlled|clinical|large)\b[^.]{0,60}\b(?:needed|required|warranted|should|would|will|are "
    r"necessary)\b|\black of\b|\bsparse\b|\bno (?:randomi[sz]ed|controlled|prospective)\b"
    # A design named only as what is still needed: "randomized trials are needed", "RCTs should be conducted".
    r"|\b(?:trials?|studies|RCTs|research)\b (?:(?:are|is) (?:\w+ly |still |now )?(?:needed|required|warranted|"
    r"necessary|called for)|(?:should|must|need to) be (?:conducted|performed|done|undertaken|carried out))\b",
    re.IGNORECASE,
)
# A design not yet done, named after the words that say so: "has not yet been tested in animals", "the team plans to
# start studies in rats", "the next step is a trial in people", "an upcoming phase 2 trial".
_NOT_DONE_AFTER = re.compile(
    r"\b(?:ha(?:s|ve|d)(?: not|n't)|never) (?:yet )?been (?:tested|studied|tried|trial+ed|evaluated|investigated)\b"
    r"|\b(?:yet to be|not yet(?: been)?) (?:tested|studied|tried|trial+ed|evaluated)\b"
    r"|\b(?:plans?|planning|hopes?|hoping|intends?|intending|expects?|expecting) to (?:\w+ ){0,3}?(?:test|start|begin|"
    r"launch|run|conduct|carry out|move)\b|\bnext steps? (?:is|are|will be|would be|includes?)\b|\bupcoming\b",
    re.IGNORECASE,
)
# Mentions of other people's studies: background in an abstract, the only evidence in many a web page.
BACKGROUND = re.compile(
    r"\b(?:previous(?:ly)?|prior|earlier|several|other|many|numerous|recent) (?:\w+ "
    r"){0,2}(?:studies|trials|reports|investigations|meta-analyses)\b|\b(?:has|have) (?:\w+ly )?(?:been )?(?:\w+ly "
    r")?(?:shown|proved|proven|demonstrated|reported|suggested|described|observed)\b",
    re.IGNORECASE,
)
_EXCLUDE = {
    "randomized_trial": re.compile(
        r"\brandomly (?:selected|chosen|sampled|drawn)\b|\brandom(?:ly)? sampl\w*", re.IGNORECASE
    ),
    "cross_sectional": re.compile(
        r"\bcross[- ]?sectional "
        r"(?:areas?|diameters?|images?|imaging|views?|slices?|dimensions?|shape)\b",
        re.IGNORECASE,
    ),
    "animal_or_in_vitro": re.compile(
        r"\bin[- ]vitro fertili[sz]ation\b|\bIVF\b|\bMickey Mouse\b|\bcomputer mouse\b|\banimal[- "
        r"]assisted\b|\banimal bites?\b|\bpets?\b",
        re.IGNORECASE,
    ),
}
# The text's own human participants ("87 patients", "participants were randomized"). A number starts at the
# start of its digits ("1,234", not "234"): trying every digit of "1,1,1,…" made one search quadratic.
OWN_PARTICIPANTS = re.compile(
    r"\b(?<!\d,)\d[\d,]*+\s+(?:\w+[- ]){0,3}?(?:patients|participants|subjects|volunteers|women|men|children|adults|"
    r"infants|neonates|newborns|individuals|persons|people|cases|mothers|pregnancies|students|physicians|nurses|"
    r"residents|veterans|twins|boys|girls)\b|\b(?:patients|participants|subjects|volunteers|respondents) (?:were|was) "
    r"(?:\w+ )?(?:enrolled|recruited|included|randomi[sz]ed|assigned|allocated|treated|followed|studied|evaluated|"
    r"examined|divided|selected|asked|interviewed|identified|reviewed|operated|screened|admitted)\b",
    re.IGNORECASE,
)
# Any human evidence named: own participants, or clinical studies in people.
HUMAN_EVIDENCE = re.compile(
    OWN_PARTICIPANTS.pattern + r"|\bclinical (?:trials?|studies|study)\b|\bin (?:humans|people)\b"
    r"|\bhuman (?:trials?|studies|subjects|participants|volunteers)\b",
    re.IGNORECASE,
)
COMPILED_DESIGNS = {  # case-blind but for "RCT"
    name: re.compile(union_source([(p, "" if "RCT" in p else "i") for p in patterns]))
    for name, (_, patterns) in DESIGNS.items()
}


# ... or before them: "a larger trial is planned" (not "a trial of adults for whom surgery is planned").
_NOT_DONE_BEFORE = re.compile(r"\b(?:trials?|stud(?:y|ies)|pilot|experiments?)\b(?:(?!\b(?:who|whom|which|whose)\b)"
                              r"[^,;:.]){0,40}?\b(?:is|are) (?:now |also )?(?:being )?planned\b", re.IGNORECASE)
# Where what is not yet done stops governing: a clause break, a new clause ("and the results in mice were…"), a
# finite verb of the sentence's own subject ("Adults planning to start a programme were randomly assigned…"), or
# what was done after all ("…after a trial in 3,000 patients showed", "analyse data from the trial").
_NOT_DONE_END = re.compile(r"[,;:()]|\b(?:and|but|after|were|was|had|showed|found|reported|data|results)\b",
                           re.IGNORECASE)
_NOT_DONE_REACH = 80  # characters from the words that say so to the design they govern


def unreported_clauses(sentence: str, planned: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The spans of a sentence whose designs are not reported: all of it when a design is only called for ("larger
    trials are needed"), else the designs not yet done (`not_done`; `planned` when the caller has read it)."""
    if _NOT_REPORTED.search(sentence):
        return [(0, len(sentence))]
    return not_done(sentence) if planned is None else planned


def not_done(sentence: str) -> list[tuple[int, int]]:
    """The clauses naming a design not yet done or only planned, on the side the design lies ("has not been tested
    in people, but it worked in mice" reports mice; "a larger trial is planned")."""
    spans: list[tuple[int, int]] = []
    for match in _NOT_DONE_AFTER.finditer(sentence):
        following = _NOT_DONE_END.search(sentence, match.end(), match.end() + _NOT_DONE_REACH)
        spans.append((match.start(), following.start() if following else match.end() + _NOT_DONE_REACH))
    spans.extend(match.span() for match in _NOT_DONE_BEFORE.finditer(sentence))
    return spans


def sentence_designs(sentence: str, planned: list[tuple[int, int]] | None = None) -> list[tuple[str, int, int]]:
    """(design, start, end) of each design the sentence reports, with the span of its first cue; `planned` is
    `not_done(sentence)` when the caller has read it already."""
    unreported = unreported_clauses(sentence, planned)
    found: list[tuple[str, int, int]] = []
    for name, pattern in COMPILED_DESIGNS.items():
        excluded: SpanSet | None = None  # found once, and only for a design the sentence names
        for match in pattern.finditer(sentence):
            excluded = excluded or SpanSet(_EXCLUDE.get(name), sentence)
            if excluded.near(match.start(), match.end()) or any(
                    lo <= match.start() < hi for lo, hi in unreported):
                continue
            found.append((name, match.start(), match.end()))
            break
    return found


def sentence_level(designs: list[str], sentence: str) -> Level:
    """A design applied to animals or cells is preclinical ("34 mice were assigned at random");
    otherwise the strongest design the sentence names."""
    if "animal_or_in_vitro" in designs and not HUMAN_EVIDENCE.search(sentence):
        return Level.PRECLINICAL
    return min((DESIGNS[name][0] for name in designs), key=list(Level).index, default=Level.NONE_STATED)


_SENTENCE_END = re.compile(r"[.!?\n]")
_AROUND = 400


def _names_human_evidence(text: str) -> bool:
    """Whether the text reports evidence in people: "clinical trials" the team hopes to start do not count."""
    for match in HUMAN_EVIDENCE.finditer(text):
        # the sentence around it, at most _AROUND characters either side: a text with no sentence break is read
        # in windows, not whole once per match
        ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, match.start() - _AROUND), match.start())]
        start = ends[-1] if ends else max(0, match.start() - _AROUND)
        following = _SENTENCE_END.search(text, match.end(), match.end() + _AROUND)
        sentence = text[start : following.start() if following else min(len(text), match.end() + _AROUND)]
        at = match.start() - start
        if not any(lo <= at < hi for lo, hi in unreported_clauses(sentence)):
            return True
    return False


def is_background(sentence: str) -> bool:
    return bool(BACKGROUND.search(sentence))


def text_level(
    levels: list[Level], text: str, default: Level = Level.NONE_STATED, background: list[Level] | None = None
) -> Level:
    """The evidence level of a passage or document from its sentences' levels.

    `background` are the levels of sentences about other people's studies: they count only when the
    text has no participants of its own, as in a web page or a review. Preclinical wins when the text
    names no human evidence at all; when the text studied people, its animal sentences are background.
    """
    own_participants = bool(OWN_PARTICIPANTS.search(text))
    present = set(levels) - {Level.NONE_STATED}
    if not present and not own_participants:
        present = set(background or ()) - {Level.NONE_STATED}
    if Level.PRECLINICAL in present and not _names_human_evidence(text):
        return Level.PRECLINICAL
    if own_participants:
        present.discard(Level.PRECLINICAL)
    return min(present, key=list(Level).index, default=default)

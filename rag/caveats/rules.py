"""The caveat rules as data: one row per code with its patterns, context exclusions, severity and wording.

Patterns are case-insensitive regular expressions unless a rule says otherwise; `^` and `$` match at
line breaks. Rules run on one sentence at a time. `exclude` patterns are checked against the same
sentence: a hit there means the cue is not what it seems ("further randomized trials are needed"
reports no trial; "breakthrough therapy designation" is an FDA programme, not hype).
Hedges (`speculative_language`) are mostly learned from data (`hedges.py`); the patterns here add the
hedges of everyday English that biomedical abstracts rarely use ("could help", "holds promise").
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.caveats.codes import Code, Severity
from rag.caveats.design import TESTIMONY


@dataclass(frozen=True)
class CueRule:
    code: Code
    label: str
    severity: Severity
    detail: str
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    case_sensitive: bool = False
    # A cue is dropped when the words just before it end in one of these ("a 14% lower | risk of death"): an
    # exclusion that reaches no further than the cue it qualifies.
    preceded_by: tuple[str, ...] = ()


# Promotional families read from FakeHealth dev reviewers' reasons, each quoted in at least two releases: a field's
# milestone, its big step, pioneering and huge work. Kept apart so that benchmarks/caveats_dev.py can hide from each
# cross-validation fold the families its training releases' reasons do not quote.
PROMOTIONAL_FROM_REASONS = (
    r"\bmilestones?\b",
    r"\b(?:major|giant|huge|big|significant) (?:step|advance|leap)(?: forward)?\b",
    r"\bpioneering\b",
    r"\bhuge (?:leap|step|advance|potential|breakthrough|promise)\b",
)

# What a treatment is measured against when it does nothing: "no better than a dummy tablet", "no more effective than
# sham acupuncture".
_INERT = (r"(?:a |an |the )?(?:placebo|sham(?: [\w-]+)?|dummy (?:pills?|tablets?|treatments?|drugs?)|sugar pills?|"
          r"inactive (?:pills?|tablets?|treatments?))\b")
# ("similar to control tissue" is a finding, so only the inert comparators are a null result after "similar to")
_COMPARATOR = rf"(?:{_INERT}|(?:the )?(?:control|usual care|standard care)\b)"
_NEGATED = (r"(?:(?:did|does|do|was|were|is|are|has|have|had|could|would|can|will|may|might|should)(?:\s+not|n't)|"
            r"cannot|failed to|unable to)")
_EFFECT_VERBS = (
    r"(?:affect|alter|change|improve|reduce|decrease|increase|lower|raise|differ|influence|predict|correlate|"
    r"prevent|prolong|shorten|enhance|benefit|help|justify|support|confirm|prove|show|demonstrate|find|detect|"
    r"provide|offer|contribute|add|result in|lead to|translate into|modify|impact|protect|worsen|yield|"
    r"achieve|accelerate|delay|slow|eliminate|outperform|identify|discriminate|distinguish|seem|appear)\w*"
)
_NULL_NOUNS = (
    r"(?:differences?|effects?|associations?|correlations?|relationships?|relation|link|benefits?|improvements?|"
    r"advantages?|impact|influence|changes?|reductions?|increases?|role|value|survival benefit|protective effect)"
)
# What a trial measures, as the subject of "similar in both arms" or "remained unchanged".
_OUTCOME_NOUNS = (
    r"(?:outcomes?|rates?|results?|scores?|risks?|survival|mortality|efficacy|effects?|responses?|incidence|"
    r"levels?|pressure|weight|function|symptoms?|pain|density|counts?|relapses?|recovery|quality of life)"
)
_NULL_ADJECTIVES = (
    r"(?:associated|related|correlated|linked|different|superior|better|effective|efficacious|useful|beneficial|"
    r"predictive|reliable|necessary|required|helpful|sufficient|accurate|valid|justified|indicated|warranted|"
    r"(?:a |an )?(?:\w+ )?(?:predictors?|risk factors?|factors?|markers?|indicators?))"
)

RULES: tuple[CueRule, ...] = (
    CueRule(
        Code.SAFETY_WARNING,
        "Safety warning",
        Severity.HIGH,
        "Mentions a contraindication, interaction or side effect: check it with a doctor or pharmacist.",
        patterns=(
            r"\bcannot be (?:taken|used|combined)\b",
            r"\b(?:should|must) not (?:be )?(?:take|taken|use|used|combine|combined)\b",
            r"\bdo not (?:take|use|combine|stop)\b",
            r"\bcontra-?indicat\w*",
            r"\b(?:drug|medication)s? interactions?\b",
            r"\binteract(?:s|ions?)? with (?:other )?(?:medications?|drugs|alcohol)\b",
            r"\bside[- ]effects?\b",
            r"\badverse (?:effects?|events?|reactions?)\b",
            r"\bwithdrawal\b",
            r"\bvitamin b-?12 deficiency\b",
            r"\b(?:lactic acidosis|overdose|toxicity|hypoglycaemia|hypoglycemia)\b",
            r"\bincreased risk of (?:infection|bleeding|death|seizures?)\b",
            r"\bnot suitable for everyone\b",
            r"\bpotentially (?:fatal|lethal|dangerous|serious|harmful|life-threatening|toxic)\b",
            # Interaction advice: who should check first ("people taking blood thinners should consult their doctor").
            r"\b(?:people|patients|anyone|those|individuals|women|men|children|you)\b (?:who (?:are|take|use|have)\b "
            r"|taking |on |using |with )[^.;\n]{0,60}?\b(?:should|must|need to) (?:first "
            r")?(?:consult|talk|check|speak|ask|avoid|not)\b",
            r"\b(?:may|can|could|might) interact with\b",
            # Advice to stop at a sign of harm: "Stop taking the tablets and see a doctor at once if you vomit blood".
            r"\bstop (?:taking|using) (?:it|this|them|these|(?:the|your) (?:[\w-]+ ){0,2}(?:tablets?|pills?|capsules?|"
            r"medicines?|medications?|drugs?|cream|supplements?|injections?|inhaler)|(?!the\b|your\b)[a-z]\w*) (?:and "
            r"(?:see|call|contact|tell|ask) (?:a |your )?(?:doctor|gp|pharmacist|nurse|midwife|111|999|911)|and seek "
            r"(?:urgent |immediate )?medical|immediately|at once|straight away)\b",
            r"\binteractions? with (?:blood "
            r"thinners|warfarin|anticoagulants|opioids|alcohol|antidepressants|MAOIs?|SSRIs?)\b",
            # Named risks.
            # ... a treatment's: "Risks include bleeding and infection" (not "People at highest risk include…",
            # "risks such as smoking"), "the operation carries risks", "high doses pose a risk" (not a disease's).
            r"\brisks (?:include|including|such as|like)\b(?=[^.]{0,60}?\b(?:bleeding|infections?|damage|reactions?|"
            r"injury|death|strokes?|clots?|pain|scarring|allerg\w+|complications?|side effects?|nerves?|breathing|"
            r"swelling|failure|seizures?|perforation|rupture|an(?:a)?esthesia|bruising|dizziness|nausea)\b)",
            r"\b(?:procedures?|operations?|surgery|treatments?|drugs?|medicines?|medications?|therapy|therapies|"
            r"injections?|implants?|supplements?|doses?|vaccines?|transfusions?|it|this) (?:also |still |always )?"
            r"(?:carr(?:y|ies|ied)|poses?|posed) (?:(?:a|an|the|some|serious|small|rare|real|certain|several|"
            r"significant|potential|known|health) )*risks?\b",
            r"\b(?:serious |increased |higher )?risks? of (?:serious |severe |internal "
            r")?(?:stomach |gastric |intestinal |brain |eye )?(?:bleeding|haemorrhage|hemorrhage|liver "
            r"(?:damage|failure|injury)|kidney (?:damage|failure|injury)|heart attacks?|strokes?|seizures?|addiction|"
            r"dependence|overdose|birth defects?|miscarriage|death)\b",
            r"\b(?:can|may|could|might) (?:also )?cause (?:serious |severe |permanent )?(?:liver|kidney|heart|nerve) "
            r"(?:damage|failure|problems)\b",
            r"\b(?:linked|tied|associated) (?:with|to) (?:rare |serious |severe )?(?:cases of )?(?:liver|kidney|heart) "
            r"(?:damage|failure|injury|injuries|problems)\b",
            # A harm reported more often on the treatment: "genital infections were more common with the drug".
            r"\b(?:infections?|bleeding|bleeds|nausea|vomiting|diarrh\w*|headaches?|dizziness|rash\w*|fractures?|"
            r"falls|hypoglyc\w*|complications?|deaths|hospitali[sz]ations?) (?:were|was|occurred) (?:\w+ )?more "
            r"(?:common|frequent|often|likely) (?:with|on|among|in (?:the )?(?:treated|treatment|drug|active|"
            r"intervention))\b",
            r"\b(?:can|may|could|might|will) (?:also )?increase (?:the risk of )?(?:bleeding|bruising|blood sugar|"
            r"blood pressure)\b",
            # Who must not use it, and advice given to a group: "not suitable for pregnant or breastfeeding women",
            # "pregnant women are advised to limit caffeine".
            r"\bnot (?:suitable|recommended|advised|safe) (?:for|during|in|while) (?:use (?:in|during|by) )?"
            r"(?:(?:people|anyone|those|patients) (?:with|who have) (?:an? )?(?:[\w-]+ (?:or|and) )?[\w-]+ "
            r"(?:allerg\w*|disease|conditions?|problems)|"
            r"pregnan\w*|breast-?feeding|nursing|children|babies|infants)\b",
            # A label's advice to ask first: "Consult your healthcare provider if you are pregnant or nursing".
            r"\b(?:consult|ask|tell|check with|talk to|speak (?:to|with)) (?:your |a )?(?:doctor|gp|physician|"
            r"pharmacist|health ?care (?:provider|professional|practitioner))\b[^.;\n]{0,30}?\bif you "
            r"(?:are|have|take|'re) (?:pregnan\w*|breast-?feeding|nursing|taking|allergic|a medical condition|"
            r"any medical|on (?:other |any )?(?:medicines?|medications?|drugs|tablets|blood thinners|warfarin))",
            # Too much of it: "taking too much can cause diarrhoea", "too much of it may lead to…" (not "too much growth
            # hormone may cause…", "worrying too much can cause headaches": an excess is a dose's only when taken).
            r"\b(?:(?:taking|using|having|eating|drinking) too much|too much of (?:it|this|them|these))(?: of "
            r"(?:it|this|them|these))? (?:can|may|might|could|will|often) (?:cause|lead to|trigger|result in|"
            r"bring on)\b",
            # A harm a treatment named as one does ("The tablets can cause ankle swelling", "this medicine may make
            # you drowsy"; not "diabetes can cause…", which a page about a disease says), and what taking it with
            # another does ("Taking it together with opioid painkillers can cause severe drowsiness").
            r"\b(?:medicines?|medications?|drugs?|tablets?|pills?|capsules?|injections?|supplements?|patch(?:es)?|"
            r"creams?|sprays?|inhalers?) (?:can|may|might|could|will|often|sometimes|commonly) (?:also )?(?:cause|"
            r"make you|lead to|trigger|give you)\b",
            r"\btaking (?:it|them|this|these|\w+) (?:together |at the same time )?with\b[^.;\n]{0,60}?\b(?:can|may|"
            r"might|could|will) (?:cause|increase|lead to|make|raise)\b",
            # A harm a dose does: "High doses can upset the stomach" (not "diabetes can damage the eyes": a disease
            # harms as a medicine does).
            r"\b(?:doses?|it|they|tablets?|pills?|capsules?|supplements?|medicines?|drugs?|creams?|powder|gel|spray) "
            r"(?:can|may|might|could|will|often) (?:also )?(?:upset|irritate) (?:the |your )?(?:stomach|gut|skin|"
            r"eyes)\b",
            r"\b(?:are|is) (?:still |also |strongly )?(?:advised|told|urged|warned) (?:to (?:limit|avoid|not)|"
            r"against)\b",
            # Interaction advice in the second person: "if you're on thyroid medication, check with your pharmacist",
            # "if you take warfarin, don't suddenly start…".
            r"\bif you(?:'re| are)? (?:on|taking|using|take|use|pregnant|breast-?feeding)\b[^.;\n]{0,60}?\b(?:check|"
            r"talk|speak|ask|consult|tell) (?:with |to )?(?:your |a )?(?:doctor|gp|pharmacist|nurse|midwife)\b",
            r"\bif you (?:take|are taking|'re taking|are on|'re on)\b[^.;\n]{0,60}?\b(?:don't|do not|avoid|"
            r"never)\b(?! (?:forget|underestimate|worry|hesitate|miss)\b)",
            # Reactions where a medicine goes in.
            r"\b(?:at|around) the injection site\b|\binjection[- ]site (?:reactions?|pain|swelling|soreness|redness)\b",
        ),
        exclude=(
            r"\bside[- ]effects? of (?:the|this) (?:new )?(?:policy|plan|law|change)\b",
            # "No side effects were seen" reports the absence of harm; it warns of nothing.
            r"\b(?:no|without|free of|free from) (?:\w+ )?(?:side[- ]effects?|adverse "
            r"(?:effects?|events?|reactions?))\b",
            r"\bside[- ]effects?[- ]free\b",
            # Molecules meet each other: "the locus control region can interact with different globin promoters"
            # (not enzymes: "grapefruit juice can interact with enzymes that break down statins" warns).
            r"\binteract with (?:[\w-]+ ){0,3}(?:promoters?|domains?|chains?|DNA|RNA|genes?|residues?|each other|"
            r"one another)\b",
        ),
        # A risk made smaller is a benefit: "a 14% lower risk of death", "statins lower the risk of heart attack".
        preceded_by=(r"\b(?:lower|lowers|lowered|reduce|reduces|reduced|reducing|decrease|decreases|decreased|smaller|"
                     r"less|cut|cuts|halve|halves|halved)(?: (?:the|your|their|its|his|her|our))?",),
    ),
    CueRule(
        Code.AI_GENERATED,
        "Written by an AI chatbot",
        Severity.HIGH,
        "This text was produced by an AI assistant, which can state errors fluently; check it against a primary "
        "source.",
        patterns=(
            r"^\s*(?:Gemini|ChatGPT|Claude|Copilot|Bard|Assistant|AI)\s*:",
            r"\b(?:Gemini|ChatGPT|Copilot|Bard) (?:analysis|response|answer|says|said)\b",
            r"\bas an AI(?: language model)?\b",
            r"\b(?:generated|written) (?:by|with) (?:ChatGPT|Gemini|an? AI|AI)\b",
        ),
        exclude=(r"\bborn under\b", r"\bzodiac\b", r"\bGemini (?:spacecraft|program|mission)\b"),
    ),
    CueRule(
        Code.PRECLINICAL,
        "Lab or animal evidence only",
        Severity.MEDIUM,
        "Rests on laboratory, cell or animal studies, which often do not carry over to people.",
        patterns=(
            r"\b(?:laboratory|lab|in vitro|cell[- ]culture|bench) "
            r"(?:studies|study|experiments?|research|work|data|models?)\b",
            r"\banimal (?:models?|studies|study|experiments?|research|data)\b",
            r"\b(?:in|of|using) (?:mice|rats|rodents|mouse models?|rat models?)\b",
            r"\bmouse models?\b",
            r"\bin[- ]vitro\b",
            r"\bin (?:a|the) (?:petri |lab )?dish(?:es)?\b",
            r"\b(?:human )?tissue cultures?\b",
            r"\bcell cultures?\b",
            r"\bpre-?clinical\b",
        ),
        exclude=(r"\bMickey Mouse\b", r"\bcomputer mouse\b", r"\bin[- ]vitro fertili[sz]ation\b", r"\bIVF\b"),
    ),
    CueRule(
        Code.EARLY_OR_SMALL_TRIALS,
        "Early or small studies",
        Severity.MEDIUM,
        "Comes from early-phase, pilot, small or short human studies, whose results often change in larger trials.",
        patterns=(
            r"\bearly[- ](?:stage|phase) (?:clinical )?(?:trials?|studies|research)\b",
            r"\bearly (?:results|findings|data|signs)\b",
            r"\bpilot (?:study|studies|trials?)\b",
            r"\bphase (?:I|1|II|2|I/II|1/2|1b|2a|Ib|IIa)\b (?:\w+[- "
            r"]){0,2}(?:trials?|stud(?:y|ies)|clinical|testing|results)\b",
            r"\bsmall and short[- ]term\b",
            r"\bsmall(?:er)?(?:,)? (?:(?:short|open-label|uncontrolled)[- ]?\w* )?(?:trials?|studies|sample|numbers? "
            r"of patients|group of patients)\b",
            r"\bhave been small\b",
            # Said of the studies afterwards: "most of the included trials were small", "only nine people took part".
            # (not effects or differences "between studies" or "in most trials" that were small)
            r"(?<!between )(?<!in )(?<!among )(?<!across )\b(?:trials|studies)(?: (?:included|available|published|"
            r"identified|reviewed|to date|so far))? (?:were|are|have been) (?:all |mostly |generally |very |relatively "
            r"|also )*small\b",
            r"\bonly (?:about |around )?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a (?:few|"
            r"handful of)) (?:people|patients|participants|volunteers|adults|women|men|children|subjects) (?:took part|"
            r"were (?:enrolled|included|studied|recruited))\b",
            r"\bpreliminary (?:evidence|results|research|data|findings|studies)\b",
            r"\bopen-label\b",
        ),
        exclude=(r"\bsmall (?:intestine|molecule|bowel|cell lung)\b", r"\bsmall samples? of (?:your|the|their|his|her|"
                 r"blood|tissue|fat|skin|bone|cells|fluid|urine|saliva|hair)\b"),
    ),
    CueRule(
        Code.ANECDOTAL,
        "Anecdotes or surveys",
        Severity.MEDIUM,
        "Based on personal reports, testimonials or surveys of users, which cannot show that the treatment caused the "
        "change.",
        patterns=(
            r"\banecdot\w*",
            r"\btestimonials?\b",
            r"\bpatient (?:reports|stories|experiences|registr(?:y|ies))\b",
            r"\bregistr(?:y|ies)\b",
            r"\bsurvey(?:ed|s)? (?:of|among) (?:\d[\d,]* |those\b|patients|people|users|participants|members|adults|"
            r"women|men|parents|caregivers|respondents|individuals|readers)",
            r"\b(?:surveyed|polled) (?:\d[\d,]* )?(?:patients|people|users|participants|members|adults)\b",
            r"\brespondents\b",
            r"\breal-life experiences?\b",
            r"\bexperiences shared by patients\b",
            # Testimony: one user or many, here or on a forum, telling what it did for them.
            r"\b(?:users?|patients?|people|readers?|customers?|fans?|members?|posters?|commenters?)"
            r"(?: (?:on|in|of|from) (?:the |a |an |our |online )?(?:\w+ )?(?:forums?|Reddit|Facebook|Twitter|YouTube|"
            r"TikTok|social media|message boards?|(?:support )?groups?|communit(?:y|ies)|comments|reviews|internet|"
            r"web))? (?:report|reports|reported|say|says|said|swears?|swore|claims?|claimed|insists?)\b(?! to)",
            # A customer named with an age, as shops quote them: "Sarah, 54, told us".
            r"(?-i:\b[A-Z][a-z]+), \d{2}, (?:told us|says|said|writes|wrote|explains)\b",
            r"\b(?:says|said|writes|wrote|explains)(?-i: [A-Z][a-z]+), \d{2}\b",
            # Hearsay a page relays (a sentence cue; a leaflet busting the myth "some people say the flu jab gives
            # you flu" rests on no anecdote).
            r"\b(?:some|many) (?:people|patients|users|women|men|parents)(?: with (?:[\w-]+ )?[\w-]+)? "
            r"(?:say|said|swear|claim|insist)\b(?! to)",
            # Readers or listeners writing in, people who swear by it, a clinic's tally of how its clients feel, and
            # first-person testimony: "thousands of readers have written to tell me", "94% of them report less pain",
            # "I quit cold turkey and feel twenty years younger", "my neighbour told me" (design.TESTIMONY: they set
            # the level too).
            *TESTIMONY,
        ),
        exclude=(r"\badverse event reporting\b", r"\b(?:Dr|Prof|Professor|Mr|Mrs|Ms|Dame|Sir)\.? \w+, \d{2},"),
    ),
    CueRule(
        Code.OFF_LABEL,
        "Off-label use",
        Severity.MEDIUM,
        "Describes a use the medicine is not approved for; dosing and safety for this use are less established.",
        patterns=(
            r"\boff[- ]label\b",
            r"\bnot (?:FDA[- ])?approved (?:for|to treat)\b",
            # "not licensed for all of these uses", "an unlicensed use".
            # ("not licensed to treat cancer" is said of a practitioner; "unlicensed medicines online" are illegal)
            r"\b(?:not|n't) (?:\w+ )?licen[cs]ed (?:in (?:the )?\w+ )?for\b|\bunlicen[cs]ed (?:use|indication)s?\b",
            r"\bnot (?:been )?(?:approved|licensed|authori[sz]ed) by (?:the )?(?:FDA|EMA|MHRA|TGA|Health Canada|"
            r"regulators?)\b(?! before| in advance)",
            r"\bunapproved (?:use|indication)\b",
            r"\boutside (?:its|the) approved (?:use|indication)s?\b",
        ),
        exclude=(r"\boff[- ]label (?:clothing|brand|fashion|store|jeans)\b",),
    ),
    CueRule(
        Code.MIXED_EVIDENCE,
        "Mixed or null results",
        Severity.MEDIUM,
        "Reports results that disagree, are inconclusive, or show no effect or no difference.",
        patterns=(
            # Evidence graded weak: "the quality of the evidence was rated as low", "very low-certainty evidence".
            r"\b(?:quality|certainty) of (?:the )?evidence (?:was|is|were) (?:\w+ )?(?:rated |judged |graded |"
            r"considered )?(?:as )?(?:(?:moderate|low) to )?(?:low|very low|poor)\b"
            r"|\b(?:very )?low[- ](?:quality|certainty) evidence\b",
            r"\b(?:results|evidence|findings|consensus|data)\b[^.\n]{0,40}\b(?:mixed|conflicting|inconsistent|"
            r"inconclusive|equivocal)\b",
            r"\b(?:mixed|conflicting|inconsistent|inconclusive|equivocal|contradictory) "
            r"(?:results|evidence|findings|data)\b",
            r"\b(?:trials|studies|results|findings|effects?)(?: [\w-]+){0,3} (?:were|was|are|is|remain|remains|have "
            r"been) (?:\w+ )?(?:inconsistent|conflicting|mixed|contradictory|inconclusive)\b",
            r"\bno (?:strong |good |convincing |clear |conclusive |sufficient )?(?:clinical )?evidence "
            r"(?:that|showing|of|for|to)\b",
            r"\b(?:no|without|lack of|absence of|neither)(?: an?)?(?: (?:statistically|clinically|significant|"
            r"substantial|measurable|meaningful|obvious|clear|major|additional|further|added|independent|important|"
            rf"apparent|relevant|detectable|overall)\b)*,? {_NULL_NOUNS}\b",
            rf"\b{_NEGATED}(?: (?:\w+ly|be|been|have|seem to|appear "
            rf"to|significantly|statistically|show|demonstrate|find))* {_EFFECT_VERBS}\b",
            r"\b(?:is|are|was|were|be|been|seems?|appears?)(?: to be)? (?:not|no longer)(?: "
            rf"(?:\w+ly|a|an|more|the|as|any))* {_NULL_ADJECTIVES}\b",
            r"\b(?:not|non-?|in)significant(?:ly)?\b(?! (?:number|proportion|amount|portion|minority|majority))",
            rf"\b(?:no better than|not better than|no different from|comparable to) {_INERT}",
            # ("similar to a sugar pill in size and colour" says how it looks)
            r"\bsimilar to (?:a |the )?placebo\b",
            r"\bplacebo\b[^.\n]{0,20}\b(?:were|was) negligible\b",
            r"\bcast(?:s)? doubt\b",
            r"\b(?:no|little|limited|questionable|doubtful|minimal) (?:\w+ "
            r")?(?:value|benefit|effect|use|role|impact)\b(?! (?:was|were) (?:found|seen))",
            r"\bof (?:little|limited|no|questionable|doubtful) (?:\w+ )?(?:value|benefit|use|help|importance)\b",
            r"\b(?:ineffective|inefficacious|insufficient|inadequate|unnecessary|not necessary|not needed|not "
            r"justified|not warranted)\b",
            r"\b(?:similar|equivalent|comparable|identical|equal) (?:\w+ "
            r")?(?:outcomes?|results?|rates?|survival|efficacy|effectiveness|mortality|response)\b",
            r"\b(?:did|does|do|was|were|is|are) not (?:\w+ )?(?:differ|compromised?|accompanied by an? "
            r"(?:increase|decrease|change|rise|reduction)|dependent on)\w*",
            r"\bnone of the\b[^.]{0,120}\b(?:were|was|have been|had been) (?:\w+ "
            r")?(?:validated|confirmed|effective|associated|significant)\b",
            # The absence of an effect, stated as a noun: "the absence of a contextualized effect of region".
            rf"\b(?:absence|lack) of (?:an? |any )?(?:\w+ )?{_NULL_NOUNS}\b",
            r"\bnot (?:\w+ )?dependent on\b",
            # A cause weighed and found wanting: "an unlikely explanation", "do not make an important contribution",
            # "ruling out an aetiologic role" (not a leaflet's reassurance: "unlikely to cause side effects").
            r"\bunlikely (?:explanation|contributor|mechanism)\b",
            r"\bunlikely to (?:explain|account for|contribute|matter)\b",
            r"\b(?:do|does|did) not (?:make|play|have) an? (?:\w+ )?(?:contribution|role|difference)\b",
            r"\brul(?:e|es|ed|ing) out (?:an? |any )?(?:\w+ )?(?:role|effect|association|link|benefit)\b",
            r"\bnot (?:support|confirm) the (?:hypothesis|use|notion|idea|view)\b",
            # Trials that disagree, evidence graded weak: "heterogeneity between trials was high", "low-certainty
            # evidence", "the evidence was of low quality" (a review's own verdict on what it pooled).
            r"\b(?:substantial|considerable|high|marked|significant) (?:statistical )?heterogeneity\b",
            r"\bheterogeneity (?:\w+ ){0,3}(?:was|is|were) (?:\w+ )?(?:high|substantial|considerable|marked)\b",
            r"\b(?:low|very low)[- ](?:certainty|quality) (?:of )?evidence\b",
            r"\bevidence (?:\w+ ){0,3}(?:was|is|were) (?:of )?(?:low|very low) (?:certainty|quality)\b",
            r"\b(?:certainty|quality) of (?:the )?evidence (?:was|is|were) (?:rated |graded |judged )?(?:very )?low\b",
            # Significance stated in words: "not statistically significant", "did not reach significance".
            r"\bnot (?:\w+ )?(?:statistically |clinically )?significant\b(?! "
            r"(?:number|proportion|amount|portion|minority|majority|share))",
            r"\b(?:did not|failed to|does not|do not) (?:reach|achieve|attain) (?:\w+ )?significance\b",
            r"\bconfidence intervals? (?:\w+ ){0,5}(?:crossed|crosses|cross|included|includes|include|spanned|spans) "
            r"(?:1|one|zero|0|unity|the null)\b",
            r"\bno (?:\w+ ){0,2}(?:indication|sign|signs) (?:of|that)\b",
            r"\bno (?!(?:serious |major |severe |significant )?(?:side|adverse|toxic|harmful|ill)\b)(?:\w+ "
            rf"){{1,3}}{_NULL_NOUNS}\b",
            r"\b(?:seems?|appears?) not to (?:be|have|affect|influence|differ|improve|reduce|matter)\b",
            rf"\b(?:no|not|not any|hardly) (?:greater|better|more effective|more helpful|superior) than {_COMPARATOR}",
            # Equivalence and no change in an outcome: "relapse rates were similar in both arms", "equally effective",
            # "neither dose improved", "blood pressure remained unchanged", "the link disappeared after adjustment"
            # (not "baseline characteristics were similar between the groups", nor "the dose was unchanged").
            rf"\b{_OUTCOME_NOUNS}\b[^.;\n]{{0,40}}\b(?:was|were|remained|remains|stayed) (?:\w+ )?(?:similar|"
            r"comparable|equivalent|identical) (?:in|between|across|among) (?:both|the two|the (?:\w+ )?(?:groups?|"
            r"arms?))\b",
            r"\b(?:equally|similarly) (?:effective|efficacious|beneficial)\b",
            r"\bneither (?:\w+ ){1,6}(?:improved|reduced|changed|affected|altered|prevented|lowered|increased|"
            r"decreased)\b",
            rf"\b{_OUTCOME_NOUNS}\b[^.;\n]{{0,30}}\b(?:was|were|remained|remains|stayed) (?:\w+ )?unchanged\b",
            r"\b(?:disappeared|vanished|was no longer significant|were no longer significant|lost (?:its |their )?"
            r"significance) (?:\w+ ){0,3}after (?:adjust|controll|account)\w*",
        ),
        exclude=(
            r"\bmixed (?:connective|with)\b",
            r"\bnot only\b",
            # Heterogeneity denied or defined, not found: "no significant heterogeneity (I2 = 12%)", "heterogeneity was
            # considered substantial if I2 exceeded 50%".
            r"\b(?:no|not|without|little|low|minimal) (?:\w+ ){0,2}heterogeneity\b",
            r"\bheterogeneity (?:\w+ ){0,3}(?:was|is|were) (?:not|considered|defined|deemed|judged|regarded)\b",
            r"\bno (?:conflicts?|competing) of interest\b",
            r"\bwhether or not\b",
            # What a design cannot show is a limitation, not a null result: "because the study was observational, it
            # cannot prove that coffee itself is responsible".
            r"\b(?:cannot|can't|could not|does not|doesn't) (?:prove|establish|tell us) (?:that )?"
            r"[^.;\n]{0,40}?\b(?:itself|is responsible|are responsible|causes?|caused|causal)\b",
            r"\b(?:further|future|larger|more) "
            r"(?:studies|research|trials)\b[^.]{0,40}\b(?:needed|required|warranted)\b",
        ),
    ),
    CueRule(
        Code.PROMOTIONAL_TONE,
        "Promotional tone",
        Severity.MEDIUM,
        "Uses marketing or sensational language, a sign the text sells more than it informs; graver the more of the "
        "text uses it.",
        patterns=(
            r"\bastonish(?:ing|ed)\b",
            r"\bsecret (?:sidekick|weapon|cure)\b",
            r"\brevolutioni[sz]\w*",
            r"\brevolutionary\b",
            r"\bmiracle\w*",
            r"\bbreakthroughs?\b",
            r"\bgame[- ]chang\w*",
            r"\bbuckle up\b",
            r"\bsuperhero\b",
            r"\bunexpected ally\b",
            r"\bcure-all\b",
            r"\bamazing\b",
            r"\bincredibl[ey]\b",
            r"\btransformative\b",
            r"\bexciting (?:frontiers?|avenues?|advancement|development|news|results?|new)\b",
            r"\bunexpected benefits\b",
            r"\byou read that correctly\b",
            r"\b(?:providing|bringing|brings|provides|offers?|offering) "
            r"(?:new )?hope\b",
            r"\bunprecedented\b",
            r"\bnew paradigm\b",
            r"\bparadigm[- ]shift(?:ing)?\b",
            r"\bstunning\b",
            r"\bground-?breaking\b",
            r"\bwonder "
            r"(?:drug|pill)\b",
            r"\bmagic "
            r"bullet\b",
            r"\bholy grail\b",
            r"\bproves? (?:it is )?(?:safe|effective)\b",
            r"\b(?:a|the) cure for\b",
            r"\bcures? "
            r"(?:cancer|diabetes|ms|depression|alzheimer)\w*",
            r"\blife-?changing\b",
            r"\bspectacular\b",
            r"\bextraordinary\b",
            # Novelty and superlatives.
            r"\blandmark (?:study|trial|discovery|finding|research|results?|achievement)\b",
            r"\bhistoric\b",
            r"\b(?:world'?s|first-ever|first of its kind)\b(?: first)?",
            r"\bunparalleled\b",
            r"\bremarkabl[ey]\b",
            r"\b(?:the )?(?:greatest|biggest) (?:\w+ )?(?:discover\w*|advance\w*|breakthrough\w*|step)\b",
            r"\bmost (?:important|significant|exciting|promising) (?:\w+ "
            r")?(?:discover\w*|advance\w*|development|finding)s?\b",
            # A field's future in one product ("the future of pain care"); results "outstanding" (not an
            # "outstanding question" or bill).
            r"\bthe future of (?:[\w-]+ ){0,2}(?:care|medicine|treatment|surgery|health ?care|therapy)\b",
            # ("results were outstanding at discharge" are pending)
            r"\boutstanding (?:results?|outcomes?|success)\b",
            # How industry sells a product: "best-in-class", "a future blockbuster", "results exceeded expectations".
            r"\b(?:best|first)[- ]in[- ](?:class|disease|breed)\b",
            # A shop's promise: "Turn back the clock", "our best-selling gummies".
            r"\bturn back the clock\b|\b(?:reverse|defy|stop) (?:the )?(?:signs of )?ag(?:e|ing)\b(?!-)",
            r"\bbest[- ]sell(?:ing|ers?)\b",
            r"\bblockbusters?\b",
            r"\b(?:a|the) revolution in\b",
            r"\bexceed(?:s|ed|ing)? (?:all |our |everyone's |even our )?(?:expectations|hopes)\b",
            *PROMOTIONAL_FROM_REASONS,
            # Miracle and cure language.
            r"\b(?:could|can|will|may|might|to) (?:\w+ )?cure\b",
            r"\bcured\b",
            r"\bmiraculous\w*",
            # Calls to action and testimonials.
            r"\b(?:order|buy|call|shop|subscribe|sign up|try it|get yours|act) (?:now|today)\b",
            # An influencer's offer: "Use code GLOW15 for 15% off", "link in my bio".
            r"\b(?:use|enter|with) (?:my |the |code )?(?:code|coupon|discount code|promo code) "
            r"(?-i:[A-Z]{2,}\d{1,3})\b",
            r"\blink in (?:my |the )?bio\b",
            # "sign up for our winter swim club today": the offer between the verb and the urgency.
            r"\b(?:order|buy|shop|subscribe|sign up|register|enrol+)(?: [\w'’%-]+){1,5} (?:now|today)\b",
            # What the product will do to a whole field: "could transform how we treat arthritis".
            r"\b(?:could|can|will|may|might|set to|poised to|promises to) (?:\w+ )?(?:transform|revolutioni[sz]e|"
            r"reinvent) (?:how|the way|the face|the future)\b",
            r"\bdon'?t "
            r"(?:miss|wait)\b",
            r"\bjoin (?:the )?(?:thousands|millions|hundreds)\b",
            r"\b(?:thousands|millions) (?:of \w+ )?(?:who "
            r")?have already\b",
            r"\b(?:thousands|millions) of (?:happy|satisfied|delighted) (?:customers|users|clients|buyers)\b",
            r"\bthe secret (?:to|of) (?:younger|glowing|perfect|eternal|ageless)\b",
            r"\btransformed (?:their|my|your) lives?\b",
            r"\b(?:doctors|big pharma|they|the industry) (?:don't|do not|doesn't|does not) want you to know\b",
            r"\blimited[- "
            r"]time "
            r"offer\b",
            r"\bmoney-back "
            r"guarantee\b",
            # A promise of no harm at all: "safe, natural and virtually side-effect free", "100% risk-free".
            r"\bside[- ]effects?[- ]free\b|\b(?:100% |completely |totally |entirely )risk[- ]free\b",
        ),
        exclude=(
            r"\bbreakthrough (?:therapy|device) designation\b",
            r"\bbreakthrough "
            r"(?:pain|bleeding|infection|seizures?|cancer)\b",
            r"\bno cure\b",
            r"\bnot (?:a )?cure\b",
            r"\b(?:cannot|can't|can not|will not|won't|does not|do not|did "
            r"not) (?:\w+ )?cure\b",
            r"\bfirst-ever (?:case|patient|time)\b",
            # A child's milestones, a patient's first steps, history's pioneers.
            r"\b(?:developmental|motor|language|speech|growth|verbal|social)(?: and \w+)? milestones?\b",
            r"\breach\w* (?:\w+ )?milestones?\b",
            r"\btak(?:e|es|ing) (?:a |one )?(?:big |giant |huge )?step\b",
            r"\bpioneering (?:work|studies|research) (?:by|of)\b",
            r"\b(?:not|no|isn't|wasn't|aren't) (?:a |some )?miracle\b",
            # An institution's boilerplate: "the world's largest association of eye physicians".
            r"\bworld'?s (?:largest|leading|biggest|oldest) (?:[\w-]+ ){0,2}(?:association|organi[sz]ation|society|"
            r"network|provider|publisher|charity|company|manufacturer|group|foundation)\b",
        ),
    ),
    CueRule(
        Code.SPECULATIVE_LANGUAGE,
        "Hedged claims",
        Severity.LOW,
        "The claim is carried by words like 'may' or 'could', not by a reported result.",
        patterns=(
            r"\b(?:may|might|could)(?: also| potentially| possibly| even| one day)? (?:help|reduce|improve|lessen|"
            r"offer|provide|protect|boost|assist|aid|benefit|lower|enhance|slow|contribute|play|serve|be able|bring|"
            r"address|influence|hold|pave|yield|increase|raise|cause|lead|prevent|trigger|worsen|affect|explain|"
            r"become|change|save|extend|delay|treat|cure|protect)\b",
            r"\bpotentially\b",
            r"\b(?<!not )(?<!not as )(?<!less )promising\b",
            r"\bholds? (?:promise|potential)\b",
            r"\b(?:possibly|perhaps|conceivably|presumably|arguably|reportedly|allegedly)\b",
            r"\bhinted at\b",
            r"\b(?:is|are) (?:thought|believed) to\b",
        ),
        exclude=(
            r"\bpotentially (?:fatal|lethal|dangerous|serious|harmful|life-threatening|toxic)\b",
            # An option or a range, not a hedged claim: "radiation may be used", "symptoms may include".
            r"\b(?:may|might|can) (?:also )?(?:be (?:used|given|prescribed|recommended|needed|required|done|performed|"
            r"offered|considered|necessary|advised)|include|vary|differ|range)\b",
            # Advice, not a hedge: "patients should consult", "you must not stop", "should talk to".
            r"\b(?:patients|you|people|doctors|clinicians|physicians|researchers|research|studies|trials|we|they|"
            r"women|men|parents|users|caregivers|readers|anyone|everyone|individuals)\s+(?:\w+\s+)?(?:should|must)\b",
            r"\b(?:should|must) (?:not )?(?:consult|talk|discuss|ask|seek|tell|avoid|consider|check|speak|follow|be "
            r"aware|be advised|be considered|take|use|stop|start|inform|receive|be given|be used|be taken|be "
            r"combined|combine|get|accompany|know|be avoided)\b",
            # A leaflet's frequency band and a review's bias rating are no hedges: "(may affect up to 1 in 10
            # people)", "at unclear risk of bias".
            r"\bmay affect (?:up to |more than |fewer than |less than )?(?:1|one) in\b",
            r"\b(?:unclear|uncertain) risk of bias\b",
        ),
    ),
)

UNVERIFIABLE_CITATION = CueRule(
    Code.UNVERIFIABLE_CITATION,
    "Citation cannot be traced",
    Severity.MEDIUM,
    "Cites a study without a journal, DOI, PMID, trial number or link, so a reader cannot look it up.",
)
NO_REFERENCES = CueRule(
    Code.NO_REFERENCES,
    "No references",
    Severity.LOW,
    "The source names no journal, DOI, PMID, trial number or link for its claims.",
)
INCOMPLETE_SOURCE = CueRule(
    Code.INCOMPLETE_SOURCE,
    "Source text is cut off",
    Severity.MEDIUM,
    "The source document ends mid-sentence, so part of it is missing.",
)
SINGLE_SOURCE = CueRule(
    Code.SINGLE_SOURCE,
    "One source only",
    Severity.MEDIUM,
    "Every passage of this answer comes from a single document; nothing independent confirms it.",
)
WEAK_MATCH = CueRule(
    Code.WEAK_MATCH,
    "Weak match",
    Severity.HIGH,
    "The indexed documents do not clearly answer this question; the passages shown are only loosely related.",
)
ANSWER_MIXED = CueRule(
    Code.MIXED_EVIDENCE,
    "Mixed or null results",
    Severity.MEDIUM,
    "The passages behind this answer include results that disagree or show no effect.",
)
SOURCES_DISAGREE = CueRule(
    Code.SOURCES_DISAGREE,
    "Sources disagree",
    Severity.MEDIUM,
    "The passages behind this answer report opposite findings.",
)
NOT_MENTIONED = CueRule(
    Code.NOT_MENTIONED,
    "Not in the sources",
    Severity.MEDIUM,
    "The question names something none of the documents mention; the answer is about what they do say, not about "
    "that.",
)
RULE_BY_CODE = {
    rule.code: rule
    for rule in (
        *RULES,
        UNVERIFIABLE_CITATION,
        NO_REFERENCES,
        INCOMPLETE_SOURCE,
        SINGLE_SOURCE,
        WEAK_MATCH,
        SOURCES_DISAGREE,
        NOT_MENTIONED,
    )
}

# A sentence of fewer words is a heading or label, not a claim.
CLAIM_WORDS = 5
# An exclusion cancels a cue it overlaps or that lies this close to it in the same sentence.
EXCLUDE_WINDOW = 30

# Passage rules (README, "Caveats"): a passage is speculative when its claims rest on hedges:
# at least this share of its claim sentences hedge, or at least HEDGED_SENTENCES_ALWAYS of them do.
HEDGED_SHARE = 0.34
HEDGED_SENTENCES_ALWAYS = 2
# A text tells anecdotes (the document earns `anecdotal`, and with no study design of its own is anecdote or
# opinion) when at least this many of its sentences do: one "patients report" in passing does not.
ANECDOTE_SENTENCES = 2
# The headline: a text's title and first sentences carry its main claim. Sensational language there weighs in
# the document's tone (rag/caveats/tone.py), and a headline resting on animal or lab work makes the document
# preclinical even when a small human pilot is mentioned further down.
HEADLINE_SENTENCES = 3
# A headline that promises an effect on a disease ("Drug shown to reverse brain deficits", "helps fight obesity",
# "49 times more potent") when the text's evidence is animal or lab work: the reviewers' most frequent reason for
# calling a release sensational. Verbs of benefit, detection and comparison, in their verb forms ("treats", not
# "treatment"; "helps", not "helps explain").
HEADLINE_EFFECT = (
    r"\b(?:(?:treat|prevent|protect|boost|repair|heal|lower|block|kill|combat|halt|detect|predict|outperform)"
    r"(?:s|ed|ing)?|(?:revers|reduc|cur|improv|restor|regenerat|eliminat|alleviat|reliev|eas|diagnos)(?:e|es|ed|ing)|"
    r"(?:fight|slow|beat|shrink|regrow|destroy|cut)(?:s|ing|ed)?|stop(?:s|ped|ping)?|helps?(?! (?:explain|understand|"
    r"reveal|clarify|shed|identify))|helped|helping|wards? off|more (?:potent|effective)|better than)\b"
)
# Sensational language is graver the more of a text it fills: one word is a note, a text that keeps it up sells.
# (sentences with a promotional cue, severity), first match wins.
PROMOTIONAL_SEVERITY = ((4, Severity.HIGH), (2, Severity.MEDIUM), (1, Severity.LOW))

# Citations: an author-year or a placeholder study name is a citation; it is traceable
# when the same line gives a journal, DOI, PMID, trial registry id or a URL.
# How a text praises an institution it does not name ("a leading hospital"): no help in finding the study.
_ACCLAIM = r"(?:leading|major|top|prestigious|renowned|well-known|large|big|famous)"
CITATION_PATTERNS = (
    # A name is at most 40 letters: an unbounded one made every start in "A-A-A-…" scan to its end; the
    # whitespace around the comma is possessive, so a run of spaces after "et al." is not split every way.
    r"\b[A-Z][A-Za-z'\-]{1,40}(?: and [A-Z][A-Za-z'\-]{1,40}| et al\.?)\s*+,?+\s*+\(?(?:19|20)\d{2}[a-z]?\)?",
    r"\bStudy [A-Z]\b(?![a-z])",
    # A study named only by its year and/or institution ("a 2023 Harvard study", "a recent Stanford University
    # trial", "a 2019 study from Oxford"): nothing a reader could look it up by.
    r"\b(?:[Aa]n?|[Oo]ne|[Tt]his|[Tt]hat|[Nn]ew|[Rr]ecent) (?:(?:new|recent|landmark|major|large|small) )?(?:(?:19|"
    r"20)\d{2} )?(?!(?:Phase|Randomi[sz]ed|Controlled|Clinical|Pilot|Double|Single|Open|Systematic|Meta|Cohort|"
    r"Observational|Preliminary|First|Second|Third|Follow|Small|Large|Major|New|Recent|Landmark|"
    r"National)\b)(?:[A-Z][A-Za-z]+ ){1,3}(?:[Uu]niversity |[Ii]nstitute |[Hh]ospital |[Cc]linic |[Mm]edical |"
    r"[Ss]chool )?(?:study|trial|survey|report|paper|research)\b",
    r"\b(?:[Aa]n?|[Oo]ne) (?:(?:new|recent|landmark|major|large|small) )?(?:(?:19|20)\d{2} "
    r")(?:study|trial|survey|report|paper|review|analysis|meta-analysis)\b",
    # Researchers named only by a place: "researchers at a university in Texas", "scientists from a leading hospital".
    r"\b(?:[Rr]esearchers|[Ss]cientists|[Ii]nvestigators|[Dd]octors|[Ee]xperts|[Aa] team) (?:at|from) (?:a|an|one) "
    rf"(?:(?:{_ACCLAIM}|US|UK|British|American|European) )?(?:university|hospital|"
    r"institute|clinic|medical (?:school|center|centre)|research (?:center|centre|institute))\b",
    r"\b(?:[Aa]n?|[Oo]ne) (?:(?:new|recent|landmark|major|large|small) )?(?:study|trial|survey|report|paper) "
    rf"(?:by|from|at) (?:the |an? (?:{_ACCLAIM} )?)?[A-Z][A-Za-z]+",
    # An unnamed authority known only by where they spoke: "a doctor on YouTube said", "an expert on TikTok".
    r"\b(?:[Aa]n?|[Oo]ne|[Ss]ome) (?:doctor|physician|expert|scientist|nutritionist|dietitian|naturopath|"
    r"researcher|nurse|pharmacist|professor|specialist|influencer|coach)s? (?:on|from) (?:YouTube|TikTok|Instagram|"
    r"Facebook|Twitter|Reddit|(?:a|the) (?:podcast|radio|forum|internet)|TV|television|social media)\b",
)
# A study vouched for with nothing to find it by: "Some studies suggest", "Studies have shown", "A recent study
# found", "Clinically studied ingredients". Untraceable unless the text names a journal, DOI, trial or link anywhere
# (a press release's "the study found" is the study it names).
VAGUE_CITATION_PATTERNS = (
    r"\b(?:(?:[Ss]ome|[Mm]any|[Ss]everal|[Rr]ecent|[Nn]ew|[Nn]umerous|[Cc]ountless|[Ss]cientific|[Cc]linical) "
    r"(?:\w+ )?(?:studies|research)|^[Ss]tudies|(?<=[.?!:] )[Ss]tudies|(?<=[-•*\"“] )[Ss]tudies|(?<=[\"“])[Ss]tudies) "
    r"(?:has |have )?(?:shown|show|suggests?|suggested|found|find|finds|proven|proved|indicates?|indicated|"
    r"confirm(?:s|ed)?)\b",
    r"\b[Aa]ccording to (?:(?:some|many|several|recent|new) )?(?:studies|research)\b",
    # ("clinical trials show that…" says how trials work; "some small trials suggest" vouches for ones not named)
    r"\b(?:[Ss]ome|[Mm]any|[Ss]everal|[Nn]umerous|[Aa] few|[Aa] handful of) (?:small |large |recent |early )?trials "
    r"(?:have )?(?:shown|show|suggests?|suggested|found|indicated?)\b",
    r"\b(?:[Aa]nother|[Aa]|[Oo]ne) (?:recent |new |small |large |major )?study (?:found|showed|shows|suggests|"
    r"suggested|revealed|reported|proved)\b",
    # (not a text's own: "This research shows", "Our research shows")
    r"(?<!his )(?<![Oo]ur )(?<![Tt]he )(?<![Mm]y )(?<![Tt]heir )\b(?:[Rr]esearch|[Ss]cience) (?:shows|has shown|proves|"
    r"has proven|confirms|suggests|indicates)\b",
    r"\b[Cc]linically (?:studied|proven|tested) (?:ingredients?|formula|blend)\b",
    # Science invoked as a seal: "Backed by science:", "science-backed", "supported by clinical research".
    r"\b(?:[Bb]acked|[Ss]upported|[Pp]roven) by (?:science|research|studies|clinical (?:studies|research|trials))\b"
    r"|\b[Ss]cience-backed\b",
    # Findings vouched for by who found them, or where, as a sentence opens: "Scientists have found", "Researchers in
    # Toronto reported" (not a release's own "Researchers found…", "The WSU researchers found…": the study it is
    # about), and studies the writer once read of: "I read about a trial where…".
    # (not "Doctors have long known that smoking causes cancer": what everyone knows)
    r"(?:^|(?<=[.!?] ))(?:Researchers|Scientists|Experts|Doctors) (?:(?:have|had) (?:\w+ly )?|(?:in|from) "
    r"[A-Z][a-z]+ (?:have |had )?)(?:found|shown|discovered|proven|proved|confirmed|reported)\b",
    r"\bI (?:read|saw|heard) (?:about |of |that )?(?:a|an|one|some) (?:\w+ )?(?:study|trial|paper|article|report)\b",
)
# Journals whose names are no common word: a text that names one anywhere names its source ("Brain", "Cell",
# "Science" are common words, and count only on a citation's own line).
# ("Cochrane" names a review when cited, and also the library a review searched, so a text's count of references
# takes the others only: `CITED_JOURNALS`)
CITED_JOURNALS = r"\b(?:Lancet|N Engl J Med|NEJM|JAMA|BMJ|PLoS)\b"
JOURNAL_NAMES = r"\b(?:Lancet|N Engl J Med|NEJM|JAMA|BMJ|PLoS|Cochrane)\b"
# What finds one study wherever a text gives it: a link, a DOI, a PubMed or PubMed Central number, a trial
# registration (ClinicalTrials.gov, ISRCTN, Australia and New Zealand, EU, China, Germany, India) or a Cochrane
# review's number ("CD012345").
IDENTIFIER_PATTERNS = (
    r"https?://\S+",
    r"\b10\.\d{4,9}/\S+",
    r"\bPMID:?\s*\d{5,9}\b",
    r"\bPMC\d{5,9}\b",
    r"\bNCT\d{8}\b",
    r"\bISRCTN\d{6,}\b",
    r"\bACTRN\d{14}\b",
    r"\bEudraCT(?: (?:number|no\.?))?:? ?\d{4}-\d{6}-\d{2}\b",
    r"\bChiCTR[-\w]{6,}\b",
    r"\bDRKS\d{8}\b",
    r"\bCTRI/\d{4}/\d+/\d+\b",
    r"\bCD\d{6}(?:\.pub\d)?\b",
)
TRACEABLE_PATTERNS = (
    *IDENTIFIER_PATTERNS,
    JOURNAL_NAMES,
    r"\b(?:J\.|Journal|Neurology|Mult Scler|Brain|Ann Neurol|Nature|Science|Cell)\b",
)
# A chatbot's reply has a shape: a greeting or a framing line ("Great question!", "Here's a breakdown of…") and a
# sign-off that offers to write more ("Let me know if you'd like me to put together…"). One such sentence is said on
# forums too; the offer and one more, in different sentences, make the document `ai_generated`.
_WRITES = (r"(?:put together|create|draft|write|generate|suggest|provide|list|summari[sz]e|outline|make|prepare|"
           r"compile|go (?:into|over)|expand on|elaborate on|break (?:down|it down)|tailor)")
CHATBOT_OFFER = (
    rf"\b(?:would you like|do you want|let me know if you(?:'d| would) like|if you(?:'d| would) like,?) me to "
    rf"(?:also )?{_WRITES}\b|\bi can (?:also )?{_WRITES} (?:a|an|some|more)\b"
)
CHATBOT_VOICE = (
    r"^(?:great question|certainly|absolutely|sure thing)\b[!,.]|^(?:that's|that is|what) (?:a |such a )?(?:great|"
    r"excellent|good) question\b|\bi hope (?:this|that) helps\b|"
    r"\bhere(?:'s| is) (?:a |an )?(?:quick |brief )?(?:breakdown|overview|summary) of\b|\bfeel free to ask\b"
)
# A journal or registry named in running text ("published this week in Cell Reports", "the European Journal of
# Preventive Cardiology", "PROSPERO CRD42022311234"): a reader can find the study, so the text has a reference.
_NOT_A_JOURNAL = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Table|"
                  r"Figure|Fig|Section|Chapter|Appendix|The|This|These|Our|A|An|In|It|English|Spanish|French|German|"
                  r"Chinese|Japanese|Italian|Portuguese|Dutch|United|North|South|East|West|Europe|America|Asia|Africa|"
                  r"China|Japan|India|Canada|Australia|England|Britain|UK|US|USA)\b")
NAMED_SOURCE_PATTERNS = (
    # "published (this week) in Cell Reports"; "reported" or "appeared" only in a journal so called ("reported in
    # the United States", "published in English" name none)
    rf"\b(?:published (?:[\w-]+ ){{0,3}}in (?:the )?(?:journals? )?|(?:report(?:s|ed|ing)?|appears|appeared|writes?|"
    rf"wrote|describes?|described) (?:[\w-]+ ){{0,3}}in the journals? )(?!{_NOT_A_JOURNAL})(?-i:[A-Z][A-Za-z&'’-]+)"
    r"(?: (?:of |and |for |in |& )?(?-i:[A-Z][A-Za-z&'’-]+)){0,6}",
    r"(?-i:\bJournal of (?:the )?[A-Z][a-z]+)",
    r"\bPROSPERO\b|\bCRD\d{8,}\b",
)
# Questions about safety ("can I take it with…", "side effects?") rank passages that carry a
# safety_warning higher: a contraindication must not fall below the fold.
SAFETY_INTENT = (
    r"\b(?:safe|safety|side[- ]?(?:e|a)ff?ects?|risks?|dangers?|dangerous|interact\w*|combine|combined|mix|together|"
    r"contraindicat\w*|warnings?|pregnan\w*|breastfeed\w*|overdose|withdrawal|"
    # ("a sulfa allergy", "allergic to it" ask about safety; "an allergy drug" names a kind of drug)
    r"allerg\w*(?!\s+(?:drugs?|medications?|medicines?|pills?|tablets?|treatments?)\b))\b"
    r"|\b(?:take|taking|use|using)\b.{0,60}\b(?:with|while|alongside|and)\b"
    # "I take tramadol for back pain, can I also start LDN?": already on one thing, asking to add another.
    r"|\b(?:i|i'm|i am)\s+(?:take|taking|on)\b.{0,80}\b(?:can|could|should|may)\s+i\s+(?:also\s+|still\s+)?"
    r"(?:take|start|add)\b"
    # …and the other way round: "Can I take LDN if I'm on oxycodone?", "Should I start it while I'm taking X?"
    # (not "…if I take it at night?", "…when I take breakfast?": when to take it)
    r"|\b(?:can|could|should|may)\s+i\s+(?:also\s+|still\s+)?(?:take|start|add|use|try)\b.{0,60}\b(?:if|when|while|"
    r"as)\s+(?:i['’]m|i am|im|i)\s+(?:already\s+)?(?:on|taking|using)\b(?!\s+(?:it|them|this|that)\b)"
    # "is it ok to add LDN?", "Is it okay to take it long term?": whether it is all right to take is a safety ask
    r"|\b(?:ok|okay|alright|all right|fine)\s+(?:for me\s+)?to\s+(?:take|start|add|use|combine|mix|keep taking|"
    r"stay on|drink)\b"
)

# A mention of research in a passage of a document with no references: where no_references matters.
RESEARCH_CLAIM = r"\b(?:stud(?:y|ies)|research|trials?|evidence|findings|scientists|researchers)\b"
# What an experimenter does to its subjects ("fed the extract to 24 aged mice"): with RESEARCH_CLAIM, a sentence whose
# design sets a document's level is about research. Not "infected" or "exposed": pages on infections say how animals
# pass them on.
EXPERIMENT_VERBS = (r"\b(?:fed|injected|dosed|bred|engineered|transplanted|implanted|randomi[sz]ed|assigned|enrolled|"
                    r"recruited)\b")

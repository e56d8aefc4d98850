"""The answer's cue data in one place: what a question asks for, what kind of thing a sentence gives, and
what is never an answer. The cues only *name* the kinds; how much each match counts is learned
(benchmarks/train_answer.py writes rag/answer/data/selector.json).
"""

from __future__ import annotations

from enum import StrEnum

from rag.caveats.rules import SAFETY_INTENT


class Need(StrEnum):
    """What a question asks for, and the matching kind of sentence."""

    SIDE_EFFECTS = "side_effects"
    DOSE = "dose"
    FIGURE = "figure"  # how many, what share, how common
    OUTCOME = "outcome"  # does it work, what did the study find
    SAFETY = "safety"  # is it safe, can I combine, who must not
    MECHANISM = "mechanism"  # how does it work, why
    CAUSE = "cause"
    SYMPTOMS = "symptoms"
    TREATMENT = "treatment"
    DEFINITION = "definition"  # what is
    LIMITS = "limits"  # what holds it back: challenges, limitations, why it is hard to prove


# What the question asks (regular expressions, matched case-insensitively against the question).
ASKS: dict[Need, str] = {
    # "Can metformin cause a vitamin deficiency?" asks for a side effect (and a cause); "side affects", "side
    # efects" are how people often type it.
    Need.SIDE_EFFECTS: r"\b(?:side[- ]?(?:e|a)ff?ects?|adverse|reactions?|complications?|downsides?|can (?:\w+ ){1,3}"
                       r"cause)\b",
    # "How much LDN do people take?", "How much of it should I use?" (not "How much does it cost to take?").
    Need.DOSE: r"\b(?<!low )(?<!low-)(?<!ultra-low )(?:dose|doses|dosage|dosing|how much (?:should|do|can|to)|how "
    r"(?:often|many times)|how much\b(?![^?.!]{0,40}\bcost)[^?.!]{0,40}?\b(?:do|does|did|should|can|to|would)\s+"
    r"(?:\w+\s+){0,2}?(?:take|use)|mg|milligrams?|titrat\w*)\b",
    Need.FIGURE: r"\b(?:how (?:many|much|common|likely|often|long)|what "
    r"(?:percent|percentage|share|proportion|fraction)|percent\w*|rates?|odds|chances?|numbers?|statistics?)\b",
    Need.OUTCOME: r"\b(?:help|helps|work|works|worked|effective|effectiveness|efficacy|benefits?|improve\w*|results?|"
                  r"outcomes?|find|found|show|showed|shown|evidence|studies|study|trials?|satisf\w*|better|cure[sd]?|"
                  r"reduce\w*|any good|good for|worth\w*|promising)\b"
                  # "Does LDN stop MS from getting worse?", "Does fingolimod raise BDNF in the brain?": does it change
                  # the course or a measure (not "Can I stop taking it?", "Should I stop my medication?", "Does it
                  # raise the risk of…?", which ask about safety)
                  r"|\b(?:does|do|did|can|could|will|would|might|may)\s+(?!(?:i|you|we)\b)(?:[\w-]+\s+){1,4}?"
                  r"(?:stop|slow|prevent|delay|halt|raise|lower|increase|decrease|boost)s?\b"
                  r"(?!\s+(?:taking|using|the risk|risks?|my|your|their|his|her)\b)",
    Need.SAFETY: SAFETY_INTENT
    + r"|\b(?:check|ask|talk|speak|consult)\w*\b.{0,20}\b(?:doctor|pharmacist|physician|GP)\b",
    # "How does naltrexone at tiny doses work?", "How would gene therapy treat depression?", "how does such a tiny
    # dose actually do anything" (not "How can I get help…", "How can my family help?").
    Need.MECHANISM: r"\b(?:how (?:does|do|did|is|would|could|might|can) (?!(?:i|we|you|my|our|one|they|doctors|"
    r"people|patients|physicians)\b)[^?.;]{1,40}?"
    r"\b(?:(?:work|act|help|treat|affect|calm|fight|repair|protect)s?|do anything)|mechanism\w*|"
    r"the body (?:process|handle|metaboli[sz]e|absorb)\w*|"
    # "what does gene therapy for depression actually do to your genes?": what it does, however it is named
    r"what (?:does|do|would|will) (?!(?:i|we|you|they|people|patients|doctors)\b)(?:[\w-]+ ){0,6}?"
    r"(?:actually |really )?do\b|"
    r"what (?:happens|goes on)\b[^?.;]{0,40}\b(?:body|brain))\b",
    Need.CAUSE: r"\b(?:cause[sd]?|causing|why|reasons?|triggers?|risk factors?|get it|develop)\b",
    Need.SYMPTOMS: r"\b(?:symptoms?|signs?|feel|feels|pain|hurt\w*|diagnos\w*)\b",
    Need.TREATMENT: r"\b(?:treat\w*|therap\w*|cure[sd]?|medications?|medicines?|drugs?|options?|manag\w*|surgery|"
                    r"remed\w*)\b",
    Need.DEFINITION: r"(?:^|\b)(?:what (?:is|are|exactly is)|what's|define|definition|meaning|information (?:on|about)|"
    r"tell me about|about)\b",
    Need.LIMITS: r"\b(?:challenges?|limitations?|limits?|hard|harder|difficult\w*|drawbacks?|problems?|obstacles?|"
                 r"hurdles?|catch|downsides?|concerns?|"
                 # "why … not / can't / no (big) trials": asks what stands in the way ("why" alone asks a cause)
                 r"why\b[^?.;]{0,30}\b(?:not|cannot|\w+n't|no (?:\w+ ){0,2}(?:trials?|studies|evidence|cure|data|"
                 r"approval|research)))\b",
}

# The person says what they already take ("I take oxycodone.", "I'm on tramadol"), or asks about two things
# together: a side-effects question is then also about taking them together.
ON_MEDICATION = (r"\b(?:i|i'm|i am|im)\s+(?:take|taking|on|using|use)\b"
                 # …or asks about it with something else ("Side effects of LDN with opioids?"; not "people with MS")
                 r"|\b(?:while|alongside|plus|(?<!people )(?<!patients )(?<!those )(?<!someone )(?<!anyone )with)\b")

# What kind of thing a sentence gives.
GIVES: dict[Need, str] = {
    Need.SIDE_EFFECTS: r"\b(?:side[- ]?effects?|adverse|complaints?|nausea|vomiting|diarrh\w*|headaches?|dizziness|"
    r"insomnia|rash\w*|upset|tolerated|well[- ]tolerated|deficiency|bleeding|drowsiness|fatigue)\b",
    Need.DOSE: r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|mL|IU|units?|milligrams?|micrograms?)\b|\b(?:daily|per day|a day|"
    r"twice|once a|times a|every \d+|(?<!low )(?<!low-)dose|doses|dosage)\b",  # ("low-dose naltrexone" is a name)
    Need.FIGURE: r"\d+(?:\.\d+)?\s?%|\b\d+(?:,\d{3})*(?:\.\d+)?\b|\b(?:percent|one in|half of|majority|most people|"
    r"rare|common)\b",
    Need.OUTCOME: r"\b(?:reduc\w*|improv\w*|increas\w*|decreas\w*|lower\w*|effective|efficacy|benefit\w*|relie\w*|"
    r"showed|shown|found|significant\w*|no (?:better|difference)|placebo|outcomes?|results?|slow(?:s|ed|ing)?|"
    r"prevent\w*|delay\w*|halt\w*|stop(?:s|ped|ping)?(?!\s+(?:taking|using)))\b",
    Need.SAFETY: r"\b(?:should not|must not|do not|don't|cannot|can't|avoid|contraindicat\w*|interact\w*|"
    r"warnings?|withdrawal|pregnan\w*|consult|talk (?:to|with) your|risks?|dangerous|serious|safety|"
    r"concerns?)\b",
    Need.MECHANISM: r"\b(?:works? by|acts? (?:by|on|as)|blocks?|block(?:ing|ade)|receptors?|inhibit\w*|"
    r"mechanism\w*|pathways?|stimulat\w*|by (?:\w+ing)|thought to)\b",
    Need.CAUSE: r"\b(?:caused by|causes?|due to|result(?:s|ing)? (?:of|from)|triggered|risk factors?|inherit\w*|"
    r"genetic|mutations?|infections?)\b",
    Need.SYMPTOMS: r"\b(?:symptoms?|signs?|include|includes|including|pain|swelling|fever|feel\w*|may "
    r"(?:have|notice|experience))\b",
    Need.TREATMENT: r"\b(?:treat\w*|therap\w*|medications?|medicines?|drugs?|surgery|transplant\w*|options?|"
    r"prescri\w*|manag\w*|procedures?)\b",
    Need.DEFINITION: r"^(?:[A-Z][\w-]*(?:\s+[\w-]+){0,5})\s+(?:is|are)\s+(?:a|an|the|one|any|when|used|caused)\b",
    Need.LIMITS: r"\b(?:challenges?|limitations?|limited|concerns?|obstacles?|hurdles?|difficult\w*|remains? "
    r"(?:unclear|unknown|to be)|lack\w*|rely on|animal models?|small|short-term|sparse|not yet|further "
    r"research)\b",
}

# Text addressed to a chatbot's user: residue of a conversation, never an answer.
ADDRESSED_TO_USER = (
    r"\b(?:(?:as|the (?:\w+ )?)(?:your|you) (?:highlighted|mentioned|shared|pasted|provided|asked|quoted)|"
    r"you highlighted|your (?:highlighted|pasted) text|would you like|do you want me|let me know|"
    r"i (?:can|could|'d|would) (?:help|also|be happy)|i hope this helps|feel free to|great question|"
    r"here(?:'s| is) (?:a|an|the) (?:breakdown|summary|overview) of)\b"
    r"|^(?:Gemini|ChatGPT|Claude|Copilot|Assistant)\b"
)

# Calls to action: what a page wants the reader to do, not what it knows.
CALL_TO_ACTION = (
    r"\b(?:order (?:now|today|yours)|buy (?:now|today)|call (?:us|now|today)|contact us|book (?:a|an|your) "
    r"(?:consultation|appointment|call)|schedule (?:a|your) (?:consultation|appointment)|sign up|subscribe|"
    r"click here|learn more|visit (?:our|us)|join (?:thousands|us|our)|post a comment|read more|share this)\b"
)

# A leading label on a line ("Side Effects: LDN is…", "The goal: When…"): a capitalised word and up to four more,
# then a colon. The sentence after it is what an answer quotes.
LABEL_PREFIX = r"(?:[A-Z][\w'’-]*(?:\s+[\w'’.-]+){0,4}):\s+(?=[A-Z0-9\"“])"

# A table's header row, flattened to a line of column names ("Aspect Importance", "Study Findings Potential
# Implications", "Percentage of Respondents"), and the capitalised word a row's first cell is made of.
TABLE_HEADER = r"(?:[A-Z][\w'’-]*\s+(?:(?:of|and|or|in|per|for|to|the|vs\.?)\s+)?){1,5}[A-Z][\w'’-]*"
CELL_START = r"[A-Z][\w'’-]*"
# A row label that only names its study or arm ("Study A", "Group 2"): it says nothing of what the row is about.
STUDY_LABEL = r"(?:Study|Trial|Group|Arm|Cohort|Patient|Case|Participant)s? [A-Z0-9]{1,3}"

# A bare reply ("A: Not necessarily.", "Yes."): it answers a question the passage asked, which the quote leaves out.
REPLY_ONLY = (
    r"(?:(?:A|Answer):\s*)?(?:yes|no|not necessarily|not really|not quite|not exactly|absolutely|definitely|"
    r"certainly|maybe|perhaps|possibly|it depends|sometimes|not always|not yet)\W*"
)

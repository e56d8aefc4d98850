"""The caveat rules as data: one row per code with its patterns, context exclusions, severity and wording.

Patterns are case-insensitive regular expressions unless a rule says otherwise; `^` and `$` match at
line breaks. A rule's patterns are joined into one expression, so overlapping cues count once. `exclude` patterns are
checked against the sentence around a match: a hit there means the cue is not what it seems
("further randomized trials are needed" reports no trial; "May 2021" is a month).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CueRule:
    code: str
    label: str
    severity: str
    detail: str
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    case_sensitive: bool = False
    min_hits: int = 1


SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}

RULES: tuple[CueRule, ...] = (
    CueRule(
        "safety_warning", "Safety warning", "high",
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
        ),
        exclude=(r"\bside[- ]effects? of (?:the|this) (?:new )?(?:policy|plan|law|change)\b",),
    ),
    CueRule(
        "ai_generated", "Written by an AI chatbot", "high",
        "This text was produced by an AI assistant, which can state errors fluently; check it against a primary source.",
        patterns=(
            r"^\s*(?:Gemini|ChatGPT|Claude|Copilot|Bard|Assistant|AI)\s*:",
            r"\b(?:Gemini|ChatGPT|Copilot|Bard) (?:analysis|response|answer|says|said)\b",
            r"\bas an AI(?: language model)?\b",
            r"\b(?:generated|written) (?:by|with) (?:ChatGPT|Gemini|an? AI|AI)\b",
        ),
        exclude=(r"\bborn under\b", r"\bzodiac\b", r"\bGemini (?:spacecraft|program|mission)\b"),
    ),
    CueRule(
        "preclinical", "Lab or animal evidence only", "medium",
        "Rests on laboratory, cell or animal studies, which often do not carry over to people.",
        patterns=(
            r"\b(?:laboratory|lab|in vitro|cell[- ]culture|bench) (?:studies|study|experiments?|research|work|data|models?)\b",
            r"\banimal (?:models?|studies|study|experiments?|research|data)\b",
            r"\b(?:in|of|using) (?:mice|rats|rodents|mouse models?|rat models?)\b",
            r"\bmouse models?\b",
            r"\bin vitro\b",
            r"\b(?:human )?tissue cultures?\b",
            r"\bcell cultures?\b",
            r"\bpre-?clinical\b",
        ),
        exclude=(r"\bMickey Mouse\b", r"\bcomputer mouse\b"),
    ),
    CueRule(
        "early_or_small_trials", "Early or small studies", "medium",
        "Comes from early-phase, pilot, small or short human studies, whose results often change in larger trials.",
        patterns=(
            r"\bearly[- ](?:stage|phase) (?:clinical )?(?:trials?|studies|research)\b",
            r"\bearly (?:results|findings|data|signs)\b",
            r"\bpilot (?:study|studies|trials?)\b",
            r"\bphase (?:I|1|II|2|I/II|1/2)\b(?! (?:diabetes|of))",
            r"\bsmall and short[- ]term\b",
            r"\bsmall(?:er)?(?:,)? (?:(?:short|open-label|uncontrolled)[- ]?\w* )?(?:trials?|studies|sample|numbers? of patients|group of patients)\b",
            r"\bhave been small\b",
            r"\bpreliminary (?:evidence|results|research|data|findings|studies)\b",
            r"\bopen-label\b",
        ),
        exclude=(r"\bsmall (?:intestine|molecule|bowel|cell lung)\b",),
    ),
    CueRule(
        "anecdotal", "Anecdotes or surveys", "medium",
        "Based on personal reports, testimonials or surveys of users, which cannot show that the treatment caused the change.",
        patterns=(
            r"\banecdot\w*",
            r"\btestimonials?\b",
            r"\bpatient (?:reports|stories|experiences|registr(?:y|ies))\b",
            r"\bregistr(?:y|ies)\b",
            r"\bsurvey(?:ed|s)? (?:of|among) (?:\d[\d,]* |those\b|patients|people|users|participants|members|adults|women|men|parents|caregivers|respondents|individuals|readers)",
            r"\b(?:surveyed|polled) (?:\d[\d,]* )?(?:patients|people|users|participants|members|adults)\b",
            r"\brespondents\b",
            r"\breal-life experiences?\b",
            r"\bexperiences shared by patients\b",
            r"\b(?:users|patients|people) (?:report|reported|say|swear)\b(?! to)",
        ),
        exclude=(r"\badverse event reporting\b",),
    ),
    CueRule(
        "off_label", "Off-label use", "medium",
        "Describes a use the medicine is not approved for; dosing and safety for this use are less established.",
        patterns=(
            r"\boff[- ]label\b",
            r"\bnot (?:FDA[- ])?approved (?:for|to treat)\b",
            r"\bunapproved (?:use|indication)\b",
            r"\boutside (?:its|the) approved (?:use|indication)s?\b",
        ),
        exclude=(r"\boff[- ]label (?:clothing|brand|fashion|store|jeans)\b",),
    ),
    CueRule(
        "mixed_evidence", "Mixed or null results", "medium",
        "Reports results that disagree, are inconclusive or were no better than placebo.",
        patterns=(
            r"\b(?:results|evidence|findings|consensus|data)\b[^.\n]{0,40}\b(?:mixed|conflicting|inconsistent|inconclusive)\b",
            r"\b(?:mixed|conflicting|inconsistent|inconclusive) (?:results|evidence|findings|data)\b",
            r"\bno (?:strong |good |convincing |clear )?(?:clinical )?evidence (?:that|showing|of|for)\b",
            r"\bno (?:statistically )?significant (?:difference|effect|benefit|improvement)\b",
            r"\b(?:no better than|not better than|similar to) (?:a )?placebo\b",
            r"\bplacebo\b[^.\n]{0,20}\b(?:were|was) negligible\b",
            r"\bdid not (?:improve|reduce|show|find|slow)\b",
            r"\bfailed to (?:show|demonstrate|improve|reduce)\b",
        ),
        exclude=(r"\bmixed (?:connective|with)\b",),
    ),
    CueRule(
        "promotional_tone", "Promotional tone", "medium",
        "Uses marketing or sensational language, a sign the text sells more than it informs.",
        patterns=(
            r"\bastonishing\b", r"\bsecret (?:sidekick|weapon|cure)\b", r"\brevolutioni[sz]\w*", r"\bmiracle\b",
            r"\bbreakthrough\b", r"\bgame[- ]changer\b", r"\bbuckle up\b", r"\bsuperhero\b", r"\bunexpected ally\b",
            r"\bcure-all\b", r"\bamazing\b", r"\bincredible\b", r"\btransformative\b", r"\bexciting (?:frontiers?|avenues?|advancement|development)\b",
            r"\bunexpected benefits\b", r"\byou read that correctly\b", r"\b(?:providing|bringing|brings|provides|offers?|offering) hope\b",
        ),
    ),
    CueRule(
        "speculative_language", "Hedged claims", "low",
        "The claim is carried by words like 'may' or 'could', not by a reported result.",
        patterns=(
            r"\b(?:may|might|could)(?: also| potentially| possibly| even)? (?:help|reduce|improve|lessen|offer|provide|protect|boost|assist|aid|benefit|lower|enhance|slow|contribute|play|serve|be able|bring|address|influence|hold|pave|yield)\b",
            r"\bcould potentially\b",
            r"\bpotentially\b",
            r"\bpromising\b",
            r"\bholds? (?:promise|potential)\b",
            r"\bpossibly\b",
            r"\bhinted at\b",
            r"\bis thought to\b",
        ),
        exclude=(r"^\s*There is no\b", r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December) \d"),
        case_sensitive=False,
        min_hits=2,
    ),
)

UNVERIFIABLE_CITATION = CueRule(
    "unverifiable_citation", "Citation cannot be traced", "medium",
    "Cites a study without a journal, DOI, PMID, trial number or link, so a reader cannot look it up.",
)
NO_REFERENCES = CueRule(
    "no_references", "No references", "low",
    "The source names no journal, DOI, PMID, trial number or link for its claims.",
)
INCOMPLETE_SOURCE = CueRule(
    "incomplete_source", "Source text is cut off", "medium",
    "The source document ends mid-sentence, so part of it is missing.",
)
SINGLE_SOURCE = CueRule(
    "single_source", "One source only", "medium",
    "Every passage of this answer comes from a single document; nothing independent confirms it.",
)
WEAK_MATCH = CueRule(
    "weak_match", "Weak match", "high",
    "The indexed documents do not clearly answer this question; the passages shown are only loosely related.",
)
ANSWER_MIXED = CueRule(
    "mixed_evidence", "Mixed or null results", "medium",
    "The passages behind this answer include results that disagree or were no better than placebo.",
)

# Citations: an author-year or a placeholder study name is a citation; it is traceable
# when the same line gives a journal, DOI, PMID, trial registry id or a URL.
CITATION_PATTERNS = (
    r"\b[A-Z][A-Za-z'\-]+(?: and [A-Z][A-Za-z'\-]+| et al\.?)\s*,?\s*\(?(?:19|20)\d{2}[a-z]?\)?",
    r"\bStudy [A-Z]\b(?![a-z])",
)
TRACEABLE_PATTERNS = (
    r"\b10\.\d{4,9}/\S+",
    r"\bPMID:?\s*\d{5,9}\b",
    r"\bPMC\d{5,9}\b",
    r"\bNCT\d{8}\b",
    r"\bISRCTN\d{6,}\b",
    r"https?://\S+",
    r"\b(?:J\.|Journal|Lancet|N Engl J Med|NEJM|JAMA|BMJ|Neurology|Mult Scler|Brain|Ann Neurol|Nature|Science|Cell|PLoS|Cochrane)\b",
)
# Questions about safety ("can I take it with…", "side effects?") rank passages that carry a
# safety_warning higher: a contraindication must not fall below the fold.
SAFETY_INTENT = (
    r"\b(?:safe|safety|side[- ]effects?|risks?|dangers?|dangerous|interact\w*|combine|combined|mix|together|"
    r"contraindicat\w*|warnings?|pregnan\w*|breastfeed\w*|overdose|withdrawal|allerg\w*)\b"
    r"|\b(?:take|taking|use|using)\b.{0,60}\b(?:with|while|alongside|and)\b"
)

# A mention of research in a passage of a document with no references: where no_references matters.
RESEARCH_CLAIM = r"\b(?:stud(?:y|ies)|research|trials?|evidence|findings|scientists|researchers)\b"

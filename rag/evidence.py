"""A small study-design classifier: which kinds of evidence does a text *report*?

Zero dependencies, regular expressions only. A design counts only when the sentence reports it,
not when it asks for it ("further randomized trials are essential" reports none).
"""

from __future__ import annotations

import re

LEVELS = (
    "systematic_review",
    "randomized_trial",
    "observational",
    "small_or_early_trial",
    "preclinical",
    "anecdote_or_opinion",
    "none_stated",
)

DESIGNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "systematic_review": ("systematic_review", (r"\bsystematic (?:review|literature review)\b", r"\bmeta-?analys[ie]s\b", r"\bCochrane review\b")),
    "randomized_trial": ("randomized_trial", (
        r"\brandomi[sz]ed(?:,)? (?:\w+[- ])?(?:\w+[- ])?(?:trials?|stud(?:y|ies)|RCTs?)\b",
        r"\bRCTs?\b", r"\bdouble-blind\w*\b", r"\bplacebo-controlled\b", r"\brandomly (?:assigned|allocated)\b",
    )),
    "cohort": ("observational", (r"\bcohort\b", r"\bprospective(?:ly)? (?:study|studies|followed|collected|cohort)\b")),
    "case_control": ("observational", (r"\bcase-control\b", r"\bcase control stud",)),
    "cross_sectional": ("observational", (r"\bcross-sectional\b",)),
    "retrospective": ("observational", (r"\bretrospective(?:ly)?\b", r"\bchart review\b", r"\bmedical records? (?:of|review)\b")),
    "observational": ("observational", (r"\bobservational\b", r"\bpopulation-based\b", r"\bnationwide (?:study|data)\b")),
    "early_trial": ("small_or_early_trial", (
        r"\bpilot\b", r"\bphase (?:I|1|II|2|I/II|1/2)\b", r"\bearly[- ](?:stage|phase) (?:clinical )?(?:trials?|studies)\b",
        r"\bopen-label\b", r"\b(?:trials?|studies) (?:on \w+ )?(?:have been|were|was) small\b", r"\bsmall (?:trials?|studies)\b",
        r"\bearly results\b", r"\bclinical trials? testing\b",
    )),
    "case_report": ("anecdote_or_opinion", (r"\bcase (?:report|series)\b", r"\bwe (?:report|describe|present) (?:a|an|the) (?:case|patient)\b")),
    "survey": ("anecdote_or_opinion", (r"\bsurvey(?:ed|s)?\b", r"\bquestionnaire\b", r"\brespondents\b")),
    "anecdote": ("anecdote_or_opinion", (r"\banecdot\w*", r"\btestimonials?\b", r"\bpatient registr(?:y|ies)\b", r"\breal-life experiences?\b")),
    "animal_or_in_vitro": ("preclinical", (
        r"\b(?:in|of|using) (?:mice|rats|rodents|mouse models?|rat models?)\b", r"\bmice\b", r"\brats\b", r"\bmurine\b",
        r"\bin vitro\b", r"\banimal (?:models?|studies|study|experiments?)\b", r"\bcell[- ]cultures?\b",
        r"\b(?:laboratory|lab) (?:studies|study|experiments?)\b", r"\bpre-?clinical\b", r"\btissue cultures?\b",
    )),
}

_NOT_REPORTED = re.compile(
    r"\b(?:further|future|more|larger|well-designed|additional)\b[^.]{0,40}\b(?:are|is|will be)? ?(?:needed|essential|required|warranted|necessary)\b"
    r"|\b(?:further|future|more|larger|additional|well-designed) (?:randomi[sz]ed|controlled|clinical|large)\b"
    r"|\black of\b|\bsparse\b|\bno (?:randomi[sz]ed|controlled)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_COMPILED = {
    name: (level, re.compile("|".join(f"(?:{p})" if "RCT" in p else f"(?i:{p})" for p in patterns)))
    for name, (level, patterns) in DESIGNS.items()
}


def classify_designs(text: str) -> list[str]:
    """Study designs the text reports, in a stable order."""
    found: list[str] = []
    for sentence in _SENTENCE.findall(text):
        if _NOT_REPORTED.search(sentence):
            continue
        for name, (_, pattern) in _COMPILED.items():
            if name not in found and pattern.search(sentence):
                found.append(name)
    return [name for name in DESIGNS if name in found]


def evidence_level(text: str, default: str = "none_stated") -> str:
    """The strongest level among the designs the text reports, or `default` when it reports none."""
    levels = {DESIGNS[name][0] for name in classify_designs(text)}
    for level in LEVELS:
        if level in levels:
            return level
    return default


def strongest(levels: list[str]) -> str:
    for level in LEVELS:
        if level in levels:
            return level
    return "none_stated"

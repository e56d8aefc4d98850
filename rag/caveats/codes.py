"""Caveat codes, severities and evidence levels: defined once, used everywhere (API, web, CLI)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Caveat codes; part of the contract (SPEC.md), so they may be added to, never renamed."""

    PRECLINICAL = "preclinical"
    EARLY_OR_SMALL_TRIALS = "early_or_small_trials"
    ANECDOTAL = "anecdotal"
    UNVERIFIABLE_CITATION = "unverifiable_citation"
    AI_GENERATED = "ai_generated"
    SPECULATIVE_LANGUAGE = "speculative_language"
    OFF_LABEL = "off_label"
    SAFETY_WARNING = "safety_warning"
    MIXED_EVIDENCE = "mixed_evidence"
    PROMOTIONAL_TONE = "promotional_tone"
    INCOMPLETE_SOURCE = "incomplete_source"
    NO_REFERENCES = "no_references"
    SINGLE_SOURCE = "single_source"
    WEAK_MATCH = "weak_match"
    SOURCES_DISAGREE = "sources_disagree"
    NOT_MENTIONED = "not_mentioned"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the gravest; sorts caveats gravest first."""
        return list(Severity).index(self)


class Level(StrEnum):
    """Evidence levels, strongest first (in the spirit of the Oxford CEBM levels)."""

    SYSTEMATIC_REVIEW = "systematic_review"
    RANDOMIZED_TRIAL = "randomized_trial"
    OBSERVATIONAL = "observational"
    SMALL_OR_EARLY_TRIAL = "small_or_early_trial"
    PRECLINICAL = "preclinical"
    ANECDOTE_OR_OPINION = "anecdote_or_opinion"
    NONE_STATED = "none_stated"


LEVEL_LABELS = {
    Level.SYSTEMATIC_REVIEW: "Systematic review",
    Level.RANDOMIZED_TRIAL: "Randomized trial",
    Level.OBSERVATIONAL: "Observational study",
    Level.SMALL_OR_EARLY_TRIAL: "Small or early trial",
    Level.PRECLINICAL: "Lab or animal study",
    Level.ANECDOTE_OR_OPINION: "Anecdote or opinion",
    Level.NONE_STATED: "No evidence stated",
}

# What each level means to a reader, in one line (the glossary and the answer's evidence summary).
LEVEL_DETAILS = {
    Level.SYSTEMATIC_REVIEW: "A review that pools many studies: the strongest kind of evidence.",
    Level.RANDOMIZED_TRIAL: "People were given the treatment or a comparison by chance: the fairest test of whether a "
                            "treatment works, whether it found a difference or not.",
    Level.OBSERVATIONAL: "People were followed or compared without assigning the treatment: it shows links, not cause.",
    Level.SMALL_OR_EARLY_TRIAL: "A small, short or early-phase study in people: results often change in larger trials.",
    Level.PRECLINICAL: "Lab, cell or animal work only: results often do not carry over to people.",
    Level.ANECDOTE_OR_OPINION: "Personal reports, surveys or opinion: they cannot show that the treatment caused a "
                               "change.",
    Level.NONE_STATED: "The cited text names no study behind what it says.",
}

# Design caveats a sentence, passage or document earns when its evidence level is that design.
# The levels a study (not a story) sets that carry a caveat: a text names them whenever it reports one.
STUDY_DESIGN_LEVELS = (Level.PRECLINICAL, Level.SMALL_OR_EARLY_TRIAL)
LEVEL_CODES = {
    Level.PRECLINICAL: Code.PRECLINICAL,
    Level.SMALL_OR_EARLY_TRIAL: Code.EARLY_OR_SMALL_TRIALS,
    Level.ANECDOTE_OR_OPINION: Code.ANECDOTAL,
}

SEVERITY_LABELS = {Severity.HIGH: "High", Severity.MEDIUM: "Medium", Severity.LOW: "Low", Severity.INFO: "Info"}

# What each severity asks of a reader (the glossary).
SEVERITY_DETAILS = {
    Severity.HIGH: "Read this first: a risk to your health, or a reason the text may not be trustworthy at all.",
    Severity.MEDIUM: "Limits how far the evidence goes: weigh the claim with care and look for stronger studies.",
    Severity.LOW: "Worth knowing: the wording or the sourcing is weaker than it first looks.",
    Severity.INFO: "For context only: nothing here argues against the claim.",
}


def strongest(levels: list[str]) -> Level:
    """The strongest evidence level among `levels` (none_stated when empty)."""
    present = set(levels)
    return next((level for level in Level if level in present), Level.NONE_STATED)

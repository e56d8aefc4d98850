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


def strongest(levels: list[str]) -> Level:
    """The strongest evidence level among `levels` (none_stated when empty)."""
    present = set(levels)
    return next((level for level in Level if level in present), Level.NONE_STATED)

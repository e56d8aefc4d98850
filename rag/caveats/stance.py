"""What a sentence reports about an effect: a benefit, no benefit, or harm.

Used for the `sources_disagree` answer caveat. A benefit counts only when it is reported as a finding
("LDN reduced fatigue", "a 20% reduction in relapses"), not hedged ("may reduce") and not denied; "no
benefit" is a null result (`mixed_evidence`); harm is a reported worsening or a raised risk.
"""

from __future__ import annotations

import re
from enum import StrEnum

from rag.caveats.codes import Code
from rag.caveats.sentences import SentenceFinding

BENEFIT = re.compile(
    r"\b(?:reduced|improved|increased|lowered|decreased|relieved|slowed|enhanced|protected|prevented|halted|"
    r"stabili[sz]ed|restored|alleviated|eased)\b|\b(?:significant|marked|substantial|"
    r"\d+(?:\.\d+)?\s?%)\s+(?:\w+\s+)?(?:reduction|improvement|decrease|increase|benefit|relief)s?\b|\bimprovements? "
    r"in\b|\breduction in\b|\bwas effective\b|\bwere effective\b",
    re.IGNORECASE,
)
HARM = re.compile(
    r"\b(?:worsened|worsening of|deteriorat\w+|exacerbated|increased (?:the )?risk|higher risk|more "
    r"(?:relapses|deaths|complications)|harmful|caused (?:serious )?(?:harm|damage))\b",
    re.IGNORECASE,
)


class Stance(StrEnum):
    BENEFIT = "benefit"
    NO_BENEFIT = "no_benefit"
    HARM = "harm"


def sentence_stance(text: str, finding: SentenceFinding) -> Stance | None:
    """The stance one sentence reports, or None when it reports none (or only hedges)."""
    sentence = text[finding.start : finding.end]
    if finding.has(Code.MIXED_EVIDENCE):
        return Stance.NO_BENEFIT
    if HARM.search(sentence):
        return Stance.HARM
    if finding.has(Code.SPECULATIVE_LANGUAGE) or finding.has(Code.PROMOTIONAL_TONE):
        return None
    return Stance.BENEFIT if BENEFIT.search(sentence) else None

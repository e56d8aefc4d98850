"""The caveat engine: how far to trust each sentence, passage, document and answer.

`sentences` reads text (rules in `rules`, hedges learned in `hedges`, designs in `design`);
`profile` builds passage and document caveats from those findings; `answer` adds the answer's own.
"""

from rag.caveats.answer import answer_caveats
from rag.caveats.codes import Code, Level, Severity, strongest
from rag.caveats.profile import CAVEATS_VERSION, annotate, classify_designs, evidence_level, find_cues, profile_document
from rag.caveats.sentences import SentenceFinding, analyse

__all__ = [
    "CAVEATS_VERSION", "Code", "Level", "SentenceFinding", "Severity", "analyse", "annotate", "answer_caveats",
    "classify_designs", "evidence_level", "find_cues", "profile_document", "strongest",
]

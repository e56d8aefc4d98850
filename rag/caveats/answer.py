"""Answer-level caveats, the only caveat work done per query: weak match, one source, mixed results,
and the gravest passage caveats lifted so the "Before you rely on this" bar names what matters most."""

from __future__ import annotations

from dataclasses import replace

from rag.caveats.codes import Code, Severity
from rag.caveats.profile import make_caveat, sort_caveats
from rag.caveats.rules import ANSWER_MIXED
from rag.types import Caveat


def _cited(citations: list[int]) -> str:
    return ", ".join(f"[{c}]" for c in citations)


def answer_caveats(passage_caveats: list[list[Caveat]], doc_ids: list[str], weak: bool,
                   disagreement: tuple[list[int], list[int]] | None = None,
                   unmentioned: list[str] | None = None, unpaired: tuple[str, str] | None = None) -> list[Caveat]:
    """`disagreement` is (citations reporting a benefit, citations reporting none or harm), when they disagree;
    `unmentioned`, what the question names that no document mentions; `unpaired`, a treatment and a condition the
    question pairs that the documents name only apart ("metformin", "lupus")."""
    out: list[Caveat] = []
    if weak:
        out.append(make_caveat(Code.WEAK_MATCH))
    if unmentioned and not weak:
        names = ", ".join(f"“{name}”" for name in unmentioned)
        caveat = make_caveat(Code.NOT_MENTIONED, detail=(
            f"None of the documents mention {names}: the answer says what they do say, not whether that applies."))
        # the badge itself says what is missing ("Not in the sources: “Crohn's”"), not only the detail behind it
        out.append(replace(caveat, label=f"{caveat.label}: {names}"))
    elif unpaired and not weak:
        treatment, condition = unpaired
        caveat = make_caveat(Code.NOT_MENTIONED, detail=(
            f"The documents speak of {treatment}, but none of them for {condition}: the answer says what they say "
            f"of it elsewhere, not whether it helps {condition}."))
        out.append(replace(caveat, label=f"{caveat.label}: “{treatment}” for “{condition}”"))
    if not weak and doc_ids and len(set(doc_ids)) == 1:
        out.append(make_caveat(Code.SINGLE_SOURCE))
    all_codes = [c for caveats in passage_caveats for c in caveats]
    if disagreement and not weak:
        benefit, against = disagreement
        out.append(make_caveat(Code.SOURCES_DISAGREE, detail=(
            f"The passages behind this answer disagree: {_cited(benefit)} report a benefit, "
            f"{_cited(against)} report no benefit or harm.")))
    if any(c.code == Code.MIXED_EVIDENCE for c in all_codes):
        out.append(Caveat(ANSWER_MIXED.code, ANSWER_MIXED.label, ANSWER_MIXED.severity, ANSWER_MIXED.detail))
    if not weak:
        present = [c for c in all_codes if c.code != Code.MIXED_EVIDENCE and Severity(c.severity).rank <= 1]
        gravest = min((Severity(c.severity).rank for c in present), default=None)
        lifted: dict[str, Caveat] = {}
        for caveat in present:
            if Severity(caveat.severity).rank == gravest and caveat.code not in lifted:
                lifted[caveat.code] = caveat
        out.extend(lifted.values())
    return sort_caveats(out)

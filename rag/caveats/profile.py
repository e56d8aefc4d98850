"""Passage and document caveats built from sentence findings (the rules are stated in the README).

Runs at index time (stored with passages and documents) and for `rag annotate`; only answer-level
caveats are computed per query (`answer.py`).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rag.caveats.citations import count_citations, unverifiable
from rag.caveats.codes import LEVEL_CODES, STUDY_DESIGN_LEVELS, Code, Level, Severity
from rag.caveats.design import DESIGNS, TESTIMONY, text_level
from rag.caveats.patterns import union
from rag.caveats.rules import (
    ANECDOTE_SENTENCES,
    CHATBOT_OFFER,
    CHATBOT_VOICE,
    CLAIM_WORDS,
    EXPERIMENT_VERBS,
    HEADLINE_SENTENCES,
    HEDGED_SENTENCES_ALWAYS,
    HEDGED_SHARE,
    PROMOTIONAL_SEVERITY,
    RESEARCH_CLAIM,
    RULE_BY_CODE,
)
from rag.caveats.sentences import Cue, SentenceFinding, analyse, straight
from rag.caveats.tone import OVERCLAIM, overclaim
from rag.caveats.tone import features as tone_features
from rag.caveats.tone import shipped as tone_model
from rag.types import Caveat, Chunk, Document


def _fingerprint() -> str:
    """A hash of the caveat engine's code and data: any change to a rule, cue or the lexicon re-annotates."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*package.glob("*.py"), *package.glob("data/*.json")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


CAVEATS_VERSION = f"8-{_fingerprint()}"
# Codes a document's profile names from its sentences, besides the ones decided below.
DOCUMENT_CODES = (Code.AI_GENERATED, Code.OFF_LABEL, Code.SAFETY_WARNING, Code.MIXED_EVIDENCE)
# Design caveats a profile names whenever its own sentences report the design, whatever sets the level.
_WEAKER_DESIGNS = {level: LEVEL_CODES[level] for level in STUDY_DESIGN_LEVELS}
# Codes every passage of a document inherits from it.
INHERITED_CODES = (Code.AI_GENERATED, Code.PROMOTIONAL_TONE)

_RESEARCH = re.compile(RESEARCH_CLAIM, re.IGNORECASE)
_QUOTE_END = re.compile(r"[!?;,\n]|\.(?!\d)")  # a decimal point ("2.1%") ends nothing
_QUOTE_START = re.compile(r"[!?;:\n]|\.(?!\d)")
_MAX_QUOTE = 200


def _quote_bounds(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause around a cue, from the last break (. ! ? ; : newline) to the next, kept within [lo, hi)."""
    left = max(lo, max((m.end() for m in _QUOTE_START.finditer(text, max(lo, start - 2000), start)), default=lo))
    match = _QUOTE_END.search(text, end, hi)
    right = match.start() if match else hi
    if right - left > _MAX_QUOTE:
        left = max(left, start - 60)
        right = min(right, end + 80)
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
        space = text.rfind(" ", end, right)
        right = space if space > end else right
    while left < start and text[left].isspace():
        left += 1
    while right > end and text[right - 1] in " \t,":
        right -= 1
    return left, right


def make_caveat(code: Code, text: str | None = None, start: int | None = None, end: int | None = None,
                detail: str | None = None) -> Caveat:
    """A caveat of `code` with its rule's label, severity and detail; quoting text[start:end] when given."""
    rule = RULE_BY_CODE[code]
    quote = text[start:end] if text is not None and start is not None else None
    return Caveat(rule.code, rule.label, rule.severity, detail or rule.detail, quote, start, end)


def _quoted(code: Code, text: str, cue: Cue, lo: int, hi: int) -> Caveat:
    start, end = _quote_bounds(text, cue.start, cue.end, lo, hi)
    return make_caveat(code, text, start, end)


def _is_claim(text: str, finding: SentenceFinding) -> bool:
    """A sentence long enough to state something, and not a question."""
    sentence = text[finding.start : finding.end].rstrip()
    return len(sentence.split()) >= CLAIM_WORDS and not sentence.endswith("?")


def rests_on_hedges(text: str, findings: list[SentenceFinding]) -> bool:
    """Claims carried by hedges: two claim sentences hedge, or a third of them do (one, in a short text)."""
    claims = [f for f in findings if _is_claim(text, f)]
    hedged = sum(1 for f in claims if f.has(Code.SPECULATIVE_LANGUAGE))
    return hedged >= HEDGED_SENTENCES_ALWAYS or (hedged > 0 and hedged >= HEDGED_SHARE * len(claims))


def _within(findings: list[SentenceFinding], lo: int, hi: int) -> list[SentenceFinding]:
    """The findings overlapping [lo, hi). They are in text order and do not overlap, so both ends are found by
    bisection: a scan of every finding per chunk made a text of 100,000 tiny sentences quadratic."""
    first = bisect_right(findings, lo, key=lambda f: f.end)
    last = bisect_left(findings, hi, lo=first, key=lambda f: f.start)
    return findings[first:last]


def _first_cues(findings: list[SentenceFinding], lo: int, hi: int) -> dict[Code, Cue]:
    first: dict[Code, Cue] = {}
    for finding in findings:
        for cue in finding.cues:
            if lo <= cue.start and cue.end <= hi:
                first.setdefault(cue.code, cue)
    return first


def _by_density(caveat: Caveat, findings: list[SentenceFinding]) -> Caveat:
    """A promotional caveat's severity from how many sentences carry the tone (rules.PROMOTIONAL_SEVERITY)."""
    if caveat.code != Code.PROMOTIONAL_TONE:
        return caveat
    sentences = sum(1 for f in findings if f.has(Code.PROMOTIONAL_TONE))
    severity = next((s for least, s in PROMOTIONAL_SEVERITY if sentences >= least), caveat.severity)
    detail = f"{caveat.detail} Found in {sentences} sentence{'s' if sentences != 1 else ''}."
    return replace(caveat, severity=severity, detail=detail)


def span_caveats(text: str, findings: list[SentenceFinding], lo: int = 0, hi: int | None = None) -> list[Caveat]:
    """Caveats the span text[lo:hi] earns by its own words, each quoting the clause that triggered it."""
    hi = len(text) if hi is None else hi
    inside = _within(findings, lo, hi)
    first = _first_cues(inside, lo, hi)
    if Code.SPECULATIVE_LANGUAGE in first and not rests_on_hedges(text, inside):
        del first[Code.SPECULATIVE_LANGUAGE]
    first.pop(Code.UNVERIFIABLE_CITATION, None)  # `unverifiable` names every one the span holds
    caveats = [_by_density(_quoted(code, text, cue, lo, hi), inside) for code, cue in first.items()]
    # The citations the whole text's reading found untraceable (a vague "the study found" is traceable when the
    # document names its journal elsewhere), so a passage and its document agree.
    cited = [(c.start, c.end) for f in inside for c in f.cues
             if c.code == Code.UNVERIFIABLE_CITATION and lo <= c.start < hi]
    caveats.extend(unverifiable(text, cited))
    return caveats


def find_cues(text: str, offset: int = 0) -> list[Caveat]:
    """Caveats a text earns by its own words (offsets shifted by `offset`)."""
    caveats = span_caveats(text, analyse(text))
    return [replace(c, start=c.start + offset, end=c.end + offset)
            if c.start is not None and c.end is not None else c for c in caveats]


def _is_truncated(text: str) -> tuple[int, int] | None:
    """Span of the last words when the document stops mid-sentence (a letter, no final punctuation)."""
    stripped = text.rstrip()
    last_line = stripped.rsplit("\n", 1)[-1].strip()
    if not last_line or not last_line[-1].isalpha() or len(last_line.split()) < 6:
        return None
    # A link or a hashtag is where a post ends, not where it was cut: "…in my bio! #naturalhealing".
    if re.match(r"https?://|#\w", last_line.split()[-1]):
        return None
    end = len(stripped)
    start = max(stripped.rfind(" ", 0, end - 40), stripped.rfind("\n", 0, end)) + 1
    return start, end


_TESTIMONY = union(TESTIMONY, re.IGNORECASE)
_ABOUT_RESEARCH = re.compile(f"(?:{RESEARCH_CLAIM})|(?:{EXPERIMENT_VERBS})", re.IGNORECASE)
_OFFER = re.compile(CHATBOT_OFFER, re.IGNORECASE)
_VOICE = re.compile(CHATBOT_VOICE, re.IGNORECASE)


def _chatbot_reply(text: str, findings: list[SentenceFinding]) -> tuple[int, int] | None:
    """The sentence offering to write more, when another sentence speaks as a chatbot too (rules.CHATBOT_OFFER)."""
    offers: list[tuple[int, int]] = []
    voiced = 0
    for finding in findings:
        sentence = straight(text[finding.start:finding.end])
        if _OFFER.search(sentence):
            offers.append((finding.start, finding.end))
        elif _VOICE.search(sentence):
            voiced += 1
    return offers[0] if offers and len(offers) + voiced >= 2 else None


def _level(text: str, findings: list[SentenceFinding], default: Level) -> Level:
    own = [f.level for f in findings if not f.background]
    return text_level(own, text, default, background=[f.level for f in findings if f.background])


def _headline(findings: list[SentenceFinding]) -> list[SentenceFinding]:
    """The title and first sentences (headings skipped): where a text puts the claim it wants remembered."""
    return [f for f in findings if not f.background][:HEADLINE_SENTENCES]


def _document_level(text: str, findings: list[SentenceFinding], default: Level) -> Level:
    """The strongest design the document reports, unless its headline rests on animal or lab work alone:
    then that is what the main claim is worth, whatever a later pilot in people adds."""
    headline = _headline(findings)
    if any(f.level == Level.PRECLINICAL for f in headline) and not any(
            f.level not in (Level.PRECLINICAL, Level.NONE_STATED) for f in headline):
        return Level.PRECLINICAL
    return _level(text, findings, default)


# A press release's closing "About <institution>" section: the publisher describing itself, not the news. A heading
# of at most 12 words ("About Acme Pharmaceuticals, Inc.", "About the U.S. Food and Drug Administration"), in a text
# that reads as a release (someone "said" or "announced" something before it): a shop's "About us" sells.
_ABOUT_SECTION = re.compile(r"^(?:#+\s*)?About (?:the )?[A-Z][^\n!?]{0,100}$", re.MULTILINE)
_FULL_STOP = re.compile(r"\.$")
_ABBREVIATION_END = re.compile(r"\b(?:Inc|Ltd|Co|Corp|LLC|plc|St|Jr|[A-Z])\.$")
_RELEASE = re.compile(r"\b(?:said|says|announced|announces)\b")


def _before_about_section(text: str, findings: list[SentenceFinding]) -> list[SentenceFinding]:
    """The findings before a release's closing "About …" heading (in the second half of the text)."""
    for heading in _ABOUT_SECTION.finditer(text, len(text) // 2):
        line = heading.group().strip()
        ends_sentence = _FULL_STOP.search(line) is not None and _ABBREVIATION_END.search(line) is None
        if len(line.split()) <= 12 and not ends_sentence and _RELEASE.search(text, 0, heading.start()):
            return findings[: bisect_left(findings, heading.start(), key=lambda f: f.start)]
    return findings


def tone_of(text: str, findings: list[SentenceFinding], level: Level,
            keep: Callable[[str], bool] | None = None) -> dict[str, float]:
    """The features the learned tone score reads (rag/caveats/tone.py); `keep` as there. A release's self-description
    at its end ("a portfolio of best-in-class products") does not set the news' tone."""
    findings = _before_about_section(text, findings)
    claims = sum(1 for f in findings if _is_claim(text, f))
    return tone_features(text, findings, _headline(findings), level, claims, keep)


def text_tone(text: str) -> dict[str, float]:
    """The tone features of a whole text, read as `profile_document` reads them (benchmarks/train_tone.py)."""
    findings = analyse(text)
    return tone_of(text, findings, level_of(text, findings))


def _tells_anecdotes(text: str, findings: list[SentenceFinding]) -> bool:
    """Whether the text tells several people's (or one person's several) stories (`design.TESTIMONY`), not a
    survey, registry or questionnaire in passing."""
    told = [f for f in findings if "anecdote" in f.designs and not f.background]
    if len(told) < ANECDOTE_SENTENCES:
        return False
    text = straight(text)  # as the sentences were read
    return sum(_TESTIMONY.search(text, f.start, f.end) is not None for f in told) >= ANECDOTE_SENTENCES


def level_of(text: str, findings: list[SentenceFinding], chatbot: bool | None = None) -> Level:
    """The document's level; a chatbot's text with no design of its own is opinion (`chatbot`: whether it reads as
    a chatbot's reply, when the caller has already asked)."""
    if chatbot is None:
        chatbot = _chatbot_reply(text, findings) is not None
    opinion = chatbot or any(f.has(Code.AI_GENERATED) for f in findings)
    return _document_level(text, findings, Level.ANECDOTE_OR_OPINION if opinion else Level.NONE_STATED)


_OVERCLAIM_DETAIL = "The headline promises an effect that rests on animal or lab work."


def _promotional(text: str, findings: list[SentenceFinding], level: Level, cue: Cue | None) -> Caveat | None:
    """The document's promotional caveat when the learned tone score says so, quoting its first sensational words,
    or its headline when the headline's promise is what oversells (low: one sentence)."""
    values = tone_of(text, findings, level)
    if not tone_model().promotional(values):
        return None
    title = overclaim(text, _headline(findings), level) if values[OVERCLAIM] else None
    if cue is not None:
        caveat = _by_density(_quoted(Code.PROMOTIONAL_TONE, text, cue, 0, len(text)), findings)
        return replace(caveat, detail=f"{caveat.detail} {_OVERCLAIM_DETAIL}") if title is not None else caveat
    if title is None:  # a caveat quotes what earned it: with no cue and no headline promise there is none
        return None
    return replace(make_caveat(Code.PROMOTIONAL_TONE, text, title.start, title.end, _OVERCLAIM_DETAIL),
                   severity=Severity.LOW)


def profile_document(document: Document, findings: list[SentenceFinding]) -> Document:
    """The document's profile: what a reader of the whole text should be warned of, and its evidence level."""
    text = document.text
    first = _first_cues(findings, 0, len(text))
    caveats = [_quoted(code, text, first[code], 0, len(text)) for code in DOCUMENT_CODES if code in first]
    reply = _chatbot_reply(text, findings)
    if reply and Code.AI_GENERATED not in first:
        caveats.append(make_caveat(Code.AI_GENERATED, text, *reply))
    level = level_of(text, findings, chatbot=reply is not None)
    promotional = _promotional(text, findings, level, first.get(Code.PROMOTIONAL_TONE))
    if promotional:
        caveats.append(promotional)
    if Code.SPECULATIVE_LANGUAGE in first and rests_on_hedges(text, findings):
        caveats.append(_quoted(Code.SPECULATIVE_LANGUAGE, text, first[Code.SPECULATIVE_LANGUAGE], 0, len(text)))
    level_code = LEVEL_CODES.get(level)
    if level_code is not None:
        designed = with_design_cues(text, findings, level) if level_code not in first else findings
        cue = _first_cues(designed, 0, len(text)).get(level_code)
        if cue is not None:
            caveats.append(_quoted(level_code, text, cue, 0, len(text)))
    if level_code != Code.ANECDOTAL and Code.ANECDOTAL in first and _tells_anecdotes(text, findings):
        caveats.append(_quoted(Code.ANECDOTAL, text, first[Code.ANECDOTAL], 0, len(text)))
    # The weaker designs the text itself reports beside the one that sets its level ("a small pilot" in a story
    # about a trial, mice in a release about a pilot): a reader of the profile is told of every one, not only the
    # strongest (two held-out blind trials' labellers both asked for this).
    for weaker, code in _WEAKER_DESIGNS.items():
        if code == level_code:
            continue
        # the sentences that report such a design ("a pilot study of 20 patients, and earlier experiments in rats"),
        # not a word of its caveat in passing ("to find early signs")
        reported = [f for f in findings
                    if not f.background and any(DESIGNS[name][0] == weaker for name in f.designs)]
        cue = _first_cues(reported, 0, len(text)).get(code)
        if cue is not None:
            caveats.append(_quoted(code, text, cue, 0, len(text)))
    counts = count_citations(text)
    if counts.untraceable:
        caveats.extend(unverifiable(text))
    truncated = _is_truncated(text)
    if truncated:
        caveats.append(make_caveat(Code.INCOMPLETE_SOURCE, text, *truncated))
    if counts.traceable == 0 and not document.urls:
        caveats.append(make_caveat(Code.NO_REFERENCES))
    return replace(document, caveats=sort_caveats(caveats), citations=counts, evidence_level=level)


def with_design_cues(text: str, findings: list[SentenceFinding], level: Level) -> list[SentenceFinding]:
    """Each sentence about research that reports a design of the text's own level carries that level's caveat on
    the design's words, when no cue of it did: "the team fed an extract to 24 aged mice" is preclinical without
    saying "in mice". Only the level the whole text has: "people who ate more chicken and fish" in a cohort study,
    or the SF-36 questionnaire of a trial, names no design of it."""
    code = LEVEL_CODES.get(level)
    if code is None:
        return findings
    out = list(findings)
    for i, finding in enumerate(findings):
        if (finding.level != level or finding.background or not finding.design_spans or finding.has(code)
                or not _ABOUT_RESEARCH.search(text, finding.start, finding.end)):
            continue
        spans = [span for name, span in zip(finding.designs, finding.design_spans, strict=False)
                 if DESIGNS[name][0] == level] or list(finding.design_spans)
        out[i] = _with_cue(finding, Cue(code, *spans[0]))
    return out


def _with_cue(finding: SentenceFinding, cue: Cue) -> SentenceFinding:
    return replace(finding, cues=tuple(sorted((*finding.cues, cue), key=lambda c: c.start)))


def with_document_cues(document: Document, findings: list[SentenceFinding]) -> list[SentenceFinding]:
    """The sentences, each also carrying the codes the document's profile quotes from it (a chatbot's offer to
    write more, a headline that overclaims): what the profile says of a sentence, the sentence says too. A quote
    may open before its sentence (a clause runs on past "…" or a closing quotation mark); it ends in it."""
    out = list(findings)
    for caveat in document.caveats:
        if caveat.start is None or caveat.end is None:
            continue
        index = bisect_right(out, caveat.end - 1, key=lambda f: f.end)
        if index < len(out) and out[index].start < caveat.end and not out[index].has(caveat.code):
            finding = out[index]
            out[index] = _with_cue(finding, Cue(caveat.code, max(caveat.start, finding.start), caveat.end))
    return out


def caveat_chunks(document: Document, chunks: list[Chunk], findings: list[SentenceFinding]) -> list[Chunk]:
    """Each chunk's caveats from its own sentences, plus what it inherits from its (profiled) document."""
    doc_codes = {c.code: c for c in document.caveats}
    default = Level.ANECDOTE_OR_OPINION if Code.AI_GENERATED in doc_codes else Level.NONE_STATED
    annotated: list[Chunk] = []
    for chunk in chunks:
        inside = _within(findings, chunk.start, chunk.end)
        caveats = span_caveats(document.text, inside, chunk.start, chunk.end)
        codes = {c.code for c in caveats}
        caveats.extend(doc_codes[code] for code in INHERITED_CODES if code in doc_codes and code not in codes)
        truncated = doc_codes.get(Code.INCOMPLETE_SOURCE)
        if truncated and truncated.start is not None and chunk.start <= truncated.start < chunk.end:
            caveats.append(truncated)
        if Code.NO_REFERENCES in doc_codes and _RESEARCH.search(chunk.text):
            caveats.append(doc_codes[Code.NO_REFERENCES])
        annotated.append(
            replace(chunk, caveats=sort_caveats(caveats), evidence_level=_level(chunk.text, inside, default))
        )
    return annotated


def add_caveats(document: Document, chunks: list[Chunk]) -> tuple[Document, list[Chunk]]:
    """Profile a document and its chunks from one pass over its sentences."""
    findings = analyse(document.text)
    document = profile_document(document, findings)
    return document, caveat_chunks(document, chunks, with_design_cues(document.text, findings,
                                                                        document.evidence_level))


def sort_caveats(caveats: list[Caveat]) -> list[Caveat]:
    """Gravest first, then by code; each code once."""
    unique = {c.code: c for c in reversed(caveats)}
    return sorted(unique.values(), key=lambda c: (Severity(c.severity).rank, c.code))


def evidence_level(text: str, default: Level = Level.NONE_STATED) -> Level:
    """The evidence level a passage with this text would get."""
    return _level(text, analyse(text), default)


def classify_designs(text: str) -> list[str]:
    """Study designs the text reports, in the order `design.DESIGNS` lists them."""
    found = {name for finding in analyse(text) for name in finding.designs}
    return [name for name in DESIGNS if name in found]

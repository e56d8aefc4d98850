#!/usr/bin/env python3
"""Score `rag annotate` output against texts.jsonl (standard library only).

usage: python3 score.py ANNOTATE_OUTPUT.jsonl [texts.jsonl]

The third blind trial of the caveat engine (issue 27): ten texts a helper wrote and labelled from SPEC.md alone,
before any was run (sha256 in texts.sha256). Scored once at 96a511a as the held-out figure (benchmarks/NOTES.md);
seen since, so a regression set now, not a held-out one. To score the engine:
    python3 -c "import json; [print(json.dumps({'id': r['id'], 'text': r['text']})) for r in map(json.loads,
    open('benchmarks/data/blind-trial-3/texts.jsonl'))]" | .venv/bin/rag annotate > /tmp/t3.jsonl
    python3 benchmarks/data/blind-trial-3/score.py /tmp/t3.jsonl benchmarks/data/blind-trial-3/texts.jsonl
"""
import json
import os
import sys
from collections import Counter

ANSWER_LEVEL = {"single_source", "weak_match", "sources_disagree"}
QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
          "\u2013": "-", "\u2014": "-", "\u00a0": " "}


def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                print(f"warning: {path}:{n}: bad JSON ({e})", file=sys.stderr)
    return out


def normalise(s, fold_quotes):
    """Collapse whitespace runs to one space (and optionally fold quotes/dashes);
    return the new string and, for each of its characters, its index in s."""
    chars, idx = [], []
    prev_space = False
    for i, ch in enumerate(s):
        if fold_quotes:
            ch = QUOTES.get(ch, ch)
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        chars.append(ch)
        idx.append(i)
    return "".join(chars), idx


def locate(needle, hay):
    """Span (start, end) of needle in hay, or None. Exact first, then whitespace-normalised,
    then whitespace-normalised with quote/dash folding."""
    i = hay.find(needle)
    if i >= 0:
        return i, i + len(needle), "exact"
    for fold, how in ((False, "ws"), (True, "ws+quotes")):
        h, hidx = normalise(hay, fold)
        n, _ = normalise(needle, fold)
        n = n.strip()
        if not n:
            return None
        j = h.find(n)
        if j >= 0:
            return hidx[j], hidx[j + len(n) - 1] + 1, how
    return None


def overlapping_codes(span, sentences):
    s0, s1 = span
    codes, hit = set(), []
    for s in sentences:
        if s.get("start", 0) < s1 and s.get("end", 0) > s0:
            codes |= set(s.get("codes") or [])
            hit.append(s)
    return codes, hit


def pct(a, b):
    return f"{a}/{b} ({100.0 * a / b:.1f}%)" if b else f"{a}/0 (n/a)"


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    out_path = sys.argv[1]
    gold_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "texts.jsonl")
    gold = read_jsonl(gold_path)
    outs = {}
    for o in read_jsonl(out_path):
        if "id" in o:
            outs[str(o["id"])] = o

    tp = fp = fn = 0
    per_code = {}  # code -> Counter(tp, fp, fn)
    flag_met = flag_total = 0
    clean_ok = clean_total = 0
    lvl1 = lvl_alt = 0
    not_located = 0
    per_text_doc, per_text_unmet, per_text_level = [], [], []
    missing_outputs = []

    for g in gold:
        gid = g["id"]
        o = outs.get(gid)
        gold_codes = set(g["doc_codes"])
        if o is None:
            missing_outputs.append(gid)
            pred = set()
            level = None
            text, sents = "", []
        else:
            doc = o.get("document") or {}
            pred = {c.get("code") for c in (doc.get("caveats") or [])} - ANSWER_LEVEL - {None}
            level = doc.get("evidence_level")
            text = o.get("text") or ""
            sents = o.get("sentences") or []

        t_tp, t_fp, t_fn = gold_codes & pred, pred - gold_codes, gold_codes - pred
        tp += len(t_tp)
        fp += len(t_fp)
        fn += len(t_fn)
        for c in t_tp:
            per_code.setdefault(c, Counter())["tp"] += 1
        for c in t_fp:
            per_code.setdefault(c, Counter())["fp"] += 1
        for c in t_fn:
            per_code.setdefault(c, Counter())["fn"] += 1
        per_text_doc.append((gid, sorted(t_fn), sorted(t_fp)))

        ok1 = level == g["level"]
        okalt = level in [g["level"], *(g.get("level_alternatives") or [])]
        lvl1 += ok1
        lvl_alt += okalt
        per_text_level.append((gid, level, g["level"], g.get("level_alternatives") or [], ok1, okalt))

        unmet = []
        for s in g["sentences"]:
            expected = set(s["codes"])
            loc = locate(s["text"], text) if o is not None else None
            if expected:
                flag_total += 1
            else:
                clean_total += 1
            if loc is None:
                not_located += 1
                unmet.append(("NOT LOCATED", s["text"], sorted(expected), None))
                continue
            found, _ = overlapping_codes(loc[:2], sents)
            if expected:
                if expected <= found:
                    flag_met += 1
                else:
                    unmet.append(("flagged", s["text"], sorted(expected), sorted(found)))
            else:
                if not found:
                    clean_ok += 1
                else:
                    unmet.append(("clean", s["text"], [], sorted(found)))
        per_text_unmet.append((gid, unmet))

    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(f"texts labelled: {len(gold)}   outputs read: {len(outs)}")
    if missing_outputs:
        print(f"MISSING outputs for: {', '.join(missing_outputs)} (scored as empty)")
    print()
    print("== Document codes (micro, answer-level codes excluded) ==")
    print(f"TP={tp} FP={fp} FN={fn}  precision={prec:.3f} recall={rec:.3f} F1={f1:.3f}")
    print("per code:  code  tp fp fn")
    for c in sorted(per_code):
        k = per_code[c]
        print(f"  {c:24s} {k['tp']:2d} {k['fp']:2d} {k['fn']:2d}")
    print("per text (missed / extra):")
    for gid, missed, extra in per_text_doc:
        print(f"  {gid}: missed={missed or '-'} extra={extra or '-'}")
    print()
    print("== Sentence expectations ==")
    print(f"flagged sentences met: {pct(flag_met, flag_total)}")
    print(f"clean sentences kept clean: {pct(clean_ok, clean_total)}")
    if not_located:
        print(f"labelled substrings not located in output text: {not_located}")
    print()
    print("== Evidence level ==")
    print(f"matched first label: {pct(lvl1, len(gold))}")
    print(f"matched with alternatives: {pct(lvl_alt, len(gold))}")
    for gid, got, want, alts, ok1, okalt in per_text_level:
        if not okalt or not ok1:
            print(f"  {gid}: got={got} want={want} alts={alts} {'(alt ok)' if okalt else 'MISS'}")
    print()
    print("== Unmet sentence expectations, per text ==")
    any_unmet = False
    for gid, unmet in per_text_unmet:
        if not unmet:
            continue
        any_unmet = True
        print(f"{gid}:")
        for kind, txt, exp, found in unmet:
            short = txt if len(txt) <= 100 else txt[:97] + "..."
            if kind == "NOT LOCATED":
                print(f"  [not located] expected={exp} :: {short}")
            elif kind == "flagged":
                print(f"  [flagged] expected={exp} found={found} missing={sorted(set(exp) - set(found))} :: {short}")
            else:
                print(f"  [clean] found={found} :: {short}")
    if not any_unmet:
        print("(none)")


if __name__ == "__main__":
    main()

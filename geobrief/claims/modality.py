"""Frames, modality and attribution of a linked event cue.

Modality comes from the cues around the event cue: outer frames over the
sentence (reported, claimed, confirmed, denied; with the attributed party)
and local cues in the clause (negated, requested, planned).  A news outlet
reports, a party claims; an outlet signing its own lede ("..., Trend
reports.") is the writer speaking, so the statement is asserted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from geobrief.claims.rules import modality_rules
from geobrief.claims.tokens import (
    _AUX,
    _DETERMINERS,
    _GAP_STOP,
    _NP_STOP,
    _PREPS,
    _PRONOUNS,
    PAREN_CLAUSE,
    _Sentence,
    _Tok,
)
from geobrief.text import name_key

if TYPE_CHECKING:  # pragma: no cover - typing only (roles imports this module)
    from geobrief.claims.roles import _Link


@dataclass(frozen=True)
class _FrameHit:
    modality: str
    speaker: str
    a: int  # token range
    b: int


def _frames(s: _Sentence) -> list[_FrameHit]:
    rules = modality_rules()
    hits: list[_FrameHit] = []
    # "footage posted online showed ...": a participle, not a speech act
    cancelled = [(m.start(), m.end()) for m in s.finditer(rules.frame_cancel)] if rules.frame_cancel else []
    for f in rules.frames:
        for mt in s.finditer(f.pattern):
            if any(a <= mt.start() and mt.end() <= b for a, b in cancelled):
                continue
            rng = s.tok_range(s.start + mt.start(), s.start + mt.end())
            if rng is not None:
                hits.append(_FrameHit(f.modality, f.speaker, rng[0], rng[1]))
    # overlapping frames: the longer match wins ("said to be" reported over "said" claimed)
    hits.sort(key=lambda h: (h.a, -(h.b - h.a)))
    kept: list[_FrameHit] = []
    for h in hits:
        if kept and h.a < kept[-1].b:
            continue
        prev = kept[-1] if kept else None
        if (
            prev is not None
            and prev.modality == "reported"
            and h.modality == "claimed"
            and h.a == prev.b
            and s.toks[prev.b - 1].low.startswith("report")
        ):
            # "unconfirmed reports said": the reports are the speaker
            kept[-1] = _FrameHit("reported", "none", prev.a, h.b)
            continue
        kept.append(h)
    return kept


def _local(s: _Sentence, a: int, b: int, lo: int, event: str = "") -> str | None:
    """The local modality (negated > requested > planned) of the event cue at tokens [a, b)."""
    rules = modality_rules()
    toks = s.toks
    clause = toks[a].clause
    found: dict[str, int] = {}
    # "demanded the return of those killed in X": a participle after its noun is no object of the request
    reduced = _reduced_participle(s, a, b)
    for cue in rules.local:
        if reduced and cue.modality in ("requested", "planned"):
            continue
        if not s.may_match(cue.pattern):
            continue
        start = _words_back(toks, min(a, lo), cue.window)
        if start >= a:
            continue
        seg_a = toks[start].start - s.start
        seg_b = (
            toks[max(a, b - 1)].start - s.start
        )  # inside a multi-word cue too ("forces were no longer present")
        for mt in cue.pattern.finditer(s.text, seg_a, seg_b):
            rng = s.tok_range(s.start + mt.start(), s.start + mt.end())
            if rng is None or toks[rng[0]].clause != clause:
                continue
            between = toks[rng[1] : a]
            if any(t.low == "where" for t in between):
                continue  # "troops will stay in X, where the army keeps tanks": the relative clause has its own
            if cue.modality == "negated":
                if rules.negation_cancel.match(s.text, mt.start()):
                    continue
                if any(t.low in rules.negation_barriers for t in between):
                    continue
            if cue.modality == "planned" and rules.modal_cancel.match(s.text, mt.start()):
                continue
            if cue.modality in ("planned", "requested") and any(
                t.low in rules.modal_barriers for t in between
            ):
                continue  # "talks will focus on the withdrawal": the event is a topic, not the plan
            if cue.modality in ("requested", "planned") and any(t.low in (";",) for t in between):
                continue
            if cue.modality in ("requested", "planned") and any(
                rng[1] <= ca and cb <= a and ev != event for ca, cb, ev in s.cue_spans
            ):
                continue  # "threatened to strike US bases": the threat is the strike, the bases are there
            found.setdefault(cue.modality, rng[0])
    if b < len(toks):
        # after the cue: "a counter-demonstration in X did not take place", "rallies were planned in X"
        end = toks[min(len(toks) - 1, b + 6)].end - s.start
        for modality, rx in (("negated", rules.post_negation), ("planned", rules.post_planned)):
            if modality in found:
                continue
            mt = rx.search(s.text, toks[b - 1].end - s.start, end)
            if mt is not None:
                rng = s.tok_range(s.start + mt.start(), s.start + mt.end())
                if rng is not None and toks[rng[0]].clause == clause:
                    found[modality] = rng[0]
    for modality in ("negated", "requested", "planned"):
        if modality in found:
            return modality
    return None


def _words_back(toks: list[_Tok], i: int, n: int) -> int:
    """The token index ``n`` words before token ``i``; a split-off possessive "'s" is no word of its own."""
    j = i
    while j > 0 and n > 0:
        j -= 1
        if toks[j].low != "'s":
            n -= 1
    return j


def _reduced_participle(s: _Sentence, a: int, b: int) -> bool:
    """A one-word participle cue right after its noun ("the remains of Iranians killed in X")."""
    toks = s.toks
    if not (b - a == 1 and a > 0 and toks[a].low.endswith("ed")):
        return False
    prev = toks[a - 1]
    return (
        prev.is_word
        and prev.low not in _AUX
        and prev.low not in ("not", "never", "no", "n't")
        and not prev.low.endswith("ly")
        and prev.low not in _PREPS
        and prev.low not in _NP_STOP
    )


def _attribution(s: _Sentence, f: _FrameHit) -> str | None:
    rules = modality_rules()
    toks = s.toks

    def good(t: _Tok) -> bool:
        raw = s.text[t.start - s.start : t.end - s.start]
        return (
            t.mention >= 0
            or raw[:1].isupper()
            or t.low in rules.attribution_nouns
            or t.low in ("'s", "of", "-")
        )

    def phrase(i: int, j: int) -> str | None:
        if i >= j:
            return None
        text = s.text[toks[i].start - s.start : toks[j - 1].end - s.start].strip(" ,")
        low = text.casefold()
        if low in _PRONOUNS or not text:
            return None
        return re.sub(r"^(?:the|The)\s+", "", text)

    if f.speaker == "none":
        return None
    if f.speaker in ("before", "after"):
        # speaker before the verb: "Kremlin spokesperson Dmitry Peskov said", "Russia separately confirmed"
        j = f.a
        while j > 0 and toks[j - 1].low.endswith("ly") and toks[j - 1].mention < 0:
            j -= 1
        if j > 0 and toks[j - 1].low in ("also", "later", "has", "have", "had", "had also", "then"):
            j -= 1
        i = j
        modifiers = 0
        while i > 0 and (j - i) < 7 and toks[i - 1].low not in (",",):
            t = toks[i - 1]
            if good(t):
                i -= 1
            elif (
                i < j and modifiers < 2 and t.is_word and t.low not in _NP_STOP and t.low not in _DETERMINERS
            ):
                # a lowercase modifier of the speaker noun: "the health ministry"
                i -= 1
                modifiers += 1
            else:
                break
        while i < j and toks[i].low in ("of", "'s", "-"):
            i += 1
        if i > 0 and toks[i - 1].low in _DETERMINERS:
            i -= 1
        name = phrase(i, j)
        if (
            name
            and (toks[j - 1].mention >= 0 or any(good(t) and t.low not in ("'s", "of") for t in toks[i:j]))
            and not (len(name.split()) == 1 and name.casefold() in _DETERMINERS)
        ):
            return name
        if f.speaker == "before" and not toks[f.a].low.startswith("said"):
            return None
    # speaker after: "according to SANA", ", said Peskov", ", the statement said" handled above
    i = f.b
    while i < len(toks) and toks[i].low in _DETERMINERS:
        i += 1
    j = i
    while j < len(toks) and (j - i) < 7 and good(toks[j]) and toks[j].low not in (",", "."):
        j += 1
    if j > i:
        return phrase(f.b if toks[f.b].low in _DETERMINERS else i, j)
    return None


def _modality(s: _Sentence, frames: list[_FrameHit], lk: _Link) -> tuple[str, str | None, str | None]:
    """(modality, inner modality, attribution) of a link."""
    a, b = lk.cue_start, lk.cue_end
    mt = s.mention_tok[lk.mention]
    if mt < 0:
        mt = a  # a place carried over from the sentence before: no position in this one
    inner = _local(s, a, b, mt if mt < a else a, lk.event)
    # a frame in a parenthetical ("which witnesses said ...") holds only what the parenthetical says
    own = s.toks[a].clause
    frames = [f for f in frames if s.toks[f.a].clause < PAREN_CLAUSE or s.toks[f.a].clause == own]
    # a frame inside a long cue counts as before it ("forces were reported to be moving"), but not a
    # speech verb that is part of the cue itself ("declared a state of disaster")
    before = [
        f
        for f in frames
        if (f.b <= a and not _coordinated_away(s, f.b, a))
        or (f.a >= a and f.b <= b and f.modality != "claimed")
    ]
    after = [f for f in frames if f.a >= b and _frames_cue(s, f, b) and not _free_relative(s, f)]
    frame = before[-1] if before else (after[0] if after else None)
    if frame is None:
        return inner or "asserted", None, None
    attribution = _attribution(s, frame)
    if frame.modality == "reported" and attribution is not None and _self_citation(s, frame, attribution):
        # "..., Trend reports." closing the lede: the outlet's own statement, not a hedge
        return inner or "asserted", None, attribution
    if frame.modality == "claimed" and attribution is not None and _news_outlet(attribution):
        frame = replace(frame, modality="reported")  # "Xinhua said": media reports
    if frame.modality == "reported" and attribution is None:
        attribution = "reports"
    if (
        frame.modality == "claimed"
        and inner is None
        and (_presupposed(s, frame, a) or _reduced_participle(s, a, b))
    ):
        # "officials said the attack in X was ...": the definite event is taken for granted
        return "claimed", PRESUPPOSED, attribution
    if frame.modality == "claimed" and inner is not None:
        # a party's routine "said" yields to what it says: "X said troops would leave" = planned
        return inner, None, attribution
    if inner == "negated" and frame.speaker == "none":
        return "negated", None, attribution  # "no cases have been reported in X"
    return frame.modality, inner, attribution


def _free_relative(s: _Sentence, f: _FrameHit) -> bool:
    """A speech verb in a free relative ("over what he says was a rigged election", "what critics called a
    sham"): it holds only the noun phrase it describes, never an event cue before it."""
    for k in range(f.a - 1, max(-1, f.a - 4), -1):
        t = s.toks[k]
        if t.low == "what":
            return True
        if not t.is_word or t.mention >= 0 or t.low in _GAP_STOP:
            return False
    return False


#: Inner modality marker of a definite event noun right after a speech verb (resolved per article).
PRESUPPOSED = "presupposed"


def _presupposed(s: _Sentence, f: _FrameHit, a: int) -> bool:
    """An event noun as the definite subject right after a speech verb: "said the blast in X was"."""
    between = [t.low for t in s.toks[f.b : a]]
    return f.b <= a and between in (["the"], ["that", "the"])


@lru_cache(maxsize=4)
def _outlets_pattern(outlets: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the news outlets as whole words (one pattern, compiled once)."""
    body = "|".join(re.escape(o) for o in outlets) or "(?!)"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def _news_outlet(attribution: str) -> bool:
    """Whether a speaker is a news outlet ("Xinhua", "state media", "the Interfax news agency")."""
    rules = modality_rules()
    words = re.findall(r"[\w'-]+", attribution.casefold())
    text = " ".join(words)
    if _outlets_pattern(rules.news_outlets).search(text) is not None:
        return True
    return bool(words) and any(text.endswith(n) for n in rules.outlet_nouns)


def _self_citation(s: _Sentence, f: _FrameHit, attribution: str) -> bool:
    """Whether a closing "<Outlet> reports" is the publisher naming itself.

    In the lede ("X arrived in Y on Monday, Trend reports.") or when the
    speaker is the article's own source: present tense, after a comma, with at
    most a source phrase after it ("via SANA", "citing the ministry").
    """
    rules = modality_rules()
    toks = s.toks
    verb = " ".join(t.low for t in toks[f.a : f.b])
    if verb not in rules.self_citation_verbs:
        return False
    own = s.source is not None and name_key(s.source) == name_key(attribution)
    if not (s.lede or own):
        return False
    # the speaker phrase follows a comma (a postposed attribution, not "Trend reports that ...")
    i = f.a - 1
    while i >= 0 and toks[i].low != "," and f.a - i <= 7:
        i -= 1
    if i < 0 or toks[i].low != ",":
        return False
    rest = toks[f.b :]
    while rest and not rest[-1].is_word and rest[-1].mention < 0:
        rest = rest[:-1]
    if not rest:
        return True
    head = s.text[rest[0].start - s.start : rest[-1].end - s.start]
    return bool(rules.self_citation_tails.match(head))


def _coordinated_away(s: _Sentence, i: int, j: int) -> bool:
    """Whether ", and" / ", but" starts a new main clause between tokens i and j (not ", and that")."""
    toks = s.toks
    for k in range(i, j - 1):
        if toks[k].low == "," and toks[k + 1].low in ("and", "but") and k + 2 < j:
            nxt = toks[k + 2]
            raw = s.text[nxt.start - s.start : nxt.end - s.start]
            # a new subject ("a new round", "six more cases", "they", "Russia"), not "and attack ..."
            if (
                nxt.mention >= 0
                or nxt.low in _DETERMINERS
                or nxt.low in _PRONOUNS - {"that", "which", "who"}
                or nxt.low[0].isdigit()
                or raw[:1].isupper()
            ):
                return True
    return False


def _frames_cue(s: _Sentence, f: _FrameHit, b: int) -> bool:
    """Whether a frame that follows the event cue governs it.

    Not when the cue is part of the speaker ("a peacekeeper officer in X told
    reporters"), nor across ", and" / ", but" (another clause).
    """
    toks = s.toks
    between = toks[b : f.a]
    if f.speaker != "none" and len(between) <= 6 and all(t.is_word or t.mention >= 0 for t in between):
        return False
    for i in range(len(between) - 1):
        if between[i].low == "," and between[i + 1].low in ("and", "but"):
            return False
    return True

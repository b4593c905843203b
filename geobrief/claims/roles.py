"""The role linker: link event cues to place mentions of the same clause.

Cues of the event table (``rules/events.json``) are found by regex on the
sentence's tokens (:mod:`geobrief.claims.tokens`); a place mention gets an
event only when a *role* links it to a cue inside the same clause:

after
    cue ... PREP (noun phrase) PLACE: "withdrew its forces from Idlib",
    "a naval base at Tartus", "the withdrawal of forces from an airfield in X".
object
    cue PLACE: "seized Aleppo", "evacuated the town of X".
passive / subject
    PLACE was CUE-ed / PLACE CUE: "Aleppo was captured", "X came under fire".
modifier
    PLACE cue-noun: "the Hmeimim Air Base", "the Istanbul bombing".
locative
    the place stands in a locative phrase ("in X", "near the city of X") of
    the clause and is the nearest such place to the cue: "clashes with police
    in X", "In X, protesters ...".

fronted
    a clause-initial locative phrase gives its places to the cues of its
    clause that link none: "In X, the army was deployed".

A place named as the actor ("Turkey was removing its forces"), by metonymy
("Moscow said") or as an origin ("troops from X") has no such link and gets
no claim.  Places coordinated with a linked place ("Foua and Kfraya") share
its link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from geobrief.claims.anaphora import adjectival
from geobrief.claims.modality import _frames
from geobrief.claims.rules import CueGroup, claim_gate, event_rules
from geobrief.claims.tokens import (
    _AUX,
    _DETERMINERS,
    _GAP_STOP,
    _NP_STOP,
    _PREPS,
    _QUOTES,
    PAREN_CLAUSE,
    _Sentence,
    _Tok,
)
from geobrief.model import Resolution

_PASSIVE_AUX = frozenset(["was", "were", "is", "are", "been", "being", "be", "get", "gets", "got"])
_COORD = frozenset({"and", "or", ","})
_NESTED_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "of",
        "outside",
        "inside",
        "on",
        "above",
        "below",
        "off",
        "along",
        "beyond",
        "around",
    }
)


@dataclass(frozen=True)
class _Link:
    mention: int  # index into sentence mentions
    event: str
    cue_start: int  # token index range of the cue
    cue_end: int
    role: str


def _is_filler(t: _Tok, fillers: frozenset[str]) -> bool:
    return t.mention < 0 and (t.low in fillers or t.low.endswith("-held") or t.low.endswith("-controlled"))


def _np_ok(gap: list[_Tok], fillers: frozenset[str], max_words: int) -> bool:
    """Whether the tokens between a preposition (or verb) and a place form a plausible noun phrase.

    "the city of", "an airfield in", "the rebel-held", "Giza 's" (a possessor
    place) and coordinations "Foua and" (a place before the target) pass.
    """
    if not gap:
        return True
    has_place = any(t.mention >= 0 for t in gap)
    words = 0
    for k, t in enumerate(gap):
        if t.mention >= 0:
            continue
        if t.low in _COORD:
            if not (k > 0 and gap[k - 1].mention >= 0) and not (
                t.low == "and" and k > 1 and gap[k - 1].low == ","
            ):
                return False
            continue
        if t.low == "'s":
            if not (k > 0 and gap[k - 1].mention >= 0):
                words += 1
            continue
        if not t.is_word or t.low in _NP_STOP:
            return False
        words += 1
    if words > max_words:
        return False
    last = gap[-1]
    # the word right before the place: a filler or a nested locative preposition
    if (
        last.mention < 0
        and last.low not in _COORD
        and last.low != "'s"
        and not (_is_filler(last, fillers) or last.low in _NESTED_PREPS)
    ):
        return False
    if has_place and not any(t.low in ("and", "or") for t in gap):
        # "Aleppo, Syria" / "Maoxian county in Sichuan": the target is a container of the place before it;
        # "the Hunan city of Yueyang" / "Giza's Haram district": the target is inside it
        for k, t in enumerate(gap):
            if t.mention < 0:
                continue
            nxt = next((u for u in gap[k + 1 :] if not _is_filler(u, fillers) or u.low == "of"), None)
            if nxt is None or nxt.low not in ("of", "'s"):
                return False
    return True


def _apposition_ok(gap: list[_Tok], fillers: frozenset[str], max_words: int) -> bool:
    """A noun phrase then a comma: "the earthquake-ravaged capital, X"."""
    return (
        len(gap) >= 2
        and gap[-1].low == ","
        and _is_filler(gap[-2], fillers)
        and _np_ok(gap[:-1], fillers, max_words)
    )


#: The prepositions of each ``CueGroup.after`` by their first word (keyed by ``id``; the tuple kept).
_PREPS_BY_FIRST: dict[int, tuple[tuple[tuple[str, ...], ...], dict[str, list[tuple[str, ...]]]]] = {}


def _preps_by_first(preps: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    hit = _PREPS_BY_FIRST.get(id(preps))
    if hit is None or hit[0] is not preps:
        index: dict[str, list[tuple[str, ...]]] = {}
        for p in preps:
            if p:
                index.setdefault(p[0], []).append(p)
        hit = _PREPS_BY_FIRST[id(preps)] = (preps, index)
    return hit[1]


def _match_prep(toks: list[_Tok], i: int, preps: tuple[tuple[str, ...], ...]) -> int:
    """Length of the preposition of *preps* that starts at token i (0 if none)."""
    if i >= len(toks):
        return 0
    t = toks[i]
    if t.mention >= 0:
        return 0
    options = _preps_by_first(preps).get(t.low)
    if not options:
        return 0
    best = 0
    for p in options:
        n = len(p)
        if (
            n > best
            and i + n <= len(toks)
            and all(toks[i + k].low == p[k] and toks[i + k].mention < 0 for k in range(1, n))
        ):
            best = n
    return best


def _purpose_between(s: _Sentence, start: int, end: int) -> bool:
    """A purpose phrase between cue and place ("in support of the people in X") that still holds the place.

    Not when a verb placing the event follows it: "Demonstrations in support of the flotilla were
    held in X" happen in X.
    """
    rules = event_rules()
    m = rules.purpose_phrases.search(s.text, start - s.start, end - s.start)
    if m is None:
        return False
    return rules.light_verbs.search(s.text, m.end(), end - s.start) is None


def _after_link(
    s: _Sentence, g: CueGroup, a: int, b: int, m: int, fillers: frozenset[str], np_words: int
) -> bool:
    gap = s.toks[b:m]
    if gap and _purpose_between(s, gap[0].start, gap[-1].end):
        return False  # "a rally in support of the people in X": the place is the cause, not the site
    # a cue that ends in its own preposition ("control over", "spread to") takes the place directly
    if s.toks[b - 1].low in _PREPS and b - 1 > a and _np_ok(gap, fillers, np_words):
        return True
    # a preposition that starts in the cue ("pulled its troops out" + "of")
    n = _match_prep(s.toks, b - 1, g.after)
    if n > 1 and b - 1 + n <= m and _np_ok(s.toks[b - 1 + n : m], fillers, np_words):
        return True
    openers = _preps_by_first(g.after)  # only a token opening one of the prepositions can start it
    for p in range(len(gap) - 1, -1, -1):
        if gap[p].low not in openers:
            continue
        n = _match_prep(gap, p, g.after)
        if not n:
            continue
        pre = gap[:p]
        q = p - 1
        while q >= 0 and _is_filler(gap[q], fillers):
            q -= 1
        if q >= 0 and gap[q].mention >= 0:
            r = q - 1
            while r >= 0 and _is_filler(gap[r], fillers):
                r -= 1
            if r >= 0 and gap[r].low in event_rules().locative_preps:
                return False  # "in Maoxian county in Sichuan": a container of the place before it
        words = [t for t in pre if t.mention < 0]
        if len(words) > g.window:
            continue
        # a clause word or a new verb group ("the visit was announced in X") ends the cue's reach,
        # unless the verb only places the event ("a meeting to be held in X", "clashes broke out in X")
        if any((not t.is_word and t.low not in ("-",)) or t.low in _GAP_STOP for t in words):
            return False
        if any(t.low in _AUX for t in words) and not (
            words
            and event_rules().light_verbs.search(s.text, words[0].start - s.start, words[-1].end - s.start)
        ):
            return False
        fill = gap[p + n :]
        return _np_ok(fill, fillers, np_words) or _apposition_ok(fill, fillers, np_words)
    return False


def _object_link(s: _Sentence, b: int, m: int, fillers: frozenset[str]) -> bool:
    gap = s.toks[b:m]
    if len(gap) > 5:
        return False
    # "seized Aleppo", "evacuated the town of X", "attacked a police station in X", "visit the state
    # capital, Gusau"
    return _np_ok(gap, fillers, 4) or _apposition_ok(gap, fillers, 4)


def _relative_object(s: _Sentence, m: int, a: int) -> bool:
    """ "X, which rebels captured in 2012": the place is the object of a relative clause."""
    toks = s.toks
    if not (m + 2 < a and toks[m + 1].low == "," and toks[m + 2].low in ("which", "whom")):
        return False
    gap = toks[m + 3 : a]
    return len(gap) <= 5 and all((t.is_word or t.mention >= 0) and t.low not in _GAP_STOP for t in gap)


def _apposed_relative_object(s: _Sentence, m: int, a: int) -> bool:
    """ "X, the rebel stronghold the army retook in November": an apposition whose contact relative clause
    has a force subject right before the cue takes X as the cue's object."""
    toks = s.toks
    if not (m + 3 < a and toks[m + 1].low == "," and toks[m + 2].low in ("the", "a", "an")):
        return False
    gap = toks[m + 3 : a]
    if len(gap) > 8 or any(not t.is_word or t.mention >= 0 or t.low in _GAP_STOP for t in gap):
        return False
    # the subject: a determiner and a force noun in the last three words before the cue
    j = next((i for i in range(a - 1, max(m + 2, a - 4), -1) if toks[i].low in ("the", "its", "their")), None)
    if j is None or j <= m + 3:
        return False
    seg = s.text[toks[j].start - s.start : toks[a - 1].end - s.start]
    return event_rules().force_nouns.fullmatch(seg.split(" ", 1)[1]) is not None if " " in seg else False


def _relative_subject(s: _Sentence, m: int, a: int, need_aux: bool) -> bool:
    """ "X, which fell to the rebels", "X near the border, which was captured in May": X is the subject
    of a relative clause (after at most a short prepositional phrase naming no other place)."""
    toks = s.toks
    i = m + 1
    if i < a and toks[i].low in _PREPS:
        j = i + 1
        while (
            j < a and j - i <= 5 and toks[j].is_word and toks[j].mention < 0 and toks[j].low not in _GAP_STOP
        ):
            j += 1
        i = j
    if not (i + 1 < a and toks[i].low == "," and toks[i + 1].low == "which"):
        return False
    gap = toks[i + 2 : a]
    return len(gap) <= 3 and _passive_link(s, i + 1, a, need_aux)


def _pronoun_object(s: _Sentence, a: int, b: int, adjective: set[int]) -> int | None:
    """ "surrounded the X camp for weeks before storming it": an object cue whose object is "it", in an
    adjunct or coordinated verb ("before/after/then/and" right before the cue), takes the one place named
    shortly before it as a noun phrase of its own (not inside a prepositional phrase)."""
    toks = s.toks
    if not (
        a > 0
        and b < len(toks)
        and toks[b].low == "it"
        and toks[a - 1].low in ("before", "after", "then", "and")
    ):
        return None
    if (
        b + 1 < len(toks)
        and toks[b + 1].is_word
        and toks[b + 1].low not in _PREPS
        and not toks[b + 1].low.endswith("ly")
    ):
        return None  # "before storming it was possible": "it" is no object
    before = [k for k, mt in enumerate(s.mention_tok) if 0 <= mt < a - 1 and a - mt <= 12]
    if len(before) != 1 or before[0] in adjective:
        return None
    k = before[0]
    mt = s.mention_tok[k]
    if mt == 0 or _in_pp(s, mt) or any(toks[i].clause != toks[a].clause for i in range(mt, a)):
        return None
    return k


def _skip_apposition(toks: list[_Tok], i: int, limit: int) -> int:
    """Index after ", an apposition ," starting at toks[i] == ',' (or i if none)."""
    if i < limit and toks[i].low == ",":
        for j in range(i + 1, min(limit, i + 14)):
            if toks[j].low == ",":
                return j + 1
            if toks[j].low in _GAP_STOP or toks[j].low in (";", "."):
                break
    return i


def _passive_link(s: _Sentence, m: int, a: int, need_aux: bool) -> bool:
    i = _skip_apposition(s.toks, m + 1, a)
    gap = s.toks[i:a]
    if len(gap) > 4:
        return False
    if any(
        not t.is_word
        or not (
            t.low in _AUX
            or t.low.endswith("ly")
            or t.low in ("also", "again", "now", "already", "reportedly", "still", "then", "not", "never")
        )
        for t in gap
    ):
        return False
    return not need_aux or any(t.low in _PASSIVE_AUX for t in gap)


def _locative_marked(
    s: _Sentence, m: int, fillers: frozenset[str], preps: frozenset[str], blockers: frozenset[str]
) -> bool:
    toks = s.toks
    if m + 1 < len(toks) and toks[m + 1].low == "'s":
        return False  # "Syria's Idlib province": a possessor, not the location
    j = m - 1
    seen = 0
    # back over a short noun phrase ("in the mountains of X", "at a market in X") to the preposition
    while j >= 0 and seen <= 5:
        t = toks[j]
        if t.mention < 0 and t.low in preps:
            break
        if t.mention >= 0 or t.low in _COORD or t.low == "'s" or (t.is_word and t.low not in _NP_STOP):
            j -= 1
            seen += t.mention < 0
            continue
        break
    if j < 0 or toks[j].low not in preps or toks[j].mention >= 0:
        return False
    gap = toks[j + 1 : m]
    if gap and not (_np_ok(gap, fillers, 5) or _apposition_ok(gap, fillers, 5)):
        return False
    # "the spokesman in X", "the embassy in X": the phrase locates a person or office, not an event
    k = j - 1
    if k >= 0 and toks[k].low in blockers:
        return False
    return not (k >= 1 and toks[k].low[0].isalpha() and toks[k - 1].low in blockers)


def _inner_place(s: _Sentence, k: int, fillers: frozenset[str]) -> int:
    """The place named inside the phrase of place k: "the Cairns suburbs of X", "the Hunan city of X"."""
    toks = s.toks
    i = s.mention_tok[k] + 1
    n = 0
    while i < len(toks) and n < 2 and _is_filler(toks[i], fillers) and toks[i].low != "of":
        i += 1
        n += 1
    if n and i + 1 < len(toks) and toks[i].low == "of" and toks[i + 1].mention >= 0:
        return toks[i + 1].mention
    return k


def _where_marked(s: _Sentence, m: int) -> int:
    """Token index after "X, where" (or -1)."""
    toks = s.toks
    if m + 2 < len(toks) and toks[m + 1].low == "," and toks[m + 2].low == "where":
        return m + 3
    return -1


def _context_event(s: _Sentence, a: int, theme: str | None, fire: bool = False) -> str | None:
    """Disaster or attack for an ambiguous cue, from the nouns around it, else the article's theme.

    In an article that names a wildfire (``fire``), "the fire", "the blaze" and "flames" are disaster
    nouns too; elsewhere they decide nothing (a house fire is no disaster, arson no wildfire).
    """
    rules = event_rules()
    best: tuple[int, str] | None = None
    kinds = list(rules.context.items())
    if fire and rules.fire_words is not None:
        kinds.append(("disaster", rules.fire_words))
    for kind, rx in kinds:
        for mt in s.finditer(rx):
            rng = s.tok_range(s.start + mt.start(), s.start + mt.end())
            if rng is None:
                continue
            if s.toks[rng[0]].clause != s.toks[a].clause:
                continue
            d = abs(rng[0] - a)
            if best is None or d < best[0]:
                best = (d, kind)
    if best is not None:
        return None if best[1] == "none" else best[1]
    return theme


_PLANS: dict[tuple[int, int], tuple[Any, ...]] = {}


def _cue_plan(
    rules: Any, gate: Any
) -> tuple[list[tuple[CueGroup, str, re.Pattern[str]]], list[int], dict[int, list[int]]]:
    """The cue patterns of the event table in order, once per (rules, gate).

    Returns the ``(group, role, pattern)`` entries, the indices of those tried on every sentence
    (ungated patterns and ``self`` roles) and the indices of the others by their pattern's ``id``
    (as :meth:`Gate.positions` keys them).
    """
    key = (id(rules), id(gate))
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is rules and hit[1] is gate:
        return hit[2], hit[3], hit[4]
    plan: list[tuple[CueGroup, str, re.Pattern[str]]] = []
    always: list[int] = []
    by_id: dict[int, list[int]] = {}
    gated = gate.gated_ids
    for g in rules.groups:
        for role, rx in g.patterns.items():
            if role != "self" and id(rx) in gated:
                by_id.setdefault(id(rx), []).append(len(plan))
            else:
                always.append(len(plan))
            plan.append((g, role, rx))
    _PLANS.clear()  # one table at a time (tests may load another)
    _PLANS[key] = (rules, gate, plan, always, by_id)
    return plan, always, by_id


def _find_links(s: _Sentence, theme: str | None, fire: bool = False) -> list[_Link]:
    rules = event_rules()
    fillers, np_words = rules.np_fillers, rules.after_np_words
    toks = s.toks
    # all cue matches: (token start, token end, group, role)
    cues: list[tuple[int, int, CueGroup, str]] = []
    links: list[_Link] = []
    candidates: list[tuple[int, int, str]] = []  # cues whose event is decided: (start, end, event)
    people: list[tuple[int, int, str, CueGroup]] = []  # cues of groups with people_of
    mains: list[tuple[int, int, str]] = []  # cues that may take the place of the main clause
    starts = s._candidate_starts()
    plan, always, by_id = _cue_plan(rules, claim_gate())
    # the (group, role, pattern) entries to try, in table order: a gated pattern only where one of
    # its first words is in the sentence
    order = (
        range(len(plan)) if starts is None else sorted(always + [i for k in starts for i in by_id.get(k, ())])
    )
    for i in order:
        g, role, rx = plan[i]
        if g.needs_fire_article and not fire:
            continue  # "the fire broke out near X" is a disaster only in a wildfire story
        if role == "self":
            # "Hmeimim Air Base" as one mention: the name itself says what is there
            for k, mt_i in enumerate(s.mention_tok):
                if mt_i >= 0 and rx.search(s.mentions[k].mention.text.strip()):
                    links.append(_Link(k, g.event, mt_i, mt_i + 1, role))
            continue
        for mt in s.finditer(rx):
            rng = s.tok_range(s.start + mt.start(), s.start + mt.end())
            if rng is not None:
                cues.append((rng[0], rng[1], g, role))
    # a cue inside a longer cue of another event ("strikes" in "air strikes") gives way
    if len(cues) > 1:
        # only a cue starting at most ``longest`` tokens before b can hold [a, b): look those up
        by_start: dict[int, list[tuple[int, str]]] = {}
        for x, y, o, _ in cues:
            by_start.setdefault(x, []).append((y, o.event))
        longest = max(y - x for x, y, _, _ in cues)
        kept = []
        for c in cues:
            a, b, g, _ = c
            ev, w = g.event, b - a
            if any(
                e != ev and b <= y and y - x > w
                for x in range(max(0, b - longest), a + 1)
                for y, e in by_start.get(x, ())
            ):
                continue
            kept.append(c)
        cues = kept

    # demonyms ("Syrian", "Turkish") are never where something happens
    adjective = {k for k, r in enumerate(s.mentions) if adjectival(r)}
    loc_marked: dict[int, bool] | None = None  # read only for a locative cue
    # "a US soldier": a place used as a modifier (per mention, not per cue and mention)
    attributive = [mt >= 0 and _attributive(s, mt) for mt in s.mention_tok]
    for a, b, g, role in cues:
        if g.demonym_modifier and role == "after" and a > 0 and _demonym_before(s, a, b, adjective, cues):
            # "the Chilean wildfires", "the Haitian cholera outbreak": the adjective names the place hit
            links.append(_Link(toks[a - 1].mention, g.event, a, b, "demonym"))
    for a, b, g, role in cues:
        event = g.event
        ev = None
        if event == "by_context":
            ev = _context_event(s, a, None if g.needs_context else theme, fire) or g.default_event
            if ev is None:
                continue
            event = ev
        if a > 0 and rules.topic_markers.search(
            s.text, toks[max(0, a - 4)].start - s.start, toks[a].start - s.start
        ):
            continue  # "as for the deployment of our forces in X": a topic, not a claim
        if g.needs_force and not _force_before(s, a):
            continue  # "entered talks", "moved into a new phase": a movement verb needs a force before it
        if g.goods_subject and event == "visit" and _goods_before(s, a, b):
            continue  # "vaccines would arrive in X": goods, aid and storms travel but do not visit
        if g.force_event and _force_before(s, a):
            # "troops arrived in X" is a deployment; "soldiers visiting a market" is neither
            cue_text = s.text[toks[a].start - s.start : toks[b - 1].end - s.start]
            if g.force_cues is not None and not g.force_cues.fullmatch(cue_text):
                continue
            event = g.force_event
        clause = toks[a].clause
        if g.event != "by_context" or ev != g.default_event:
            candidates.append((a, b, event))  # not a by_context default ("the product reached ...")
        if g.main_clause_cues is not None and g.main_clause_cues.fullmatch(
            s.text[toks[a].start - s.start : toks[b - 1].end - s.start]
        ):
            mains.append((a, b, event))
        if g.people_of and g.people_of_cues is not None:
            cue_text = s.text[toks[a].start - s.start : toks[b - 1].end - s.start]
            if g.people_of_cues.fullmatch(cue_text):
                people.append((a, b, event, g))
        if role == "locative":
            best: tuple[int, int] | None = None
            # a parenthetical right after the cue describes it: "The storm, which dropped snow around X, ..."
            own = {clause}
            if b + 1 < len(toks) and toks[b].low == "," and toks[b + 1].clause >= PAREN_CLAUSE:
                own.add(toks[b + 1].clause)
            for k, mt in enumerate(s.mention_tok):
                if mt < 0 or toks[mt].clause not in own:
                    continue
                if loc_marked is None:
                    loc_marked = {
                        k2: _locative_marked(s, mt2, fillers, rules.locative_preps, rules.locative_blockers)
                        for k2, mt2 in enumerate(s.mention_tok)
                        if mt2 >= 0 and k2 not in adjective
                    }
                marked = loc_marked.get(k, False)
                if not marked and g.locative_unblock and k not in adjective:
                    # "transport workers in X held a strike": the strikers' place is the strike's
                    marked = _locative_marked(
                        s, mt, fillers, rules.locative_preps, rules.locative_blockers - g.locative_unblock
                    )
                if not marked and g.where:
                    w = _where_marked(s, mt)
                    marked = w >= 0 and a >= w
                if not marked:
                    continue
                lo, hi = (b, mt) if mt >= b else (mt, a)
                # a parenthetical in between does not count ("The attack, made using a knife, occurred at X")
                d = sum(
                    1 for i in range(lo, hi) if toks[i].clause == toks[mt].clause or toks[i].clause == clause
                )
                if d > rules.locative_window:
                    continue
                if any(toks[i].low in _QUOTES for i in range(lo, hi)):
                    continue  # a slogan or quotation is not the place's event
                if hi > lo and _purpose_between(s, toks[lo].start, toks[hi - 1].end):
                    continue
                score = d * 2 + (0 if mt >= b else 1)  # ties go to the place after the cue
                if best is None or score < best[0]:
                    best = (score, k)
            if best is not None:
                k = _inner_place(s, best[1], fillers)
                links.append(_Link(k, event, a, b, role))
            continue
        for k, mt in enumerate(s.mention_tok):
            if mt < 0 or k in adjective or (role in ("after", "object") and attributive[k]):
                continue
            if role == "after" and mt < b:
                continue
            same_clause = toks[mt].clause == clause
            ok = False
            if role == "after" and mt >= b and same_clause:
                ok = _after_link(s, g, a, b, mt, fillers, np_words)
            elif role == "object" and mt >= b and same_clause:
                ok = _object_link(s, b, mt, fillers)
            elif role == "passive" and mt < a and same_clause:
                ok = _passive_link(s, mt, a, need_aux=True) and not (g.subject_not_in_pp and _in_pp(s, mt))
            elif role == "subject" and mt < a and same_clause:
                ok = _passive_link(s, mt, a, need_aux=False) and not (g.subject_not_in_pp and _in_pp(s, mt))
            elif role in ("passive", "subject") and mt < a:
                ok = _relative_subject(s, mt, a, need_aux=role == "passive")
            elif role == "modifier" and mt == a - 1:
                # "a U.S. military base", a country before a noun: an owner, not the location
                ok = event != "military_presence" or (
                    not (mt > 0 and toks[mt - 1].low in ("a", "an"))
                    and (s.mentions[k].place is None or s.mentions[k].place.kind != "country")
                )
            elif role == "object" and mt < a:
                ok = _relative_object(s, mt, a) or (
                    event == "control_change" and _apposed_relative_object(s, mt, a)
                )
            if ok:
                links.append(_Link(k, event, a, b, role))
    for a, b, g, role in cues:
        if role == "object" and g.event not in ("by_context",):
            k = _pronoun_object(s, a, b, adjective)
            if k is not None and not any(lk.cue_start == a and lk.cue_end == b for lk in links):
                links.append(_Link(k, g.event, a, b, "pronoun"))
    linked = {(lk.cue_start, lk.cue_end) for lk in links}
    for a, b, event, g in people:
        k = _people_of(s, a, g.people_of, adjective)
        if k is not None and (a, b) not in linked:
            links.append(_Link(k, event, a, b, "people_of"))
    linked = {(lk.cue_start, lk.cue_end) for lk in links}
    for a, b, event in mains:
        k = _main_clause_place(s, a, b, links)
        if k is not None and (a, b) not in linked:
            links.append(_Link(k, event, a, b, "main_clause"))
    links += _fronted_links(s, candidates, links, adjective)
    s.cue_spans = tuple(dict.fromkeys((lk.cue_start, lk.cue_end, lk.event) for lk in links))
    return _propagate_coordination(s, links)


def _main_clause_place(s: _Sentence, a: int, b: int, links: list[_Link]) -> int | None:
    """The place of the main clause for "... took control of X after government troops withdrew".

    The cue ``a:b`` ends a temporal clause ("after", "as", "when" ... a force noun ... cue) and is
    followed by no place of its own; the place is the one linked, before the clause, to an event of
    ``main_clause.events`` (the forces left where the main event happened).
    """
    rules = event_rules()
    toks = s.toks
    j = next((i for i in range(a - 1, max(-1, a - 6), -1) if toks[i].low in rules.main_subordinators), None)
    if j is None or not rules.force_nouns.search(s.text[toks[j].start - s.start : toks[a].start - s.start]):
        return None
    if any(toks[i].mention >= 0 for i in range(b, min(len(toks), b + 4))):
        return None  # "after troops withdrew from Y": the clause names its own place
    best: int | None = None
    for lk in links:
        m = s.mention_tok[lk.mention]
        if (
            lk.event in rules.main_events
            and lk.cue_start < j
            and m < j
            and (best is None or m > s.mention_tok[best])
        ):
            best = lk.mention
    return best


def _people_of(s: _Sentence, a: int, nouns: frozenset[str], adjective: set[int]) -> int | None:
    """The place of "residents of X" / "people in X" / "X residents" shortly before the cue, in its clause."""
    toks = s.toks
    clause = toks[a].clause
    for i in range(a - 1, max(-1, a - 12), -1):
        t = toks[i]
        if t.clause != clause or (t.mention < 0 and t.low in _GAP_STOP):
            return None
        if t.mention < 0 and t.low in nouns:
            if i + 2 < a and toks[i + 1].low in ("of", "in"):  # "residents of X", "people in X"
                j = i + 2
                while j < a and toks[j].mention < 0 and _is_filler(toks[j], event_rules().np_fillers):
                    j += 1
                if j < a and toks[j].mention >= 0 and toks[j].mention not in adjective:
                    return toks[j].mention
            if i > 0 and toks[i - 1].mention >= 0 and toks[i - 1].mention not in adjective:
                return toks[i - 1].mention
    return None


#: How many tokens after its comma a fronted locative phrase reaches.
FRONTED_REACH = 22
_FRONT_LEAD = frozenset({",", "elsewhere", "meanwhile", "also", "separately", "further", "and", "but"})


def _fronted_places(s: _Sentence, adjective: set[int]) -> tuple[list[int], int] | None:
    """Places of a clause-initial locative phrase ("In X, ...", "In the states of X and Y, ..."), and its comma."""
    rules = event_rules()
    toks = s.toks
    p = 0
    while p < len(toks) and toks[p].mention < 0 and toks[p].low in _FRONT_LEAD:
        p += 1
    if p >= len(toks) or toks[p].mention >= 0 or toks[p].low not in rules.locative_preps:
        return None
    places: list[int] = []
    words = 0
    for i in range(p + 1, min(len(toks), p + 16)):
        t = toks[i]
        if t.low == ",":
            if i + 1 >= len(toks):
                return None
            if toks[i + 1].mention >= 0 or (places and toks[i + 1].low in ("and", "or")):
                continue  # a list of places ("In X, Y and Z, ..."), an apposition ("In the capital, Y, ...")
            if not places:
                return None
            return places, i
        if t.mention >= 0:
            k = t.mention
            prev = toks[i - 1]
            possessor = i + 1 < len(toks) and (
                toks[i + 1].low == "'s"
                or (
                    toks[i + 1].is_word and toks[i + 1].low not in ("and", "or") and toks[i + 1].low.isalpha()
                )
            )  # or attributive: "the Dagestani capital, Y", "the Licking County cities of Y"
            container = (
                prev.mention < 0
                and prev.low in rules.locative_preps
                and any(u.mention >= 0 for u in toks[p + 1 : i - 1])
            )
            if not (possessor or container or k in adjective):
                places.append(k)
            continue
        if not (t.is_word or t.low == "'s") or t.low in _NP_STOP - {"and", "or"} or t.low in _GAP_STOP:
            return None
        words += 1
        if words > 6:
            return None
    return None


def _fronted_links(
    s: _Sentence, candidates: list[tuple[int, int, str]], links: list[_Link], adjective: set[int]
) -> list[_Link]:
    """Event cues that link no place take the place of a clause-initial locative phrase.

    "In Vina del Mar, the army was deployed", "In X, residents were told to evacuate": the phrase
    sets the scene of its clause.  Not over a speaker ("In London, officials said ..."): there it
    locates the speaking.
    """
    front = _fronted_places(s, adjective)
    if front is None or not candidates:
        return []
    places, comma = front
    toks = s.toks
    linked = {(lk.cue_start, lk.cue_end) for lk in links}
    # the clause the phrase opens (", as many as ..." may start a new one)
    clauses = {toks[comma].clause, toks[comma + 1].clause}
    speakers = [
        f
        for f in _frames(s)
        if f.speaker != "none" and f.a > comma and not (f.a > 0 and toks[f.a - 1].low in _PASSIVE_AUX)
    ]
    # a speaker before any event word: "In London, officials said ..." (not "..., Xinhua said, adding ...")
    first_cue = min((a for a, _, _ in candidates if a > comma), default=len(toks))
    if any(f.a < first_cue for f in speakers):
        return []
    out: list[_Link] = []
    seen: set[tuple[int, str]] = set()
    for a, b, event in candidates:
        if a <= comma or (a, b) in linked or toks[a].clause not in clauses:
            continue
        if a - comma > FRONTED_REACH:
            continue  # deep in a long sentence the phrase no longer sets the scene
        for k in places:
            if (k, event) not in seen:
                seen.add((k, event))
                out.append(_Link(k, event, a, b, "fronted"))
    return out


def _demonym_before(
    s: _Sentence, a: int, b: int, adjective: set[int], cues: list[tuple[int, int, CueGroup, str]]
) -> bool:
    """A demonym right before the cue, which heads its noun phrase ("the Chilean wildfires destroyed")."""
    toks = s.toks
    prev = toks[a - 1]
    if prev.mention < 0 or prev.mention not in adjective:
        return False
    if b >= len(toks):
        return True
    nxt = toks[b]
    if not nxt.is_word or nxt.low in _NP_STOP or nxt.low in _PREPS or nxt.low in _AUX:
        return True
    if any(c[0] == b and c[2].event == "disaster" for c in cues):
        return True  # another disaster word follows: "the Haitian cholera outbreak"
    return nxt.low.endswith("ed")  # a verb: "the Indian floods killed"


def _in_pp(s: _Sentence, m: int) -> bool:
    """Whether the place stands in a prepositional phrase ("markets in X fell"), not as the subject."""
    toks = s.toks
    j = m - 1
    fillers = event_rules().np_fillers
    while j >= 0 and toks[j].mention < 0 and toks[j].low in fillers and toks[j].low != "of":
        j -= 1
    return j >= 0 and toks[j].mention < 0 and toks[j].low in _PREPS and toks[j].low != "of"


def _attributive(s: _Sentence, m: int) -> bool:
    """A place name used as a modifier after "a"/"an": "the remains of a US soldier"."""
    toks = s.toks
    if not (m > 0 and toks[m - 1].low in ("a", "an") and m + 1 < len(toks)):
        return False
    nxt = toks[m + 1]
    return nxt.is_word and nxt.low.isalpha() and nxt.low not in _NP_STOP and nxt.low not in _PREPS


def _goods_before(s: _Sentence, a: int, b: int) -> bool:
    """Whether the nearest goods or people noun in the 10 words before arrival cue ``a:b``, in its clause,
    is goods.

    "vaccines donated by X would arrive in Y", "the storm reached Y": things travel, nobody visits;
    "aid workers arrived in Y" keeps its visit.
    """
    rules = event_rules()
    if rules.goods_nouns is None or rules.people_nouns is None or rules.goods_verbs is None:
        return False
    toks = s.toks
    if not rules.goods_verbs.fullmatch(s.text[toks[a].start - s.start : toks[b - 1].end - s.start]):
        return False  # only arrivals: "returned from visits to X" is people's travel whatever precedes it
    lo = a
    while lo > 0 and a - lo < 10 and toks[lo - 1].clause == toks[a].clause:
        lo -= 1
    if lo == a:
        return False
    seg_start, seg_end = toks[lo].start - s.start, toks[a].start - s.start
    seg = s.text[seg_start:seg_end]
    last = {
        kind: max((mt.end() for mt in rx.finditer(seg)), default=-1)
        for kind, rx in (
            ("goods", rules.goods_nouns),
            ("people", rules.people_nouns),
            ("force", rules.force_nouns),
        )
    }
    return last["goods"] > max(last["people"], last["force"])


def _force_before(s: _Sentence, a: int) -> bool:
    rules = event_rules()
    lo = max(0, a - 6)
    seg_start = s.toks[lo].start - s.start
    seg_end = s.toks[a].start - s.start
    if rules.force_nouns.search(s.text[seg_start:seg_end]):
        return True
    # a short subject set off by an apposition: "The soldiers, from the 82nd Airborne at X, will begin
    # arriving ..."
    toks = s.toks
    j = next((i for i in range(a - 1, max(-1, a - 5), -1) if toks[i].low == ","), None)
    if j is None or any(not t.is_word for t in toks[j + 1 : a]):
        return False
    k = next((i for i in range(max(0, j - 16), j) if toks[i].low == ","), None)
    if k is None or k > 4 or any(not t.is_word for t in toks[:k]):
        return False
    return bool(rules.force_nouns.search(s.text[: toks[k].start - s.start]))


def _coordinator_at(toks: list[_Tok], i: int, coordinators: tuple[tuple[str, ...], ...]) -> int:
    """The number of tokens of a multi-word list coordinator ("as well as") starting at token i, else 0."""
    for c in coordinators:
        if all(i + n < len(toks) and toks[i + n].low == w for n, w in enumerate(c)):
            return len(c)
    return 0


def _propagate_coordination(s: _Sentence, links: list[_Link]) -> list[_Link]:
    """Give places listed with a linked place ("Foua and Kfraya", "India, Nepal, and Bangladesh") its links."""
    toks = s.toks
    out = list(links)
    seen = {(lk.mention, lk.event) for lk in links}
    rules = event_rules()
    preps = rules.locative_preps
    for lk in links:
        for direction in (1, -1):
            chain: list[int] = []
            has_conj = False
            i = s.mention_tok[lk.mention] + direction
            while 0 <= i < len(toks):
                t = toks[i]
                if t.mention >= 0:
                    chain.append(t.mention)
                    i += direction
                    continue
                if t.low in _COORD or t.low in _DETERMINERS or t.low == "including":
                    has_conj |= t.low in ("and", "or", "including")
                    i += direction
                    continue
                # "in X and Y, as well as (in) the border town of Z": the list goes on after the coordinator
                n = _coordinator_at(toks, i, rules.list_coordinators) if direction == 1 else 0
                if n:
                    j = i + n
                    if j < len(toks) and toks[j].low in preps and toks[j].mention < 0:
                        j += 1
                    k = j
                    while (
                        k < len(toks)
                        and k - j < 5
                        and toks[k].mention < 0
                        and (
                            toks[k].low in _DETERMINERS
                            or _is_filler(toks[k], rules.np_fillers)
                            or toks[k].low == "of"
                        )
                    ):
                        k += 1
                    if k < len(toks) and toks[k].mention >= 0:
                        has_conj = True
                        i = k
                        continue
                    break
                # a list of locative phrases: "at X, outside the Y restaurant, in Z and the W cafes"
                if direction == 1 and t.low in preps and i > 0 and toks[i - 1].low == ",":
                    i += 1
                    continue
                if (
                    direction == 1
                    and t.is_word
                    and t.low.islower()
                    and toks[i - 1].mention >= 0
                    and i + 1 < len(toks)
                    and toks[i + 1].low in _COORD | {"."}
                ):
                    i += 1  # the head noun after a name ("the Petit Cambodge restaurant,")
                    continue
                break
            if not has_conj:
                continue
            for k in chain:
                if (k, lk.event) not in seen and not adjectival(s.mentions[k]):
                    seen.add((k, lk.event))
                    out.append(_Link(k, lk.event, lk.cue_start, lk.cue_end, lk.role + "+coord"))
    # "in Syria, in Aleppo": a second locative phrase narrows the first; not "in Homs, in central Syria";
    # "sites in Iran overnight, including the facility at Fordow": an example inside it
    for lk in list(out):
        i = s.mention_tok[lk.mention] + 1
        k0 = i
        while k0 < len(toks) and k0 - i < 3 and toks[k0].is_word and toks[k0].low not in _NP_STOP:
            k0 += 1
        if k0 + 1 < len(toks) and toks[k0].low == "," and toks[k0 + 1].low == "including":
            j = k0 + 2
            while j < len(toks) and j - k0 < 8 and toks[j].mention < 0 and toks[j].is_word:
                if toks[j].low in _NP_STOP:
                    break
                j += 1
            if j < len(toks) and toks[j].mention >= 0 and (j == k0 + 2 or toks[j - 1].low in preps | {"of"}):
                k = toks[j].mention
                if (
                    (k, lk.event) not in seen
                    and not adjectival(s.mentions[k])
                    and _kind_rank(s.mentions[k]) >= _kind_rank(s.mentions[lk.mention])
                ):
                    seen.add((k, lk.event))
                    out.append(_Link(k, lk.event, lk.cue_start, lk.cue_end, lk.role + "+narrow"))
            continue
        if not (
            i + 1 < len(toks) and toks[i].low == "," and toks[i + 1].low in preps and toks[i + 1].mention < 0
        ):
            continue
        j = i + 2
        while j < len(toks) and toks[j].mention < 0 and toks[j].low in _DETERMINERS:
            j += 1
        if j >= len(toks) or toks[j].mention < 0:
            continue
        k = toks[j].mention
        if (k, lk.event) in seen or adjectival(s.mentions[k]):
            continue
        if _kind_rank(s.mentions[k]) >= _kind_rank(s.mentions[lk.mention]):
            seen.add((k, lk.event))
            out.append(_Link(k, lk.event, lk.cue_start, lk.cue_end, lk.role + "+narrow"))
    return out


_KIND_RANK = {"continent": 0, "region": 1, "sea": 1, "country": 1, "admin1": 2, "admin2": 3}


def _kind_rank(r: Resolution) -> int:
    """How fine a place is: continents and countries first, then regions, towns and sites."""
    return _KIND_RANK.get(r.place.kind, 4) if r.place is not None else 4


def _carry_links(base: _Sentence, sent: _Sentence, links: list[_Link]) -> list[_Link]:
    """The role links of ``base`` on the tokens of ``sent`` (the same sentence with more mentions)."""
    out = []
    for lk in links:
        a, b = base.toks[lk.cue_start].start, base.toks[lk.cue_end - 1].end
        # the tokens of ``sent`` that overlap the cue (a restatement inside it stays inside it)
        inside = [i for i, t in enumerate(sent.toks) if t.start < b and a < t.end]
        if inside:
            out.append(replace(lk, cue_start=inside[0], cue_end=inside[-1] + 1))
    return out

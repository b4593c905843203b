"""Recall-first claim candidates and their features.

Every event cue of the broad lexicon (:mod:`geobrief.claims.lexicon`) and every cue the role
linker ties to a place (:func:`geobrief.claims.roles._find_links`) is paired with every place
mention of its sentence (anaphors such as "the town" included).  One candidate stands for one
(mention, event) pair of a sentence; its features describe how the text relates the two: the
linking role, if any (the old rules become features), token and clause distance, the preposition
before the place, places in between, the cue's lexicon entry, the place kind, metonymy, quotation
and the article's theme.  The scorer (:mod:`geobrief.claims.scorer`) weighs them into a
probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING

from geobrief.claims.lexicon import CueHit, lexicon
from geobrief.claims.tokens import _QUOTES

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geobrief.claims.roles import _Link
    from geobrief.claims.tokens import _Sentence
    from geobrief.model import Resolution

__all__ = ["ClaimCandidate", "article_features", "carried_candidates", "sentence_candidates"]

# The word right before a place (after determiners and "the city of"-like fillers): its
# preposition says much about the place's role ("in X", "to X", "from X"); any preposition, a
# broader list than the role linker's linking prepositions (tokens._PREPS).
_ANY_PREPS = frozenset(
    [
        "in",
        "at",
        "near",
        "to",
        "into",
        "from",
        "of",
        "on",
        "off",
        "across",
        "outside",
        "around",
        "toward",
        "towards",
        "over",
        "through",
        "inside",
        "throughout",
        "along",
        "within",
        "against",
        "for",
        "by",
        "with",
        "between",
        "beyond",
        "behind",
        "under",
        "onto",
        "via",
        "until",
        "about",
        "among",
        "amid",
    ]
)
_SKIP_BEFORE_PLACE = frozenset(
    [
        "the",
        "a",
        "an",
        "city",
        "town",
        "village",
        "capital",
        "province",
        "district",
        "region",
        "state",
        "county",
        "port",
        "island",
        "islands",
        "of",
        "northern",
        "southern",
        "eastern",
        "western",
        "north",
        "south",
        "east",
        "west",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "border",
        "frontier",
        "area",
        "areas",
        "parts",
        "part",
    ]
)
# A place followed by one of these acts or speaks ("Moscow said", "Iran denied"): metonymy.
_SPEECH = frozenset(
    [
        "said",
        "says",
        "say",
        "told",
        "announced",
        "accused",
        "denied",
        "claimed",
        "stated",
        "warned",
        "urged",
        "called",
        "demanded",
        "rejected",
        "agreed",
        "added",
        "insisted",
        "reported",
        "confirmed",
        "asked",
        "protested",
        "threatened",
        "blamed",
        "responded",
        "replied",
        "argued",
        "believes",
        "believed",
        "wants",
        "wanted",
        "hopes",
        "hoped",
        "signed",
    ]
)
_FORCES = frozenset(
    [
        "troops",
        "soldiers",
        "forces",
        "army",
        "navy",
        "marines",
        "warships",
        "ships",
        "units",
        "battalion",
        "battalions",
        "brigade",
        "brigades",
        "garrison",
        "peacekeepers",
        "militiamen",
        "guerrillas",
        "rebels",
        "fighters",
        "tanks",
        "aircraft",
        "jets",
        "warplanes",
        "helicopters",
        "vessels",
        "destroyers",
        "frigates",
        "submarines",
        "commandos",
        "paratroopers",
        "police",
        "personnel",
        "force",
        "division",
        "divisions",
        "fleet",
    ]
)
# Prepositions that put the place where something happens ("in X", "near X").
_LOCATIVE = frozenset(
    [
        "in",
        "at",
        "near",
        "on",
        "across",
        "outside",
        "inside",
        "throughout",
        "around",
        "off",
        "along",
        "within",
        "into",
        "onto",
        "over",
    ]
)


@dataclass
class ClaimCandidate:
    """One (mention, event) pair of a sentence with its best cue and its features."""

    mention: int  # index into the sentence's mentions
    event: str
    cue_start: int  # token range of the nearest cue
    cue_end: int
    role: str  # the role linker's role, or "" when only the lexicon pairs them
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0

    def link(self) -> _Link:
        from geobrief.claims.roles import _Link

        return _Link(self.mention, self.event, self.cue_start, self.cue_end, self.role or "candidate")


_SEMIS = frozenset({";", ":"})


class _Written:
    """The tokens of a sentence as written, each read on demand (only lowercase-only cues need one)."""

    __slots__ = ("s",)

    def __init__(self, s: _Sentence) -> None:
        self.s = s

    def __getitem__(self, i: int) -> str:
        t, s = self.s.toks[i], self.s
        return s.text[t.start - s.start : t.end - s.start]


def _bin(d: int) -> str:
    if d <= 1:
        return "0-1"
    if d <= 3:
        return "2-3"
    if d <= 6:
        return "4-6"
    if d <= 10:
        return "7-10"
    if d <= 20:
        return "11-20"
    return "21+"


def _prep_before(s: _Sentence, m: int) -> str:
    toks = s.toks
    j = m - 1
    steps = 0
    while j >= 0 and steps < 5 and toks[j].mention < 0 and toks[j].low in _SKIP_BEFORE_PLACE:
        if toks[j].low == "of" and j > 0 and toks[j - 1].low in _SKIP_BEFORE_PLACE:
            j -= 1  # "the city of X": look past the filler
            steps += 1
            continue
        if toks[j].low == "of":
            break
        j -= 1
        steps += 1
    if j < 0:
        return "start"
    t = toks[j]
    if t.mention >= 0:
        return "place"
    if t.low in _ANY_PREPS:
        return t.low
    if t.low in (",", ";", ":", "(", "-", "—", "–"):
        return "punct"
    return "word"


def _in_quotes(s: _Sentence, i: int) -> bool:
    return sum(1 for t in s.toks[:i] if t.low in _QUOTES) % 2 == 1


def _distance(m: int, a: int, b: int) -> tuple[int, bool]:
    """Token distance between a place at token m and a cue [a, b); and whether the cue comes first."""
    if b <= m:
        return m - b + 1, True
    if a > m:
        return a - m, False
    return 0, False


def sentence_candidates(
    s: _Sentence,
    links: Sequence[_Link],
    theme: str | None,
    adjective: set[int],
    anaphor_from: int,
    place_counts: dict[str, int] | None = None,
    sentence_index: int = 0,
) -> list[ClaimCandidate]:
    """The candidates of one sentence, with features.

    Parameters
    ----------
    s : _Sentence
        The tokenised sentence with its place mentions.
    links : sequence of _Link
        What the role linker found (each becomes a role feature of its candidate).
    theme : str or None
        The article's theme event ("attack" or "disaster"), if it has one.
    adjective : set of int
        Indices of mentions that are demonyms ("Syrian").
    anaphor_from : int
        Mentions with this index or higher are anaphors ("the town") standing for a place.
    place_counts : dict, optional
        How often the article names each place (by place id): a story's main places.
    sentence_index : int
        The sentence's position in the article (0 = the lede).
    """
    place_counts = place_counts or {}
    toks = s.toks
    words = [t.low if t.mention < 0 else "\x00place" for t in toks]
    hits: list[CueHit] = lexicon().find(words, _Written(s))
    by_event: dict[str, list[tuple[int, int, str]]] = {}
    for h in hits:
        by_event.setdefault(h.event, []).append((h.start, h.end, h.entry.id))
    role_of: dict[tuple[int, str], _Link] = {}
    for lk in links:
        role_of.setdefault((lk.mention, lk.event), lk)
        spans = by_event.setdefault(lk.event, [])
        if not any(a == lk.cue_start and b == lk.cue_end for a, b, _ in spans):
            spans.append((lk.cue_start, lk.cue_end, "role"))
    cue_owner: dict[tuple[int, int, str], set[int]] = {}
    for lk in links:
        cue_owner.setdefault((lk.cue_start, lk.cue_end, lk.event), set()).add(lk.mention)
    linked_events: dict[int, set[str]] = {}
    for lk in links:
        linked_events.setdefault(lk.mention, set()).add(lk.event)
    linked_to: dict[str, set[int]] = {}  # event -> the places a role links to it
    for kk, ev in role_of:
        linked_to.setdefault(ev, set()).add(kk)

    places = [k for k, r in enumerate(s.mentions) if r.place is not None and s.mention_tok[k] >= 0]
    preps = {k: _prep_before(s, s.mention_tok[k]) for k in places}
    cue_words = {
        (a, b): " ".join(t.low for t in toks[a:b]) for spans in by_event.values() for a, b, _ in spans
    }
    n_places = len({s.mentions[k].place.id for k in places})  # type: ignore[union-attr]
    # per sentence, not per candidate: counts of token kinds before each token (for "between"
    # tests over any span) and whether each token stands inside quotation marks
    # (a place's word is "\x00place": never a quote mark, semicolon or comma)
    placed = (t.mention >= 0 and s.mentions[t.mention].place is not None for t in toks)
    is_place = list(accumulate(placed, initial=0))
    semis = list(accumulate(map(_SEMIS.__contains__, words), initial=0))
    commas = list(accumulate(map(",".__eq__, words), initial=0))
    # _in_quotes(s, i): an odd number of quote marks before token i
    quoted = [n % 2 == 1 for n in accumulate(map(_QUOTES.__contains__, words), initial=0)]
    # the two nearest places to each cue span, of all places and of those in a locative phrase
    nearest: dict[tuple[int, int], tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    out: list[ClaimCandidate] = []
    for event, spans in by_event.items():
        for k in places:
            m = s.mention_tok[k]
            lk = role_of.get((k, event))
            if lk is not None:
                a, b, entry = (
                    lk.cue_start,
                    lk.cue_end,
                    next((e for x, y, e in spans if x == lk.cue_start and y == lk.cue_end), "role"),
                )
            else:
                a, b, entry = min(spans, key=lambda sp: _distance(m, sp[0], sp[1])[0])
            if a <= m < b and lk is None:
                continue  # a lexicon cue inside the place's name ("Fort Bragg") links nothing
            d, before = _distance(m, a, b)
            r = s.mentions[k]
            kind = r.place.kind if r.place is not None else "none"
            f: dict[str, float] = {f"ev:{event}": 1.0}
            if lk is not None:
                f["role"] = 1.0
                f[f"role:{lk.role}"] = 1.0
            else:
                owners = cue_owner.get((a, b, event), set())
                if owners:
                    f["cue_linked_elsewhere"] = 1.0
                if linked_events.get(k):
                    f["place_linked_other_event"] = 1.0
                linked = linked_to.get(event, ())
                if len(linked) > 1 or (linked and k not in linked):
                    f["event_linked_elsewhere"] = 1.0  # another place has a role link to this event
            f[f"entry:{entry}"] = 1.0
            dist = _bin(d)
            f[f"dist:{dist}"] = 1.0
            f[f"ev_dist:{event}:{dist}"] = 1.0
            f["cue_before" if before else "cue_after"] = 1.0
            f[f"ev_order:{event}:{'before' if before else 'after'}"] = 1.0
            lo, hi = (min(m, a), max(m, b - 1))
            if toks[m].clause == toks[a].clause:
                f["same_clause"] = 1.0
            if hi > lo and semis[hi] > semis[lo]:
                f["semicolon_between"] = 1.0
            # the places strictly between, this mention's own token left out
            between = is_place[hi] - is_place[lo + 1] - (lo + 1 <= m < hi) if hi > lo + 1 else 0
            f[f"between:{min(between, 2)}"] = 1.0
            if hi > lo and commas[hi] > commas[lo]:
                f["comma_between"] = 1.0
            prep = preps[k]
            if not (a <= m < b):  # a cue that is the place's own name says nothing general
                f[f"cue:{event}:{cue_words[(a, b)]}"] = 1.0
            # is this the place nearest to the cue, of all places / of the places in a locative phrase?
            near = nearest.get((a, b))
            if near is None:
                dists = sorted((_distance(s.mention_tok[j], a, b)[0], j) for j in places)
                near = nearest[(a, b)] = (dists[:2], [x for x in dists if preps[x[1]] in _LOCATIVE][:2])
            # nearer than every other place: than the nearest of the places that are not this one
            if all(d < od for od, j in near[0] if j != k):
                f["nearest_place"] = 1.0
            if prep in _LOCATIVE and all(d < od for od, j in near[1] if j != k):
                f["nearest_locative"] = 1.0
            conf = r.confidence
            f["resconf:" + ("low" if conf < 0.5 else "mid" if conf < 0.8 else "high")] = 1.0
            if r.mention.text.isupper() and len(r.mention.text) > 3:
                f["all_caps"] = 1.0
            f[f"prep:{prep}"] = 1.0
            f[f"ev_prep:{event}:{prep}"] = 1.0
            f[f"kind:{kind}"] = 1.0
            if k in adjective:
                f["adjectival"] = 1.0
            if k >= anaphor_from:
                # "the town" (sentence_start 0) or a restatement of a story place (-1: "the country", "here")
                f["restatement" if r.mention.sentence_start < 0 else "anaphor"] = 1.0
                if r.mention.sentence_start < 0:
                    f[f"restatement:{r.mention.text.split()[-1].casefold().removesuffix(chr(39) + 's')}"] = (
                        1.0
                    )
            nxt = toks[m + 1].low if m + 1 < len(toks) else ""
            if nxt in _SPEECH:
                f["speech_after"] = 1.0
            if nxt == "'s":
                f["possessive"] = 1.0
            if m + 1 < len(toks) and nxt in _FORCES:
                f["forces_after_place"] = 1.0
            if quoted[m]:
                f["quoted"] = 1.0
            if s.lede:
                f["lede"] = 1.0
            n_named = place_counts.get(r.place.id, 0) if r.place is not None else 0
            f["place_count:" + ("1" if n_named <= 1 else "2" if n_named == 2 else "3+")] = 1.0
            if theme is not None:
                f["theme_same" if theme == event else "theme_other"] = 1.0
            f[f"nplaces:{min(n_places, 4)}"] = 1.0
            if len(spans) > 1:
                f["several_cues"] = 1.0
            if any(t.low in _FORCES for t in toks[max(0, a - 6) : b + 6]):
                f[f"ev_forces:{event}"] = 1.0
            out.append(ClaimCandidate(k, event, a, b, lk.role if lk is not None else "", f))
    return out


def carried_candidates(
    s: _Sentence, theme: str | None, place_counts: dict[str, int] | None = None
) -> list[ClaimCandidate]:
    """Candidates of a sentence that names no place, for the places of the sentence before.

    Every mention of ``s`` stands outside it (``mention_tok`` -1): the places carried over.  Each
    event of the sentence's cues is paired with each of them, its first cue as the candidate's
    cue; the features say the pair is carried (no distance, preposition or role exists) and
    describe the cue, the place and the article, for the scorer to weigh apart from the
    candidates of a sentence that names its place.
    """
    place_counts = place_counts or {}
    toks = s.toks
    words = [t.low for t in toks]
    first: dict[str, tuple[int, int, str]] = {}
    n_cues: dict[str, int] = {}
    for h in lexicon().find(words, _Written(s)):
        first.setdefault(h.event, (h.start, h.end, h.entry.id))
        n_cues[h.event] = n_cues.get(h.event, 0) + 1
    n_places = len({r.place.id for r in s.mentions if r.place is not None})
    forces = any(w in _FORCES for w in words)
    quoting = any(w in _QUOTES for w in words)
    out: list[ClaimCandidate] = []
    for event, (a, b, entry) in first.items():
        cue = " ".join(words[a:b])
        for k, r in enumerate(s.mentions):
            if r.place is None:
                continue
            f: dict[str, float] = {
                f"ev:{event}": 1.0,
                "carried": 1.0,
                f"ev_carried:{event}": 1.0,
                f"entry:{entry}": 1.0,
                f"cue:{event}:{cue}": 1.0,
                f"kind:{r.place.kind}": 1.0,
                f"carried_places:{min(n_places, 3)}": 1.0,
            }
            n_named = place_counts.get(r.place.id, 0)
            f["place_count:" + ("1" if n_named <= 1 else "2" if n_named == 2 else "3+")] = 1.0
            if theme is not None:
                f["theme_same" if theme == event else "theme_other"] = 1.0
            if n_cues[event] > 1 or len(first) > 1:
                f["several_cues"] = 1.0
            if forces:
                f[f"ev_forces:{event}"] = 1.0
            if quoting:
                f["carried_quote"] = 1.0
            out.append(ClaimCandidate(k, event, a, b, "", f))
    return out


def article_features(candidates: Sequence[tuple[Resolution, ClaimCandidate]]) -> None:
    """Add what the whole article says about each candidate's (place, event) pair, in place.

    ``pair_n``: how many candidates the article has for the pair (a place the story keeps tying to
    an event); ``ev_share``: the event's share of all the article's candidates (the story's main
    event or a passing one).
    """
    if not candidates:
        return
    keys = [(r.place.id if r.place is not None else "", c.event) for r, c in candidates]
    pair_n: dict[tuple[str, str], int] = {}
    ev_n: dict[str, int] = {}
    for key in keys:
        pair_n[key] = pair_n.get(key, 0) + 1
        ev_n[key[1]] = ev_n.get(key[1], 0) + 1
    total = len(candidates)
    for key, (_, c) in zip(keys, candidates, strict=True):
        n = pair_n[key]
        c.features["pair_n:" + ("1" if n == 1 else "2" if n == 2 else "3-4" if n <= 4 else "5+")] = 1.0
        share = ev_n[c.event] / total
        c.features["ev_share:" + ("lo" if share < 0.2 else "mid" if share < 0.5 else "hi")] = 1.0

"""Places a sentence names without a place name, and names that are no place.

``the town`` standing for the place just named (:func:`_anaphors`), ``the
country`` / ``here`` restating the article's main country or dateline place
(:func:`_story_places`, :func:`_restatements`), both resolved to their
antecedent's place; and :func:`adjectival`, which tells a demonym or
adjective ("Turkish", "British") from the name of a place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from geobrief.claims.rules import event_rules
from geobrief.claims.tokens import _QUOTES
from geobrief.model import Article, Mention, Resolution
from geobrief.text import name_key

_DEMONYM_END = re.compile(r"(?:an|ian|ean|ese|ish|i|ic|ch)$")
_DEMONYM_STRONG_END = re.compile(r"(?:ian|ish|ese|ch)$")


def adjectival(r: Resolution) -> bool:
    """Whether a mention is a demonym or adjective ("Turkish", "Jordanian", "British").

    An adjective never names the place where something happens ("the Turkish
    capital of Ankara", "Jordanian security forces"), so it gets no claims.
    """
    if r.place is None:
        return False
    return _adjectival_names(r.mention.text, r.place.name)


@lru_cache(maxsize=8192)
def _adjectival_names(text: str, place_name: str) -> bool:
    """:func:`adjectival` of a mention's text and its place's name (read once per pair)."""
    surface, name = name_key(text), name_key(place_name)
    if not surface or surface == name or " " in surface:
        return False
    k = 0
    while k < min(len(surface), len(name)) and surface[k] == name[k]:
        k += 1
    if name.startswith(surface):
        return False  # a short form of the name ("Sichuan" for "Sichuan Province")
    if k >= 3:  # "Jordanian"/"Jordan", "Kurdish"/"Kurdistan"; not "Tehran"/"Teheran"
        longer = len(surface) > len(name) and _DEMONYM_END.search(surface)
        return bool(longer or _DEMONYM_STRONG_END.search(surface))
    # "British"/"United Kingdom"
    return bool(_DEMONYM_STRONG_END.search(surface)) and not _DEMONYM_STRONG_END.search(name)


def _anaphors(
    article: Article, stext: str, s_start: int, group: list[Resolution], prev_group: list[Resolution]
) -> list[Resolution]:
    """Mentions for "the town" standing for the place just named (``anaphors`` of ``events.json``).

    The antecedent is the nearest resolved place of an anaphor kind before it in the sentence, else
    the only such place of the sentence before (an immediate coreference, nothing further back).
    """
    rules = event_rules()
    if rules.anaphors is None:
        return []
    out: list[Resolution] = []
    for mt in rules.anaphors.finditer(stext):
        a, b = s_start + mt.start(), s_start + mt.end()
        if any(r.mention.start < b and a < r.mention.end for r in group):
            continue
        if rules.anaphor_not_after is not None and rules.anaphor_not_after.search(stext[: mt.start()]):
            continue  # "villages south of the city": a reference point
        if sum(stext[: mt.start()].count(q) for q in _QUOTES) % 2:
            continue  # inside a quotation the speaker's "the town" is not the writer's
        before = [
            r
            for r in group
            if r.mention.end <= a and r.place is not None and r.place.kind in rules.anaphor_kinds
        ]
        if before:
            ante = max(before, key=lambda r: r.mention.start)
            if stext[ante.mention.end - s_start : mt.start()].strip() in (",", ""):
                continue  # "X, the town ...": an apposition, X is named right there
            if not re.search(r"\w", stext[: ante.mention.start - s_start].replace("The ", "")):
                continue  # "Ankara sent search teams to the city": the opening subject is an agent
            if re.search(
                r"[;:]|,\s+(?:and|but|while|whereas)\b", stext[ante.mention.end - s_start : mt.start()]
            ):
                continue  # "a quake near X killed ..., and experts warned one could hit the city": a new clause
        else:
            if any(r.mention.end <= a for r in group):
                continue  # another place stands between the antecedent and the anaphor
            ids = {
                r.place.id for r in prev_group if r.place is not None and r.place.kind in rules.anaphor_kinds
            }
            if len(ids) != 1:
                continue
            ante = next(r for r in prev_group if r.place is not None and r.place.id in ids)
        out.append(Resolution(Mention(article.id, a, b, article.text[a:b]), ante.place, ante.confidence))
    return out


def _story_places(article: Article, resolutions: Sequence[Resolution]) -> dict[str, Resolution]:
    """The places restatements stand for: ``country`` (the country the article names most, first
    named on ties) and ``here`` (the dateline place: a place opening the text, then a comma or dash)."""
    out: dict[str, Resolution] = {}
    counts: dict[str, int] = {}
    first: dict[str, Resolution] = {}
    for r in sorted(resolutions, key=lambda r: r.mention.start):
        if r.place is not None and r.place.kind == "country":
            counts[r.place.id] = counts.get(r.place.id, 0) + 1
            first.setdefault(r.place.id, r)
    if counts:
        best = max(counts, key=lambda pid: (counts[pid], -first[pid].mention.start))
        out["country"] = first[best]
    opening = min(resolutions, key=lambda r: r.mention.start, default=None)
    if (
        opening is not None
        and opening.place is not None
        and not article.text[: opening.mention.start].strip()
        and re.match(r"\s*(?:,|\(|-|—|–)", article.text[opening.mention.end : opening.mention.end + 3])
    ):
        out["here"] = opening
    return out


def _restatements(
    article: Article, stext: str, s_start: int, group: list[Resolution], story: dict[str, Resolution]
) -> list[Resolution]:
    """Mentions for words restating a story place ("the country", "here"; ``restatements`` of the lexicon)."""
    from geobrief.claims.lexicon import lexicon

    out: list[Resolution] = []
    for kind, rx in lexicon().restatements.items():
        ante = story.get(kind)
        if ante is None:
            continue
        for mt in rx.finditer(stext):
            a, b = s_start + mt.start(), s_start + mt.end()
            if any(r.mention.start < b and a < r.mention.end for r in group):
                continue
            mention = Mention(article.id, a, b, article.text[a:b], sentence_start=-1, sentence_end=-1)
            out.append(Resolution(mention, ante.place, ante.confidence))
    return out

"""Merging claims about one place and event, within an article or across articles.

Kept apart from :mod:`geobrief.claims` so that :mod:`geobrief.claims.conflicts` can merge the
claims a denial touches without importing the package that imports it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from geobrief.model import MODALITIES, NEGATIVE_MODALITIES, POSITIVE_MODALITIES, Claim, story_modalities

__all__ = ["merge_claims"]

#: Modalities that hold the event as true against a denial or negation: the spec's positive ones and
#: a party's claim ("Iran said it captured X" against "Iraq denied it" is a dispute).
_HOLDS_TRUE = POSITIVE_MODALITIES | {"claimed"}


def _majority_modality(modalities: Sequence[str]) -> str:
    counts = Counter(modalities)
    top = max(counts.values())
    tied = [m for m, n in counts.items() if n == top]
    # ties go to the more cautious modality (MODALITIES runs from most to least cautious)
    return min(tied, key=lambda m: MODALITIES.index(m) if m in MODALITIES else len(MODALITIES))


def merge_claims(claims: Iterable[Claim]) -> list[Claim]:
    """Merge claims about the same place and event, across articles.

    Each merged claim keeps every evidence span (with its own modality and
    attribution); ``sources`` is the number of distinct stories behind it
    (``copies`` the articles, :mod:`geobrief.dedup`).
    Its modality is the one most of its evidence has, each story's passage
    voting once however many copies repeat it
    (:func:`geobrief.model.story_modalities`), ties going to the more
    cautious one; it is ``conflicting`` when the evidence holds the event both
    as true (asserted, confirmed, reported, or claimed by a party) and as false
    (denied, negated);
    ``historical`` only when all its evidence is historical.

    Parameters
    ----------
    claims : iterable of Claim
        Claims of any number of articles and places.

    Returns
    -------
    list of Claim
        One claim per (place id, event), in first-seen order.
    """
    groups: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        groups.setdefault((c.place_id, c.event), []).append(c)
    merged = []
    for (place_id, event), group in groups.items():
        evidence = []
        seen = set()
        for c in group:
            for e in c.evidence:
                key = (e.article_id, e.start, e.end, e.mention_start, e.mention_end, e.modality)
                if key not in seen:
                    seen.add(key)
                    evidence.append(e)
        mods = story_modalities(evidence) or [c.modality for c in group]
        modality = _majority_modality(mods)
        kinds = set(mods)
        conflicting = bool(kinds & _HOLDS_TRUE) and bool(kinds & NEGATIVE_MODALITIES)
        historical = all(e.historical for e in evidence) if evidence else all(c.historical for c in group)
        attribution = next(
            (e.attribution for e in evidence if e.modality == modality and e.attribution), None
        )
        if attribution is None:
            attribution = next(
                (c.attribution for c in group if c.modality == modality and c.attribution), None
            )
        current = [e for e in evidence if not e.historical] or evidence
        time = next((e.time for e in current if e.time), None)
        if time is None:
            time = next((c.time for c in group if c.time), None)
        merged.append(
            Claim(
                place_id=place_id,
                event=event,
                modality=modality,
                attribution=attribution,
                evidence=tuple(evidence),
                conflicting=conflicting,
                historical=historical,
                time=time,
                confidence=max(c.confidence for c in group),
            )
        )
    return merged

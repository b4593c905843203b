"""Status claims: what the articles say happens at each place.

``extract_claims`` reads one article and links event cues to the resolved
place mentions (rules in ``geobrief/rules/``, see :mod:`geobrief.claims.extract`),
then attaches the denials that refer back to a claim of the clause or sentence
before them (:mod:`geobrief.claims.conflicts`); ``merge_claims`` merges claims
about the same place and event across articles, following
``shared/spec/status.md``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from geobrief.model import (
    MODALITIES,
    NEGATIVE_MODALITIES,
    POSITIVE_MODALITIES,
    Article,
    Claim,
    Resolution,
    story_modalities,
)

__all__ = ["extract_claims", "merge_claims"]

#: Modalities that hold the event as true against a denial or negation: the spec's positive ones and
#: a party's claim ("Iran said it captured X" against "Iraq denied it" is a dispute).
_HOLDS_TRUE = POSITIVE_MODALITIES | {"claimed"}


def extract_claims(
    article: Article,
    resolutions: Sequence[Resolution],
    sentences: list[tuple[int, int]] | None = None,
    mode: str = "scored",
) -> list[Claim]:
    """The claims one article makes about its resolved places.

    Parameters
    ----------
    article : Article
        The article; ``published`` (ISO, wire or feed date: :func:`geobrief.claims.timex.parse_published`)
        anchors relative time expressions.
    resolutions : sequence of Resolution
        Its place mentions; unresolved ones (``place`` None) get no claims but
        still count as places in the grammar (lists, apposition).
    sentences : list of (start, end), optional
        Sentence spans; :func:`geobrief.text.sentence_spans` when omitted.
    mode : {"scored", "rules", "candidates"}
        ``scored``: every candidate (lexicon cue or linking role x place of the sentence) that the
        learned scorer accepts; ``rules``: only what the role linker links (the extractor before
        the scorer); ``candidates``: every candidate (for measuring candidate recall).

    Returns
    -------
    list of Claim
        One claim per (place id, event, modality), each with one evidence span
        per linked mention (sentence offsets, mention offsets, modality,
        attribution, inner modality, time, historical flag) and a confidence
        (the scorer's probability).  A claim denied in a later clause or
        sentence ("Iraq denied it.") also holds a ``denied`` evidence span
        (from its sentence to the end of the denial) and is then the article's
        one claim of that place and event: majority modality, ties to the more
        cautious, ``conflicting`` (:func:`geobrief.claims.conflicts.attach_denials`).
        No merging across articles.
    """
    from geobrief.claims.conflicts import attach_denials
    from geobrief.claims.extract import extract

    claims = extract(article, resolutions, sentences, mode=mode)
    return attach_denials(article, claims, resolutions, sentences)


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

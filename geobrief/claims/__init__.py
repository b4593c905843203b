"""Status claims: what the articles say happens at each place.

``extract_claims`` reads one article and links event cues to the resolved
place mentions (rules in ``geobrief/rules/``, see :mod:`geobrief.claims.extract`),
then attaches the denials that refer back to a claim of the clause or sentence
before them (:mod:`geobrief.claims.conflicts`); ``merge_claims`` merges claims
about the same place and event across articles, following
``shared/spec/status.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

from geobrief.claims.merge import merge_claims
from geobrief.model import Article, Claim, Resolution

__all__ = ["extract_claims", "merge_claims"]


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

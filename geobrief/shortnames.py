"""Water bodies named by their short form: "the Gulf", "the southern Gulf", "the Channel", "the Strait".

News names the sea its readers know by its head word alone.  Which gulf is meant depends on the
story: "tankers hit in the Gulf" beside Iran and Kuwait is the Persian Gulf, "oil rigs in the
Gulf" beside Louisiana the Gulf of Mexico.  The candidates are the curated sea features whose
name holds the head word (``layers/seas.geojson``); the one nearest to the article's other
resolved places wins.  With no other place to go by the mention stays unresolved (listed, not
dropped).  A head word followed by "of" or by another capitalised word ("Gulf of Aden", "Gulf
War", "Channel Islands") is left to the recogniser.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from geobrief.geo import haversine_km
from geobrief.model import Candidate, Mention, Resolution
from geobrief.text import sentence_at

__all__ = ["DIRECTION", "find_short_names", "SHORT_HEADS"]

#: Head words that name a water body on their own after "the", and the words a candidate's name
#: must contain.
SHORT_HEADS: dict[str, tuple[str, ...]] = {
    "Gulf": ("Gulf",),
    "Channel": ("Channel",),
    "Strait": ("Strait", "Straits"),
    "Straits": ("Strait", "Straits"),
}
#: Compass words before a place name ("southern", "north-east", "south-central"), as a regex; also
#: used by the claim evaluation to see "northern Iraq" as a part of Iraq.
DIRECTION = (
    r"(?:(?:north|south)-?(?:east|west)(?:ern)?|(?:(?:north|south|east|west)-)?central"
    r"|(?:north|south|east|west)(?:ern)?|upper|lower)"
)
_SHORT = re.compile(
    r"\b[Tt]he\s+(?P<name>(?:(?:" + DIRECTION + r")\s+)?(?P<head>Gulf|Channel|Straits?))\b"
    r"(?!\s+of\b)(?!\s+[A-Z])(?!-)"
)
#: Scale (km) of "near" when the story's places vote for a candidate.
NEAR_KM = 1000.0
#: Confidence given to a short name resolved by the article's other places.
SHORT_NAME_CONFIDENCE = 0.6


@cache
def _candidates(head: str) -> tuple[Candidate, ...]:
    from geobrief.gazetteer.build import layer_candidate
    from geobrief.gazetteer.layers import load_layers

    words = SHORT_HEADS[head]
    out = []
    for feat in load_layers():
        cand, _ = layer_candidate(feat)
        if cand.kind == "sea" and any(re.search(rf"\b{w}\b", cand.name) for w in words):
            out.append(cand)
    return tuple(out)


def find_short_names(
    text: str,
    article_id: str,
    sentences: list[tuple[int, int]],
    resolutions: Sequence[Resolution],
) -> list[Resolution]:
    """Resolutions for the short water-body names of a text that no other mention covers.

    Parameters
    ----------
    text : str
        The article text.
    article_id : str
        Id stored on each mention.
    sentences : list of (int, int)
        Sentence spans of the text.
    resolutions : sequence of Resolution
        The article's other resolutions: they locate the story.
    """
    found = list(_SHORT.finditer(text))
    if not found:
        return []
    taken = [(r.mention.start, r.mention.end) for r in resolutions]
    points = [
        (r.place.lat, r.place.lon) for r in resolutions if r.place is not None and r.place.kind != "sea"
    ]
    out: list[Resolution] = []
    # each candidate's soft count depends only on its coordinates: once per article, not per
    # occurrence (a long text repeating "the Gulf" would otherwise cost occurrences x places)
    near: dict[tuple[float, float], float] = {}

    def nearby(c: Any) -> float:
        got = near.get((c.lat, c.lon))
        if got is None:
            got = near[(c.lat, c.lon)] = sum(
                math.exp(-haversine_km(c.lat, c.lon, la, lo) / NEAR_KM) for la, lo in points
            )
        return got

    for m in found:
        start, end = m.start("name"), m.end("name")
        if any(a < end and start < b for a, b in taken):
            continue
        cands = _candidates(m.group("head"))
        place: Any = None
        if points and cands:
            # a soft count of the story's places near each candidate: one far-off country
            # ("U.S. warships in the Gulf near Iran") does not outweigh the places around it
            place = max(cands, key=nearby)
        ss, se = sentence_at(sentences, start) if sentences else (0, len(text))
        mention = Mention(article_id, start, end, text[start:end], ss, se)
        out.append(
            Resolution(mention, place, SHORT_NAME_CONFIDENCE if place is not None else 0.0, tuple(cands))
        )
    return out

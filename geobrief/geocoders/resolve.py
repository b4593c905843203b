"""Give unresolved mentions a place from a geocoder (the pipeline's online step)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from geobrief.errors import GeobriefError
from geobrief.geocoders.base import Geocoder, candidate_from_location, translate_geopy_error
from geobrief.model import APPROXIMATE_KIND, Candidate, Failure, Resolution

__all__ = ["ONLINE_CONFIDENCE", "GeocoderFailure", "resolve_unresolved"]

#: Confidence of a place found by a geocoder for a name the gazetteer lacks:
#: the service's top hit for the bare name, without the article's context.
ONLINE_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class GeocoderFailure(Failure):
    """A name an online geocoder could not look up: the name stays unresolved, no input was lost."""


def resolve_unresolved(
    resolutions: Iterable[Resolution],
    geocoder: Geocoder,
    *,
    failures: list[Failure] | None = None,
    confidence: float = ONLINE_CONFIDENCE,
) -> list[Resolution]:
    """Resolve the mentions the gazetteer left without a place, or placed approximately, with *geocoder*.

    Resolved ones are returned untouched, in the same order.  Each distinct
    name is asked once; the answer becomes a :class:`~geobrief.model.Candidate`
    whose ``source`` names the service (``"Nominatim (OpenStreetMap, ODbL)"``)
    and whose kind comes from the service's class of place (``"city"`` when
    it does not say).  A name the service does not know stays unresolved.
    An :class:`~geobrief.geocoders.OnlineGeocoder`'s offline fall-back is not
    used here: the resolver has already weighed the gazetteer's candidates.

    Parameters
    ----------
    resolutions : iterable of Resolution
        The resolver's output for one article.
    geocoder : Geocoder
        An :class:`~geobrief.geocoders.OnlineGeocoder`, or any geopy geocoder.
    failures : list of Failure, optional
        Where to record names whose lookup failed (they stay unresolved).
        When omitted, the first failure is raised: errors are never silently
        turned into "not found".
    confidence : float
        Confidence given to geocoded places.

    Returns
    -------
    list of Resolution

    Raises
    ------
    GeocoderError
        A lookup failed and no ``failures`` list was given.
    """
    source = getattr(geocoder, "source", None) or type(geocoder).__name__
    answers: dict[str, Candidate | None] = {}
    out: list[Resolution] = []
    for r in resolutions:
        # an approximate place (a street or village placed at its town or region) is asked too:
        # a service that knows it gives a better point; one that does not leaves the approximation
        if r.place is not None and r.place.kind != APPROXIMATE_KIND:
            out.append(r)
            continue
        query = r.mention.text.strip()
        if query not in answers:
            try:
                answers[query] = _lookup(geocoder, query, source)
            except GeobriefError as error:
                if failures is None:
                    raise
                failures.append(GeocoderFailure(source=f"geocoder: {query!r}", reason=str(error)))
                answers[query] = None
        place = answers[query]
        if place is None:
            out.append(r)  # unresolved, or its approximation
        else:
            out.append(Resolution(r.mention, place, confidence, r.alternatives))
    return out


def _lookup(geocoder: Geocoder, query: str, source: str) -> Candidate | None:
    from geopy.exc import GeopyError

    from geobrief.geocoders.online import OnlineGeocoder

    try:
        if isinstance(geocoder, OnlineGeocoder):
            # The resolver has judged the gazetteer's candidates already; an
            # offline fall-back answer would overrule it, so only the service counts.
            location: Any = geocoder.geocode(query, exactly_one=True, fallback=False)
        else:
            location = geocoder.geocode(query, exactly_one=True)
    except GeopyError as error:  # a bare geopy geocoder was passed
        raise translate_geopy_error(error, source) from error
    if isinstance(location, list):
        location = location[0] if location else None
    return None if location is None else candidate_from_location(location, source)

"""The one geocoder protocol, and conversions between geopy and geobrief.

Modelled on geopy: every geocoder answers ``geocode(query, exactly_one=...)``
with a :class:`geopy.location.Location`, a list of them, or ``None`` when the
service genuinely found nothing.  Failures are never ``None``: they raise a
:class:`geobrief.errors.GeocoderError` (translated from geopy with
``raise ... from``).

geopy is imported inside functions: importing it costs ~150 ms and the CLI
imports this package only when an online geocoder is requested.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from geobrief.errors import (
    GeobriefError,
    GeocoderConfigError,
    GeocoderError,
    GeocoderRateLimited,
    GeocoderTimeout,
)
from geobrief.model import PLACE_KINDS, Candidate

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geopy.location import Location

__all__ = [
    "CANDIDATE_FIELDS",
    "Geocoder",
    "GeocoderConfigError",
    "candidate_from_location",
    "location_from_candidate",
    "translate_geopy_error",
]

#: Field names of :class:`geobrief.model.Candidate`, as carried in ``Location.raw``.
CANDIDATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Candidate))


@runtime_checkable
class Geocoder(Protocol):
    """What geobrief needs from a geocoder: geopy's ``geocode`` signature.

    Any geopy geocoder instance satisfies it as well (``country_codes`` is
    Nominatim's keyword), so does :class:`~geobrief.geocoders.GazetteerGeocoder`
    and :class:`~geobrief.geocoders.OnlineGeocoder`.
    """

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: Sequence[str] | None = None,
    ) -> Location | list[Location] | None:
        """Locations matching *query*: the best one, all of them, or None if none."""
        ...  # pragma: no cover - protocol


def location_from_candidate(candidate: Candidate, address: str | None = None, **extra: Any) -> Location:
    """A geopy ``Location`` for a gazetteer candidate.

    ``Location.raw`` holds every :class:`~geobrief.model.Candidate` field (so
    :func:`candidate_from_location` recovers the candidate exactly) plus *extra*.

    Parameters
    ----------
    candidate : Candidate
        The gazetteer entry.
    address : str, optional
        Display address; ``"Name, admin1, CC"`` when omitted.
    **extra
        More keys for ``raw`` (e.g. ``match="alias"``).
    """
    from geopy.location import Location

    if address is None:
        parts = [candidate.name]
        if candidate.admin1 and candidate.admin1 != candidate.name:
            parts.append(candidate.admin1)
        if candidate.country_code and candidate.kind != "country":
            parts.append(candidate.country_code)
        address = ", ".join(parts)
    raw = {name: getattr(candidate, name) for name in CANDIDATE_FIELDS}
    raw.update(extra)
    return Location(address, (candidate.lat, candidate.lon), raw)


# Nominatim / Photon "addresstype", "type" and "class" values to geobrief kinds.
_OSM_KIND = {
    "continent": "continent",
    "country": "country",
    "state": "admin1",
    "province": "admin1",
    "region": "admin1",
    "state_district": "admin2",
    "county": "admin2",
    "district": "admin2",
    "city": "city",
    "town": "city",
    "village": "city",
    "hamlet": "city",
    "municipality": "city",
    "suburb": "city",
    "borough": "city",
    "neighbourhood": "city",
    "quarter": "city",
    "locality": "city",
    "aerodrome": "airport",
    "airport": "airport",
    "military": "facility",
    "sea": "sea",
    "bay": "sea",
    "strait": "sea",
    "ocean": "sea",
    "river": "river",
    "waterway": "river",
}


_OSM_TYPES = {"N": "node", "W": "way", "R": "relation"}  # Photon's short forms


def _osm_kind(raw: Mapping[str, Any]) -> str | None:
    # Most specific first: Nominatim's addresstype, then type, then class.
    for key in ("addresstype", "type", "osm_value", "class", "osm_key"):
        value = raw.get(key)
        if isinstance(value, str) and value in _OSM_KIND:
            return _OSM_KIND[value]
    return None


def candidate_from_location(location: Location, source: str, *, default_kind: str = "city") -> Candidate:
    """A :class:`~geobrief.model.Candidate` for a geopy ``Location``.

    A location made by :func:`location_from_candidate` gives its candidate
    back unchanged.  Otherwise the id, name, kind and country come from the
    service's ``raw`` answer where it has them (OSM ids and classes for
    Nominatim and Photon), and *source* names the service for provenance.

    Parameters
    ----------
    location : geopy.location.Location
        A geocoder answer.
    source : str
        Provenance, e.g. ``"Nominatim (OpenStreetMap, ODbL)"``.
    default_kind : str
        Kind when ``raw`` does not tell (one of ``PLACE_KINDS``).
    """
    raw: Mapping[str, Any] = location.raw if isinstance(location.raw, Mapping) else {}
    if all(name in raw for name in CANDIDATE_FIELDS):
        return Candidate(**{name: raw[name] for name in CANDIDATE_FIELDS})
    if isinstance(raw.get("properties"), Mapping):  # GeoJSON answers (Photon, Pelias)
        raw = {**raw["properties"], **raw}
    address = location.address or ""
    name = raw.get("name") or address.split(",")[0].strip() or address
    service = re.sub(r"\W+", "-", source.split(" (")[0].casefold()).strip("-") or "geocoder"
    osm_type = _OSM_TYPES.get(str(raw.get("osm_type", "")), raw.get("osm_type"))
    if osm_type and raw.get("osm_id") is not None:
        ident = f"osm:{osm_type}:{raw['osm_id']}"
    elif raw.get("place_id") is not None:
        ident = f"geocoder:{service}:{raw['place_id']}"
    else:
        ident = f"geocoder:{service}:{location.latitude:.5f},{location.longitude:.5f}"
    details = raw.get("address") if isinstance(raw.get("address"), Mapping) else {}
    country = str(details.get("country_code") or raw.get("countrycode") or "").upper()
    admin1 = str(details.get("state") or raw.get("state") or "")
    kind = _osm_kind(raw) or default_kind
    if kind not in PLACE_KINDS:
        kind = default_kind
    return Candidate(
        id=ident,
        name=str(name),
        lat=float(location.latitude),
        lon=float(location.longitude),
        kind=kind,
        country_code=country if len(country) == 2 else "",
        admin1=admin1,
        source=source,
    )


def translate_geopy_error(error: BaseException, service: str) -> GeobriefError:
    """The geobrief error for a geopy (or adapter) error; raise it ``from error``.

    ``GeocoderTimedOut`` -> :class:`~geobrief.errors.GeocoderTimeout`;
    ``GeocoderQuotaExceeded`` / ``GeocoderRateLimited`` (HTTP 402/429) ->
    :class:`~geobrief.errors.GeocoderRateLimited`; ``ConfigurationError`` ->
    :class:`GeocoderConfigError`; everything else ->
    :class:`~geobrief.errors.GeocoderError`.
    """
    from geopy import exc
    from geopy.adapters import AdapterHTTPError

    message = f"{service}: {error}" if str(error) else f"{service}: {type(error).__name__}"
    cause = error.__cause__
    if isinstance(cause, AdapterHTTPError) and cause.status_code in (502, 503):
        # geopy calls a 503 a timeout; it is the service saying it is unavailable.
        return GeocoderError(f"{service}: service unavailable (HTTP {cause.status_code})")
    # An adapter that retried a read timeout reports it as "unavailable".
    if isinstance(error, exc.GeocoderTimedOut) or "timed out" in str(error).lower():
        return GeocoderTimeout(message)
    if isinstance(error, exc.GeocoderQuotaExceeded):  # includes geopy's GeocoderRateLimited
        translated = GeocoderRateLimited(message)
        translated.retry_after = getattr(error, "retry_after", None)  # type: ignore[attr-defined]
        return translated
    if isinstance(error, exc.ConfigurationError | exc.GeocoderNotFound):
        return GeocoderConfigError(message)
    return GeocoderError(message)

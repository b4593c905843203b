"""Geocoders: one protocol, an offline gazetteer geocoder, and geopy-backed online ones.

>>> from geobrief.geocoders import get_geocoder
>>> get_geocoder(None).geocode("Kharkiv")                         # doctest: +SKIP
Location(Kharkiv, Kharkivska oblast, UA, (49.98208, 36.25272, 0.0))
>>> online = get_geocoder("nominatim", user_agent="my-app/1.0")  # opt-in, cached, 1 req/s
"""

from __future__ import annotations

from typing import Any

from geobrief.geocoders.base import (
    Geocoder,
    GeocoderConfigError,
    candidate_from_location,
    location_from_candidate,
    translate_geopy_error,
)
from geobrief.geocoders.cache import GeocodeCache, default_cache_path
from geobrief.geocoders.offline import GazetteerGeocoder
from geobrief.geocoders.online import OnlineGeocoder
from geobrief.geocoders.resolve import ONLINE_CONFIDENCE, GeocoderFailure, resolve_unresolved

__all__ = [
    "ONLINE_CONFIDENCE",
    "GazetteerGeocoder",
    "GeocodeCache",
    "Geocoder",
    "GeocoderFailure",
    "GeocoderConfigError",
    "OnlineGeocoder",
    "candidate_from_location",
    "default_cache_path",
    "get_geocoder",
    "location_from_candidate",
    "resolve_unresolved",
    "translate_geopy_error",
]

_OFFLINE_NAMES = frozenset({"offline", "gazetteer", "geobrief"})
_UNSET: Any = object()


def get_geocoder(name: str | None = None, *, fallback: Any = _UNSET, **kwargs: Any) -> Geocoder:
    """The geocoder called *name*.

    Parameters
    ----------
    name : str or None
        ``None``, ``"offline"`` or ``"gazetteer"``: the offline
        :class:`GazetteerGeocoder` (the default; no network).  Any other name
        is a geopy service (``"nominatim"``, ``"photon"`` ...) wrapped in an
        :class:`OnlineGeocoder`.
    fallback : Geocoder or None, optional
        For online geocoders: who answers when the service fails.  The
        offline gazetteer geocoder unless given (``None`` disables it).
    **kwargs
        ``gazetteer=`` for the offline geocoder; :class:`OnlineGeocoder`
        options (``user_agent``, ``cache_path``, ``min_delay_seconds`` ...)
        otherwise.

    Raises
    ------
    GeocoderConfigError
        Unknown service, or a required option (Nominatim's user agent) missing.
    """
    if name is None or name.strip().lower() in _OFFLINE_NAMES:
        unknown = set(kwargs) - {"gazetteer"}
        if unknown or fallback is not _UNSET:
            raise GeocoderConfigError(f"the offline geocoder takes only gazetteer=, got {sorted(unknown)}")
        return GazetteerGeocoder(kwargs.get("gazetteer"))
    gazetteer = kwargs.pop("gazetteer", None)
    if fallback is _UNSET:
        fallback = GazetteerGeocoder(gazetteer)
    return OnlineGeocoder(name, fallback=fallback, **kwargs)

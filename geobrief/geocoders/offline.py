"""The offline geocoder: the gazetteer behind geopy's ``geocode`` interface.

Wherever a geopy geocoder fits, this one does too, with no network::

    >>> from geopy.extra.rate_limiter import RateLimiter
    >>> geocode = RateLimiter(GazetteerGeocoder().geocode)      # doctest: +SKIP
    >>> import geopandas
    >>> geopandas.tools.geocode(["Kyiv", "Gaza"], provider=GazetteerGeocoder)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from geobrief.geocoders.base import location_from_candidate
from geobrief.model import Candidate
from geobrief.text import name_key

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geopy.location import Location

    from geobrief.gazetteer import Gazetteer

__all__ = ["GazetteerGeocoder"]

# A query names a place; a demonym ("Ukrainian") describes people, so it is
# not a geocoding match.
_GEOCODABLE = frozenset({"name", "alias", "abbrev"})


class GazetteerGeocoder:
    """Offline geocoder over the geobrief gazetteer, answering like geopy.

    ``geocode`` returns :class:`geopy.location.Location` objects whose ``raw``
    carries every :class:`~geobrief.model.Candidate` field plus ``match`` (how
    the query matched: ``name``, ``alias`` or ``abbrev``).  A query
    ``"Name, Qualifier"`` (``"Paris, France"``, ``"Springfield, Illinois"``)
    keeps the entries of *Name* that lie in the country or first-level area
    the qualifiers name.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        The gazetteer to search; :func:`geobrief.gazetteer.load_gazetteer`
        (loaded on first use) when omitted.
    """

    source = "geobrief gazetteer (offline)"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer, loaded on first use."""
        if self._gazetteer is None:
            from geobrief.gazetteer import load_gazetteer

            self._gazetteer = load_gazetteer()
        return self._gazetteer

    def __call__(self, **kwargs: Any) -> GazetteerGeocoder:
        """Return self, so an *instance* works as geopandas' ``provider=``.

        ``geopandas.tools.geocode`` calls ``provider(**kwargs)`` to build its
        geocoder; a class or an instance of this geocoder are then both fine.
        """
        if kwargs:
            raise TypeError(f"GazetteerGeocoder takes no options here, got {sorted(kwargs)}")
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({'loaded' if self._gazetteer is not None else 'lazy'})"

    # -- geopy interface -----------------------------------------------------
    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: Sequence[str] | str | None = None,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """Locations for a place name, best first, from the offline gazetteer.

        Parameters
        ----------
        query : str
            A place name, optionally qualified: ``"Kharkiv"``, ``"Paris, France"``.
        exactly_one : bool
            Return the best location only (default), else a list of all.
        country_codes : sequence of str or str, optional
            ISO 3166-1 alpha-2 codes; only places in these countries.
        limit : int, optional
            At most this many locations when ``exactly_one`` is False.
        timeout : float, optional
            Accepted for geopy compatibility; a local lookup does not wait.

        Returns
        -------
        geopy.location.Location, list of Location, or None
            None when no entry matches (as geopy does for both modes).
        """
        del timeout  # local lookup: nothing to time out
        ranked = self._ranked(query, country_codes)
        if not ranked:
            return None
        if exactly_one:
            candidate, match = ranked[0]
            return location_from_candidate(candidate, match=match)
        if limit is not None:
            if int(limit) < 1:
                raise ValueError("limit cannot be less than 1")
            ranked = ranked[: int(limit)]
        return [location_from_candidate(c, match=m) for c, m in ranked]

    def candidate(self, query: str, *, country_codes: Sequence[str] | str | None = None) -> Candidate | None:
        """The best gazetteer :class:`~geobrief.model.Candidate` for *query*, or None."""
        ranked = self._ranked(query, country_codes)
        return ranked[0][0] if ranked else None

    # -- ranking ---------------------------------------------------------------
    def _ranked(self, query: str, country_codes: Sequence[str] | str | None) -> list[tuple[Candidate, str]]:
        if not isinstance(query, str):
            raise TypeError(f"query must be a str, not {type(query).__name__}")
        found = self._matches(name_key(query))
        parts = [part for part in query.split(",") if name_key(part)]
        if not found and len(parts) > 1:
            found = self._qualified(self._matches(name_key(parts[0])), parts[1:])
        if country_codes:
            codes = (
                {country_codes.upper()}
                if isinstance(country_codes, str)
                else {c.upper() for c in country_codes}
            )
            found = [(c, m) for c, m in found if c.country_code.upper() in codes]
        return found

    def _matches(self, key: str) -> list[tuple[Candidate, str]]:
        # The gazetteer ranks a key's entries itself (major places first, then
        # names before aliases, then importance and population): keep its order.
        if not key:
            return []
        seen: set[str] = set()
        found: list[tuple[Candidate, str]] = []
        for item in self.gazetteer.lookup(key):
            if item.match in _GEOCODABLE and item.candidate.id not in seen:
                seen.add(item.candidate.id)
                found.append((item.candidate, item.match))
        return found

    def _qualified(
        self, found: list[tuple[Candidate, str]], qualifiers: Iterable[str]
    ) -> list[tuple[Candidate, str]]:
        for qualifier in qualifiers:
            key = name_key(qualifier)
            countries: set[str] = set()
            areas: set[str] = {key}
            if len(key) == 2 and key.isalpha():
                countries.add(key.upper())  # "Paris, FR"
            for c, _ in self._matches(key):
                if c.kind == "country" and c.country_code:
                    countries.add(c.country_code.upper())
                elif c.kind in ("admin1", "region"):
                    areas.add(name_key(c.name))
            found = [
                (c, m)
                for c, m in found
                if c.country_code.upper() in countries or (c.admin1 and name_key(c.admin1) in areas)
            ]
        return found

"""Online geocoders: any geopy service, cached on disk, rate-limited, with an offline fall-back.

Online lookup is an option the user turns on; geobrief never goes online by
default.  Every answer is cached in SQLite *before* any request is considered,
requests are spaced by geopy's :class:`~geopy.extra.rate_limiter.RateLimiter`
at the service's policy (one per second for the public Nominatim), and a
failure is raised as a :class:`geobrief.errors.GeocoderError` -- never turned
into "no result".  With a ``fallback`` geocoder, a failed query is answered
offline instead and the failure is recorded in :attr:`OnlineGeocoder.failures`.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geobrief.errors import GeobriefError, GeocoderError, GeocoderRateLimited
from geobrief.geocoders.base import Geocoder, GeocoderConfigError, translate_geopy_error
from geobrief.geocoders.cache import GeocodeCache, cache_key, default_cache_path
from geobrief.model import Failure

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geopy.location import Location

__all__ = ["DEFAULT_MIN_DELAY", "SERVICE_MIN_DELAY", "SERVICE_SOURCES", "OnlineGeocoder"]

logger = logging.getLogger(__name__)

#: Environment variable read when no ``user_agent`` is given.
USER_AGENT_ENV = "GEOBRIEF_USER_AGENT"

#: Minimum seconds between requests, by service policy.
#: Nominatim: https://operations.osmfoundation.org/policies/nominatim/ ("an absolute maximum of 1 request per second").
SERVICE_MIN_DELAY: dict[str, float] = {"nominatim": 1.0}

#: Delay for services without a known policy: one request a second is polite everywhere.
DEFAULT_MIN_DELAY = 1.0

#: Provenance of each service's answers, as shown on the map.
SERVICE_SOURCES: dict[str, str] = {
    "nominatim": "Nominatim (OpenStreetMap, ODbL)",
    "photon": "Photon (OpenStreetMap, ODbL)",
    "pickpoint": "PickPoint (OpenStreetMap, ODbL)",
    "openmapquest": "MapQuest Open (OpenStreetMap, ODbL)",
    "geonames": "GeoNames web service (CC BY 4.0)",
    "arcgis": "ArcGIS World Geocoding Service",
    "googlev3": "Google Maps Geocoding API",
    "bing": "Bing Maps",
    "mapbox": "Mapbox",
    "opencage": "OpenCage",
    "here": "HERE",
    "tomtom": "TomTom",
    "pelias": "Pelias",
}

# Request errors that mean "the service did not give a usable answer".  geopy
# wraps transport errors itself; a malformed JSON shape can still raise these.
_MALFORMED = (ValueError, TypeError, KeyError, IndexError, AttributeError, OSError)


class OnlineGeocoder:
    """A geopy web geocoder with a persistent cache, rate limiting and an offline fall-back.

    Parameters
    ----------
    service : str
        A geopy service name (``"nominatim"``, ``"photon"``, ``"arcgis"`` ...;
        see :func:`geopy.geocoders.get_geocoder_for_service`).
    user_agent : str, optional
        HTTP User-Agent identifying your application; defaults to
        ``$GEOBRIEF_USER_AGENT``.  Required for the public Nominatim (its
        usage policy), where a missing one raises :class:`GeocoderConfigError`.
    cache_path : Path, optional
        SQLite cache file; ``geocode.sqlite`` in the user cache directory
        (platformdirs) when omitted.
    min_delay_seconds : float, optional
        Minimum seconds between requests; the service's policy when omitted
        (:data:`SERVICE_MIN_DELAY`, else :data:`DEFAULT_MIN_DELAY`).
    timeout : float
        Seconds to wait for an answer before :class:`~geobrief.errors.GeocoderTimeout`.
    fallback : Geocoder, optional
        Geocoder that answers when the service fails (usually the offline
        :class:`~geobrief.geocoders.GazetteerGeocoder`).  Its answer is
        returned, not cached, and the failure is appended to :attr:`failures`.
    max_retries : int
        Retries of a failed request (geopy ``RateLimiter`` semantics).
    error_wait_seconds : float, optional
        Wait before a retry; 2 s when omitted; never less than ``min_delay_seconds``.
    max_consecutive_failures : int, optional
        After this many failed requests in a row, stop calling the service
        and fail (or fall back) at once: a dead service must not stall a
        briefing for ``timeout`` seconds per name.  None never stops.
    **service_kwargs
        Passed to the geopy geocoder class (``domain``, ``scheme``,
        ``api_key``, ``proxies`` ...).

    Attributes
    ----------
    failures : list of Failure
        Every failed query, with whether the fall-back answered it.
    requests : int
        Queries sent to the service (cache hits are not; retries are not counted again).
    """

    def __init__(
        self,
        service: str = "nominatim",
        *,
        user_agent: str | None = None,
        cache_path: Path | None = None,
        min_delay_seconds: float | None = None,
        timeout: float = 10,
        fallback: Geocoder | None = None,
        max_retries: int = 1,
        error_wait_seconds: float | None = None,
        max_consecutive_failures: int | None = 3,
        **service_kwargs: Any,
    ) -> None:
        from geopy.exc import GeopyError
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim, get_geocoder_for_service
        from geopy.geocoders.nominatim import _DEFAULT_NOMINATIM_DOMAIN

        self.service = service.strip().lower()
        try:
            service_class = get_geocoder_for_service(self.service)
        except GeopyError as error:
            raise translate_geopy_error(error, self.service) from error
        user_agent = user_agent or os.environ.get(USER_AGENT_ENV) or None
        domain = str(service_kwargs.get("domain", "")).strip("/")
        is_nominatim = issubclass(service_class, Nominatim)
        if domain == _DEFAULT_NOMINATIM_DOMAIN:
            domain = ""
        if service_class is Nominatim and not domain and not user_agent:
            raise GeocoderConfigError(
                "the public Nominatim service requires a user agent that identifies your application "
                "(https://operations.osmfoundation.org/policies/nominatim/): pass user_agent='my-app/1.0 "
                f"(contact)' or set ${USER_AGENT_ENV}"
            )
        public_policy = (
            SERVICE_MIN_DELAY.get(self.service) if service_class is Nominatim and not domain else None
        )
        if min_delay_seconds is None:
            min_delay_seconds = SERVICE_MIN_DELAY.get(self.service, DEFAULT_MIN_DELAY)
        elif public_policy is not None and min_delay_seconds < public_policy:
            raise GeocoderConfigError(
                f"the public Nominatim service allows at most one request every {public_policy:g} s"
            )
        if min_delay_seconds < 0 or max_retries < 0 or timeout <= 0:
            raise GeocoderConfigError("min_delay_seconds and max_retries must be >= 0, timeout > 0")
        # A retry waits at least as long as any request must (geopy requires it).
        error_wait_seconds = max(min_delay_seconds, 2.0 if error_wait_seconds is None else error_wait_seconds)

        from geobrief import __version__

        # The rate limiter must be the only one retrying: requests' own HTTP retries
        # would resend at once (breaking the service's rate policy) and report a
        # timeout as "unavailable".
        service_kwargs.setdefault("adapter_factory", _single_try_adapter())
        try:
            self._geopy = service_class(
                user_agent=user_agent or f"geobrief/{__version__}",
                timeout=timeout,
                **service_kwargs,
            )
        except (GeopyError, TypeError, ValueError) as error:
            raise GeocoderConfigError(f"{self.service}: {error}") from error
        # swallow_exceptions=False: a failure must surface, never become None.
        self._limited = RateLimiter(
            functools.partial(_call_once_on_refusal, self._geopy.geocode),
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=error_wait_seconds,
            swallow_exceptions=False,
        )
        self._accepts = set(inspect.signature(self._geopy.geocode).parameters)
        # Nominatim-like services tell the country and state only when asked.
        self.default_params: dict[str, Any] = {"addressdetails": True} if is_nominatim else {}
        # The cache is keyed by the endpoint too, so a private server's answers stay apart.
        self._endpoint = f"{self.service}|{service_kwargs.get('scheme', '')}|{domain}"
        self.min_delay_seconds = float(min_delay_seconds)
        self.timeout = timeout
        self.fallback = fallback
        self.max_consecutive_failures = max_consecutive_failures
        self.source = SERVICE_SOURCES.get(self.service, f"{service_class.__name__} (online geocoder)")
        self.cache_path = Path(cache_path) if cache_path is not None else default_cache_path()
        self._cache: GeocodeCache | None = None
        self._lock = threading.Lock()
        self._state = threading.Lock()  # counters, when geocoding from several threads
        self._consecutive_failures = 0
        self._paused_until = 0.0
        self.failures: list[Failure] = []
        self.requests = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.service!r}, cache_path={str(self.cache_path)!r})"

    @property
    def cache(self) -> GeocodeCache:
        """The on-disk cache, opened on first use."""
        with self._lock:
            if self._cache is None:
                self._cache = GeocodeCache(self.cache_path)
            return self._cache

    def close(self) -> None:
        """Close the cache (every answer is already committed)."""
        with self._lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None

    def __enter__(self) -> OnlineGeocoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- geocoding -------------------------------------------------------------
    def geocode(
        self,
        query: str | Mapping[str, Any],
        *,
        exactly_one: bool = True,
        country_codes: Sequence[str] | str | None = None,
        fallback: bool = True,
        **params: Any,
    ) -> Location | list[Location] | None:
        """Locations for *query* from the cache, else from the service.

        Parameters
        ----------
        query : str or mapping
            Free-text query, e.g. ``"Pokrovsk, Ukraine"``, or a structured
            query for services that take one (Nominatim: ``{"city": ..., "country": ...}``).
        exactly_one : bool
            Return the best location only (default), else a list.
        country_codes : sequence of str or str, optional
            ISO 3166-1 alpha-2 codes limiting the search (services that
            support it, such as Nominatim).
        fallback : bool
            Let the fall-back geocoder answer if the service fails (default).
            The pipeline turns it off: the gazetteer has had its say already.
        **params
            More options of the geopy service's ``geocode`` (``featuretype`` ...).

        Returns
        -------
        geopy.location.Location, list of Location, or None
            None only when the service answered and found nothing.

        Raises
        ------
        GeocoderTimeout, GeocoderRateLimited, GeocoderError
            The service failed and there is no fall-back answer.
        """
        if not isinstance(query, str | Mapping):
            raise TypeError(f"query must be a str or a mapping, not {type(query).__name__}")
        kwargs = {**self.default_params, **params}
        if country_codes:
            codes = [country_codes] if isinstance(country_codes, str) else list(country_codes)
            # Nominatim calls it country_codes, Pelias countries, GeoNames country.
            keyword = next((k for k in ("country_codes", "countries", "country") if k in self._accepts), None)
            if keyword is None:
                raise GeocoderConfigError(f"{self.service} cannot restrict a search by country_codes")
            kwargs[keyword] = sorted(c.lower() if keyword == "country_codes" else c.upper() for c in codes)
        text = query if isinstance(query, str) else json.dumps(dict(query), sort_keys=True, default=str)
        key = cache_key(self._endpoint, text, {"exactly_one": exactly_one, **kwargs})

        stored = self.cache.get(key)  # before anything else: a cached query costs no request
        if stored is not None:
            return _locations(stored, exactly_one)

        try:
            answer = self._request(query, exactly_one, kwargs)
        except GeobriefError as error:
            return self._fail(
                query, text, error, exactly_one=exactly_one, country_codes=country_codes, fallback=fallback
            )
        rows = [
            _row(loc) for loc in ([] if answer is None else answer if isinstance(answer, list) else [answer])
        ]
        self.cache.put(key, self._endpoint, text, {"exactly_one": exactly_one, **kwargs}, rows)
        return _locations(rows, exactly_one)

    def _request(self, query: str | Mapping[str, Any], exactly_one: bool, kwargs: dict[str, Any]) -> Any:
        from geopy.exc import GeopyError

        wait = self._paused_until - time.monotonic()
        if wait > 0:  # the service asked us (Retry-After) to stay away this long
            error = GeocoderRateLimited(f"{self.service}: rate limited by the service, retry in {wait:.1f} s")
            error.retry_after = wait  # type: ignore[attr-defined]
            raise error
        if (
            self.max_consecutive_failures is not None
            and self._consecutive_failures >= self.max_consecutive_failures
        ):
            raise GeocoderError(
                f"{self.service}: not called after {self._consecutive_failures} failed requests in a row"
            )
        with self._state:
            self.requests += 1
        try:
            answer = self._limited(query, exactly_one=exactly_one, **kwargs)
        except (GeopyError, _Final) as caught:
            with self._state:
                self._consecutive_failures += 1
            error = caught.error if isinstance(caught, _Final) else caught
            translated = translate_geopy_error(error, self.service)
            retry_after = getattr(translated, "retry_after", None)
            if isinstance(translated, GeocoderRateLimited) and retry_after:
                self._paused_until = time.monotonic() + float(retry_after)
            raise translated from error
        except _MALFORMED as error:
            with self._state:
                self._consecutive_failures += 1
            raise GeocoderError(
                f"{self.service}: unusable answer ({type(error).__name__}: {error})"
            ) from error
        self._consecutive_failures = 0
        return answer

    def _fail(
        self,
        query: str | Mapping[str, Any],
        text: str,
        error: GeobriefError,
        *,
        exactly_one: bool,
        country_codes: Sequence[str] | str | None,
        fallback: bool,
    ) -> Location | list[Location] | None:
        answer = None
        if fallback and self.fallback is not None and isinstance(query, str):
            answer = self.fallback.geocode(query, exactly_one=exactly_one, country_codes=country_codes)
        used = answer is not None and answer != []
        reason = f"{error}; answered by the offline fall-back" if used else str(error)
        self.failures.append(Failure(source=f"geocoder {self.service}: {text!r}", reason=reason))
        logger.warning("geocoding %r failed: %s", text, reason)
        if used:
            return answer
        raise error  # already chained to the geopy error by _request


class _Final(Exception):  # noqa: N818 - a carrier, not an error of its own
    """Carries a geopy error the rate limiter must not retry (it retries GeocoderServiceError)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _call_once_on_refusal(geocode: Any, *args: Any, **kwargs: Any) -> Any:
    # A refusal (rate limit, quota, credentials, bad query) will not change on an
    # immediate retry, and retrying a 429 ignores the service's Retry-After.
    from geopy import exc

    try:
        return geocode(*args, **kwargs)
    except (
        exc.GeocoderQuotaExceeded,
        exc.GeocoderAuthenticationFailure,
        exc.GeocoderInsufficientPrivileges,
        exc.GeocoderQueryError,
    ) as error:
        raise _Final(error) from error


def _single_try_adapter() -> Any:
    from geopy.adapters import RequestsAdapter, URLLibAdapter

    if RequestsAdapter.is_available:
        return functools.partial(RequestsAdapter, max_retries=0)
    return URLLibAdapter  # urllib does not retry


def _row(location: Location) -> list[Any]:
    return [location.address, location.latitude, location.longitude, location.altitude, location.raw]


def _locations(rows: list[list[Any]], exactly_one: bool) -> Location | list[Location] | None:
    from geopy.location import Location

    locations = [Location(address, (lat, lon, alt or 0.0), raw) for address, lat, lon, alt, raw in rows]
    if not locations:
        return None
    return locations[0] if exactly_one else locations

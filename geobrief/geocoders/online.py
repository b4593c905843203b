"""Online geocoders: any geopy service, cached on disk, rate-limited, with an offline fall-back.

Online lookup is an option the user turns on; geobrief never goes online by
default.  Every answer is cached in SQLite *before* any request is considered,
requests (redirects and retries included) are spaced at the service's policy
(one per second for the public Nominatim), and a failure is raised as a
:class:`geobrief.errors.GeocoderError` -- never turned into "no result", never
cached.  Every query has a total deadline (``timeout``: connection, answer,
redirects and retries together) and the run has one too (``run_timeout``);
answers are read through :class:`~geobrief.geocoders.http.BoundedAdapter`
(at most 2 redirects, bodies capped).  A ``Retry-After`` of a 429 or 503 answer
is honoured: no request to the service before it passes.  With a ``fallback``
geocoder, a failed query is answered offline instead and the failure is
recorded in :attr:`OnlineGeocoder.failures`.
"""

from __future__ import annotations

import collections
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

from geobrief.errors import GeobriefError, GeocoderError, GeocoderRateLimited, GeocoderTimeout
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

#: Default total seconds one run may spend waiting for an online geocoder.
DEFAULT_RUN_TIMEOUT = 300.0

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
        Total seconds for one query -- connecting, the answer however slowly it
        arrives, redirects and retries together -- before
        :class:`~geobrief.errors.GeocoderTimeout`.
    run_timeout : float, optional
        Total seconds this geocoder may spend on the network, from its first
        request (:data:`DEFAULT_RUN_TIMEOUT`); afterwards every query fails at
        once with :class:`~geobrief.errors.GeocoderTimeout`.  None: no limit.
    fallback : Geocoder, optional
        Geocoder that answers when the service fails (usually the offline
        :class:`~geobrief.geocoders.GazetteerGeocoder`).  Its answer is
        returned, not cached, and the failure is appended to :attr:`failures`.
    max_retries : int
        Retries of a failed request (not of a refusal: rate limit, quota,
        credentials, bad query), within the query's ``timeout``.
    error_wait_seconds : float, optional
        Wait before a retry; 2 s when omitted; never less than ``min_delay_seconds``.
    max_consecutive_failures : int, optional
        After this many failed requests in a row, stop calling the service
        and fail (or fall back) at once: a dead service must not stall a
        briefing for ``timeout`` seconds per name.  None never stops.
    max_redirects, max_bytes : int
        Redirects followed per request (each paced as a request) and the
        largest answer read (see :mod:`geobrief.geocoders.http`).
    **service_kwargs
        Passed to the geopy geocoder class (``domain``, ``scheme``,
        ``api_key``, ``proxies`` ...).

    Attributes
    ----------
    failures : list of Failure
        Every failed query, with whether the fall-back answered it.
    requests : int
        Queries sent to the service (cache hits are not; retries are not counted again).
    failure_kinds : collections.Counter
        Failed queries by kind (``"timeout"``, ``"rate limited"``, ``"error"``).
    """

    def __init__(
        self,
        service: str = "nominatim",
        *,
        user_agent: str | None = None,
        cache_path: Path | None = None,
        min_delay_seconds: float | None = None,
        timeout: float = 10,
        run_timeout: float | None = DEFAULT_RUN_TIMEOUT,
        fallback: Geocoder | None = None,
        max_retries: int = 1,
        error_wait_seconds: float | None = None,
        max_consecutive_failures: int | None = 3,
        max_redirects: int = 2,
        max_bytes: int | None = None,
        **service_kwargs: Any,
    ) -> None:
        from geopy.exc import GeopyError
        from geopy.geocoders import Nominatim, get_geocoder_for_service
        from geopy.geocoders.nominatim import _DEFAULT_NOMINATIM_DOMAIN

        from geobrief.geocoders.http import MAX_BODY_BYTES, BoundedAdapter, Pacer

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
        if min_delay_seconds < 0 or max_retries < 0 or timeout <= 0 or max_redirects < 0:
            raise GeocoderConfigError(
                "min_delay_seconds, max_retries and max_redirects must be >= 0, timeout > 0"
            )
        if run_timeout is not None and run_timeout <= 0:
            raise GeocoderConfigError("run_timeout must be > 0 (or None)")
        # A retry waits at least as long as any request must.
        error_wait_seconds = max(min_delay_seconds, 2.0 if error_wait_seconds is None else error_wait_seconds)

        from geobrief import __version__

        # Every HTTP request -- first try, retry or redirect -- waits its turn here.
        self._pacer = Pacer(min_delay_seconds)
        self._local = threading.local()  # the current query's deadline, per thread
        self._run_end: float | None = None
        self.run_timeout = run_timeout
        service_kwargs.setdefault(
            "adapter_factory",
            functools.partial(
                BoundedAdapter,
                pacer=self._pacer,
                deadline=self._deadline,
                max_redirects=max_redirects,
                max_bytes=MAX_BODY_BYTES if max_bytes is None else max_bytes,
            ),
        )
        try:
            self._geopy = service_class(
                user_agent=user_agent or f"geobrief/{__version__}",
                timeout=timeout,
                **service_kwargs,
            )
        except (GeopyError, TypeError, ValueError) as error:
            raise GeocoderConfigError(f"{self.service}: {error}") from error
        self.max_retries = max_retries
        self.error_wait_seconds = error_wait_seconds
        self._accepts = set(inspect.signature(self._geopy.geocode).parameters)
        # Nominatim-like services tell the country and state only when asked.
        self.default_params: dict[str, Any] = {"addressdetails": True} if is_nominatim else {}
        # The cache is keyed by the endpoint too, so a private server's answers stay apart.
        self._endpoint = f"{self.service}|{service_kwargs.get('scheme', '')}|{domain}"
        #: The self-hosted server's address, shown in messages ("" for the service's own).
        self.endpoint = f"{service_kwargs.get('scheme') or 'https'}://{domain}" if domain else ""
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
        self.failure_kinds: collections.Counter[str] = collections.Counter()
        self.requests = 0
        self.lookups = 0  # queries not answered from the cache

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
        with self._state:
            self.lookups += 1

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

    def _deadline(self) -> float:
        """The latest monotonic time the current request may end (query and run deadlines)."""
        end = getattr(self._local, "end", None)
        end = time.monotonic() + self.timeout if end is None else end
        return end if self._run_end is None else min(end, self._run_end)

    def _request(self, query: str | Mapping[str, Any], exactly_one: bool, kwargs: dict[str, Any]) -> Any:
        from geopy.exc import GeopyError

        now = time.monotonic()
        wait = self._paused_until - now
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
            if self._run_end is None and self.run_timeout is not None:
                self._run_end = now + self.run_timeout
            spent = self._run_end is not None and now >= self._run_end
            if not spent:
                self.requests += 1
        if spent:  # the run's budget is gone: fail at once, sending nothing
            raise GeocoderTimeout(
                f"{self.service}: the run's {self.run_timeout:g} s for online lookups are spent"
            )
        self._local.end = end = min(now + self.timeout, self._run_end or float("inf"))
        attempt = 0
        try:
            while True:
                try:
                    answer = self._geopy.geocode(query, exactly_one=exactly_one, **kwargs)
                except GeopyError as error:
                    translated = translate_geopy_error(error, self.service)
                    retry_after = _retry_after(error, translated)
                    if retry_after:
                        # Honour Retry-After (429 and 503): nothing is sent to the service before it.
                        self._paused_until = max(self._paused_until, time.monotonic() + retry_after)
                        translated = _with_retry_after(translated, retry_after)
                    pause = max(self.error_wait_seconds, retry_after or 0.0)
                    if (
                        attempt < self.max_retries
                        and _retryable(error)
                        and not isinstance(translated, GeocoderRateLimited)
                        and time.monotonic() + pause < end
                    ):
                        attempt += 1
                        time.sleep(pause)
                        continue
                    with self._state:
                        self._consecutive_failures += 1
                    raise translated from error
                except _MALFORMED as error:
                    with self._state:
                        self._consecutive_failures += 1
                    raise GeocoderError(
                        f"{self.service}: unusable answer ({type(error).__name__}: {error})"
                    ) from error
                self._consecutive_failures = 0
                return answer
        finally:
            self._local.end = None

    def summary(self) -> str | None:
        """One line on this service's failures in the run (None if there were none)."""
        failed = sum(self.failure_kinds.values())
        if not failed:
            return None
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.failure_kinds.items()))
        where = f" at {self.endpoint}" if self.endpoint else ""
        last = self.failures[-1].reason if self.failures else ""
        return (
            f"geocoder {self.service}{where}: {failed} of {self.lookups} lookups failed ({kinds}); "
            f"those names stay unresolved; last error: {last}"
        )

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
        with self._state:
            self.failures.append(Failure(source=f"geocoder {self.service}: {text!r}", reason=reason))
            kind = (
                "timeout"
                if isinstance(error, GeocoderTimeout)
                else "rate limited"
                if isinstance(error, GeocoderRateLimited)
                else "error"
            )
            self.failure_kinds[kind] += 1
        # Not a warning per name: the command line prints one summary line per service.
        logger.info("geocoding %r failed: %s", text, reason)
        if used:
            return answer
        raise error  # already chained to the geopy error by _request


def _retryable(error: Exception) -> bool:
    """A server or transport failure may pass; a refusal (quota, credentials, bad query) will not."""
    from geopy import exc

    refusal = (
        exc.GeocoderQuotaExceeded,
        exc.GeocoderAuthenticationFailure,
        exc.GeocoderInsufficientPrivileges,
        exc.GeocoderQueryError,
    )
    return isinstance(error, exc.GeocoderServiceError) and not isinstance(error, refusal)


def _retry_after(error: BaseException, translated: GeobriefError) -> float | None:
    """Seconds the service asked us to wait (Retry-After of a 429 or 503 answer), if any."""
    from geopy.adapters import AdapterHTTPError, get_retry_after

    seconds = getattr(translated, "retry_after", None)
    cause = error.__cause__
    if not seconds and isinstance(cause, AdapterHTTPError) and cause.status_code in (429, 503):
        seconds = get_retry_after(cause.headers or {})
    return float(seconds) if seconds else None


def _with_retry_after(error: GeobriefError, seconds: float) -> GeobriefError:
    if not isinstance(error, GeocoderRateLimited):
        error = type(error)(f"{error}; asked to retry in {seconds:g} s")
    error.retry_after = seconds  # type: ignore[attr-defined]
    return error


def _row(location: Location) -> list[Any]:
    return [location.address, location.latitude, location.longitude, location.altitude, location.raw]


def _locations(rows: list[list[Any]], exactly_one: bool) -> Location | list[Location] | None:
    from geopy.location import Location

    locations = [Location(address, (lat, lon, alt or 0.0), raw) for address, lat, lon, alt, raw in rows]
    if not locations:
        return None
    return locations[0] if exactly_one else locations

"""OnlineGeocoder against a fake Nominatim on loopback: answers, errors, fall-back, rate, cache."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import geopy.exc
import pytest
from geopy.location import Location

from geobrief.errors import GeobriefError, GeocoderError, GeocoderRateLimited, GeocoderTimeout
from geobrief.geocoders import GeocoderConfigError, OnlineGeocoder

REPO = Path(__file__).resolve().parents[2]


class ListFallback:
    """A stand-in offline geocoder answering a fixed set of names."""

    def __init__(self, known: dict[str, tuple[float, float]]) -> None:
        self.known = known
        self.calls: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool = True, country_codes: Any = None) -> Any:
        self.calls.append(query)
        if query not in self.known:
            return None
        loc = Location(f"{query} (offline)", self.known[query], {"offline": True})
        return loc if exactly_one else [loc]


# -- normal answers -------------------------------------------------------------


def test_answers_with_the_services_location(fake_nominatim, online_kwargs):
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    loc = geocoder.geocode("Kharkiv")
    assert isinstance(loc, Location)
    assert loc.latitude == pytest.approx(49.9923181)
    assert loc.longitude == pytest.approx(36.2310146)
    assert loc.raw["osm_id"] == 3154746
    (request,) = fake_nominatim.requests
    assert request["path"] == "/search"
    assert request["params"]["q"] == "Kharkiv"
    assert request["agent"] == "geobrief-tests/1.0"  # the user agent reaches the service


def test_exactly_one_false_gives_every_hit_and_none_means_nothing_found(fake_nominatim, online_kwargs):
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    hits = geocoder.geocode("Kharkiv", exactly_one=False)
    assert [h.raw["osm_id"] for h in hits] == [3154746, 42]
    assert geocoder.geocode("Atlantis") is None
    assert geocoder.failures == []


def test_country_codes_reach_the_service(fake_nominatim, online_kwargs):
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    assert geocoder.geocode("Novo Selo", country_codes=["BG"]) is not None
    assert geocoder.geocode("Novo Selo", country_codes=["MK"]) is None
    assert [r["params"].get("countrycodes") for r in fake_nominatim.requests] == ["bg", "mk"]


def test_structured_queries_reach_the_service_and_are_cached(fake_nominatim, online_kwargs):
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    loc = geocoder.geocode({"city": "Kharkiv", "country": "Ukraine"})
    assert loc.raw["osm_id"] == 3154746
    assert geocoder.geocode({"country": "Ukraine", "city": "Kharkiv"}) == loc  # same query, any key order
    (request,) = fake_nominatim.requests
    assert (request["params"]["city"], request["params"]["country"]) == ("Kharkiv", "Ukraine")


# -- cache ------------------------------------------------------------------------


def test_cache_is_consulted_before_any_request(fake_nominatim, online_kwargs):
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    first = geocoder.geocode("Kharkiv")
    assert geocoder.geocode("Kharkiv") == first
    assert geocoder.geocode("Atlantis") is None
    assert geocoder.geocode("Atlantis") is None  # "nothing found" is cached too
    assert fake_nominatim.queries() == ["Kharkiv", "Atlantis"]
    # A new geocoder (a new run) reads the same file and asks nothing.
    again = OnlineGeocoder("nominatim", **online_kwargs)
    assert again.geocode("Kharkiv") == first
    assert again.requests == 0
    assert len(fake_nominatim.requests) == 2


def test_cache_keeps_different_parameters_and_endpoints_apart(fake_nominatim, online_kwargs, tmp_path):
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    one = geocoder.geocode("Kharkiv")
    many = geocoder.geocode("Kharkiv", exactly_one=False)
    assert isinstance(one, Location) and len(many) == 2
    assert len(fake_nominatim.requests) == 2
    # Another server must not be answered from this server's cache entries.
    other = OnlineGeocoder("nominatim", **{**online_kwargs, "domain": f"localhost:{fake_nominatim.port}"})
    other.geocode("Kharkiv")
    assert len(fake_nominatim.requests) == 3


def test_cache_survives_a_killed_process(fake_nominatim, online_kwargs):
    """A process killed (SIGKILL) right after an answer leaves that answer on disk."""
    code = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from geobrief.geocoders import OnlineGeocoder
        g = OnlineGeocoder("nominatim", domain=sys.argv[1], scheme="http", proxies={},
                           user_agent="geobrief-tests/1.0", cache_path=Path(sys.argv[2]),
                           min_delay_seconds=0, max_retries=0, error_wait_seconds=0, timeout=5)
        loc = g.geocode("Kharkiv")
        print("answered", loc.latitude, flush=True)
        time.sleep(60)  # killed long before this ends
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, fake_nominatim.domain, str(online_kwargs["cache_path"])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the child process did not answer within 60 s"
        line = proc.stdout.readline()
        assert line.startswith("answered"), line + proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    assert fake_nominatim.queries() == ["Kharkiv"]
    survivor = OnlineGeocoder("nominatim", **online_kwargs)
    loc = survivor.geocode("Kharkiv")
    assert loc is not None and loc.latitude == pytest.approx(49.9923181)
    assert fake_nominatim.queries() == ["Kharkiv"]  # answered from the dead process's cache


# -- errors -------------------------------------------------------------------------


def test_timeout_raises_geocoder_timeout_from_geopy(fake_nominatim, online_kwargs):
    fake_nominatim.mode = "slow"
    fake_nominatim.slow_seconds = 1.0
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "timeout": 0.2})
    with pytest.raises(GeocoderTimeout) as info:
        geocoder.geocode("Kharkiv")
    assert isinstance(info.value, TimeoutError) and isinstance(info.value, GeobriefError)
    assert isinstance(info.value.__cause__, geopy.exc.GeocoderTimedOut)
    # A failure is not cached: once the service answers, the query is asked again.
    fake_nominatim.mode = "ok"
    assert geocoder.geocode("Kharkiv") is not None


def test_http_429_raises_rate_limited(fake_nominatim, online_kwargs):
    fake_nominatim.mode = "429"
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    with pytest.raises(GeocoderRateLimited) as info:
        geocoder.geocode("Kharkiv")
    assert isinstance(info.value.__cause__, geopy.exc.GeocoderRateLimited)
    assert info.value.retry_after == 1  # the service's Retry-After header is kept
    assert len(geocoder.failures) == 1


def test_rate_limit_is_not_retried_and_retry_after_is_respected(fake_nominatim, online_kwargs):
    fake_nominatim.script = ["429"]  # then answers normally
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "max_retries": 2})
    with pytest.raises(GeocoderRateLimited):
        geocoder.geocode("Kharkiv")
    with pytest.raises(GeocoderRateLimited):  # within Retry-After (1 s): no request at all
        geocoder.geocode("Novo Selo")
    assert fake_nominatim.queries() == ["Kharkiv"]  # a 429 is not hammered with retries
    time.sleep(1.05)
    assert geocoder.geocode("Novo Selo") is not None
    assert fake_nominatim.queries() == ["Kharkiv", "Novo Selo"]


def test_http_500_raises_geocoder_error_not_none(fake_nominatim, online_kwargs):
    fake_nominatim.mode = "500"
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    with pytest.raises(GeocoderError) as info:
        geocoder.geocode("Kharkiv")
    assert not isinstance(info.value, GeocoderTimeout | GeocoderRateLimited)
    assert isinstance(info.value.__cause__, geopy.exc.GeocoderServiceError)


def test_malformed_answer_raises_geocoder_error(fake_nominatim, online_kwargs):
    fake_nominatim.mode = "garbage"
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    with pytest.raises(GeocoderError):
        geocoder.geocode("Kharkiv")


def test_retry_recovers_from_one_server_error(fake_nominatim, online_kwargs):
    fake_nominatim.script = ["500"]
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "max_retries": 1, "error_wait_seconds": 0.05})
    assert geocoder.geocode("Kharkiv") is not None
    assert fake_nominatim.queries() == ["Kharkiv", "Kharkiv"]
    assert geocoder.failures == []


def test_dead_service_is_not_called_after_consecutive_failures(fake_nominatim, online_kwargs):
    fake_nominatim.mode = "500"
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "max_consecutive_failures": 2})
    for name in ("Kharkiv", "Novo Selo", "Tartus naval base"):
        with pytest.raises(GeocoderError):
            geocoder.geocode(name)
    assert len(fake_nominatim.requests) == 2
    assert len(geocoder.failures) == 3


# -- fall-back ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["500", "429", "slow"])
def test_failed_service_falls_back_to_offline_and_records_it(fake_nominatim, online_kwargs, mode):
    fake_nominatim.mode = mode
    fake_nominatim.slow_seconds = 0.8
    fake_nominatim.retry_after = None  # (Retry-After has its own test)
    fallback = ListFallback({"Kharkiv": (50.0, 36.25)})
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "timeout": 0.2, "fallback": fallback})
    loc = geocoder.geocode("Kharkiv")
    assert loc is not None and loc.raw == {"offline": True}
    assert len(geocoder.failures) == 1
    failure = geocoder.failures[0]
    assert "Kharkiv" in failure.source and "fall-back" in failure.reason
    # The offline answer is not cached: the online one is used once the service recovers.
    fake_nominatim.mode = "ok"
    assert geocoder.geocode("Kharkiv").raw["osm_id"] == 3154746


def test_fallback_without_answer_still_raises(fake_nominatim, online_kwargs):
    fake_nominatim.mode = "500"
    fallback = ListFallback({})
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "fallback": fallback})
    with pytest.raises(GeocoderError):
        geocoder.geocode("Kharkiv")
    assert fallback.calls == ["Kharkiv"]
    assert len(geocoder.failures) == 1


def test_every_query_gets_an_answer_or_an_explicit_error(fake_nominatim, online_kwargs):
    """Under a mix of failures nothing is lost: answers + errors = queries, failures recorded."""
    fake_nominatim.script = ["ok", "500", "429", "slow", "garbage", "ok"]  # cache hits take none
    fake_nominatim.retry_after = None
    fake_nominatim.slow_seconds = 0.6
    fallback = ListFallback({"Novo Selo": (42.1, 22.9)})
    geocoder = OnlineGeocoder(
        "nominatim",
        **{**online_kwargs, "timeout": 0.2, "fallback": fallback, "max_consecutive_failures": None},
    )
    queries = [
        "Kharkiv",
        "Novo Selo",
        "Tartus naval base",
        "Atlantis",
        "Kharkiv",
        "Tartus naval base",
        "Lemuria",
    ]
    answers, errors, nothing = [], [], []
    for q in queries:
        try:
            loc = geocoder.geocode(q)
        except GeocoderError as error:
            errors.append((q, error))
        else:
            (answers if loc is not None else nothing).append(q)
    assert len(answers) + len(errors) + len(nothing) == len(queries)
    # "Nothing found" only for queries the service really answered with nothing.
    assert nothing == ["Lemuria"]
    assert answers == ["Kharkiv", "Novo Selo", "Kharkiv"]  # 2nd Kharkiv from the cache
    assert [q for q, _ in errors] == ["Tartus naval base", "Atlantis", "Tartus naval base"]
    assert len(geocoder.failures) == 4  # 3 errors + 1 fall-back answer


# -- rate limiting ----------------------------------------------------------------------


def test_requests_are_spaced_by_min_delay(fake_nominatim, online_kwargs):
    delay = 0.25
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "min_delay_seconds": delay})
    for q in ["Kharkiv", "Novo Selo", "Tartus naval base", "Atlantis"]:
        geocoder.geocode(q)
    times = fake_nominatim.times()
    assert len(times) == 4
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # Arrival times jitter on a loaded machine: the overall pace strictly, each gap loosely.
    assert times[-1] - times[0] >= 3 * delay * 0.9, gaps
    assert min(gaps) >= delay * 0.6, gaps


def test_rate_limit_holds_across_threads(fake_nominatim, online_kwargs):
    from concurrent.futures import ThreadPoolExecutor

    # A delay well above the scheduling jitter of four threads on a loaded two-core machine.
    delay = 0.3
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "min_delay_seconds": delay})
    names = ["Kharkiv", "Novo Selo", "Tartus naval base", "Atlantis", "Lemuria", "Mu"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(geocoder.geocode, names))
    assert [a is not None for a in answers] == [True, True, True, False, False, False]
    times = sorted(fake_nominatim.times())
    assert len(times) == len(names) and geocoder.requests == len(names)
    # The server sees arrival times, which jitter on a loaded machine (a request delayed by the
    # scheduler narrows the gap after it): check the overall pace here, each slot in
    # test_pacer_spaces_every_slot_across_callers with a clock of its own.
    assert times[-1] - times[0] >= (len(names) - 1) * delay * 0.9


def test_pacer_spaces_every_slot_across_callers(monkeypatch):
    from geopy.exc import GeocoderTimedOut

    from geobrief.geocoders import http

    slept: list[float] = []
    monkeypatch.setattr(http.time, "monotonic", lambda: 100.0)  # six callers at one instant
    monkeypatch.setattr(http.time, "sleep", slept.append)
    pacer = http.Pacer(0.3)
    for _ in range(6):
        pacer.wait(deadline=1e9)
    # the first goes at once, each next one waits for the slot after the one before
    assert slept == pytest.approx([0.3 * k for k in range(1, 6)])
    with pytest.raises(GeocoderTimedOut):
        pacer.wait(deadline=100.5)  # the next free slot (101.8) is past this caller's deadline


def test_unreadable_cache_is_an_explicit_error(fake_nominatim, online_kwargs):
    online_kwargs["cache_path"].write_bytes(b"this is not a database" * 100)
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    with pytest.raises(GeocoderError, match="cache"):
        geocoder.geocode("Kharkiv")
    assert fake_nominatim.requests == []


def test_cache_hits_do_not_wait_for_the_rate_limit(fake_nominatim, online_kwargs):
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "min_delay_seconds": 1.0})
    geocoder.geocode("Kharkiv")
    start = time.monotonic()
    for _ in range(5):
        geocoder.geocode("Kharkiv")
    assert time.monotonic() - start < 0.5
    assert len(fake_nominatim.requests) == 1


def test_public_nominatim_defaults_to_one_request_per_second(online_kwargs):
    kwargs = {k: v for k, v in online_kwargs.items() if k not in ("domain", "scheme", "min_delay_seconds")}
    geocoder = OnlineGeocoder("nominatim", **kwargs)  # constructing makes no request
    assert geocoder.min_delay_seconds == 1.0
    with pytest.raises(GeocoderConfigError, match="one request every 1 s"):
        OnlineGeocoder("nominatim", min_delay_seconds=0.5, **kwargs)


# -- configuration -------------------------------------------------------------------------


def test_public_nominatim_requires_a_user_agent(monkeypatch, tmp_path):
    monkeypatch.delenv("GEOBRIEF_USER_AGENT", raising=False)
    with pytest.raises(GeocoderConfigError, match="user agent"):
        OnlineGeocoder("nominatim", cache_path=tmp_path / "c.sqlite")
    monkeypatch.setenv("GEOBRIEF_USER_AGENT", "my-newsroom/2.0")
    assert OnlineGeocoder("nominatim", cache_path=tmp_path / "c.sqlite") is not None


def test_unknown_service_is_a_configuration_error(tmp_path):
    with pytest.raises(GeocoderConfigError) as info:
        OnlineGeocoder("no-such-geocoder", cache_path=tmp_path / "c.sqlite")
    assert isinstance(info.value, ValueError)


def test_unsupported_country_codes_is_a_configuration_error(online_kwargs):
    kwargs = {k: v for k, v in online_kwargs.items() if k not in ("user_agent",)}
    geocoder = OnlineGeocoder("arcgis", **kwargs)
    with pytest.raises(GeocoderConfigError, match="country_codes"):
        geocoder.geocode("Kharkiv", country_codes=["UA"])


def test_default_cache_lives_in_the_user_cache_dir(online_kwargs, monkeypatch, tmp_path):
    from platformdirs import user_cache_dir

    kwargs = {k: v for k, v in online_kwargs.items() if k != "cache_path"}
    monkeypatch.delenv("GEOBRIEF_CACHE_DIR", raising=False)
    assert OnlineGeocoder("nominatim", **kwargs).cache_path.parent == Path(user_cache_dir("geobrief"))
    monkeypatch.setenv("GEOBRIEF_CACHE_DIR", str(tmp_path / "elsewhere"))
    geocoder = OnlineGeocoder("nominatim", **kwargs)
    geocoder.geocode("Kharkiv")
    assert (tmp_path / "elsewhere" / "geocode.sqlite").is_file()


def test_unreachable_service_is_an_explicit_error_and_tests_stay_offline(tmp_path):
    """The public service is unreachable under the test network guard: an error, not 'not found'."""
    geocoder = OnlineGeocoder(
        "nominatim", user_agent="geobrief-tests/1.0", cache_path=tmp_path / "c.sqlite", max_retries=0
    )
    with pytest.raises(GeocoderError) as info:
        geocoder.geocode("Kharkiv")
    assert "network guard" in str(info.value)
    assert len(geocoder.failures) == 1

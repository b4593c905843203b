"""resolve_unresolved: the pipeline's online step, against the fake Nominatim."""

from __future__ import annotations

import pytest
from geopy.geocoders import Nominatim

from geobrief.errors import GeocoderError
from geobrief.gazetteer import Gazetteer
from geobrief.geocoders import ONLINE_CONFIDENCE, GazetteerGeocoder, OnlineGeocoder, resolve_unresolved
from geobrief.model import Candidate, Failure, Mention, Resolution

KYIV = Candidate(
    "geonames:703448", "Kyiv", 50.45, 30.52, "city", "PPLC", "UA", "Kyiv City", 2_797_553, "test"
)


def _mention(text: str, start: int) -> Mention:
    return Mention("a1", start, start + len(text), text)


@pytest.fixture
def resolutions() -> list[Resolution]:
    return [
        Resolution(_mention("Kyiv", 0), KYIV, 0.9),
        Resolution(_mention("Kharkiv", 10), None),
        Resolution(_mention("Atlantis", 30), None),
        Resolution(_mention("Tartus naval base", 50), None),
        Resolution(_mention("Kharkiv", 80), None, 0.0, (KYIV,)),
    ]


def test_unresolved_mentions_get_the_services_place(fake_nominatim, online_kwargs, resolutions):
    geocoder = OnlineGeocoder("nominatim", **online_kwargs)
    out = resolve_unresolved(resolutions, geocoder)
    assert len(out) == len(resolutions)
    assert out[0] is resolutions[0]  # resolved ones untouched
    kharkiv = out[1].place
    assert kharkiv is not None
    assert kharkiv.id == "osm:relation:3154746"
    assert (kharkiv.lat, kharkiv.lon) == pytest.approx((49.9923181, 36.2310146))
    assert (kharkiv.kind, kharkiv.country_code, kharkiv.admin1) == ("city", "UA", "Kharkiv Oblast")
    assert kharkiv.source == "Nominatim (OpenStreetMap, ODbL)"
    assert out[1].confidence == ONLINE_CONFIDENCE
    assert out[1].mention == resolutions[1].mention
    assert out[2] is resolutions[2] and not out[2].resolved  # the service knows no Atlantis
    assert out[3].place.kind == "facility"  # from the service's class of place (military)
    assert out[4].place == kharkiv and out[4].alternatives == (KYIV,)
    # each distinct name is asked once
    assert sorted(fake_nominatim.queries()) == ["Atlantis", "Kharkiv", "Tartus naval base"]


def test_failures_are_raised_unless_a_list_collects_them(fake_nominatim, online_kwargs, resolutions):
    fake_nominatim.mode = "500"
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "max_consecutive_failures": None})
    with pytest.raises(GeocoderError):
        resolve_unresolved(resolutions, geocoder)
    failures: list[Failure] = []
    out = resolve_unresolved(resolutions, geocoder, failures=failures)
    assert out == resolutions  # nothing invented
    assert sorted(f.source for f in failures) == [
        "geocoder: 'Atlantis'",
        "geocoder: 'Kharkiv'",
        "geocoder: 'Tartus naval base'",
    ]
    assert all("500" in f.reason for f in failures)


def test_offline_fallback_does_not_overrule_the_resolver(fake_nominatim, online_kwargs, resolutions):
    """The gazetteer had its say in the resolver: a failed service leaves the mention unresolved."""
    kharkiv = Candidate(
        "geonames:706483", "Kharkiv", 49.98, 36.25, "city", "PPLA", "UA", "", 1_430_885, "GeoNames"
    )
    fallback = GazetteerGeocoder(Gazetteer.from_entries([(kharkiv, [])]))
    fake_nominatim.mode = "429"
    fake_nominatim.retry_after = None
    geocoder = OnlineGeocoder("nominatim", **{**online_kwargs, "fallback": fallback})
    assert geocoder.geocode("Kharkiv") is not None  # a direct caller does get the offline answer
    failures: list[Failure] = []
    out = resolve_unresolved(resolutions, geocoder, failures=failures)
    assert out == resolutions
    assert len(failures) == 3


def test_a_bare_geopy_geocoder_works_and_its_errors_are_translated(fake_nominatim, resolutions):
    geopy_geocoder = Nominatim(
        domain=fake_nominatim.domain, scheme="http", proxies={}, user_agent="geobrief-tests"
    )
    out = resolve_unresolved(resolutions, geopy_geocoder)
    assert out[1].place.id == "osm:relation:3154746"
    assert out[1].place.source == "Nominatim"
    fake_nominatim.mode = "500"
    with pytest.raises(GeocoderError) as info:
        resolve_unresolved(resolutions, geopy_geocoder)
    assert info.value.__cause__ is not None

"""get_geocoder: offline by default, online only when asked for."""

from __future__ import annotations

import pytest

from geobrief.geocoders import GazetteerGeocoder, GeocoderConfigError, OnlineGeocoder, get_geocoder


@pytest.mark.parametrize("name", [None, "offline", "Gazetteer"])
def test_default_and_offline_names_give_the_offline_geocoder(name):
    geocoder = get_geocoder(name)
    assert isinstance(geocoder, GazetteerGeocoder)


def test_offline_geocoder_takes_the_given_gazetteer():
    sentinel = object()
    assert get_geocoder(None, gazetteer=sentinel).gazetteer is sentinel


def test_offline_geocoder_rejects_online_options():
    with pytest.raises(GeocoderConfigError):
        get_geocoder("offline", user_agent="x")


def test_online_geocoder_falls_back_to_the_offline_one_unless_told(online_kwargs):
    geocoder = get_geocoder("nominatim", **online_kwargs)
    assert isinstance(geocoder, OnlineGeocoder)
    assert isinstance(geocoder.fallback, GazetteerGeocoder)
    assert get_geocoder("nominatim", fallback=None, **online_kwargs).fallback is None


def test_online_nominatim_without_user_agent_fails_clearly(monkeypatch, tmp_path):
    monkeypatch.delenv("GEOBRIEF_USER_AGENT", raising=False)
    with pytest.raises(GeocoderConfigError, match="GEOBRIEF_USER_AGENT"):
        get_geocoder("nominatim", cache_path=tmp_path / "c.sqlite")

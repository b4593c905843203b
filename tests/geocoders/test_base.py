"""Conversions between geopy answers and geobrief candidates, and error translation."""

from __future__ import annotations

import geopy.exc
import pytest
from geopy.location import Location

from geobrief.errors import GeobriefError, GeocoderError, GeocoderRateLimited, GeocoderTimeout
from geobrief.geocoders import (
    GeocoderConfigError,
    candidate_from_location,
    location_from_candidate,
    translate_geopy_error,
)
from geobrief.model import PLACE_KINDS, Candidate

SOURCE = "Nominatim (OpenStreetMap, ODbL)"


def _nominatim(**raw) -> Location:
    raw = {"lat": "1.5", "lon": "2.5", "display_name": "Somewhere, Country", **raw}
    return Location(raw["display_name"], (float(raw["lat"]), float(raw["lon"])), raw)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ({"class": "boundary", "type": "administrative", "addresstype": "state"}, "admin1"),
        ({"class": "boundary", "type": "administrative", "addresstype": "country"}, "country"),
        ({"class": "boundary", "type": "administrative", "addresstype": "county"}, "admin2"),
        ({"class": "place", "type": "town"}, "city"),
        ({"class": "aeroway", "type": "aerodrome"}, "airport"),
        ({"class": "military", "type": "naval_base"}, "facility"),
        ({"class": "natural", "type": "strait"}, "sea"),
        ({"class": "waterway", "type": "river"}, "river"),
        ({"class": "amenity", "type": "cafe"}, "city"),  # unknown class: the default kind
    ],
)
def test_kind_comes_from_the_services_class_of_place(raw, kind):
    candidate = candidate_from_location(_nominatim(**raw), SOURCE)
    assert candidate.kind == kind and candidate.kind in PLACE_KINDS


def test_candidate_keeps_osm_identity_place_and_provenance():
    loc = _nominatim(
        osm_type="node",
        osm_id=12,
        name="Pokrovsk",
        address={"country_code": "ua", "state": "Donetsk Oblast"},
    )
    c = candidate_from_location(loc, SOURCE)
    assert (c.id, c.name, c.lat, c.lon) == ("osm:node:12", "Pokrovsk", 1.5, 2.5)
    assert (c.country_code, c.admin1, c.source) == ("UA", "Donetsk Oblast", SOURCE)


def test_candidate_without_name_or_ids_uses_address_and_coordinates():
    c = candidate_from_location(_nominatim(), "Photon (OpenStreetMap, ODbL)")
    assert c.name == "Somewhere"
    assert c.id == "geocoder:photon:1.50000,2.50000"
    assert c.country_code == ""


def test_geojson_answers_are_read_from_their_properties():
    raw = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [36.23, 49.99]},
        "properties": {
            "osm_type": "R",
            "osm_id": 3154746,
            "osm_key": "place",
            "osm_value": "city",
            "name": "Kharkiv",
            "countrycode": "UA",
            "state": "Kharkiv Oblast",
        },
    }
    c = candidate_from_location(
        Location("Kharkiv, Ukraine", (49.99, 36.23), raw), "Photon (OpenStreetMap, ODbL)"
    )
    assert (c.id, c.name, c.kind, c.country_code, c.admin1) == (
        "osm:relation:3154746",
        "Kharkiv",
        "city",
        "UA",
        "Kharkiv Oblast",
    )


def test_location_from_candidate_round_trips():
    c = Candidate(
        "layer:facilities:x", "Hmeimim Air Base", 35.4, 35.95, "facility", "", "SY", "Latakia", 0, "layers"
    )
    loc = location_from_candidate(c, match="name")
    assert loc.address == "Hmeimim Air Base, Latakia, SY"
    assert (loc.latitude, loc.longitude) == (35.4, 35.95)
    assert candidate_from_location(loc, "other source") == c  # provenance is the candidate's own


@pytest.mark.parametrize(
    ("error", "expected", "builtin"),
    [
        (geopy.exc.GeocoderTimedOut("Service timed out"), GeocoderTimeout, TimeoutError),
        (geopy.exc.GeocoderRateLimited("slow down", retry_after=7), GeocoderRateLimited, RuntimeError),
        (geopy.exc.GeocoderQuotaExceeded("quota"), GeocoderRateLimited, RuntimeError),
        (geopy.exc.GeocoderServiceError("Non-successful status code 500"), GeocoderError, RuntimeError),
        (geopy.exc.GeocoderUnavailable("Read timed out. (read timeout=1)"), GeocoderTimeout, TimeoutError),
        (geopy.exc.ConfigurationError("bad"), GeocoderConfigError, ValueError),
    ],
)
def test_geopy_errors_translate_into_the_geobrief_tree(error, expected, builtin):
    translated = translate_geopy_error(error, "nominatim")
    assert type(translated) is expected
    assert isinstance(translated, GeobriefError) and isinstance(translated, builtin)
    assert str(translated).startswith("nominatim: ")
    if expected is GeocoderRateLimited:
        assert translated.retry_after == getattr(error, "retry_after", None)

"""GazetteerGeocoder: the offline gazetteer behind geopy's geocode interface."""

from __future__ import annotations

import dataclasses

import pytest
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from geobrief.gazetteer import Gazetteer
from geobrief.geocoders import GazetteerGeocoder, Geocoder, candidate_from_location
from geobrief.model import Candidate

KHARKIV = Candidate(
    "geonames:706483", "Kharkiv", 49.98081, 36.25272, "city", "PPLA", "UA", "Kharkivska", 1_430_885, "test"
)
UKRAINE = Candidate("geonames:690791", "Ukraine", 49.0, 32.0, "country", "PCLI", "UA", "", 44_000_000, "test")
FRANCE = Candidate("geonames:3017382", "France", 46.0, 2.0, "country", "PCLI", "FR", "", 67_000_000, "test")
ILLINOIS = Candidate(
    "geonames:4896861", "Illinois", 40.0, -89.0, "admin1", "ADM1", "US", "", 12_000_000, "test"
)
MISSOURI = Candidate(
    "geonames:4398678", "Missouri", 38.25, -92.5, "admin1", "ADM1", "US", "", 6_000_000, "test"
)
PARIS_FR = Candidate(
    "geonames:2988507", "Paris", 48.85341, 2.3488, "city", "PPLC", "FR", "Île-de-France", 2_138_551
)
PARIS_US = Candidate("geonames:4717560", "Paris", 39.61, -87.69, "city", "PPL", "US", "Illinois", 8_837)
SPRINGFIELD_IL = Candidate(
    "geonames:4250542", "Springfield", 39.80, -89.64, "city", "PPLA", "US", "Illinois", 116_250
)
SPRINGFIELD_MO = Candidate(
    "geonames:4409896", "Springfield", 37.22, -93.30, "city", "PPL", "US", "Missouri", 166_810
)


@pytest.fixture
def gazetteer() -> Gazetteer:
    return Gazetteer.from_entries(
        [
            (KHARKIV, [("Kharkov", "alias"), ("Харків", "alias")]),
            (UKRAINE, [("Ukrainian", "demonym")]),
            (FRANCE, [("French", "demonym"), ("FR", "abbrev")]),
            (ILLINOIS, [("Ill.", "abbrev"), ("IL", "abbrev")]),
            (MISSOURI, [("Mo.", "abbrev")]),
            (PARIS_FR, []),
            (PARIS_US, []),
            (SPRINGFIELD_IL, []),
            (SPRINGFIELD_MO, []),
        ]
    )


@pytest.fixture
def geocoder(gazetteer: Gazetteer) -> GazetteerGeocoder:
    return GazetteerGeocoder(gazetteer)


def test_geocode_returns_a_geopy_location_at_the_entry(geocoder):
    loc = geocoder.geocode("Kharkiv")
    assert isinstance(loc, Location)
    assert (loc.latitude, loc.longitude) == pytest.approx((49.98081, 36.25272))
    assert loc.address.startswith("Kharkiv")
    # geopy's tuple protocol, as geopandas unpacks it
    address, (lat, lon) = loc
    assert address == loc.address and (lat, lon) == (loc.latitude, loc.longitude)


def test_raw_carries_the_candidate_and_how_it_matched(geocoder):
    loc = geocoder.geocode("Kharkov")  # an alias
    assert loc.raw["match"] == "alias"
    assert candidate_from_location(loc, source="ignored") == KHARKIV
    assert {k: loc.raw[k] for k in ("id", "kind", "country_code", "population")} == {
        "id": KHARKIV.id,
        "kind": "city",
        "country_code": "UA",
        "population": KHARKIV.population,
    }


def test_names_are_matched_through_name_key(geocoder):
    for query in ("KHARKIV", "  kharkiv ", "Харків"):
        assert geocoder.geocode(query).raw["id"] == KHARKIV.id


def test_exactly_one_false_lists_every_entry_best_first(geocoder):
    hits = geocoder.geocode("Paris", exactly_one=False)
    assert [h.raw["id"] for h in hits] == [PARIS_FR.id, PARIS_US.id]
    assert geocoder.geocode("Paris").raw["id"] == PARIS_FR.id
    assert [h.raw["id"] for h in geocoder.geocode("Paris", exactly_one=False, limit=1)] == [PARIS_FR.id]


def test_country_codes_filter(geocoder):
    assert geocoder.geocode("Paris", country_codes=["US"]).raw["id"] == PARIS_US.id
    assert geocoder.geocode("Paris", country_codes="us").raw["id"] == PARIS_US.id  # geopy also takes a str
    assert geocoder.geocode("Kharkiv", country_codes=["FR", "DE"]) is None
    assert [
        h.raw["id"] for h in geocoder.geocode("Paris", exactly_one=False, country_codes=["FR", "US"])
    ] == [
        PARIS_FR.id,
        PARIS_US.id,
    ]


def test_unknown_or_empty_query_gives_none(geocoder):
    assert geocoder.geocode("Atlantis") is None
    assert geocoder.geocode("Atlantis", exactly_one=False) is None
    assert geocoder.geocode("  ,. ") is None
    assert geocoder.geocode(" , ,") is None
    assert geocoder.geocode("Kharkiv, ").raw["id"] == KHARKIV.id
    assert geocoder.candidate("Atlantis") is None


def test_demonyms_are_not_places(geocoder):
    assert geocoder.geocode("Ukrainian") is None
    assert geocoder.geocode("Ukraine").raw["id"] == UKRAINE.id


def test_qualified_queries_pick_the_entry_in_the_named_area(geocoder):
    assert geocoder.geocode("Springfield, Missouri").raw["id"] == SPRINGFIELD_MO.id
    assert geocoder.geocode("Springfield, Ill.").raw["id"] == SPRINGFIELD_IL.id
    assert geocoder.geocode("Paris, Illinois").raw["id"] == PARIS_US.id
    assert geocoder.geocode("Paris, France").raw["id"] == PARIS_FR.id
    assert geocoder.geocode("Paris, FR").raw["id"] == PARIS_FR.id
    assert geocoder.geocode("Kharkiv, France") is None  # a wrong qualifier is not ignored


def test_candidate_is_the_best_entry(geocoder):
    assert geocoder.candidate("Springfield") == SPRINGFIELD_MO  # the larger, both minor
    assert geocoder.candidate("Paris", country_codes=["US"]) == PARIS_US


def test_satisfies_the_protocol_and_works_under_geopys_rate_limiter(geocoder):
    assert isinstance(geocoder, Geocoder)
    geocode = RateLimiter(geocoder.geocode, min_delay_seconds=0)
    assert geocode("Kharkiv").raw["id"] == KHARKIV.id


def test_works_as_a_geopandas_provider(geocoder):
    geopandas = pytest.importorskip("geopandas")
    frame = geopandas.tools.geocode(["Kharkiv", "Atlantis", "Paris, Illinois"], provider=geocoder)
    assert frame["address"].iloc[0] == geocoder.geocode("Kharkiv").address
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].x == pytest.approx(KHARKIV.lon)
    assert frame.geometry.iloc[0].y == pytest.approx(KHARKIV.lat)
    assert frame.geometry.iloc[1].is_empty  # unknown: an empty point, not a made-up one
    assert frame.geometry.iloc[2].y == pytest.approx(PARIS_US.lat)


def test_gazetteer_is_loaded_only_when_first_needed(monkeypatch, gazetteer):
    import geobrief.gazetteer

    loads = []

    def fake_load() -> Gazetteer:
        loads.append(1)
        return gazetteer

    monkeypatch.setattr(geobrief.gazetteer, "load_gazetteer", fake_load)
    geocoder = GazetteerGeocoder()
    assert loads == []
    assert geocoder.geocode("Kharkiv").raw["id"] == KHARKIV.id
    geocoder.geocode("Paris")
    assert loads == [1]


def test_non_string_query_is_a_type_error(geocoder):
    with pytest.raises(TypeError):
        geocoder.geocode(None)  # type: ignore[arg-type]


def test_location_round_trips_every_candidate_field(geocoder):
    loc = geocoder.geocode("Paris, France")
    assert dataclasses.asdict(candidate_from_location(loc, "x")) == dataclasses.asdict(PARIS_FR)

"""The full offline gazetteer built from the installed data (slow on the first run: ~40 s build)."""

from __future__ import annotations

import math
import time

import pytest

from geobrief.gazetteer import Gazetteer, load_gazetteer
from geobrief.gazetteer.layers import load_layers
from geobrief.geo import haversine_km as km
from geobrief.text import name_key

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer(progress=False)


def first(gaz: Gazetteer, name: str):
    matches = gaz.lookup(name_key(name))
    assert matches, name
    return matches[0]


def test_country_reference_points_are_conventional_not_bbox_middles(gaz) -> None:
    us = gaz.country("US")
    assert us.name == "United States" and us.kind == "country" and us.feature_code == "PCLI"
    assert km(us.lat, us.lon, 39.8, -98.5) < 50  # not the bbox middle (which lies far to the north-west)
    assert km(gaz.country("RU").lat, gaz.country("RU").lon, 60.0, 100.0) < 100
    assert km(gaz.country("SY").lat, gaz.country("SY").lon, 35.0, 38.0) < 100


def test_uk_constituent_countries_use_the_gazetteer_convention(gaz) -> None:
    # the middle of England's towns lies in the Midlands; the convention is further south-east
    england = gaz.admin1("GB", "England")
    assert england is not None and england.kind == "admin1"
    assert km(england.lat, england.lon, 52.16, -0.70) < 10
    assert km(england.lat, england.lon, 51.5, -0.12) < 100  # within reach of London
    for name, lat, lon in [("Scotland", 56.5, -4.0), ("Wales", 52.5, -3.5), ("Northern Ireland", 54.5, -6.5)]:
        a = gaz.admin1("GB", name)
        assert a is not None and km(a.lat, a.lon, lat, lon) < 10, name


def test_points_between_conventions_and_gazetteer_admin_points(gaz) -> None:
    # GeoNames puts Japan at Tokyo, the Factbook at 36N 138E: the point is within 100 miles of both
    jp = gaz.country("JP")
    assert km(jp.lat, jp.lon, 35.69, 139.75) < 150 and km(jp.lat, jp.lon, 36.0, 138.0) < 150
    # Alberta: the GeoNames ADM1 point, like the other Canadian provinces
    ab = gaz.admin1("CA", "Alberta")
    assert ab is not None and km(ab.lat, ab.lon, 52.28, -117.47) < 10


def test_countries_by_short_long_abbreviated_and_historical_names(gaz) -> None:
    for name, cc in [
        ("U.S.", "US"),
        ("USA", "US"),
        ("America", "US"),
        ("U.K.", "GB"),
        ("Britain", "GB"),
        ("Russian Federation", "RU"),
        ("Burma", "MM"),
        ("Ivory Coast", "CI"),
        ("DRC", "CD"),
        ("Persia", "IR"),
        ("North Korea", "KP"),
        ("South Korea", "KR"),
        ("Czech Republic", "CZ"),
    ]:
        m = first(gaz, name)
        assert (m.candidate.kind, m.candidate.country_code) == ("country", cc), name


def test_demonyms_point_to_their_country(gaz) -> None:
    for name, cc in [
        ("Russian", "RU"),
        ("Russians", "RU"),
        ("Syrian", "SY"),
        ("Iraqi", "IQ"),
        ("Chinese", "CN"),
        ("British", "GB"),
        ("Dutch", "NL"),
        ("Filipino", "PH"),
    ]:
        m = first(gaz, name)
        assert (m.match, m.candidate.kind, m.candidate.country_code) == ("demonym", "country", cc), name


def test_state_and_province_abbreviations(gaz) -> None:
    for abbr, name in [
        ("Ky.", "Kentucky"),
        ("Calif.", "California"),
        ("Mass.", "Massachusetts"),
        ("N.Y.", "New York"),
        ("B.C.", "British Columbia"),
        ("Ont.", "Ontario"),
        ("NSW", "New South Wales"),
    ]:
        m = next(m for m in gaz.lookup(name_key(abbr)) if m.candidate.kind == "admin1")
        assert m.match == "abbrev" and m.candidate.name == name, abbr
    assert gaz.admin1("US", "Ky.").name == "Kentucky"
    assert "Ky." in gaz.abbreviations("ky") and "B.C." in gaz.abbreviations("b c")
    assert gaz.admin1("US", "US-TX").name == "Texas"
    assert km(gaz.admin1("US", "Kentucky").lat, gaz.admin1("US", "Kentucky").lon, 37.5, -85.3) < 120


def test_ordering_prefers_important_places(gaz) -> None:
    paris = gaz.candidates("paris")
    assert paris[0].country_code == "FR" and paris[0].feature_code == "PPLC"
    georgia = gaz.candidates("georgia")
    assert (georgia[0].kind, georgia[0].country_code) == ("country", "GE")
    assert any(c.kind == "admin1" and c.country_code == "US" for c in georgia[:3])
    assert first(gaz, "Damascus").candidate.country_code == "SY"


def test_admin_areas_and_their_names(gaz) -> None:
    idlib = first(gaz, "Idlib Governorate").candidate
    assert idlib.kind == "admin1" and idlib.country_code == "SY"
    parish = first(gaz, "Rapides Parish").candidate
    assert (
        parish.kind == "admin2"
        and parish.admin1 == "Louisiana"
        and km(parish.lat, parish.lon, 31.2, -92.5) < 60
    )
    assert first(gaz, "Hasakah").candidate.country_code == "SY"  # "Al-Hasakah" without its article


def test_facilities_airports_and_layers(gaz) -> None:
    hmeimim = first(gaz, "Khmeimim air base").candidate
    assert hmeimim.kind == "facility" and hmeimim.country_code == "SY"
    assert any(c.kind == "airport" and c.country_code == "GB" for c in gaz.candidates("heathrow"))
    assert first(gaz, "Strait of Hormuz").candidate.kind == "sea"
    assert first(gaz, "Euphrates").candidate.kind == "river"
    assert first(gaz, "Europe").candidate.kind == "continent"
    # an airport without the name of the city it serves
    pearson = first(gaz, "Pearson International Airport").candidate
    assert pearson.kind == "airport" and pearson.country_code == "CA"
    assert first(gaz, "Pearson Airport").candidate.id == pearson.id
    # Airstrips never outrank a city of the same name.
    assert first(gaz, "Springfield").candidate.kind == "city"


def test_every_curated_feature_is_indexed(gaz) -> None:
    for f in load_layers():
        ids = {c.id for c in gaz.candidates(name_key(f["properties"]["name"]))}
        assert f"layer:{f['_layer']}:{f['properties']['id']}" in ids, f["properties"]["name"]


def test_every_table_target_resolves(gaz) -> None:
    assert gaz.info.get("unresolved_targets") == []


def test_layer_features_lie_in_their_country(gaz) -> None:
    """Catches swapped or sign-flipped coordinates: a feature lies within 100 km of a town of its country."""
    from geobrief.gazetteer.build import iter_entries

    cells: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    for c in iter_entries(gaz):
        if c.kind == "city":
            cells.setdefault((c.country_code, math.floor(c.lat), math.floor(c.lon)), []).append(
                (c.lat, c.lon)
            )
    far = []
    for f in load_layers():
        p = f["properties"]
        if not p["country_code"] or p["kind"] in ("sea", "river", "region"):
            continue  # waters and regions may lie off-shore or far from towns
        lon, lat = f["geometry"]["coordinates"]
        near = [
            pt
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
            for pt in cells.get((p["country_code"], math.floor(lat) + dy, math.floor(lon) + dx), ())
            if km(lat, lon, *pt) < 100
        ]
        if not near:
            far.append(p["name"])
    # A few lie on remote islands or reefs with no GeoNames town nearby (Masirah, Pituffik, Novaya Zemlya).
    assert len(far) <= 6, ", ".join(far)


def test_lookups_are_fast(gaz) -> None:
    keys = [
        name_key(w) for w in ("the", "president", "said", "in", "Damascus", "on", "Monday", "Ky.", "New York")
    ] * 2000
    t = time.perf_counter()
    for k in keys:
        gaz.lookup(k)
    per = (time.perf_counter() - t) / len(keys)
    assert per < 50e-6

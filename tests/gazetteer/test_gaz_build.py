"""Builder helpers: admin reference points, name variants, demonym plurals, curated tables."""

from __future__ import annotations

import re

import pycountry
import pytest

from geobrief.gazetteer import build
from geobrief.gazetteer import sources as src
from geobrief.model import PLACE_KINDS


def test_area_point_is_the_middle_of_the_members_extent() -> None:
    # Towns cluster in the south of an area: the middle of the extent stays central.
    pts = [(44.0 + i * 0.01, -80.0) for i in range(50)] + [(52.0, -80.0), (48.0, -80.0)]
    lat, lon = build.area_point(pts)
    assert 44.0 < lat < 52.0 and lat > 45.0
    assert lon == pytest.approx(-80.0)
    assert build.area_point([]) is None


def test_area_point_handles_the_antimeridian() -> None:
    lat, lon = build.area_point([(65.0, 179.0), (65.0, -179.0), (66.0, 178.0), (66.0, -178.0)])
    assert abs(lon) > 177  # not 0 (the other side of the world)
    assert 65.0 <= lat <= 66.0


def test_facility_variants() -> None:
    assert set(build.facility_variants("Hmeimim Air Base")) >= {"Hmeimim Airbase"}
    assert "Heathrow Airport" not in build.facility_variants("London Heathrow Airport")
    assert set(build.facility_variants("Erbil International Airport")) == {
        "Erbil Airport",
        "Erbil International",
    }
    # The bare stem is never a variant: it is usually a city's name.
    assert "Erbil" not in build.facility_variants("Erbil International Airport")
    assert build.facility_variants("Kremlin") == []


def test_airport_stem() -> None:
    assert build.airport_stem("London Heathrow Airport", "London") == "Heathrow"
    assert build.airport_stem("Erbil International Airport", "Erbil") == ""
    assert build.airport_stem("John F Kennedy International Airport", "New York") == ""


def test_airport_short_names() -> None:
    assert build.airport_short_names("Toronto Pearson International Airport") == [
        ("Toronto", "Pearson International Airport")
    ]
    assert build.airport_short_names("Ottawa / Macdonald-Cartier International Airport") == [
        ("Ottawa", "Macdonald-Cartier International Airport")
    ]
    # the rest must still name the airport
    assert build.airport_short_names("Dubai International Airport") == []
    assert build.airport_short_names("Heathrow") == []


def test_demonym_forms() -> None:
    assert build.demonym_forms("Russian") == ["Russian", "Russians"]
    assert build.demonym_forms("Iraqi") == ["Iraqi", "Iraqis"]
    assert build.demonym_forms("Chinese") == ["Chinese"]
    assert build.demonym_forms("Swiss") == ["Swiss"]
    assert build.demonym_forms("Dutch") == ["Dutch"]


def test_name_variants() -> None:
    assert build.article_variants("Al-Hasakah", "SY") == ["Hasakah"]
    assert build.article_variants("As Suwayda", "SY") == ["Suwayda"]
    assert build.article_variants("Al Ain", "AE") == []  # too short a rest
    assert build.article_variants("El Paso", "US") == []  # not an Arabic name
    assert build.abbreviation_variants("Mount Pleasant") == ["Mt Pleasant"]
    assert build.abbreviation_variants("St. Louis") == ["Saint Louis"]
    assert build.abbreviation_variants("Stanford") == []
    assert build.area_variants("Dagestan, Respublika") == ["Dagestan"]
    assert build.area_variants("Idlib Governorate") == ["Idlib"]
    assert build.area_variants("Republic of Tatarstan") == ["Tatarstan"]
    assert build.area_variants("Xinjiang Uygur Zizhiqu") == ["Xinjiang"]
    assert build.area_variants("Kentucky") == []
    assert build.display_name("Saha, Respublika", ["Sakha", "Yakutia"]) == "Sakha"
    assert build.display_name("Kentucky", ["Commonwealth of Kentucky"]) == "Kentucky"
    assert (
        build.display_name("Khersonska oblast", ["Херсонська область", "Kherson Oblast"]) == "Kherson Oblast"
    )
    assert build.display_name("Ḩalab", ["Aleppo", "Aleppo Governorate", "حلب"]) == "Aleppo Governorate"
    assert build.display_name("Ḩalab", ["حلب"]) == "Ḩalab"


def test_latin_script_filter() -> None:
    assert src.is_latin_name("Al Ḩasakah")
    assert not src.is_latin_name("Москва")
    assert not src.is_latin_name("Route 66")
    assert src.good_alias("Moskau", "Moscow")
    assert not src.good_alias("MOW", "Moscow")  # codes are not names
    assert not src.good_alias("Мск", "Moscow")


def test_country_points_cover_every_current_country_once() -> None:
    rows = src.read_table("country_points.tsv")
    codes = [r[0] for r in rows]
    assert len(codes) == len(set(codes))
    missing = {c.alpha_2 for c in pycountry.countries} - set(codes)
    assert missing <= {"UM"} or not missing
    for cc, lat, lon in rows:
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180, cc


def test_curated_tables_are_well_formed() -> None:
    kinds = {"alias", "abbrev"}
    for cc, surface, kind in src.read_table("country_names.tsv"):
        assert re.fullmatch(r"[A-Z]{2}", cc) and surface and kind in kinds
    for target, surface, kind in src.read_table("admin_abbreviations.tsv"):
        assert (
            surface
            and kind in kinds
            and (re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]{1,3})?", target) or ":" in target)
        )
    for row in src.read_table("demonyms.tsv"):
        assert len(row) == 2 and row[0][0].isupper() or row[0].startswith(("sub-", "I-", "Ni-")), row
    for iso, lat, lon in src.read_table("admin1_points.tsv"):
        assert re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", iso)
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180


def test_every_place_kind_has_a_ranking_tier() -> None:
    from geobrief.gazetteer.index import _TIER

    assert set(_TIER) == set(PLACE_KINDS)

"""Places as a GeoDataFrame and as GeoJSON: CRS, axis order, properties."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "render"))

from render_factory import hostile_briefing, small_briefing  # noqa: E402

from geobrief.frames import PROPERTY_KEYS, places_frame, places_geojson  # noqa: E402
from geobrief.model import Briefing, Place  # noqa: E402


def test_frame_is_wgs84_with_points_in_lon_lat_order():
    b = small_briefing()
    frame = places_frame(b)
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == len(b.places)
    for place, (_, row) in zip(b.places, frame.iterrows(), strict=True):
        assert row["id"] == place.id
        # x is longitude, y is latitude
        assert (row.geometry.x, row.geometry.y) == (place.lon, place.lat)


def test_frame_columns_are_the_documented_properties_then_geometry():
    frame = places_frame(small_briefing())
    assert list(frame.columns) == [*PROPERTY_KEYS, "geometry"]
    assert set(PROPERTY_KEYS) == set(small_briefing().places[0].to_properties())


def test_frame_keeps_properties_as_the_model_gives_them():
    b = small_briefing()
    frame = places_frame(b).set_index("id")
    for place in b.places:
        props = place.to_properties()
        row = frame.loc[place.id]
        assert row["claims"] == props["claims"]
        assert row["labels"] == props["labels"]
        assert row["mentions"] == len(place.mentions)


def test_geojson_features_match_places():
    b = small_briefing()
    gj = places_geojson(b)
    assert gj["type"] == "FeatureCollection"
    assert len(gj["features"]) == len(b.places)
    for place, feature in zip(b.places, gj["features"], strict=True):
        assert feature["geometry"] == {"type": "Point", "coordinates": [place.lon, place.lat]}
        assert feature["properties"] == place.to_properties()
    json.dumps(gj, allow_nan=False)  # strict JSON


def test_conflicting_claim_keeps_both_sides_of_evidence():
    gj = places_geojson(small_briefing())
    north = next(f for f in gj["features"] if f["properties"]["name"] == "Northbridge")
    (claim,) = north["properties"]["claims"]
    assert claim["conflicting"] is True
    assert claim["sources"] == 2
    assert {e["modality"] for e in claim["evidence"]} == {"asserted", "denied"}
    assert all({"article", "start", "end", "text"} <= set(e) for e in claim["evidence"])


def test_places_without_valid_coordinates_are_left_out():
    good = Place("g", "Good", 10.0, 20.0, "city")
    bad = (
        Place("n", "NaN", math.nan, 1.0, "city"),
        Place("i", "Inf", 1.0, math.inf, "city"),
        Place("r", "Range", 95.0, 1.0, "city"),
    )
    b = Briefing(articles=(), places=(good, *bad))
    assert [f["id"] for f in places_geojson(b)["features"]] == ["g"]
    assert list(places_frame(b)["id"]) == ["g"]


def test_empty_briefing_gives_empty_frame_with_schema():
    frame = places_frame(Briefing(articles=(), places=()))
    assert len(frame) == 0
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [*PROPERTY_KEYS, "geometry"]
    assert places_geojson(Briefing(articles=(), places=())) == {"type": "FeatureCollection", "features": []}


def test_briefing_methods_delegate_here():
    b = hostile_briefing()
    assert b.to_geojson() == places_geojson(b)
    assert b.places_frame.equals(places_frame(b))

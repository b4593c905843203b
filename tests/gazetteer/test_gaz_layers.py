"""The curated reference layers (layers/*.geojson) follow the schema and load."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from geobrief.errors import GazetteerError
from geobrief.gazetteer.build import layer_candidate
from geobrief.gazetteer.layers import layer_files, load_layers, validate_feature
from geobrief.model import PLACE_KINDS


@pytest.fixture(scope="module")
def features() -> list[dict]:
    return load_layers()


def test_every_feature_has_name_kind_source_and_a_valid_point(features) -> None:
    assert features
    for f in features:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "Point"
        assert -180 <= lon <= 180 and -90 <= lat <= 90, p["name"]
        assert p["name"].strip() and p["source"].strip()
        assert p["kind"] in PLACE_KINDS
        assert isinstance(p["aliases"], list) and all(isinstance(a, str) and a for a in p["aliases"])
        assert len(p.get("country_code", "")) in (0, 2)


def test_layers_have_the_promised_breadth(features) -> None:
    by_layer = Counter(f["_layer"] for f in features)
    assert by_layer["military_facilities"] >= 150
    assert by_layer["seas"] >= 50 and by_layer["rivers"] >= 40 and by_layer["regions"] >= 80
    kinds = {f["properties"]["kind"] for f in features}
    assert {"facility", "sea", "river", "region", "landmark"} <= kinds


def test_ids_are_unique_within_a_layer(features) -> None:
    ids = Counter((f["_layer"], f["properties"]["id"]) for f in features)
    assert [k for k, n in ids.items() if n > 1] == []


def test_files_are_feature_collections_read_as_utf8() -> None:
    files = layer_files()
    assert {p.name for p in files} >= {
        "military_facilities.geojson",
        "seas.geojson",
        "rivers.geojson",
        "regions.geojson",
    }
    for p in files:
        assert json.loads(p.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_layer_features_become_candidates(features) -> None:
    f = next(f for f in features if f["properties"]["name"] == "Hmeimim Air Base")
    cand, names = layer_candidate(f)
    assert cand.id == "layer:military_facilities:hmeimim-air-base"
    assert cand.kind == "facility" and cand.country_code == "SY"
    assert 35.3 < cand.lat < 35.5 and 35.8 < cand.lon < 36.1  # near Jableh, Latakia governorate
    assert ("Khmeimim", "alias") in names
    assert ("Hmeimim Airbase", "alias") in names  # facility spelling variant


@pytest.mark.parametrize(
    "feature",
    [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            "properties": {},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [200, 0]},
            "properties": {"name": "X", "kind": "sea", "source": "s"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [0, 0]},
            "properties": {"name": "X", "kind": "planet", "source": "s"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [0, 0]},
            "properties": {"name": "X", "kind": "sea"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [0, 0]},
            "properties": {"name": "", "kind": "sea", "source": "s"},
        },
    ],
)
def test_schema_violations_are_rejected(feature) -> None:
    with pytest.raises(GazetteerError):
        validate_feature(feature, "test")

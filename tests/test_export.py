"""Exports round-trip: GeoJSON, GeoPackage, GeoParquet, KML, CSV."""

from __future__ import annotations

import csv
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "render"))

from render_factory import HOSTILE, confidence_briefing, hostile_briefing, small_briefing  # noqa: E402

from geobrief.errors import GeobriefError, RenderError  # noqa: E402
from geobrief.export import export  # noqa: E402

KML = "{http://www.opengis.net/kml/2.2}"


def _by_id(frame):
    return {row["id"]: row for _, row in frame.iterrows()}


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet"])
def test_vector_formats_read_back_with_geopandas(tmp_path, suffix):
    import geopandas

    b = small_briefing()
    path = export(b, tmp_path / f"places{suffix}")
    frame = geopandas.read_parquet(path) if suffix == ".parquet" else geopandas.read_file(path)
    assert frame.crs.to_epsg() == 4326
    rows = _by_id(frame)
    assert set(rows) == {p.id for p in b.places}
    for place in b.places:
        row = rows[place.id]
        assert row.geometry.x == pytest.approx(place.lon)
        assert row.geometry.y == pytest.approx(place.lat)
        assert row["name"] == place.name
        assert row["status"] == place.to_properties()["status"]
        claims = row["claims"] if suffix == ".geojson" else json.loads(row["claims"])
        assert claims == place.to_properties()["claims"]


def test_parquet_keeps_string_lists_native(tmp_path):
    import geopandas

    b = small_briefing()
    frame = geopandas.read_parquet(export(b, tmp_path / "p.parquet"))
    east = _by_id(frame)["p:eastvale"]
    assert list(east["labels"]) == ["visit", "protest"]
    assert list(east["articles"]) == ["art-1", "art-2"]


def test_export_overwrites_an_existing_geopackage(tmp_path):
    import geopandas

    path = tmp_path / "p.gpkg"
    export(hostile_briefing(), path)
    export(small_briefing(), path)
    assert len(geopandas.read_file(path)) == len(small_briefing().places)


def test_csv_has_lat_lon_flat_labels_and_claims_json(tmp_path):
    b = small_briefing()
    with export(b, tmp_path / "p.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    east = rows["p:eastvale"]
    assert float(east["lat"]) == 33.5 and float(east["lon"]) == 36.3
    assert east["labels"] == "visit; protest"
    assert json.loads(east["claims"]) == b.place("p:eastvale").to_properties()["claims"]


def test_kml_is_well_formed_and_escapes_hostile_text(tmp_path):
    b = hostile_briefing()
    path = export(b, tmp_path / "p.kml")
    root = ET.parse(path).getroot()  # raises if any text broke the XML
    marks = root.iter(f"{KML}Placemark")
    names = [pm.find(f"{KML}name").text for pm in marks]
    assert names == [p.name for p in b.places]
    coords = [c.text for c in root.iter(f"{KML}coordinates")]
    assert coords[0] == f"{b.places[0].lon!r},{b.places[0].lat!r}"
    raw = path.read_text(encoding="utf-8")
    assert "<script>" not in raw and HOSTILE[0] not in raw


def test_kml_reads_back_with_geopandas(tmp_path):
    import geopandas

    b = small_briefing()
    path = export(b, tmp_path / "p.kml")
    try:
        frame = geopandas.read_file(path)
    except Exception as exc:  # GDAL built without a KML driver
        pytest.skip(f"no KML driver: {exc}")
    assert sorted(frame["Name"]) == sorted(p.name for p in b.places)
    assert frame.geometry.x.tolist() == pytest.approx([p.lon for p in b.places])
    # Round trip: one id and one name column (no id2 / name2), numbers as numbers.
    assert not {"id2", "name2"} & set(frame.columns)
    assert frame["id"].tolist() == [p.id for p in b.places]
    assert frame["mentions"].tolist() == [len(p.mentions) for p in b.places]
    assert frame["mentions"].dtype.kind == "i" and frame["confidence"].dtype.kind == "f"
    assert frame["claim_confidence"].dtype.kind == "f"


def test_explicit_format_overrides_suffix(tmp_path):
    path = export(small_briefing(), tmp_path / "out.txt", fmt="geojson")
    assert json.loads(path.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_unknown_format_is_a_render_error(tmp_path):
    with pytest.raises(RenderError):
        export(small_briefing(), tmp_path / "out.xyz")
    with pytest.raises(GeobriefError):
        export(small_briefing(), tmp_path / "out.geojson", fmt="shapefile-ish")


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet", ".kml", ".csv"])
def test_empty_briefing_exports_an_empty_layer(tmp_path, suffix):
    from geobrief.model import Briefing

    path = export(Briefing(articles=(), places=()), tmp_path / f"empty{suffix}")
    assert path.exists() and path.stat().st_size > 0
    if suffix in (".geojson", ".gpkg"):
        import geopandas

        assert len(geopandas.read_file(path)) == 0


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet", ".kml", ".csv"])
def test_exports_are_byte_identical_for_the_same_briefing(tmp_path, suffix, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    one = export(small_briefing(), tmp_path / f"one{suffix}")
    two = export(small_briefing(), tmp_path / f"two{suffix}")
    assert one.read_bytes() == two.read_bytes()


def test_geopackage_is_stamped_with_the_articles_date_not_the_clock(tmp_path, monkeypatch):
    import sqlite3

    import pyogrio

    def stamp(path):
        with sqlite3.connect(path) as db:
            return db.execute("select last_change from gpkg_contents").fetchone()[0]

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert stamp(export(small_briefing(), tmp_path / "a.gpkg")) == "2024-03-04T00:00:00.000Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert stamp(export(small_briefing(), tmp_path / "b.gpkg")) == "2023-11-14T22:13:20.000Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    from geobrief.model import Briefing

    assert stamp(export(Briefing(articles=(), places=()), tmp_path / "c.gpkg")) == "1970-01-01T00:00:00.000Z"
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None  # restored


@pytest.mark.parametrize(
    "bad", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0", "\t=1"]
)
def test_csv_cells_cannot_become_spreadsheet_formulas(tmp_path, bad):
    from dataclasses import replace

    b = small_briefing()
    art = replace(b.articles[0], id=bad)
    place = replace(
        b.places[1], name=bad, admin1=bad, mentions=(replace(b.places[1].mentions[0], article_id=bad),)
    )
    b = replace(b, articles=(art, b.articles[1]), places=(place,))
    with export(b, tmp_path / "p.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["name"] == row["admin1"] == row["articles"] == "'" + bad
    assert float(row["lat"]) == place.lat  # numbers are left as they are


def test_csv_keeps_negative_coordinates_numeric(tmp_path):
    from dataclasses import replace

    b = small_briefing()
    b = replace(b, places=(replace(b.places[0], lat=-33.5, lon=-70.25),))
    with export(b, tmp_path / "p.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["lat"], row["lon"]) == ("-33.5", "-70.25")


#: Main-claim confidence per place of confidence_briefing() (None: only mentioned).
MAIN_CONFIDENCE = {
    "p:northbridge": 0.92,
    "p:port-alder": 0.35,
    "p:eastvale": 0.85,  # protest, the main claim, not the 0.3 visit
    "p:freedonia": None,
    "p:quiet": None,
}


def _claim_confidences(claims):
    return [(c["label"], c["confidence"], [e["confidence"] for e in c["evidence"]]) for c in claims]


EXPECTED_CLAIMS = {
    "p:northbridge": [("withdrawal", 0.92, [0.92, 0.61])],
    "p:port-alder": [("military presence", 0.35, [1.0])],
    "p:eastvale": [("visit", 0.3, [1.0]), ("protest", 0.85, [1.0])],
    "p:freedonia": [],
    "p:quiet": [],
}


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet", ".kml", ".csv"])
def test_every_format_carries_claim_and_evidence_confidence(tmp_path, suffix):
    import math

    import geopandas

    b = confidence_briefing()
    path = export(b, tmp_path / f"places{suffix}")
    if suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            rows = {r["id"]: r for r in csv.DictReader(fh)}
    elif suffix == ".kml":
        rows = {}
        for pm in ET.parse(path).getroot().iter(f"{KML}Placemark"):
            data = {d.get("name"): d.text for d in pm.iter(f"{KML}SimpleData")}
            rows[pm.get("id")] = data
    else:
        frame = geopandas.read_parquet(path) if suffix == ".parquet" else geopandas.read_file(path)
        rows = _by_id(frame)
    assert set(rows) == set(MAIN_CONFIDENCE)
    for pid, expected in MAIN_CONFIDENCE.items():
        row = rows[pid]
        claims = row["claims"]
        if not isinstance(claims, list):
            claims = json.loads(claims)
        assert _claim_confidences(claims) == EXPECTED_CLAIMS[pid]
        if suffix == ".geojson":
            assert "claim_confidence" not in row  # exactly Place.to_properties(): confidence is in claims
            continue
        value = row.get("claim_confidence")  # KML leaves a null out
        if expected is None:
            assert value in ("", None) or (isinstance(value, float) and math.isnan(value))
        else:
            assert float(value) == expected
        # the resolution confidence keeps its own column
        assert float(row["confidence"]) == 0.0


def test_flat_formats_put_claim_confidence_after_status(tmp_path):
    import geopandas

    b = confidence_briefing()
    with export(b, tmp_path / "p.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[header.index("status") + 1] == "claim_confidence"
    for suffix in (".gpkg", ".parquet"):
        path = export(b, tmp_path / f"p{suffix}")
        frame = geopandas.read_parquet(path) if suffix == ".parquet" else geopandas.read_file(path)
        cols = list(frame.columns)
        assert cols[cols.index("status") + 1] == "claim_confidence"
        assert str(frame["claim_confidence"].dtype) == "float64"


def test_parquet_claim_confidence_is_null_for_places_only_mentioned(tmp_path):
    import pyarrow.parquet as pq

    table = pq.read_table(export(confidence_briefing(), tmp_path / "p.parquet"))
    ids = table.column("id").to_pylist()
    conf = dict(zip(ids, table.column("claim_confidence").to_pylist(), strict=True))
    assert conf == MAIN_CONFIDENCE


def test_kml_description_states_each_claims_confidence(tmp_path):
    path = export(confidence_briefing(), tmp_path / "p.kml")
    descriptions = {
        pm.find(f"{KML}name").text: pm.find(f"{KML}description").text
        for pm in ET.parse(path).getroot().iter(f"{KML}Placemark")
    }
    east = descriptions["Eastvale"].splitlines()
    assert east[0] == "Eastvale (protest, confidence 0.85, high)"
    assert east[1].startswith("visit (confidence 0.30, low): Talks were held in Eastvale")
    assert east[2].startswith("protest (confidence 0.85, high): Protesters rallied")
    assert descriptions["Port Alder"].startswith("Port Alder (military presence, confidence 0.35, low)")
    assert descriptions["Quietville"] == "Quietville (mentioned)"


def test_claim_confidence_of_a_place():
    from dataclasses import replace

    from geobrief.export import claim_confidence

    b = confidence_briefing()
    assert claim_confidence(b.place("p:eastvale")) == 0.85
    assert claim_confidence(b.place("p:quiet")) is None
    port = b.place("p:port-alder")
    odd = replace(port, claims=(replace(port.claims[0], confidence=float("nan")),))
    assert claim_confidence(odd) is None
    assert claim_confidence(replace(port, claims=(replace(port.claims[0], confidence=0.12345),))) == 0.123

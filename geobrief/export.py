"""Export a briefing's places: GeoJSON, GeoPackage, GeoParquet, KML, CSV.

Every format carries the properties of ``Place.to_properties()`` (see
``docs/schema.md``), each claim and evidence span with its ``confidence``.
Formats without nested types store list and dict properties as JSON strings
and add a ``claim_confidence`` column (the main claim's confidence) so the
claims can be filtered without decoding JSON.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from geobrief.errors import MissingDependencyError, RenderError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geobrief.model import Briefing, Place

#: Formats and the file suffixes that select them.
FORMATS: dict[str, tuple[str, ...]] = {
    "geojson": (".geojson", ".json"),
    "gpkg": (".gpkg",),
    "parquet": (".parquet", ".geoparquet"),
    "kml": (".kml",),
    "csv": (".csv",),
}

#: Properties whose values are lists or dicts.
NESTED = ("labels", "claims", "surface_forms", "articles")

#: Column added by the flat formats (GeoPackage, GeoParquet, KML, CSV), after ``status``.
CLAIM_CONFIDENCE = "claim_confidence"


def claim_confidence(place: Place) -> float | None:
    """The confidence of a place's main claim (the one giving its ``status``), 3 decimals.

    Parameters
    ----------
    place : Place
        A resolved place.

    Returns
    -------
    float or None
        ``Claim.confidence`` of ``place.main_claim`` rounded like
        ``Claim.to_dict()``; None for a place only mentioned (or a
        confidence that is not a finite number).
    """
    main = place.main_claim
    if main is None:
        return None
    value = float(main.confidence)
    return round(value, 3) if math.isfinite(value) else None


def _claim_confidences(briefing: Briefing) -> list[float | None]:
    """:func:`claim_confidence` of every exported place, in export order."""
    from geobrief.frames import valid_coordinates

    return [claim_confidence(p) for p in briefing.places if valid_coordinates(p)]


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        key = fmt.lower().lstrip(".")
        aliases = {"json": "geojson", "geoparquet": "parquet", "geopackage": "gpkg"}
        key = aliases.get(key, key)
        if key not in FORMATS:
            raise RenderError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return key
    suffix = path.suffix.lower()
    for key, suffixes in FORMATS.items():
        if suffix in suffixes:
            return key
    raise RenderError(f"cannot tell the export format from {path.name!r}; pass fmt= ({', '.join(FORMATS)})")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def export(briefing: Briefing, path: Path, fmt: str | None = None) -> Path:
    """Write the briefing's places to *path*.

    Parameters
    ----------
    briefing : Briefing
        The briefing to export.
    path : Path
        Output file; its parent directory is created if needed.
    fmt : str, optional
        ``geojson``, ``gpkg``, ``parquet`` (GeoParquet), ``kml`` or ``csv``;
        by default taken from the file suffix.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    RenderError
        The format is unknown or the file cannot be written.
    MissingDependencyError
        ``parquet`` without pyarrow.
    """
    from geobrief.atomic import AtomicFiles

    path = Path(path)
    key = _format_of(path, fmt)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary file beside *path* and renamed: a failure leaves the old file.
        with AtomicFiles() as out:
            if key == "geojson":
                from geobrief.frames import places_geojson

                text = json.dumps(places_geojson(briefing), ensure_ascii=False, indent=1, sort_keys=False)
                out.write_text(path, text + "\n")
            elif key == "csv":
                out.write_text(path, _csv(briefing), newline="")
            elif key == "kml":
                out.write_text(path, _kml(briefing))
            elif key == "gpkg":
                frame = _flat_frame(briefing, nested_as_json=NESTED)
                with _gdal_date(gpkg_timestamp(briefing)):
                    # a fresh temporary file: GDAL never adds a layer to an old package
                    out.write_with(
                        path, lambda tmp: frame.to_file(tmp, driver="GPKG", layer="places", engine="pyogrio")
                    )
            else:
                try:
                    import pyarrow  # noqa: F401
                except ImportError as exc:
                    raise MissingDependencyError("pyarrow", "GeoParquet export", "export") from exc
                # Lists of strings stay lists; claims (nested, mixed nulls) go as JSON.
                frame = _flat_frame(briefing, nested_as_json=("claims",))
                out.write_with(path, lambda tmp: frame.to_parquet(tmp, index=False))
    except (MissingDependencyError, RenderError):
        raise
    except Exception as exc:  # pyogrio / pyarrow / OS errors
        raise RenderError(f"cannot write {key} to {path}: {exc}") from exc
    return path


def gpkg_timestamp(briefing: Briefing) -> str:
    """The ``last_change`` stamp written into a GeoPackage, never the wall clock.

    GDAL stamps a GeoPackage with the current time, which would make two
    exports of the same briefing differ.  The stamp is ``SOURCE_DATE_EPOCH``
    when that is set (the reproducible-builds convention), else the latest
    ``Article.published`` date, else the Unix epoch.

    Parameters
    ----------
    briefing : Briefing
        The briefing being exported.

    Returns
    -------
    str
        ``YYYY-MM-DDTHH:MM:SS.000Z``.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    dates = sorted(
        m.group()
        for a in briefing.articles
        if a.published and (m := re.match(r"\d{4}-\d{2}-\d{2}", a.published.strip()))
    )
    return f"{dates[-1] if dates else '1970-01-01'}T00:00:00.000Z"


@contextmanager
def _gdal_date(stamp: str):
    import pyogrio

    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def _flat_frame(briefing: Briefing, nested_as_json: tuple[str, ...]):
    from geobrief.frames import places_frame

    frame = places_frame(briefing)
    # Float column (NaN / NULL for places only mentioned), right after the status it qualifies.
    values = [float("nan") if v is None else v for v in _claim_confidences(briefing)]
    frame.insert(list(frame.columns).index("status") + 1, CLAIM_CONFIDENCE, values)
    frame[CLAIM_CONFIDENCE] = frame[CLAIM_CONFIDENCE].astype("float64")
    for col in nested_as_json:
        frame[col] = [_dumps(v) for v in frame[col]]
    for col in NESTED:
        if col not in nested_as_json:
            frame[col] = [list(v) for v in frame[col]]
    return frame


def _csv(briefing: Briefing) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [
            "id",
            "name",
            "lat",
            "lon",
            "kind",
            "feature_code",
            "country_code",
            "admin1",
            "source",
            "confidence",
            "status",
            CLAIM_CONFIDENCE,
            "labels",
            "mentions",
            "surface_forms",
            "articles",
            "claims",
        ]
    )
    from geobrief.frames import places_geojson

    features = places_geojson(briefing)["features"]
    for feature, conf in zip(features, _claim_confidences(briefing), strict=True):
        p = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        row = [
            p["id"],
            p["name"],
            lat,
            lon,
            p["kind"],
            p["feature_code"],
            p["country_code"],
            p["admin1"],
            p["source"],
            p["confidence"],
            p["status"],
            "" if conf is None else conf,
            "; ".join(p["labels"]),
            p["mentions"],
            "; ".join(p["surface_forms"]),
            "; ".join(p["articles"]),
            _dumps(p["claims"]),
        ]
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()


#: First characters that make a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run: text starting like a formula gets a ``'``.

    Names, ids and surface forms come from untrusted articles; a cell such as
    ``=HYPERLINK(...)`` would otherwise be evaluated when the CSV is opened
    in a spreadsheet.  Numbers (negative coordinates) are left alone.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _x(value: Any) -> str:
    """XML-escape text, dropping the control characters XML 1.0 forbids."""
    text = "" if value is None else str(value)
    text = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
    return xml_escape(text, {'"': "&quot;"})


#: KML types of the typed fields (the others are strings; lists are JSON text).
_KML_TYPES = {"confidence": "double", CLAIM_CONFIDENCE: "double", "mentions": "int"}


def _kml(briefing: Briefing) -> str:
    """KML that reads back through GDAL as it was written: the place id is the Placemark's id and
    its name the Placemark's name (GDAL's own id and Name fields, not duplicated), and the other
    properties are typed by a <Schema> (numbers read back as numbers)."""
    from geobrief.frames import places_geojson

    features = places_geojson(briefing)["features"]
    fields: list[str] = []
    for feature in features:
        for key in feature["properties"]:
            if key not in ("id", "name") and key not in fields:
                fields.append(key)
            if key == "status" and CLAIM_CONFIDENCE not in fields:
                fields.append(CLAIM_CONFIDENCE)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2">',
        "<Document>",
        f"<name>{_x(briefing.title)}</name>",
        '<Schema name="geobrief_places" id="geobrief_places">',
        *(f'<SimpleField name={_quoted(f)} type="{_KML_TYPES.get(f, "string")}"/>' for f in fields),
        "</Schema>",
    ]
    for feature, conf in zip(features, _claim_confidences(briefing), strict=True):
        p = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        status = p["status"] if conf is None else f"{p['status']}, {_confidence_words(conf)}"
        lines = [f"{p['name']} ({status})"]
        for claim in p["claims"]:
            label = f"{claim['label']} ({_confidence_words(claim.get('confidence'))})"
            for ev in claim["evidence"]:
                lines.append(f"{label}: {ev['text']} [{ev['article']}]")
        props = {**p, CLAIM_CONFIDENCE: conf}
        out.append(f"<Placemark id={_quoted(p['id'])}>")
        out.append(f"<name>{_x(p['name'])}</name>")
        # Plain escaped text (no CDATA, no HTML): viewers show it literally.
        out.append(f"<description>{_x(chr(10).join(lines))}</description>")
        out.append('<ExtendedData><SchemaData schemaUrl="#geobrief_places">')
        for key in fields:
            value = props.get(key)
            if value is None:
                continue  # reads back as null
            shown = _dumps(value) if isinstance(value, list | dict) else value
            out.append(f"<SimpleData name={_quoted(key)}>{_x(shown)}</SimpleData>")
        out.append("</SchemaData></ExtendedData>")
        out.append(f"<Point><coordinates>{lon!r},{lat!r}</coordinates></Point>")
        out.append("</Placemark>")
    out += ["</Document>", "</kml>", ""]
    return "\n".join(out)


def _confidence_words(value: Any) -> str:
    """``confidence 0.82, high`` for a KML description (``confidence unknown`` without a number)."""
    from geobrief.render.payload import confidence_band, confidence_value

    shown = confidence_value(value)
    if shown is None:
        return "confidence unknown"
    return f"confidence {shown:.2f}, {confidence_band(shown)}"


def _quoted(value: Any) -> str:
    return '"' + _x(value) + '"'

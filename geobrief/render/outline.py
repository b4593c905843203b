"""The offline basemap: simplified Natural Earth country outlines.

The outline is drawn under the online tile layer so that the map still reads
with no network.  Its source is Natural Earth's 1:110m admin-0 countries
(public domain) as shipped inside the installed ``pyogrio`` package
(``pyogrio/tests/fixtures/naturalearth_lowres``).  The simplified result is
cached as package data in ``geobrief/render/static/countries.geojson``;
regenerate it with::

    python -m geobrief.render.outline

When the cache is missing it is generated at render time from the same
source; when neither exists the map simply has no outline layer.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE = Path(__file__).parent / "static" / "countries.geojson"

#: Douglas-Peucker tolerance and coordinate grid, in degrees: enough for a backdrop.
TOLERANCE = 0.15
GRID = 0.05


def source_path() -> Path | None:
    """Path of the installed Natural Earth countries file, if any."""
    try:
        import pyogrio
    except ImportError:  # pragma: no cover - pyogrio is a dependency
        return None
    path = (
        Path(pyogrio.__file__).parent
        / "tests"
        / "fixtures"
        / "naturalearth_lowres"
        / "naturalearth_lowres.shp"
    )
    return path if path.exists() else None


def build_outline(source: Path | None = None) -> dict[str, Any] | None:
    """Simplify the Natural Earth countries into a compact FeatureCollection.

    Parameters
    ----------
    source : Path, optional
        A polygon file readable by pyogrio with a ``name`` column; by default
        :func:`source_path`.

    Returns
    -------
    dict or None
        GeoJSON FeatureCollection with one ``name`` property per country,
        coordinates rounded to :data:`GRID` degrees; None without a source.
    """
    source = source or source_path()
    if source is None:
        return None
    import geopandas
    import shapely

    frame = geopandas.read_file(source, engine="pyogrio").to_crs("EPSG:4326")
    geoms = shapely.set_precision(frame.geometry.simplify(TOLERANCE, preserve_topology=True).values, GRID)
    features = []
    for name, geom in sorted(zip(frame["name"], geoms, strict=True), key=lambda t: str(t[0])):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {"type": "Feature", "properties": {"name": str(name)}, "geometry": shapely.geometry.mapping(geom)}
        )
    # Round-trip through JSON with short floats so the output is stable and small.
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return json.loads(text)


@lru_cache(maxsize=1)
def outline_json() -> str | None:
    """The outline as compact JSON text (cached file, else built now, else None)."""
    if CACHE.exists():
        return CACHE.read_text(encoding="utf-8").strip()
    data = build_outline()
    return None if data is None else json.dumps(data, separators=(",", ":"))


def main() -> None:
    """Regenerate the cached outline file."""
    data = build_outline()
    if data is None:
        raise SystemExit("no Natural Earth source found (pyogrio test fixtures missing)")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {CACHE} ({CACHE.stat().st_size} bytes, {len(data['features'])} countries)")


if __name__ == "__main__":
    main()

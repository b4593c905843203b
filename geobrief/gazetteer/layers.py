"""The curated reference layers (``layers/*.geojson``, installed as ``geobrief.layers``).

Every feature is a GeoJSON Point with properties ``name``, ``aliases``,
``kind`` (one of :data:`geobrief.model.PLACE_KINDS`), ``country_code`` and
``source`` (optionally ``feature_code``, ``abbrevs``, ``demonyms``, ``id``).
See ``layers/README.md`` for the schema, sources and licences.
"""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Any

from geobrief.errors import GazetteerError
from geobrief.model import PLACE_KINDS

#: Package that carries the layer files (pyproject maps the folder layers/ to it).
LAYERS_PACKAGE = "geobrief.layers"


def layer_files() -> list[Any]:
    """The curated ``*.geojson`` resources, sorted by name."""
    try:
        root: Any = importlib.resources.files(LAYERS_PACKAGE)
    except ModuleNotFoundError as exc:
        # Running from a source tree that is not installed: layers/ sits beside the package.
        root = Path(__file__).resolve().parents[2] / "layers"
        if not root.is_dir():
            raise GazetteerError(f"the curated layers package {LAYERS_PACKAGE!r} is not installed") from exc
    return sorted((p for p in root.iterdir() if p.name.endswith(".geojson")), key=lambda p: p.name)


def validate_feature(feat: dict[str, Any], where: str) -> None:
    """Raise :class:`GazetteerError` unless *feat* follows the layer schema."""
    geom = feat.get("geometry") or {}
    props = feat.get("properties") or {}
    if geom.get("type") != "Point":
        raise GazetteerError(f"{where}: geometry must be a Point")
    coords = geom.get("coordinates") or []
    if len(coords) < 2 or not all(isinstance(c, int | float) for c in coords[:2]):
        raise GazetteerError(f"{where}: bad coordinates {coords!r}")
    lon, lat = coords[:2]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GazetteerError(f"{where}: coordinates out of range {coords!r}")
    if not isinstance(props.get("name"), str) or not props["name"].strip():
        raise GazetteerError(f"{where}: missing name")
    if props.get("kind") not in PLACE_KINDS:
        raise GazetteerError(f"{where}: kind {props.get('kind')!r} is not one of {PLACE_KINDS}")
    if not isinstance(props.get("source"), str) or not props["source"].strip():
        raise GazetteerError(f"{where}: missing source")
    if not isinstance(props.get("aliases", []), list):
        raise GazetteerError(f"{where}: aliases must be a list")


def load_layers() -> list[dict[str, Any]]:
    """All curated layer features, validated.

    Returns
    -------
    list of dict
        GeoJSON Feature dicts; each also carries ``_layer``, the stem of the
        file it came from (``"military_facilities"``).

    Raises
    ------
    GazetteerError
        If a layer file is not valid JSON or a feature breaks the schema.
    """
    features: list[dict[str, Any]] = []
    for res in layer_files():
        stem = res.name.rsplit(".", 1)[0]
        try:
            data = json.loads(res.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GazetteerError(f"layer {res.name}: {exc}") from exc
        if data.get("type") != "FeatureCollection":
            raise GazetteerError(f"layer {res.name}: not a FeatureCollection")
        for i, feat in enumerate(data.get("features", [])):
            validate_feature(feat, f"layer {res.name} feature {i}")
            features.append({**feat, "_layer": stem})
    return features

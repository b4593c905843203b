"""Tabular and GeoJSON views of a briefing's places.

This module is the one place where a place's ``(lat, lon)`` becomes a
geometry: GeoJSON and shapely both want ``(lon, lat)`` (x, y) order, and
doing the swap anywhere else invites silent transpositions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import geopandas

    from geobrief.model import Briefing, Place

#: Column order of :func:`places_frame` (the keys of ``Place.to_properties()``).
PROPERTY_KEYS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "feature_code",
    "country_code",
    "admin1",
    "source",
    "confidence",
    "status",
    "labels",
    "claims",
    "mentions",
    "surface_forms",
    "articles",
)


def lon_lat(place: Place) -> tuple[float, float]:
    """The ``(x, y)`` = ``(lon, lat)`` coordinates of a place.

    Parameters
    ----------
    place : Place
        A resolved place (``lat``/``lon`` in WGS 84 degrees).

    Returns
    -------
    tuple of float
        ``(lon, lat)``, the axis order of GeoJSON and shapely.
    """
    return (float(place.lon), float(place.lat))


def valid_coordinates(place: Place) -> bool:
    """Whether the place has finite WGS 84 coordinates within range."""
    lon, lat = lon_lat(place)
    return math.isfinite(lon) and math.isfinite(lat) and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def places_geojson(briefing: Briefing) -> dict[str, Any]:
    """The briefing's places as a GeoJSON FeatureCollection.

    Parameters
    ----------
    briefing : Briefing
        The briefing to convert.

    Returns
    -------
    dict
        A FeatureCollection; each feature is a ``Point`` with coordinates
        ``[lon, lat]`` and ``properties`` equal to ``Place.to_properties()``
        (documented in ``docs/schema.md``).  Places whose coordinates are
        not finite WGS 84 degrees are left out.
    """
    features = []
    for place in briefing.places:
        if not valid_coordinates(place):
            continue
        lon, lat = lon_lat(place)
        features.append(
            {
                "type": "Feature",
                "id": place.id,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": place.to_properties(),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def places_frame(briefing: Briefing) -> geopandas.GeoDataFrame:
    """The briefing's places as a GeoDataFrame, one row per place.

    Parameters
    ----------
    briefing : Briefing
        The briefing to convert.

    Returns
    -------
    geopandas.GeoDataFrame
        CRS EPSG:4326; columns are the keys of ``Place.to_properties()``
        followed by ``geometry`` (``Point(lon, lat)``).  List and dict
        valued properties (``labels``, ``claims``…) are kept as Python
        objects.
    """
    import geopandas
    from shapely.geometry import Point

    rows: list[dict[str, Any]] = []
    geoms = []
    for place in briefing.places:
        if not valid_coordinates(place):
            continue
        rows.append(place.to_properties())
        geoms.append(Point(*lon_lat(place)))
    columns = list(PROPERTY_KEYS)
    for row in rows:  # keep any property a newer model adds, after the known ones
        columns.extend(k for k in row if k not in columns)
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    return geopandas.GeoDataFrame(
        frame, geometry=geopandas.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326"
    )

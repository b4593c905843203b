"""Curated GeoJSON reference layers shipped with geobrief (see README.md here)."""

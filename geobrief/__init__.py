"""geobrief: news articles to an offline geospatial briefing.

>>> import geobrief
>>> b = geobrief.brief(["seeds/"])   # doctest: +SKIP
>>> b.save("output/")                 # doctest: +SKIP

Heavy modules (geopandas, folium) load only when used, so importing
geobrief (and starting the CLI) stays fast.
"""

from __future__ import annotations

from typing import Any

from geobrief.errors import GeobriefError
from geobrief.model import Article, Briefing, Candidate, Claim, Evidence, Failure, Mention, Place, Resolution

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Briefing",
    "Candidate",
    "Claim",
    "Evidence",
    "Failure",
    "GeobriefError",
    "Mention",
    "Pipeline",
    "Place",
    "Resolution",
    "brief",
    "read_inputs",
    "render",
    "__version__",
]

_LAZY = {
    "brief": ("geobrief.pipeline", "brief"),
    "Pipeline": ("geobrief.pipeline", "Pipeline"),
    "read_inputs": ("geobrief.io", "read_inputs"),
    "render": ("geobrief.render", "render"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'geobrief' has no attribute {name!r}")

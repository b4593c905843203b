"""geobrief: news articles to an offline geospatial briefing.

>>> import geobrief
>>> b = geobrief.brief(["seeds/"])          # doctest: +SKIP
>>> geobrief.render.save_briefing(b, "output/")  # doctest: +SKIP

Heavy modules (geopandas, folium) load only when used, so importing
geobrief (and starting the CLI) stays fast.  ``geobrief.render`` is always
the rendering module (its map function is ``geobrief.render.to_map``).
"""

from __future__ import annotations

import warnings
from typing import Any

from geobrief import model as _model
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
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    if name == "render":  # the module, loaded on first use (it imports nothing heavy)
        return importlib.import_module("geobrief.render")
    raise AttributeError(f"module 'geobrief' has no attribute {name!r}")


# Briefing.save / to_map / layers moved to geobrief.render: the old methods
# still work, with a DeprecationWarning; Jupyter's view needs no warning.
_MOVED_TO = {"save": "save_briefing", "to_map": "to_map", "layers": "briefing_layers"}


def _moved(name: str, new: str) -> Any:
    def method(briefing: Briefing, *args: Any, **kwargs: Any) -> Any:
        import geobrief.render as render

        warnings.warn(
            f"Briefing.{name}() is deprecated: use geobrief.render.{new}(briefing, ...)",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(render, new)(briefing, *args, **kwargs)

    return method


def _repr_html(briefing: Briefing) -> str:
    from geobrief.render import briefing_fragment

    return briefing_fragment(briefing)


_model.MOVED.update({name: _moved(name, new) for name, new in _MOVED_TO.items()})
_model.MOVED["_repr_html_"] = _repr_html

"""Static assets of the briefing page, read from installed packages.

Leaflet and Leaflet.markercluster come from the ``xstatic`` packages and are
inlined so a saved briefing opens with no network; ``cdn=True`` swaps them
for CDN links of the same versions.  The geobrief runtime (``static/``) is
always inlined: it is part of this package.
"""

from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from pathlib import Path

from geobrief.errors import MissingDependencyError, RenderError

STATIC = Path(__file__).parent / "static"

LEAFLET_VERSION = "1.9.3"
MARKERCLUSTER_VERSION = "1.4.1"

#: CDN equivalents of the inlined assets (used only with ``cdn=True``).
CDN = {
    "leaflet_js": f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js",
    "leaflet_css": f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css",
    "markercluster_js": f"https://cdn.jsdelivr.net/npm/leaflet.markercluster@{MARKERCLUSTER_VERSION}/dist/leaflet.markercluster.js",
    "markercluster_css": f"https://cdn.jsdelivr.net/npm/leaflet.markercluster@{MARKERCLUSTER_VERSION}/dist/MarkerCluster.css",
    "markercluster_default_css": f"https://cdn.jsdelivr.net/npm/leaflet.markercluster@{MARKERCLUSTER_VERSION}/dist/MarkerCluster.Default.css",
}

_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[\w.-]+\.png)\1\)")


def _xstatic_dir(module: str, package: str) -> Path:
    try:
        mod = __import__(module, fromlist=["BASE_DIR"])
    except ImportError as exc:
        raise MissingDependencyError(package, "Self-contained briefing pages") from exc
    return Path(mod.BASE_DIR)


def _check(code: str, closing: str, what: str) -> str:
    # An inlined asset must not be able to close its own element early.
    if closing in code.lower():
        raise RenderError(f"{what} contains {closing!r} and cannot be inlined")
    return code


@lru_cache(maxsize=1)
def leaflet() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS; the CSS's images become data URIs."""
    base = _xstatic_dir("xstatic.pkg.leaflet", "xstatic-leaflet")
    js = _SOURCE_MAP.sub("", (base / "leaflet.js").read_text(encoding="utf-8"))
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(m: re.Match[str]) -> str:
        data = base64.b64encode((base / m.group(2)).read_bytes()).decode("ascii")
        return f'url("data:image/png;base64,{data}")'

    css = _CSS_URL.sub(inline, css)
    # Leaflet finds its default marker images from the CSS's URL, which a
    # data URI breaks: give folium.Marker's default icon its images directly.
    icons = {
        key: "data:image/png;base64,"
        + base64.b64encode((base / "images" / name).read_bytes()).decode("ascii")
        for key, name in (
            ("iconUrl", "marker-icon.png"),
            ("iconRetinaUrl", "marker-icon-2x.png"),
            ("shadowUrl", "marker-shadow.png"),
        )
    }
    js += f'\nL.Icon.Default.imagePath = "";\nL.Icon.Default.mergeOptions({json.dumps(icons)});\n'
    return _check(js, "</script", "leaflet.js"), _check(css, "</style", "leaflet.css")


@lru_cache(maxsize=1)
def markercluster() -> tuple[str, str]:
    """Leaflet.markercluster's JavaScript and (both) CSS files."""
    base = _xstatic_dir("xstatic.pkg.leaflet_markercluster", "xstatic-leaflet-markercluster")
    js = _SOURCE_MAP.sub("", (base / "leaflet.markercluster.js").read_text(encoding="utf-8"))
    css = (base / "MarkerCluster.css").read_text(encoding="utf-8") + "\n"
    css += (base / "MarkerCluster.Default.css").read_text(encoding="utf-8")
    return _check(js, "</script", "leaflet.markercluster.js"), _check(css, "</style", "MarkerCluster.css")


@lru_cache(maxsize=1)
def runtime() -> tuple[str, str]:
    """The geobrief runtime's JavaScript and CSS."""
    js = (STATIC / "geobrief.js").read_text(encoding="utf-8")
    css = (STATIC / "geobrief.css").read_text(encoding="utf-8")
    return _check(js, "</script", "geobrief.js"), _check(css, "</style", "geobrief.css")

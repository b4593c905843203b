"""The standalone briefing page, written directly (no folium, branca or Jinja).

``geobrief build`` and :func:`geobrief.render.page_html` write the page from
this module: the same Leaflet map, layers, layer control and runtime calls
that :func:`geobrief.render.to_map` assembles with folium, as one string.
Importing folium (with branca, pandas and NumPy behind it) was most of the
cold start of ``geobrief build``; folium stays the embedding API
(:func:`geobrief.render.to_map`, :func:`geobrief.render.briefing_layers`).

Everything from an article reaches the page as JSON in a data block
(:func:`geobrief.render.payload.page_data`); layer names are HTML-escaped
(Leaflet inserts them as HTML) and then JSON-encoded like every other
string in the script.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from geobrief.render import assets
from geobrief.render.payload import page_data, script_json, script_safe

if TYPE_CHECKING:  # pragma: no cover - typing only
    from geobrief.model import Briefing

#: The OpenStreetMap tile layer (as folium's "OpenStreetMap" tiles).
_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_TILES_OPTIONS = {
    "minZoom": 0,
    "maxZoom": 19,
    "maxNativeZoom": 19,
    "noWrap": False,
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    "subdomains": "abc",
    "detectRetina": False,
    "tms": False,
    "opacity": 1,
}

_PAGE_STYLE = """<meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no" />
<style>
#{map} {{ position: relative; width: 100.0%; height: 100.0%; left: 0.0%; top: 0.0%; }}
.leaflet-container {{ font-size: 1rem; }}
html, body {{ width: 100%; height: 100%; margin: 0; padding: 0; }}
</style>"""

_OUTLINE_SCRIPT = """var {name} = (function (map) {{
  if (!map.getPane("gbOutline")) {{
    var pane = map.createPane("gbOutline");
    pane.style.zIndex = 150;
    pane.style.pointerEvents = "none";
  }}
  return L.geoJSON({data}, {{
    pane: "gbOutline", interactive: false,
    attribution: "Country outlines: Natural Earth",
    style: {{color: "#9aa3ab", weight: 0.7, fillColor: "#f4f2ea", fillOpacity: 1}}
  }});
}})({map});"""


def _script(code: str) -> str:
    return f"<script>{assets._check(code, '</script', 'inline script')}</script>"


def _style(code: str) -> str:
    return f"<style>{assets._check(code, '</style', 'inline style')}</style>"


def _assets(cdn: bool, cluster: bool) -> list[str]:
    """Leaflet (and markercluster when clustering), then the geobrief runtime: head elements."""
    out: list[str] = []
    if cdn:
        out.append(f'<link rel="stylesheet" href="{html.escape(assets.CDN["leaflet_css"])}"/>')
        out.append(f'<script src="{html.escape(assets.CDN["leaflet_js"])}"></script>')
    else:
        js, css = assets.leaflet()
        out += [_style(css), _script(js)]
    if cluster:
        if cdn:
            for key in ("markercluster_css", "markercluster_default_css"):
                out.append(f'<link rel="stylesheet" href="{html.escape(assets.CDN[key])}"/>')
            out.append(f'<script src="{html.escape(assets.CDN["markercluster_js"])}"></script>')
        else:
            js, css = assets.markercluster()
            out += [_style(css), _script(js)]
    js, css = assets.runtime()
    out += [_style(css), _script(js)]
    return out


def standalone_page(
    briefing: Briefing,
    payload: dict[str, Any],
    layers: list[tuple[str, str | None, str | None]],
    *,
    csp: str,
    cdn: bool = False,
    tiles: bool = True,
) -> str:
    """The HTML of a self-contained briefing page.

    Parameters
    ----------
    briefing : Briefing
        The briefing (for its title).
    payload : dict
        Its payload (:func:`geobrief.render.payload.build_payload`).
    layers : list of (name, dim, key)
        The facet layers of the layer control, names already HTML-escaped
        (see :func:`geobrief.render.layer_specs`).
    csp : str
        The Content-Security-Policy of the page.
    cdn : bool
        Link Leaflet and markercluster from jsDelivr instead of inlining them.
    tiles : bool
        Add the OpenStreetMap tile layer.

    Returns
    -------
    str
        The page.  The same briefing always gives the same bytes.
    """
    from geobrief.render.outline import outline_json

    ctl = payload["id"]
    cluster = bool(payload["opts"]["cluster"])
    map_id = f"map_{ctl}"
    data_id = f"{ctl}-data"
    head = [
        '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}"/>',
        '<meta name="referrer" content="no-referrer"/>',
        f"<title>{html.escape(briefing.title)}</title>",
        _PAGE_STYLE.format(map=map_id),
        *_assets(cdn, cluster),
    ]
    lines = [
        f"var {map_id} = L.map({script_json(map_id)}, {{center: [20.0, 0.0], crs: L.CRS.EPSG3857, "
        "zoom: 2, zoomControl: true, preferCanvas: false, worldCopyJump: true});",
        f"L.control.scale().addTo({map_id});",
    ]
    overlays: list[tuple[str, str]] = []
    base: list[tuple[str, str]] = []
    # The outlines and the tiles go on the map once the runtime has fitted the view to the
    # places: drawn (and the tiles asked for) once, at the view the reader sees.
    deferred: list[str] = []
    outline = outline_json()
    if outline:
        name = f"outline_layer_{ctl}"
        lines.append(_OUTLINE_SCRIPT.format(name=name, data=script_safe(outline), map=map_id))
        overlays.append(("Country outlines (offline)", name))
        deferred.append(name)
    if tiles:
        name = f"tile_layer_{ctl}"
        lines.append(f"var {name} = L.tileLayer({script_json(_TILES_URL)}, {script_json(_TILES_OPTIONS)});")
        base.append(("OpenStreetMap", name))
        deferred.append(name)
    group = f"briefing_layer_{ctl}_0"
    lines.append(f"var {group} = L.featureGroup({{}});")
    # The runtime fits the view to the places, leaving room for the panel.
    lines.append(
        f"geobrief.load({script_json(data_id)}, {group}, "
        f"{{fit: true, map: {map_id}, deferred: [{', '.join(deferred)}]}});"
    )
    lines.append(f"{group}.addTo({map_id});")
    for i, (label, dim, key) in enumerate(layers, start=1):
        group = f"briefing_layer_{ctl}_{i}"
        lines.append(f"var {group} = L.featureGroup({{}});")
        lines.append(f"geobrief.facet({script_json(ctl)}, {script_json(dim)}, {script_json(key)}, {group});")
        lines.append(f"{group}.addTo({map_id});")
        overlays.append((label, group))

    def table(pairs: list[tuple[str, str]]) -> str:
        return "{" + ", ".join(f"{script_json(label)}: {var}" for label, var in pairs) + "}"

    # Folded (an icon that opens on hover or tap): unfolded, it would cover the popups.
    options = json.dumps({"position": "topleft", "collapsed": True, "autoZIndex": True})
    control = f"layer_control_{ctl}"
    lines.append(f"var {control}_layers = {{base: {table(base)}, overlays: {table(overlays)}}};")
    lines.append(
        f"L.control.layers({control}_layers.base, {control}_layers.overlays, {options}).addTo({map_id});"
    )
    data = page_data(payload)
    parts = [
        "<!DOCTYPE html>",
        "<html>",
        "<head>",
        *head,
        "</head>",
        "<body>",
        # "folium-map": the class folium gives its maps (snapshot() looks for it on any page).
        f'<div class="folium-map" id="{map_id}"></div>',
        f'<script type="application/json" id="{data_id}">{data}</script>',
        _script("\n".join(lines) + "\n"),
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)

"""Folium/branca elements of a briefing page (imports folium: load lazily)."""

from __future__ import annotations

from branca.element import Element, Figure
from folium.map import FeatureGroup, Layer
from jinja2 import Template

from geobrief.render import assets
from geobrief.render.payload import page_data, script_json


class InlineScript(Element):
    """A ``<script>`` element with inline code (checked not to close early)."""

    _template = Template("<script>{{ this.code }}</script>")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "InlineScript"
        self.code = assets._check(code, "</script", "inline script")


class InlineStyle(Element):
    """A ``<style>`` element with inline CSS."""

    _template = Template("<style>{{ this.code }}</style>")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "InlineStyle"
        self.code = assets._check(code, "</style", "inline style")


class RawHTML(Element):
    """Fixed markup for the page head (never compiled as a template)."""

    _template = Template("{{ this.markup }}")

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._name = "RawHTML"
        self.markup = markup


class ScriptLink(Element):
    """``<script src>`` to a CDN (``cdn=True`` only)."""

    _template = Template('<script src="{{ this.url|e }}"></script>')

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url


class StyleLink(Element):
    """``<link rel=stylesheet>`` to a CDN (``cdn=True`` only)."""

    _template = Template('<link rel="stylesheet" href="{{ this.url|e }}"/>')

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url


def add_asset(
    figure: Figure, name: str, *, js: str | None = None, css: str | None = None, cdn: str | None = None
) -> None:
    """Add an asset to the page head once (keyed by *name*)."""
    if name in figure.header._children:
        return
    if cdn is not None:
        element: Element = ScriptLink(cdn) if cdn.endswith(".js") else StyleLink(cdn)
    elif js is not None:
        element = InlineScript(js)
    else:
        element = InlineStyle(css or "")
    element._id = name
    figure.header.add_child(element, name=name)


def add_leaflet(figure: Figure, cdn: bool) -> None:
    """Leaflet itself, for maps built by geobrief (default assets removed)."""
    if cdn:
        add_asset(figure, "gb_leaflet_css", cdn=assets.CDN["leaflet_css"])
        add_asset(figure, "gb_leaflet_js", cdn=assets.CDN["leaflet_js"])
    else:
        js, css = assets.leaflet()
        add_asset(figure, "gb_leaflet_css", css=css)
        add_asset(figure, "gb_leaflet_js", js=js)


class BriefingLayer(FeatureGroup):
    """One toggleable facet of a briefing, as a ``folium.FeatureGroup``.

    The first layer of a briefing (``payload`` set, not in the layer
    control) holds the data and the markers; the others are facets (an event
    type, an article, a context) that filter which markers show: a marker is
    shown when, for each kind of facet it has, one of its facets is on.
    """

    # No Jinja macro: folium compiles rendered macro output as a template
    # again, which is slow for a large payload and would evaluate any "{{"
    # that slipped through.  render() adds the script as fixed text instead.
    _template = Template("")

    def __init__(
        self,
        name: str,
        *,
        ctl: str,
        dim: str | None = None,
        key: str | None = None,
        payload: dict | None = None,
        cdn: bool = False,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=payload is None, show=show)
        self._name = "BriefingLayer"
        self.ctl = ctl
        self.cdn = cdn
        self.fit = False
        self.cluster = bool(payload and payload["opts"]["cluster"])
        # The payload travels in a data block (JSON.parse reads it much faster than a script
        # literal of the same size); a big briefing's block is compressed (payload.page_data).
        self.data = page_data(payload) if payload is not None else ""
        self.data_id = f"{ctl}-data"
        self.ctl_js = script_json(ctl)
        self.dim_js = script_json(dim)
        self.key_js = script_json(key)

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if isinstance(figure, Figure) and self.data:
            if self.cluster:
                if self.cdn:
                    add_asset(figure, "gb_markercluster_css", cdn=assets.CDN["markercluster_css"])
                    add_asset(
                        figure, "gb_markercluster_default_css", cdn=assets.CDN["markercluster_default_css"]
                    )
                    add_asset(figure, "gb_markercluster_js", cdn=assets.CDN["markercluster_js"])
                else:
                    js, css = assets.markercluster()
                    add_asset(figure, "gb_markercluster_css", css=css)
                    add_asset(figure, "gb_markercluster_js", js=js)
            js, css = assets.runtime()
            add_asset(figure, "gb_runtime_css", css=css)
            add_asset(figure, "gb_runtime_js", js=js)
            # Before the scripts that read it (folium writes the body scripts last).
            figure.html.add_child(
                RawHTML(f'<script type="application/json" id="{self.data_id}">{self.data}</script>'),
                name=self.data_id,
            )
        if isinstance(figure, Figure):
            figure.script.add_child(RawHTML(self.script()), name=self.get_name())
        super().render(**kwargs)

    def script(self) -> str:
        """The layer's JavaScript: create the group, then load data or register as a facet."""
        name = self.get_name()
        lines = [f"var {name} = L.featureGroup({{}});"]
        if self.data:
            fit = "true" if self.fit else "false"
            lines.append(f"geobrief.load({script_json(self.data_id)}, {name}, {{fit: {fit}}});")
        else:
            lines.append(f"geobrief.facet({self.ctl_js}, {self.dim_js}, {self.key_js}, {name});")
        return "\n".join(lines) + "\n"


class OutlineLayer(Layer):
    """Offline country outlines, drawn below the tile layer."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (map) {
  if (!map.getPane("gbOutline")) {
    var pane = map.createPane("gbOutline");
    pane.style.zIndex = 150;
    pane.style.pointerEvents = "none";
  }
  return L.geoJSON({{ this.data }}, {
    pane: "gbOutline", interactive: false,
    attribution: "Country outlines: Natural Earth",
    style: {color: "#9aa3ab", weight: 0.7, fillColor: "#f4f2ea", fillOpacity: 1}
  });
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, data_json: str, name: str = "Country outlines (offline)") -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "OutlineLayer"
        self.data = data_json

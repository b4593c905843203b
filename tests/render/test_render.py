"""The briefing page as HTML: self-contained, deterministic, escaped, embeddable."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import folium
import pytest
from render_factory import HOSTILE, synthetic_briefing

from geobrief.frames import places_geojson
from geobrief.render import briefing_fragment, briefing_layers, page_html, save_briefing, to_map
from geobrief.render.outline import CACHE, build_outline, source_path

EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_default_page_references_no_cdn(briefing):
    html = page_html(briefing)
    assert not EXTERNAL.search(html)
    for cdn in ("jsdelivr", "cdnjs", "bootstrap", "jquery", "font-awesome", "fontawesome", "unpkg"):
        assert cdn not in html.lower()
    assert ".marker-cluster-small" not in html  # few places: no cluster assets needed


def test_cdn_option_links_leaflet_instead_of_inlining(briefing):
    html = page_html(briefing, cdn=True)
    assert re.search(r'<script src="https://cdn\.jsdelivr\.net/npm/leaflet@[\d.]+/dist/leaflet\.js">', html)
    assert len(html) < len(page_html(briefing)) - 100_000


def test_many_places_inline_marker_cluster():
    html = page_html(synthetic_briefing(400, 10))
    assert ".marker-cluster-small" in html and "MarkerClusterGroup" in html
    assert not EXTERNAL.search(html)


def test_page_is_deterministic_across_processes(briefing, tmp_path):
    first = save_briefing(briefing, tmp_path / "one")
    code = (
        "import sys; sys.path.insert(0, {render!r});"
        "from render_factory import small_briefing;"
        "from geobrief.render import save_briefing;"
        "save_briefing(small_briefing(), {out!r})"
    ).format(render=str(Path(__file__).parent), out=str(tmp_path / "two"))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])
    for path in first:
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes()


def test_page_has_no_random_folium_names(briefing):
    html = page_html(briefing)
    assert not re.search(r"_[0-9a-f]{32}\b", html)


def test_save_writes_page_and_geojson(briefing, tmp_path):
    paths = save_briefing(briefing, tmp_path / "out")
    assert [p.name for p in paths] == ["briefing.html", "places.geojson"]
    assert json.loads(paths[1].read_text(encoding="utf-8")) == places_geojson(briefing)
    assert paths[0].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_hostile_text_never_appears_as_markup(hostile):
    html = page_html(hostile)
    for bad in HOSTILE:
        if "<" in bad:
            assert bad not in html, bad
    assert "alert(99)</script>" not in html
    assert "\u2028" not in html
    # the only scripts are ours: count <script> openings against the clean page
    clean = page_html(synthetic_briefing(5, 2))
    assert html.count("<script") == clean.count("<script")
    assert "javascript:alert" not in html.replace("\\u003c", "<").split('"url":')[0]


def test_hostile_layer_names_are_escaped_for_leaflet(hostile):
    names = [layer.layer_name for layer in briefing_layers(hostile)]
    assert any("&lt;script&gt;" in n for n in names)
    assert not any("<" in n for n in names)


def test_layers_work_on_any_folium_map(briefing):
    m = folium.Map()
    layers = briefing_layers(briefing)
    assert all(isinstance(layer, folium.FeatureGroup) for layer in layers)
    for layer in layers:
        m.add_child(layer)
    folium.LayerControl().add_to(m)
    html = m.get_root().render()
    assert html.count("geobrief.load(") == 1
    assert html.count("geobrief.facet(") == len(layers) - 1
    assert "window.geobrief" in html  # runtime added to the host page's head


def test_render_reuses_a_given_map(briefing):
    m = folium.Map(location=[0, 0], zoom_start=3)
    assert to_map(briefing, m=m) is m
    html = m.get_root().render()
    assert "geobrief.load(" in html
    assert html.count("L.control.layers(") == 1


def test_old_briefing_to_map_still_works_with_a_deprecation_warning(briefing):
    with pytest.warns(DeprecationWarning, match=r"geobrief\.render\.to_map"):
        m = briefing.to_map(tiles=False)
    assert isinstance(m, folium.Map)
    assert "geobrief.load(" in m.get_root().render()


def test_fragment_is_a_sandboxed_escaped_frame(hostile):
    frag = briefing_fragment(hostile)
    assert frag.startswith('<div class="geobrief-fragment"')
    assert 'sandbox="allow-scripts' in frag and "allow-same-origin" not in frag
    inner = frag.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
    assert "<" not in inner and '"' not in inner  # the whole page is attribute-escaped
    assert frag.isascii()  # right in a host page read as windows-1252 (no <meta charset>)
    assert hostile._repr_html_() == frag


def test_tiles_are_optional(briefing):
    assert "tile.openstreetmap.org/{z}" in page_html(briefing)
    assert "tile.openstreetmap.org/{z}" not in page_html(briefing, tiles=False)


def test_offline_outline_is_shipped_and_small():
    data = json.loads(CACHE.read_text(encoding="utf-8"))
    assert len(data["features"]) > 150
    assert CACHE.stat().st_size < 200_000


def test_outline_cache_is_reproducible_from_installed_source():
    source = source_path()
    if source is None:
        pytest.skip("pyogrio's Natural Earth fixture is not installed")
    assert build_outline(source) == json.loads(CACHE.read_text(encoding="utf-8"))


def test_jinja_syntax_in_text_is_not_evaluated(briefing):
    from dataclasses import replace

    art = replace(briefing.articles[0], title="{{ 7*7 }} {% if true %}yes{% endif %}")
    html = page_html(replace(briefing, articles=(art, *briefing.articles[1:])))
    assert "\\u007b{ 7*7 }}" in html and "\\u007b% if true %}yes" in html
    assert "\\u0026#123;\\u0026#123; 7*7" in html  # the layer-control label, as an HTML entity
    assert "{{ 7*7 }}" not in html and "yes{% endif %}" not in html


def test_geonames_is_credited_in_the_map_attribution(briefing):
    html = page_html(briefing)
    assert "Country outlines: Natural Earth" in html
    assert 'Place names: <a href="https://www.geonames.org/"' in html
    assert "(CC BY 4.0)" in html


def test_untitled_article_layers_are_named_by_their_opening_words(briefing):
    from dataclasses import replace

    art = replace(briefing.articles[0], title=None, source=None)
    names = [
        layer.layer_name for layer in briefing_layers(replace(briefing, articles=(art, briefing.articles[1])))
    ]
    assert "Article: Officials said troops withdrew from\u2026 (4)" in names
    assert not any(art.id in n for n in names)


def test_layer_control_starts_folded(briefing):
    html = page_html(briefing)
    assert re.search(r'L\.control\.layers\([^;]*"collapsed":\s*true', html, re.S)


def _page_payload(html: str) -> dict:
    """The JSON payload a page hands to ``geobrief.load`` (its data block, read by id)."""
    start = html.index("geobrief.load(") + len("geobrief.load(")
    block_id, _ = json.JSONDecoder().raw_decode(html, start)
    start = html.index(f'<script type="application/json" id="{block_id}">') + len(block_id) + 38
    payload, _ = json.JSONDecoder().raw_decode(html, start)
    return payload


def test_page_carries_claim_confidence_and_the_threshold_control():
    from render_factory import confidence_briefing

    html = page_html(confidence_briefing(), tiles=False)
    payload = _page_payload(html)
    confs = {p["id"]: [c["conf"] for c in p["c"]] for p in payload["places"]}
    assert confs == {
        "p:northbridge": [0.92],
        "p:port-alder": [0.35],
        "p:eastvale": [0.3, 0.85],
        "p:freedonia": [],
        "p:quiet": [],
    }
    assert payload["confidence"]["low"] == 0.5
    # the runtime that draws the popup's "confidence 0.85 (high)" and the slider is inlined
    assert "Hide claims below confidence " in html and "setThreshold" in html
    assert not EXTERNAL.search(html)

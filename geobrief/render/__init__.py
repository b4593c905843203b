"""Render a briefing: a self-contained Folium map with an articles panel.

The page is a Folium/Leaflet map whose markers, popups, legend and articles
panel are drawn by a small runtime (``static/geobrief.js``) from one JSON
payload (:mod:`geobrief.render.payload`).  Article text only ever reaches
the page as JSON data turned into DOM text, so it displays literally.

By default every script and style is inlined from installed packages
(``xstatic-leaflet``, ``xstatic-leaflet-markercluster``): a saved
``briefing.html`` opens with no network, over an offline basemap of country
outlines.  Element names are derived from the content, so the same briefing
always renders to the same bytes.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sys
import types
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geobrief.atomic import AtomicFiles, write_atomic
from geobrief.errors import MissingDependencyError, RenderError
from geobrief.model import EVENTS, event_label
from geobrief.render.payload import ARTICLE_LAYERS, article_lead, build_payload, script_json

if TYPE_CHECKING:  # pragma: no cover - typing only
    import folium

    from geobrief.model import Briefing

__all__ = [
    "to_map",
    "briefing_layers",
    "save_briefing",
    "briefing_fragment",
    "offline",
    "snapshot",
    "CLUSTER_THRESHOLD",
]

#: Above this many places, markers are clustered (unless ``cluster=`` says otherwise).
CLUSTER_THRESHOLD = 150

#: Chromium flags for headless use in containers and CI (the sandbox: see :func:`launch_chromium`).
CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

_TILE_HOSTS = "https://tile.openstreetmap.org"


def _short(text: str | None, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _layer_name(text: str) -> str:
    """A layer-control label: Leaflet inserts it as HTML, and folium compiles
    rendered macros as Jinja templates, so escape markup and braces."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def briefing_layers(
    briefing: Briefing, *, cluster: bool | None = None, cdn: bool = False
) -> list[folium.FeatureGroup]:
    """The briefing as ``folium.FeatureGroup`` layers for any Folium map.

    Parameters
    ----------
    briefing : Briefing
        The briefing to draw.
    cluster : bool, optional
        Cluster markers; by default when there are more than
        :data:`CLUSTER_THRESHOLD` places.
    cdn : bool
        Reference the marker-cluster assets on a CDN instead of inlining them.

    Returns
    -------
    list of folium.FeatureGroup
        First the data layer (all markers, panel and legend; not in the
        layer control), then one toggleable layer per event type, the
        context layers (mentioned-only places, countries and regions) and
        one layer per article (up to :data:`ARTICLE_LAYERS` articles).  Add them all to the map (the first one is
        required), then a ``folium.LayerControl``.
    """
    from geobrief.render.elements import BriefingLayer

    if cluster is None:
        cluster = len(briefing.places) > CLUSTER_THRESHOLD
    payload = build_payload(briefing, cluster=cluster)
    ctl = payload["id"]
    layers = [BriefingLayer("Briefing places", ctl=ctl, payload=payload, cdn=cdn)]
    for name, dim, key in layer_specs(payload):
        layers.append(BriefingLayer(name, ctl=ctl, dim=dim, key=key))
    for i, layer in enumerate(layers):  # deterministic JS names
        layer._id = f"{ctl}_{i}"
    return layers


def layer_specs(payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The toggleable layers of a briefing: ``(name, dimension, key)`` for each.

    One layer per event type, the *Mentioned only* and *Countries & regions*
    context layers, and one per article up to :data:`ARTICLE_LAYERS`
    articles.  Names are HTML-escaped (Leaflet's layer control inserts them
    as HTML) and carry the number of places in the layer.

    Parameters
    ----------
    payload : dict
        From :func:`geobrief.render.payload.build_payload`.

    Returns
    -------
    list of tuple
        In layer-control order.
    """
    places = payload["places"]
    counts: Counter[tuple[str, str]] = Counter(
        (dim, key) for p in places for dim, keys in p["f"].items() for key in keys
    )

    def count(dim: str, key: str) -> int:
        return counts[(dim, key)]

    specs: list[tuple[str, str, str]] = []
    # Layer names reach Leaflet's layer control as HTML: escape them.
    for event in EVENTS:
        n = count("status", event)
        if n:
            specs.append((_layer_name(f"{event_label(event).capitalize()} ({n})"), "status", event))
    n = count("status", "mentioned")
    if n:
        specs.append((f"Mentioned only ({n})", "status", "mentioned"))
    n = count("scope", "areas")
    if n:
        specs.append((f"Countries &amp; regions ({n})", "scope", "areas"))
    # One layer per article while the layer control can list them; a big feed is read in the panel.
    per_article = payload["articles"] if len(payload["articles"]) <= ARTICLE_LAYERS else []
    for ai, article in enumerate(per_article):
        key = f"a{ai}"
        # Untitled articles are named by their opening words, not a file name.
        label = _short(article["title"]) if article["title"] else article_lead(article["text"], 44)
        label = label or article["id"]
        if article["source"]:
            label = f"{_short(article['source'], 24)}: {label}"
        specs.append((_layer_name(f"Article: {label} ({count('article', key)})"), "article", key))
    return specs


def _walk(element: Any):
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def to_map(
    briefing: Briefing,
    m: folium.Map | None = None,
    *,
    cdn: bool = False,
    tiles: bool = True,
    cluster: bool | None = None,
) -> folium.Map:
    """Draw the briefing on a Folium map.

    Parameters
    ----------
    briefing : Briefing
        The briefing to draw.
    m : folium.Map, optional
        An existing map to draw on (its basemap and assets are kept); by
        default a new self-contained map fitted to the places.
    cdn : bool
        Reference Leaflet and marker-cluster assets on CDNs instead of
        inlining them.
    tiles : bool
        Add the OpenStreetMap tile layer (new maps only); the offline
        country outlines are always drawn under it.
    cluster : bool, optional
        Cluster markers; by default above :data:`CLUSTER_THRESHOLD` places.

    Returns
    -------
    folium.Map
        The map (``m`` itself when given).
    """
    import folium

    from geobrief.render.elements import OutlineLayer, RawHTML, add_leaflet
    from geobrief.render.outline import outline_json
    from geobrief.render.payload import script_safe

    new = m is None
    if m is None:
        m = folium.Map(
            location=[20.0, 0.0],
            zoom_start=2,
            tiles=None,
            control_scale=True,
            world_copy_jump=True,
            max_zoom=18,
        )
        # Folium's defaults pull Bootstrap, jQuery, Font Awesome… from CDNs: geobrief needs only Leaflet.
        m.default_js = []
        m.default_css = []
        root = m.get_root()
        csp = _csp(cdn=cdn, tiles=tiles)
        root.header.add_child(
            RawHTML(f'<meta http-equiv="Content-Security-Policy" content="{csp}"/>'), name="gb_csp"
        )
        root.header.add_child(RawHTML('<meta name="referrer" content="no-referrer"/>'), name="gb_referrer")
        root.header.add_child(RawHTML(f"<title>{html.escape(briefing.title)}</title>"), name="gb_title")
        add_leaflet(root, cdn)
        outline = outline_json()
        if outline:
            m.add_child(OutlineLayer(script_safe(outline)))
        if tiles:
            folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=True).add_to(m)
    layers = briefing_layers(briefing, cluster=cluster, cdn=cdn)
    for layer in layers:
        m.add_child(layer)
    if not any(isinstance(c, folium.LayerControl) for c in m._children.values()):
        # Folded (an icon that opens on hover or tap): unfolded, it would cover the popups.
        control = folium.LayerControl(position="topleft", collapsed=True)
        control._id = f"{layers[0].ctl}_control"
        m.add_child(control)
    if new:
        layers[0].fit = True  # the runtime fits the places, leaving room for the panel
        # Folium names elements with random ids: rename them from the content.
        prefix = layers[0].ctl
        for i, element in enumerate(_walk(m.get_root())):
            if element not in layers and not element._id.startswith("gb_"):
                element._id = f"{prefix}n{i}"
    return m


def _csp(*, cdn: bool, tiles: bool) -> str:
    """Content-Security-Policy of a standalone page: nothing loads but tiles (and CDNs if asked)."""
    hosts = " https://cdn.jsdelivr.net" if cdn else ""
    img = "data:" + (f" {_TILE_HOSTS}" if tiles else "")
    return (
        "default-src 'none'; "
        f"script-src 'unsafe-inline'{hosts}; style-src 'unsafe-inline'{hosts}; "
        f"img-src {img}; font-src 'none'; connect-src 'none'; "
        "frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
    )


def page_html(
    briefing: Briefing, *, cdn: bool = False, tiles: bool = True, cluster: bool | None = None
) -> str:
    """The standalone HTML page of a briefing (what ``briefing.html`` holds).

    Written without folium (see :mod:`geobrief.render.page`): the same map
    as :func:`to_map` draws, and a fast start for ``geobrief build``.
    """
    from geobrief.render.page import standalone_page

    if cluster is None:
        cluster = len(briefing.places) > CLUSTER_THRESHOLD
    payload = build_payload(briefing, cluster=cluster)
    return standalone_page(
        briefing, payload, layer_specs(payload), csp=_csp(cdn=cdn, tiles=tiles), cdn=cdn, tiles=tiles
    )


def save_briefing(
    briefing: Briefing, directory: str | Path, *, cdn: bool = False, tiles: bool = True
) -> list[Path]:
    """Write ``briefing.html`` and ``places.geojson`` to *directory*.

    Parameters
    ----------
    briefing : Briefing
        The briefing to save.
    directory : str or Path
        Output directory (created if needed).
    cdn : bool
        Reference CDN assets instead of inlining them.
    tiles : bool
        Include the online OpenStreetMap tile layer.

    Returns
    -------
    list of Path
        ``[briefing.html, places.geojson]``.  Both are byte-identical for
        the same briefing.

    Raises
    ------
    RenderError
        If the files cannot be written (a full disk, no permission); the
        previous ``briefing.html`` and ``places.geojson``, if any, are then
        left as they were (see :mod:`geobrief.atomic`).
    """
    from geobrief.frames import places_geojson

    directory = Path(directory)
    page = directory / "briefing.html"
    geo = directory / "places.geojson"
    page_text = page_html(briefing, cdn=cdn, tiles=tiles)  # rendered before anything is written
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # Both files, or neither: each goes to a temporary file first; both are renamed last.
        with AtomicFiles() as out:
            out.write_text(page, page_text)
            del page_text
            out.write_text(geo, json.dumps(places_geojson(briefing), ensure_ascii=False, indent=1) + "\n")
    except OSError as exc:
        raise RenderError(f"cannot write the briefing to {directory}: {exc}") from exc
    return [page, geo]


def briefing_fragment(briefing: Briefing, *, height: int = 640, tiles: bool = True) -> str:
    """An embeddable HTML fragment of the briefing (also its Jupyter view).

    The page is isolated in a sandboxed ``<iframe srcdoc>`` (scripts allowed,
    no same-origin access): its CSS and ids cannot clash with the host page,
    the fragment can appear any number of times on one page, and no article
    text can reach the host document.

    Parameters
    ----------
    briefing : Briefing
        The briefing.
    height : int
        Height of the frame in CSS pixels.
    tiles : bool
        Include the online tile layer.

    Returns
    -------
    str
        HTML (a ``div`` holding the ``iframe``).
    """
    page = page_html(briefing, tiles=tiles)
    title = html.escape(f"Briefing map: {briefing.title}", quote=True)
    fragment = (
        '<div class="geobrief-fragment" style="width:100%;">'
        f'<iframe title="{title}" srcdoc="{html.escape(page, quote=True)}" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #ccc;border-radius:4px;"></iframe>'
        "</div>"
    )
    # Pure ASCII: a host page without <meta charset> (read as windows-1252)
    # still shows "Ţarţūs"; the references are decoded with the attribute.
    return fragment.encode("ascii", "xmlcharrefreplace").decode("ascii")


def offline(m: folium.Map, *, keep_cdn: bool = False) -> folium.Map:
    """Make a folium map of your own open with no network: inline Leaflet.

    Folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs.  This
    replaces the Leaflet links with the copy inlined from ``xstatic-leaflet``
    (as geobrief's own pages have it) and, unless *keep_cdn*, drops folium's
    other default CDN assets, which only ``folium.Icon`` (awesome-markers)
    markers and Bootstrap-styled popups use.  Plugins that add CDN assets of
    their own keep them.

    Parameters
    ----------
    m : folium.Map
        The map; changed in place.
    keep_cdn : bool
        Keep jQuery, Bootstrap, Font Awesome and awesome-markers links.

    Returns
    -------
    folium.Map
        *m*.

    Raises
    ------
    RenderError
        *m* is not a ``folium.Map``.
    """
    import folium

    from geobrief.render.elements import add_leaflet

    if not isinstance(m, folium.Map):
        raise RenderError(f"offline() takes a folium.Map, not {type(m).__name__}")
    m.default_js = [(n, u) for n, u in m.default_js if n != "leaflet"] if keep_cdn else []
    m.default_css = [(n, u) for n, u in m.default_css if n != "leaflet_css"] if keep_cdn else []
    header = m.get_root().header
    add_leaflet(m.get_root(), cdn=False)
    for name in ("gb_leaflet_js", "gb_leaflet_css"):  # before anything that uses L
        header._children.move_to_end(name, last=False)
    return m


def chromium_executable() -> str | None:
    """Path of a Chromium to drive (``GEOBRIEF_CHROMIUM``, else ``chromium`` on PATH)."""
    for candidate in (os.environ.get("GEOBRIEF_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch_chromium(pw: Any, exe: str, args: Sequence[str] = CHROMIUM_ARGS) -> Any:
    """Launch headless Chromium, sandboxed wherever the machine allows it.

    Chromium's sandbox cannot run as root, nor where user namespaces are
    disabled: then (and only then) it runs with ``--no-sandbox``, and a log
    line (``geobrief.render`` logger, warning) says so and why.

    Parameters
    ----------
    pw : playwright Playwright
        A started ``sync_playwright()``.
    exe : str
        Path of the Chromium executable.
    args : sequence of str
        More Chromium flags.
    """
    import logging

    log = logging.getLogger(__name__)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        log.warning("geobrief: Chromium runs without its sandbox (running as root, where it cannot start)")
        return pw.chromium.launch(executable_path=exe, args=list(args), chromium_sandbox=False)
    try:
        return pw.chromium.launch(executable_path=exe, args=list(args), chromium_sandbox=True)
    except Exception as exc:  # noqa: BLE001 - any launch failure: retry once without the sandbox
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.warning("geobrief: Chromium runs without its sandbox (the sandbox did not start: %s)", first)
        return pw.chromium.launch(executable_path=exe, args=list(args), chromium_sandbox=False)


def _snapshot_route(page_url: str, blocked: list[str]) -> Any:
    """Route handler of a snapshot: the briefing file itself and ``data:``/``blob:`` URLs, nothing else.

    Any other ``file:`` URL (another file of the disk) and every network request is aborted and
    recorded in *blocked*.
    """

    def route(r: Any) -> None:
        url = r.request.url
        if url.split("#", 1)[0] == page_url or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    return route


def offline_route(route: Any) -> None:
    """Playwright route handler: allow ``file:``/``data:``/``about:`` requests, abort the rest."""
    if route.request.url.startswith(("file:", "data:", "about:")):
        route.continue_()
    else:
        route.abort()


def wait_until_settled(page: Any, timeout_ms: int = 4_000) -> None:
    """Wait until every briefing map on a Playwright page has stopped panning.

    A popup's auto-pan moves the map after it opens.  Polled from Python:
    ``wait_for_function`` evaluates a string in the page, which the page's
    Content-Security-Policy (rightly) forbids.
    """
    for _ in range(max(1, timeout_ms // 20)):
        if page.evaluate(
            "geobrief.controllers().every(c => !c.map || !c.map._panAnim || !c.map._panAnim._inProgress)"
        ):
            break
        page.wait_for_timeout(20)
    page.wait_for_timeout(50)


def prepare_view(
    page: Any, *, place: str | None = None, zoom: int | None = None, passage: bool = False
) -> dict[str, Any]:
    """Set up the view of a loaded briefing page before a snapshot.

    Parameters
    ----------
    page : playwright Page
        A page showing a briefing (``.gb-map[data-gb-loaded="1"]``).
    place : str, optional
        Open this place's popup: its id, gazetteer name or shown name
        (case-insensitive).  The map centres on it, then auto-pans so the
        popup is in view.
    zoom : int, optional
        Zoom level (with *place*: the zoom the place is shown at).
    passage : bool
        With *place*: also follow the popup's first excerpt link, so the
        articles panel shows that passage highlighted.

    Returns
    -------
    dict
        ``{"place": id or None, "passage": anchor id or None}``.

    Raises
    ------
    RenderError
        No place matches *place*, or the page holds no briefing.
    """
    if not page.evaluate("!!(window.geobrief && geobrief.controllers().length)"):
        raise RenderError("the page holds no briefing map")
    done: dict[str, Any] = {"place": None, "passage": None}
    if place is None:
        if zoom is not None:
            page.evaluate(
                "z => { const c = geobrief.controllers()[0]; c.map.setZoom(z, {animate: false}); }", zoom
            )
        return done
    index = page.evaluate("q => geobrief.find(geobrief.controllers()[0], q)", place)
    if index < 0:
        raise RenderError(f"no place called {place!r} in this briefing")
    page.evaluate("([i, z]) => geobrief.controllers()[0].openPlace(i, z)", [index, zoom])
    popup = page.locator(".leaflet-popup .gb-popup")
    popup.wait_for(timeout=10_000)
    wait_until_settled(page)
    done["place"] = popup.get_attribute("data-gb-place")
    if passage:
        link = page.locator(".leaflet-popup .gb-goto").first
        if link.count():
            done["passage"] = link.get_attribute("data-gb-target")
            link.dispatch_event("click")  # a real click would first scroll the map container
            page.wait_for_timeout(350)  # the highlight fades in
    return done


def snapshot(
    briefing_html: Path,
    png: Path,
    *,
    width: int = 1280,
    height: int = 800,
    place: str | None = None,
    zoom: int | None = None,
    passage: bool = False,
    palette: bool = False,
) -> Path:
    """Write a PNG of a briefing page with headless Chromium (offline).

    Parameters
    ----------
    briefing_html : Path
        A saved ``briefing.html``.
    png : Path
        Output PNG path.
    width, height : int
        Viewport size in CSS pixels.
    place : str, optional
        Open this place's popup first (id, gazetteer or shown name); see
        :func:`prepare_view`.
    zoom : int, optional
        Zoom level of the view.
    passage : bool
        Also follow the popup's first excerpt link (the articles panel
        shows the passage highlighted).
    palette : bool
        Write a 256-colour palette PNG (about a third of the size, for
        documents); by default the full-colour screenshot.

    Returns
    -------
    Path
        *png*.

    Raises
    ------
    MissingDependencyError
        Playwright is not installed.
    RenderError
        No Chromium, the page did not load, or no place matches *place*.
    """
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise MissingDependencyError("playwright", "PNG snapshots", "browser") from exc
    exe = chromium_executable()
    if exe is None:
        raise RenderError("no Chromium found for snapshots (install chromium or set GEOBRIEF_CHROMIUM)")
    source, png = Path(briefing_html).resolve(), Path(png)
    if not source.exists():
        raise RenderError(f"no such page: {source}")

    page_url = source.as_uri()

    def shoot() -> None:
        with sync_playwright() as pw:
            browser = launch_chromium(pw, exe)
            try:
                context = browser.new_context(viewport={"width": int(width), "height": int(height)})
                page = context.new_page()
                blocked: list[str] = []
                blocked_code: list[str] = []
                left: list[str] = []  # main-frame navigations (the briefing's own first)
                isolate = _snapshot_route(page_url, blocked)

                def route(r: Any) -> None:
                    # Tiles may fail (the outlines lie under them); the page's own code may not.
                    if r.request.resource_type in ("script", "stylesheet") and not r.request.url.startswith(
                        ("file:", "data:", "about:")
                    ):
                        blocked_code.append(r.request.url)
                    if r.request.is_navigation_request() and r.request.frame == page.main_frame:
                        left.append(r.request.url)
                    isolate(r)

                def refuse_if_left() -> None:
                    away = [u for u in left if u.split("#", 1)[0] != page_url]
                    if away or page.url.split("#", 1)[0] != page_url:
                        # Never a picture of anything but the briefing (its navigation was blocked).
                        where = away[0] if away else page.url
                        raise RenderError(
                            f"{source} tried to leave itself for {where[:120]}; blocked, and no snapshot written"
                        )

                # On the context: pop-ups, workers and frames are isolated too.
                context.route("**/*", route)
                page.goto(page_url, wait_until="load")
                if blocked_code:
                    raise RenderError(
                        f"{source} loads its scripts from the network ({blocked_code[0]}), which a "
                        "snapshot never reaches: build it without --cdn to snapshot it"
                    )
                try:
                    if page.query_selector(".folium-map"):
                        page.wait_for_selector('.gb-map[data-gb-loaded="1"]', timeout=60_000)
                        # A big (packed) page inflates its article texts just after drawing the map.
                        page.wait_for_selector('.gb-map[data-gb-texts="1"]', state="attached", timeout=60_000)
                        if place is not None or zoom is not None or passage:
                            prepare_view(page, place=place, zoom=zoom, passage=passage)
                    page.wait_for_timeout(200)  # let Leaflet finish painting
                    data = page.screenshot()
                except PlaywrightError:
                    # a page that tries to leave can destroy its own context under a query: say why
                    refuse_if_left()
                    raise
                refuse_if_left()
                if palette:
                    from geobrief.render.png import palette_png

                    data = palette_png(data, browser.new_page())  # a blank page decodes the pixels
                write_atomic(png, data)
            finally:
                browser.close()

    from concurrent.futures import ThreadPoolExecutor  # here: a page without snapshot never needs it

    try:
        png.parent.mkdir(parents=True, exist_ok=True)
        # Playwright's sync API refuses a thread with a running event loop
        # (Jupyter, or another sync Playwright): use a thread of our own.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(shoot).result()
    except PlaywrightError as exc:
        raise RenderError(f"snapshot of {source} failed: {exc}") from exc
    return png


# Keep the JSON helper importable from here for embedding code.
__all__ += [
    "script_json",
    "page_html",
    "chromium_executable",
    "offline_route",
    "launch_chromium",
    "prepare_view",
    "wait_until_settled",
    "CHROMIUM_ARGS",
    "layer_specs",
]


# -- deprecation path --------------------------------------------------------
# geobrief.render used to be both this module and its drawing function (which
# is now to_map): ``geobrief.render(b, m=m)`` and ``from geobrief.render import
# render`` still work, with a DeprecationWarning.
_RENAMED = {"render": "to_map"}


def _deprecated(old: str, new: str) -> None:
    warnings.warn(
        f"{old} is deprecated: use geobrief.render.{new}(briefing, ...)", DeprecationWarning, stacklevel=3
    )


def __getattr__(name: str) -> Any:
    if name in _RENAMED:
        new = _RENAMED[name]
        _deprecated(f"geobrief.render.{name}", new)
        return globals()[new]
    raise AttributeError(f"module 'geobrief.render' has no attribute {name!r}")


class _CallableModule(types.ModuleType):
    def __call__(self, briefing: Briefing, m: folium.Map | None = None, **kwargs: Any) -> folium.Map:
        _deprecated("calling geobrief.render(...)", "to_map")
        return to_map(briefing, m, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

"""The seed briefing on three screens: every marker clickable, every popup inside the view."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from geobrief.render import save_briefing, wait_until_settled

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEEDS = Path(__file__).parents[2] / "seeds"

#: (width, height, mobile): a laptop, a small window, a phone (device emulation).
SCREENS = [(1400, 900, False), (800, 600, False), (390, 844, True)]


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory):
    from geobrief.pipeline import brief

    b = brief([str(SEEDS)])
    html, _ = save_briefing(b, tmp_path_factory.mktemp("seed"), tiles=False)
    return b, html


def _context(chromium, width, height, mobile):
    extra = {"device_scale_factor": 3, "is_mobile": True, "has_touch": True} if mobile else {}
    context = chromium.new_context(viewport={"width": width, "height": height}, **extra)
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()
    )
    return context


@contextmanager
def _screen(chromium, html, width, height, mobile):
    """The seed page, loaded, on a screen of this size (the context closed afterwards)."""
    context = _context(chromium, width, height, mobile)
    try:
        page = context.new_page()
        page.goto(html.resolve().as_uri(), wait_until="load")
        page.wait_for_selector('.gb-map[data-gb-loaded="1"]')
        yield page
    finally:
        context.close()


def _hit(page, place_id):
    """The centre of a marker, and whether a click there reaches that marker (nothing covers it)."""
    return page.evaluate(
        """id => {
          const e = document.querySelector('.leaflet-marker-icon[data-gb-place="' + CSS.escape(id) + '"]');
          const r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
          const inView = x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight;
          const top = inView ? document.elementFromPoint(x, y) : null;
          return {x, y, inView, hits: !!top && e.contains(top)};
        }""",
        place_id,
    )


@pytest.mark.parametrize(("width", "height", "mobile"), SCREENS, ids=[f"{w}x{h}" for w, h, _ in SCREENS])
def test_every_marker_clickable_and_its_popup_inside_the_view(chromium, seed_page, width, height, mobile):
    b, html = seed_page
    context = _context(chromium, width, height, mobile)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(html.resolve().as_uri(), wait_until="load")
        page.wait_for_selector('.gb-map[data-gb-loaded="1"]')
        ids = page.eval_on_selector_all(
            ".leaflet-marker-icon[data-gb-place]", "es => es.map(e => e.dataset.gbPlace)"
        )
        assert sorted(ids) == sorted(p.id for p in b.places)
        # The first view shows every point with a claim, uncovered (a country's centre may lie outside).
        claimed = set(
            page.evaluate(
                "geobrief.controllers()[0].d.places.filter(p => p.c.length && !p.area).map(p => p.id)"
            )
        )
        assert len(claimed) >= 5
        first = {pid: _hit(page, pid) for pid in claimed}
        assert {pid for pid, h in first.items() if not (h["inView"] and h["hits"])} == set()
        for pid in ids:
            hit = _hit(page, pid)
            if not hit["hits"]:  # far away, or under the panel: bring it to the middle first
                page.evaluate(
                    "id => { const c = geobrief.controllers()[0], i = geobrief.find(c, id);"
                    " c.map.panTo(c.markers[i].getLatLng(), {animate: false}); }",
                    pid,
                )
                hit = _hit(page, pid)
            assert hit["hits"], f"{pid}: something covers the marker at {width}x{height}"
            page.mouse.click(hit["x"], hit["y"])
            popup = page.locator(".leaflet-popup")
            popup.wait_for()
            wait_until_settled(page)
            assert page.locator(".leaflet-popup .gb-popup").get_attribute("data-gb-place") == pid
            box = popup.bounding_box()
            assert box["x"] >= 0 and box["y"] >= 0, (pid, box)
            assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (pid, box)
            page.locator(".leaflet-popup-close-button").click()
            popup.wait_for(state="detached")
        assert errors == []
    finally:
        context.close()


def test_phone_starts_with_panel_and_legend_closed_and_opens_a_bottom_sheet(chromium, seed_page):
    _, html = seed_page
    with _screen(chromium, html, 390, 844, True) as page:
        assert "gb-collapsed" in page.locator(".gb-panel").get_attribute("class")
        assert "gb-collapsed" in page.locator(".gb-legend").get_attribute("class")
        attribution = page.locator(".leaflet-control-attribution").bounding_box()
        assert attribution["height"] < 24  # one line
        page.locator(".gb-toggle").click()
        sheet = page.locator(".gb-panel").bounding_box()
        assert sheet["width"] > 360 and sheet["y"] + sheet["height"] <= 844 and sheet["y"] > 844 / 3
        page.locator(".gb-toggle").click()  # the sheet closes to its bar again
        assert page.locator(".gb-panel").bounding_box()["height"] < 40
        page.locator(".gb-legend-toggle").click()
        assert "gb-collapsed" not in page.locator(".gb-legend").get_attribute("class")


def test_laptop_starts_with_panel_and_legend_open_and_names_claimed_places(chromium, seed_page):
    b, html = seed_page
    with _screen(chromium, html, 1400, 900, False) as page:
        assert "gb-collapsed" not in page.locator(".gb-panel").get_attribute("class")
        assert "gb-collapsed" not in page.locator(".gb-legend").get_attribute("class")
        names = page.eval_on_selector_all(".gb-label.gb-label-on", "es => es.map(e => e.textContent)")
        assert {"Qamishli", "Tartus", "Hmeimim Air Base", "Moscow"} <= set(names)
        boxes = page.eval_on_selector_all(
            ".gb-label.gb-label-on",
            "es => es.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })",
        )
        for i, a in enumerate(boxes):  # no two names overlap
            for c in boxes[i + 1 :]:
                assert not (a[0] < c[2] and c[0] < a[2] and a[1] < c[3] and c[1] < a[3])
        assert page.locator(".gb-leader").count() >= 2  # Hmeimim and Tartus spread apart, with leader lines

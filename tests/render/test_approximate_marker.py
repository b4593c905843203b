"""The map draws an approximate place (a street placed at its town) distinctly and says so."""

from __future__ import annotations

import pytest

from geobrief.gazetteer import Gazetteer
from geobrief.model import Article, Candidate
from geobrief.pipeline import Pipeline
from geobrief.render import save_briefing

pytestmark = pytest.mark.browser


def _briefing():
    def c(gid: str, name: str, lat: float, lon: float) -> Candidate:
        return Candidate(f"test:{gid}", name, lat, lon, "city", "", "ZZ", "", 50_000, "test")

    gaz = Gazetteer.from_entries(
        [(c("ridge", "Ridgeton", 45.3, -68.9), []), (c("lake", "Lakeport", 44.1, -70.2), [])]
    )
    text = "Police closed Harbor Street in Ridgeton on Monday. Lakeport stayed calm."
    return Pipeline(gazetteer=gaz, claims="rules").brief([Article("a1", text, title="Closures")])


def test_approximate_place_has_its_own_marker_and_popup_note(browser_page, tmp_path):
    briefing = _briefing()
    street = next(p for p in briefing.places if p.name == "Harbor Street")
    assert street.kind == "approximate"
    html, _ = save_briefing(briefing, tmp_path, tiles=False)
    page = browser_page.open(html)
    marker = page.locator(f'.leaflet-marker-icon[data-gb-place="{street.id}"]')
    assert "gb-approx" in marker.get_attribute("class")
    # the dashed ring is drawn (a pseudo-element with a dashed border)
    ring = marker.evaluate("e => getComputedStyle(e, '::after').borderTopStyle")
    assert ring == "dashed"
    town = page.locator('.leaflet-marker-icon[data-gb-place="test:ridge"]')
    assert "gb-approx" not in town.get_attribute("class")
    # it stands on its town's spot: open its popup through the page's own controller
    page.evaluate(
        "id => { const c = geobrief.controllers()[0]; c.openPlace(c.d.places.findIndex(p => p.id === id), 9); }",
        street.id,
    )
    popup = page.locator(".leaflet-popup .gb-popup")
    popup.wait_for()
    assert popup.locator(".gb-approx-note").inner_text() == "located approximately: within Ridgeton"
    assert browser_page.errors == []

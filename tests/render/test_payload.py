"""The page payload: safe JSON in scripts, URL filtering, anchors and facets."""

from __future__ import annotations

import json

import pytest
from render_factory import HOSTILE, HOSTILE_URLS, hostile_briefing

from geobrief.render.payload import build_payload, safe_url, script_json


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_cannot_close_a_script_and_round_trips(text):
    out = script_json({"t": text})
    assert "</" not in out and "<!--" not in out and "<" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == {"t": text}


@pytest.mark.parametrize("url", HOSTILE_URLS[:-1])
def test_unsafe_urls_are_dropped(url):
    assert safe_url(url) is None


@pytest.mark.parametrize("url", ["https://a.example/x?y=1#z", "http://a.example", "HTTPS://A.EXAMPLE/"])
def test_http_urls_are_kept(url):
    assert safe_url(url) == url


def test_payload_urls_are_only_http(hostile):
    payload = build_payload(hostile)
    urls = [a["url"] for a in payload["articles"]]
    assert all(u is None or u.startswith(("http://", "https://")) for u in urls)
    assert any(u is not None for u in urls)


def test_payload_marks_mentions_and_passages(briefing):
    payload = build_payload(briefing)
    names = [p["n"] for p in payload["places"]]
    for art in payload["articles"]:
        for s, e, pi in art["marks"]:
            if pi >= 0:
                # every mention mark points at a place whose mentions include that text
                place = briefing.place(payload["places"][pi]["id"])
                assert art["text"][s:e] in place.surface_forms
            else:
                assert art["text"][s:e] == "Zembla"
        for s, e in art["passages"]:
            assert 0 <= s < e <= len(art["text"])
    assert "Northbridge" in names


def test_facets_follow_claims_articles_and_kind(briefing):
    places = {p["id"]: p for p in build_payload(briefing)["places"]}
    assert places["p:eastvale"]["f"]["status"] == ["visit", "protest"]
    assert places["p:eastvale"]["f"]["article"] == ["a0", "a1"]
    assert places["p:quiet"]["f"]["status"] == ["mentioned"]
    assert places["p:freedonia"]["f"]["scope"] == ["areas"]
    assert "scope" not in places["p:port-alder"]["f"]


def test_payload_id_depends_on_content_only(briefing):
    assert build_payload(briefing)["id"] == build_payload(briefing)["id"]
    assert build_payload(briefing)["id"] != build_payload(hostile_briefing())["id"]


def test_evidence_with_bad_offsets_keeps_its_own_text(briefing):
    from dataclasses import replace

    place = briefing.places[1]
    claim = place.claims[0]
    bad = replace(claim.evidence[0], start=10_000, end=10_050, text="Stored sentence.")
    b = replace(briefing, places=(replace(place, claims=(replace(claim, evidence=(bad,)),)),))
    payload = build_payload(b)
    (ev,) = payload["places"][0]["c"][0]["ev"]
    assert ev["t"] == "Stored sentence."
    assert all(e <= len(a["text"]) for a in payload["articles"] for _, e in a["passages"])


def test_evidence_matching_the_article_is_not_duplicated(briefing):
    payload = build_payload(briefing)
    evs = [ev for p in payload["places"] for c in p["c"] for ev in c["ev"]]
    assert evs and all("t" not in ev for ev in evs)

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


def _place_spelled(name: str, *forms: str):
    from geobrief.model import Mention, Place

    mentions = tuple(Mention("a", i * 10, i * 10 + len(f), f) for i, f in enumerate(forms))
    return Place("p", name, 1.0, 2.0, "city", mentions=mentions)


@pytest.mark.parametrize(
    ("name", "forms", "shown"),
    [
        ("Ţarţūs", ["Tartus"], "Tartus"),
        ("Al Qāmishlī", ["Qamishli", "Qamishli", "Qamishli"], "Qamishli"),
        ("Qāmishlī", ["al-Qamishli"], "al-Qamishli"),
        ("Ḩalab", ["Aleppo"], "Ḩalab"),  # another name, not a spelling: keep the gazetteer's
        ("Kurdistan", ["Kurdish"], "Kurdistan"),  # an adjective is not a name
        ("Moscow", ["Moscow", "MOSCOW"], "Moscow"),  # the gazetteer spelling is used: keep it
        ("Dayr az Zawr", ["DEIR"], "Dayr az Zawr"),
        ("Ar Raqqah", ["RAQQAH"], "Ar Raqqah"),  # a headline in capitals is no better
        ("Ar Raqqah", ["Raqqah", "Ar-Raqqah", "Ar-Raqqah"], "Ar-Raqqah"),  # the most used spelling
        ("Łódź", ["Lodz"], "Lodz"),
        ("Ra's al ʿAyn", ["Ras al-Ayn"], "Ras al-Ayn"),
    ],
)
def test_display_name_is_the_articles_spelling_of_the_gazetteer_name(name, forms, shown):
    from geobrief.render.payload import display_name

    assert display_name(_place_spelled(name, *forms)) == shown


def test_fold_name_ignores_marks_case_and_hyphens():
    from geobrief.render.payload import fold_name

    assert fold_name("Ţarţūs") == fold_name("TARTUS") == "tartus"
    assert fold_name("Al-Qāmishlī") == fold_name("al  Qamishli") == "al qamishli"
    assert fold_name("") == ""


def test_payload_carries_shown_name_only_when_it_differs():
    from geobrief.model import Briefing

    tartus = _place_spelled("Ţarţūs", "Tartus")
    payload = build_payload(Briefing(articles=(), places=(tartus,)))
    (p,) = payload["places"]
    assert (p["n"], p["d"]) == ("Ţarţūs", "Tartus")
    assert "d" not in build_payload(briefing_of(_place_spelled("Moscow", "Moscow")))["places"][0]


def briefing_of(*places):
    from geobrief.model import Briefing

    return Briefing(articles=(), places=places)


def test_location_sources_are_one_table(briefing):
    from dataclasses import replace

    places = [replace(p, source="GeoNames cities500", confidence=0.9) for p in briefing.places]
    payload = build_payload(replace(briefing, places=tuple(places)))
    assert payload["sources"] == ["GeoNames cities500"]
    assert {p["src"] for p in payload["places"]} == {0}
    assert {p["conf"] for p in payload["places"]} == {0.9}


def test_untitled_articles_are_led_by_their_opening_words(briefing):
    from dataclasses import replace

    from geobrief.render.payload import article_lead

    text = "President Vladimir V. Putin of Russia was set to welcome President Ahmed al-Sharaa of Syria."
    assert article_lead(text) == "President Vladimir V. Putin of Russia was set to welcome President\u2026"
    assert article_lead("Short text.") == "Short text."
    art = replace(briefing.articles[0], title=None)
    payload = build_payload(replace(briefing, articles=(art, *briefing.articles[1:])))
    assert payload["articles"][0]["lead"] == article_lead(art.text)
    assert payload["articles"][1]["lead"] is None  # titled


def test_claims_and_evidence_carry_their_confidence():
    from render_factory import confidence_briefing

    places = {p["id"]: p for p in build_payload(confidence_briefing())["places"]}
    (withdrawal,) = places["p:northbridge"]["c"]
    assert withdrawal["conf"] == 0.92
    assert [ev["cf"] for ev in withdrawal["ev"]] == [0.92, 0.61]
    assert [c["conf"] for c in places["p:eastvale"]["c"]] == [0.3, 0.85]
    assert places["p:port-alder"]["c"][0]["conf"] == 0.35
    assert places["p:quiet"]["c"] == []


def test_default_confidence_is_one_and_is_rounded_for_the_page(briefing):
    from dataclasses import replace

    payload = build_payload(briefing)
    assert {c["conf"] for p in payload["places"] for c in p["c"]} == {1.0}
    place = briefing.places[1]
    claim = replace(place.claims[0], confidence=0.123456)
    b = replace(briefing, places=(replace(place, claims=(claim,)),))
    assert build_payload(b)["places"][0]["c"][0]["conf"] == 0.12


@pytest.mark.parametrize(
    ("value", "shown", "band"),
    [
        (0.0, 0.0, "low"),
        (0.3, 0.3, "low"),
        (0.494, 0.49, "low"),
        (0.496, 0.5, "medium"),  # the band of the number shown
        (0.5, 0.5, "medium"),
        (0.79, 0.79, "medium"),
        (0.8, 0.8, "high"),
        (1.0, 1.0, "high"),
        (1.7, 1.0, "high"),  # clamped to 0-1
        (-0.2, 0.0, "low"),
        (float("nan"), None, None),
        (float("inf"), None, None),
        (None, None, None),
    ],
)
def test_confidence_value_and_band(value, shown, band):
    from geobrief.render.payload import confidence_band, confidence_value

    assert confidence_value(value) == shown
    assert confidence_band(value) == band


def test_non_finite_confidence_still_makes_valid_json(briefing):
    from dataclasses import replace

    place = briefing.places[1]
    claim = replace(place.claims[0], confidence=float("nan"))
    claim = replace(claim, evidence=tuple(replace(e, confidence=float("inf")) for e in claim.evidence))
    payload = build_payload(replace(briefing, places=(replace(place, claims=(claim,)),)))
    (c,) = payload["places"][0]["c"]
    assert c["conf"] is None and c["ev"][0]["cf"] is None
    assert json.loads(script_json(payload))["places"][0]["c"][0]["conf"] is None


def test_payload_names_the_confidence_bands():
    from geobrief.render.payload import CONFIDENCE_BANDS, LOW_CONFIDENCE

    conf = build_payload(briefing_of())["confidence"]
    assert conf == {"bands": [list(b) for b in CONFIDENCE_BANDS], "low": LOW_CONFIDENCE, "step": 0.05}
    assert [b[1] for b in CONFIDENCE_BANDS] == ["high", "medium", "low"] and LOW_CONFIDENCE == 0.5


def test_claim_order_starts_with_the_main_claim_and_is_sent_when_it_differs():
    from render_factory import confidence_briefing

    from geobrief.render.payload import claim_order

    b = confidence_briefing()
    east = b.place("p:eastvale")  # visit, protest: protest is the main claim (news of a change)
    assert east.main_claim is east.claims[1]
    assert claim_order(east.claims) == [1, 0]
    places = {p["id"]: p for p in build_payload(b)["places"]}
    assert places["p:eastvale"]["rk"] == [1, 0]
    assert "rk" not in places["p:northbridge"]  # one claim
    assert claim_order(()) == []


def test_claim_order_follows_main_claim_rules():
    from geobrief.model import Claim, main_claim
    from geobrief.render.payload import claim_order

    claims = (
        Claim("p", "visit", historical=True),
        Claim("p", "military_presence", "denied"),
        Claim("p", "military_presence"),
        Claim("p", "attack"),
    )
    order = claim_order(claims)
    assert sorted(order) == [0, 1, 2, 3]
    assert claims[order[0]] is main_claim(claims)
    assert order == [3, 2, 1, 0]
    # equal claims are told apart by position
    twins = (Claim("p", "visit"), Claim("p", "visit"))
    assert claim_order(twins) == [0, 1]


def _unpack(block: str) -> dict:
    """Decode a packed data block as the runtime does (inflate, then cut the texts by bytes)."""
    import base64
    import zlib

    wrapper = json.loads(block)
    packed = wrapper["packed"]
    data = json.loads(zlib.decompress(base64.b64decode(packed["data"]), -15))
    columns = data.pop("ac")
    data["articles"] = [{k: columns[k][i] for k in columns} for i in range(len(columns["id"]))]
    for a in data["articles"]:
        a["marks"] = [a["marks"][i : i + 3] for i in range(0, len(a["marks"]), 3)]
        a["passages"] = [a["passages"][i : i + 2] for i in range(0, len(a["passages"]), 2)]
    articles = iter(data["articles"])
    for block, count in zip(packed["texts"], packed["blocks"], strict=True):
        texts, pos = zlib.decompress(base64.b64decode(block), -15), 0
        for _ in range(count):
            a = next(articles)
            n = a.pop("tb")
            a["text"] = texts[pos : pos + n].decode("utf-8")
            pos += n
        assert pos == len(texts)
    keys = data.pop("evk")
    evidence = iter(json.loads(zlib.decompress(base64.b64decode(packed["ev"]), -15)))
    for p in data["places"]:
        for c in p["c"]:
            flat = next(evidence)
            rows = [flat[i : i + len(keys)] for i in range(0, len(flat), len(keys))]
            c["ev"] = [{k: v for k, v in zip(keys, row, strict=True) if v is not None} for row in rows]
    data["id"] = wrapper["id"]
    return data


def test_big_briefing_data_is_compressed_and_decodes_to_the_payload(monkeypatch):
    from dataclasses import replace

    from render_factory import many_sources_briefing

    from geobrief.render.payload import FIRST_BLOCK_ARTICLES, page_data

    b = many_sources_briefing(300, n_places=6, filler="words")
    # non-ASCII and astral text: the runtime cuts the texts by their UTF-8 bytes
    b = replace(
        b,
        articles=(
            replace(b.articles[0], text=b.articles[0].text + " Ţarţūs \U0001f600 </script>"),
            *b.articles[1:],
        ),
    )
    payload = build_payload(b)
    small = page_data(payload)
    assert json.loads(small) == payload  # under the limit: the payload as it is
    block = page_data(payload, compress_above=1000)
    assert "<" not in block and len(block) < len(small) * 0.6
    # the first block holds the articles the panel shows at first (inflated before the map is
    # drawn), the next the rest (under TEXT_BLOCK_BYTES)
    assert json.loads(block)["packed"]["blocks"] == [FIRST_BLOCK_ARTICLES, 300 - FIRST_BLOCK_ARTICLES]
    decoded = _unpack(block)
    for p in payload["places"]:  # the runtime reads a missing key and a null alike
        for c in p["c"]:
            c["ev"] = [{k: v for k, v in ev.items() if v is not None} for ev in c["ev"]]
    assert decoded == payload
    assert page_data(payload, compress_above=1000) == block  # deterministic
    # texts in blocks of about 20 KB (the page inflates the first before drawing, the rest after)
    monkeypatch.setattr("geobrief.render.payload.TEXT_BLOCK_BYTES", 20_000)
    block = page_data(payload, compress_above=1000)
    counts = json.loads(block)["packed"]["blocks"]
    assert len(counts) > 5 and sum(counts) == len(payload["articles"])
    assert _unpack(block) == payload


def test_deflate_blocks_form_one_stream():
    import zlib

    from geobrief.render import payload as payload_module

    data = bytes(range(256)) * 40_000  # 10 MB: three blocks
    assert zlib.decompress(payload_module.deflate(data), -15) == data
    assert zlib.decompress(payload_module.deflate(b""), -15) == b""


def test_article_facets_only_while_articles_have_layers():
    from render_factory import many_sources_briefing

    from geobrief.render.payload import ARTICLE_LAYERS

    small = build_payload(many_sources_briefing(ARTICLE_LAYERS, n_places=4))
    assert all(p["f"]["article"] for p in small["places"])
    # a bigger feed has no per-article layers: its places do not carry the facet
    big = build_payload(many_sources_briefing(ARTICLE_LAYERS + 1, n_places=4))
    assert not any("article" in p["f"] for p in big["places"])
    assert all(p["ar"] for p in big["places"])  # the sources are still counted and linked


def test_offsets_reach_the_page_in_utf16_units_after_emoji():
    # JavaScript indexes strings in UTF-16 code units: an emoji is one Python character, two units.
    from render_factory import astral_briefing

    from geobrief.render.payload import build_payload, utf16_offsets

    briefing = astral_briefing()
    text = briefing.articles[0].text
    js_text = text.encode("utf-16-le")
    payload = build_payload(briefing)

    def js_slice(s, e):
        return js_text[2 * s : 2 * e].decode("utf-16-le")

    ev = payload["places"][0]["c"][0]["ev"][0]
    assert js_slice(ev["ms"], ev["me"]) == "Northbridge"
    assert (
        js_slice(ev["s"], ev["e"])
        == text[briefing.places[0].claims[0].evidence[0].start :].split(" Families")[0]
    )
    marks = payload["articles"][0]["marks"]
    assert [js_slice(s, e) for s, e, _ in marks] == ["Northbridge", "Eastvale"]
    x = payload["places"][1]["x"][0]
    assert js_slice(x[3], x[4]) == "Eastvale"
    assert utf16_offsets("plain ascii") is None and utf16_offsets("caf\u00e9 \u4e2d") is None

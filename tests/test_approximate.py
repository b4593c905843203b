"""Approximate places: streets, buildings, venues and neighbourhoods placed at their town."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geobrief.evaluate import evaluate_geoparsing
from geobrief.gazetteer import Gazetteer
from geobrief.geo import haversine_km
from geobrief.model import Article, Candidate, Mention
from geobrief.pipeline import Pipeline
from geobrief.recognize import Recognizer, local_feature_word
from geobrief.resolve import Resolver
from geobrief.text import sentence_at, sentence_spans


def _c(gid: str, name: str, lat: float, lon: float, kind: str, pop: int = 0) -> Candidate:
    return Candidate(f"test:{gid}", name, lat, lon, kind, "", "ZZ", "Westmark", pop, "test")


LAKEPORT = (44.10, -70.20)
RIDGETON = (45.30, -68.90)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_entries(
        [
            (_c("lake", "Lakeport", *LAKEPORT, "city", 60_000), []),
            (_c("ridge", "Ridgeton", *RIDGETON, "city", 20_000), []),
            (_c("wm", "Westmark", 45.0, -69.0, "admin1", 1_500_000), []),
        ]
    )


def _mentions(text: str, *names: str) -> list[Mention]:
    sents = sentence_spans(text)
    out = []
    for name in names:
        s = text.index(name)
        out.append(Mention("t", s, s + len(name), name, *sentence_at(sents, s)))
    return out


def _resolved(gaz: Gazetteer, text: str, names: tuple[str, ...], **kw) -> dict[str, object]:
    return {r.mention.text: r for r in Resolver(gaz, **kw).resolve(text, _mentions(text, *names))}


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("Harbor Street", "street"),
        ("Lincoln High School", "high school"),
        ("St. Agnes Church", "church"),
        ("Pine Hill Arena", "arena"),
        ("Grand Plaza", "plaza"),
    ],
)
def test_head_words_make_local_places(name: str, word: str) -> None:
    assert local_feature_word(name) == word


def test_a_neighbourhood_is_named_by_the_word_after_it() -> None:
    assert local_feature_word("Old Mill", " neighborhood, where") == "neighborhood"
    assert local_feature_word("Lakeport", " said on Monday") is None
    assert local_feature_word("Street") is None  # a head word alone names nothing


def test_street_in_a_city_named_in_the_article(gaz: Gazetteer) -> None:
    text = (
        "Police closed Harbor Street in Ridgeton on Monday. The mayor of Lakeport said Lakeport would help."
    )
    # the recogniser finds the street by its head word; the resolver places it at the town named with it
    mentions = Recognizer(gaz).recognize(text, "t")
    assert "Harbor Street" in [m.text for m in mentions]
    res = {r.mention.text: r for r in Resolver(gaz).resolve(text, mentions)}
    street = res["Harbor Street"]
    assert street.place is not None and street.place.kind == "approximate"
    assert (street.place.lat, street.place.lon) == RIDGETON  # the town named with it, not the main one
    assert street.place.source == "approximate within Ridgeton"
    assert street.confidence < 0.5
    assert street.alternatives[0].name == "Ridgeton"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Students left Lincoln High School early. Lakeport schools reopen Friday; Lakeport is calm.",
            "Lincoln High School",
        ),
        (
            "Worshippers filled St. Agnes Church. Lakeport police closed roads in Lakeport.",
            "St. Agnes Church",
        ),
        ("Fans streamed out of Pine Hill Arena after the final. Lakeport celebrated.", "Pine Hill Arena"),
        ("Flooding hit the Old Mill neighborhood overnight, officials in Lakeport said.", "Old Mill"),
    ],
)
def test_school_church_venue_neighbourhood_with_no_city_named_with_it_go_to_the_focus_town(
    gaz: Gazetteer, text: str, name: str
) -> None:
    res = _resolved(gaz, text, (name, "Lakeport"))
    place = res[name].place
    assert place is not None and place.kind == "approximate" and place.name == name
    assert haversine_km(place.lat, place.lon, *LAKEPORT) < 1
    assert place.source == "approximate within Lakeport"


def test_church_with_its_town_after_a_comma(gaz: Gazetteer) -> None:
    text = "Lakeport mourned. Lakeport flags flew low. A vigil was held at St. Agnes Church, Ridgeton."
    res = _resolved(gaz, text, ("Lakeport", "St. Agnes Church", "Ridgeton"))
    assert (res["St. Agnes Church"].place.lat, res["St. Agnes Church"].place.lon) == RIDGETON


def test_no_town_in_the_article_leaves_it_unresolved(gaz: Gazetteer) -> None:
    text = "Crowds gathered on Harbor Street in Westmark."
    res = _resolved(gaz, text, ("Harbor Street", "Westmark"))
    assert res["Harbor Street"].place is None


def test_turned_off(gaz: Gazetteer) -> None:
    text = "Police closed Harbor Street in Ridgeton on Monday."
    res = _resolved(gaz, text, ("Harbor Street", "Ridgeton"), approximate=False)
    assert res["Harbor Street"].place is None
    article = Article("a", text)
    on = Pipeline(gazetteer=gaz, claims="rules").analyse(article)
    off = Pipeline(gazetteer=gaz, resolver="no-approximate", claims="rules").analyse(article)
    assert [r.place.kind for r in on.resolutions if r.mention.text == "Harbor Street"] == ["approximate"]
    assert [r.place for r in off.resolutions if r.mention.text == "Harbor Street"] == [None]


def test_eval_scores_approximate_places_like_any_other(tmp_path: Path, gaz: Gazetteer) -> None:
    text = "Police closed Harbor Street in Ridgeton on Monday."
    s = text.index("Harbor Street")
    r = text.index("Ridgeton")
    doc = {
        "id": "x",
        "text": text,
        "toponyms": [
            {"start": s, "end": s + 13, "name": "Harbor Street", "lat": 45.31, "lon": -68.91},
            {"start": r, "end": r + 8, "name": "Ridgeton", "lat": RIDGETON[0], "lon": RIDGETON[1]},
        ],
    }
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    kw = {"gold_spans_only": True}
    on = evaluate_geoparsing(path, resolver=Resolver(gaz), **kw)["resolution_gold_spans"]
    off = evaluate_geoparsing(path, resolver=Resolver(gaz, approximate=False), **kw)["resolution_gold_spans"]
    assert on["by_class"] == {"no_candidate": 0, "wrong_namesake": 0, "right": 2}
    assert off["by_class"] == {"no_candidate": 1, "wrong_namesake": 0, "right": 1}

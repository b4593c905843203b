"""Wire datelines: recognised in capitals, resolved, and the story's default focus."""

from __future__ import annotations

import pytest
from gazetteer_factory import candidate as _c

from geobrief.gazetteer import Gazetteer
from geobrief.recognize import Recognizer, dateline_span
from geobrief.resolve import Resolver


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_entries(
        [
            (_c("kiel", "Kiel", 54.32, 10.13, "city", "DE", 246_000, "PPLA"), []),
            (_c("kab", "Kabul", 34.53, 69.17, "city", "AF", 3_000_000, "PPLC"), []),
            (_c("was", "Washington", 38.9, -77.04, "city", "US", 700_000, "PPLC"), []),
            (_c("hag", "The Hague", 52.08, 4.3, "city", "NL", 500_000, "PPLA"), [("Hague", "alias")]),
            (_c("fr", "France", 46.0, 2.0, "country", "FR", 67_000_000), []),
            (_c("lyon", "Lyon", 45.76, 4.84, "city", "FR", 500_000, "PPLA"), []),
            (_c("nato", "Nato", 12.0, 122.0, "city", "PH", 2_000), []),
            (_c("dal", "Dallas", 32.78, -96.8, "city", "US", 1_300_000), []),
            (_c("par", "Paris", 48.85, 2.35, "city", "FR", 2_100_000, "PPLC"), []),
            (_c("partx", "Paris", 33.66, -95.55, "city", "US", 25_000, "PPL"), []),
            (_c("mars", "Marsh Creek", 32.5, -96.5, "city", "US", 3_000), []),
        ]
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("KIEL, March 9 - About 8,000 farmers marched through the town.", "KIEL"),
        ("KABUL, May 3 - Fighters attacked a police post overnight.", "KABUL"),
        ("WASHINGTON (AP) - The Senate voted on the bill.", "WASHINGTON"),
        ("THE HAGUE, March 13 - A delegation arrived for talks.", "THE HAGUE"),
        ("LYON, France, June 2 - Two people were missing after the storm.", "LYON"),
        ("Farmers protest new rules. KIEL -- Thousands marched on Monday.", "KIEL"),
        ("Farm protest\nKIEL — Thousands marched on Monday.", "KIEL"),
    ],
)
def test_upper_case_datelines_are_recognised_and_resolved(gaz: Gazetteer, text: str, name: str) -> None:
    span = dateline_span(text)
    assert span is not None and text[span[0] : span[1]] == name
    mentions = Recognizer(gaz).recognize(text, "w")
    assert name in [m.text for m in mentions]
    res = Resolver(gaz).resolve(text, mentions)
    first = next(r for r in res if r.mention.text == name)
    assert first.place is not None and first.place.name.casefold() == name.casefold()


def test_an_acronym_before_a_dash_is_no_dateline_place(gaz: Gazetteer) -> None:
    text = "NATO - Ministers met to discuss the budget."
    assert "NATO" not in [m.text for m in Recognizer(gaz).recognize(text, "n")]


def test_capitals_inside_the_story_are_no_dateline() -> None:
    assert dateline_span("Officials said the FARMERS - who marched - were calm.") is None
    assert dateline_span("x" * 400 + ". KIEL - Thousands marched.") is None


def test_the_dateline_sets_the_focus_of_a_story_without_other_places(gaz: Gazetteer) -> None:
    # nothing but the dateline says which Paris: the story was filed from Dallas (the dateline's
    # extra weight in the focus does not, by itself, outvote other places of the story)
    text = "DALLAS (AP) - A storm damaged homes in Paris on Tuesday."
    mentions = Recognizer(gaz).recognize(text, "d")
    res = {r.mention.text: r for r in Resolver(gaz).resolve(text, mentions)}
    assert res["DALLAS"].place is not None and res["DALLAS"].place.id == "test:dal"
    assert res["Paris"].place is not None and res["Paris"].place.id == "test:partx"
    # without a dateline, the world city
    plain = "A storm damaged homes in Paris on Tuesday."
    res2 = Resolver(gaz).resolve(plain, Recognizer(gaz).recognize(plain, "p"))
    assert res2[0].place is not None and res2[0].place.id == "test:par"

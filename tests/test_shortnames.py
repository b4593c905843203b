"""Short water-body names ("the Gulf", "the Channel") resolved by the story's other places."""

from __future__ import annotations

import pytest

from geobrief.model import Article
from geobrief.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipe():
    return Pipeline()


def _seas(pipe, text):
    analysis = pipe.analyse(Article("t", text))
    return {
        r.mention.text: (r.place.name if r.place else None)
        for r in analysis.resolutions
        if r.mention.text.endswith(("Gulf", "Channel", "Strait"))
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Iranian gunboats attacked a tanker in the Gulf, officials in Kuwait and Bahrain said.",
            {"Gulf": "Persian Gulf"},
        ),
        (
            "Oil rigs in the Gulf were shut as the storm neared Louisiana and Texas.",
            {"Gulf": "Gulf of Mexico"},
        ),
        ("U.S. warships patrol the southern Gulf near Iran.", {"southern Gulf": "Persian Gulf"}),
        (
            "Ferries across the Channel stopped as storms hit France and Britain.",
            {"Channel": "English Channel"},
        ),
        ("Tankers crossed the Strait near Oman at night.", {"Strait": "Strait of Hormuz"}),
    ],
)
def test_the_story_decides_which_sea(pipe, text, expected):
    assert _seas(pipe, text) == expected


def test_with_no_other_place_the_name_is_listed_unresolved(pipe):
    analysis = pipe.analyse(Article("t", "Fishermen in the Gulf had a poor season."))
    gulf = [r for r in analysis.resolutions if r.mention.text == "Gulf"]
    assert gulf and gulf[0].place is None  # listed, never dropped


@pytest.mark.parametrize(
    "text",
    [
        "Veterans of the Gulf War met in Texas.",  # a name of its own
        "Pirates struck in the Gulf of Aden near Somalia.",  # the full name is the recogniser's
        "The Channel Islands lie off France.",
    ],
)
def test_longer_names_are_left_alone(pipe, text):
    analysis = pipe.analyse(Article("t", text))
    assert not any(r.mention.text in ("Gulf", "Channel") for r in analysis.resolutions)

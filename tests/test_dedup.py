"""Duplicate detection: copies of a story count as one source of a claim."""

from __future__ import annotations

import pytest

from geobrief.dedup import DuplicateIndex, Signature, find_duplicates, signature, similarity
from geobrief.model import Article
from geobrief.pipeline import brief

# Two different stories on the same event (same places, same week, overlapping words).
STORY_A = (
    "Russian forces withdrew from the Hmeimim air base in Syria on Monday, according to reports from "
    "local officials. The convoy left the coastal province of Latakia before dawn and headed toward the "
    "port of Tartus, where ships were waiting. Residents said the streets of Jableh were quiet after "
    "the departure."
)
STORY_B = (
    "Russia has withdrawn its troops from the Hmeimim air base in Syria. The withdrawal was completed "
    "on Monday, the defence ministry in Moscow said in a statement. Satellite images show aircraft "
    "leaving the base near Latakia."
)
HEADER = "SYRIA NEWS WIRE | Breaking | Updated 06:14 GMT\n\n"
FOOTER = "\n\nCopyright 2026 Syria News Wire. All rights reserved. Share on Facebook. Share on X. Subscribe."


def test_exact_copies_are_one_story_whatever_case_spacing_and_punctuation():
    respaced = STORY_A.upper().replace(" ", "  ").replace(",", "")
    dup = find_duplicates([("a1", STORY_A), ("a2", STORY_A), ("a3", respaced), ("b1", STORY_B)])
    assert dup == {"a2": "a1", "a3": "a1"}
    assert signature(STORY_A).digest == signature(respaced).digest


def test_copies_with_their_own_headers_and_footers_are_one_story():
    other_site = "From our correspondent in Damascus.\n" + STORY_A + "\nRead more: world news, Middle East."
    pairs = [("a1", STORY_A), ("a2", HEADER + STORY_A + FOOTER), ("a3", other_site)]
    assert similarity(signature(STORY_A), signature(HEADER + STORY_A + FOOTER)) >= 0.5
    assert find_duplicates(pairs) == {"a2": "a1", "a3": "a1"}


def test_different_stories_on_the_same_event_stay_distinct():
    # same event, same places, many shared words: still two stories
    assert similarity(signature(STORY_A), signature(STORY_B)) < 0.2
    assert find_duplicates([("a", STORY_A), ("b", STORY_B)]) == {}
    retold = (
        "Officials in Latakia said Russian forces left the Hmeimim air base in Syria on Monday. "
        "A convoy drove before dawn toward the port of Tartus; residents of Jableh described quiet streets."
    )
    assert find_duplicates([("a", STORY_A), ("b", STORY_B), ("c", retold)]) == {}


def test_a_copy_joins_the_story_of_the_first_article_in_input_order():
    index = DuplicateIndex()
    assert index.add("late", signature(HEADER + STORY_A)) == "late"
    assert index.add("b", signature(STORY_B)) == "b"
    assert index.add("early", signature(STORY_A + FOOTER)) == "late"
    assert len(index) == 3


def test_empty_and_tiny_texts_match_only_exact_copies():
    assert find_duplicates([("a", ""), ("b", "..."), ("c", "Kyiv"), ("d", "Kyiv."), ("e", "Lviv")]) == {
        "b": "a",
        "d": "c",
    }


def test_signature_round_trips_through_bytes_and_is_stable():
    sig = signature(STORY_A)
    raw = sig.to_bytes()
    assert len(raw) == 512
    back = Signature.from_bytes(sig.digest, raw)
    assert back.digest == sig.digest and (back.minhash == sig.minhash).all()
    # defined here, not by a library or Python's salted hash: the same in every process and version
    assert sig.digest.hex() == "b368e70462ba4ee543963b978e9910f5"
    assert int(sig.minhash[0]) == 72774644


@pytest.fixture(scope="module")
def syndicated():
    """Story A pasted three times (one with a site's header and footer), story B once."""
    copies = [
        Article("a1", STORY_A),
        Article("a2", HEADER + STORY_A + FOOTER),
        Article("a3", STORY_A),
        Article("b1", STORY_B),
    ]
    return brief(copies), brief([Article("a1", STORY_A), Article("b1", STORY_B)])


def test_sources_count_stories_and_copies_count_articles(syndicated):
    with_copies, _ = syndicated
    assert with_copies.duplicates == {"a2": "a1", "a3": "a1"}
    withdrawal = next(c for c in with_copies.place("Hmeimim").claims if c.event == "withdrawal")
    assert (withdrawal.sources, withdrawal.copies) == (2, 4)
    # a copy's evidence names its story; the first article's does not
    stories = {e.article_id: e.story for e in withdrawal.evidence}
    assert stories == {"a1": None, "a2": "a1", "a3": "a1", "b1": None}


def test_copies_do_not_change_labels_or_the_modality_split(syndicated):
    with_copies, once = syndicated
    for place in once.places:
        twin = with_copies.place(place.id)
        assert [(c.label, c.sources, c.modalities) for c in twin.claims] == [
            (c.label, c.sources, c.modalities) for c in place.claims
        ]
    withdrawal = next(c for c in with_copies.place("Hmeimim").claims if c.event == "withdrawal")
    assert withdrawal.modalities == {"reported": 1, "asserted": 1}


def test_geojson_exposes_sources_copies_and_modality_split(syndicated):
    with_copies, _ = syndicated
    feature = next(
        f for f in with_copies.to_geojson()["features"] if f["properties"]["name"].startswith("Hmeimim")
    )
    claim = next(c for c in feature["properties"]["claims"] if c["event"] == "withdrawal")
    assert claim["sources"] == 2 and claim["copies"] == 4
    assert claim["modalities"] == {"reported": 1, "asserted": 1}
    assert {e.get("story") for e in claim["evidence"]} == {None, "a1"}

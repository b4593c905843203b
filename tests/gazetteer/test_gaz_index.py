"""The in-memory gazetteer: from_entries, keys, ranking, lookups, serialisation."""

from __future__ import annotations

import pytest

from geobrief.errors import GazetteerError, GeobriefError
from geobrief.gazetteer import MATCH_KINDS, Gazetteer, Match
from geobrief.model import Candidate
from geobrief.text import name_key


def cand(
    cid: str, name: str, kind: str, pop: int = 0, cc: str = "XX", lat: float = 1.0, lon: float = 2.0
) -> Candidate:
    return Candidate(
        id=cid, name=name, lat=lat, lon=lon, kind=kind, country_code=cc, population=pop, source="test"
    )


@pytest.fixture()
def gaz() -> Gazetteer:
    return Gazetteer.from_entries(
        [
            (cand("c:ge", "Georgia", "country", 3_700_000, "GE", 42.0, 43.5), [("Georgian", "demonym")]),
            (cand("a:us-ga", "Georgia", "admin1", 10_000_000, "US", 32.75, -83.5), [("Ga.", "abbrev")]),
            (cand("p:paris-fr", "Paris", "city", 2_100_000, "FR", 48.85, 2.35), []),
            (cand("p:paris-tx", "Paris", "city", 25_000, "US", 33.66, -95.55), []),
            (cand("p:paris-hamlet", "Paris", "city", 600, "CA"), []),
            (cand("p:village", "Burma", "city", 800, "XX"), []),
            (cand("c:mm", "Myanmar", "country", 54_000_000, "MM", 21.0, 96.0), [("Burma", "alias")]),
            (cand("p:hasakah", "Al-Ḩasakah", "city", 190_000, "SY", 36.5, 40.75), [("Hasakah", "alias")]),
            (
                cand("f:hmeimim", "Hmeimim Air Base", "facility", 0, "SY", 35.40, 35.95),
                [("Khmeimim", "alias")],
            ),
            (
                cand("a:us-ky", "Kentucky", "admin1", 4_500_000, "US", 37.5, -85.25),
                [("Ky.", "abbrev"), ("KY", "abbrev")],
            ),
            (cand("c:us", "United States", "country", 330_000_000, "US", 39.76, -98.5), [("U.S.", "abbrev")]),
            (cand("s:ny", "New York City Hall Annex Building", "landmark", 0, "US"), []),
        ]
    )


def test_lookup_returns_matches_with_their_kind(gaz: Gazetteer) -> None:
    (m,) = gaz.lookup(name_key("Ky."))
    assert isinstance(m, Match)
    assert m.candidate.name == "Kentucky" and m.match == "abbrev"
    assert gaz.lookup(name_key("Georgian"))[0].match == "demonym"
    assert gaz.lookup(name_key("Hmeimim Air Base"))[0].match == "name"
    assert gaz.lookup(name_key("Khmeimim"))[0].match == "alias"
    assert {m.match for k in ("georgia", "ky", "georgian", "khmeimim") for m in gaz.lookup(k)} <= set(
        MATCH_KINDS
    )


def test_abbreviation_surface_forms_are_kept_for_the_recogniser(gaz: Gazetteer) -> None:
    assert set(gaz.abbreviations("ky")) == {"Ky.", "KY"}
    assert gaz.abbreviations("u s") == ("U.S.",)
    assert gaz.abbreviations("kentucky") == ()
    assert Gazetteer.loads(gaz.dumps()).abbreviations("ky") == gaz.abbreviations("ky")


def test_keys_are_name_keys_so_spelling_variants_meet(gaz: Gazetteer) -> None:
    assert gaz.candidates(name_key("al Hasakah"))[0].id == "p:hasakah"
    assert gaz.candidates(name_key("AL-HASAKAH"))[0].id == "p:hasakah"
    assert gaz.candidates(name_key("U.S."))[0].id == "c:us"
    assert gaz.lookup("no such place") == ()
    assert gaz.candidates("no such place") == ()


def test_ranking_countries_before_admin1_before_small_places(gaz: Gazetteer) -> None:
    assert [c.id for c in gaz.candidates("georgia")] == ["c:ge", "a:us-ga"]
    # Among same-name cities, population decides.
    assert [c.id for c in gaz.candidates("paris")] == ["p:paris-fr", "p:paris-tx", "p:paris-hamlet"]


def test_major_alias_ranks_before_a_small_place_named_so(gaz: Gazetteer) -> None:
    # "Burma" is an alias of a country and the primary name of a village: the country first.
    assert [c.id for c in gaz.candidates("burma")] == ["c:mm", "p:village"]


def test_primary_name_ranks_before_alias_unless_the_alias_holder_is_much_bigger() -> None:
    g = Gazetteer.from_entries(
        [
            (cand("p:big-alias", "Bigtown", "city", 250_000), [("Twin", "alias")]),
            (cand("p:twin", "Twin", "city", 200_000), []),
            (cand("p:odesa", "Odesa", "city", 1_000_000, "UA"), [("Odessa", "alias")]),
            (cand("p:odessa-tx", "Odessa", "city", 114_000, "US"), []),
        ]
    )
    assert [(m.candidate.id, m.match) for m in g.lookup("twin")] == [
        ("p:twin", "name"),
        ("p:big-alias", "alias"),
    ]
    assert [c.id for c in g.candidates("odessa")] == ["p:odesa", "p:odessa-tx"]


def test_a_major_city_comes_before_its_namesake_province() -> None:
    g = Gazetteer.from_entries(
        [
            (cand("a:kyiv-oblast", "Kyiv", "admin1", 7_000_000, "UA"), []),
            (cand("p:kyiv", "Kyiv", "city", 2_900_000, "UA"), []),
            (cand("a:small", "Hamilton", "admin1", 6_000, "BM"), []),
            (cand("p:hamilton", "Hamilton", "city", 550_000, "CA"), []),
            (cand("a:other-country", "Kyiv", "admin1", 900_000, "XX"), []),
            (cand("a:kherson-oblast", "Kherson", "admin1", 600_000, "UA"), []),
            (cand("p:kherson", "Kherson", "city", 66_000, "UA"), []),
            (cand("a:big-area", "Smalltown", "admin1", 5_000_000, "UA"), []),
            (cand("p:smalltown", "Smalltown", "city", 2_000, "UA"), []),
        ]
    )
    assert [c.id for c in g.candidates("kyiv")] == ["p:kyiv", "a:kyiv-oblast", "a:other-country"]
    assert [c.id for c in g.candidates("kherson")] == ["p:kherson", "a:kherson-oblast"]  # it names the oblast
    assert [c.id for c in g.candidates("smalltown")] == ["a:big-area", "p:smalltown"]
    # An admin1 area with few people is no major entry: the big city first.
    assert [c.id for c in g.candidates("hamilton")] == ["p:hamilton", "a:small"]


def test_contains_get_len_and_max_tokens(gaz: Gazetteer) -> None:
    assert "kentucky" in gaz and "ky" in gaz
    assert "atlantis" not in gaz and 42 not in gaz
    assert gaz.get("p:paris-tx").population == 25_000
    assert gaz.get("nope") is None
    assert len(gaz) == 12
    assert gaz.max_tokens == len(name_key("New York City Hall Annex Building").split())


def test_country_and_admin1_accessors(gaz: Gazetteer) -> None:
    assert gaz.country("us").id == "c:us"
    assert gaz.country("GE").id == "c:ge"
    assert gaz.country("ZZ") is None
    assert gaz.admin1("US", "Kentucky").id == "a:us-ky"
    assert gaz.admin1("us", "Ky.").id == "a:us-ky"
    assert gaz.admin1("US", "Georgia").id == "a:us-ga"
    assert gaz.admin1("GE", "Kentucky") is None


def test_names_added_twice_keep_the_best_match_kind() -> None:
    c = cand("p:x", "Xville", "city", 1000)
    g = Gazetteer.from_entries([(c, [("Xville", "alias"), ("X-ville", "alias")])])
    assert g.lookup("xville") == (Match(c, "name"),)
    assert g.lookup("x ville") == (Match(c, "alias"),)


def test_bad_entries_raise_gazetteer_errors() -> None:
    with pytest.raises(GazetteerError):
        Gazetteer.from_entries([(cand("p:x", "X", "planet"), [])])
    with pytest.raises(GeobriefError):
        Gazetteer.from_entries([(cand("p:x", "X", "city"), [("Y", "nickname")])])


def test_dumps_loads_round_trip(gaz: Gazetteer) -> None:
    again = Gazetteer.loads(gaz.dumps())
    for key in ("georgia", "paris", "ky", "burma", "al hasakah", "hasakah", "u s"):
        assert again.lookup(key) == gaz.lookup(key)
    assert again.max_tokens == gaz.max_tokens
    assert again.country("US") == gaz.country("US")
    assert again.admin1("US", "KY") == gaz.admin1("US", "KY")
    assert again.get("f:hmeimim") == gaz.get("f:hmeimim")


def test_loads_rejects_garbage_and_other_formats(gaz: Gazetteer) -> None:
    with pytest.raises(GazetteerError):
        Gazetteer.loads(b"not an index at all")
    data = gaz.dumps()
    with pytest.raises(GazetteerError):
        Gazetteer.loads(data[: len(data) // 2])  # truncated
    other = data.replace(b'"format": ', b'"format": 9', 1)  # another format version
    with pytest.raises(GazetteerError):
        Gazetteer.loads(other)


def test_many_rows_per_key_are_capped_and_ordered() -> None:
    entries = [(cand(f"p:{i}", "Springfield", "city", 1000 + i), []) for i in range(300)]
    g = Gazetteer.from_entries(entries)
    pops = [c.population for c in g.candidates("springfield")]
    assert 50 <= len(pops) < 300
    assert pops == sorted(pops, reverse=True)
    assert pops[0] == 1299


def test_spelling_skeleton_meets_transliterations() -> None:
    from geobrief.gazetteer.index import spelling_skeleton

    assert (
        spelling_skeleton("ad daqahliyah") == spelling_skeleton("dakahlia") == spelling_skeleton("daqahliya")
    )
    assert spelling_skeleton("menoufia") == spelling_skeleton("minufiya") == "mnf"
    assert spelling_skeleton("mauritious") == spelling_skeleton("mauritius")


def test_spelling_variants_of_areas_and_countries() -> None:
    gaz = Gazetteer.from_entries(
        [
            (cand("a:dk", "Dakahlia Governorate", "admin1", 6_000_000, "EG"), [("Dakahlia", "alias")]),
            (cand("a:ks", "Kisumu", "admin1", 1_000_000, "KE"), []),
            (cand("c:mu", "Mauritius", "country", 1_300_000, "MU"), []),
            (cand("c:pl", "Poland", "country", 38_000_000, "PL"), []),
            (cand("p:town", "Dakahla", "city", 9_000, "EG"), []),
        ]
    )
    assert [c.id for c in gaz.spelling_variants(name_key("Daqahliya"), ["EG"])] == ["a:dk"]
    assert gaz.spelling_variants(name_key("Daqahliya"), ["KE"]) == ()  # areas of the given countries
    assert [c.id for c in gaz.spelling_variants(name_key("Mauritious"))] == ["c:mu"]  # countries: always
    # one skeleton is not enough: the spellings must be close and begin alike
    assert gaz.spelling_variants(name_key("Kisima"), ["KE"]) == ()
    assert gaz.spelling_variants(name_key("Oppland")) == ()
    # towns are not matched so loosely; nor are very short names
    assert all(c.kind != "city" for c in gaz.spelling_variants(name_key("Dakahlah"), ["EG"]))
    assert gaz.spelling_variants("ab") == ()

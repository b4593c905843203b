"""Toponym resolution: the document's context picks the reading."""

from __future__ import annotations

import pytest

from geobrief.gazetteer import Gazetteer
from geobrief.geo import haversine_km
from geobrief.model import Candidate, Mention
from geobrief.recognize import Recognizer
from geobrief.resolve import Resolver


def _c(
    gid: str,
    name: str,
    lat: float,
    lon: float,
    kind: str,
    cc: str,
    admin1: str = "",
    pop: int = 0,
    fcode: str = "",
) -> Candidate:
    return Candidate(f"test:{gid}", name, lat, lon, kind, fcode, cc, admin1, pop, "test")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    entries = [
        (_c("ru", "Russia", 60.0, 100.0, "country", "RU", pop=144_000_000), [("Russian", "demonym")]),
        (_c("sy", "Syria", 35.0, 38.0, "country", "SY", pop=22_000_000), [("Syrian", "demonym")]),
        (_c("us", "United States", 39.8, -98.5, "country", "US", pop=310_000_000), [("U.S.", "abbrev")]),
        (_c("fr", "France", 46.0, 2.0, "country", "FR", pop=67_000_000), []),
        (_c("ge", "Georgia", 42.0, 43.5, "country", "GE", pop=3_700_000), []),
        (_c("ga", "Georgia", 32.75, -83.5, "admin1", "US", pop=10_000_000), []),
        (_c("id", "Idaho", 44.5, -114.0, "admin1", "US", pop=1_800_000), []),
        (_c("tx", "Texas", 31.0, -100.0, "admin1", "US", pop=29_000_000), [("Tex.", "abbrev")]),
        (_c("ky", "Kentucky", 37.5, -85.0, "admin1", "US", pop=4_300_000), [("Ky.", "abbrev")]),
        (_c("mow", "Moscow", 55.75, 37.62, "city", "RU", "Moscow", 12_000_000, "PPLC"), []),
        (_c("mowid", "Moscow", 46.73, -117.0, "city", "US", "Idaho", 25_000, "PPL"), []),
        (_c("boise", "Boise", 43.6, -116.2, "city", "US", "Idaho", 230_000, "PPLA"), []),
        (_c("pull", "Pullman", 46.73, -117.18, "city", "US", "Washington", 34_000, "PPL"), []),
        (_c("par", "Paris", 48.85, 2.35, "city", "FR", "Ile-de-France", 2_100_000, "PPLC"), []),
        (_c("partx", "Paris", 33.66, -95.55, "city", "US", "Texas", 25_000, "PPL"), []),
        (_c("parky", "Paris", 38.21, -84.25, "city", "US", "Kentucky", 10_000, "PPL"), []),
        (_c("tbi", "Tbilisi", 41.7, 44.8, "city", "GE", "Tbilisi", 1_100_000, "PPLC"), []),
        (_c("atl", "Atlanta", 33.75, -84.39, "city", "US", "Georgia", 460_000, "PPLA"), []),
        (_c("sav", "Savannah", 32.08, -81.1, "city", "US", "Georgia", 145_000, "PPL"), []),
        (_c("dam", "Damascus", 33.51, 36.29, "city", "SY", "Dimashq", 2_500_000, "PPLC"), []),
        (_c("tar", "Tartus", 34.89, 35.89, "city", "SY", "Tartus", 115_000, "PPLA"), []),
        (
            _c("qam", "Al Qamishli", 37.05, 41.23, "city", "SY", "Al-Hasakah", 185_000, "PPL"),
            [("Qamishli", "alias")],
        ),
        (_c("tr", "Turkey", 39.0, 35.0, "country", "TR", pop=84_000_000), []),
        (_c("turtx", "Turkey", 34.39, -100.89, "city", "US", "Texas", 400, "PPL"), []),
        (_c("az", "Arizona", 34.5, -111.5, "admin1", "US", pop=7_000_000), []),
        (_c("ca", "California", 37.0, -120.0, "admin1", "US", pop=39_000_000), []),
        (_c("camo", "California", 38.63, -92.57, "city", "US", "Missouri", 4_400, "PPL"), []),
        (_c("mo", "Missouri", 38.5, -92.5, "admin1", "US", pop=6_000_000), []),
        # list level: a Nigerian state shares a West African country's name
        (_c("ne", "Niger", 17.0, 9.0, "country", "NE", pop=22_000_000), []),
        (_c("neng", "Niger", 10.0, 6.0, "admin1", "NG", pop=3_900_000), []),
        (_c("ng", "Nigeria", 10.0, 8.0, "country", "NG", pop=200_000_000), []),
        (_c("bj", "Benin", 9.5, 2.25, "country", "BJ", pop=12_000_000), []),
        (_c("tg", "Togo", 8.0, 1.17, "country", "TG", pop=8_000_000), []),
        # a country's former name that is also a province's name
        (
            _c("cd", "Democratic Republic of the Congo", -2.9, 23.6, "country", "CD", pop=90_000_000),
            [("Zaire", "alias")],
        ),
        (_c("aoza", "Zaire", -6.6, 13.9, "admin1", "AO", pop=600_000), []),
        # invented towns: a big and a small "Halvorsen" and a "Quill County" in two states
        (_c("ok", "Oklahoma", 35.5, -97.5, "admin1", "US", pop=4_000_000), []),
        (_c("halmo", "Halvorsen", 37.2, -93.3, "city", "US", "Missouri", 200_000, "PPL"), []),
        (_c("halok", "Halvorsen", 35.9, -96.0, "city", "US", "Oklahoma", 40_000, "PPL"), []),
        (_c("qmo", "Quill County", 36.3, -92.2, "admin2", "US", "Missouri", 60_000), []),
        (_c("jop", "Joplin", 37.08, -94.51, "city", "US", "Missouri", 50_000, "PPL"), []),
        (_c("qok", "Quill County", 35.93, -96.04, "admin2", "US", "Oklahoma", 60_000), []),
        # a first-level area named after its main city, and one whose namesake city is a lesser one
        (_c("spa", "Sao Paulo", -22.0, -49.0, "admin1", "BR", pop=46_000_000), []),
        (_c("sp", "Sao Paulo", -23.55, -46.63, "city", "BR", "Sao Paulo", 12_000_000, "PPL"), []),
        (_c("qca", "Quebec", 52.0, -72.0, "admin1", "CA", pop=8_500_000), []),
        (_c("qc", "Quebec", 46.81, -71.21, "city", "CA", "Quebec", 530_000, "PPL"), []),
        # a world city, a suburb of its name in an area that an international story names once,
        # and a first-level area sharing its name with a hamlet in another country
        (_c("au", "Australia", -25.0, 134.0, "country", "AU", pop=25_000_000), []),
        (_c("nsw", "New South Wales", -32.5, 146.5, "admin1", "AU", pop=8_000_000), []),
        (_c("qld", "Queensland", -20.5, 144.5, "admin1", "AU", pop=5_000_000), []),
        (_c("cad", "Canada", 60.0, -96.0, "country", "CA", pop=38_000_000), []),
        (_c("ab", "Alberta", 52.3, -117.5, "admin1", "CA", pop=4_000_000), []),
        (_c("qldab", "Queensland", 50.9, -114.0, "city", "CA", "Alberta", 600, "PPL"), []),
        (_c("yyz", "Toronto", 43.7, -79.4, "city", "CA", "Ontario", 2_800_000, "PPL"), []),
        (_c("tornsw", "Toronto", -33.0, 151.6, "city", "AU", "New South Wales", 1_000, "PPL"), []),
        (_c("yeg", "Edmonton", 53.55, -113.47, "city", "CA", "Alberta", 1_000_000, "PPLA"), []),
        (_c("rd", "Red Deer", 52.27, -113.8, "city", "CA", "Alberta", 100_000, "PPL"), []),
        # an alias of a big city, a bigger namesake abroad and a village of the name at home
        (_c("gb", "United Kingdom", 54.0, -2.0, "country", "GB", pop=67_000_000), [("UK", "abbrev")]),
        (
            _c("ncl", "Newcastle upon Tyne", 54.97, -1.61, "city", "GB", "England", 300_000, "PPL"),
            [("Newcastle", "alias")],
        ),
        (_c("nclau", "Newcastle", -32.93, 151.78, "city", "AU", "New South Wales", 500_000, "PPL"), []),
        (_c("nclni", "Newcastle", 54.22, -5.89, "city", "GB", "Northern Ireland", 7_400, "PPL"), []),
        # a state and a capital city of one name
        (_c("wa", "Washington", 47.5, -120.5, "admin1", "US", pop=7_000_000), []),
        (_c("dc", "Washington", 38.9, -77.04, "city", "US", "District of Columbia", 700_000, "PPLC"), []),
        # a world capital and a city of its name in another country
        (_c("lon", "London", 51.51, -0.13, "city", "GB", "England", 8_900_000, "PPLC"), []),
        (_c("lonon", "London", 42.98, -81.23, "city", "CA", "Ontario", 420_000, "PPL"), []),
        # a small town and the county around it, abroad from a world capital of the town's name
        (_c("corfr", "Corvalle", 45.0, 3.0, "city", "FR", "Auvergne", 9_000_000, "PPLC"), []),
        (_c("coron", "Corvalle", 43.2, -80.38, "city", "CA", "Ontario", 12_000, "PPL"), []),
        (_c("coron2", "Corvalle", 46.5, -81.0, "city", "CA", "Ontario", 1_200_000, "PPL"), []),
        (_c("brant", "Brant County", 43.17, -80.33, "admin2", "CA", "Ontario", 36_000), []),
        # a landmark of the capital, and a Kentucky town of the capital's name near a Kentucky city
        (_c("verte", "Rue Verte", 45.01, 3.01, "landmark", "FR"), []),
        (_c("corky", "Corvalle", 38.2, -84.25, "city", "US", "Kentucky", 10_000, "PPL"), []),
        (_c("lex", "Lexington", 38.05, -84.5, "city", "US", "Kentucky", 320_000, "PPL"), []),
        # a governorate known under another transliteration
        (_c("eg", "Egypt", 27.0, 30.0, "country", "EG", pop=100_000_000), []),
        (
            _c("dk", "Dakahlia Governorate", 31.0, 31.5, "admin1", "EG", pop=6_000_000),
            [("Dakahlia", "alias")],
        ),
        # an ocean known by a short name that is also a town's name
        (_c("atlo", "Atlantic Ocean", 30.0, -40.0, "sea", ""), [("Atlantic", "alias")]),
        (_c("atlia", "Atlantic", 41.4, -95.0, "city", "US", "Iowa", 7_000, "PPL"), []),
        (_c("ia", "Iowa", 42.0, -93.5, "admin1", "US", pop=3_200_000), []),
        # invented: a sparsely peopled first-level area abroad and a big city of its name
        (_c("marjm", "Marlowe", 18.1, -76.5, "admin1", "JM", pop=22_000), []),
        (_c("maror", "Marlowe", 45.5, -122.7, "city", "US", "Oregon", 650_000, "PPL"), []),
        # invented: a town's former name, borne as its own name by a smaller town elsewhere
        (_c("brenin", "Brennock", 39.7, -86.1, "city", "US", "Indiana", 5_000, "PPL"), []),
        (
            _c("kelwi", "Kelby", 42.6, -87.8, "city", "US", "Wisconsin", 90_000, "PPL"),
            [("Brennock", "alias")],
        ),
        # invented: a town whose station, port and river are named after it
        (_c("tallow", "Tallow", 34.9, -82.2, "city", "US", "South Carolina", 30_000, "PPL"), []),
        # invented: a big port city known by its short name too, and a lesser city of the short name
        (
            _c("phalder", "Port Halder", 59.9, 30.3, "city", "RU", "Leningrad", 1_000_000, "PPL"),
            [("Halder", "alias")],
        ),
        (_c("halfl", "Halder", 27.8, -82.6, "city", "US", "Florida", 300_000, "PPL"), []),
        # invented: Ohio towns, a village abroad of a name also borne by a town, a hamlet by a former name
        (_c("oh", "Ohio", 40.3, -82.8, "admin1", "US", pop=11_700_000), []),
        (_c("dax", "Daxton", 40.1, -83.1, "city", "US", "Ohio", 40_000, "PPL"), []),
        (_c("wel", "Welmore", 40.0, -82.9, "city", "US", "Ohio", 20_000, "PPL"), []),
        (_c("orr", "Orrin", 39.9, -83.0, "city", "US", "Ohio", 15_000, "PPL"), []),
        (_c("tamau", "Tamsin", -33.1, 148.2, "city", "AU", "New South Wales", 900, "PPL"), []),
        (
            _c("glenau", "Glenmare", -31.0, 150.0, "city", "AU", "New South Wales", 1_200, "PPL"),
            [("Ferrow", "alias")],
        ),
    ]
    return Gazetteer.from_entries(entries)


def resolve_text(gaz: Gazetteer, text: str) -> dict[str, list]:
    mentions = Recognizer(gaz).recognize(text, "t")
    out: dict[str, list] = {}
    for r in Resolver(gaz).resolve(text, mentions):
        out.setdefault(r.mention.text, []).append(r)
    return out


def test_idaho_story_puts_moscow_in_idaho(gaz: Gazetteer) -> None:
    text = (
        "Police in Moscow are investigating the deaths of four students. The university town in "
        "northern Idaho lies a few miles from Pullman. Investigators from Boise joined the search in Moscow."
    )
    res = resolve_text(gaz, text)
    assert {r.place.id for r in res["Moscow"]} == {"test:mowid"}


def test_moscow_without_context_is_the_capital(gaz: Gazetteer) -> None:
    res = resolve_text(gaz, "Talks were held in Moscow on Wednesday.")
    assert res["Moscow"][0].place.id == "test:mow"


def test_georgia_next_to_tbilisi_is_the_country(gaz: Gazetteer) -> None:
    res = resolve_text(gaz, "Protesters gathered in Tbilisi as Georgia prepared for elections.")
    assert res["Georgia"][0].place.id == "test:ge"


def test_georgia_next_to_atlanta_is_the_us_state(gaz: Gazetteer) -> None:
    res = resolve_text(gaz, "Voters in Atlanta and Savannah decided the race as Georgia counted ballots.")
    assert res["Georgia"][0].place.id == "test:ga"


def test_city_state_pattern(gaz: Gazetteer) -> None:
    res = resolve_text(gaz, "The company moved from Paris, Texas to Paris, Ky. last year.")
    assert [r.place.id for r in res["Paris"]] == ["test:partx", "test:parky"]


def test_city_country_pattern_and_alternatives(gaz: Gazetteer) -> None:
    res = resolve_text(gaz, "She lives in Paris, France.")
    r = res["Paris"][0]
    assert r.place.id == "test:par"
    assert {c.id for c in r.alternatives} == {"test:partx", "test:parky"}
    assert 0.5 < r.confidence <= 1.0


def test_article_variants_resolve_to_the_same_place(gaz: Gazetteer) -> None:
    res = resolve_text(gaz, "Fighting in al-Qamishli spread. Qamishli was shelled.")
    assert res["al-Qamishli"][0].place.id == res["Qamishli"][0].place.id == "test:qam"


def test_demonym_resolves_to_its_country(gaz: Gazetteer) -> None:
    res = resolve_text(gaz, "Russian jets struck Syrian towns.")
    assert res["Russian"][0].place.id == "test:ru"
    assert res["Syrian"][0].place.id == "test:sy"


def test_unknown_name_stays_unresolved_and_is_kept(gaz: Gazetteer) -> None:
    text = "Jets took off from Zorbakh Air Base near Tartus."
    mentions = [Mention("t", 19, 35, "Zorbakh Air Base"), Mention("t", 41, 47, "Tartus")]
    res = Resolver(gaz, approximate=False).resolve(text, mentions)
    assert [r.mention for r in res] == mentions
    assert res[0].place is None and not res[0].resolved and res[0].confidence == 0.0
    assert res[1].place.id == "test:tar"


def test_unknown_name_alone_stays_unresolved(gaz: Gazetteer) -> None:
    # nothing in the article says where it lies: no approximate place is made up
    text = "Jets took off from Zorbakh Air Base."
    res = Resolver(gaz).resolve(text, [Mention("t", 19, 35, "Zorbakh Air Base")])
    assert res[0].place is None and res[0].confidence == 0.0


def test_unknown_facility_is_located_approximately_at_the_place_named_with_it(gaz: Gazetteer) -> None:
    text = "Jets took off from Zorbakh Air Base near Tartus."
    mentions = [Mention("t", 19, 35, "Zorbakh Air Base"), Mention("t", 41, 47, "Tartus")]
    res = Resolver(gaz).resolve(text, mentions)
    assert res[0].place.kind == "approximate" and res[0].place.source == "approximate within Tartus"
    assert (res[0].place.lat, res[0].place.lon) == (res[1].place.lat, res[1].place.lon)
    assert res[0].confidence < 0.5


def test_facility_phrase_falls_back_to_the_named_place(gaz: Gazetteer) -> None:
    text = "Russian ships left Tartus Naval Base."
    mentions = [Mention("t", 19, 36, "Tartus Naval Base")]
    assert Resolver(gaz).resolve(text, mentions)[0].place.id == "test:tar"


def test_results_keep_mention_order(gaz: Gazetteer) -> None:
    text = "Damascus and Moscow"
    mentions = [Mention("t", 13, 19, "Moscow"), Mention("t", 0, 8, "Damascus")]
    res = Resolver(gaz).resolve(text, mentions)
    assert [r.mention.text for r in res] == ["Moscow", "Damascus"]
    assert Resolver(gaz).resolve(text, []) == []


def test_haversine() -> None:
    assert haversine_km(0, 0, 0, 0) == 0
    # Paris - London is about 344 km
    assert 330 < haversine_km(48.85, 2.35, 51.5, -0.12) < 360


def test_a_list_of_states_is_not_city_state(gaz: Gazetteer) -> None:
    res = resolve_text(gaz, "Cases were reported in Arizona, California, Missouri and Texas.")
    assert res["California"][0].place.id == "test:ca"


def test_a_country_beats_a_small_town_of_its_name(gaz: Gazetteer) -> None:
    text = "Ranchers in Texas and Boise watched prices as Turkey raised its tariffs."
    assert resolve_text(gaz, text)["Turkey"][0].place.id == "test:tr"


def test_names_in_one_list_are_read_at_one_level(gaz: Gazetteer) -> None:
    # "Niger" is a country and a Nigerian state; in a list of countries it is the country
    text = "The campaign covers Nigeria, Benin, Niger and Togo."
    res = resolve_text(gaz, text)
    assert res["Niger"][0].place.id == "test:ne"
    assert res["Nigeria"][0].place.id == "test:ng"


def test_a_country_alias_outranks_a_province_of_that_name(gaz: Gazetteer) -> None:
    # "Zaire" is the old name of the DR Congo and the name of an Angolan province
    res = resolve_text(gaz, "Doctors confirmed new cases in Zaire last week.")
    assert res["Zaire"][0].place.id == "test:cd"


def test_a_county_and_a_town_inside_it_pull_each_other(gaz: Gazetteer) -> None:
    # both states have a Halvorsen and a Quill County; only in Oklahoma does the town lie in the county
    text = "The burn ban for Quill County was lifted after the Halvorsen fire chief met the county judge."
    res = resolve_text(gaz, text)
    assert res["Halvorsen"][0].place.id == "test:halok"
    assert res["Quill County"][0].place.id == "test:qok"


def test_an_area_named_after_its_main_city_means_the_city(gaz: Gazetteer) -> None:
    assert resolve_text(gaz, "Flights to Sao Paulo were cancelled.")["Sao Paulo"][0].place.id == "test:sp"
    # a city of a tenth of its area's people or less does not stand for the area's name
    assert resolve_text(gaz, "Voters in Quebec went to the polls.")["Quebec"][0].place.id == "test:qca"


def _read(gaz: Gazetteer, text: str, *names: str) -> list:
    """Resolutions of the first mention of each name in *text*, given as spans."""
    mentions = [Mention("t", text.index(n), text.index(n) + len(n), n) for n in names]
    return [r.place.id if r.place else None for r in Resolver(gaz).resolve(text, mentions)]


def test_a_part_of_a_well_known_place_is_read_as_the_place(gaz: Gazetteer) -> None:
    text = "Riots in France spread to North Paris; in Russia to Greater Moscow and to East Pullman."
    got = _read(gaz, text, "France", "North Paris", "Russia", "Greater Moscow", "East Pullman")
    assert got[1] == "test:par" and got[3] == "test:mow"
    # a small town's part is not guessed as the town (at most placed approximately in the story's area)
    assert got[4] is None or got[4].startswith("approximate:")
    # a town of another country than the story's is not guessed either
    got = _read(gaz, "Riots in Syria spread to North Paris.", "Syria", "North Paris")[1]
    assert got is None or got.startswith("approximate:")
    # the land around a well-known town ("Salinas Valley")
    text = "Lettuce from farms in Missouri's Halvorsen Valley was recalled."
    assert _read(gaz, text, "Missouri", "Halvorsen Valley")[1] == "test:halmo"
    # a part word may follow the name, as in French and Spanish ("Kasai Occidental")
    lomara = Gazetteer.from_entries(
        [
            (_c("cd", "Congo", -2.5, 23.5, "country", "CD", pop=90_000_000), []),
            (_c("lo", "Lomara", -5.0, 21.0, "admin1", "CD", pop=3_000_000), []),
        ]
    )
    assert (
        _read(lomara, "In Congo, aid reached Lomara Occidental.", "Congo", "Lomara Occidental")[1]
        == "test:lo"
    )
    # "Central Plateau" is no part of a place called "Plateau"
    plateau = Gazetteer.from_entries(
        [
            (_c("ng", "Nigeria", 9.0, 8.0, "country", "NG", pop=200_000_000), []),
            (_c("pl", "Plateau", 9.2, 9.5, "admin1", "NG", pop=3_000_000), []),
        ]
    )
    got = _read(plateau, "In Nigeria, the Central Plateau", "Nigeria", "Central Plateau")[1]
    assert got is None or got.startswith("approximate:")  # never the state of Plateau


def test_an_area_named_once_in_a_world_story_does_not_pull_a_world_city_away(gaz: Gazetteer) -> None:
    text = (
        "Cases were confirmed in France, Russia, Syria, Turkey, Nigeria, Benin and Togo, in Damascus, "
        "Tartus, Tbilisi, Atlanta, Savannah and Paris, and in Texas, Arizona, California, Kentucky, "
        "Idaho and Missouri; one was confirmed in New South Wales, Australia. Travellers from Toronto "
        "were tested."
    )
    assert resolve_text(gaz, text)["Toronto"][0].place.id == "test:yyz"


def test_area_country_pattern(gaz: Gazetteer) -> None:
    text = (
        "She trains in Edmonton and Red Deer, Alberta, the best rinks in Canada, but was state champion "
        "for Queensland, Australia as a child."
    )
    assert resolve_text(gaz, text)["Queensland"][0].place.id == "test:qld"


def test_an_alias_is_not_ranked_below_a_village_of_its_country(gaz: Gazetteer) -> None:
    text = "The UK regulator approved the method that doctors in Newcastle developed."
    assert resolve_text(gaz, text)["Newcastle"][0].place.id == "test:ncl"


def test_the_text_saying_state_makes_it_the_state(gaz: Gazetteer) -> None:
    assert resolve_text(gaz, "Officials in Washington said on Monday.")["Washington"][0].place.id == "test:dc"
    for text in ("A cow on a Washington state farm fell ill.", "A cow in the state of Washington fell ill."):
        assert resolve_text(gaz, text)["Washington"][0].place.id == "test:wa", text


def test_a_named_country_decides_between_towns_of_one_name(gaz: Gazetteer) -> None:
    text = "Organizers of a London rally for the people of Damascus said Canada should do more for Syria."
    assert resolve_text(gaz, text)["London"][0].place.id == "test:lonon"
    # no country named: the capital
    assert resolve_text(gaz, "A London rally for Damascus drew crowds.")["London"][0].place.id == "test:lon"


def test_a_county_named_in_the_story_pulls_its_town_from_afar(gaz: Gazetteer) -> None:
    # a small Corvalle inside Brant County, a big one elsewhere in the province, a capital abroad
    text = "A crash on a road in Corvalle sent two drivers to hospital, Brant County police said."
    assert resolve_text(gaz, text)["Corvalle"][0].place.id == "test:coron"
    assert resolve_text(gaz, "Talks in Corvalle ended.")["Corvalle"][0].place.id == "test:corfr"


def test_a_landmark_pulls_its_city(gaz: Gazetteer) -> None:
    text = (
        "A student from Lexington in Kentucky was in Corvalle on holiday when a gunman opened fire "
        "on the Rue Verte. She will fly home to Lexington on Monday."
    )
    assert resolve_text(gaz, text)["Corvalle"][0].place.id == "test:corfr"


def test_another_transliteration_of_an_area_of_the_story_country(gaz: Gazetteer) -> None:
    text = "Bird flu spread in Egypt, where Daqahliya reported new cases."
    mentions = [Mention("t", 19, 24, "Egypt"), Mention("t", 32, 41, "Daqahliya")]
    assert Resolver(gaz).resolve(text, mentions)[1].place.id == "test:dk"
    # not for a story that is not about that country
    text = "Bird flu spread in France, where Daqahliya reported new cases."
    mentions = [Mention("t", 19, 25, "France"), Mention("t", 33, 42, "Daqahliya")]
    place = Resolver(gaz).resolve(text, mentions)[1].place
    # never the Egyptian area; at most "somewhere in France", as the sentence says
    assert place is None or place.source == "approximate within France"


def test_a_list_of_city_state_pairs(gaz: Gazetteer) -> None:
    text = "It owns buildings in Joplin, Missouri, Halvorsen, Oklahoma, Boise, Idaho and Paris, Texas."
    res = resolve_text(gaz, text)
    assert res["Halvorsen"][0].place.id == "test:halok"
    assert res["Paris"][0].place.id == "test:partx"


def test_the_atlantic_is_the_ocean(gaz: Gazetteer) -> None:
    text = "Storms over the Atlantic delayed flights from France and Russia to the United States."
    assert resolve_text(gaz, text)["Atlantic"][0].place.id == "test:atlo"


@pytest.mark.slow
def test_generality_cases_with_the_full_gazetteer() -> None:
    from geobrief.gazetteer import load_gazetteer

    full = load_gazetteer(progress=False)
    rec, res = Recognizer(full), Resolver(full)

    def read(text: str) -> dict[str, tuple[str, str, str]]:
        out = {}
        for r in res.resolve(text, rec.recognize(text, "t")):
            p = r.place
            out[r.mention.text] = (p.kind, p.country_code, p.admin1) if p else None
        return out

    idaho = read(
        "Police in Moscow are investigating the deaths of four students. The college town in "
        "northern Idaho lies a few miles from Pullman. Investigators from Boise joined the search."
    )
    assert idaho["Moscow"][1:] == ("US", "Idaho")
    assert read("Protesters gathered in Tbilisi as Georgia prepared for elections.")["Georgia"][:2] == (
        "country",
        "GE",
    )
    assert read("Voters in Atlanta and Savannah decided the race as Georgia counted ballots.")["Georgia"][
        :2
    ] == (
        "admin1",
        "US",
    )
    assert read("Paris Hilton attended the gala. The novel by Jack London was reprinted.") == {}
    assert read("Mr. Washington declined to comment.") == {}
    syria = read("Russia keeps the naval base at Tartus and an airfield in Qamishli. Clashes hit al-Hasakah.")
    assert syria["Tartus"][:2] == ("city", "SY")
    assert syria["Qamishli"][:2] == ("city", "SY")
    assert syria["al-Hasakah"][1] == "SY"


def test_a_sparsely_peopled_first_level_area_does_not_outrank_a_big_city(gaz: Gazetteer) -> None:
    text = "Marlowe selectmen hired a veteran lawyer on Monday."
    assert resolve_text(gaz, text)["Marlowe"][0].place.id == "test:maror"
    # the text calling it an area still makes it the area
    text = "Farmers in Marlowe province lost their crops."
    mentions = [Mention("t", 11, 18, "Marlowe")]
    assert Resolver(gaz).resolve(text, mentions)[0].place.kind == "admin1"


def test_a_former_name_of_a_town_yields_to_a_town_of_that_name(gaz: Gazetteer) -> None:
    text = "Fans packed the gym at Brennock High School on Friday."
    mentions = [Mention("t", 23, 31, "Brennock")]
    assert Resolver(gaz).resolve(text, mentions)[0].place.id == "test:brenin"


def test_a_feature_named_after_a_place_of_the_story_is_at_that_place(gaz: Gazetteer) -> None:
    text = "Shops in downtown Tallow, known as Tallow Station, opened. Trash fouled the Tallow River."
    mentions = [
        Mention("t", 18, 24, "Tallow"),
        Mention("t", 35, 49, "Tallow Station"),
        Mention("t", 76, 88, "Tallow River"),
    ]
    res = Resolver(gaz).resolve(text, mentions)
    assert [r.place.id if r.place else None for r in res] == ["test:tallow"] * 3
    # without the town named in the story the feature stays unresolved
    assert Resolver(gaz).resolve(text, mentions[1:])[0].place is None


def test_a_shortened_repeat_keeps_the_longer_names_reading(gaz: Gazetteer) -> None:
    text = "Flights from Daxton and Orrin to Port Halder resume. The Halder airport reopened."
    names = ("Daxton", "Orrin", "Port Halder", "Halder")
    mentions, at = [], 0
    for name in names:
        at = text.index(name, at)
        mentions.append(Mention("t", at, at + len(name), name))
        at += len(name)
    res = Resolver(gaz).resolve(text, mentions)
    assert res[3].place.id == "test:phalder"
    # alone, the short name is the lesser city of its own name
    assert Resolver(gaz).resolve(text, mentions[:2] + mentions[3:])[2].place.id == "test:halfl"


def test_a_guess_far_from_the_rest_of_the_story_is_not_confident(gaz: Gazetteer) -> None:
    text = "Crews from Daxton, Welmore and Orrin fought the fire. A man from Tamsin was hurt."
    res = resolve_text(gaz, text)
    assert res["Tamsin"][0].place.id == "test:tamau"
    assert res["Tamsin"][0].confidence <= 0.5
    assert res["Daxton"][0].confidence > 0.9
    # a town read only by an alternate name, with nothing near it, is a guess too
    text = "The Ferrow council met on Monday."
    assert resolve_text(gaz, text)["Ferrow"][0].confidence <= 0.6


_STORIES = (
    "Police in Moscow are investigating. The university town in northern Idaho lies near Pullman and Boise.",
    "Voters in Atlanta and Savannah decided the race as Georgia counted ballots.",
    "Crews from Daxton, Welmore and Orrin fought the fire. A man from Tamsin was hurt.",
    "Paris police and Brant County deputies met near Corvalle and Lexington, Kentucky.",
    "The company moved from Paris, Texas to Paris, Ky. last year. The Ferrow council met.",
)


def test_the_array_paths_for_long_articles_read_every_name_as_the_loops_do(
    gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # long articles take NumPy paths for spatial coherence and isolated guesses: same readings,
    # same confidences as the plain loops of ordinary articles
    import geobrief.resolve as resolve

    def readings() -> list[list[tuple]]:
        out = []
        for text in _STORIES:
            mentions = Recognizer(gaz).recognize(text, "t")
            res = Resolver(gaz).resolve(text, mentions)
            out.append([(r.place.id if r.place else None, r.confidence) for r in res])
        return out

    loops = readings()
    monkeypatch.setattr(resolve, "_NEAR_LOOP_PAIRS", 0)
    monkeypatch.setattr(resolve._Nearby, "LOOP", 0)
    assert readings() == loops
    assert any(conf <= 0.5 for story in loops for _, conf in story)  # the isolation test did fire


def test_a_long_list_repeating_a_few_names_costs_work_per_name_not_per_mention(
    gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a scraped list of 8,000 place names: containment is weighed once per pair of names
    calls = []
    contained = Resolver._contained

    def counting(c, container):  # noqa: ANN001, ANN202 - a spy with the spied method's signature
        calls.append(1)
        return contained(c, container)

    monkeypatch.setattr(Resolver, "_contained", staticmethod(counting))
    text = ", ".join(["Daxton", "Welmore", "Orrin", "Ohio"] * 2_000)
    mentions = Recognizer(gaz).recognize(text, "t")
    assert len(mentions) == 8_000
    res = Resolver(gaz).resolve(text, mentions)
    by_name: dict[str, set] = {}
    for r in res:
        by_name.setdefault(r.mention.text, set()).add(r.place.id)
    assert by_name["Daxton"] == {"test:dax"} and by_name["Ohio"] == {"test:oh"}
    assert len(calls) <= 4 * 4  # pairs of names x candidates, not pairs of mentions


def test_the_nearby_check_agrees_with_the_plain_distances() -> None:
    import random

    from geobrief.resolve import _Nearby

    rng = random.Random(3)
    places = [
        _c(f"p{i}", f"P{i}", rng.uniform(-70, 70), rng.uniform(-180, 180), "city", "XX") for i in range(400)
    ]
    near = _Nearby(places)
    assert near.arrays is not None  # past the loop's size: the latitude-band path
    for c in places[:80]:
        for km in (150.0, 1500.0):
            plain = any(haversine_km(c.lat, c.lon, o.lat, o.lon) <= km for o in places if o.id != c.id)
            assert near.any_within(c, km) == plain

"""Toponym recognition: what is found, what is left alone."""

from __future__ import annotations

import pytest

from geobrief.gazetteer import Gazetteer
from geobrief.model import Candidate
from geobrief.recognize import Recognizer
from geobrief.text import sentence_spans


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
        (
            _c("ru", "Russia", 60.0, 100.0, "country", "RU", pop=144_000_000),
            [("Russian", "demonym"), ("Russian Federation", "alias")],
        ),
        (_c("sy", "Syria", 35.0, 38.0, "country", "SY", pop=22_000_000), [("Syrian", "demonym")]),
        (
            _c("us", "United States", 39.8, -98.5, "country", "US", pop=310_000_000),
            [("U.S.", "abbrev"), ("US", "abbrev"), ("American", "demonym")],
        ),
        (_c("ge", "Georgia", 42.0, 43.5, "country", "GE", pop=3_700_000), []),
        (_c("ga", "Georgia", 32.75, -83.5, "admin1", "US", pop=10_000_000), [("Ga.", "abbrev")]),
        (
            _c("ky", "Kentucky", 37.5, -85.0, "admin1", "US", pop=4_300_000),
            [("Ky.", "abbrev"), ("Kentucky State", "alias")],
        ),
        (_c("cns", "Cairns", -16.92, 145.77, "city", "AU", "Queensland", 150_000, "PPL"), []),
        (_c("id", "Idaho", 44.5, -114.0, "admin1", "US", pop=1_800_000), []),
        (_c("mow", "Moscow", 55.75, 37.62, "city", "RU", "Moscow", 12_000_000, "PPLC"), []),
        (_c("mowid", "Moscow", 46.73, -117.0, "city", "US", "Idaho", 25_000, "PPL"), []),
        (_c("dam", "Damascus", 33.51, 36.29, "city", "SY", "Dimashq", 2_500_000, "PPLC"), []),
        (_c("tar", "Tartus", 34.89, 35.89, "city", "SY", "Tartus", 115_000, "PPLA"), [("Tartous", "alias")]),
        (
            _c("qam", "Al Qamishli", 37.05, 41.23, "city", "SY", "Al-Hasakah", 185_000, "PPL"),
            [("Qamishli", "alias")],
        ),
        (_c("hmb", "Hmeimim Air Base", 35.41, 35.95, "facility", "SY", pop=0), []),
        (_c("par", "Paris", 48.85, 2.35, "city", "FR", "Ile-de-France", 2_100_000, "PPLC"), []),
        (_c("lon", "London", 51.5, -0.12, "city", "GB", "England", 8_900_000, "PPLC"), []),
        (
            _c("was", "Washington", 38.9, -77.04, "city", "US", "District of Columbia", 700_000, "PPLC"),
            [("Washington, D.C.", "alias")],
        ),
        (_c("laur", "Laurel County", 37.1, -84.1, "admin2", "US", "Kentucky", 60_000, "ADM2"), []),
        (_c("lond_ky", "London", 37.13, -84.08, "city", "US", "Kentucky", 8_000, "PPLA2"), []),
        (_c("cam", "Cambridge", 52.2, 0.12, "city", "GB", "England", 120_000, "PPL"), []),
        (_c("rea", "Reading", 51.45, -0.97, "city", "GB", "England", 230_000, "PPL"), []),
        (_c("pol", "Police", 53.55, 14.57, "city", "PL", "West Pomerania", 33_000, "PPL"), []),
        (_c("ny", "New York", 40.71, -74.0, "city", "US", "New York", 8_000_000, "PPL"), []),
        (_c("tbi", "Tbilisi", 41.7, 44.8, "city", "GE", "Tbilisi", 1_100_000, "PPLC"), []),
        (_c("atl", "Atlanta", 33.75, -84.39, "city", "US", "Georgia", 460_000, "PPLA"), []),
        (_c("af", "Africa", 7.2, 21.1, "continent", "", pop=1_000_000_000), []),
        (_c("tx", "Texas", 31.0, -100.0, "admin1", "US", pop=29_000_000), []),
        (_c("nile", "Nile", 27.0, 31.0, "river", "EG"), []),
        (_c("man", "Man", 7.41, -7.55, "city", "CI", "Montagnes", 240_000, "PPLA"), []),
        (_c("hus", "Hussein", 30.0, 70.0, "city", "PK", "Punjab", 2_000, "PPL"), []),
        (_c("rgs", "Rio Grande do Sul", -29.6, -52.7, "admin1", "BR", pop=11_000_000), []),
        (_c("maz", "Mazar-e Sharif", 36.7, 67.1, "city", "AF", pop=500_000), [("Mazar-i-Sharif", "alias")]),
        (_c("rg", "Rio Grande", -32.0, -52.1, "city", "BR", pop=200_000), []),
        (
            _c("ksu", "Frankfort campus", 38.2, -84.87, "landmark", "US", "Kentucky"),
            [("Kentucky State", "alias")],
        ),
    ]
    return Gazetteer.from_entries(entries)


@pytest.fixture(scope="module")
def rec(gaz: Gazetteer) -> Recognizer:
    return Recognizer(gaz)


def found(rec: Recognizer, text: str) -> list[str]:
    return [m.text for m in rec.recognize(text, "a1")]


def test_mentions_carry_offsets_article_and_sentence(rec: Recognizer) -> None:
    text = "Talks were held in Moscow. Then the delegation flew to Damascus."
    ms = rec.recognize(text, "art-7", sentence_spans(text))
    assert [m.text for m in ms] == ["Moscow", "Damascus"]
    for m in ms:
        assert text[m.start : m.end] == m.text
        assert m.article_id == "art-7"
        assert text[m.sentence_start : m.sentence_end].endswith(".")
        assert m.sentence_start <= m.start < m.end <= m.sentence_end
    assert ms[1].sentence_start > ms[0].sentence_end - 1


def test_longest_match_wins(rec: Recognizer) -> None:
    assert found(rec, "He moved to New York last year.") == ["New York"]
    assert found(rec, "Deputies in Laurel County arrested him.") == ["Laurel County"]


def test_abbreviations_keep_their_full_stop(rec: Recognizer) -> None:
    assert found(rec, "The U.S. sent aid to London, Ky. on Monday.") == ["U.S.", "London", "Ky."]


def test_demonyms_are_mentions_and_can_be_switched_off(gaz: Gazetteer) -> None:
    text = "Russian forces left the Syrian port."
    assert found(Recognizer(gaz), text) == ["Russian", "Syrian"]
    assert found(Recognizer(gaz, demonyms=False), text) == []


def test_facility_phrases(rec: Recognizer) -> None:
    text = "Russia keeps the Hmeimim Air Base and the naval base at Tartus, and an airfield in Qamishli."
    assert found(rec, text) == ["Russia", "Hmeimim Air Base", "Tartus", "Qamishli"]


def test_unknown_facility_name_is_still_a_mention(rec: Recognizer) -> None:
    # the name is not in the gazetteer, the designator makes it a place phrase
    assert "Zorbakh Air Base" in found(rec, "Jets took off from Zorbakh Air Base at dawn.")


def test_arabic_article_variants(rec: Recognizer) -> None:
    for text, want in [
        ("Clashes erupted in al-Qamishli overnight.", "al-Qamishli"),
        ("Clashes erupted in Al Qamishli overnight.", "Al Qamishli"),
        ("Clashes erupted in Qamishli overnight.", "Qamishli"),
    ]:
        assert found(rec, text) == [want]


@pytest.mark.parametrize(
    "text",
    [
        "Paris Hilton attended the gala.",
        "The novel by Jack London was reprinted.",
        "Mr. Washington declined to comment.",
        "President Washington crossed the river.",
    ],
)
def test_people_named_like_places_are_not_places(rec: Recognizer, text: str) -> None:
    assert found(rec, text) == []


def test_person_name_used_again_alone_is_not_a_place(rec: Recognizer) -> None:
    text = "Mr. Washington spoke first. Washington said the vote would wait."
    assert found(rec, text) == []


def test_organisation_words_after_a_name(rec: Recognizer) -> None:
    assert found(rec, "She studied at Cambridge University before joining the Washington Post.") == []


def test_common_words_are_not_places(rec: Recognizer) -> None:
    # sentence-initial and in-name capitalised common words
    assert found(rec, "Reading the report, officials frowned. Police said nothing.") == []
    assert found(rec, "He grew up in Reading.") == ["Reading"]


def test_acronyms_are_not_places(gaz: Gazetteer) -> None:
    g = Gazetteer.from_entries([(_c("fda", "Fda", 10.0, 10.0, "city", "XX", pop=1000), [])])
    assert found(Recognizer(g), "The FDA approved it.") == []
    assert found(Recognizer(gaz), "US officials said the US would act.") == ["US", "US"]


def test_unknown_town_before_a_state(rec: Recognizer) -> None:
    assert found(rec, "The fire started in Smallville, Ky. on Sunday.") == ["Smallville", "Ky."]


def test_person_before_a_state_is_not_a_town(rec: Recognizer) -> None:
    assert found(rec, "said Mr. Smith, Georgia's governor.") == ["Georgia"]


def test_lowercase_words_are_never_mentions(rec: Recognizer) -> None:
    assert found(rec, "the reading of the police report in georgia") == []


def test_empty_text(rec: Recognizer) -> None:
    assert rec.recognize("", "x") == []


def test_disease_and_currency_uses_are_not_places(rec: Recognizer) -> None:
    assert found(rec, "Cases of West Nile virus rose in Texas.") == ["Texas"]
    assert found(rec, "It cost US$5 million.") == []


def test_compass_regions(rec: Recognizer) -> None:
    # a direction before a continent names a region; before a state it only qualifies it
    assert found(rec, "Drought hit West Africa and North Texas.") == ["West Africa", "Texas"]


def test_street_and_lake_patterns(rec: Recognizer) -> None:
    assert found(rec, "The parade went down Main Street to Lake Zorbu.") == ["Main Street", "Lake Zorbu"]


def test_headline_capitals_are_not_evidence(rec: Recognizer) -> None:
    assert found(rec, "Grand Jury Indicts Man In December Slaying.") == []
    assert found(rec, "Flooding closed roads in Man on Monday.") == ["Man"]


def test_person_with_unknown_given_name(rec: Recognizer) -> None:
    assert found(rec, "Former dictator Saddam Hussein used the poison.") == []


def test_obscure_alias_does_not_swallow_a_state(rec: Recognizer) -> None:
    assert found(rec, "Kentucky State Police said the road was closed.") == ["Kentucky"]


def test_rare_common_word_as_a_town_name(rec: Recognizer) -> None:
    # "cairns" is an English word, but a rare one: a known town in place context is kept
    assert found(rec, "The body was found south of Cairns in November.") == ["Cairns"]
    assert found(rec, "Cairns mark the trail.") == []


def test_street_abbreviation_keeps_its_full_stop(rec: Recognizer) -> None:
    assert found(rec, "He lives at 12 Orchard St. in the old town.") == ["Orchard St."]
    assert found(rec, "The shop on Zorbu Ave. closed.") == ["Zorbu Ave."]


def test_name_with_an_initial_is_a_person(rec: Recognizer) -> None:
    # "Jane Q. Cairns" is a person, so the later bare "Cairns" is too
    assert found(rec, "Deputies arrested Jane Q. Cairns on Monday. Police later released Cairns.") == []
    assert found(rec, "Fans mourned B.B. Cairns this week, and again heard Cairns sing.") == []
    # a place stays a place when the article names no such person
    assert found(rec, "The body was found south of Cairns in November.") == ["Cairns"]


def test_name_after_a_quote_and_a_verb_of_saying_is_a_person(rec: Recognizer) -> None:
    assert found(rec, '"We will act," Cairns said. Reporters asked Cairns again.') == []
    # a well-known place standing for its government is still a mention
    assert found(rec, '"We will act," Tbilisi said.') == ["Tbilisi"]


def test_name_with_an_age_is_a_person(rec: Recognizer) -> None:
    assert found(rec, "Zorbu Cairns, 24, was arrested. Police said Cairns denied it.") == []


def test_lower_case_role_before_a_name_is_a_person(rec: Recognizer) -> None:
    assert found(rec, "said spokesman Zorbu Cairns. Reporters then asked Cairns twice.") == []


def test_town_before_a_state_is_no_function_word_or_date(rec: Recognizer) -> None:
    assert found(rec, "In September, Georgia passed a law.") == ["Georgia"]
    assert found(rec, "On Monday, Syrian officials met.") == ["Syrian"]
    assert found(rec, "A Smallville, Ky. newspaper closed.") == ["Smallville", "Ky."]


def test_article_or_number_before_a_pattern_name_is_not_part_of_it(rec: Recognizer) -> None:
    assert found(rec, "The Zorbu County sheriff said so.") == ["Zorbu County"]
    assert found(rec, "Three Zorbu County residents were charged.") == ["Zorbu County"]


def test_compass_abbreviation_is_no_initial(rec: Recognizer) -> None:
    assert found(rec, "Fire damages S.E. Paris apartment. Paris firefighters came.") == ["Paris", "Paris"]


def test_a_name_used_for_a_disease_is_no_place_elsewhere_in_the_article(rec: Recognizer) -> None:
    text = "West Nile virus cases rose. Doctors say West Nile is spreading in Texas."
    assert found(rec, text) == ["Texas"]
    # "to Tartus" is the place even where the article names a "Tartus fever"
    assert found(rec, "Tartus fever spread. Doctors say Tartus is calm. He flew to Tartus.") == ["Tartus"]
    assert found(rec, "Boats sailed down the Nile at dawn.") == ["Nile"]


def test_vehicle_models_named_like_places_are_not_places(rec: Recognizer) -> None:
    # a car make before, or a model year after an article: a vehicle, here and later in the article
    assert found(rec, "A red Dodge Tartus sped off. Shots came from the Tartus later.") == []
    assert found(rec, "She drove a 2005 Cairns Odyssey. Police stopped the Cairns there.") == []
    # a date before a place is no model year
    assert found(rec, "March 30, 2009 Tartus officials met.") == ["Tartus"]


def test_currency_and_coded_numbers_are_not_places(rec: Recognizer) -> None:
    assert found(rec, "The crop is worth $US 15 billion.") == []
    assert found(rec, "Crews closed US-24 near the bridge, and the US sent aid.") == ["US"]


def test_unknown_name_after_a_settlement_noun_of(rec: Recognizer) -> None:
    assert found(rec, "Troops entered the village of Zorvani on Monday.") == ["Zorvani"]
    assert found(rec, "Rebels shelled the villages of Kelvash and Drumna near Tartus.") == [
        "Kelvash",
        "Drumna",
        "Tartus",
    ]
    assert found(rec, "Aid reached the towns of Abrel, Mosqi and Tarvun.") == ["Abrel", "Mosqi", "Tarvun"]


def test_unknown_name_in_apposition_with_a_settlement_noun(rec: Recognizer) -> None:
    assert found(rec, "She grew up in Qelbani, a small farming town in Syria.") == ["Qelbani", "Syria"]
    # a known name the person filters would drop ("Georgia" as a given name) is kept by the apposition
    assert found(rec, "Floods hit Torvik, a village near Moscow.") == ["Torvik", "Moscow"]


def test_unknown_name_before_a_lower_case_place_phrase(rec: Recognizer) -> None:
    assert found(rec, "Families fled the Zarbun refugee camp and the Ostrel air base.") == [
        "Zarbun",
        "Ostrel",
    ]
    assert found(rec, "Shops closed in the Marvesh district.") == ["Marvesh"]
    assert found(rec, "Protesters met in Damascus's Qassali neighbourhood.") == ["Damascus", "Qassali"]


def test_portuguese_lower_case_joiners_stay_inside_a_name(rec: Recognizer) -> None:
    assert found(rec, "Farmers marched in Rio Grande do Sul.") == ["Rio Grande do Sul"]
    # not when the whole is no known name: the shorter name stands alone
    assert found(rec, "Ships reached Rio Grande do Norte.") == ["Rio Grande"]


def test_a_known_name_inside_a_longer_compound_name_is_not_taken(rec: Recognizer) -> None:
    # "Tartus-e-Zorvani", "Tartus al-Zorvani", "Zorvani-i-Tartus" are other, unknown names
    assert found(rec, "Troops reached Tartus-e-Zorvani at dawn.") == []
    assert found(rec, "Planes hit the Tartus al-Zorvani area.") == []
    assert found(rec, "Planes hit Zorvani-i-Tartus.") == []
    # a compound the gazetteer knows is taken whole; places joined without a link word stay apart
    assert found(rec, "Aid reached Mazar-i-Sharif.") == ["Mazar-i-Sharif"]
    assert found(rec, "The Moscow-Tartus route reopened near al-Qamishli.") == [
        "Moscow",
        "Tartus",
        "al-Qamishli",
    ]


def test_unknown_names_of_oilfields_and_camps_in_lists(rec: Recognizer) -> None:
    # a plural place phrase takes the list before it, back to its article or owner
    assert found(rec, "Jets hit Syria's Zarbun, Qelvash and Drumna offshore oilfields.") == [
        "Syria",
        "Zarbun",
        "Qelvash",
        "Drumna",
    ]
    assert found(rec, "Jets struck the oilfields at Zorvani, Abrel and Mosqi.") == [
        "Zorvani",
        "Abrel",
        "Mosqi",
    ]
    assert found(rec, "Guards left the Tarvun oil platform.") == ["Tarvun"]
    # no article or owner before the list, a company, the plain word "fields"
    assert found(rec, "Zarbun and Qelvash oilfields were hit.") == []
    assert found(rec, "Workers at Mopani Copper Mines went on strike.") == []
    assert found(rec, "Farmers walked the fields at dawn.") == []


def test_settlement_context_does_not_take_people_or_organisations(rec: Recognizer) -> None:
    # a person in apposition with an office ("a town councillor", "a village elder")
    assert found(rec, "Brenner, a town councillor in Syria, resigned.") == ["Syria"]
    assert found(rec, "Mary Dunlop, a village elder from the north, spoke.") == []
    assert found(rec, "Mr. Hassan, a village chief in the area, said.") == []
    # an office or an institution after the phrase; an organisation word after the name
    assert found(rec, "The Kelvin district attorney and the Trump camp disagreed.") == []
    assert found(rec, "The city of Brampton Council met.") == []
    # a title before the name, a name the article uses for a person
    assert found(rec, "In the village of Tamrou, President Wexler spoke. Wexler said Tamrou was safe.") == [
        "Tamrou",
        "Tamrou",
    ]
    # no article before a lower-case place phrase, a lone initial, a sentence-initial capital
    assert found(rec, "Zarbun refugee camp officials left. Site C dam plans went on.") == []
    assert found(rec, "Reporters in the city of Moscow waited.") == ["Moscow"]


def test_unknown_names_listed_with_known_towns_are_places(rec: Recognizer) -> None:
    # two towns below country level in a list of three or more names make the others places
    assert found(rec, "Strikes closed mines in Tartus, Zorvani, Qelvash and Damascus.") == [
        "Tartus",
        "Zorvani",
        "Qelvash",
        "Damascus",
    ]
    assert found(rec, "Cases rose in Zorvani, Moscow and Cambridge.") == ["Zorvani", "Moscow", "Cambridge"]


def test_lists_that_do_not_make_unknown_names_places(rec: Recognizer) -> None:
    # one known town only: "Smith, Jones and Cambridge" may be anything
    assert found(rec, "Zorvani, Qelvash and Cambridge signed the letter.") == ["Cambridge"]
    # a country in the list: powers and parties ("Syria, Russia and Hezbollah")
    assert found(rec, "Talks between Syria, Russia and Zorvani stalled.") == ["Syria", "Russia"]
    # two names are a pair, not a list
    assert found(rec, "Buses ran between Zorvani and Tartus and Damascus.") == ["Tartus", "Damascus"]


def test_a_name_set_off_by_a_distance_from_a_place(rec: Recognizer) -> None:
    assert found(rec, "The refinery at Zorvani, 18 miles south of Damascus, was shut.") == [
        "Zorvani",
        "Damascus",
    ]
    assert found(rec, "Rebels held Qelvash, about 30 km north of the capital.") == ["Qelvash"]
    # a number that is no distance ("Zorvani, 45, a farmer"), or no direction after it
    assert found(rec, "Zorvani, 45, a farmer from Tartus, was hurt.") == ["Tartus"]
    assert found(rec, "Qelvash, 30 miles long, is a ridge near Tartus.") == ["Tartus"]


def test_a_plural_district_phrase_takes_its_list_past_a_known_name(rec: Recognizer) -> None:
    assert found(rec, "Officials quarantined the Tartus and Zorvani districts.") == ["Tartus", "Zorvani"]
    assert found(rec, "Shelling hit the Qelvash and Zorvani districts of Damascus.") == [
        "Qelvash",
        "Zorvani",
        "Damascus",
    ]

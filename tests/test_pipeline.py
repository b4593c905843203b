"""End to end: articles in, a briefing out — on the seeds and on short texts written for the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geobrief.cli import main
from geobrief.geo import haversine_km
from geobrief.model import Article
from geobrief.pipeline import Pipeline, brief, register

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seed_briefing():
    return brief([SEEDS])


def _place_near(briefing, lat, lon, km):
    near = [p for p in briefing.places if haversine_km(p.lat, p.lon, lat, lon) <= km]
    assert near, (
        f"no place within {km} km of {lat}, {lon}: {[(p.name, p.lat, p.lon) for p in briefing.places]}"
    )
    return near


def _labels(places):
    return {label for p in places for label in p.labels}


@pytest.mark.parametrize(
    "lat, lon, km",
    [(35.401, 35.949, 3), (34.89, 35.89, 5), (37.05, 41.22, 10), (55.75, 37.62, 25), (33.51, 36.29, 15)],
    ids=["Hmeimim", "Tartus", "Qamishli", "Moscow", "Damascus"],
)
def test_seed_places_resolve_near_their_true_positions(seed_briefing, lat, lon, km):
    _place_near(seed_briefing, lat, lon, km)


def test_seed_claims(seed_briefing):
    qamishli = _place_near(seed_briefing, 37.05, 41.22, 10)
    assert "reported withdrawal" in _labels(qamishli)
    withdrawal = [c for p in qamishli for c in p.claims if c.event == "withdrawal"]
    assert max(c.sources for c in withdrawal) == 2
    assert "military presence" in _labels(_place_near(seed_briefing, 35.401, 35.949, 3))
    assert "military presence" in _labels(_place_near(seed_briefing, 34.89, 35.89, 5))
    moscow = _place_near(seed_briefing, 55.75, 37.62, 25)
    visits = [c for p in moscow for c in p.claims if c.event == "visit"]
    # planned in one article, seen arriving in both ("descending the steps of his airplane ... in Moscow",
    # and the lede the outlet signs itself): the merged label is the plain "visit"
    assert [c.label for c in visits] == ["visit"]
    evidence = [e.text for c in visits for e in c.evidence]
    assert any("descending the steps of his airplane" in t for t in evidence)
    assert not any("appeared first on" in t for t in evidence)  # the feed footer is no evidence


def test_seed_damascus_capture_is_historical(seed_briefing):
    damascus = _place_near(seed_briefing, 33.51, 36.29, 15)
    captures = [c for p in damascus for c in p.claims if c.event == "control_change"]
    assert captures and all(c.historical for c in captures)


def test_every_claim_keeps_evidence_that_quotes_the_article(seed_briefing):
    texts = {a.id: a.text for a in seed_briefing.articles}
    for claim in seed_briefing.claims:
        assert claim.evidence
        for ev in claim.evidence:
            assert texts[ev.article_id][ev.start : ev.end] == ev.text
            assert ev.start <= ev.mention_start < ev.mention_end <= ev.end


def test_a_story_set_in_idaho_puts_moscow_in_idaho():
    text = (
        "Police in Moscow, Idaho, said on Monday that the university town was calm after the storm. "
        "Residents of Moscow and nearby Pullman cleared roads, and Boise sent crews to help."
    )
    b = brief([Article("idaho", text)])
    moscow = [p for p in b.places if p.name.startswith("Moscow")]
    assert moscow and all(p.country_code == "US" for p in moscow)
    assert haversine_km(moscow[0].lat, moscow[0].lon, 46.73, -117.0) < 50


@pytest.mark.parametrize(
    "text, expect_country, lat, lon",
    [
        (
            "Protesters filled the streets of Tbilisi as Georgia's parliament debated the bill.",
            "GE",
            42.0,
            43.5,
        ),
        (
            "Storms hit Atlanta and the rest of Georgia overnight, cutting power to thousands.",
            "US",
            32.7,
            -83.4,
        ),
    ],
    ids=["country", "us-state"],
)
def test_georgia_follows_its_neighbours(text, expect_country, lat, lon):
    b = brief([Article("g", text)])
    georgia = [p for p in b.places if "Georgia" in p.surface_forms]
    assert georgia and georgia[0].country_code == expect_country
    assert haversine_km(georgia[0].lat, georgia[0].lon, lat, lon) < 400


def test_a_person_named_like_a_place_is_not_mapped():
    text = "Paris Hilton and Jack London were guests of Mr. Washington at the gala in Chicago."
    b = brief([Article("p", text)])
    forms = {s for p in b.places for s in p.surface_forms}
    assert "Chicago" in forms
    assert not forms & {"Paris", "London", "Washington", "Hilton", "Jack"}


def test_unresolved_mentions_are_kept_not_dropped():
    class OneUnknown:
        def recognize(self, text, article_id="", sentences=None):
            from geobrief.model import Mention

            start = text.index("Zzyzxqvillé")
            return [Mention(article_id, start, start + len("Zzyzxqvillé"), "Zzyzxqvillé")]

    pipeline = Pipeline(recognizer=OneUnknown())
    b = brief([Article("u", "Troops arrived in Zzyzxqvillé on Monday.")], pipeline=pipeline)
    assert [r.mention.text for r in b.unresolved] == ["Zzyzxqvillé"]


def test_components_are_swappable_by_registered_name():
    from geobrief.model import Mention

    @register("recognizer", "first-capital-word")
    def _factory(gazetteer):
        class First:
            def recognize(self, text, article_id="", sentences=None):
                return [Mention(article_id, 0, text.index(" "), text[: text.index(" ")])]

        return First()

    b = brief(
        [Article("s", "Lisbon welcomed the delegation.")], pipeline=Pipeline(recognizer="first-capital-word")
    )
    assert [p.surface_forms for p in b.places] == [("Lisbon",)]
    with pytest.raises(ValueError, match="no recognizer named"):
        Pipeline(recognizer="no-such-thing")


def test_build_writes_outputs_and_summary_and_flags_failures(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    out = tmp_path / "out"
    status = main(["build", str(SEEDS), str(bad), "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 1  # something failed, the rest was written
    assert "bad.txt" in captured.err
    assert (out / "briefing.html").is_file()
    geo = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection" and geo["features"]
    for feature in geo["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        assert {"name", "kind", "labels", "claims", "mentions", "articles"} <= set(props)
    assert "articles read: 2" in captured.out
    assert "places resolved:" in captured.out and "mentions unresolved:" in captured.out
    assert "files written:" in captured.out


def test_extract_jsonl_gives_one_line_per_article_without_merging(tmp_path, capsys):
    assert main(["extract", str(SEEDS), "--jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [rec["id"] for rec in lines] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for rec in lines:
        for place in rec["places"]:
            assert {"name", "lat", "lon", "kind", "claims"} <= set(place)
            for claim in place["claims"]:
                assert {"event", "modality", "label", "attribution", "time", "evidence"} <= set(claim)
                assert all(ev["article"] == rec["id"] for ev in claim["evidence"])


def test_an_input_given_twice_counts_its_claims_once(seed_briefing, tmp_path):
    (tmp_path / "again").symlink_to(SEEDS)
    twice = brief([SEEDS, SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0], tmp_path / "again"])
    assert len(twice.articles) == len(seed_briefing.articles)
    assert twice.failures == ()
    sources = {(p.id, c.event): c.sources for p in twice.places for c in p.claims}
    assert sources == {(p.id, c.event): c.sources for p in seed_briefing.places for c in p.claims}

"""The learned claim scorer: monotone on its main features, deterministic to retrain, and safe to load."""

from __future__ import annotations

import json

import pytest

from geobrief.claims.scorer import Scorer, scorer
from geobrief.errors import GeobriefError

# A locative attack candidate as the extractor describes one ("clashes broke out in X").
BASE = {
    "ev:attack": 1.0,
    "entry:attack_fighting": 1.0,
    "dist:2-3": 1.0,
    "cue_before": 1.0,
    "same_clause": 1.0,
    "prep:in": 1.0,
    "ev_prep:attack:in": 1.0,
    "kind:city": 1.0,
    "between:0": 1.0,
    "nplaces:2": 1.0,
}


def _p(**changes: float | None) -> float:
    features = dict(BASE)
    for name, value in changes.items():
        name = name.replace("__", ":")
        if value is None:
            features.pop(name, None)
        else:
            features[name] = value
    return scorer().probability(features)


def test_a_role_link_raises_the_probability():
    assert _p(role=1.0, role__locative=1.0) > _p()


def test_a_far_cue_lowers_it():
    assert _p(**{"dist__2-3": None, "dist__21+": 1.0}) < _p(**{"dist__2-3": None, "dist__0-1": 1.0})


def test_a_speaking_place_is_metonymy_not_a_site():
    assert _p(speech_after=1.0) < _p()


def test_a_demonym_is_less_likely_the_site():
    assert _p(adjectival=1.0) < _p()


def test_the_locative_preposition_beats_an_origin():
    near = _p(
        **{"prep__in": None, "ev_prep__attack__in": None, "prep__near": 1.0, "ev_prep__attack__near": 1.0}
    )
    origin = _p(
        **{"prep__in": None, "ev_prep__attack__in": None, "prep__from": 1.0, "ev_prep__attack__from": 1.0}
    )
    assert near > origin


def test_an_article_about_the_event_raises_it():
    assert _p(theme_same=1.0) > _p(theme_other=1.0)


def test_probabilities_are_probabilities_and_the_thresholds_are_sane():
    model = scorer()
    assert 0.0 < model.probability({}) < 1.0
    assert 0.0 < model.probability({"role": 1e6}) <= 1.0  # no overflow
    assert 0.0 <= model.probability({"role": -1e6}) < 1.0
    assert 0.0 < model.threshold < 1.0
    assert model.role_threshold is not None and model.role_threshold <= model.threshold
    assert model.accepts(model.threshold, role=False) and not model.accepts(
        model.threshold - 1e-6, role=False
    )
    assert model.accepts(model.role_threshold, role=True)


def test_the_shipped_model_records_how_it_was_trained():
    meta = scorer().meta
    assert meta["trained_on"] == ["dev.jsonl", "status_dev.jsonl"]  # never the lockbox
    assert meta["articles"] >= 200 and 0.0 < meta["cv_f1"] <= 1.0


def test_round_trip_and_malformed_data():
    model = Scorer({"a": 1.5, "b": -0.5}, intercept=0.25, threshold=0.4, role_threshold=0.1)
    again = Scorer.from_data(json.loads(json.dumps(model.to_data())))
    assert again.weights == model.weights and again.threshold == 0.4 and again.role_threshold == 0.1
    with pytest.raises(GeobriefError):
        Scorer.from_data({"weights": {"a": "heavy"}})
    with pytest.raises(GeobriefError):
        Scorer.from_data({"intercept": 0})


@pytest.mark.slow
def test_training_is_deterministic(tmp_path):
    """Two trainings on the same annotations give the same weights and thresholds (a tiny gold set)."""
    from geobrief.claims.train import train

    articles = [
        ("a1", "Rebels attacked the town of Kelby on Monday. Talks were held in Dunmore.", "Kelby", "attack"),
        (
            "a2",
            "Floods hit Lorn after heavy rain. Officials in Ashby said aid was on the way.",
            "Lorn",
            "disaster",
        ),
        ("a3", "Protesters marched through Dunmore on Sunday, police in Kelby said.", "Dunmore", "protest"),
        ("a4", "Troops withdrew from Ashby at dawn, and shelling of Lorn went on.", "Ashby", "withdrawal"),
        ("a5", "The minister visited Kelby and met farmers there.", "Kelby", "visit"),
        ("a6", "Warships patrol the coast near Dunmore, the navy said.", "Dunmore", "military_presence"),
    ]
    gold = tmp_path / "gold.jsonl"
    with gold.open("w") as f:
        for aid, text, place, event in articles:
            rec = {
                "id": aid,
                "text": text,
                "places": [
                    {
                        "name": place,
                        "lat": 0.0,
                        "lon": 0.0,
                        "claims": [{"event": event, "modality": "asserted", "evidence": text.split(".")[0]}],
                    }
                ],
            }
            f.write(json.dumps(rec) + "\n")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    train([gold], out=a, folds=2)
    train([gold], out=b, folds=2)
    assert a.read_text() == b.read_text()
    assert json.loads(a.read_text())["weights"]


def test_the_article_s_main_event_and_a_pair_it_repeats_raise_it():
    assert _p(**{"ev_share__hi": 1.0}) > _p(**{"ev_share__lo": 1.0})
    assert _p(**{"pair_n__3-4": 1.0}) > _p(**{"pair_n__1": 1.0})


def test_a_place_carried_from_the_sentence_before_is_less_likely_the_site():
    assert _p(carried=1.0) < _p()
    # the more places it could be, the less likely each
    assert _p(carried=1.0, carried_places__3=1.0) < _p(carried=1.0, carried_places__1=1.0)

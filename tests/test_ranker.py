"""The learned candidate ranker: shipped weights, features, training and its reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gazetteer_factory import candidate as _c

from geobrief import ranker
from geobrief.errors import GeobriefError
from geobrief.gazetteer import Gazetteer
from geobrief.model import Mention
from geobrief.ranker import FEATURES, load_weights
from geobrief.ranker_train import fit, train
from geobrief.resolve import Resolver


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_entries(
        [
            (_c("fr", "France", 46.0, 2.0, "country", "FR", 67_000_000), []),
            (_c("us", "United States", 39.8, -98.5, "country", "US", 310_000_000), []),
            (_c("par", "Paris", 48.85, 2.35, "city", "FR", 2_100_000, "PPLC"), []),
            (_c("partx", "Paris", 33.66, -95.55, "city", "US", 25_000, "PPL"), []),
            (_c("lyon", "Lyon", 45.76, 4.84, "city", "FR", 500_000), []),
            (_c("dallas", "Dallas", 32.78, -96.8, "city", "US", 1_300_000), []),
            (_c("aug", "August", 38.0, -121.3, "city", "US", 8_000), []),
            (_c("augde", "Augustdorf", 51.9, 8.7, "city", "DE", 9_000), [("August", "alias")]),
        ]
    )


def _mentions(text: str, *names: str) -> list[Mention]:
    out = []
    for name in names:
        s = text.index(name)
        out.append(Mention("t", s, s + len(name), name, 0, len(text)))
    return out


def test_shipped_ranker_is_plain_json_with_every_feature() -> None:
    path = Path(ranker.__file__).parent / "rules" / "ranker.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(data["weights"]) == sorted(FEATURES)
    weights = load_weights()
    assert weights is not None and len(weights) == len(FEATURES)
    # the hand-weighted margin is the ranker's starting point and keeps a positive weight
    assert weights[FEATURES.index("hand_margin")] > 0


def test_a_ranker_file_of_other_features_is_refused(tmp_path: Path, gaz: Gazetteer) -> None:
    bad = tmp_path / "r.json"
    bad.write_text(json.dumps({"weights": {"population": 1.0}}), encoding="utf-8")
    with pytest.raises(GeobriefError, match="retrain"):
        Resolver(gaz, ranker=str(bad))
    broken = tmp_path / "b.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(GeobriefError, match="cannot read"):
        Resolver(gaz, ranker=str(broken))


def test_features_mark_a_common_word_read_as_a_minor_place(gaz: Gazetteer) -> None:
    text = "In August the mayor of Paris visited Lyon."
    ms = _mentions(text, "August", "Paris", "Lyon")
    t = Resolver(gaz).table(text, ms)
    assert all(len(x) == len(FEATURES) for xs in t.features for x in xs)
    common = FEATURES.index("common_word_minor")
    aug = t.group_of[0]
    assert all(x[common] == 1.0 for x in t.features[aug])
    paris = t.group_of[1]
    assert all(x[common] == 0.0 for x in t.features[paris])
    # Paris, France lies near the article's other place (Lyon); Paris, Texas far from it
    focus = FEATURES.index("focus_distance")
    by_id = {m.candidate.id: x for m, x in zip(t.gcands[paris], t.features[paris], strict=True)}
    assert by_id["test:par"][focus] < by_id["test:partx"][focus]


def test_ranker_and_hand_score_agree_on_a_clear_story(gaz: Gazetteer) -> None:
    text = "Paris and Dallas: the Texas town of Paris lies north-east of Dallas."
    ms = _mentions(text, "Paris", "Dallas")
    for weights in ("default", None):
        res = Resolver(gaz, ranker=weights).resolve(text, ms)
        assert res[0].place is not None and res[0].place.id == "test:partx"


def test_fit_learns_the_sign_of_a_telling_feature() -> None:
    focus = FEATURES.index("focus_distance")

    def vec(margin: float, dist: float) -> list[float]:
        x = [0.0] * len(FEATURES)
        x[FEATURES.index("hand_margin")] = margin
        x[focus] = dist
        return x

    # the right reading is always the nearer one, whatever the hand score says
    groups = [([vec(0.0, 0.6), vec(-0.5, 0.1)], [False, True], 1.0) for _ in range(20)]
    groups += [([vec(0.0, 0.1), vec(-0.5, 0.6)], [True, False], 1.0) for _ in range(20)]
    w = fit(groups, c=10.0)
    assert w[focus] < 0
    assert fit(groups, c=10.0) == w  # deterministic


def _corpus(path: Path, docs: list[tuple[str, str, float, float]]) -> Path:
    lines = []
    for i, (text, name, lat, lon) in enumerate(docs):
        s = text.index(name)
        tops = [{"start": s, "end": s + len(name), "name": name, "lat": lat, "lon": lon}]
        for other in ("Dallas", "Lyon"):
            if other in text:
                o = text.index(other)
                tops.append({"start": o, "end": o + len(other), "name": other, "lat": None, "lon": None})
        lines.append(json.dumps({"id": str(i), "text": text, "toponyms": tops}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_train_reports_leave_one_corpus_out_and_writes_a_loadable_ranker(
    tmp_path: Path, gaz: Gazetteer
) -> None:
    texts = [
        ("Storms hit Paris near Dallas.", "Paris", 33.66, -95.55),
        ("Crowds filled Paris and Lyon.", "Paris", 48.85, 2.35),
    ]
    files = [_corpus(tmp_path / f"c{i}.jsonl", texts * (i + 1)) for i in range(3)]
    out = tmp_path / "ranker.json"
    report = train(files, out=out, gazetteer=gaz)
    assert set(report["corpora"]) == {"c0", "c1", "c2"}
    for entry in report["corpora"].values():
        assert {"loco", "in_sample", "hand"} <= set(entry)
        assert 0.0 <= entry["loco"] <= 1.0
    weights = load_weights(str(out))
    assert weights == tuple(report["weights"][f] for f in FEATURES)
    # the same corpora give the same weights
    again = train(files, out=None, gazetteer=gaz)
    assert again["weights"] == report["weights"]
    res = Resolver(gaz, ranker=weights).resolve(texts[0][0], _mentions(texts[0][0], "Paris", "Dallas"))
    assert res[0].place is not None and res[0].place.id == "test:partx"


def test_train_needs_the_corpora(tmp_path: Path, gaz: Gazetteer) -> None:
    with pytest.raises(GeobriefError, match="no gold corpus"):
        train([tmp_path / "missing.jsonl"], gazetteer=gaz)

"""The status-claim scorer and evaluation (rules of shared/eval/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geobrief.errors import EvaluationError, GeobriefError
from geobrief.evaluate_claims import (
    evaluate_claims,
    format_claims_report,
    gold_places_predictor,
    match_key,
    score_claims,
)
from geobrief.model import EVENTS, MODALITIES, Article

TESTSET = Path(__file__).resolve().parents[1] / "data" / "claims_testset.jsonl"
HELDOUT = Path(__file__).resolve().parents[1] / "data" / "claims_heldout.jsonl"
HELDOUT2 = Path(__file__).resolve().parents[1] / "data" / "claims_heldout2.jsonl"
HELDOUT3 = Path(__file__).resolve().parents[1] / "data" / "claims_heldout3.jsonl"
EVAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "eval"

GOLD = [
    {
        "id": "a1",
        "text": "…",
        "places": [
            {
                "name": "Qamishli",
                "lat": 37.05,
                "lon": 41.22,
                "aliases": ["Kamishli"],
                "claims": [
                    {
                        "event": "withdrawal",
                        "modality": "reported",
                        "attribution": "reports",
                        "evidence": "x",
                    },
                    {
                        "event": "military_presence",
                        "modality": "asserted",
                        "modality_alt": ["claimed"],
                        "evidence": "x",
                    },
                ],
            },
            {
                "name": "al-Hasakah province",
                "lat": 36.5,
                "lon": 40.75,
                "claims": [
                    {
                        "event": "attack",
                        "modality": "claimed",
                        "evidence": "x",
                        "event_alt": ["military_presence"],
                    },
                ],
            },
            {
                "name": "Damascus",
                "lat": 33.51,
                "lon": 36.29,
                "claims": [
                    {"event": "visit", "modality": "planned", "optional": True, "evidence": "x"},
                ],
            },
            {"name": "Moscow", "lat": 55.75, "lon": 37.62, "claims": []},
        ],
    },
    {
        "id": "a2",
        "text": "…",
        "places": [
            {
                "name": "Sanaa",
                "lat": 15.35,
                "lon": 44.2,
                "claims": [{"event": "disaster", "modality": "asserted", "evidence": "x"}],
            },
        ],
    },
]


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in GOLD) + "\n", encoding="utf-8")
    return path


def _self_predictions(records, modality: str | None = None, optional: bool = True):
    return [
        {
            "id": r["id"],
            "places": [
                {
                    "name": p["name"],
                    "lat": p["lat"],
                    "lon": p["lon"],
                    "claims": [
                        {"event": c["event"], "modality": modality or c["modality"]}
                        for c in p["claims"]
                        if optional or not c.get("optional")
                    ],
                }
                for p in r["places"]
            ],
        }
        for r in records
    ]


def _load(path: Path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def test_gold_against_itself_is_perfect(gold):
    res = score_claims(gold, _self_predictions(GOLD))
    assert (res["precision"], res["recall"], res["f1"], res["modality_accuracy"]) == (1.0, 1.0, 1.0, 1.0)
    assert (res["tp"], res["fp"], res["fn"]) == (4, 0, 0)
    assert res["n_articles"] == 2


def test_always_asserted_lowers_modality_accuracy_not_f1(gold):
    res = score_claims(gold, _self_predictions(GOLD, modality="asserted"))
    assert res["f1"] == 1.0
    # Qamishli withdrawal (reported) and al-Hasakah attack (claimed) are wrong; presence and Sanaa are right
    assert res["modality_accuracy"] == 0.5
    assert res["modality_exact"] == 0.5


def test_modality_alt_is_accepted_but_not_for_the_exact_set(gold):
    preds = _self_predictions(GOLD)
    preds[0]["places"][0]["claims"][1]["modality"] = "claimed"  # presence: alt of asserted
    res = score_claims(gold, preds)
    assert res["modality_accuracy"] == 1.0
    assert res["modality_exact"] == 0.75


def test_names_match_case_diacritic_article_and_designator_insensitively(gold):
    preds = [
        {
            "id": "a1",
            "places": [
                {
                    "name": "QĀMISHLĪ",
                    "lat": 0,
                    "lon": 0,
                    "claims": [{"event": "withdrawal", "modality": "reported"}],
                },
                {
                    "name": "Hasakah",
                    "lat": 0,
                    "lon": 0,
                    "claims": [{"event": "attack", "modality": "claimed"}],
                },
                {
                    "name": "the Damascus",
                    "lat": 0,
                    "lon": 0,
                    "claims": [{"event": "visit", "modality": "planned"}],
                },
            ],
        }
    ]
    res = score_claims(gold, preds)
    assert (res["tp"], res["fp"]) == (2, 0)  # the optional Damascus visit counts neither way
    assert match_key("al-Ḩasakah Province") == match_key("Hasakah") == "hasakah"
    assert match_key("The Hague") == "hague"
    assert match_key("Karak district") == "karak"


def test_aliases_and_coordinates_match_places(gold):
    preds = [
        {
            "id": "a1",
            "places": [
                {
                    "name": "Kamishli",
                    "lat": 0,
                    "lon": 0,
                    "claims": [{"event": "withdrawal", "modality": "reported"}],
                },
                {
                    "name": "Al Qamishli airbase",
                    "lat": 37.1,
                    "lon": 41.3,
                    "claims": [{"event": "military_presence", "modality": "asserted"}],
                },
                {
                    "name": "Nowhere",
                    "lat": 10.0,
                    "lon": 10.0,
                    "claims": [{"event": "attack", "modality": "asserted"}],
                },
            ],
        }
    ]
    res = score_claims(gold, preds)
    assert (res["tp"], res["fp"], res["fn"]) == (2, 1, 2)


def test_event_alt_counts_as_the_gold_event(gold):
    preds = [
        {
            "id": "a1",
            "places": [
                {
                    "name": "al-Hasakah province",
                    "lat": 36.5,
                    "lon": 40.75,
                    "claims": [{"event": "military_presence", "modality": "claimed"}],
                },
            ],
        }
    ]
    res = score_claims(gold, preds)
    assert res["per_event"]["attack"]["recall"] == 1.0 and res["fp"] == 0


def test_claims_on_mention_only_places_are_false_positives(gold):
    preds = [
        {
            "id": "a1",
            "places": [
                {
                    "name": "Moscow",
                    "lat": 55.75,
                    "lon": 37.62,
                    "claims": [{"event": "visit", "modality": "asserted"}],
                }
            ],
        }
    ]
    res = score_claims(gold, preds)
    assert (res["tp"], res["fp"], res["fn"]) == (0, 1, 4)
    assert res["precision"] == 0.0 and res["f1"] == 0.0


def test_missing_article_counts_as_predicting_nothing(gold):
    res = score_claims(gold, _self_predictions(GOLD[:1]))
    assert (res["tp"], res["fn"]) == (3, 1)
    assert res["per_event"]["disaster"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}


def test_malformed_gold_and_predictions_raise(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "places": [}\n', encoding="utf-8")
    with pytest.raises(EvaluationError):
        score_claims(bad, [])
    with pytest.raises(EvaluationError):
        score_claims(tmp_path / "missing.jsonl", [])
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "x", "places": []}\n', encoding="utf-8")
    with pytest.raises(GeobriefError):
        score_claims(good, [{"places": []}])


def test_report_lists_the_figures(gold):
    text = format_claims_report(score_claims(gold, _self_predictions(GOLD)))
    assert "F1 1.000" in text and "withdrawal" in text and "modality accuracy" in text


def test_gold_places_predictor_needs_the_gold():
    with pytest.raises(EvaluationError):
        gold_places_predictor(Article(id="x", text="Protests in Paris."))


def test_custom_predictor_is_scored(gold):
    def predict(article: Article) -> dict:
        return {
            "id": article.id,
            "places": [
                {
                    "name": "Sanaa",
                    "lat": 15.35,
                    "lon": 44.2,
                    "claims": [{"event": "disaster", "modality": "asserted"}],
                }
            ],
        }

    res = evaluate_claims(gold, predict=predict)
    assert (res["tp"], res["fp"], res["fn"]) == (1, 1, 3)


# -- the written test set -------------------------------------------------------------------------


def test_testset_is_well_formed_and_covers_the_vocabulary():
    records = _load(TESTSET)
    from geobrief.text import sentence_spans

    sentences = [r["text"][a:b] for r in records for a, b in sentence_spans(r["text"])]
    assert len(sentences) >= 150
    assert len(set(sentences)) == len(sentences)  # every sentence written once
    assert len({r["id"] for r in records}) == len(records)
    claims = [c for r in records for p in r["places"] for c in p["claims"]]
    required = [c for c in claims if not c.get("optional")]
    assert {c["event"] for c in required} == set(EVENTS)
    assert {c["modality"] for c in required} == set(MODALITIES)
    # every event and modality often enough to be measured
    assert all(sum(c["event"] == e for c in required) >= 10 for e in EVENTS)
    assert all(sum(c["modality"] == m for c in required) >= 5 for m in MODALITIES)
    assert sum(not p["claims"] for r in records for p in r["places"]) >= 40  # mention-only places
    # sentences naming places but making no claim about any of them
    claimless = [r for r in records if all(not p["claims"] for p in r["places"])]
    assert len(claimless) >= 3
    # multi-place sentences: one evidence sentence carrying claims on two or more places
    by_evidence: dict[tuple[str, str], set[str]] = {}
    for r in records:
        for p in r["places"]:
            for c in p["claims"]:
                sent = next(
                    (r["text"][a:b] for a, b in sentence_spans(r["text"]) if c["evidence"] in r["text"][a:b]),
                    "",
                )
                by_evidence.setdefault((r["id"], sent), set()).add(p["name"])
    assert sum(len(names) >= 2 for names in by_evidence.values()) >= 15
    assert all(r.get("published") for r in records)  # time expressions resolve against a date
    for r in records:
        for p in r["places"]:
            assert p["name"] in r["text"]
            for c in p["claims"]:
                assert c["evidence"] in r["text"]
                assert len(c["evidence"].split()) <= 20


def test_testset_scores_itself_perfectly():
    res = score_claims(TESTSET, _self_predictions(_load(TESTSET)))
    assert res["f1"] == 1.0 and res["modality_accuracy"] == 1.0


def test_claim_extraction_meets_its_targets_on_the_testset():
    res = evaluate_claims(TESTSET, predict=gold_places_predictor, mode="rules")
    assert res["f1"] >= 0.85
    assert res["modality_accuracy"] >= 0.85
    assert all(s["f1"] >= 0.75 for s in res["per_event"].values()), res["per_event"]


# -- the held-out batch of whole articles ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "min_articles"),
    [(HELDOUT, 15), (HELDOUT2, 15), (HELDOUT3, 12)],
    ids=["heldout", "heldout2", "heldout3"],
)
def test_heldout_batch_is_well_formed(path, min_articles):
    """12-15+ multi-paragraph articles (datelines, attributions, background paragraphs), each with a date."""
    records = _load(path)
    assert len(records) >= min_articles
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert r.get("published") and "\n\n" in r["text"], r["id"]  # dated, several paragraphs
        assert len({p["name"] for p in r["places"]}) == len(r["places"])
        for p in r["places"]:
            names = [p["name"], *p.get("aliases", [])]
            assert any(n.casefold() in r["text"].casefold() for n in names), (r["id"], p["name"])
            assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
            for c in p["claims"]:
                assert c["event"] in EVENTS and c["modality"] in MODALITIES, (r["id"], c)
                assert set(c.get("modality_alt", [])) <= set(MODALITIES)
                assert c["evidence"] in r["text"] and len(c["evidence"].split()) <= 20, (r["id"], c)
    required = [c for r in records for p in r["places"] for c in p["claims"] if not c.get("optional")]
    assert {c["event"] for c in required} == set(EVENTS)
    assert sum(not p["claims"] for r in records for p in r["places"]) >= 30  # datelines, speakers, origins
    res = score_claims(path, _self_predictions(records))
    assert res["f1"] == 1.0 and res["modality_accuracy"] == 1.0


def test_claims_hold_a_floor_on_the_heldout_batch():
    """The held-out articles were written, annotated and scored before any rule was tuned on them.

    Before the fixes they scored F1 0.860 / modality 0.923 with the gold places and F1 0.810 /
    modality 0.936 through the whole pipeline; after the general fixes of that round, 0.913 / 0.983
    and 0.867 / 0.981.  The floors sit a little under the latter (the pipeline's leaves room for
    recognition changes).
    """
    res = evaluate_claims(HELDOUT, predict=gold_places_predictor, mode="rules")
    assert res["f1"] >= 0.88 and res["modality_accuracy"] >= 0.95, (res["f1"], res["modality_accuracy"])
    res = evaluate_claims(HELDOUT, mode="rules")
    assert res["f1"] >= 0.82 and res["modality_accuracy"] >= 0.93, (res["f1"], res["modality_accuracy"])


@pytest.mark.eval
@pytest.mark.skipif(not (EVAL_DIR / "status_dev.jsonl").exists(), reason="shared eval corpora absent")
def test_dev_set_gold_places_and_scorer_reference_points():
    dev = EVAL_DIR / "status_dev.jsonl"
    records = _load(dev)
    # the README's reference points: the gold scores 1.0, always-asserted gives 0.72 / 0.52
    res = score_claims(dev, _self_predictions(records, optional=False))
    assert res["f1"] == 1.0
    res = score_claims(dev, _self_predictions(records, modality="asserted", optional=False))
    assert round(res["modality_accuracy"], 2) == 0.72 and round(res["modality_exact"], 2) == 0.52
    res = evaluate_claims(dev, predict=gold_places_predictor)
    assert res["f1"] >= 0.75 and res["modality_accuracy"] >= 0.80
    res = evaluate_claims(dev)
    assert res["f1"] >= 0.75 and res["modality_accuracy"] >= 0.80


def test_claims_hold_a_floor_on_the_second_heldout_batch():
    """A second held-out batch in other styles (analysis with background, live blog, press release,
    metonymy-heavy diplomacy, UN update, election unrest, maritime, cross-border shelling, embassy
    drawdowns, ceasefire monitoring, outbreak counts, siege and capture, a profile of origins),
    written, annotated and scored before any rule was tuned on it.

    Before the fixes it scored F1 0.764 / modality 1.000 with the gold places and F1 0.675 /
    modality 0.980 through the whole pipeline; after the general fixes of that round, 0.810 / 1.000
    and 0.710 / 0.982.  The floors sit a little under the latter.
    """
    res = evaluate_claims(HELDOUT2, predict=gold_places_predictor, mode="rules")
    assert res["f1"] >= 0.79 and res["modality_accuracy"] >= 0.95, (res["f1"], res["modality_accuracy"])
    res = evaluate_claims(HELDOUT2, mode="rules")
    assert res["f1"] >= 0.69 and res["modality_accuracy"] >= 0.93, (res["f1"], res["modality_accuracy"])


def test_claims_hold_a_floor_on_the_third_heldout_batch():
    """A third held-out batch of 12 articles in other styles (regional roundup, county storm outages,
    a foreign minister's tour, troop rotations and a depot closure, prison break and recapture,
    ceasefire violation with denials, an interview-heavy displacement story, a cholera ministry update,
    a cancelled protest, a disputed-territory explainer, a typhoon landfall, embassy statements amid
    unrest), written, annotated and scored before any rule was tuned on it.

    Before the fixes it scored F1 0.747 / modality 0.893 with the gold places and F1 0.693 /
    modality 0.885 through the whole pipeline; after the general fixes of that round, 0.867 / 0.944
    and 0.805 / 0.939.  The floors sit a little under the latter.
    """
    res = evaluate_claims(HELDOUT3, predict=gold_places_predictor, mode="rules")
    assert res["f1"] >= 0.84 and res["modality_accuracy"] >= 0.90, (res["f1"], res["modality_accuracy"])
    res = evaluate_claims(HELDOUT3, mode="rules")
    assert res["f1"] >= 0.77 and res["modality_accuracy"] >= 0.90, (res["f1"], res["modality_accuracy"])


@pytest.mark.parametrize("path", [TESTSET, HELDOUT, HELDOUT2, HELDOUT3], ids=lambda p: p.stem)
def test_the_scored_extractor_keeps_the_team_written_sets_above_075(path):
    """Issue 8's acceptance: the scorer, trained on real news only, keeps the team-written sets at
    pair F1 >= 0.75 through the whole pipeline (the floors above pin the role linker alone)."""
    res = evaluate_claims(path)
    assert res["f1"] >= 0.75 and res["modality_accuracy"] >= 0.85, (res["f1"], res["modality_accuracy"])


def test_a_compass_part_of_a_place_is_matched_by_the_whole_place(tmp_path):
    # spec convention 2: "a car bomb in northern Iraq" is a claim on Iraq, so a prediction of
    # Kansas matches gold "southwest Kansas"; an exact gold name still wins over a part
    def place(name, lat, lon, event):
        return {
            "name": name,
            "lat": lat,
            "lon": lon,
            "claims": [{"event": event, "modality": "asserted", "evidence": "x"}],
        }

    records = [
        {"id": "k1", "text": "x", "places": [place("southwest Kansas", 37.3, -100.5, "disaster")]},
        {
            "id": "k2",
            "text": "x",
            "places": [
                place("Kansas", 38.5, -98.0, "visit"),
                place("northern Kansas", 39.7, -98.0, "attack"),
            ],
        },
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")

    def pred(rid, event):
        return {"id": rid, "places": [{**place("Kansas", 38.5, -98.0, event)}]}

    assert score_claims(path, [pred("k1", "disaster")])["tp"] == 1
    res = score_claims(path, [pred("k2", "visit")])
    # Kansas is Kansas, not its northern part (and k1 goes unpredicted)
    assert (res["tp"], res["fp"], res["fn"]) == (1, 0, 2)
    assert score_claims(path, [pred("k1", "attack")])["fp"] == 1

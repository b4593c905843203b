"""Train the claim scorer on annotated real articles (``geobrief train-claims``).

The pipeline (recognition, resolution) runs once per article; every claim candidate
(:mod:`geobrief.claims.candidates`) is labelled against the gold annotations: 1 when its place
matches a gold place (as ``eval-claims`` matches them) that holds a required claim of its event
*in the candidate's sentence* (a gold evidence quote overlaps it), 0 when the place has no such
event at all; candidates of optional-only pairs, and of gold pairs whose evidence lies in another
sentence, are left out rather than guessed.  A logistic regression (scikit-learn, liblinear,
fixed seed) is fitted on the labelled candidates; the decision threshold is the one that gives
the best pair F1 in 5-fold cross-validation grouped by article.  The weights go to
``geobrief/rules/claim_scorer.json`` as plain JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geobrief.claims.scorer import Scorer
from geobrief.model import Article, Resolution

__all__ = ["prepare", "fit", "train", "cross_validate"]

#: Regularisation strength of the logistic regression (inverse; chosen by grouped CV on dev).
C = 1.0
#: Settings whose CV F1 lies within this of the best count as tied (the most precise wins).
TIE_F1 = 0.01
#: Lower thresholds also tried for candidates the role linker links.
ROLE_THRESHOLDS = (0.05, 0.1, 0.15)
#: Thresholds tried for the decision rule.
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))


@dataclass
class Prepared:
    """One gold article, analysed once: what every fold and every threshold re-scores."""

    record: dict[str, Any]
    article: Article
    resolutions: tuple[Resolution, ...]
    sentences: list[tuple[int, int]]


def prepare(records: Sequence[dict[str, Any]], pipeline: Any = None) -> list[Prepared]:
    """Recognise and resolve the places of every gold article (claims are left to the folds)."""
    from geobrief.pipeline import Pipeline

    pipe = pipeline or Pipeline()
    out = []
    for rec in records:
        article = Article(
            id=str(rec["id"]), text=rec["text"], title=rec.get("title"), published=rec.get("published")
        )
        sentences, resolutions, _ = pipe.locate(article)
        out.append(Prepared(rec, article, tuple(resolutions), sentences))
    return out


def _evidence_spans(text: str, quote: str) -> list[tuple[int, int]]:
    words = quote.split()
    if not words:
        return []
    rx = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def labelled_candidates(item: Prepared) -> list[tuple[dict[str, float], int]]:
    """(features, label) of every candidate of one article that the gold decides."""
    return [(cand.features, label) for _, cand, _, label in labelled_detail(item)]


def labelled_detail(item: Prepared) -> list[tuple[Resolution, Any, tuple[int, int], int]]:
    """(resolution, candidate, sentence span, label) of every candidate the gold decides."""
    from geobrief.claims.extract import extract
    from geobrief.evaluate_claims import _gold_places, _match_place, prediction_places

    gold = _gold_places(item.record)
    # evidence spans of each (gold place index, event), required claims only
    spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for gi, p in enumerate(item.record["places"]):
        for c in p.get("claims", []):
            if c.get("optional"):
                continue
            for event in (c["event"], *c.get("event_alt", [])):
                spans.setdefault((gi, event), []).extend(
                    _evidence_spans(item.article.text, c.get("evidence", ""))
                )
    names = prediction_places(item.resolutions)
    collected: list = []
    extract(item.article, item.resolutions, item.sentences, mode="candidates", collect=collected)
    rows = []
    for r, cand, (s_start, s_end) in collected:
        entry = names.get(r.place.id) if r.place is not None else None
        if entry is None:
            continue
        g = _match_place(entry, gold)
        if g is None:
            rows.append((r, cand, (s_start, s_end), 0))
            continue
        gi = gold.index(g)
        pair = g.pairs.get(cand.event)
        if pair is None:
            alt = next((e for e, pr in g.pairs.items() if cand.event in pr.alt_events), None)
            pair = g.pairs.get(alt) if alt else None
        if pair is None:
            rows.append((r, cand, (s_start, s_end), 0))
        elif pair.required:
            where = spans.get((gi, cand.event), [])
            if not where or any(a < s_end and s_start < b for a, b in where):
                rows.append((r, cand, (s_start, s_end), 1))
            # a gold pair stated in another sentence: neither way
    return rows


def fit(rows: Sequence[tuple[dict[str, float], int]], c: float = C) -> Scorer:
    """A logistic regression over the rows' features (deterministic).

    Raises
    ------
    GeobriefError
        If scikit-learn is not installed (``pip install 'geobrief[train]'``).
    """
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        from geobrief.errors import GeobriefError

        raise GeobriefError(
            "training the claim scorer needs scikit-learn: pip install 'geobrief[train]'"
        ) from exc

    vec = DictVectorizer(sort=True, sparse=False)
    x = vec.fit_transform([f for f, _ in rows])
    y = [label for _, label in rows]
    clf = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=1000)
    clf.fit(x, y)
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) > 1e-6
    }
    return Scorer(weights=weights, intercept=round(float(clf.intercept_[0]), 5))


def _predictions(items: Sequence[Prepared], model: Scorer) -> list[dict]:
    from geobrief.claims.extract import extract
    from geobrief.evaluate_claims import analysis_to_prediction

    out = []
    for it in items:
        claims = extract(it.article, it.resolutions, it.sentences, mode="scored", model=model)
        out.append(analysis_to_prediction(it.article, it.resolutions, claims))
    return out


def _score(items: Sequence[Prepared], model: Scorer) -> dict[str, Any]:
    from geobrief.evaluate_claims import score_claims

    return score_claims("", _predictions(items, model), gold=[it.record for it in items])


def cross_validate(
    items: Sequence[Prepared],
    c: float = C,
    folds: int = 5,
    thresholds: Sequence[float] = THRESHOLDS,
    rows: Sequence[list[tuple[dict[str, float], int]]] | None = None,
) -> dict[tuple[float, float], dict[str, Any]]:
    """Pair scores of grouped k-fold CV (folds by article, in id order), per (threshold, role threshold).

    ``rows``: the items' :func:`labelled_candidates`, when already computed.
    """
    order = sorted(range(len(items)), key=lambda i: items[i].article.id)
    fold_of = {i: n % folds for n, i in enumerate(order)}
    if rows is None:
        rows = [labelled_candidates(it) for it in items]
    grid = [(t, tr) for t in thresholds for tr in (*ROLE_THRESHOLDS, *thresholds) if tr <= t]
    preds: dict[tuple[float, float], list[dict]] = {g: [] for g in grid}
    golds: list[dict] = []
    for k in range(folds):
        train_rows = [r for i in range(len(items)) if fold_of[i] != k for r in rows[i]]
        model = fit(train_rows, c)
        test = [items[i] for i in range(len(items)) if fold_of[i] == k]
        golds += [it.record for it in test]
        for t, tr in grid:
            preds[(t, tr)] += _predictions(test, Scorer(model.weights, model.intercept, t, role_threshold=tr))
    from geobrief.evaluate_claims import score_claims

    return {g: score_claims("", preds[g], gold=golds) for g in grid}


def choose_thresholds(cv: dict[tuple[float, float], dict[str, Any]]) -> tuple[float, float]:
    """(threshold, role threshold) from the CV scores of :func:`cross_validate`.

    The CV surface is flat near its top. Of the settings within ``TIE_F1`` of the best F1, the
    lowest role threshold (where the data cannot tell, the role linker, written and tested on other
    text, keeps its links), then the most precise (users act on what the map shows).
    """
    top = max(v["f1"] for v in cv.values())
    return max(
        (g for g in cv if cv[g]["f1"] >= top - TIE_F1), key=lambda g: (-g[1], round(cv[g]["precision"], 4), g)
    )


def default_training_files() -> list[str]:
    """The real annotated articles the packaged scorer is trained on: the ``dev`` part of
    ``tests/data/claims_real`` and ``shared/eval/status_dev.jsonl`` (never the lockbox).

    Raises
    ------
    GeobriefError
        If the files are not there (a checkout with ``shared/`` beside it is needed).
    """
    from geobrief.errors import GeobriefError
    from geobrief.evaluate_claims import shared_dir

    root = Path(__file__).resolve().parents[2]
    dev = root / "tests" / "data" / "claims_real" / "dev.jsonl"
    shared = shared_dir(root)
    status = shared / "eval" / "status_dev.jsonl" if shared else None
    if not dev.exists() or status is None or not status.exists():
        raise GeobriefError(
            "training needs tests/data/claims_real/dev.jsonl and shared/eval/status_dev.jsonl"
        )
    return [str(dev), str(status)]


def train(
    gold_paths: Sequence[str | Path], out: str | Path | None = None, c: float = C, folds: int = 5
) -> tuple[Scorer, dict[str, Any]]:
    """Fit the scorer on the gold files and write it (``rules/claim_scorer.json`` by default).

    Returns the scorer and a report: candidates, positives, the CV F1 at each threshold and the
    chosen threshold.
    """
    from geobrief.evaluate_claims import load_gold

    records = [rec for p in gold_paths for rec in load_gold(p)]
    items = prepare(records)
    per_item = [labelled_candidates(it) for it in items]
    cv = cross_validate(items, c, folds, rows=per_item)
    best = choose_thresholds(cv)
    rows = [r for item_rows in per_item for r in item_rows]
    model = fit(rows, c)
    report = {
        "articles": len(items),
        "candidates": len(rows),
        "positives": sum(label for _, label in rows),
        "C": c,
        "threshold": best[0],
        "role_threshold": best[1],
        "cv": {
            f"{t}/{tr}": {
                "f1": round(v["f1"], 4),
                "precision": round(v["precision"], 4),
                "recall": round(v["recall"], 4),
            }
            for (t, tr), v in cv.items()
        },
        "cv_f1": round(cv[best]["f1"], 4),
        "cv_precision": round(cv[best]["precision"], 4),
        "cv_recall": round(cv[best]["recall"], 4),
        "cv_modality_accuracy": round(cv[best]["modality_accuracy"], 4),
        "trained_on": [str(Path(p).name) for p in gold_paths],
    }
    model = Scorer(model.weights, model.intercept, best[0], meta=report, role_threshold=best[1])
    target = Path(out) if out else Path(__file__).resolve().parent.parent / "rules" / "claim_scorer.json"
    target.write_text(json.dumps(model.to_data(), indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return model, report

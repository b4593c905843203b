"""Training the learned candidate ranker (:mod:`geobrief.ranker`): ``geobrief train-ranker``.

Reads the gold corpora, builds each name's candidate table with the resolver, fits the pairwise
logistic regression and reports leave-one-corpus-out and in-sample accuracy.  Kept apart from
:mod:`geobrief.ranker` so that resolving never imports the evaluation code.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geobrief.errors import GeobriefError
from geobrief.ranker import FEATURES, load_weights

# -- training ----------------------------------------------------------------------------------

#: The gold corpora the shipped ranker is trained on (read at run time from shared/eval).
CORPORA = ("lgl", "tr_news", "geovirus")


def default_corpora() -> list[Path]:
    """``../shared/eval/{lgl,tr_news,geovirus}.jsonl`` next to the project (or its working copy)."""
    root = Path(__file__).resolve().parents[2]
    return [root / "shared" / "eval" / f"{c}.jsonl" for c in CORPORA]


#: A name group of the training data: its candidates' features, which are right, its weight.
Group = tuple[list[list[float]], list[bool], float]


def collect(path: str | Path, resolver: Any) -> list[Group]:
    """Training groups of one corpus: each name of each article, given the gold spans.

    A candidate is right when within 161 km of the gold point of the name's first mention with
    coordinates; names with no right or no wrong candidate teach nothing and are left out.  The
    weight is the number of gold mentions of the name (accuracy counts mentions).
    """
    from geobrief.evaluate import ACC_KM, gold_mentions, read_corpus
    from geobrief.geo import haversine_km

    groups: list[Group] = []
    for doc in read_corpus(path):
        gms, gold = gold_mentions(doc)
        if not gms:
            continue
        t = resolver.table(doc["text"], gms)
        for g, members in enumerate(t.gmembers):
            cands = t.gcands[g]
            if len(cands) < 2 or g in t.linked:
                continue
            points = [gold[i] for i in members if gold[i] is not None]
            if not points:
                continue
            lat, lon = points[0]
            right = [haversine_km(m.candidate.lat, m.candidate.lon, lat, lon) <= ACC_KM for m in cands]
            if any(right) and not all(right):
                groups.append((t.features[g], right, float(len(points))))
    return groups


#: Wrong readings paired with a name's right one: the strongest by the hand-weighted score.
HARD_NEGATIVES = 5
_MARGIN = FEATURES.index("hand_margin")
#: Inverse strength of the penalty holding the weights (but the hand margin's) toward zero:
#: of 0.01, 0.1, 1 and 10, 0.01 gave the best leave-one-corpus-out accuracy on all three corpora.
C = 0.01


def fit(groups: Sequence[Group], c: float = C, hard: int = HARD_NEGATIVES) -> tuple[float, ...]:
    """Pairwise logistic regression: weights such that the right reading outscores wrong ones.

    Per name, its best right reading (by the hand-weighted score) is paired with its ``hard``
    strongest wrong ones; the model is the probability that the right one wins the pair,
    sigmoid(w . (right - wrong)), with no intercept.  Each name weighs its mention count, shared by
    its pairs.  Features are scaled by their spread (and the scale folded back in); every weight
    but the hand-weighted margin's is held toward zero by an L2 penalty of strength 1 / ``c``, so
    the hand score is the starting point and the other features learn only what the data support.
    Deterministic (L-BFGS from a fixed start).
    """
    try:
        import numpy as np
        from scipy.optimize import minimize
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise GeobriefError("training the ranker needs SciPy: pip install 'geobrief[train]'") from exc
    diffs: list[list[float]] = []
    weights: list[float] = []
    from geobrief.resolve import FEATURE_WINDOW

    for xs, right, w in groups:
        order = sorted(range(len(xs)), key=lambda k: -xs[k][_MARGIN])
        pos = next(k for k in order if right[k])
        if xs[pos][_MARGIN] < -FEATURE_WINDOW:
            continue  # the right reading is out of reach (it gets no features)
        neg = [k for k in order if not right[k] and xs[k][_MARGIN] >= -FEATURE_WINDOW][:hard]
        if not neg:
            continue
        for k in neg:
            diffs.append([a - b for a, b in zip(xs[pos], xs[k], strict=True)])
            weights.append(w / len(neg))
    if not diffs:
        raise GeobriefError("no training pairs: the corpora give no name with a right and a wrong reading")
    x = np.asarray(diffs, dtype=float)
    sw = np.asarray(weights, dtype=float)
    sw = sw / sw.sum()
    scale = np.sqrt((x * x).mean(axis=0))
    scale[scale == 0] = 1.0
    x = x / scale
    penalty = np.full(x.shape[1], 1.0 / (c * len(groups)))
    penalty[_MARGIN] = 0.0

    def loss(beta: Any) -> tuple[float, Any]:
        z = x @ beta
        # log(1 + exp(-z)) and its gradient, stable for large |z|
        value = float(sw @ np.logaddexp(0.0, -z) + 0.5 * penalty @ (beta * beta))
        grad = -(x.T @ (sw / (1.0 + np.exp(z)))) + penalty * beta
        return value, grad

    start = np.zeros(x.shape[1])
    start[_MARGIN] = scale[_MARGIN]  # the hand-weighted score itself
    res = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    return tuple(round(float(v), 6) for v in res.x / scale)


def train(
    paths: Sequence[str | Path] | None = None, *, out: str | Path | None = None, gazetteer: Any = None
) -> dict[str, Any]:
    """Fit the ranker on the gold corpora, report leave-one-corpus-out and in-sample accuracy.

    Parameters
    ----------
    paths : sequence of path, optional
        Gold corpora (``shared/eval`` format); default :func:`default_corpora`.
    out : path, optional
        Where to write the ranker JSON (default: only report).
    gazetteer : Gazetteer, optional
        Default :func:`geobrief.gazetteer.load_gazetteer`.

    Returns
    -------
    dict
        ``weights``, and per corpus ``loco`` (trained on the others) and ``in_sample`` (trained on
        all) acc@161 given the gold spans as ``geobrief eval --gold-spans`` measures it, with
        ``hand`` (the hand-weighted score) beside them; ``names`` (the names with a right and a
        wrong candidate) and ``seconds``.
    """
    from geobrief.evaluate import evaluate_geoparsing
    from geobrief.resolve import Resolver

    t0 = time.perf_counter()
    files = [Path(p) for p in (paths or default_corpora())]
    for f in files:
        if not f.is_file():
            raise GeobriefError(f"no gold corpus at {f}")
    if gazetteer is None:
        from geobrief.gazetteer import load_gazetteer

        gazetteer = load_gazetteer(progress=False)
    hand = Resolver(gazetteer, ranker=None)
    rows = {f: collect(f, hand) for f in files}

    def acc(f: Path, weights: tuple[float, ...] | None) -> float:
        res = evaluate_geoparsing(f, gold_spans_only=True, resolver=Resolver(gazetteer, ranker=weights))
        return round(res["resolution_gold_spans"]["acc161"], 4)

    weights = fit([grp for f in files for grp in rows[f]])
    report: dict[str, Any] = {"corpora": {}, "names": sum(len(rows[f]) for f in files)}
    for f in files:
        entry = {"hand": acc(f, None), "in_sample": acc(f, weights)}
        if len(files) > 1:
            loco = fit([grp for o in files if o != f for grp in rows[o]])
            entry["loco"] = acc(f, loco)
        report["corpora"][f.stem] = entry
    report["weights"] = dict(zip(FEATURES, weights, strict=True))
    report["seconds"] = round(time.perf_counter() - t0, 1)
    if out is not None:
        data = {
            "about": "Candidate ranker of geobrief.resolve: score = sum of weight * feature; "
            "written by `geobrief train-ranker` (pairwise logistic regression on the gold corpora).",
            "trained_on": [f.stem for f in files],
            "names": report["names"],
            "weights": report["weights"],
        }
        try:
            Path(out).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise GeobriefError(f"cannot write {out}: {exc.strerror or exc}") from exc
        load_weights.cache_clear()
    return report
